/* ms-message.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

#include "ms-wad.h"

G_BEGIN_DECLS

#define MS_TYPE_MESSAGE (ms_message_get_type ())

/* PROTOCOL.md 6.1 */
#define MS_PROTOCOL         "Moneysocket"
#define MS_PROTOCOL_VERSION "0.0.0"
/* PROTOCOL.md 13.2 */
#define MS_OPINION_EXTENSION_PROTOCOL "OPINION_SELLER_DEMO_V0"

typedef enum
{
  MS_MESSAGE_CLASS_REQUEST,
  MS_MESSAGE_CLASS_NOTIFICATION,
} MsMessageClass;

/**
 * MsMessageType:
 *
 * Every v0 message (PROTOCOL.md 7) and the six Opinion demo messages (13.2).
 */
typedef enum
{
  MS_MESSAGE_REQUEST_RENDEZVOUS,
  MS_MESSAGE_REQUEST_PROVIDER,
  MS_MESSAGE_REQUEST_PING,
  MS_MESSAGE_REQUEST_INVOICE,
  MS_MESSAGE_REQUEST_PAY,
  MS_MESSAGE_REQUEST_OPINION_SELLER,
  MS_MESSAGE_REQUEST_OPINION_INVOICE,
  MS_MESSAGE_NOTIFY_RENDEZVOUS,
  MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY,
  MS_MESSAGE_NOTIFY_RENDEZVOUS_END,
  MS_MESSAGE_NOTIFY_PROVIDER,
  MS_MESSAGE_NOTIFY_PROVIDER_NOT_READY,
  MS_MESSAGE_NOTIFY_PONG,
  MS_MESSAGE_NOTIFY_INVOICE,
  MS_MESSAGE_NOTIFY_PREIMAGE,
  MS_MESSAGE_NOTIFY_ERROR,
  MS_MESSAGE_NOTIFY_OPINION_SELLER,
  MS_MESSAGE_NOTIFY_OPINION_SELLER_NOT_READY,
  MS_MESSAGE_NOTIFY_OPINION_INVOICE,
  MS_MESSAGE_NOTIFY_OPINION,
} MsMessageType;

#define MS_MESSAGE_N_TYPES (MS_MESSAGE_NOTIFY_OPINION + 1)

/**
 * MsOpinionItem:
 * @item_id: the seller's id for the item
 * @name: what the buyer sees
 * @msats: the price
 *
 * One entry of NOTIFY_OPINION_SELLER's `items`.
 */
typedef struct
{
  const char *item_id;
  const char *name;
  guint64     msats;
} MsOpinionItem;

typedef struct _MsMessage MsMessage;

GType                ms_message_get_type                     (void) G_GNUC_CONST;

const char          *ms_message_type_to_name                 (MsMessageType   type);
gboolean             ms_message_type_from_name               (const char     *name,
                                                              MsMessageType  *type);
MsMessageClass       ms_message_type_get_class               (MsMessageType   type);
gboolean             ms_message_type_is_cleartext            (MsMessageType   type);

MsMessage           *ms_message_ref                          (MsMessage      *self);
void                 ms_message_unref                        (MsMessage      *self);

/* Requests get a fresh UUIDv4 and the current time. */
MsMessage           *ms_message_new_request_rendezvous       (const char     *rendezvous_id) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_request_provider         (void) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_request_ping             (void) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_request_invoice          (guint64         msats) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_request_pay              (const char     *bolt11) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_request_opinion_seller   (void) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_request_opinion_invoice  (const char     *item_id) G_GNUC_WARN_UNUSED_RESULT;

/* Notifications: @request_reference_uuid may be NULL (sent as JSON null). */
MsMessage           *ms_message_new_notify_rendezvous        (const char     *request_reference_uuid,
                                                              const char     *rendezvous_id) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_rendezvous_not_ready (const char  *request_reference_uuid,
                                                              const char     *rendezvous_id) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_rendezvous_end    (const char     *request_reference_uuid,
                                                              const char     *rendezvous_id) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_provider          (const char     *request_reference_uuid,
                                                              const char     *account_uuid,
                                                              gboolean        payer,
                                                              gboolean        payee,
                                                              const MsWad    *wad) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_provider_not_ready (const char    *request_reference_uuid) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_pong              (const char     *request_reference_uuid) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_invoice           (const char     *request_reference_uuid,
                                                              const char     *bolt11) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_preimage          (const char     *request_reference_uuid,
                                                              const char     *preimage,
                                                              const char     *ext) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_error             (const char     *request_reference_uuid,
                                                              const char     *error_msg) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_opinion_seller    (const char     *request_reference_uuid,
                                                              const char     *seller_uuid,
                                                              const MsOpinionItem *items,
                                                              guint           n_items) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_opinion_seller_not_ready (const char *request_reference_uuid) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_opinion_invoice   (const char     *request_reference_uuid,
                                                              const char     *bolt11) G_GNUC_WARN_UNUSED_RESULT;
MsMessage           *ms_message_new_notify_opinion           (const char     *request_reference_uuid,
                                                              const char     *item_id,
                                                              const char     *opinion) G_GNUC_WARN_UNUSED_RESULT;

/* For forwarders that reuse a request uuid (PROTOCOL.md 12.3) and for tests. */
void                 ms_message_set_uuid                     (MsMessage      *self,
                                                              const char     *uuid);
void                 ms_message_set_timestamp                (MsMessage      *self,
                                                              gdouble         timestamp);

MsMessageType        ms_message_get_message_type             (const MsMessage *self);
MsMessageClass       ms_message_get_message_class            (const MsMessage *self);
const char          *ms_message_get_name                     (const MsMessage *self);
gdouble              ms_message_get_timestamp                (const MsMessage *self);
const char          *ms_message_get_protocol_version         (const MsMessage *self);
const char          *ms_message_get_uuid                     (const MsMessage *self);
const char          *ms_message_get_request_reference_uuid   (const MsMessage *self);
const char          *ms_message_get_rendezvous_id            (const MsMessage *self);
guint64              ms_message_get_msats                    (const MsMessage *self);
const char          *ms_message_get_bolt11                   (const MsMessage *self);
const char          *ms_message_get_preimage                 (const MsMessage *self);
const char          *ms_message_get_ext                      (const MsMessage *self);
const char          *ms_message_get_error_msg                (const MsMessage *self);
const char          *ms_message_get_account_uuid             (const MsMessage *self);
gboolean             ms_message_get_payer                    (const MsMessage *self);
gboolean             ms_message_get_payee                    (const MsMessage *self);
const MsWad         *ms_message_get_wad                      (const MsMessage *self);
const char          *ms_message_get_item_id                  (const MsMessage *self);
const char          *ms_message_get_opinion                  (const MsMessage *self);
const char          *ms_message_get_seller_uuid              (const MsMessage *self);
guint                ms_message_get_n_items                  (const MsMessage *self);
const MsOpinionItem *ms_message_get_item                     (const MsMessage *self,
                                                              guint           index);

MsMessage           *ms_message_parse                        (const char     *json,
                                                              gsize           len,
                                                              GError        **error) G_GNUC_WARN_UNUSED_RESULT;
void                 ms_message_append_json                  (const MsMessage *self,
                                                              GString        *out);
char                *ms_message_to_json                      (const MsMessage *self) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsMessage, ms_message_unref)

G_END_DECLS
