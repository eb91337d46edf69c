/* cln-schema.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "cln-schema.h"

/*
 * The type checks follow CLN's own validator (contrib/pyln-testing
 * fixtures.py, _extra_validator): hex is any run of hex digits; hash, secret
 * and txid are 64 of them; pubkey is 66 starting 02 or 03; u8..u64 are
 * non-negative integers in range; msat in a response is an integer and in
 * a request anything pyln's Millisatoshi() takes. Integers must be written
 * as integers: lightningd's json_to_u64 refuses "1.0" and "1e3".
 */

struct _ClnSchema
{
  MsJsonDocument    *doc;
  const MsJsonValue *request;
  const MsJsonValue *response;
  const MsJsonValue *examples;
  char              *method;
};

typedef struct
{
  ClnSchemaDirection  direction;
  GString            *path;
} Validator;

static gboolean validate (Validator          *v,
                          const MsJsonValue  *schema,
                          const MsJsonValue  *instance,
                          GError            **error);

/* Keywords that describe and do not constrain. */
static const char * const annotations[] = {
  "description", "added", "deprecated", "default", "hidden", "dependentUpon", "title",
  "$schema", "$comment", "rpc", "examples", "errors", "post_return_value_notes",
  "pre_return_value_notes", "author", "see_also", "resources", "format_hint", "categories",
  "notes", "depecated",
};

static const char * const keywords[] = {
  "type", "properties", "required", "additionalProperties", "enum", "const", "items",
  "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "minLength", "maxLength",
};

static gboolean
fail (Validator   *v,
      GError     **error,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (Validator   *v,
      GError     **error,
      const char  *format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", v->path->str, what);
  return FALSE;
}

static gboolean
bad_schema (Validator   *v,
            GError     **error,
            const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "schema at %s: %s",
               v->path->str, what);
  return FALSE;
}

/* A short excerpt of the instance for messages. */
static char *
excerpt (const MsJsonValue *instance)
{
  gsize len;
  const char *raw = ms_json_value_get_raw (instance, &len);

  if (len <= 40)
    return g_strndup (raw, len);
  return g_strdup_printf ("%.*s...", 37, raw);
}

static const char *
string_of (const MsJsonValue *value,
           gsize             *len)
{
  if (value == NULL || ms_json_value_get_value_type (value) != MS_JSON_STRING)
    return NULL;
  return ms_json_value_get_string (value, len);
}

/* Numbers. */

static gboolean
digits_to_u64 (const char *text,
               gsize       len,
               guint64    *out)
{
  guint64 value = 0;

  if (len == 0 || len > 20)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      guint digit;

      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      digit = text[i] - '0';
      if (value > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      value = value * 10 + digit;
    }
  *out = value;
  return TRUE;
}

/* A JSON number written as an integer, of any size. */
static gboolean
is_integer (const MsJsonValue *value)
{
  const char *raw;
  gsize len;

  switch (ms_json_value_get_value_type (value))
    {
    case MS_JSON_INTEGER:
      return TRUE;
    case MS_JSON_DOUBLE:
      raw = ms_json_value_get_raw (value, &len);
      if (len > 0 && raw[0] == '-')
        raw++, len--;
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isdigit (raw[i]))
          return FALSE;
      return len > 0;
    case MS_JSON_NULL:
    case MS_JSON_BOOLEAN:
    case MS_JSON_STRING:
    case MS_JSON_ARRAY:
    case MS_JSON_OBJECT:
      return FALSE;
    }
  return FALSE;
}

static gboolean
is_unsigned (const MsJsonValue *value,
             guint64            max)
{
  const char *raw;
  gsize len;
  guint64 n;

  if (!is_integer (value))
    return FALSE;
  if (ms_json_value_get_value_type (value) == MS_JSON_INTEGER)
    return ms_json_value_get_integer (value) >= 0 &&
           (guint64) ms_json_value_get_integer (value) <= max;

  raw = ms_json_value_get_raw (value, &len);
  return digits_to_u64 (raw, len, &n) && n <= max;
}

/*
 * A decimal string times 10^@shift must be whole and fit u64: "1.5" with
 * shift 3 is 1500; "1.0005" is not whole. At most @max_decimals decimals.
 */
static gboolean
scaled_decimal (const char *text,
                gsize       len,
                guint       shift,
                guint       max_decimals,
                guint64    *value)
{
  const char *dot = memchr (text, '.', len);
  gsize int_len = dot != NULL ? (gsize) (dot - text) : len;
  gsize frac_len = dot != NULL ? len - int_len - 1 : 0;
  GString *digits;
  gboolean ok;

  if (int_len == 0 || (dot != NULL && (frac_len == 0 || frac_len > max_decimals)))
    return FALSE;

  digits = g_string_new_len (text, int_len);
  for (gsize i = 0; i < shift; i++)
    g_string_append_c (digits, i < frac_len ? dot[1 + i] : '0');
  for (gsize i = shift; i < frac_len; i++)
    if (dot[1 + i] != '0')
      {
        g_string_free (digits, TRUE);
        return FALSE;
      }

  ok = digits_to_u64 (digits->str, digits->len, value);
  g_string_free (digits, TRUE);
  return ok;
}

/**
 * cln_schema_parse_msat:
 * @value: a request's amount
 * @msat: (out): the amount
 *
 * pyln's Millisatoshi(): an integer, or a string ending in msat, sat (up
 * to three decimals) or btc (up to eleven), whole in msat.
 */
gboolean
cln_schema_parse_msat (const MsJsonValue *value,
                       guint64           *msat)
{
  const char *str;
  gsize len;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (msat != NULL, FALSE);

  if (is_integer (value))
    {
      const char *raw = ms_json_value_get_raw (value, &len);

      return digits_to_u64 (raw, len, msat);
    }
  if ((str = string_of (value, &len)) == NULL)
    return FALSE;

  if (len > 4 && g_str_has_suffix (str, "msat"))
    return scaled_decimal (str, len - 4, 0, 0, msat);
  if (len > 3 && g_str_has_suffix (str, "sat"))
    return scaled_decimal (str, len - 3, 3, 3, msat);
  if (len > 3 && g_str_has_suffix (str, "btc"))
    return scaled_decimal (str, len - 3, 11, 11, msat);
  return FALSE;
}

static gboolean
is_msat_request (const MsJsonValue *value)
{
  guint64 msat;

  return cln_schema_parse_msat (value, &msat);
}

/* Strings. */

static gboolean
is_hex (const MsJsonValue *value,
        gssize             exact_len)
{
  gsize len;
  const char *str = string_of (value, &len);

  if (str == NULL || (exact_len >= 0 && len != (gsize) exact_len))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (str[i]))
      return FALSE;
  return TRUE;
}

/* BOLT #7: block height (3 bytes) x transaction index (3 bytes) x output (2 bytes). */
static gboolean
scid_parts (const char *str,
            gsize       len)
{
  static const guint64 limits[] = { 1 << 24, 1 << 24, 1 << 16 };
  gsize start = 0;
  guint part = 0;

  for (gsize i = 0; i <= len; i++)
    {
      guint64 n;

      if (i < len && str[i] != 'x')
        continue;
      if (part >= 3 || !digits_to_u64 (str + start, i - start, &n) || n >= limits[part])
        return FALSE;
      part++;
      start = i + 1;
    }
  return part == 3;
}

static gboolean
is_short_channel_id (const MsJsonValue *value,
                     gboolean           with_direction)
{
  gsize len;
  const char *str = string_of (value, &len);

  if (str == NULL)
    return FALSE;
  if (with_direction)
    {
      if (len < 2 || str[len - 2] != '/' || (str[len - 1] != '0' && str[len - 1] != '1'))
        return FALSE;
      len -= 2;
    }
  return scid_parts (str, len);
}

static gboolean
is_outpoint (const MsJsonValue *value)
{
  gsize len;
  const char *str = string_of (value, &len);
  guint64 n;

  if (str == NULL || len < 66 || str[64] != ':')
    return FALSE;
  for (gsize i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (str[i]))
      return FALSE;
  return digits_to_u64 (str + 65, len - 65, &n) && n <= G_MAXUINT32;
}

static gboolean
is_feerate (const MsJsonValue *value)
{
  static const char * const names[] = {
    "urgent", "normal", "slow", "minimum", "opening", "mutual_close", "unilateral_close",
    "delayed_to_us", "htlc_resolution", "penalty", "min_acceptable", "max_acceptable",
  };
  gsize len;
  const char *str;
  guint64 n;

  if (is_integer (value))
    return TRUE;
  if ((str = string_of (value, &len)) == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (str, names[i]) == 0)
      return TRUE;
  if (len <= 5 || (!g_str_has_suffix (str, "perkw") && !g_str_has_suffix (str, "perkb")))
    return FALSE;
  return digits_to_u64 (str, len - 5, &n);
}

static gboolean
is_msat (const MsJsonValue  *value,
         ClnSchemaDirection  direction)
{
  return direction == CLN_SCHEMA_REQUEST ? is_msat_request (value)
                                         : is_unsigned (value, G_MAXUINT64);
}

/* msat_or_any, msat_or_all: the word, or an amount as a request gives it. */
static gboolean
is_msat_or (const MsJsonValue *value,
            const char        *word)
{
  gsize len;
  const char *str = string_of (value, &len);

  return (str != NULL && strcmp (str, word) == 0) || is_msat_request (value);
}

static gboolean
is_pubkey (const MsJsonValue *value)
{
  gsize len;
  const char *str = string_of (value, &len);

  return is_hex (value, 66) && str[0] == '0' && (str[1] == '2' || str[1] == '3');
}

static gboolean
is_signature (const MsJsonValue *value)
{
  gsize len = 0;

  string_of (value, &len);
  return is_hex (value, -1) && len <= 144;
}

typedef enum
{
  T_OBJECT, T_ARRAY, T_STRING, T_BOOLEAN, T_NULL, T_NUMBER, T_INTEGER, T_U64, T_U32, T_U16,
  T_U8, T_MSAT, T_MSAT_OR_ANY, T_MSAT_OR_ALL, T_HEX, T_HASH, T_PUBKEY, T_SIGNATURE,
  T_BIP340SIG, T_SCID, T_SCID_DIR, T_OUTPOINT, T_FEERATE,
} TypeId;

static const struct
{
  const char *name;
  TypeId      id;
} type_names[] = {
  { "object", T_OBJECT }, { "array", T_ARRAY }, { "string", T_STRING },
  { "boolean", T_BOOLEAN }, { "null", T_NULL }, { "number", T_NUMBER },
  { "integer", T_INTEGER }, { "u64", T_U64 }, { "u32", T_U32 }, { "u16", T_U16 },
  { "u8", T_U8 }, { "msat", T_MSAT }, { "msat_or_any", T_MSAT_OR_ANY },
  { "msat_or_all", T_MSAT_OR_ALL }, { "hex", T_HEX }, { "hash", T_HASH },
  { "secret", T_HASH }, { "txid", T_HASH }, { "pubkey", T_PUBKEY },
  { "signature", T_SIGNATURE }, { "bip340sig", T_BIP340SIG },
  { "short_channel_id", T_SCID }, { "short_channel_id_dir", T_SCID_DIR },
  { "outpoint", T_OUTPOINT }, { "feerate", T_FEERATE },
};

static gboolean
has_type_id (Validator         *v,
             TypeId             id,
             const MsJsonValue *value)
{
  MsJsonType t = ms_json_value_get_value_type (value);

  switch (id)
    {
    case T_OBJECT:       return t == MS_JSON_OBJECT;
    case T_ARRAY:        return t == MS_JSON_ARRAY;
    case T_STRING:       return t == MS_JSON_STRING;
    case T_BOOLEAN:      return t == MS_JSON_BOOLEAN;
    case T_NULL:         return t == MS_JSON_NULL;
    case T_NUMBER:       return t == MS_JSON_INTEGER || t == MS_JSON_DOUBLE;
    case T_INTEGER:      return is_integer (value);
    case T_U64:          return is_unsigned (value, G_MAXUINT64);
    case T_U32:          return is_unsigned (value, G_MAXUINT32);
    case T_U16:          return is_unsigned (value, G_MAXUINT16);
    case T_U8:           return is_unsigned (value, G_MAXUINT8);
    case T_MSAT:         return is_msat (value, v->direction);
    case T_MSAT_OR_ANY:  return is_msat_or (value, "any");
    case T_MSAT_OR_ALL:  return is_msat_or (value, "all");
    case T_HEX:          return is_hex (value, -1);
    case T_HASH:         return is_hex (value, 64);
    case T_PUBKEY:       return is_pubkey (value);
    case T_SIGNATURE:    return is_signature (value);
    case T_BIP340SIG:    return is_hex (value, 128);
    case T_SCID:         return is_short_channel_id (value, FALSE);
    case T_SCID_DIR:     return is_short_channel_id (value, TRUE);
    case T_OUTPOINT:     return is_outpoint (value);
    case T_FEERATE:      return is_feerate (value);
    }
  g_assert_not_reached ();
}

/* One type name, JSON Schema's or CLN's. @known is FALSE for a name we do not know. */
static gboolean
has_type (Validator         *v,
          const char        *type,
          const MsJsonValue *value,
          gboolean          *known)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
    if (strcmp (type, type_names[i].name) == 0)
      {
        *known = TRUE;
        return has_type_id (v, type_names[i].id, value);
      }

  *known = FALSE;
  return FALSE;
}

static gboolean
check_type (Validator          *v,
            const MsJsonValue  *type,
            const MsJsonValue  *instance,
            GError            **error)
{
  g_autofree char *got = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  guint n = ms_json_value_get_value_type (type) == MS_JSON_ARRAY ? ms_json_value_get_length (type)
                                                                 : 1;

  for (guint i = 0; i < n; i++)
    {
      const MsJsonValue *one = ms_json_value_get_value_type (type) == MS_JSON_ARRAY
                             ? ms_json_array_get_element (type, i) : type;
      const char *name = string_of (one, NULL);
      gboolean known;

      if (name == NULL)
        return bad_schema (v, error, "'type' is not a string or an array of strings");
      if (has_type (v, name, instance, &known))
        return TRUE;
      if (!known)
        return bad_schema (v, error, "unknown type");
      g_string_append_printf (names, "%s%s", i > 0 ? " or " : "", name);
    }

  got = excerpt (instance);
  return fail (v, error, "expected %s, got %s", names->str, got);
}

static gboolean
is_number (MsJsonType type)
{
  return type == MS_JSON_INTEGER || type == MS_JSON_DOUBLE;
}

/* 1 and 1.0 are the same number; big integers compare by their digits. */
static gboolean
numbers_equal (const MsJsonValue *a,
               const MsJsonValue *b)
{
  const char *sa, *sb;
  gsize la, lb;

  if (ms_json_value_get_value_type (a) == MS_JSON_INTEGER &&
      ms_json_value_get_value_type (b) == MS_JSON_INTEGER)
    return ms_json_value_get_integer (a) == ms_json_value_get_integer (b);

  sa = ms_json_value_get_raw (a, &la);
  sb = ms_json_value_get_raw (b, &lb);
  return (la == lb && memcmp (sa, sb, la) == 0) ||
         ms_json_value_get_double (a) == ms_json_value_get_double (b);
}

static gboolean
objects_equal (const MsJsonValue *a,
               const MsJsonValue *b)
{
  if (ms_json_value_get_length (a) != ms_json_value_get_length (b))
    return FALSE;

  for (guint i = 0; i < ms_json_value_get_length (a); i++)
    {
      gsize len;
      const char *key = ms_json_object_get_key (a, i, &len);
      const MsJsonValue *other = ms_json_object_get_member_len (b, key, len);

      if (other == NULL || !cln_schema_json_equal (ms_json_object_get_value_at (a, i), other))
        return FALSE;
    }
  return TRUE;
}

/* Deep equality, as "enum" and "const" compare. */
gboolean
cln_schema_json_equal (const MsJsonValue *a,
                       const MsJsonValue *b)
{
  const char *sa, *sb;
  gsize la, lb;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (is_number (ms_json_value_get_value_type (a)) && is_number (ms_json_value_get_value_type (b)))
    return numbers_equal (a, b);
  if (ms_json_value_get_value_type (a) != ms_json_value_get_value_type (b))
    return FALSE;

  switch (ms_json_value_get_value_type (a))
    {
    case MS_JSON_NULL:
      return TRUE;
    case MS_JSON_BOOLEAN:
      return ms_json_value_get_boolean (a) == ms_json_value_get_boolean (b);
    case MS_JSON_STRING:
      sa = ms_json_value_get_string (a, &la);
      sb = ms_json_value_get_string (b, &lb);
      return la == lb && memcmp (sa, sb, la) == 0;
    case MS_JSON_ARRAY:
      if (ms_json_value_get_length (a) != ms_json_value_get_length (b))
        return FALSE;
      for (guint i = 0; i < ms_json_value_get_length (a); i++)
        if (!cln_schema_json_equal (ms_json_array_get_element (a, i),
                                    ms_json_array_get_element (b, i)))
          return FALSE;
      return TRUE;
    case MS_JSON_OBJECT:
      return objects_equal (a, b);
    case MS_JSON_INTEGER:
    case MS_JSON_DOUBLE:
      break;
    }
  g_assert_not_reached ();
}

static gboolean
check_enum (Validator          *v,
            const MsJsonValue  *values,
            const MsJsonValue  *instance,
            GError            **error)
{
  g_autofree char *got = NULL;

  if (ms_json_value_get_value_type (values) != MS_JSON_ARRAY)
    return bad_schema (v, error, "'enum' is not an array");

  for (guint i = 0; i < ms_json_value_get_length (values); i++)
    if (cln_schema_json_equal (ms_json_array_get_element (values, i), instance))
      return TRUE;

  got = excerpt (instance);
  return fail (v, error, "%s is not one of the allowed values", got);
}

static gboolean
check_length (Validator          *v,
              const MsJsonValue  *bound,
              const MsJsonValue  *instance,
              gboolean            is_min,
              GError            **error)
{
  gsize len;
  const char *str = string_of (instance, &len);
  gsize n_chars;

  if (!is_unsigned (bound, G_MAXUINT32))
    return bad_schema (v, error, "a length bound is not an unsigned integer");
  if (str == NULL)
    return TRUE;

  n_chars = ms_json_utf8_n_chars (str, len);
  if (is_min && n_chars < (guint64) ms_json_value_get_integer (bound))
    return fail (v, error, "shorter than %" G_GINT64_FORMAT " characters",
                 ms_json_value_get_integer (bound));
  if (!is_min && n_chars > (guint64) ms_json_value_get_integer (bound))
    return fail (v, error, "longer than %" G_GINT64_FORMAT " characters",
                 ms_json_value_get_integer (bound));
  return TRUE;
}

/* Path steps: ".name" or "[i]", undone with path_pop(). */
static gsize
path_push_key (Validator  *v,
               const char *key,
               gsize       len)
{
  gsize mark = v->path->len;

  g_string_append_c (v->path, '.');
  g_string_append_len (v->path, key, len);
  return mark;
}

static void
path_pop (Validator *v,
          gsize      mark)
{
  g_string_truncate (v->path, mark);
}

static gboolean
check_properties (Validator          *v,
                  const MsJsonValue  *properties,
                  const MsJsonValue  *instance,
                  GError            **error)
{
  if (ms_json_value_get_value_type (properties) != MS_JSON_OBJECT)
    return bad_schema (v, error, "'properties' is not an object");

  for (guint i = 0; i < ms_json_value_get_length (properties); i++)
    {
      gsize len;
      const char *name = ms_json_object_get_key (properties, i, &len);
      const MsJsonValue *member = ms_json_object_get_member_len (instance, name, len);
      gsize mark;
      gboolean ok;

      if (member == NULL)
        continue;
      mark = path_push_key (v, name, len);
      ok = validate (v, ms_json_object_get_value_at (properties, i), member, error);
      path_pop (v, mark);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_required (Validator          *v,
                const MsJsonValue  *required,
                const MsJsonValue  *instance,
                GError            **error)
{
  if (ms_json_value_get_value_type (required) != MS_JSON_ARRAY)
    return bad_schema (v, error, "'required' is not an array");

  for (guint i = 0; i < ms_json_value_get_length (required); i++)
    {
      gsize len;
      const char *name = string_of (ms_json_array_get_element (required, i), &len);

      if (name == NULL)
        return bad_schema (v, error, "'required' holds a non-string");
      if (ms_json_object_get_member_len (instance, name, len) == NULL)
        return fail (v, error, "'%s' is required", name);
    }
  return TRUE;
}

/* Members that "properties" (of the same schema object) does not name. */
static gboolean
check_additional (Validator          *v,
                  const MsJsonValue  *schema,
                  const MsJsonValue  *additional,
                  const MsJsonValue  *instance,
                  GError            **error)
{
  const MsJsonValue *properties = ms_json_object_get_member (schema, "properties");

  if (ms_json_value_get_value_type (additional) == MS_JSON_BOOLEAN &&
      ms_json_value_get_boolean (additional))
    return TRUE;

  for (guint i = 0; i < ms_json_value_get_length (instance); i++)
    {
      gsize len, mark;
      const char *name = ms_json_object_get_key (instance, i, &len);
      gboolean ok;

      if (properties != NULL && ms_json_value_get_value_type (properties) == MS_JSON_OBJECT &&
          ms_json_object_get_member_len (properties, name, len) != NULL)
        continue;

      mark = path_push_key (v, name, len);
      if (ms_json_value_get_value_type (additional) == MS_JSON_BOOLEAN)
        ok = fail (v, error, "is not allowed here (additionalProperties is false)");
      else
        ok = validate (v, additional, ms_json_object_get_value_at (instance, i), error);
      path_pop (v, mark);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_items (Validator          *v,
             const MsJsonValue  *items,
             const MsJsonValue  *instance,
             GError            **error)
{
  if (ms_json_value_get_value_type (items) != MS_JSON_OBJECT &&
      ms_json_value_get_value_type (items) != MS_JSON_BOOLEAN)
    return bad_schema (v, error, "'items' is not a schema");

  for (guint i = 0; i < ms_json_value_get_length (instance); i++)
    {
      gsize mark = v->path->len;
      gboolean ok;

      g_string_append_printf (v->path, "[%u]", i);
      ok = validate (v, items, ms_json_array_get_element (instance, i), error);
      path_pop (v, mark);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* How many of @list's schemas @instance satisfies; the first failure goes to @first. */
static guint
count_matches (Validator          *v,
               const MsJsonValue  *list,
               const MsJsonValue  *instance,
               GError            **first,
               GError            **error)
{
  guint n = 0;

  for (guint i = 0; i < ms_json_value_get_length (list); i++)
    {
      g_autoptr(GError) local = NULL;

      if (validate (v, ms_json_array_get_element (list, i), instance, &local))
        n++;
      else if (local->code == G_IO_ERROR_INVALID_ARGUMENT)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return G_MAXUINT;
        }
      else if (first != NULL && *first == NULL)
        *first = g_steal_pointer (&local);
    }
  return n;
}

static gboolean
check_combination (Validator          *v,
                   const char         *keyword,
                   const MsJsonValue  *list,
                   const MsJsonValue  *instance,
                   GError            **error)
{
  g_autoptr(GError) first = NULL;
  guint n, total;

  if (ms_json_value_get_value_type (list) != MS_JSON_ARRAY || ms_json_value_get_length (list) == 0)
    return bad_schema (v, error, "allOf/anyOf/oneOf is not a non-empty array");

  total = ms_json_value_get_length (list);
  n = count_matches (v, list, instance, &first, error);
  if (n == G_MAXUINT)
    return FALSE;

  if (strcmp (keyword, "allOf") == 0 && n < total)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  if (strcmp (keyword, "anyOf") == 0 && n == 0)
    return fail (v, error, "matches none of the anyOf alternatives (first: %s)", first->message);
  if (strcmp (keyword, "oneOf") == 0 && n == 0)
    return fail (v, error, "matches none of the oneOf alternatives (first: %s)", first->message);
  if (strcmp (keyword, "oneOf") == 0 && n > 1)
    return fail (v, error, "matches %u of the oneOf alternatives instead of one", n);
  return TRUE;
}

static gboolean
check_not (Validator          *v,
           const MsJsonValue  *schema,
           const MsJsonValue  *instance,
           GError            **error)
{
  g_autoptr(GError) local = NULL;

  if (validate (v, schema, instance, &local))
    return fail (v, error, "matches a schema it must not match");
  if (local->code == G_IO_ERROR_INVALID_ARGUMENT)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* if/then/else: "if" decides silently which of the two applies. */
static gboolean
check_conditional (Validator          *v,
                   const MsJsonValue  *schema,
                   const MsJsonValue  *instance,
                   GError            **error)
{
  const MsJsonValue *cond = ms_json_object_get_member (schema, "if");
  const MsJsonValue *branch;
  g_autoptr(GError) local = NULL;

  if (cond == NULL)
    return TRUE;

  if (validate (v, cond, instance, &local))
    branch = ms_json_object_get_member (schema, "then");
  else if (local->code == G_IO_ERROR_INVALID_ARGUMENT)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  else
    branch = ms_json_object_get_member (schema, "else");

  return branch == NULL || validate (v, branch, instance, error);
}

static gboolean
is_one_of (const char         *key,
           const char * const *list,
           guint               n)
{
  for (guint i = 0; i < n; i++)
    if (strcmp (key, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
check_keywords_known (Validator          *v,
                      const MsJsonValue  *schema,
                      GError            **error)
{
  for (guint i = 0; i < ms_json_value_get_length (schema); i++)
    {
      const char *key = ms_json_object_get_key (schema, i, NULL);

      if (!is_one_of (key, keywords, G_N_ELEMENTS (keywords)) &&
          !is_one_of (key, annotations, G_N_ELEMENTS (annotations)))
        {
          g_autofree char *what = g_strdup_printf ("unsupported keyword '%s'", key);

          return bad_schema (v, error, what);
        }
    }
  return TRUE;
}

/* Keywords that apply to one kind of instance. */
static gboolean
check_by_kind (Validator          *v,
               const MsJsonValue  *schema,
               const MsJsonValue  *instance,
               GError            **error)
{
  MsJsonType t = ms_json_value_get_value_type (instance);
  const MsJsonValue *kw;

  if (t == MS_JSON_STRING)
    {
      if ((kw = ms_json_object_get_member (schema, "minLength")) != NULL &&
          !check_length (v, kw, instance, TRUE, error))
        return FALSE;
      if ((kw = ms_json_object_get_member (schema, "maxLength")) != NULL &&
          !check_length (v, kw, instance, FALSE, error))
        return FALSE;
    }
  if (t == MS_JSON_OBJECT)
    {
      if ((kw = ms_json_object_get_member (schema, "required")) != NULL &&
          !check_required (v, kw, instance, error))
        return FALSE;
      if ((kw = ms_json_object_get_member (schema, "properties")) != NULL &&
          !check_properties (v, kw, instance, error))
        return FALSE;
      if ((kw = ms_json_object_get_member (schema, "additionalProperties")) != NULL &&
          !check_additional (v, schema, kw, instance, error))
        return FALSE;
    }
  if (t == MS_JSON_ARRAY && (kw = ms_json_object_get_member (schema, "items")) != NULL &&
      !check_items (v, kw, instance, error))
    return FALSE;
  return TRUE;
}

static gboolean
check_combinations (Validator          *v,
                    const MsJsonValue  *schema,
                    const MsJsonValue  *instance,
                    GError            **error)
{
  static const char * const combinations[] = { "allOf", "anyOf", "oneOf" };
  const MsJsonValue *kw;

  for (guint i = 0; i < G_N_ELEMENTS (combinations); i++)
    if ((kw = ms_json_object_get_member (schema, combinations[i])) != NULL &&
        !check_combination (v, combinations[i], kw, instance, error))
      return FALSE;

  if ((kw = ms_json_object_get_member (schema, "not")) != NULL &&
      !check_not (v, kw, instance, error))
    return FALSE;
  return check_conditional (v, schema, instance, error);
}

static gboolean
validate (Validator          *v,
          const MsJsonValue  *schema,
          const MsJsonValue  *instance,
          GError            **error)
{
  const MsJsonValue *kw;

  if (ms_json_value_get_value_type (schema) == MS_JSON_BOOLEAN)
    return ms_json_value_get_boolean (schema) || fail (v, error, "no value is allowed here");
  if (ms_json_value_get_value_type (schema) != MS_JSON_OBJECT)
    return bad_schema (v, error, "a schema is neither an object nor a boolean");
  if (!check_keywords_known (v, schema, error))
    return FALSE;

  if ((kw = ms_json_object_get_member (schema, "type")) != NULL &&
      !check_type (v, kw, instance, error))
    return FALSE;
  if ((kw = ms_json_object_get_member (schema, "enum")) != NULL &&
      !check_enum (v, kw, instance, error))
    return FALSE;
  if ((kw = ms_json_object_get_member (schema, "const")) != NULL &&
      !cln_schema_json_equal (kw, instance))
    return fail (v, error, "is not the one allowed value");

  return check_by_kind (v, schema, instance, error) &&
         check_combinations (v, schema, instance, error);
}

/**
 * cln_schema_validate:
 * @schema: a schema object (or boolean)
 * @instance: the value to check
 * @direction: whether @instance is a request's params or a response
 * @error: G_IO_ERROR_INVALID_DATA naming the path of the first problem, or
 *   G_IO_ERROR_INVALID_ARGUMENT when the schema uses what we do not support
 */
gboolean
cln_schema_validate (const MsJsonValue   *schema,
                     const MsJsonValue   *instance,
                     ClnSchemaDirection   direction,
                     GError             **error)
{
  g_autoptr(GString) path = g_string_new ("$");
  Validator v = { direction, path };

  g_return_val_if_fail (schema != NULL, FALSE);
  g_return_val_if_fail (instance != NULL, FALSE);

  return validate (&v, schema, instance, error);
}

ClnSchema *
cln_schema_new_from_data (const char  *text,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(ClnSchema) schema = NULL;
  const MsJsonValue *root, *rpc;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  schema = g_new0 (ClnSchema, 1);
  schema->doc = ms_json_document_parse (text, len, error);
  if (schema->doc == NULL)
    return NULL;

  root = ms_json_document_get_root (schema->doc);
  if (ms_json_value_get_value_type (root) != MS_JSON_OBJECT ||
      (rpc = ms_json_object_get_member (root, "rpc")) == NULL ||
      ms_json_value_get_value_type (rpc) != MS_JSON_STRING ||
      (schema->request = ms_json_object_get_member (root, "request")) == NULL ||
      (schema->response = ms_json_object_get_member (root, "response")) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "not a CLN command schema (rpc, request and response)");
      return NULL;
    }

  schema->method = g_strdup (ms_json_value_get_string (rpc, NULL));
  schema->examples = ms_json_object_get_member (root, "examples");
  return g_steal_pointer (&schema);
}

ClnSchema *
cln_schema_load (const char  *path,
                 GError     **error)
{
  g_autofree char *text = NULL;
  gsize len;
  ClnSchema *schema;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &text, &len, error))
    return NULL;

  schema = cln_schema_new_from_data (text, len, error);
  if (schema == NULL)
    g_prefix_error (error, "%s: ", path);
  return schema;
}

void
cln_schema_free (ClnSchema *schema)
{
  if (schema == NULL)
    return;

  g_clear_pointer (&schema->doc, ms_json_document_free);
  g_free (schema->method);
  g_free (schema);
}

const char *
cln_schema_get_method (ClnSchema *schema)
{
  g_return_val_if_fail (schema != NULL, NULL);

  return schema->method;
}

const MsJsonValue *
cln_schema_get_request (ClnSchema *schema)
{
  g_return_val_if_fail (schema != NULL, NULL);

  return schema->request;
}

const MsJsonValue *
cln_schema_get_response (ClnSchema *schema)
{
  g_return_val_if_fail (schema != NULL, NULL);

  return schema->response;
}

/* The "examples" array ({request, response} pairs), or NULL. */
const MsJsonValue *
cln_schema_get_examples (ClnSchema *schema)
{
  g_return_val_if_fail (schema != NULL, NULL);

  return schema->examples;
}

gboolean
cln_schema_validate_request (ClnSchema          *schema,
                             const MsJsonValue  *params,
                             GError            **error)
{
  g_return_val_if_fail (schema != NULL, FALSE);

  return cln_schema_validate (schema->request, params, CLN_SCHEMA_REQUEST, error);
}

gboolean
cln_schema_validate_response (ClnSchema          *schema,
                              const MsJsonValue  *result,
                              GError            **error)
{
  g_return_val_if_fail (schema != NULL, FALSE);

  return cln_schema_validate (schema->response, result, CLN_SCHEMA_RESPONSE, error);
}
