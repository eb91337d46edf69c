/* ms-lightning.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * One Lightning node, whatever is behind it: Core Lightning over its
 * JSON-RPC socket or CLNRest, LND REST, or the embedded demo ledger. Every
 * call is asynchronous; every failure is an MS_LIGHTNING_ERROR (ms-error.h).
 * Secrets (runes, macaroons, keys) are given at construction and never
 * logged.
 */

#define MS_TYPE_LIGHTNING          (ms_lightning_get_type ())
#define MS_TYPE_LN_NODE_INFO       (ms_ln_node_info_get_type ())
#define MS_TYPE_LN_INVOICE         (ms_ln_invoice_get_type ())
#define MS_TYPE_LN_PAYMENT         (ms_ln_payment_get_type ())
#define MS_TYPE_LN_SETTLEMENT      (ms_ln_settlement_get_type ())

#define MS_LN_HASH_LEN 32

G_DECLARE_INTERFACE (MsLightning, ms_lightning, MS, LIGHTNING, GObject)

/**
 * MsLnNodeInfo:
 * @alias: the node's alias (may be empty)
 * @node_id: 66 hex digits
 * @network: "bitcoin", "testnet", "signet" or "regtest"
 * @spendable_msat: what the node can send now (sum over usable channels)
 * @receivable_msat: what it can receive now
 * @block_height: its view of the chain tip (0 if unknown)
 * @version: the node software's version string
 * @is_demo: TRUE for the embedded demo ledger, which holds no real funds
 */
typedef struct
{
  char    *alias;
  char    *node_id;
  char    *network;
  guint64  spendable_msat;
  guint64  receivable_msat;
  guint32  block_height;
  char    *version;
  gboolean is_demo;
} MsLnNodeInfo;

/**
 * MsLnInvoice:
 * @bolt11: the invoice
 * @payment_hash: its payment hash
 * @expires_at: UNIX time after which it can no longer be paid
 */
typedef struct
{
  char   *bolt11;
  guint8  payment_hash[MS_LN_HASH_LEN];
  gint64  expires_at;
} MsLnInvoice;

/**
 * MsLnPaymentStatus:
 * @MS_LN_PAYMENT_PENDING: in flight: the money may still move either way
 * @MS_LN_PAYMENT_SUCCEEDED: paid; the preimage is known
 * @MS_LN_PAYMENT_FAILED: definitely not paid; nothing left the node
 * @MS_LN_PAYMENT_UNKNOWN: the node never heard of this payment
 */
typedef enum
{
  MS_LN_PAYMENT_PENDING,
  MS_LN_PAYMENT_SUCCEEDED,
  MS_LN_PAYMENT_FAILED,
  MS_LN_PAYMENT_UNKNOWN,
} MsLnPaymentStatus;

/**
 * MsLnPayment:
 * @status: where the payment stands
 * @payment_hash: the invoice's payment hash
 * @preimage: the preimage, when @status is SUCCEEDED
 * @amount_msat: what the payee received (the invoice amount), when known
 * @fee_msat: routing fees paid on top, when known
 */
typedef struct
{
  MsLnPaymentStatus status;
  guint8            payment_hash[MS_LN_HASH_LEN];
  guint8            preimage[MS_LN_HASH_LEN];
  guint64           amount_msat;
  guint64           fee_msat;
} MsLnPayment;

/**
 * MsLnSettlement:
 * @payment_hash: the invoice that was paid
 * @preimage: its preimage
 * @amount_received_msat: what the node received (may exceed the invoice amount)
 * @settle_index: the node's running index of settlements, to resume from after a restart
 * @label: the backend's label of the invoice (CLN label, LND memo), or NULL
 */
typedef struct
{
  guint8   payment_hash[MS_LN_HASH_LEN];
  guint8   preimage[MS_LN_HASH_LEN];
  guint64  amount_received_msat;
  guint64  settle_index;
  char    *label;
} MsLnSettlement;

/*
 * Signals every implementation emits:
 *
 *   "invoice-settled" (MsLnSettlement *settlement): after
 *     ms_lightning_watch_settlements(), once per paid invoice, in the node's
 *     settle order, including those paid while we were away.
 *   "connection-changed" (gboolean online, const char *error): the node became
 *     reachable, or stopped being so (@error says why). Backends retry with
 *     backoff by themselves while it is down.
 *
 * Payments: pay_async() completes with status SUCCEEDED, or fails with
 * MS_LIGHTNING_ERROR_PAYMENT_FAILED when nothing left the node. Any other
 * error leaves the outcome unknown: ask lookup_payment_async() later. Paying
 * an invoice this node already paid completes as SUCCEEDED with the first
 * payment's preimage, never as a second payment.
 */
struct _MsLightningInterface
{
  GTypeInterface parent_iface;

  void            (*get_info_async)        (MsLightning          *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  MsLnNodeInfo   *(*get_info_finish)       (MsLightning          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

  void            (*create_invoice_async)  (MsLightning          *self,
                                            guint64               amount_msat,
                                            const char           *description,
                                            guint                 expiry_s,
                                            const guint8         *preimage,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  MsLnInvoice    *(*create_invoice_finish) (MsLightning          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

  void            (*pay_async)             (MsLightning          *self,
                                            const char           *bolt11,
                                            guint64               amount_msat,
                                            guint64               max_fee_msat,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  MsLnPayment    *(*pay_finish)            (MsLightning          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

  void            (*lookup_payment_async)  (MsLightning          *self,
                                            const guint8         *payment_hash,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  MsLnPayment    *(*lookup_payment_finish) (MsLightning          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

  void            (*cancel_invoice_async)  (MsLightning          *self,
                                            const guint8         *payment_hash,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  gboolean        (*cancel_invoice_finish) (MsLightning          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

  void            (*watch_settlements)     (MsLightning          *self,
                                            guint64               after_index);
  void            (*stop)                  (MsLightning          *self);
};


void            ms_lightning_get_info_async          (MsLightning          *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
MsLnNodeInfo   *ms_lightning_get_info_finish         (MsLightning          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void            ms_lightning_create_invoice_async    (MsLightning          *self,
                                                      guint64               amount_msat,
                                                      const char           *description,
                                                      guint                 expiry_s,
                                                      const guint8         *preimage,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
MsLnInvoice    *ms_lightning_create_invoice_finish   (MsLightning          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void            ms_lightning_pay_async               (MsLightning          *self,
                                                      const char           *bolt11,
                                                      guint64               amount_msat,
                                                      guint64               max_fee_msat,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
MsLnPayment    *ms_lightning_pay_finish              (MsLightning          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void            ms_lightning_lookup_payment_async    (MsLightning          *self,
                                                      const guint8         *payment_hash,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
MsLnPayment    *ms_lightning_lookup_payment_finish   (MsLightning          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void            ms_lightning_cancel_invoice_async    (MsLightning          *self,
                                                      const guint8         *payment_hash,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean        ms_lightning_cancel_invoice_finish   (MsLightning          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
void            ms_lightning_watch_settlements       (MsLightning          *self,
                                                      guint64               after_index);
void            ms_lightning_stop                    (MsLightning          *self);

GType           ms_ln_node_info_get_type             (void) G_GNUC_CONST;
MsLnNodeInfo   *ms_ln_node_info_copy                 (const MsLnNodeInfo   *info);
void            ms_ln_node_info_free                 (MsLnNodeInfo         *info);
GType           ms_ln_invoice_get_type               (void) G_GNUC_CONST;
MsLnInvoice    *ms_ln_invoice_copy                   (const MsLnInvoice    *invoice);
void            ms_ln_invoice_free                   (MsLnInvoice          *invoice);
GType           ms_ln_payment_get_type               (void) G_GNUC_CONST;
MsLnPayment    *ms_ln_payment_copy                   (const MsLnPayment    *payment);
void            ms_ln_payment_free                   (MsLnPayment          *payment);
GType           ms_ln_settlement_get_type            (void) G_GNUC_CONST;
MsLnSettlement *ms_ln_settlement_copy                (const MsLnSettlement *settlement);
void            ms_ln_settlement_free                (MsLnSettlement       *settlement);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsLnNodeInfo, ms_ln_node_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsLnInvoice, ms_ln_invoice_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsLnPayment, ms_ln_payment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsLnSettlement, ms_ln_settlement_free)

G_END_DECLS
