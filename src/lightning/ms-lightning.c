/* ms-lightning.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-lightning.h"

G_DEFINE_INTERFACE (MsLightning, ms_lightning, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (MsLnNodeInfo, ms_ln_node_info, ms_ln_node_info_copy, ms_ln_node_info_free)
G_DEFINE_BOXED_TYPE (MsLnInvoice, ms_ln_invoice, ms_ln_invoice_copy, ms_ln_invoice_free)
G_DEFINE_BOXED_TYPE (MsLnPayment, ms_ln_payment, ms_ln_payment_copy, ms_ln_payment_free)
G_DEFINE_BOXED_TYPE (MsLnSettlement, ms_ln_settlement, ms_ln_settlement_copy,
                     ms_ln_settlement_free)

static void
ms_lightning_default_init (MsLightningInterface *iface)
{
  /**
   * MsLightning::invoice-settled:
   * @settlement: a paid invoice
   */
  g_signal_new ("invoice-settled", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 1, MS_TYPE_LN_SETTLEMENT);
  /**
   * MsLightning::connection-changed:
   * @online: whether the node answers
   * @error: (nullable): why it does not
   */
  g_signal_new ("connection-changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

void
ms_lightning_get_info_async (MsLightning         *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (MS_IS_LIGHTNING (self));

  MS_LIGHTNING_GET_IFACE (self)->get_info_async (self, cancellable, callback, user_data);
}

MsLnNodeInfo *
ms_lightning_get_info_finish (MsLightning   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (MS_IS_LIGHTNING (self), NULL);

  return MS_LIGHTNING_GET_IFACE (self)->get_info_finish (self, result, error);
}

/*
 * @preimage (32 bytes) may be NULL for the node to choose one; the terminus
 * passes its own so that it can settle payments between its accounts.
 */
void
ms_lightning_create_invoice_async (MsLightning         *self,
                                   guint64              amount_msat,
                                   const char          *description,
                                   guint                expiry_s,
                                   const guint8        *preimage,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (MS_IS_LIGHTNING (self));
  g_return_if_fail (amount_msat > 0);

  MS_LIGHTNING_GET_IFACE (self)->create_invoice_async (self, amount_msat,
                                                       description != NULL ? description : "",
                                                       expiry_s, preimage, cancellable,
                                                       callback, user_data);
}

MsLnInvoice *
ms_lightning_create_invoice_finish (MsLightning   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (MS_IS_LIGHTNING (self), NULL);

  return MS_LIGHTNING_GET_IFACE (self)->create_invoice_finish (self, result, error);
}

/* @amount_msat only for invoices without an amount (0 otherwise). */
void
ms_lightning_pay_async (MsLightning         *self,
                        const char          *bolt11,
                        guint64              amount_msat,
                        guint64              max_fee_msat,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (MS_IS_LIGHTNING (self));
  g_return_if_fail (bolt11 != NULL);

  MS_LIGHTNING_GET_IFACE (self)->pay_async (self, bolt11, amount_msat, max_fee_msat, cancellable,
                                            callback, user_data);
}

MsLnPayment *
ms_lightning_pay_finish (MsLightning   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (MS_IS_LIGHTNING (self), NULL);

  return MS_LIGHTNING_GET_IFACE (self)->pay_finish (self, result, error);
}

void
ms_lightning_lookup_payment_async (MsLightning         *self,
                                   const guint8        *payment_hash,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (MS_IS_LIGHTNING (self));
  g_return_if_fail (payment_hash != NULL);

  MS_LIGHTNING_GET_IFACE (self)->lookup_payment_async (self, payment_hash, cancellable, callback,
                                                       user_data);
}

MsLnPayment *
ms_lightning_lookup_payment_finish (MsLightning   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (MS_IS_LIGHTNING (self), NULL);

  return MS_LIGHTNING_GET_IFACE (self)->lookup_payment_finish (self, result, error);
}

/* Best effort: an invoice settled inside the terminus must not be paid on the node too. */
void
ms_lightning_cancel_invoice_async (MsLightning         *self,
                                   const guint8        *payment_hash,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (MS_IS_LIGHTNING (self));
  g_return_if_fail (payment_hash != NULL);

  MS_LIGHTNING_GET_IFACE (self)->cancel_invoice_async (self, payment_hash, cancellable, callback,
                                                       user_data);
}

gboolean
ms_lightning_cancel_invoice_finish (MsLightning   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (MS_IS_LIGHTNING (self), FALSE);

  return MS_LIGHTNING_GET_IFACE (self)->cancel_invoice_finish (self, result, error);
}

/* Starts (or restarts) "invoice-settled" for settlements after @after_index. */
void
ms_lightning_watch_settlements (MsLightning *self,
                                guint64      after_index)
{
  g_return_if_fail (MS_IS_LIGHTNING (self));

  MS_LIGHTNING_GET_IFACE (self)->watch_settlements (self, after_index);
}

/* Stops watching and retrying; pending calls fail with G_IO_ERROR_CANCELLED. */
void
ms_lightning_stop (MsLightning *self)
{
  g_return_if_fail (MS_IS_LIGHTNING (self));

  MS_LIGHTNING_GET_IFACE (self)->stop (self);
}

MsLnNodeInfo *
ms_ln_node_info_copy (const MsLnNodeInfo *info)
{
  MsLnNodeInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->alias = g_strdup (info->alias);
  copy->node_id = g_strdup (info->node_id);
  copy->network = g_strdup (info->network);
  copy->version = g_strdup (info->version);
  return copy;
}

void
ms_ln_node_info_free (MsLnNodeInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->alias);
  g_free (info->node_id);
  g_free (info->network);
  g_free (info->version);
  g_free (info);
}

MsLnInvoice *
ms_ln_invoice_copy (const MsLnInvoice *invoice)
{
  MsLnInvoice *copy;

  g_return_val_if_fail (invoice != NULL, NULL);

  copy = g_memdup2 (invoice, sizeof *invoice);
  copy->bolt11 = g_strdup (invoice->bolt11);
  return copy;
}

void
ms_ln_invoice_free (MsLnInvoice *invoice)
{
  if (invoice == NULL)
    return;

  g_free (invoice->bolt11);
  g_free (invoice);
}

MsLnPayment *
ms_ln_payment_copy (const MsLnPayment *payment)
{
  g_return_val_if_fail (payment != NULL, NULL);

  return g_memdup2 (payment, sizeof *payment);
}

void
ms_ln_payment_free (MsLnPayment *payment)
{
  g_free (payment);
}

MsLnSettlement *
ms_ln_settlement_copy (const MsLnSettlement *settlement)
{
  MsLnSettlement *copy;

  g_return_val_if_fail (settlement != NULL, NULL);

  copy = g_memdup2 (settlement, sizeof *settlement);
  copy->label = g_strdup (settlement->label);
  return copy;
}

void
ms_ln_settlement_free (MsLnSettlement *settlement)
{
  if (settlement == NULL)
    return;

  g_free (settlement->label);
  g_free (settlement);
}
