/* ms-account-store.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Where every millisatoshi of every account is written down: one SQLite
 * file (WAL, synchronous=FULL, mode 0600). Each operation is one
 * transaction that moves money and writes its receipt together, so a crash
 * at any instant neither loses nor duplicates an amount. Operations run in
 * order on one worker thread; their results come back on the caller's main
 * context.
 */

#define MS_TYPE_ACCOUNT_STORE (ms_account_store_get_type ())

G_DECLARE_FINAL_TYPE (MsAccountStore, ms_account_store, MS, ACCOUNT_STORE, GObject)

typedef struct
{
  gint64   id;
  char    *uuid;
  char    *name;
  guint64  balance_msat;    /* spendable now */
  guint64  reserved_msat;   /* held for payments in flight */
  guint64  cap_msat;        /* 0 = no cap */
  gboolean may_pay;
  gboolean may_receive;
  gint64   created_at;      /* UNIX seconds */
} MsAccountRecord;

/* What `set` changes on an account; members whose flag is not set are kept. */
typedef enum
{
  MS_ACCOUNT_CHANGE_NAME        = 1 << 0,
  MS_ACCOUNT_CHANGE_CAP         = 1 << 1,
  MS_ACCOUNT_CHANGE_MAY_PAY     = 1 << 2,
  MS_ACCOUNT_CHANGE_MAY_RECEIVE = 1 << 3,
} MsAccountChangeFlags;

typedef struct
{
  MsAccountChangeFlags what;
  const char          *name;
  guint64              cap_msat;      /* 0 = no cap */
  gboolean             may_pay;
  gboolean             may_receive;
} MsAccountChanges;

typedef struct
{
  gint64   id;
  gint64   account_id;
  gint64   session_id;      /* 0 when not tied to a connection */
  gint64   time_us;
  char    *type;
  char    *request_uuid;
  gint64   amount_msat;     /* signed: + credits, - debits, 0 none */
  guint64  fee_msat;
  guint64  balance_msat;    /* the account's balance after the entry */
  char    *bolt11;
  char    *payment_hash;
  char    *preimage;
  char    *detail;
} MsReceipt;

typedef enum
{
  MS_PAY_RESERVED,          /* new: money held, go and pay */
  MS_PAY_INTERNAL,          /* settled between two accounts of this store */
  MS_PAY_REPLAY_PENDING,    /* this request uuid is already being paid */
  MS_PAY_REPLAY_SUCCEEDED,  /* this request uuid was paid: here is its preimage */
  MS_PAY_REPLAY_FAILED,     /* this request uuid failed before: here is why */
} MsPayOutcome;

typedef struct
{
  MsPayOutcome outcome;
  gint64       payer_id;
  guint64      payer_balance_msat;
  guint64      payer_reserved_msat;
  gint64       payee_id;            /* INTERNAL only */
  guint64      payee_balance_msat;  /* INTERNAL only */
  char        *preimage;            /* INTERNAL and REPLAY_SUCCEEDED */
  char        *error;               /* REPLAY_FAILED */
  char        *payment_hash;
} MsPayReservation;

typedef struct
{
  gint64   account_id;              /* 0: not an invoice of ours */
  gboolean credited;                /* FALSE for a duplicate event */
  guint64  balance_msat;
  char    *request_uuid;
  char    *bolt11;
} MsSettleResult;

typedef struct
{
  char    *request_uuid;
  gint64   account_id;
  char    *bolt11;
  char    *payment_hash;
  guint64  amount_msat;
  guint64  reserve_msat;
} MsPendingPayment;

typedef struct
{
  guint64 balance_msat;
  guint64 reserved_msat;
  guint   n_accounts;
} MsStoreTotals;

void              ms_account_record_free     (MsAccountRecord  *record);
void              ms_receipt_free            (MsReceipt        *receipt);
void              ms_pay_reservation_free    (MsPayReservation *reservation);
void              ms_settle_result_free      (MsSettleResult   *result);
void              ms_pending_payment_free    (MsPendingPayment *pending);

MsAccountStore   *ms_account_store_new                 (const char        *path) G_GNUC_WARN_UNUSED_RESULT;
const char       *ms_account_store_get_path            (MsAccountStore    *self);

void              ms_account_store_open_async          (MsAccountStore    *self,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gboolean          ms_account_store_open_finish         (MsAccountStore    *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_list_accounts_async (MsAccountStore    *self,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
GPtrArray        *ms_account_store_list_accounts_finish (MsAccountStore   *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_create_account_async (MsAccountStore   *self,
                                                        const char        *name,
                                                        guint64            balance_msat,
                                                        guint64            cap_msat,
                                                        guint64            allocatable_msat,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
MsAccountRecord  *ms_account_store_create_account_finish (MsAccountStore  *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_update_account_async (MsAccountStore   *self,
                                                        gint64             account_id,
                                                        const MsAccountChanges *changes,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
MsAccountRecord  *ms_account_store_update_account_finish (MsAccountStore  *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_remove_account_async (MsAccountStore   *self,
                                                        gint64             account_id,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gboolean          ms_account_store_remove_account_finish (MsAccountStore  *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_check_receive_async (MsAccountStore    *self,
                                                        gint64             account_id,
                                                        guint64            amount_msat,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gboolean          ms_account_store_check_receive_finish (MsAccountStore   *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_record_invoice_async (MsAccountStore   *self,
                                                        gint64             account_id,
                                                        gint64             session_id,
                                                        const char        *request_uuid,
                                                        const char        *payment_hash,
                                                        const char        *preimage,
                                                        const char        *bolt11,
                                                        guint64            amount_msat,
                                                        gint64             expires_at,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gboolean          ms_account_store_record_invoice_finish (MsAccountStore  *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_settle_invoice_async (MsAccountStore   *self,
                                                        const char        *payment_hash,
                                                        const char        *preimage,
                                                        guint64            amount_received_msat,
                                                        guint64            settle_index,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
MsSettleResult   *ms_account_store_settle_invoice_finish (MsAccountStore  *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_reserve_payment_async (MsAccountStore  *self,
                                                        gint64             account_id,
                                                        gint64             session_id,
                                                        const char        *request_uuid,
                                                        const char        *bolt11,
                                                        const char        *payment_hash,
                                                        guint64            amount_msat,
                                                        guint64            reserve_msat,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
MsPayReservation *ms_account_store_reserve_payment_finish (MsAccountStore *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_complete_payment_async (MsAccountStore *self,
                                                        const char        *request_uuid,
                                                        gboolean           succeeded,
                                                        const char        *preimage,
                                                        guint64            fee_msat,
                                                        const char        *error_text,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
MsAccountRecord  *ms_account_store_complete_payment_finish (MsAccountStore *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_list_pending_async  (MsAccountStore    *self,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
GPtrArray        *ms_account_store_list_pending_finish (MsAccountStore    *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_get_settle_index_async (MsAccountStore *self,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
guint64           ms_account_store_get_settle_index_finish (MsAccountStore *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_start_session_async (MsAccountStore    *self,
                                                        gint64             account_id,
                                                        const char        *peer,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gint64            ms_account_store_start_session_finish (MsAccountStore   *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);
void              ms_account_store_end_session_async   (MsAccountStore    *self,
                                                        gint64             session_id,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gboolean          ms_account_store_end_session_finish  (MsAccountStore    *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_add_receipt_async   (MsAccountStore    *self,
                                                        gint64             account_id,
                                                        gint64             session_id,
                                                        const char        *type,
                                                        const char        *request_uuid,
                                                        const char        *detail,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gboolean          ms_account_store_add_receipt_finish  (MsAccountStore    *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_list_receipts_async (MsAccountStore    *self,
                                                        gint64             account_id,
                                                        gint64             session_id,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
GPtrArray        *ms_account_store_list_receipts_finish (MsAccountStore   *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

void              ms_account_store_get_totals_async    (MsAccountStore    *self,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gboolean          ms_account_store_get_totals_finish   (MsAccountStore    *self,
                                                        GAsyncResult      *result,
                                                        MsStoreTotals     *totals,
                                                        GError           **error);

char             *ms_receipts_to_csv                   (GPtrArray         *receipts) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsAccountRecord, ms_account_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsReceipt, ms_receipt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsPayReservation, ms_pay_reservation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSettleResult, ms_settle_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsPendingPayment, ms_pending_payment_free)

G_END_DECLS
