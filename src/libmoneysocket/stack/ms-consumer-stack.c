/* ms-consumer-stack.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-bolt11.h"
#include "ms-consumer-nexus.h"
#include "ms-crypto.h"
#include "ms-hex.h"
#include "ms-consumer-stack.h"
#include "ms-error.h"
#include "ms-stack-private.h"
#include "ms-transact-nexus.h"

#define PONG_TIMEOUT_S 5

typedef enum
{
  PENDING_INVOICE,
  PENDING_PAY,
} PendingKind;

typedef struct
{
  MsConsumerStack *stack;
  PendingKind      kind;
  char            *request_uuid;
  GTask           *task;
  gulong           cancelled_handler;
} Pending;

struct _MsConsumerStack
{
  MsStack          parent_instance;

  MsLayer         *consumer_layer;
  MsLayer         *transact_layer;
  MsProviderInfo  *provider_info;
  GHashTable      *pending;        /* request uuid → Pending */
  GHashTable      *invoices;       /* payment hash hex → bolt11 we were given */
  guint64          latency_us;
  guint            ping_interval_ms;
  guint            n_pending_pays;
};

G_DEFINE_FINAL_TYPE (MsConsumerStack, ms_consumer_stack, MS_TYPE_STACK)

enum {
  PROP_0,
  PROP_PROVIDER_INFO,
  PROP_LATENCY_US,
  N_PROPS
};

enum {
  PROVIDER_INFO,
  INVOICE,
  PREIMAGE,
  ERROR,
  PING,
  INVOICE_PAID,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  g_free (pending->request_uuid);
  g_clear_object (&pending->task);
  g_free (pending);
}

/*
 * PROTOCOL.md 7.2: "A Consumer SHOULD NOT treat a slow pong during a
 * payment as a dead link" (the Python terminus stalls while it pays).
 */
static void
update_pong_timeout (MsConsumerStack *self)
{
  MsWsConnection *connection = _ms_stack_get_connection (MS_STACK (self));

  if (connection != NULL)
    ms_ws_connection_set_pong_timeout (connection, self->n_pending_pays > 0 ? 0 : PONG_TIMEOUT_S);
}

/* Removes and returns a pending request; the caller completes its task. */
static Pending *
take_pending (MsConsumerStack *self,
              const char      *request_uuid)
{
  Pending *pending = NULL;
  gpointer key;

  if (request_uuid == NULL ||
      !g_hash_table_steal_extended (self->pending, request_uuid, &key, (gpointer *) &pending))
    return NULL;

  if (pending->cancelled_handler != 0)
    g_cancellable_disconnect (g_task_get_cancellable (pending->task),
                              pending->cancelled_handler);
  pending->cancelled_handler = 0;
  if (pending->kind == PENDING_PAY)
    {
      self->n_pending_pays--;
      update_pong_timeout (self);
    }

  return pending;
}

static void
provider_info_cb (MsConsumerNexus *nexus,
                  MsProviderInfo  *info,
                  MsConsumerStack *self)
{
  if (ms_provider_info_equal (self->provider_info, info))
    return;

  g_clear_pointer (&self->provider_info, ms_provider_info_unref);
  self->provider_info = ms_provider_info_ref (info);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER_INFO]);
  g_signal_emit (self, signals[PROVIDER_INFO], 0, info);
}

static void
pong_cb (MsConsumerNexus *nexus,
         guint64          latency_us,
         MsConsumerStack *self)
{
  self->latency_us = latency_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENCY_US]);
  g_signal_emit (self, signals[PING], 0, latency_us);
}

static void
consumer_setup_cb (MsLayer  *layer,
                   MsNexus  *nexus,
                   gpointer  user_data)
{
  MsConsumerStack *self = user_data;

  ms_consumer_nexus_set_ping_interval (MS_CONSUMER_NEXUS (nexus), self->ping_interval_ms);
  g_signal_connect_object (nexus, "provider-info", G_CALLBACK (provider_info_cb), self, 0);
  g_signal_connect_object (nexus, "pong", G_CALLBACK (pong_cb), self, 0);
}

/* Up to this many of our invoices are watched for payment. */
#define MAX_WATCHED_INVOICES 1024

static void
remember_invoice (MsConsumerStack *self,
                  const char      *bolt11)
{
  g_autoptr(MsBolt11) invoice = ms_bolt11_decode (bolt11, strlen (bolt11), MS_BOLT11_DECODE_NONE,
                                                  NULL);

  /* An invoice we cannot read cannot be matched; the request still succeeds. */
  if (invoice == NULL)
    return;

  if (g_hash_table_size (self->invoices) >= MAX_WATCHED_INVOICES)
    g_hash_table_remove_all (self->invoices);
  g_hash_table_insert (self->invoices, g_strdup (ms_bolt11_get_payment_hash_hex (invoice)),
                       g_strdup (bolt11));
}

/*
 * PROTOCOL.md 7.2: a null-referenced NOTIFY_PREIMAGE means "an invoice I
 * gave you earlier was paid"; "the Consumer matches it by sha256(preimage)
 * == payment_hash of the invoice".
 */
static void
match_paid_invoice (MsConsumerStack *self,
                    const char      *preimage)
{
  guint8 bytes[32];
  guint8 hash[MS_SHA256_LEN];
  char hash_hex[2 * MS_SHA256_LEN + 1];
  g_autofree char *key = NULL;
  g_autofree char *bolt11 = NULL;

  if (!ms_hex_decode_into (preimage, strlen (preimage), bytes, sizeof bytes, NULL))
    return;

  ms_sha256 (bytes, sizeof bytes, hash);
  ms_hex_encode_into (hash, sizeof hash, hash_hex);
  if (!g_hash_table_steal_extended (self->invoices, hash_hex, (gpointer *) &key,
                                    (gpointer *) &bolt11))
    return;

  g_signal_emit (self, signals[INVOICE_PAID], 0, bolt11, preimage);
}

/* Consumers ignore answers with references they do not know (PROTOCOL.md 11.4). */
static void
invoice_cb (MsConsumerTransactNexus *nexus,
            const char              *bolt11,
            const char              *ref,
            MsConsumerStack         *self)
{
  Pending *pending = take_pending (self, ref);

  if (pending == NULL)
    return;

  g_signal_emit (self, signals[INVOICE], 0, bolt11, ref);
  if (pending->kind == PENDING_INVOICE)
    {
      remember_invoice (self, bolt11);
      g_task_return_pointer (pending->task, g_strdup (bolt11), g_free);
    }
  else
    g_task_return_new_error (pending->task, MS_STACK_ERROR, MS_STACK_ERROR_PROVIDER,
                             "provider answered a payment with an invoice");
  pending_free (pending);
}

/*
 * A preimage with a known reference completes a payment; one with a null
 * reference reports that an invoice was paid to us (PROTOCOL.md 7.2).
 */
static void
preimage_cb (MsConsumerTransactNexus *nexus,
             const char              *preimage,
             const char              *ref,
             MsConsumerStack         *self)
{
  Pending *pending = take_pending (self, ref);

  if (pending == NULL && ref != NULL)
    return;

  g_signal_emit (self, signals[PREIMAGE], 0, preimage, ref);
  if (pending == NULL)
    {
      match_paid_invoice (self, preimage);
      return;
    }

  if (pending->kind == PENDING_PAY)
    g_task_return_pointer (pending->task, g_strdup (preimage), g_free);
  else
    g_task_return_new_error (pending->task, MS_STACK_ERROR, MS_STACK_ERROR_PROVIDER,
                             "provider answered an invoice request with a preimage");
  pending_free (pending);
}

static void
error_cb (MsConsumerTransactNexus *nexus,
          const char              *error_msg,
          const char              *ref,
          MsConsumerStack         *self)
{
  Pending *pending = take_pending (self, ref);

  if (pending == NULL && ref != NULL)
    return;

  g_signal_emit (self, signals[ERROR], 0, error_msg, ref);
  if (pending == NULL)
    return;

  g_task_return_new_error (pending->task, MS_STACK_ERROR, MS_STACK_ERROR_PROVIDER,
                           "%s", error_msg);
  pending_free (pending);
}

static void
transact_setup_cb (MsLayer  *layer,
                   MsNexus  *nexus,
                   gpointer  user_data)
{
  MsConsumerStack *self = user_data;

  g_signal_connect_object (nexus, "invoice", G_CALLBACK (invoice_cb), self, 0);
  g_signal_connect_object (nexus, "preimage", G_CALLBACK (preimage_cb), self, 0);
  g_signal_connect_object (nexus, "error", G_CALLBACK (error_cb), self, 0);
}

/*
 * Requests in flight when the socket goes fail: their answers would be lost
 * (PROTOCOL.md 9.5). A payment may still have gone through; the error says so.
 */
static void
ms_consumer_stack_disconnected (MsStack *stack)
{
  MsConsumerStack *self = MS_CONSUMER_STACK (stack);
  g_autoptr(GList) uuids = g_hash_table_get_keys (self->pending);

  for (GList *l = uuids; l != NULL; l = l->next)
    {
      Pending *pending = take_pending (self, l->data);

      if (pending->kind == PENDING_PAY)
        g_task_return_new_error (pending->task, MS_STACK_ERROR, MS_STACK_ERROR_CONNECTION_LOST,
                                 "connection lost before the provider answered; "
                                 "the payment may still complete");
      else
        g_task_return_new_error (pending->task, MS_STACK_ERROR, MS_STACK_ERROR_CONNECTION_LOST,
                                 "connection lost before the provider answered");
      pending_free (pending);
    }
}

static void
ms_consumer_stack_dispose (GObject *object)
{
  MsConsumerStack *self = MS_CONSUMER_STACK (object);

  G_OBJECT_CLASS (ms_consumer_stack_parent_class)->dispose (object);

  g_clear_object (&self->consumer_layer);
  g_clear_object (&self->transact_layer);
}

static void
ms_consumer_stack_finalize (GObject *object)
{
  MsConsumerStack *self = MS_CONSUMER_STACK (object);

  g_clear_pointer (&self->provider_info, ms_provider_info_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->invoices, g_hash_table_unref);

  G_OBJECT_CLASS (ms_consumer_stack_parent_class)->finalize (object);
}

static void
ms_consumer_stack_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MsConsumerStack *self = MS_CONSUMER_STACK (object);

  switch (prop_id)
    {
    case PROP_PROVIDER_INFO:
      g_value_set_boxed (value, self->provider_info);
      break;
    case PROP_LATENCY_US:
      g_value_set_uint64 (value, self->latency_us);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_consumer_stack_class_init (MsConsumerStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MsStackClass *stack_class = MS_STACK_CLASS (klass);

  object_class->dispose = ms_consumer_stack_dispose;
  object_class->finalize = ms_consumer_stack_finalize;
  object_class->get_property = ms_consumer_stack_get_property;

  stack_class->disconnected = ms_consumer_stack_disconnected;

  /* The provider's latest info; kept after a disconnect so a UI can show it greyed. */
  properties[PROP_PROVIDER_INFO] =
    g_param_spec_boxed ("provider-info", NULL, NULL, MS_TYPE_PROVIDER_INFO,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LATENCY_US] =
    g_param_spec_uint64 ("latency-us", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MsConsumerStack::provider-info:
   * @info: the provider's new info (balance, flags)
   */
  signals[PROVIDER_INFO] = g_signal_new ("provider-info", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, MS_TYPE_PROVIDER_INFO);
  /**
   * MsConsumerStack::invoice:
   * @bolt11: an invoice this consumer asked for
   * @request_reference_uuid: its request
   */
  signals[INVOICE] = g_signal_new ("invoice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                   G_TYPE_STRING, G_TYPE_STRING);
  /**
   * MsConsumerStack::preimage:
   * @preimage: 64 hex digits
   * @request_reference_uuid: (nullable): the payment request, or NULL when
   *   an invoice of ours was paid
   */
  signals[PREIMAGE] = g_signal_new ("preimage", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                    G_TYPE_STRING, G_TYPE_STRING);
  /**
   * MsConsumerStack::error:
   * @error_msg: the provider's text
   * @request_reference_uuid: (nullable): the failed request
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                 G_TYPE_STRING, G_TYPE_STRING);
  /**
   * MsConsumerStack::ping:
   * @latency_us: the round trip of the last REQUEST_PING
   */
  signals[PING] = g_signal_new ("ping", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
  /**
   * MsConsumerStack::invoice-paid:
   * @bolt11: an invoice this consumer asked for
   * @preimage: the preimage that proves it was paid
   *
   * Someone paid one of our invoices (a null-referenced NOTIFY_PREIMAGE
   * whose SHA-256 is the invoice's payment hash).
   */
  signals[INVOICE_PAID] = g_signal_new ("invoice-paid", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_STRING, G_TYPE_STRING);
}

static void
ms_consumer_stack_init (MsConsumerStack *self)
{
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, pending_free);
  self->invoices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->ping_interval_ms = MS_CONSUMER_NEXUS_DEFAULT_PING_INTERVAL_MS;

  self->consumer_layer = ms_layer_new (MS_TYPE_CONSUMER_NEXUS, G_OBJECT (self));
  self->transact_layer = ms_layer_new (MS_TYPE_CONSUMER_TRANSACT_NEXUS, G_OBJECT (self));
  ms_layer_set_above (self->consumer_layer, self->transact_layer);
  ms_layer_set_setup_func (self->consumer_layer, consumer_setup_cb, self);
  ms_layer_set_setup_func (self->transact_layer, transact_setup_cb, self);
  _ms_stack_set_layers (MS_STACK (self), self->consumer_layer, self->transact_layer);
}

MsConsumerStack *
ms_consumer_stack_new (void)
{
  return g_object_new (MS_TYPE_CONSUMER_STACK, NULL);
}

MsProviderInfo *
ms_consumer_stack_get_provider_info (MsConsumerStack *self)
{
  g_return_val_if_fail (MS_IS_CONSUMER_STACK (self), NULL);

  return self->provider_info;
}

guint64
ms_consumer_stack_get_latency_us (MsConsumerStack *self)
{
  g_return_val_if_fail (MS_IS_CONSUMER_STACK (self), 0);

  return self->latency_us;
}

/* 0 stops pinging; otherwise at least 1000 ms (PROTOCOL.md 9.4). */
void
ms_consumer_stack_set_ping_interval (MsConsumerStack *self,
                                     guint            interval_ms)
{
  GListModel *nexuses;

  g_return_if_fail (MS_IS_CONSUMER_STACK (self));
  g_return_if_fail (interval_ms == 0 || interval_ms >= 1000);

  self->ping_interval_ms = interval_ms;
  nexuses = ms_layer_get_nexuses (self->consumer_layer);
  for (guint i = 0; i < g_list_model_get_n_items (nexuses); i++)
    {
      g_autoptr(MsConsumerNexus) nexus = g_list_model_get_item (nexuses, i);

      ms_consumer_nexus_set_ping_interval (nexus, interval_ms);
    }
}

guint
ms_consumer_stack_get_n_pending (MsConsumerStack *self)
{
  g_return_val_if_fail (MS_IS_CONSUMER_STACK (self), 0);

  return g_hash_table_size (self->pending);
}

static void
pending_cancelled_cb (GCancellable *cancellable,
                      Pending      *pending)
{
  /* Runs inside g_cancellable_cancel(): clearing the handler id first keeps
   * take_pending() from disconnecting the running handler (a deadlock). */
  g_autofree char *uuid = g_strdup (pending->request_uuid);
  MsConsumerStack *self = pending->stack;
  Pending *taken;

  pending->cancelled_handler = 0;
  taken = take_pending (self, uuid);
  if (taken == NULL)
    return;

  g_task_return_error_if_cancelled (taken->task);
  pending_free (taken);
}

static MsConsumerTransactNexus *
ready_transact_nexus (MsConsumerStack  *self,
                      GTask            *task)
{
  MsNexus *top = _ms_stack_get_top_nexus (MS_STACK (self));

  if (top == NULL)
    {
      g_task_return_new_error (task, MS_STACK_ERROR, MS_STACK_ERROR_NOT_CONNECTED,
                               "not connected to a provider");
      return NULL;
    }

  return MS_CONSUMER_TRANSACT_NEXUS (top);
}

static void
add_pending (MsConsumerStack *self,
             PendingKind      kind,
             char            *request_uuid,
             GTask           *task)
{
  Pending *pending = g_new0 (Pending, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);

  pending->stack = self;
  pending->kind = kind;
  pending->request_uuid = request_uuid;
  pending->task = g_object_ref (task);
  g_hash_table_insert (self->pending, pending->request_uuid, pending);

  if (kind == PENDING_PAY)
    {
      self->n_pending_pays++;
      update_pong_timeout (self);
    }

  if (cancellable != NULL)
    pending->cancelled_handler = g_cancellable_connect (cancellable,
                                                        G_CALLBACK (pending_cancelled_cb),
                                                        pending, NULL);
}

/*
 * Sends REQUEST_INVOICE; completes with the bolt11 of the matching
 * NOTIFY_INVOICE, or an MS_STACK_ERROR_PROVIDER error carrying the
 * provider's NOTIFY_ERROR text.
 */
void
ms_consumer_stack_request_invoice_async (MsConsumerStack     *self,
                                         guint64              msats,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MsConsumerTransactNexus *nexus;

  g_return_if_fail (MS_IS_CONSUMER_STACK (self));
  g_return_if_fail (msats > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_consumer_stack_request_invoice_async);

  if ((nexus = ready_transact_nexus (self, task)) == NULL)
    return;
  if (g_task_return_error_if_cancelled (task))
    return;

  add_pending (self, PENDING_INVOICE,
               ms_consumer_transact_nexus_request_invoice (nexus, msats, NULL), task);
}

char *
ms_consumer_stack_request_invoice_finish (MsConsumerStack  *self,
                                          GAsyncResult     *result,
                                          GError          **error)
{
  g_return_val_if_fail (MS_IS_CONSUMER_STACK (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sends REQUEST_PAY; completes with the preimage (64 hex digits). */
void
ms_consumer_stack_request_pay_async (MsConsumerStack     *self,
                                     const char          *bolt11,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MsConsumerTransactNexus *nexus;

  g_return_if_fail (MS_IS_CONSUMER_STACK (self));
  g_return_if_fail (bolt11 != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_consumer_stack_request_pay_async);

  if ((nexus = ready_transact_nexus (self, task)) == NULL)
    return;
  if (g_task_return_error_if_cancelled (task))
    return;

  add_pending (self, PENDING_PAY,
               ms_consumer_transact_nexus_request_pay (nexus, bolt11, NULL), task);
}

char *
ms_consumer_stack_request_pay_finish (MsConsumerStack  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (MS_IS_CONSUMER_STACK (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
