/* ms-transact-nexus.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-nexus-private.h"
#include "ms-transact-nexus.h"

struct _MsConsumerTransactNexus
{
  MsNexus parent_instance;
};

struct _MsProviderTransactNexus
{
  MsNexus parent_instance;
};

G_DEFINE_FINAL_TYPE (MsConsumerTransactNexus, ms_consumer_transact_nexus, MS_TYPE_NEXUS)
G_DEFINE_FINAL_TYPE (MsProviderTransactNexus, ms_provider_transact_nexus, MS_TYPE_NEXUS)

enum {
  CONSUMER_INVOICE,
  CONSUMER_PREIMAGE,
  CONSUMER_ERROR,
  N_CONSUMER_SIGNALS
};

enum {
  PROVIDER_REQUEST_INVOICE,
  PROVIDER_REQUEST_PAY,
  N_PROVIDER_SIGNALS
};

static guint consumer_signals[N_CONSUMER_SIGNALS];
static guint provider_signals[N_PROVIDER_SIGNALS];

static gboolean
ms_consumer_transact_nexus_handle_message (MsNexus   *nexus,
                                           MsMessage *message)
{
  const char *ref = ms_message_get_request_reference_uuid (message);

  switch (ms_message_get_message_type (message))
    {
    case MS_MESSAGE_NOTIFY_INVOICE:
      g_signal_emit (nexus, consumer_signals[CONSUMER_INVOICE], 0,
                     ms_message_get_bolt11 (message), ref);
      return TRUE;

    case MS_MESSAGE_NOTIFY_PREIMAGE:
      g_signal_emit (nexus, consumer_signals[CONSUMER_PREIMAGE], 0,
                     ms_message_get_preimage (message), ref);
      return TRUE;

    case MS_MESSAGE_NOTIFY_ERROR:
      g_signal_emit (nexus, consumer_signals[CONSUMER_ERROR], 0,
                     ms_message_get_error_msg (message), ref);
      return TRUE;

    case MS_MESSAGE_REQUEST_RENDEZVOUS:
    case MS_MESSAGE_REQUEST_PROVIDER:
    case MS_MESSAGE_REQUEST_PING:
    case MS_MESSAGE_REQUEST_INVOICE:
    case MS_MESSAGE_REQUEST_PAY:
    case MS_MESSAGE_REQUEST_OPINION_SELLER:
    case MS_MESSAGE_REQUEST_OPINION_INVOICE:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_END:
    case MS_MESSAGE_NOTIFY_PROVIDER:
    case MS_MESSAGE_NOTIFY_PROVIDER_NOT_READY:
    case MS_MESSAGE_NOTIFY_PONG:
    case MS_MESSAGE_NOTIFY_OPINION_SELLER:
    case MS_MESSAGE_NOTIFY_OPINION_SELLER_NOT_READY:
    case MS_MESSAGE_NOTIFY_OPINION_INVOICE:
    case MS_MESSAGE_NOTIFY_OPINION:
      return FALSE;
    }

  return FALSE;
}

static void
ms_consumer_transact_nexus_class_init (MsConsumerTransactNexusClass *klass)
{
  MsNexusClass *nexus_class = MS_NEXUS_CLASS (klass);

  nexus_class->handle_message = ms_consumer_transact_nexus_handle_message;

  /**
   * MsConsumerTransactNexus::invoice:
   * @bolt11: the invoice
   * @request_reference_uuid: (nullable): the REQUEST_INVOICE it answers
   */
  consumer_signals[CONSUMER_INVOICE] =
    g_signal_new ("invoice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * MsConsumerTransactNexus::preimage:
   * @preimage: 64 hex digits
   * @request_reference_uuid: (nullable): the REQUEST_PAY it answers, or
   *   NULL when an invoice this consumer asked for was paid
   */
  consumer_signals[CONSUMER_PREIMAGE] =
    g_signal_new ("preimage", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * MsConsumerTransactNexus::error:
   * @error_msg: the provider's text
   * @request_reference_uuid: (nullable): the request that failed
   */
  consumer_signals[CONSUMER_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
ms_consumer_transact_nexus_init (MsConsumerTransactNexus *self)
{
}

static char *
send_request (MsNexus    *nexus,
              MsMessage  *request,
              const char *request_uuid)
{
  /* Forwarders reuse the app's request uuid (PROTOCOL.md 12.3). */
  if (request_uuid != NULL)
    ms_message_set_uuid (request, request_uuid);
  ms_nexus_send (nexus, request);

  return g_strdup (ms_message_get_uuid (request));
}

/* Sends REQUEST_INVOICE; returns its request uuid. @request_uuid NULL = a fresh one. */
char *
ms_consumer_transact_nexus_request_invoice (MsConsumerTransactNexus *self,
                                            guint64                  msats,
                                            const char              *request_uuid)
{
  g_autoptr(MsMessage) request = NULL;

  g_return_val_if_fail (MS_IS_CONSUMER_TRANSACT_NEXUS (self), NULL);
  g_return_val_if_fail (msats > 0, NULL);

  request = ms_message_new_request_invoice (msats);
  return send_request (MS_NEXUS (self), request, request_uuid);
}

/* Sends REQUEST_PAY; returns its request uuid. */
char *
ms_consumer_transact_nexus_request_pay (MsConsumerTransactNexus *self,
                                        const char              *bolt11,
                                        const char              *request_uuid)
{
  g_autoptr(MsMessage) request = NULL;

  g_return_val_if_fail (MS_IS_CONSUMER_TRANSACT_NEXUS (self), NULL);
  g_return_val_if_fail (bolt11 != NULL, NULL);

  request = ms_message_new_request_pay (bolt11);
  return send_request (MS_NEXUS (self), request, request_uuid);
}

static gboolean
ms_provider_transact_nexus_handle_message (MsNexus   *nexus,
                                           MsMessage *message)
{
  switch (ms_message_get_message_type (message))
    {
    case MS_MESSAGE_REQUEST_INVOICE:
      g_signal_emit (nexus, provider_signals[PROVIDER_REQUEST_INVOICE], 0,
                     ms_message_get_msats (message), ms_message_get_uuid (message));
      return TRUE;

    case MS_MESSAGE_REQUEST_PAY:
      g_signal_emit (nexus, provider_signals[PROVIDER_REQUEST_PAY], 0,
                     ms_message_get_bolt11 (message), ms_message_get_uuid (message));
      return TRUE;

    case MS_MESSAGE_REQUEST_RENDEZVOUS:
    case MS_MESSAGE_REQUEST_PROVIDER:
    case MS_MESSAGE_REQUEST_PING:
    case MS_MESSAGE_REQUEST_OPINION_SELLER:
    case MS_MESSAGE_REQUEST_OPINION_INVOICE:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_END:
    case MS_MESSAGE_NOTIFY_PROVIDER:
    case MS_MESSAGE_NOTIFY_PROVIDER_NOT_READY:
    case MS_MESSAGE_NOTIFY_PONG:
    case MS_MESSAGE_NOTIFY_INVOICE:
    case MS_MESSAGE_NOTIFY_PREIMAGE:
    case MS_MESSAGE_NOTIFY_ERROR:
    case MS_MESSAGE_NOTIFY_OPINION_SELLER:
    case MS_MESSAGE_NOTIFY_OPINION_SELLER_NOT_READY:
    case MS_MESSAGE_NOTIFY_OPINION_INVOICE:
    case MS_MESSAGE_NOTIFY_OPINION:
      return FALSE;
    }

  return FALSE;
}

static void
ms_provider_transact_nexus_class_init (MsProviderTransactNexusClass *klass)
{
  MsNexusClass *nexus_class = MS_NEXUS_CLASS (klass);

  nexus_class->handle_message = ms_provider_transact_nexus_handle_message;

  /**
   * MsProviderTransactNexus::request-invoice:
   * @msats: the amount asked for
   * @request_uuid: what the answer references
   */
  provider_signals[PROVIDER_REQUEST_INVOICE] =
    g_signal_new ("request-invoice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_STRING);
  /**
   * MsProviderTransactNexus::request-pay:
   * @bolt11: the invoice to pay
   * @request_uuid: what the answer references
   */
  provider_signals[PROVIDER_REQUEST_PAY] =
    g_signal_new ("request-pay", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
ms_provider_transact_nexus_init (MsProviderTransactNexus *self)
{
}

void
ms_provider_transact_nexus_notify_invoice (MsProviderTransactNexus *self,
                                           const char              *request_reference_uuid,
                                           const char              *bolt11)
{
  g_autoptr(MsMessage) notify = NULL;

  g_return_if_fail (MS_IS_PROVIDER_TRANSACT_NEXUS (self));
  g_return_if_fail (bolt11 != NULL);

  notify = ms_message_new_notify_invoice (request_reference_uuid, bolt11);
  ms_nexus_send (MS_NEXUS (self), notify);
}

/* PROTOCOL.md 7.1: `ext` is always sent, as null. */
void
ms_provider_transact_nexus_notify_preimage (MsProviderTransactNexus *self,
                                            const char              *request_reference_uuid,
                                            const char              *preimage)
{
  g_autoptr(MsMessage) notify = NULL;

  g_return_if_fail (MS_IS_PROVIDER_TRANSACT_NEXUS (self));
  g_return_if_fail (preimage != NULL);

  notify = ms_message_new_notify_preimage (request_reference_uuid, preimage, NULL);
  ms_nexus_send (MS_NEXUS (self), notify);
}

void
ms_provider_transact_nexus_notify_error (MsProviderTransactNexus *self,
                                         const char              *request_reference_uuid,
                                         const char              *error_msg)
{
  g_autoptr(MsMessage) notify = NULL;

  g_return_if_fail (MS_IS_PROVIDER_TRANSACT_NEXUS (self));
  g_return_if_fail (error_msg != NULL);

  notify = ms_message_new_notify_error (request_reference_uuid, error_msg);
  ms_nexus_send (MS_NEXUS (self), notify);
}
