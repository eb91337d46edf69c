/* test-node.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "ms-error.h"
#include "test-node.h"

typedef struct
{
  guint8   preimage[32];
  guint8   hash[32];
  char    *bolt11;
  guint64  amount_msat;
  gboolean ours;
  gboolean paid;
  gboolean cancelled;
} Invoice;

typedef struct
{
  guint8  hash[32];
  guint8  preimage[32];
  guint64 amount_msat;
  guint64 fee_msat;
} Payment;

struct _TestNode
{
  GObject          parent_instance;

  GPtrArray       *invoices;
  GPtrArray       *payments;   /* what left the node */
  GPtrArray       *settled;    /* Invoice *, in settle order */
  guint64          spendable_msat;
  guint64          fee_msat;
  guint            pay_delay_ms;
  TestNodePayMode  mode;
  gboolean         online;
  gboolean         watching;
  guint64          watch_after;
};

static void lightning_iface_init (MsLightningInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestNode, test_node, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MS_TYPE_LIGHTNING, lightning_iface_init))

static const char node_key[] = "e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734";
static const char foreign_key[] = "1111111111111111111111111111111111111111111111111111111111111111";

static void
invoice_free (gpointer data)
{
  Invoice *invoice = data;

  g_free (invoice->bolt11);
  g_free (invoice);
}

static void
test_node_finalize (GObject *object)
{
  TestNode *self = TEST_NODE (object);

  g_ptr_array_unref (self->invoices);
  g_ptr_array_unref (self->payments);
  g_ptr_array_unref (self->settled);

  G_OBJECT_CLASS (test_node_parent_class)->finalize (object);
}

static void
test_node_class_init (TestNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_node_finalize;
}

static void
test_node_init (TestNode *self)
{
  self->invoices = g_ptr_array_new_with_free_func (invoice_free);
  self->payments = g_ptr_array_new_with_free_func (g_free);
  self->settled = g_ptr_array_new ();
  self->online = TRUE;
}

TestNode *
test_node_new (guint64 spendable_msat)
{
  TestNode *self = g_object_new (TEST_TYPE_NODE, NULL);

  self->spendable_msat = spendable_msat;
  return self;
}

static Invoice *
find_invoice (TestNode     *self,
              const guint8 *hash)
{
  for (guint i = 0; i < self->invoices->len; i++)
    {
      Invoice *invoice = g_ptr_array_index (self->invoices, i);

      if (memcmp (invoice->hash, hash, 32) == 0)
        return invoice;
    }
  return NULL;
}

static Invoice *
make_invoice (TestNode     *self,
              const char   *key_hex,
              const char   *currency,
              guint64       amount_msat,
              gint64        expiry_s,
              const guint8 *preimage)
{
  Invoice *invoice = g_new0 (Invoice, 1);
  MsBolt11Params params = { 0 };
  guint8 key[32], secret[32];
  g_autoptr(GError) error = NULL;

  if (preimage != NULL)
    memcpy (invoice->preimage, preimage, 32);
  else
    ms_random_key_bytes (invoice->preimage, 32);
  ms_sha256 (invoice->preimage, 32, invoice->hash);
  ms_random_bytes (secret, sizeof secret);
  ms_hex_decode_into (key_hex, 64, key, sizeof key, NULL);

  params.currency = currency;
  params.has_amount = amount_msat > 0;
  params.amount_msat = amount_msat;
  params.timestamp = g_get_real_time () / G_USEC_PER_SEC;
  params.payment_hash = invoice->hash;
  params.payment_secret = secret;
  params.description = "test node";
  params.expiry = (guint64) MAX (expiry_s, 1);
  invoice->bolt11 = ms_bolt11_encode (&params, key, &error);
  g_assert_no_error (error);
  invoice->amount_msat = amount_msat;
  g_ptr_array_add (self->invoices, invoice);

  return invoice;
}

static gboolean
offline_error (TestNode  *self,
               GTask     *task)
{
  if (self->online)
    return FALSE;

  g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                           "test node is offline");
  return TRUE;
}

static void
get_info_async (MsLightning         *lightning,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  TestNode *self = TEST_NODE (lightning);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  MsLnNodeInfo *info;

  if (offline_error (self, task))
    return;

  info = g_new0 (MsLnNodeInfo, 1);
  info->alias = g_strdup ("test node");
  info->node_id = g_strdup ("03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad");
  info->network = g_strdup ("regtest");
  info->spendable_msat = self->spendable_msat;
  info->receivable_msat = G_GUINT64_CONSTANT (1) << 40;
  info->version = g_strdup ("test");
  g_task_return_pointer (task, info, (GDestroyNotify) ms_ln_node_info_free);
}

static gpointer
finish_pointer (MsLightning   *lightning,
                GAsyncResult  *result,
                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
create_invoice_async (MsLightning         *lightning,
                      guint64              amount_msat,
                      const char          *description,
                      guint                expiry_s,
                      const guint8        *preimage,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  TestNode *self = TEST_NODE (lightning);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Invoice *invoice;
  MsLnInvoice *result;

  if (offline_error (self, task))
    return;

  invoice = make_invoice (self, node_key, "bcrt", amount_msat, expiry_s, preimage);
  invoice->ours = TRUE;
  result = g_new0 (MsLnInvoice, 1);
  result->bolt11 = g_strdup (invoice->bolt11);
  memcpy (result->payment_hash, invoice->hash, 32);
  result->expires_at = g_get_real_time () / G_USEC_PER_SEC + expiry_s;
  g_task_return_pointer (task, result, (GDestroyNotify) ms_ln_invoice_free);
}

static gboolean
emit_settled_cb (gpointer user_data)
{
  TestNode *self = user_data;

  if (self->watching)
    for (guint i = self->watch_after; i < self->settled->len; i++)
      {
        Invoice *invoice = g_ptr_array_index (self->settled, i);
        MsLnSettlement settlement = { 0 };

        memcpy (settlement.payment_hash, invoice->hash, 32);
        memcpy (settlement.preimage, invoice->preimage, 32);
        settlement.amount_received_msat = invoice->amount_msat;
        settlement.settle_index = i + 1;
        self->watch_after = i + 1;
        g_signal_emit_by_name (self, "invoice-settled", &settlement);
      }

  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
settle (TestNode *self,
        Invoice  *invoice)
{
  invoice->paid = TRUE;
  g_ptr_array_add (self->settled, invoice);
  g_idle_add (emit_settled_cb, g_object_ref (self));
}

typedef struct
{
  TestNode *self;
  GTask    *task;
  Invoice  *invoice;
} PayJob;

static gboolean
pay_done_cb (gpointer user_data)
{
  PayJob *job = user_data;
  TestNode *self = job->self;
  Invoice *invoice = job->invoice;
  gboolean already = FALSE;

  for (guint i = 0; i < self->payments->len; i++)
    if (memcmp (((Payment *) g_ptr_array_index (self->payments, i))->hash, invoice->hash, 32) == 0)
      already = TRUE;

  if (self->mode == TEST_NODE_PAY_FAIL || self->mode == TEST_NODE_PAY_LOST_UNSENT)
    {
      if (self->mode == TEST_NODE_PAY_FAIL)
        g_task_return_new_error (job->task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PAYMENT_FAILED,
                                 "no route");
      else
        g_task_return_new_error (job->task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                                 "connection lost");
    }
  else
    {
      MsLnPayment *result = g_new0 (MsLnPayment, 1);

      /* "Already paid" completes with the first payment, never a second one. */
      if (!already)
        {
          Payment *payment = g_new0 (Payment, 1);

          memcpy (payment->hash, invoice->hash, 32);
          memcpy (payment->preimage, invoice->preimage, 32);
          payment->amount_msat = invoice->amount_msat;
          payment->fee_msat = invoice->ours ? 0 : self->fee_msat;
          g_ptr_array_add (self->payments, payment);
          if (invoice->ours && !invoice->paid)
            settle (self, invoice);
        }

      if (self->mode == TEST_NODE_PAY_LOST)
        {
          g_free (result);
          g_task_return_new_error (job->task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                                   "connection lost");
        }
      else
        {
          result->status = MS_LN_PAYMENT_SUCCEEDED;
          memcpy (result->payment_hash, invoice->hash, 32);
          memcpy (result->preimage, invoice->preimage, 32);
          result->amount_msat = invoice->amount_msat;
          result->fee_msat = invoice->ours ? 0 : self->fee_msat;
          g_task_return_pointer (job->task, result, (GDestroyNotify) ms_ln_payment_free);
        }
    }

  g_object_unref (job->task);
  g_object_unref (job->self);
  g_free (job);
  return G_SOURCE_REMOVE;
}

static void
pay_async (MsLightning         *lightning,
           const char          *bolt11,
           guint64              amount_msat,
           guint64              max_fee_msat,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  TestNode *self = TEST_NODE (lightning);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(MsBolt11) decoded = ms_bolt11_decode (bolt11, strlen (bolt11), 0, NULL);
  Invoice *invoice;
  PayJob *job;

  if (offline_error (self, task))
    return;

  if (decoded == NULL || (invoice = find_invoice (self, ms_bolt11_get_payment_hash (decoded))) == NULL)
    {
      g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PAYMENT_FAILED,
                               "unknown destination");
      return;
    }

  g_assert_cmpuint (max_fee_msat, >=, invoice->ours ? 0 : self->fee_msat);

  job = g_new0 (PayJob, 1);
  job->self = g_object_ref (self);
  job->task = g_steal_pointer (&task);
  job->invoice = invoice;
  g_timeout_add (self->pay_delay_ms, pay_done_cb, job);
}

static void
lookup_payment_async (MsLightning         *lightning,
                      const guint8        *payment_hash,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  TestNode *self = TEST_NODE (lightning);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  MsLnPayment *result;

  if (offline_error (self, task))
    return;

  result = g_new0 (MsLnPayment, 1);
  result->status = MS_LN_PAYMENT_UNKNOWN;
  memcpy (result->payment_hash, payment_hash, 32);
  for (guint i = 0; i < self->payments->len; i++)
    {
      Payment *payment = g_ptr_array_index (self->payments, i);

      if (memcmp (payment->hash, payment_hash, 32) == 0)
        {
          result->status = MS_LN_PAYMENT_SUCCEEDED;
          memcpy (result->preimage, payment->preimage, 32);
          result->amount_msat = payment->amount_msat;
          result->fee_msat = payment->fee_msat;
        }
    }
  g_task_return_pointer (task, result, (GDestroyNotify) ms_ln_payment_free);
}

static void
cancel_invoice_async (MsLightning         *lightning,
                      const guint8        *payment_hash,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  TestNode *self = TEST_NODE (lightning);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Invoice *invoice = find_invoice (self, payment_hash);

  if (invoice != NULL && !invoice->paid)
    invoice->cancelled = TRUE;
  g_task_return_boolean (task, invoice != NULL && invoice->cancelled);
}

static gboolean
cancel_invoice_finish (MsLightning   *lightning,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
watch_settlements (MsLightning *lightning,
                   guint64      after_index)
{
  TestNode *self = TEST_NODE (lightning);

  self->watching = TRUE;
  self->watch_after = after_index;
  g_idle_add (emit_settled_cb, g_object_ref (self));
}

static void
stop (MsLightning *lightning)
{
  TEST_NODE (lightning)->watching = FALSE;
}

static void
lightning_iface_init (MsLightningInterface *iface)
{
  iface->get_info_async = get_info_async;
  iface->get_info_finish = (gpointer) finish_pointer;
  iface->create_invoice_async = create_invoice_async;
  iface->create_invoice_finish = (gpointer) finish_pointer;
  iface->pay_async = pay_async;
  iface->pay_finish = (gpointer) finish_pointer;
  iface->lookup_payment_async = lookup_payment_async;
  iface->lookup_payment_finish = (gpointer) finish_pointer;
  iface->cancel_invoice_async = cancel_invoice_async;
  iface->cancel_invoice_finish = cancel_invoice_finish;
  iface->watch_settlements = watch_settlements;
  iface->stop = stop;
}

void
test_node_set_pay_mode (TestNode        *self,
                        TestNodePayMode  mode)
{
  self->mode = mode;
}

void
test_node_set_fee (TestNode *self,
                   guint64   fee_msat)
{
  self->fee_msat = fee_msat;
}

void
test_node_set_pay_delay (TestNode *self,
                         guint     delay_ms)
{
  self->pay_delay_ms = delay_ms;
}

void
test_node_set_spendable (TestNode *self,
                         guint64   spendable_msat)
{
  self->spendable_msat = spendable_msat;
}

void
test_node_set_online (TestNode *self,
                      gboolean  online)
{
  self->online = online;
}

/* An invoice of another node that this node knows how to pay. */
char *
test_node_foreign_invoice (TestNode   *self,
                           guint64     amount_msat,
                           const char *currency,
                           gint64      expiry_s)
{
  return g_strdup (make_invoice (self, foreign_key, currency, amount_msat, expiry_s, NULL)->bolt11);
}

/* Someone outside pays one of our invoices. */
gboolean
test_node_settle_externally (TestNode   *self,
                             const char *bolt11)
{
  g_autoptr(MsBolt11) decoded = ms_bolt11_decode (bolt11, strlen (bolt11), 0, NULL);
  Invoice *invoice = decoded != NULL ? find_invoice (self, ms_bolt11_get_payment_hash (decoded))
                                     : NULL;

  if (invoice == NULL || invoice->paid || invoice->cancelled)
    return FALSE;
  settle (self, invoice);
  return TRUE;
}

guint
test_node_get_n_payments (TestNode *self)
{
  return self->payments->len;
}

guint64
test_node_get_paid_out_msat (TestNode *self)
{
  guint64 total = 0;

  for (guint i = 0; i < self->payments->len; i++)
    {
      Payment *payment = g_ptr_array_index (self->payments, i);

      total += payment->amount_msat + payment->fee_msat;
    }
  return total;
}

guint
test_node_count_payments_of (TestNode   *self,
                             const char *payment_hash_hex)
{
  guint8 hash[32];
  guint n = 0;

  ms_hex_decode_into (payment_hash_hex, 64, hash, sizeof hash, NULL);
  for (guint i = 0; i < self->payments->len; i++)
    if (memcmp (((Payment *) g_ptr_array_index (self->payments, i))->hash, hash, 32) == 0)
      n++;
  return n;
}
