/* ms-message.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-hex.h"
#include "ms-message-private.h"

/*
 * The message model: one table row per message type, one per field kind.
 * Parsing lives in ms-message-parse.c, emission in ms-message-emit.c.
 */

G_DEFINE_BOXED_TYPE (MsMessage, ms_message, ms_message_ref, ms_message_unref)

#define PREIMAGE_HEX_LEN 64
#define MAX_EXT_CHARS    4096

/* PROTOCOL.md 7.1 and 13.2: keys, and how each field is validated. */
static const MsFieldInfo field_info[MS_MESSAGE_N_FIELDS] = {
  [MS_FIELD_RENDEZVOUS_ID] = { "rendezvous_id", MS_FIELD_KIND_HEX64, MS_FIELD_RENDEZVOUS_ID },
  [MS_FIELD_MSATS] = { "msats", MS_FIELD_KIND_POSITIVE_MSATS, MS_FIELD_MSATS },
  [MS_FIELD_BOLT11] = { "bolt11", MS_FIELD_KIND_BOLT11, MS_FIELD_BOLT11 },
  [MS_FIELD_OPINION_BOLT11] = { "bolt11", MS_FIELD_KIND_STRING, MS_FIELD_BOLT11 },
  [MS_FIELD_PREIMAGE] = { "preimage", MS_FIELD_KIND_HEX64, MS_FIELD_PREIMAGE },
  [MS_FIELD_EXT] = { "ext", MS_FIELD_KIND_EXT, MS_FIELD_EXT },
  [MS_FIELD_ERROR_MSG] = { "error_msg", MS_FIELD_KIND_STRING, MS_FIELD_ERROR_MSG },
  [MS_FIELD_ACCOUNT_UUID] = { "account_uuid", MS_FIELD_KIND_UUID, MS_FIELD_ACCOUNT_UUID },
  [MS_FIELD_PAYER] = { "payer", MS_FIELD_KIND_BOOLEAN, MS_FIELD_PAYER },
  [MS_FIELD_PAYEE] = { "payee", MS_FIELD_KIND_BOOLEAN, MS_FIELD_PAYEE },
  [MS_FIELD_WAD] = { "wad", MS_FIELD_KIND_WAD, MS_FIELD_WAD },
  [MS_FIELD_EXTENSION_PROTOCOL] = { "extension_protocol", MS_FIELD_KIND_EXTENSION_PROTOCOL,
                                    MS_FIELD_EXTENSION_PROTOCOL },
  [MS_FIELD_ITEM_ID] = { "item_id", MS_FIELD_KIND_STRING, MS_FIELD_ITEM_ID },
  [MS_FIELD_ITEMS] = { "items", MS_FIELD_KIND_ITEMS, MS_FIELD_ITEMS },
  [MS_FIELD_SELLER_UUID] = { "seller_uuid", MS_FIELD_KIND_UUID, MS_FIELD_SELLER_UUID },
  [MS_FIELD_OPINION] = { "opinion", MS_FIELD_KIND_STRING, MS_FIELD_OPINION },
};

#define REQUEST      MS_MESSAGE_CLASS_REQUEST
#define NOTIFICATION MS_MESSAGE_CLASS_NOTIFICATION
#define NONE         MS_FIELD_NONE

/*
 * PROTOCOL.md 7 (class, "clear?" column of 5.4) and 13.2. Fields are listed
 * in the order the references write them (messages_v0.json,
 * opinion_demo.json), which is also the order they are validated in.
 */
static const MsMessageInfo message_info[MS_MESSAGE_N_TYPES] = {
  [MS_MESSAGE_REQUEST_RENDEZVOUS] = { "REQUEST_RENDEZVOUS", REQUEST, TRUE,
                                      { MS_FIELD_RENDEZVOUS_ID, NONE } },
  [MS_MESSAGE_REQUEST_PROVIDER] = { "REQUEST_PROVIDER", REQUEST, FALSE, { NONE } },
  [MS_MESSAGE_REQUEST_PING] = { "REQUEST_PING", REQUEST, FALSE, { NONE } },
  [MS_MESSAGE_REQUEST_INVOICE] = { "REQUEST_INVOICE", REQUEST, FALSE, { MS_FIELD_MSATS, NONE } },
  [MS_MESSAGE_REQUEST_PAY] = { "REQUEST_PAY", REQUEST, FALSE, { MS_FIELD_BOLT11, NONE } },
  [MS_MESSAGE_REQUEST_OPINION_SELLER] = { "REQUEST_OPINION_SELLER", REQUEST, FALSE,
                                          { MS_FIELD_EXTENSION_PROTOCOL, NONE } },
  [MS_MESSAGE_REQUEST_OPINION_INVOICE] = { "REQUEST_OPINION_INVOICE", REQUEST, FALSE,
                                           { MS_FIELD_ITEM_ID, MS_FIELD_EXTENSION_PROTOCOL,
                                             NONE } },
  [MS_MESSAGE_NOTIFY_RENDEZVOUS] = { "NOTIFY_RENDEZVOUS", NOTIFICATION, TRUE,
                                     { MS_FIELD_RENDEZVOUS_ID, NONE } },
  [MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY] = { "NOTIFY_RENDEZVOUS_NOT_READY", NOTIFICATION, TRUE,
                                               { MS_FIELD_RENDEZVOUS_ID, NONE } },
  [MS_MESSAGE_NOTIFY_RENDEZVOUS_END] = { "NOTIFY_RENDEZVOUS_END", NOTIFICATION, TRUE,
                                         { MS_FIELD_RENDEZVOUS_ID, NONE } },
  [MS_MESSAGE_NOTIFY_PROVIDER] = { "NOTIFY_PROVIDER", NOTIFICATION, FALSE,
                                   { MS_FIELD_ACCOUNT_UUID, MS_FIELD_PAYER, MS_FIELD_PAYEE,
                                     MS_FIELD_WAD } },
  [MS_MESSAGE_NOTIFY_PROVIDER_NOT_READY] = { "NOTIFY_PROVIDER_NOT_READY", NOTIFICATION, FALSE,
                                             { NONE } },
  [MS_MESSAGE_NOTIFY_PONG] = { "NOTIFY_PONG", NOTIFICATION, FALSE, { NONE } },
  [MS_MESSAGE_NOTIFY_INVOICE] = { "NOTIFY_INVOICE", NOTIFICATION, FALSE,
                                  { MS_FIELD_BOLT11, NONE } },
  [MS_MESSAGE_NOTIFY_PREIMAGE] = { "NOTIFY_PREIMAGE", NOTIFICATION, FALSE,
                                   { MS_FIELD_PREIMAGE, MS_FIELD_EXT, NONE } },
  [MS_MESSAGE_NOTIFY_ERROR] = { "NOTIFY_ERROR", NOTIFICATION, FALSE,
                                { MS_FIELD_ERROR_MSG, NONE } },
  [MS_MESSAGE_NOTIFY_OPINION_SELLER] = { "NOTIFY_OPINION_SELLER", NOTIFICATION, FALSE,
                                         { MS_FIELD_ITEMS, MS_FIELD_SELLER_UUID, NONE } },
  [MS_MESSAGE_NOTIFY_OPINION_SELLER_NOT_READY] = { "NOTIFY_OPINION_SELLER_NOT_READY",
                                                   NOTIFICATION, FALSE, { NONE } },
  [MS_MESSAGE_NOTIFY_OPINION_INVOICE] = { "NOTIFY_OPINION_INVOICE", NOTIFICATION, FALSE,
                                          { MS_FIELD_OPINION_BOLT11, NONE } },
  [MS_MESSAGE_NOTIFY_OPINION] = { "NOTIFY_OPINION", NOTIFICATION, FALSE,
                                  { MS_FIELD_OPINION, MS_FIELD_ITEM_ID, NONE } },
};

#undef REQUEST
#undef NOTIFICATION
#undef NONE

const MsMessageInfo *
_ms_message_info (MsMessageType type)
{
  g_return_val_if_fail (type < MS_MESSAGE_N_TYPES, NULL);

  return &message_info[type];
}

const MsFieldInfo *
_ms_message_field_info (MsMessageField field)
{
  g_return_val_if_fail (field < MS_MESSAGE_N_FIELDS, NULL);

  return &field_info[field];
}

const char *
ms_message_type_to_name (MsMessageType type)
{
  g_return_val_if_fail (type < MS_MESSAGE_N_TYPES, NULL);

  return message_info[type].name;
}

gboolean
_ms_message_type_from_name_len (const char    *name,
                                gsize          len,
                                MsMessageType *type)
{
  g_return_val_if_fail (name != NULL || len == 0, FALSE);

  for (guint i = 0; i < MS_MESSAGE_N_TYPES; i++)
    {
      const char *candidate = message_info[i].name;

      if (strlen (candidate) == len && memcmp (candidate, name, len) == 0)
        {
          if (type != NULL)
            *type = i;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
ms_message_type_from_name (const char    *name,
                           MsMessageType *type)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return _ms_message_type_from_name_len (name, strlen (name), type);
}

MsMessageClass
ms_message_type_get_class (MsMessageType type)
{
  g_return_val_if_fail (type < MS_MESSAGE_N_TYPES, MS_MESSAGE_CLASS_REQUEST);

  return message_info[type].message_class;
}

/* PROTOCOL.md 5.4: only the four rendezvous messages travel in the clear. */
gboolean
ms_message_type_is_cleartext (MsMessageType type)
{
  g_return_val_if_fail (type < MS_MESSAGE_N_TYPES, FALSE);

  return message_info[type].cleartext;
}

/* A message with no fields set, protocol version "0.0.0". */
MsMessage *
_ms_message_alloc (MsMessageType type)
{
  MsMessage *self;

  g_return_val_if_fail (type < MS_MESSAGE_N_TYPES, NULL);

  self = g_new0 (MsMessage, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->type = type;
  self->protocol_version.str = MS_PROTOCOL_VERSION;
  self->protocol_version.len = strlen (MS_PROTOCOL_VERSION);
  return self;
}

MsMessage *
ms_message_ref (MsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ms_message_unref (MsMessage *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < MS_MESSAGE_N_OWNED; i++)
    if (self->owned[i] != NULL)
      g_free (self->owned[i]);
  g_clear_pointer (&self->wad, ms_wad_free);
  g_free (self->items);
  g_free (self->extras);
  g_clear_pointer (&self->doc, ms_json_document_free);
  g_free (self);
}

/*
 * PROTOCOL.md 2.4: a fresh random UUIDv4 (from the CSPRNG, not
 * g_uuid_string_random) and the current time with microseconds.
 */
static MsMessage *
message_new (MsMessageType type)
{
  MsMessage *self = _ms_message_alloc (type);

  self->timestamp = g_get_real_time () / (gdouble) G_USEC_PER_SEC;
  ms_uuid_generate (self->uuid_buf);
  self->uuid.str = self->uuid_buf;
  self->uuid.len = MS_UUID_STRING_LEN;
  return self;
}

static void
own_string (MsMessage  *self,
            guint       owned,
            MsSpan     *span,
            const char *value)
{
  g_free (self->owned[owned]);
  self->owned[owned] = g_strdup (value);
  span->str = self->owned[owned];
  span->len = value != NULL ? strlen (value) : 0;
}

static void
set_field (MsMessage      *self,
           MsMessageField  field,
           const char     *value)
{
  own_string (self, field, &self->str[field], value);
}

/* PROTOCOL.md 6.3: the key is always sent; NULL goes out as JSON null. */
static MsMessage *
notification_new (MsMessageType  type,
                  const char    *request_reference_uuid)
{
  MsMessage *self = message_new (type);

  own_string (self, MS_OWNED_REFERENCE, &self->reference, request_reference_uuid);
  return self;
}

static gboolean
is_hex64 (const char *str)
{
  return str != NULL && strlen (str) == PREIMAGE_HEX_LEN && ms_hex_is_valid (str, PREIMAGE_HEX_LEN);
}

static gboolean
is_uuid (const char *str)
{
  return str != NULL && ms_uuid_is_valid (str, strlen (str));
}

static gboolean
is_reference (const char *str)
{
  return str == NULL || is_uuid (str);
}

static gboolean
is_utf8 (const char *str)
{
  return str != NULL && ms_json_utf8_validate (str, strlen (str));
}

/* PROTOCOL.md 7.1: "ext ... <= 4096 chars". */
static gboolean
is_ext (const char *str)
{
  return is_utf8 (str) && ms_json_utf8_n_chars (str, strlen (str)) <= MAX_EXT_CHARS;
}

/* PROTOCOL.md 7.1: "MUST start with the 4 characters lnbc". */
static gboolean
is_bolt11 (const char *str)
{
  return str != NULL && g_str_has_prefix (str, "lnbc") && is_utf8 (str);
}

/*
 * The constructors refuse (as programming errors) values that receivers
 * would reject, so that whatever we build parses again.
 */

MsMessage *
ms_message_new_request_rendezvous (const char *rendezvous_id)
{
  MsMessage *self;

  g_return_val_if_fail (is_hex64 (rendezvous_id), NULL);

  self = message_new (MS_MESSAGE_REQUEST_RENDEZVOUS);
  set_field (self, MS_FIELD_RENDEZVOUS_ID, rendezvous_id);
  return self;
}

MsMessage *
ms_message_new_request_provider (void)
{
  return message_new (MS_MESSAGE_REQUEST_PROVIDER);
}

MsMessage *
ms_message_new_request_ping (void)
{
  return message_new (MS_MESSAGE_REQUEST_PING);
}

/* PROTOCOL.md 7.1: a positive integer; a JSON integer holds at most G_MAXINT64. */
MsMessage *
ms_message_new_request_invoice (guint64 msats)
{
  MsMessage *self;

  g_return_val_if_fail (msats > 0 && msats <= G_MAXINT64, NULL);

  self = message_new (MS_MESSAGE_REQUEST_INVOICE);
  self->msats = msats;
  return self;
}

MsMessage *
ms_message_new_request_pay (const char *bolt11)
{
  MsMessage *self;

  g_return_val_if_fail (is_bolt11 (bolt11), NULL);

  self = message_new (MS_MESSAGE_REQUEST_PAY);
  set_field (self, MS_FIELD_BOLT11, bolt11);
  return self;
}

/* PROTOCOL.md 13.2: extension_protocol is always OPINION_SELLER_DEMO_V0. */
MsMessage *
ms_message_new_request_opinion_seller (void)
{
  MsMessage *self = message_new (MS_MESSAGE_REQUEST_OPINION_SELLER);

  self->str[MS_FIELD_EXTENSION_PROTOCOL].str = MS_OPINION_EXTENSION_PROTOCOL;
  self->str[MS_FIELD_EXTENSION_PROTOCOL].len = strlen (MS_OPINION_EXTENSION_PROTOCOL);
  return self;
}

MsMessage *
ms_message_new_request_opinion_invoice (const char *item_id)
{
  MsMessage *self;

  g_return_val_if_fail (is_utf8 (item_id), NULL);

  self = message_new (MS_MESSAGE_REQUEST_OPINION_INVOICE);
  set_field (self, MS_FIELD_ITEM_ID, item_id);
  self->str[MS_FIELD_EXTENSION_PROTOCOL].str = MS_OPINION_EXTENSION_PROTOCOL;
  self->str[MS_FIELD_EXTENSION_PROTOCOL].len = strlen (MS_OPINION_EXTENSION_PROTOCOL);
  return self;
}

static MsMessage *
rendezvous_notification_new (MsMessageType  type,
                             const char    *request_reference_uuid,
                             const char    *rendezvous_id)
{
  MsMessage *self;

  g_return_val_if_fail (is_reference (request_reference_uuid), NULL);
  g_return_val_if_fail (is_hex64 (rendezvous_id), NULL);

  self = notification_new (type, request_reference_uuid);
  set_field (self, MS_FIELD_RENDEZVOUS_ID, rendezvous_id);
  return self;
}

MsMessage *
ms_message_new_notify_rendezvous (const char *request_reference_uuid,
                                  const char *rendezvous_id)
{
  return rendezvous_notification_new (MS_MESSAGE_NOTIFY_RENDEZVOUS,
                                      request_reference_uuid, rendezvous_id);
}

MsMessage *
ms_message_new_notify_rendezvous_not_ready (const char *request_reference_uuid,
                                            const char *rendezvous_id)
{
  return rendezvous_notification_new (MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY,
                                      request_reference_uuid, rendezvous_id);
}

MsMessage *
ms_message_new_notify_rendezvous_end (const char *request_reference_uuid,
                                      const char *rendezvous_id)
{
  return rendezvous_notification_new (MS_MESSAGE_NOTIFY_RENDEZVOUS_END,
                                      request_reference_uuid, rendezvous_id);
}

/* @wad may be NULL (sent as null, which PROTOCOL.md 7.1 advises against). */
MsMessage *
ms_message_new_notify_provider (const char  *request_reference_uuid,
                                const char  *account_uuid,
                                gboolean     payer,
                                gboolean     payee,
                                const MsWad *wad)
{
  MsMessage *self;

  g_return_val_if_fail (is_reference (request_reference_uuid), NULL);
  g_return_val_if_fail (is_uuid (account_uuid), NULL);

  self = notification_new (MS_MESSAGE_NOTIFY_PROVIDER, request_reference_uuid);
  set_field (self, MS_FIELD_ACCOUNT_UUID, account_uuid);
  self->payer = !!payer;
  self->payee = !!payee;
  if (wad != NULL)
    self->wad = ms_wad_copy (wad);
  return self;
}

static MsMessage *
empty_notification_new (MsMessageType  type,
                        const char    *request_reference_uuid)
{
  g_return_val_if_fail (is_reference (request_reference_uuid), NULL);

  return notification_new (type, request_reference_uuid);
}

MsMessage *
ms_message_new_notify_provider_not_ready (const char *request_reference_uuid)
{
  return empty_notification_new (MS_MESSAGE_NOTIFY_PROVIDER_NOT_READY, request_reference_uuid);
}

MsMessage *
ms_message_new_notify_pong (const char *request_reference_uuid)
{
  return empty_notification_new (MS_MESSAGE_NOTIFY_PONG, request_reference_uuid);
}

MsMessage *
ms_message_new_notify_opinion_seller_not_ready (const char *request_reference_uuid)
{
  return empty_notification_new (MS_MESSAGE_NOTIFY_OPINION_SELLER_NOT_READY,
                                 request_reference_uuid);
}

MsMessage *
ms_message_new_notify_invoice (const char *request_reference_uuid,
                               const char *bolt11)
{
  MsMessage *self;

  g_return_val_if_fail (is_reference (request_reference_uuid), NULL);
  g_return_val_if_fail (is_bolt11 (bolt11), NULL);

  self = notification_new (MS_MESSAGE_NOTIFY_INVOICE, request_reference_uuid);
  set_field (self, MS_FIELD_BOLT11, bolt11);
  return self;
}

/* @ext: NULL (what every reference sends) or at most 4096 characters. */
MsMessage *
ms_message_new_notify_preimage (const char *request_reference_uuid,
                                const char *preimage,
                                const char *ext)
{
  MsMessage *self;

  g_return_val_if_fail (is_reference (request_reference_uuid), NULL);
  g_return_val_if_fail (is_hex64 (preimage), NULL);
  g_return_val_if_fail (ext == NULL || is_ext (ext), NULL);

  self = notification_new (MS_MESSAGE_NOTIFY_PREIMAGE, request_reference_uuid);
  set_field (self, MS_FIELD_PREIMAGE, preimage);
  set_field (self, MS_FIELD_EXT, ext);
  return self;
}

MsMessage *
ms_message_new_notify_error (const char *request_reference_uuid,
                             const char *error_msg)
{
  MsMessage *self;

  g_return_val_if_fail (is_reference (request_reference_uuid), NULL);
  g_return_val_if_fail (is_utf8 (error_msg), NULL);

  self = notification_new (MS_MESSAGE_NOTIFY_ERROR, request_reference_uuid);
  set_field (self, MS_FIELD_ERROR_MSG, error_msg);
  return self;
}

static gboolean
items_are_valid (const MsOpinionItem *items,
                 guint                n_items)
{
  for (guint i = 0; i < n_items; i++)
    if (!is_utf8 (items[i].item_id) || !is_utf8 (items[i].name) || items[i].msats > G_MAXINT64)
      return FALSE;
  return TRUE;
}

/* Copies @items, their strings into one block. */
static void
set_items (MsMessage           *self,
           const MsOpinionItem *items,
           guint                n_items)
{
  gsize total = 0;
  char *p;

  for (guint i = 0; i < n_items; i++)
    total += strlen (items[i].item_id) + strlen (items[i].name) + 2;

  self->items = g_new0 (MsMessageItem, MAX (n_items, 1));
  self->n_items = n_items;
  p = self->owned[MS_OWNED_ITEMS] = g_malloc (MAX (total, 1));
  for (guint i = 0; i < n_items; i++)
    {
      MsMessageItem *item = &self->items[i];

      item->item_id_len = strlen (items[i].item_id);
      item->item.item_id = memcpy (p, items[i].item_id, item->item_id_len + 1);
      p += item->item_id_len + 1;
      item->name_len = strlen (items[i].name);
      item->item.name = memcpy (p, items[i].name, item->name_len + 1);
      p += item->name_len + 1;
      item->item.msats = items[i].msats;
    }
}

MsMessage *
ms_message_new_notify_opinion_seller (const char          *request_reference_uuid,
                                      const char          *seller_uuid,
                                      const MsOpinionItem *items,
                                      guint                n_items)
{
  MsMessage *self;

  g_return_val_if_fail (is_reference (request_reference_uuid), NULL);
  g_return_val_if_fail (is_uuid (seller_uuid), NULL);
  g_return_val_if_fail (items != NULL || n_items == 0, NULL);
  g_return_val_if_fail (items_are_valid (items, n_items), NULL);

  self = notification_new (MS_MESSAGE_NOTIFY_OPINION_SELLER, request_reference_uuid);
  set_items (self, items, n_items);
  set_field (self, MS_FIELD_SELLER_UUID, seller_uuid);
  return self;
}

/* PROTOCOL.md 13.2: the bolt11 of this message is not checked further. */
MsMessage *
ms_message_new_notify_opinion_invoice (const char *request_reference_uuid,
                                       const char *bolt11)
{
  MsMessage *self;

  g_return_val_if_fail (is_reference (request_reference_uuid), NULL);
  g_return_val_if_fail (is_utf8 (bolt11), NULL);

  self = notification_new (MS_MESSAGE_NOTIFY_OPINION_INVOICE, request_reference_uuid);
  set_field (self, MS_FIELD_BOLT11, bolt11);
  return self;
}

MsMessage *
ms_message_new_notify_opinion (const char *request_reference_uuid,
                               const char *item_id,
                               const char *opinion)
{
  MsMessage *self;

  g_return_val_if_fail (is_reference (request_reference_uuid), NULL);
  g_return_val_if_fail (is_utf8 (item_id), NULL);
  g_return_val_if_fail (is_utf8 (opinion), NULL);

  self = notification_new (MS_MESSAGE_NOTIFY_OPINION, request_reference_uuid);
  set_field (self, MS_FIELD_OPINION, opinion);
  set_field (self, MS_FIELD_ITEM_ID, item_id);
  return self;
}

/*
 * Replaces the request_uuid / notification_uuid. Forwarders reuse the
 * request uuid of the app they forward for (PROTOCOL.md 12.3). Call it
 * before the message is shared.
 */
void
ms_message_set_uuid (MsMessage  *self,
                     const char *uuid)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (is_uuid (uuid));

  own_string (self, MS_OWNED_UUID, &self->uuid, uuid);
}

/* UNIX time in seconds; PROTOCOL.md 6.1 wants it >= 0. */
void
ms_message_set_timestamp (MsMessage *self,
                          gdouble    timestamp)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (timestamp >= 0);

  self->timestamp = timestamp;
}

MsMessageType
ms_message_get_message_type (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, MS_MESSAGE_REQUEST_PING);

  return self->type;
}

MsMessageClass
ms_message_get_message_class (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, MS_MESSAGE_CLASS_REQUEST);

  return message_info[self->type].message_class;
}

const char *
ms_message_get_name (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return message_info[self->type].name;
}

gdouble
ms_message_get_timestamp (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->timestamp;
}

/* As received (only its type is checked), or "0.0.0" for ours. */
const char *
ms_message_get_protocol_version (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->protocol_version.str;
}

/* The request_uuid of a request, the notification_uuid of a notification. */
const char *
ms_message_get_uuid (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->uuid.str;
}

/* %NULL for requests and for a null reference. */
const char *
ms_message_get_request_reference_uuid (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->reference.str;
}

static const char *
get_field (const MsMessage *self,
           MsMessageField   field)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->str[field].str;
}

const char *
ms_message_get_rendezvous_id (const MsMessage *self)
{
  return get_field (self, MS_FIELD_RENDEZVOUS_ID);
}

/* REQUEST_INVOICE's amount; 0 for other messages. */
guint64
ms_message_get_msats (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->msats;
}

/* REQUEST_PAY, NOTIFY_INVOICE and NOTIFY_OPINION_INVOICE. */
const char *
ms_message_get_bolt11 (const MsMessage *self)
{
  return get_field (self, MS_FIELD_BOLT11);
}

const char *
ms_message_get_preimage (const MsMessage *self)
{
  return get_field (self, MS_FIELD_PREIMAGE);
}

const char *
ms_message_get_ext (const MsMessage *self)
{
  return get_field (self, MS_FIELD_EXT);
}

const char *
ms_message_get_error_msg (const MsMessage *self)
{
  return get_field (self, MS_FIELD_ERROR_MSG);
}

const char *
ms_message_get_account_uuid (const MsMessage *self)
{
  return get_field (self, MS_FIELD_ACCOUNT_UUID);
}

gboolean
ms_message_get_payer (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->payer;
}

gboolean
ms_message_get_payee (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->payee;
}

/* NOTIFY_PROVIDER's wad; %NULL when it was null (or for other messages). */
const MsWad *
ms_message_get_wad (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->wad;
}

/* REQUEST_OPINION_INVOICE and NOTIFY_OPINION. */
const char *
ms_message_get_item_id (const MsMessage *self)
{
  return get_field (self, MS_FIELD_ITEM_ID);
}

const char *
ms_message_get_opinion (const MsMessage *self)
{
  return get_field (self, MS_FIELD_OPINION);
}

const char *
ms_message_get_seller_uuid (const MsMessage *self)
{
  return get_field (self, MS_FIELD_SELLER_UUID);
}

guint
ms_message_get_n_items (const MsMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_items;
}

const MsOpinionItem *
ms_message_get_item (const MsMessage *self,
                     guint            index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_items, NULL);

  return &self->items[index].item;
}
