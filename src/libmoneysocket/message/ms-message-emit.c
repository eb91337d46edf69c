/* ms-message-emit.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-json-private.h"
#include "ms-message-private.h"
#include "ms-wad-private.h"

/*
 * Sending a message: compact JSON with raw UTF-8, as JSON.stringify()
 * writes it, every required key present (PROTOCOL.md 6.4), written by hand
 * into a GString because this is on the path of every frame.
 */

#define append_literal(out, s) _ms_json_put ((out), (s), sizeof (s) - 1)

/* ,"key": for a key that needs no escaping. */
static void
append_key (GString    *out,
            const char *key)
{
  append_literal (out, ",\"");
  _ms_json_put (out, key, strlen (key));
  append_literal (out, "\":");
}

static void
append_span (GString      *out,
             const MsSpan *span)
{
  if (span->str == NULL)
    append_literal (out, "null");
  else
    ms_json_append_string (out, span->str, span->len);
}

static void
append_name (GString    *out,
             const char *name)
{
  append_literal (out, "\"");
  _ms_json_put (out, name, strlen (name));
  append_literal (out, "\"");
}

/* PROTOCOL.md 6.1 to 6.3, in the references' key order. */
static void
append_envelope (const MsMessage *self,
                 GString         *out)
{
  const MsMessageInfo *info = _ms_message_info (self->type);

  append_literal (out, "{\"timestamp\":");
  ms_json_append_timestamp (out, self->timestamp);
  append_literal (out, ",\"protocol\":\"" MS_PROTOCOL "\",\"protocol_version\":");
  append_span (out, &self->protocol_version);

  if (info->message_class == MS_MESSAGE_CLASS_REQUEST)
    {
      append_literal (out, ",\"message_class\":\"REQUEST\",\"request_uuid\":");
      append_span (out, &self->uuid);
      append_literal (out, ",\"request_name\":");
    }
  else
    {
      append_literal (out, ",\"message_class\":\"NOTIFICATION\",\"notification_uuid\":");
      append_span (out, &self->uuid);
      append_literal (out, ",\"request_reference_uuid\":");
      append_span (out, &self->reference);
      append_literal (out, ",\"notification_name\":");
    }
  append_name (out, info->name);
}

/* PROTOCOL.md 13.2: {"item_id": ..., "name": ..., "msats": <integer>}. */
static void
append_items (const MsMessage *self,
              GString         *out)
{
  append_literal (out, "[");
  for (guint i = 0; i < self->n_items; i++)
    {
      const MsMessageItem *item = &self->items[i];

      if (i > 0)
        append_literal (out, ",");
      append_literal (out, "{\"item_id\":");
      ms_json_append_string (out, item->item.item_id, item->item_id_len);
      append_literal (out, ",\"name\":");
      ms_json_append_string (out, item->item.name, item->name_len);
      append_literal (out, ",\"msats\":");
      ms_json_append_uint64 (out, item->item.msats);
      append_literal (out, "}");
    }
  append_literal (out, "]");
}

static void
append_boolean (GString  *out,
                gboolean  value)
{
  if (value)
    append_literal (out, "true");
  else
    append_literal (out, "false");
}

static void
append_field (const MsMessage *self,
              MsMessageField   field,
              GString         *out)
{
  const MsFieldInfo *info = _ms_message_field_info (field);

  append_key (out, info->key);
  switch (info->kind)
    {
    case MS_FIELD_KIND_HEX64:
    case MS_FIELD_KIND_BOLT11:
    case MS_FIELD_KIND_STRING:
    case MS_FIELD_KIND_EXT:
    case MS_FIELD_KIND_UUID:
    case MS_FIELD_KIND_EXTENSION_PROTOCOL:
      append_span (out, &self->str[info->slot]);
      break;
    case MS_FIELD_KIND_POSITIVE_MSATS:
      ms_json_append_uint64 (out, self->msats);
      break;
    case MS_FIELD_KIND_BOOLEAN:
      append_boolean (out, info->slot == MS_FIELD_PAYER ? self->payer : self->payee);
      break;
    case MS_FIELD_KIND_WAD:
      if (self->wad == NULL)
        append_literal (out, "null");
      else
        _ms_wad_append_json (self->wad, out);
      break;
    case MS_FIELD_KIND_ITEMS:
      append_items (self, out);
      break;
    }
}

/* Unknown members of a parsed message, after the known ones, as received. */
static void
append_extras (const MsMessage *self,
               GString         *out)
{
  for (guint i = 0; i < self->n_extras; i++)
    {
      const MsMessageExtra *extra = &self->extras[i];

      append_literal (out, ",");
      ms_json_append_string (out, extra->key.str, extra->key.len);
      append_literal (out, ":");
      _ms_json_put (out, extra->raw.str, extra->raw.len);
    }
}

/**
 * ms_message_append_json:
 * @self: a message
 * @out: where to append
 *
 * Appends the message as compact JSON: the common fields, the class
 * fields, the message's own fields in the references' order
 * (messages_v0.json), then any unknown fields it was parsed with.
 */
void
ms_message_append_json (const MsMessage *self,
                        GString         *out)
{
  const MsMessageInfo *info;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  info = _ms_message_info (self->type);
  append_envelope (self, out);
  for (guint i = 0; i < MS_MESSAGE_MAX_FIELDS && info->fields[i] != MS_FIELD_NONE; i++)
    append_field (self, info->fields[i], out);
  append_extras (self, out);
  append_literal (out, "}");
}

char *
ms_message_to_json (const MsMessage *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_sized_new (512);
  ms_message_append_json (self, out);
  return g_string_free (out, FALSE);
}
