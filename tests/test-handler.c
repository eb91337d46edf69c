/* test-handler.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "test-handler.h"

struct _TestHandler
{
  GObject parent_instance;
  char   *bolt11;
  guint   pay_delay_ms;
  guint   n_invoices;
  guint   n_payments;
};

static void provider_handler_iface_init (MsProviderHandlerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestHandler, test_handler, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MS_TYPE_PROVIDER_HANDLER,
                                                      provider_handler_iface_init))

static void
request_invoice_async (MsProviderHandler   *handler,
                       MsProviderStack     *stack,
                       guint64              msats,
                       const char          *request_uuid,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  TestHandler *self = TEST_HANDLER (handler);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  self->n_invoices++;
  if (msats == TEST_HANDLER_FAIL_MSATS)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "no invoice for %u msat",
                             TEST_HANDLER_FAIL_MSATS);
  else
    g_task_return_pointer (task, g_strdup (self->bolt11), g_free);
}

static char *
finish_string (MsProviderHandler  *handler,
               GAsyncResult       *result,
               GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
pay_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  const char *bolt11 = g_task_get_task_data (task);

  if (g_str_equal (bolt11, TEST_HANDLER_FAIL_BOLT11))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, TEST_HANDLER_FAIL_TEXT);
  else
    g_task_return_pointer (task, g_strdup (TEST_HANDLER_PREIMAGE), g_free);

  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* Pays asynchronously, like a real node: pings keep being answered meanwhile. */
static void
request_pay_async (MsProviderHandler   *handler,
                   MsProviderStack     *stack,
                   const char          *bolt11,
                   const char          *request_uuid,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  TestHandler *self = TEST_HANDLER (handler);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  self->n_payments++;
  g_task_set_task_data (task, g_strdup (bolt11), g_free);
  g_timeout_add (self->pay_delay_ms, pay_done_cb, task);
}

static void
provider_handler_iface_init (MsProviderHandlerInterface *iface)
{
  iface->request_invoice_async = request_invoice_async;
  iface->request_invoice_finish = finish_string;
  iface->request_pay_async = request_pay_async;
  iface->request_pay_finish = finish_string;
}

static void
test_handler_finalize (GObject *object)
{
  g_free (TEST_HANDLER (object)->bolt11);

  G_OBJECT_CLASS (test_handler_parent_class)->finalize (object);
}

static void
test_handler_class_init (TestHandlerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_handler_finalize;
}

/*
 * A real signed invoice (the BOLT #11 examples' key) whose payment hash is
 * SHA-256 of TEST_HANDLER_PREIMAGE, so a preimage can be matched to it.
 */
static void
test_handler_init (TestHandler *self)
{
  static const char privkey_hex[] =
    "e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734";
  guint8 privkey[32], preimage[32], payment_hash[32], secret[32];
  MsBolt11Params params = { 0 };
  g_autoptr(GError) error = NULL;

  ms_hex_decode_into (privkey_hex, 64, privkey, sizeof privkey, NULL);
  ms_hex_decode_into (TEST_HANDLER_PREIMAGE, 64, preimage, sizeof preimage, NULL);
  ms_sha256 (preimage, sizeof preimage, payment_hash);
  memset (secret, 0x11, sizeof secret);

  params.currency = "bc";
  params.has_amount = TRUE;
  params.amount_msat = 250000000;
  params.timestamp = 1700000000;
  params.payment_hash = payment_hash;
  params.payment_secret = secret;
  params.description = "test handler";
  self->bolt11 = ms_bolt11_encode (&params, privkey, &error);
  g_assert_no_error (error);
}

const char *
test_handler_get_bolt11 (TestHandler *self)
{
  return self->bolt11;
}

TestHandler *
test_handler_new (void)
{
  return g_object_new (TEST_TYPE_HANDLER, NULL);
}

void
test_handler_set_pay_delay (TestHandler *self,
                            guint        delay_ms)
{
  self->pay_delay_ms = delay_ms;
}

guint
test_handler_get_n_invoices (TestHandler *self)
{
  return self->n_invoices;
}

guint
test_handler_get_n_payments (TestHandler *self)
{
  return self->n_payments;
}
