/* ms-provider-stack.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-provider-nexus.h"
#include "ms-provider-stack.h"
#include "ms-stack-private.h"
#include "ms-transact-nexus.h"

struct _MsProviderStack
{
  MsStack            parent_instance;

  MsLayer           *provider_layer;
  MsLayer           *transact_layer;
  MsProviderHandler *handler;
  MsProviderInfo    *provider_info;
  GCancellable      *cancellable;
};

G_DEFINE_FINAL_TYPE (MsProviderStack, ms_provider_stack, MS_TYPE_STACK)

enum {
  PROP_0,
  PROP_PROVIDER_INFO,
  PROP_HANDLER,
  N_PROPS
};

enum {
  REQUEST_INVOICE,
  REQUEST_PAY,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static MsProviderTransactNexus *
ready_transact_nexus (MsProviderStack *self)
{
  MsNexus *top = _ms_stack_get_top_nexus (MS_STACK (self));

  return top != NULL ? MS_PROVIDER_TRANSACT_NEXUS (top) : NULL;
}

typedef struct
{
  MsProviderStack   *self;
  MsProviderHandler *handler;  /* the one asked: the result's source may be another object */
  char              *request_uuid;
} Answer;

static Answer *
answer_new (MsProviderStack *self,
            const char      *request_uuid)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->self = g_object_ref (self);
  answer->handler = g_object_ref (self->handler);
  answer->request_uuid = g_strdup (request_uuid);
  return answer;
}

static void
answer_free (Answer *answer)
{
  g_object_unref (answer->self);
  g_object_unref (answer->handler);
  g_free (answer->request_uuid);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, answer_free)

/* Each answer goes to whatever connection is up when it is ready: a
 * consumer that reconnected in between still gets it by its reference. */
static void
invoice_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Answer) answer = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;

  bolt11 = ms_provider_handler_request_invoice_finish (answer->handler, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (bolt11 != NULL)
    ms_provider_stack_notify_invoice (answer->self, answer->request_uuid, bolt11);
  else
    ms_provider_stack_notify_error (answer->self, answer->request_uuid, error->message);
}

static void
pay_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Answer) answer = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *preimage = NULL;

  preimage = ms_provider_handler_request_pay_finish (answer->handler, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (preimage != NULL)
    ms_provider_stack_notify_preimage (answer->self, answer->request_uuid, preimage);
  else
    ms_provider_stack_notify_error (answer->self, answer->request_uuid, error->message);
}

static void
request_invoice_cb (MsProviderTransactNexus *nexus,
                    guint64                  msats,
                    const char              *request_uuid,
                    MsProviderStack         *self)
{
  g_signal_emit (self, signals[REQUEST_INVOICE], 0, msats, request_uuid);

  if (self->handler == NULL)
    {
      ms_provider_transact_nexus_notify_error (nexus, request_uuid,
                                               "this provider does not issue invoices");
      return;
    }

  ms_provider_handler_request_invoice_async (self->handler, self, msats, request_uuid,
                                             self->cancellable, invoice_done_cb,
                                             answer_new (self, request_uuid));
}

static void
request_pay_cb (MsProviderTransactNexus *nexus,
                const char              *bolt11,
                const char              *request_uuid,
                MsProviderStack         *self)
{
  g_signal_emit (self, signals[REQUEST_PAY], 0, bolt11, request_uuid);

  if (self->handler == NULL)
    {
      ms_provider_transact_nexus_notify_error (nexus, request_uuid,
                                               "this provider does not pay invoices");
      return;
    }

  ms_provider_handler_request_pay_async (self->handler, self, bolt11, request_uuid,
                                         self->cancellable, pay_done_cb,
                                         answer_new (self, request_uuid));
}

static void
provider_setup_cb (MsLayer  *layer,
                   MsNexus  *nexus,
                   gpointer  user_data)
{
  MsProviderStack *self = user_data;

  ms_provider_nexus_set_provider_info (MS_PROVIDER_NEXUS (nexus), self->provider_info);
}

static void
transact_setup_cb (MsLayer  *layer,
                   MsNexus  *nexus,
                   gpointer  user_data)
{
  MsProviderStack *self = user_data;

  g_signal_connect_object (nexus, "request-invoice", G_CALLBACK (request_invoice_cb), self, 0);
  g_signal_connect_object (nexus, "request-pay", G_CALLBACK (request_pay_cb), self, 0);
}

static void
ms_provider_stack_dispose (GObject *object)
{
  MsProviderStack *self = MS_PROVIDER_STACK (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (ms_provider_stack_parent_class)->dispose (object);

  g_clear_object (&self->provider_layer);
  g_clear_object (&self->transact_layer);
  g_clear_object (&self->handler);
  g_clear_object (&self->cancellable);
}

static void
ms_provider_stack_finalize (GObject *object)
{
  MsProviderStack *self = MS_PROVIDER_STACK (object);

  g_clear_pointer (&self->provider_info, ms_provider_info_unref);

  G_OBJECT_CLASS (ms_provider_stack_parent_class)->finalize (object);
}

static void
ms_provider_stack_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MsProviderStack *self = MS_PROVIDER_STACK (object);

  switch (prop_id)
    {
    case PROP_PROVIDER_INFO:
      g_value_set_boxed (value, self->provider_info);
      break;
    case PROP_HANDLER:
      g_value_set_object (value, self->handler);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_provider_stack_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MsProviderStack *self = MS_PROVIDER_STACK (object);

  switch (prop_id)
    {
    case PROP_PROVIDER_INFO:
      ms_provider_stack_set_provider_info (self, g_value_get_boxed (value));
      break;
    case PROP_HANDLER:
      ms_provider_stack_set_handler (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_provider_stack_class_init (MsProviderStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_provider_stack_dispose;
  object_class->finalize = ms_provider_stack_finalize;
  object_class->get_property = ms_provider_stack_get_property;
  object_class->set_property = ms_provider_stack_set_property;

  /* NULL until the provider is ready: consumers get NOTIFY_PROVIDER_NOT_READY. */
  properties[PROP_PROVIDER_INFO] =
    g_param_spec_boxed ("provider-info", NULL, NULL, MS_TYPE_PROVIDER_INFO,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HANDLER] =
    g_param_spec_object ("handler", NULL, NULL, MS_TYPE_PROVIDER_HANDLER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MsProviderStack::request-invoice:
   * @msats: the amount asked for
   * @request_uuid: the request
   *
   * A REQUEST_INVOICE arrived (the handler is asked right after).
   */
  signals[REQUEST_INVOICE] = g_signal_new ("request-invoice", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_STRING);
  /**
   * MsProviderStack::request-pay:
   * @bolt11: the invoice to pay
   * @request_uuid: the request
   */
  signals[REQUEST_PAY] = g_signal_new ("request-pay", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
ms_provider_stack_init (MsProviderStack *self)
{
  self->cancellable = g_cancellable_new ();

  self->provider_layer = ms_layer_new (MS_TYPE_PROVIDER_NEXUS, G_OBJECT (self));
  self->transact_layer = ms_layer_new (MS_TYPE_PROVIDER_TRANSACT_NEXUS, G_OBJECT (self));
  ms_layer_set_above (self->provider_layer, self->transact_layer);
  ms_layer_set_setup_func (self->provider_layer, provider_setup_cb, self);
  ms_layer_set_setup_func (self->transact_layer, transact_setup_cb, self);
  _ms_stack_set_layers (MS_STACK (self), self->provider_layer, self->transact_layer);
}

MsProviderStack *
ms_provider_stack_new (MsProviderHandler *handler)
{
  g_return_val_if_fail (handler == NULL || MS_IS_PROVIDER_HANDLER (handler), NULL);

  return g_object_new (MS_TYPE_PROVIDER_STACK, "handler", handler, NULL);
}

MsProviderHandler *
ms_provider_stack_get_handler (MsProviderStack *self)
{
  g_return_val_if_fail (MS_IS_PROVIDER_STACK (self), NULL);

  return self->handler;
}

void
ms_provider_stack_set_handler (MsProviderStack   *self,
                               MsProviderHandler *handler)
{
  g_return_if_fail (MS_IS_PROVIDER_STACK (self));
  g_return_if_fail (handler == NULL || MS_IS_PROVIDER_HANDLER (handler));

  if (g_set_object (&self->handler, handler))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDLER]);
}

MsProviderInfo *
ms_provider_stack_get_provider_info (MsProviderStack *self)
{
  g_return_val_if_fail (MS_IS_PROVIDER_STACK (self), NULL);

  return self->provider_info;
}

/*
 * Sets the provider info consumers see. A consumer waiting in NOT_READY is
 * released; a connected one gets an unsolicited NOTIFY_PROVIDER when it
 * changed (a balance change, PROTOCOL.md 11.4).
 */
void
ms_provider_stack_set_provider_info (MsProviderStack *self,
                                     MsProviderInfo  *info)
{
  GListModel *nexuses;

  g_return_if_fail (MS_IS_PROVIDER_STACK (self));

  if (ms_provider_info_equal (self->provider_info, info))
    return;

  if (info != NULL)
    ms_provider_info_ref (info);
  g_clear_pointer (&self->provider_info, ms_provider_info_unref);
  self->provider_info = info;

  nexuses = ms_layer_get_nexuses (self->provider_layer);
  for (guint i = 0; i < g_list_model_get_n_items (nexuses); i++)
    {
      g_autoptr(MsProviderNexus) nexus = g_list_model_get_item (nexuses, i);

      ms_provider_nexus_set_provider_info (nexus, info);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER_INFO]);
}

/* These send on the current connection; FALSE when there is none ready. */
gboolean
ms_provider_stack_notify_invoice (MsProviderStack *self,
                                  const char      *request_reference_uuid,
                                  const char      *bolt11)
{
  MsProviderTransactNexus *nexus;

  g_return_val_if_fail (MS_IS_PROVIDER_STACK (self), FALSE);
  g_return_val_if_fail (bolt11 != NULL, FALSE);

  if ((nexus = ready_transact_nexus (self)) == NULL)
    return FALSE;

  ms_provider_transact_nexus_notify_invoice (nexus, request_reference_uuid, bolt11);
  return TRUE;
}

gboolean
ms_provider_stack_notify_preimage (MsProviderStack *self,
                                   const char      *request_reference_uuid,
                                   const char      *preimage)
{
  MsProviderTransactNexus *nexus;

  g_return_val_if_fail (MS_IS_PROVIDER_STACK (self), FALSE);
  g_return_val_if_fail (preimage != NULL, FALSE);

  if ((nexus = ready_transact_nexus (self)) == NULL)
    return FALSE;

  ms_provider_transact_nexus_notify_preimage (nexus, request_reference_uuid, preimage);
  return TRUE;
}

gboolean
ms_provider_stack_notify_error (MsProviderStack *self,
                                const char      *request_reference_uuid,
                                const char      *error_msg)
{
  MsProviderTransactNexus *nexus;

  g_return_val_if_fail (MS_IS_PROVIDER_STACK (self), FALSE);
  g_return_val_if_fail (error_msg != NULL, FALSE);

  if ((nexus = ready_transact_nexus (self)) == NULL)
    return FALSE;

  ms_provider_transact_nexus_notify_error (nexus, request_reference_uuid, error_msg);
  return TRUE;
}
