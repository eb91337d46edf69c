/* ms-wad.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-error.h"
#include "ms-wad-private.h"

/* PROTOCOL.md 8, limits of the Python reference's validate_wad_dict(). */
#define MAX_CODE_CHARS      20
#define MAX_COUNTRIES_CHARS 200
#define MAX_NAME_CHARS      50
#define MAX_SYMBOL_CHARS    5
#define MAX_DECIMALS        10
/* How much of an unknown key an error message quotes. */
#define MAX_QUOTED          64

/* Larger doubles are all integral; below it the cast test is exact. */
#define INTEGRAL_LIMIT 9007199254740992.0

typedef struct
{
  const char *str;   /* NULL: JSON null */
  gsize       len;
} Span;

enum
{
  WAD_CODE,
  WAD_COUNTRIES,
  WAD_NAME,
  WAD_SYMBOL,
  WAD_N_STRINGS,
};

/* One allocation: the struct, then its strings, NUL-terminated. */
struct _MsWad
{
  guint64 msats;
  gdouble asset_units;
  gdouble iso_num;
  gint    decimals;            /* -1: null */
  guint   asset_stable : 1;
  guint   has_iso_num : 1;
  guint   units_integer : 1;   /* asset_units was a JSON integer literal */
  Span    strings[WAD_N_STRINGS];
  char    data[];
};

G_DEFINE_BOXED_TYPE (MsWad, ms_wad, ms_wad_copy, ms_wad_free)

/* Copies @fields, its strings included, into a new wad. */
static MsWad *
wad_alloc (const MsWad *fields)
{
  gsize total = 0;
  MsWad *wad;
  char *p;

  for (guint i = 0; i < WAD_N_STRINGS; i++)
    if (fields->strings[i].str != NULL)
      total += fields->strings[i].len + 1;

  wad = g_malloc (sizeof (MsWad) + total);
  memcpy (wad, fields, sizeof (MsWad));
  p = wad->data;
  for (guint i = 0; i < WAD_N_STRINGS; i++)
    {
      const Span *s = &fields->strings[i];

      if (s->str == NULL)
        continue;
      memcpy (p, s->str, s->len);
      p[s->len] = '\0';
      wad->strings[i].str = p;
      p += s->len + 1;
    }
  return wad;
}

static Span
span_from_string (const char *str)
{
  Span span = { str, str != NULL ? strlen (str) : 0 };

  return span;
}

static gboolean
optional_utf8_is_valid (const char *str)
{
  return str == NULL || ms_json_utf8_validate (str, strlen (str));
}

/**
 * ms_wad_new:
 * @msats: the amount; at most G_MAXINT64 (what a JSON integer can carry)
 * @asset_stable: %FALSE for a BTC wad
 * @asset_units: the amount in the display asset, >= 0
 * @code: the asset code
 * @countries: (nullable): where the asset is used
 * @decimals: display precision, or -1 for none (JSON null)
 * @has_iso_num: whether @iso_num is set
 * @iso_num: the ISO 4217 number
 * @name: (nullable): the asset's name
 * @symbol: (nullable): the asset's symbol
 *
 * Builds a wad as given, without the receive-side limits (PROTOCOL.md 8),
 * so that wads the Python reference rejects can be built too.
 */
MsWad *
ms_wad_new (guint64     msats,
            gboolean    asset_stable,
            gdouble     asset_units,
            const char *code,
            const char *countries,
            gint        decimals,
            gboolean    has_iso_num,
            gdouble     iso_num,
            const char *name,
            const char *symbol)
{
  MsWad fields = { 0 };

  g_return_val_if_fail (msats <= G_MAXINT64, NULL);
  g_return_val_if_fail (asset_units >= 0, NULL);
  g_return_val_if_fail (code != NULL && optional_utf8_is_valid (code), NULL);
  g_return_val_if_fail (optional_utf8_is_valid (countries), NULL);
  g_return_val_if_fail (optional_utf8_is_valid (name), NULL);
  g_return_val_if_fail (optional_utf8_is_valid (symbol), NULL);

  fields.msats = msats;
  fields.asset_stable = !!asset_stable;
  fields.asset_units = asset_units;
  fields.decimals = decimals < 0 ? -1 : decimals;
  fields.has_iso_num = !!has_iso_num;
  fields.iso_num = has_iso_num ? iso_num : 0;
  fields.strings[WAD_CODE] = span_from_string (code);
  fields.strings[WAD_COUNTRIES] = span_from_string (countries);
  fields.strings[WAD_NAME] = span_from_string (name);
  fields.strings[WAD_SYMBOL] = span_from_string (symbol);

  return wad_alloc (&fields);
}

/*
 * PROTOCOL.md 8: the BTC wad of both references' bitcoin() constructors,
 * which put the msat value (not BTC) into asset_units.
 */
MsWad *
ms_wad_new_bitcoin (guint64 msats)
{
  g_return_val_if_fail (msats <= G_MAXINT64, NULL);

  return ms_wad_new (msats, FALSE, (gdouble) msats, "BTC", "All", 0, FALSE, 0, "Bitcoin", "₿");
}

MsWad *
ms_wad_copy (const MsWad *wad)
{
  g_return_val_if_fail (wad != NULL, NULL);

  return wad_alloc (wad);
}

void
ms_wad_free (MsWad *wad)
{
  g_free (wad);
}

static gboolean
span_equal (const Span *a,
            const Span *b)
{
  if (a->str == NULL || b->str == NULL)
    return a->str == b->str;
  return a->len == b->len && memcmp (a->str, b->str, a->len) == 0;
}

/* Every field equal; how asset_units was spelt in JSON does not count. */
gboolean
ms_wad_equal (const MsWad *a,
              const MsWad *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a->msats != b->msats || a->asset_stable != b->asset_stable ||
      a->asset_units != b->asset_units || a->decimals != b->decimals ||
      a->has_iso_num != b->has_iso_num || a->iso_num != b->iso_num)
    return FALSE;

  for (guint i = 0; i < WAD_N_STRINGS; i++)
    if (!span_equal (&a->strings[i], &b->strings[i]))
      return FALSE;

  return TRUE;
}

/**
 * ms_wad_clone_msats:
 * @wad: a wad
 * @msats: the new amount
 *
 * A copy of @wad for another amount. A stable wad keeps its implied rate
 * (asset_units / msats); one with 0 msats has no rate and gets 0 units.
 * A BTC wad gets asset_units = msats, like ms_wad_new_bitcoin(): unlike the
 * JS helper (PROTOCOL.md 12.2), which returns a zero wad for a zero wad and
 * puts BTC into asset_units, a zero BTC wad never "sticks" at zero here.
 */
MsWad *
ms_wad_clone_msats (const MsWad *wad,
                    guint64      msats)
{
  MsWad fields;

  g_return_val_if_fail (wad != NULL, NULL);
  g_return_val_if_fail (msats <= G_MAXINT64, NULL);

  fields = *wad;
  fields.msats = msats;
  if (!wad->asset_stable)
    {
      fields.asset_units = (gdouble) msats;
      fields.units_integer = TRUE;
    }
  else if (wad->msats == 0)
    {
      fields.asset_units = 0;
    }
  else
    {
      fields.asset_units = wad->asset_units * ((gdouble) msats / (gdouble) wad->msats);
      fields.units_integer = FALSE;
    }

  return wad_alloc (&fields);
}

guint64
ms_wad_get_msats (const MsWad *wad)
{
  g_return_val_if_fail (wad != NULL, 0);

  return wad->msats;
}

gboolean
ms_wad_get_asset_stable (const MsWad *wad)
{
  g_return_val_if_fail (wad != NULL, FALSE);

  return wad->asset_stable;
}

/* For display only: amounts are taken from the msats (PROTOCOL.md 8). */
gdouble
ms_wad_get_asset_units (const MsWad *wad)
{
  g_return_val_if_fail (wad != NULL, 0);

  return wad->asset_units;
}

const char *
ms_wad_get_code (const MsWad *wad)
{
  g_return_val_if_fail (wad != NULL, NULL);

  return wad->strings[WAD_CODE].str;
}

const char *
ms_wad_get_countries (const MsWad *wad)
{
  g_return_val_if_fail (wad != NULL, NULL);

  return wad->strings[WAD_COUNTRIES].str;
}

/* The display precision, or -1 when the wad has none (JSON null). */
gint
ms_wad_get_decimals (const MsWad *wad)
{
  g_return_val_if_fail (wad != NULL, -1);

  return wad->decimals;
}

gboolean
ms_wad_get_iso_num (const MsWad *wad,
                    gdouble     *iso_num)
{
  g_return_val_if_fail (wad != NULL, FALSE);

  if (iso_num != NULL)
    *iso_num = wad->iso_num;
  return wad->has_iso_num;
}

const char *
ms_wad_get_name (const MsWad *wad)
{
  g_return_val_if_fail (wad != NULL, NULL);

  return wad->strings[WAD_NAME].str;
}

const char *
ms_wad_get_symbol (const MsWad *wad)
{
  g_return_val_if_fail (wad != NULL, NULL);

  return wad->strings[WAD_SYMBOL].str;
}

static gboolean G_GNUC_PRINTF (2, 3)
wad_error (GError    **error,
           const char *format,
           ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_BAD_FIELD, "wad: %s", what);
  return FALSE;
}

static const char *const wad_keys[] = {
  "msats", "asset_stable", "asset_units", "code", "countries",
  "decimals", "iso_num", "name", "symbol",
};

static gboolean
is_wad_key (const char *key,
            gsize       len)
{
  for (guint i = 0; i < G_N_ELEMENTS (wad_keys); i++)
    if (strlen (wad_keys[i]) == len && memcmp (wad_keys[i], key, len) == 0)
      return TRUE;
  return FALSE;
}

/* Python: set(wad_dict.keys()) must be exactly the nine keys. */
static gboolean
check_key_set (const MsJsonValue  *object,
               GError            **error)
{
  for (guint i = 0; i < ms_json_value_get_length (object); i++)
    {
      gsize len;
      const char *key = ms_json_object_get_key (object, i, &len);

      /* Quoted up to MAX_QUOTED bytes, and no further than a NUL. */
      if (!is_wad_key (key, len))
        return wad_error (error, "unknown key %.*s", (int) MIN (len, MAX_QUOTED), key);
    }
  for (guint i = 0; i < G_N_ELEMENTS (wad_keys); i++)
    if (ms_json_object_get_member (object, wad_keys[i]) == NULL)
      return wad_error (error, "no %s", wad_keys[i]);
  return TRUE;
}

static gboolean
is_number (const MsJsonValue *value)
{
  MsJsonType type = ms_json_value_get_value_type (value);

  return type == MS_JSON_INTEGER || type == MS_JSON_DOUBLE;
}

/* msats: a JSON integer (Python int; bool is not int, float rejected) >= 0. */
static gboolean
read_amounts (const MsJsonValue  *object,
              MsWad              *fields,
              GError            **error)
{
  const MsJsonValue *msats = ms_json_object_get_member (object, "msats");
  const MsJsonValue *stable = ms_json_object_get_member (object, "asset_stable");
  const MsJsonValue *units = ms_json_object_get_member (object, "asset_units");

  if (ms_json_value_get_value_type (msats) != MS_JSON_INTEGER)
    return wad_error (error, "msats is not an integer");
  if (ms_json_value_get_integer (msats) < 0)
    return wad_error (error, "msats is negative");
  fields->msats = ms_json_value_get_integer (msats);

  if (ms_json_value_get_value_type (stable) != MS_JSON_BOOLEAN)
    return wad_error (error, "asset_stable is not a boolean");
  fields->asset_stable = ms_json_value_get_boolean (stable);

  if (!is_number (units))
    return wad_error (error, "asset_units is not a number");
  fields->asset_units = ms_json_value_get_double (units);
  if (fields->asset_units < 0)
    return wad_error (error, "asset_units is negative");
  fields->units_integer = ms_json_value_get_value_type (units) == MS_JSON_INTEGER;

  return TRUE;
}

/* A string of at most @max_chars code points (Python len()), or null. */
static gboolean
read_string (const MsJsonValue  *object,
             const char         *key,
             gboolean            nullable,
             gsize               max_chars,
             Span               *out,
             GError            **error)
{
  const MsJsonValue *value = ms_json_object_get_member (object, key);

  if (nullable && ms_json_value_get_value_type (value) == MS_JSON_NULL)
    {
      out->str = NULL;
      out->len = 0;
      return TRUE;
    }
  if (ms_json_value_get_value_type (value) != MS_JSON_STRING)
    return wad_error (error, "%s is not a string", key);

  out->str = ms_json_value_get_string (value, &out->len);
  if (ms_json_utf8_n_chars (out->str, out->len) > max_chars)
    return wad_error (error, "%s longer than %" G_GSIZE_FORMAT " characters", key, max_chars);
  return TRUE;
}

static gboolean
read_decimals (const MsJsonValue  *object,
               MsWad              *fields,
               GError            **error)
{
  const MsJsonValue *value = ms_json_object_get_member (object, "decimals");
  gint64 decimals;

  fields->decimals = -1;
  if (ms_json_value_get_value_type (value) == MS_JSON_NULL)
    return TRUE;
  if (ms_json_value_get_value_type (value) != MS_JSON_INTEGER)
    return wad_error (error, "decimals is not an integer");

  decimals = ms_json_value_get_integer (value);
  if (decimals < 0)
    return wad_error (error, "decimals is negative");
  if (decimals > MAX_DECIMALS)
    return wad_error (error, "decimals is more than %d", MAX_DECIMALS);
  fields->decimals = decimals;
  return TRUE;
}

/*
 * The Python validator does not look at iso_num at all; we require null
 * or a number, the only values any reference has ever sent.
 */
static gboolean
read_iso_num (const MsJsonValue  *object,
              MsWad              *fields,
              GError            **error)
{
  const MsJsonValue *value = ms_json_object_get_member (object, "iso_num");

  if (ms_json_value_get_value_type (value) == MS_JSON_NULL)
    return TRUE;
  if (!is_number (value))
    return wad_error (error, "iso_num is not a number");

  fields->has_iso_num = TRUE;
  fields->iso_num = ms_json_value_get_double (value);
  return TRUE;
}

/*
 * PROTOCOL.md 8. The checks and their order are the Python reference's
 * validate_wad_dict(); the strings stay borrowed from the document until
 * wad_alloc() copies them.
 */
MsWad *
_ms_wad_from_json (const MsJsonValue  *value,
                   GError            **error)
{
  MsWad fields = { 0 };

  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (ms_json_value_get_value_type (value) != MS_JSON_OBJECT)
    {
      wad_error (error, "not an object");
      return NULL;
    }

  if (!check_key_set (value, error) ||
      !read_amounts (value, &fields, error) ||
      !read_string (value, "code", FALSE, MAX_CODE_CHARS, &fields.strings[WAD_CODE], error) ||
      !read_string (value, "countries", TRUE, MAX_COUNTRIES_CHARS,
                    &fields.strings[WAD_COUNTRIES], error) ||
      !read_decimals (value, &fields, error) ||
      !read_string (value, "name", TRUE, MAX_NAME_CHARS, &fields.strings[WAD_NAME], error) ||
      !read_string (value, "symbol", TRUE, MAX_SYMBOL_CHARS, &fields.strings[WAD_SYMBOL], error) ||
      !read_iso_num (value, &fields, error))
    return NULL;

  return wad_alloc (&fields);
}

MsWad *
ms_wad_parse (const char  *json,
              gsize        len,
              GError     **error)
{
  g_autoptr(MsJsonDocument) doc = NULL;

  g_return_val_if_fail (json != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  doc = ms_json_document_parse (json, len, error);
  if (doc == NULL)
    {
      g_prefix_error (error, "wad: ");
      return NULL;
    }

  return _ms_wad_from_json (ms_json_document_get_root (doc), error);
}

static gboolean
is_integral (gdouble value)
{
  return value > -INTEGRAL_LIMIT && value < INTEGRAL_LIMIT && value == (gdouble) (gint64) value;
}

/*
 * Whole asset_units of a BTC wad go out as JSON integers, as the
 * references write them (1234567, not 1234567.0); so do those that came
 * in as integers. Other values keep their float form.
 */
static void
append_asset_units (const MsWad *wad,
                    GString     *out)
{
  if ((!wad->asset_stable || wad->units_integer) && is_integral (wad->asset_units))
    ms_json_append_int64 (out, (gint64) wad->asset_units);
  else
    ms_json_append_double (out, wad->asset_units);
}

static void
append_member (GString    *out,
               const char *key,
               const Span *value)
{
  g_string_append_printf (out, ",\"%s\":", key);
  if (value->str == NULL)
    g_string_append_len (out, "null", 4);
  else
    ms_json_append_string (out, value->str, value->len);
}

/* Compact JSON, keys in the references' order (PROTOCOL.md 8). */
void
_ms_wad_append_json (const MsWad *wad,
                     GString     *out)
{
  g_return_if_fail (wad != NULL);
  g_return_if_fail (out != NULL);

  g_string_append_len (out, "{\"msats\":", 9);
  ms_json_append_uint64 (out, wad->msats);
  g_string_append (out, wad->asset_stable ? ",\"asset_stable\":true" : ",\"asset_stable\":false");
  g_string_append_len (out, ",\"asset_units\":", 15);
  append_asset_units (wad, out);
  append_member (out, "code", &wad->strings[WAD_CODE]);
  append_member (out, "countries", &wad->strings[WAD_COUNTRIES]);
  g_string_append_len (out, ",\"decimals\":", 12);
  if (wad->decimals < 0)
    g_string_append_len (out, "null", 4);
  else
    ms_json_append_int64 (out, wad->decimals);
  g_string_append_len (out, ",\"iso_num\":", 11);
  if (!wad->has_iso_num)
    g_string_append_len (out, "null", 4);
  else if (is_integral (wad->iso_num))
    ms_json_append_int64 (out, (gint64) wad->iso_num);
  else
    ms_json_append_double (out, wad->iso_num);
  append_member (out, "name", &wad->strings[WAD_NAME]);
  append_member (out, "symbol", &wad->strings[WAD_SYMBOL]);
  g_string_append_c (out, '}');
}

char *
ms_wad_to_json (const MsWad *wad)
{
  GString *out;

  g_return_val_if_fail (wad != NULL, NULL);

  out = g_string_sized_new (256);
  _ms_wad_append_json (wad, out);
  return g_string_free (out, FALSE);
}

/* msats / 1000 with three decimals, by integer arithmetic ("1234.567"). */
static void
append_sats (GString *out,
             guint64  msats)
{
  ms_json_append_uint64 (out, msats / MS_MSAT_PER_SAT);
  g_string_append_printf (out, ".%03u", (guint) (msats % MS_MSAT_PER_SAT));
}

static void
append_symbol (GString     *out,
               const MsWad *wad)
{
  const Span *symbol = &wad->strings[WAD_SYMBOL];

  if (symbol->str != NULL && symbol->len > 0)
    {
      g_string_append_len (out, symbol->str, symbol->len);
      g_string_append_c (out, ' ');
    }
}

/*
 * Python "%.Nf" % units, or "%d" % round(units) when decimals is null:
 * printf's "%.0f" rounds half to even on the exact binary value, as
 * Python's round() does. g_ascii_formatd keeps it locale-independent.
 */
static void
append_units (GString     *out,
              const MsWad *wad)
{
  char buf[400];
  char format[8];

  g_snprintf (format, sizeof format, "%%.%df", MAX (wad->decimals, 0));
  g_ascii_formatd (buf, sizeof buf, format, wad->asset_units);
  g_string_append (out, buf);
}

/**
 * ms_wad_format_short:
 * @wad: a wad
 *
 * The Python reference's fmt_short(): "₿ 1234.567 sat" for a BTC wad,
 * "$ 4.56 USD" for a stable one. A null or empty symbol is left out
 * (Python would print "None" for a null one).
 *
 * Returns: (transfer full): the text
 */
char *
ms_wad_format_short (const MsWad *wad)
{
  GString *out;

  g_return_val_if_fail (wad != NULL, NULL);

  out = g_string_sized_new (64);
  append_symbol (out, wad);
  if (!wad->asset_stable)
    {
      append_sats (out, wad->msats);
      g_string_append (out, " sat");
    }
  else
    {
      append_units (out, wad);
      g_string_append_c (out, ' ');
      g_string_append_len (out, wad->strings[WAD_CODE].str, wad->strings[WAD_CODE].len);
    }
  return g_string_free (out, FALSE);
}

/* fmt_long(): a stable wad's short form plus " (1234.567 sat)". */
char *
ms_wad_format_long (const MsWad *wad)
{
  g_autofree char *short_form = NULL;
  GString *out;

  g_return_val_if_fail (wad != NULL, NULL);

  short_form = ms_wad_format_short (wad);
  if (!wad->asset_stable)
    return g_steal_pointer (&short_form);

  out = g_string_new (short_form);
  g_string_append (out, " (");
  append_sats (out, wad->msats);
  g_string_append (out, " sat)");
  return g_string_free (out, FALSE);
}
