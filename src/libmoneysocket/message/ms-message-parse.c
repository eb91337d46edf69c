/* ms-message-parse.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-error.h"
#include "ms-hex.h"
#include "ms-message-private.h"
#include "ms-wad-private.h"

/*
 * Receiving a message. The accept/reject verdicts are those of the Python
 * reference (message_validation.json, "reference_accepted"); where Python
 * and JS disagree we follow Python and say so next to the check.
 */

#define HEX64_LEN     64
#define MAX_EXT_CHARS 4096
/* How much of an unknown name an error message quotes. */
#define MAX_QUOTED    64
/* 2^64 and 2^52, for rounding item prices given as doubles. */
#define TWO_POW_64    18446744073709551616.0
#define TWO_POW_52    4503599627370496.0

typedef struct
{
  gdouble        timestamp;
  MsSpan         protocol_version;
  MsMessageClass message_class;
  MsSpan         uuid;
  MsSpan         reference;
  MsMessageType  type;
} Envelope;

static const char *const request_keys[] = {
  "timestamp", "protocol", "protocol_version", "message_class",
  "request_uuid", "request_name",
};

static const char *const notification_keys[] = {
  "timestamp", "protocol", "protocol_version", "message_class",
  "notification_uuid", "request_reference_uuid", "notification_name",
};

static gboolean G_GNUC_PRINTF (3, 4)
message_error (GError     **error,
               gint         code,
               const char  *format,
               ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, MS_MESSAGE_ERROR, code, "message: %s", what);
  return FALSE;
}

static const MsJsonValue *
require_member (const MsJsonValue  *object,
                const char         *key,
                GError            **error)
{
  const MsJsonValue *value = ms_json_object_get_member (object, key);

  if (value == NULL)
    message_error (error, MS_MESSAGE_ERROR_MISSING_FIELD, "no %s", key);
  return value;
}

static gboolean
get_string (const MsJsonValue *value,
            MsSpan            *out)
{
  if (ms_json_value_get_value_type (value) != MS_JSON_STRING)
    return FALSE;
  out->str = ms_json_value_get_string (value, &out->len);
  return TRUE;
}

static gboolean
span_equals (const MsSpan *span,
             const char   *str)
{
  return span->len == strlen (str) && memcmp (span->str, str, span->len) == 0;
}

static gboolean
is_number (const MsJsonValue *value)
{
  MsJsonType type = ms_json_value_get_value_type (value);

  return type == MS_JSON_INTEGER || type == MS_JSON_DOUBLE;
}

/* At most MAX_QUOTED bytes of @span, cut at a character boundary. */
static char *
quote_prefix (const MsSpan *span)
{
  gsize len = MIN (span->len, MAX_QUOTED);

  while (len < span->len && len > 0 && ((guchar) span->str[len] & 0xc0) == 0x80)
    len--;
  return g_strndup (span->str, len);
}

/*
 * PROTOCOL.md 6.1: a number >= 0 (bool is not a number). Python accepts
 * 0; JS wants > 0: we follow Python ("timestamp zero" is accepted).
 */
static gboolean
parse_timestamp (const MsJsonValue  *root,
                 Envelope           *env,
                 GError            **error)
{
  const MsJsonValue *value = require_member (root, "timestamp", error);

  if (value == NULL)
    return FALSE;
  if (!is_number (value))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "timestamp is not a number");

  env->timestamp = ms_json_value_get_double (value);
  if (env->timestamp < 0)
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "timestamp is negative");
  return TRUE;
}

/* PROTOCOL.md 6.1: protocol is exactly "Moneysocket"; the version only a string. */
static gboolean
parse_protocol (const MsJsonValue  *root,
                Envelope           *env,
                GError            **error)
{
  const MsJsonValue *value = require_member (root, "protocol", error);
  MsSpan protocol;

  if (value == NULL)
    return FALSE;
  if (!get_string (value, &protocol) || !span_equals (&protocol, MS_PROTOCOL))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "unknown protocol");

  value = require_member (root, "protocol_version", error);
  if (value == NULL)
    return FALSE;
  if (!get_string (value, &env->protocol_version))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "protocol_version is not a string");
  return TRUE;
}

static gboolean
parse_message_class (const MsJsonValue  *root,
                     Envelope           *env,
                     GError            **error)
{
  const MsJsonValue *value = require_member (root, "message_class", error);
  MsSpan name;

  if (value == NULL)
    return FALSE;
  if (get_string (value, &name) && span_equals (&name, "REQUEST"))
    env->message_class = MS_MESSAGE_CLASS_REQUEST;
  else if (get_string (value, &name) && span_equals (&name, "NOTIFICATION"))
    env->message_class = MS_MESSAGE_CLASS_NOTIFICATION;
  else
    return message_error (error, MS_MESSAGE_ERROR_UNKNOWN_MESSAGE, "unknown message_class");
  return TRUE;
}

/*
 * PROTOCOL.md 6.3: Python's uuid.UUID() rules, so 32 bare hex digits and
 * braces are accepted (JS wants the canonical form; we follow Python).
 */
static gboolean
parse_uuid (const MsJsonValue  *object,
            const char         *key,
            MsSpan             *out,
            GError            **error)
{
  const MsJsonValue *value = require_member (object, key, error);

  if (value == NULL)
    return FALSE;
  if (!get_string (value, out) || !ms_uuid_is_valid (out->str, out->len))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "%s is not a UUID", key);
  return TRUE;
}

/* A known name of the right class. */
static gboolean
parse_name (const MsJsonValue  *root,
            const char         *key,
            Envelope           *env,
            GError            **error)
{
  const MsJsonValue *value = require_member (root, key, error);
  g_autofree char *quoted = NULL;
  MsSpan name;

  if (value == NULL)
    return FALSE;
  if (!get_string (value, &name))
    return message_error (error, MS_MESSAGE_ERROR_UNKNOWN_MESSAGE, "unknown %s", key);

  if (_ms_message_type_from_name_len (name.str, name.len, &env->type) &&
      ms_message_type_get_class (env->type) == env->message_class)
    return TRUE;

  quoted = quote_prefix (&name);
  return message_error (error, MS_MESSAGE_ERROR_UNKNOWN_MESSAGE, "unknown %s %s", key, quoted);
}

/*
 * PROTOCOL.md 6.3: the request_reference_uuid key MUST be present; null
 * or a UUID (an empty string is rejected by both references).
 */
static gboolean
parse_reference (const MsJsonValue  *root,
                 Envelope           *env,
                 GError            **error)
{
  const MsJsonValue *value = require_member (root, "request_reference_uuid", error);

  if (value == NULL)
    return FALSE;
  if (ms_json_value_get_value_type (value) == MS_JSON_NULL)
    return TRUE;
  return parse_uuid (root, "request_reference_uuid", &env->reference, error);
}

/* PROTOCOL.md 6.1 to 6.3, in the Python reference's order. */
static gboolean
parse_envelope (const MsJsonValue  *root,
                Envelope           *env,
                GError            **error)
{
  if (!parse_timestamp (root, env, error) ||
      !parse_protocol (root, env, error) ||
      !parse_message_class (root, env, error))
    return FALSE;

  if (env->message_class == MS_MESSAGE_CLASS_REQUEST)
    return parse_uuid (root, "request_uuid", &env->uuid, error) &&
           parse_name (root, "request_name", env, error);

  return parse_uuid (root, "notification_uuid", &env->uuid, error) &&
         parse_reference (root, env, error) &&
         parse_name (root, "notification_name", env, error);
}

/* PROTOCOL.md 7.1: 64 hex digits, either case (Python checks every one). */
static gboolean
parse_hex64 (const MsJsonValue  *value,
             const char         *key,
             MsSpan             *out,
             GError            **error)
{
  if (!get_string (value, out))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "%s is not a string", key);
  if (out->len != HEX64_LEN)
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "%s is not 64 hex digits", key);
  if (!ms_hex_is_valid (out->str, out->len))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "%s is not hex", key);
  return TRUE;
}

/*
 * PROTOCOL.md 7.1: a JSON integer > 0. Python rejects floats (1000.5) and
 * booleans; JS takes any number > 0: we follow Python.
 */
static gboolean
parse_positive_msats (MsMessage          *self,
                      const MsJsonValue  *value,
                      GError            **error)
{
  if (ms_json_value_get_value_type (value) != MS_JSON_INTEGER)
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "msats is not an integer");
  if (ms_json_value_get_integer (value) <= 0)
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "msats is not positive");
  self->msats = ms_json_value_get_integer (value);
  return TRUE;
}

/* PROTOCOL.md 7.1: exactly the "starts with lnbc" check, nothing more. */
static gboolean
parse_bolt11 (const MsJsonValue  *value,
              MsSpan             *out,
              GError            **error)
{
  if (!get_string (value, out))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "bolt11 is not a string");
  if (out->len < 4 || memcmp (out->str, "lnbc", 4) != 0)
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "bolt11 does not start with lnbc");
  return TRUE;
}

/* PROTOCOL.md 7.1: null or a string of at most 4096 characters. */
static gboolean
parse_ext (const MsJsonValue  *value,
           MsSpan             *out,
           GError            **error)
{
  if (ms_json_value_get_value_type (value) == MS_JSON_NULL)
    return TRUE;
  if (!get_string (value, out))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "ext is not a string");
  if (ms_json_utf8_n_chars (out->str, out->len) > MAX_EXT_CHARS)
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD,
                          "ext longer than %d characters", MAX_EXT_CHARS);
  return TRUE;
}

/* PROTOCOL.md 7.1: null (ms_message_get_wad() returns NULL) or a valid wad. */
static gboolean
parse_wad (MsMessage          *self,
           const MsJsonValue  *value,
           GError            **error)
{
  if (ms_json_value_get_value_type (value) == MS_JSON_NULL)
    return TRUE;

  self->wad = _ms_wad_from_json (value, error);
  if (self->wad == NULL)
    {
      g_prefix_error (error, "message: ");
      return FALSE;
    }
  return TRUE;
}

/* A price: a number >= 0, rounded to a whole msat when fractional. */
static gboolean
read_item_msats (const MsJsonValue *value,
                 guint64           *msats)
{
  gdouble d;

  if (ms_json_value_get_value_type (value) == MS_JSON_INTEGER)
    {
      if (ms_json_value_get_integer (value) < 0)
        return FALSE;
      *msats = ms_json_value_get_integer (value);
      return TRUE;
    }
  if (ms_json_value_get_value_type (value) != MS_JSON_DOUBLE)
    return FALSE;

  d = ms_json_value_get_double (value);
  if (!(d >= 0 && d < TWO_POW_64))
    return FALSE;
  /* From 2^52 on every double is whole, and adding 0.5 could round up. */
  *msats = d >= TWO_POW_52 ? (guint64) d : (guint64) (d + 0.5);
  return TRUE;
}

static gboolean
parse_item (const MsJsonValue  *value,
            guint               index,
            MsMessageItem      *item,
            GError            **error)
{
  const MsJsonValue *member;
  MsSpan span;

  if (ms_json_value_get_value_type (value) != MS_JSON_OBJECT)
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "items[%u] is not an object", index);

  member = ms_json_object_get_member (value, "item_id");
  if (member == NULL || !get_string (member, &span))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD,
                          "items[%u].item_id is not a string", index);
  item->item.item_id = span.str;
  item->item_id_len = span.len;

  member = ms_json_object_get_member (value, "name");
  if (member == NULL || !get_string (member, &span))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD,
                          "items[%u].name is not a string", index);
  item->item.name = span.str;
  item->name_len = span.len;

  member = ms_json_object_get_member (value, "msats");
  if (member == NULL || !read_item_msats (member, &item->item.msats))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD,
                          "items[%u].msats is not a number >= 0", index);
  return TRUE;
}

/* PROTOCOL.md 13.2: duplicate item_ids pass, as they do in the buyer. */
static gboolean
parse_items (MsMessage          *self,
             const MsJsonValue  *value,
             GError            **error)
{
  guint n;

  if (ms_json_value_get_value_type (value) != MS_JSON_ARRAY)
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "items is not an array");

  n = ms_json_value_get_length (value);
  self->items = g_new0 (MsMessageItem, MAX (n, 1));
  self->n_items = n;
  for (guint i = 0; i < n; i++)
    if (!parse_item (ms_json_array_get_element (value, i), i, &self->items[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
parse_boolean (MsMessage          *self,
               const MsJsonValue  *value,
               const MsFieldInfo  *info,
               GError            **error)
{
  if (ms_json_value_get_value_type (value) != MS_JSON_BOOLEAN)
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "%s is not a boolean", info->key);

  if (info->slot == MS_FIELD_PAYER)
    self->payer = ms_json_value_get_boolean (value);
  else
    self->payee = ms_json_value_get_boolean (value);
  return TRUE;
}

static gboolean
parse_plain_string (const MsJsonValue  *value,
                    const char         *key,
                    MsSpan             *out,
                    GError            **error)
{
  if (!get_string (value, out))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD, "%s is not a string", key);
  return TRUE;
}

/* PROTOCOL.md 13.2: "required, must match". */
static gboolean
parse_extension_protocol (const MsJsonValue  *value,
                          MsSpan             *out,
                          GError            **error)
{
  if (!get_string (value, out) || !span_equals (out, MS_OPINION_EXTENSION_PROTOCOL))
    return message_error (error, MS_MESSAGE_ERROR_BAD_FIELD,
                          "extension_protocol is not " MS_OPINION_EXTENSION_PROTOCOL);
  return TRUE;
}

/*
 * Every field's key MUST be present, even where the value may be null:
 * Python raises KeyError on a NOTIFY_PREIMAGE without ext and on a
 * NOTIFY_PROVIDER without payer, payee or wad (JS tolerates a missing ext
 * or wad); we follow Python and reject.
 */
static gboolean
parse_field (MsMessage          *self,
             const MsJsonValue  *root,
             MsMessageField      field,
             GError            **error)
{
  const MsFieldInfo *info = _ms_message_field_info (field);
  const MsJsonValue *value = require_member (root, info->key, error);
  MsSpan *span = &self->str[info->slot];

  if (value == NULL)
    return FALSE;

  switch (info->kind)
    {
    case MS_FIELD_KIND_HEX64:
      return parse_hex64 (value, info->key, span, error);
    case MS_FIELD_KIND_POSITIVE_MSATS:
      return parse_positive_msats (self, value, error);
    case MS_FIELD_KIND_BOLT11:
      return parse_bolt11 (value, span, error);
    case MS_FIELD_KIND_STRING:
      return parse_plain_string (value, info->key, span, error);
    case MS_FIELD_KIND_EXT:
      return parse_ext (value, span, error);
    case MS_FIELD_KIND_UUID:
      return parse_uuid (root, info->key, span, error);
    case MS_FIELD_KIND_BOOLEAN:
      return parse_boolean (self, value, info, error);
    case MS_FIELD_KIND_WAD:
      return parse_wad (self, value, error);
    case MS_FIELD_KIND_EXTENSION_PROTOCOL:
      return parse_extension_protocol (value, span, error);
    case MS_FIELD_KIND_ITEMS:
      return parse_items (self, value, error);
    }
  g_assert_not_reached ();
}

static gboolean
key_in (const char        *key,
        gsize              len,
        const char *const *keys,
        gsize              n_keys)
{
  for (gsize i = 0; i < n_keys; i++)
    if (strlen (keys[i]) == len && memcmp (keys[i], key, len) == 0)
      return TRUE;
  return FALSE;
}

static guint
count_fields (const MsMessageInfo *info)
{
  guint n = 0;

  while (n < MS_MESSAGE_MAX_FIELDS && info->fields[n] != MS_FIELD_NONE)
    n++;
  return n;
}

/*
 * Every known key is required, so a message that has exactly as many
 * members as known keys has no unknown (or repeated) ones.
 */
static gboolean
may_have_extras (const MsMessage   *self,
                 const MsJsonValue *root)
{
  const MsMessageInfo *info = _ms_message_info (self->type);
  guint n_known = count_fields (info);

  if (info->message_class == MS_MESSAGE_CLASS_REQUEST)
    n_known += G_N_ELEMENTS (request_keys);
  else
    n_known += G_N_ELEMENTS (notification_keys);
  return ms_json_value_get_length (root) > n_known;
}

static gboolean
is_known_key (const MsMessage *self,
              const char      *key,
              gsize            len)
{
  const MsMessageInfo *info = _ms_message_info (self->type);

  if (info->message_class == MS_MESSAGE_CLASS_REQUEST
      ? key_in (key, len, request_keys, G_N_ELEMENTS (request_keys))
      : key_in (key, len, notification_keys, G_N_ELEMENTS (notification_keys)))
    return TRUE;

  for (guint i = 0; i < MS_MESSAGE_MAX_FIELDS && info->fields[i] != MS_FIELD_NONE; i++)
    {
      const char *field_key = _ms_message_field_info (info->fields[i])->key;

      if (strlen (field_key) == len && memcmp (field_key, key, len) == 0)
        return TRUE;
    }
  return FALSE;
}

static guint
span_hash (gconstpointer data)
{
  const MsSpan *span = data;
  guint h = 5381;

  for (gsize i = 0; i < span->len; i++)
    h = h * 33 + (guchar) span->str[i];
  return h;
}

static gboolean
span_equal (gconstpointer a,
            gconstpointer b)
{
  const MsSpan *x = a;
  const MsSpan *y = b;

  return x->len == y->len && memcmp (x->str, y->str, x->len) == 0;
}

/*
 * Marks in @is_last which members are the last with their name (Python's
 * dict keeps the last value). A hash table keeps huge objects linear.
 */
static void
find_last_members (const MsJsonValue *root,
                   MsSpan            *keys,
                   gboolean          *is_last)
{
  guint n = ms_json_value_get_length (root);
  g_autoptr(GHashTable) last = g_hash_table_new (span_hash, span_equal);

  for (guint i = 0; i < n; i++)
    {
      keys[i].str = ms_json_object_get_key (root, i, &keys[i].len);
      g_hash_table_insert (last, &keys[i], GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < n; i++)
    is_last[i] = GPOINTER_TO_UINT (g_hash_table_lookup (last, &keys[i])) == i + 1;
}

static void
add_extra (MsMessage         *self,
           const MsJsonValue *value,
           const MsSpan      *key)
{
  MsMessageExtra *extra = &self->extras[self->n_extras++];

  extra->key = *key;
  extra->raw.str = ms_json_value_get_raw (value, &extra->raw.len);
}

/*
 * PROTOCOL.md 6.3: "Unknown extra fields are preserved". Kept as their
 * source text so that forwarders send them on unchanged.
 */
static void
collect_extras (MsMessage         *self,
                const MsJsonValue *root)
{
  guint n = ms_json_value_get_length (root);
  g_autofree MsSpan *keys = NULL;
  g_autofree gboolean *is_last = NULL;
  guint n_unknown = 0;

  if (!may_have_extras (self, root))
    return;

  for (guint i = 0; i < n; i++)
    {
      gsize len;
      const char *key = ms_json_object_get_key (root, i, &len);

      n_unknown += !is_known_key (self, key, len);
    }
  if (n_unknown == 0)
    return;

  keys = g_new (MsSpan, n);
  is_last = g_new (gboolean, n);
  find_last_members (root, keys, is_last);
  self->extras = g_new (MsMessageExtra, n_unknown);
  for (guint i = 0; i < n; i++)
    if (is_last[i] && !is_known_key (self, keys[i].str, keys[i].len))
      add_extra (self, ms_json_object_get_value_at (root, i), &keys[i]);
}

static gboolean
parse_fields (MsMessage          *self,
              const MsJsonValue  *root,
              GError            **error)
{
  const MsMessageInfo *info = _ms_message_info (self->type);

  for (guint i = 0; i < count_fields (info); i++)
    if (!parse_field (self, root, info->fields[i], error))
      return FALSE;
  return TRUE;
}

/*
 * Builds a message from a parsed document, which it takes (and frees on
 * failure). Strings stay in the document, which the message keeps.
 */
MsMessage *
_ms_message_new_from_document (MsJsonDocument  *doc,
                               GError         **error)
{
  g_autoptr(MsJsonDocument) owned_doc = doc;
  g_autoptr(MsMessage) self = NULL;
  const MsJsonValue *root;
  Envelope env = { 0 };

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = ms_json_document_get_root (doc);
  if (ms_json_value_get_value_type (root) != MS_JSON_OBJECT)
    {
      message_error (error, MS_MESSAGE_ERROR_NOT_OBJECT, "not a JSON object");
      return NULL;
    }
  if (!parse_envelope (root, &env, error))
    return NULL;

  self = _ms_message_alloc (env.type);
  self->doc = g_steal_pointer (&owned_doc);
  self->timestamp = env.timestamp;
  self->protocol_version = env.protocol_version;
  self->uuid = env.uuid;
  self->reference = env.reference;
  if (!parse_fields (self, root, error))
    return NULL;
  collect_extras (self, root);

  return g_steal_pointer (&self);
}

/**
 * ms_message_parse:
 * @json: the JSON text of one message
 * @len: its length in bytes
 * @error: return location for a %MS_MESSAGE_ERROR
 *
 * Parses and validates a message (PROTOCOL.md 6 and 7, 13.2 for the
 * Opinion demo messages, which are always accepted here).
 *
 * Returns: (transfer full): the message, or %NULL
 */
MsMessage *
ms_message_parse (const char  *json,
                  gsize        len,
                  GError     **error)
{
  MsJsonDocument *doc;

  g_return_val_if_fail (json != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  doc = ms_json_document_parse (json, len, error);
  if (doc == NULL)
    {
      g_prefix_error (error, "message: ");
      return NULL;
    }
  return _ms_message_new_from_document (doc, error);
}
