/* ms-terminus.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "moneysocket.h"
#include "ms-account.h"
#include "ms-account-store.h"
#include "ms-lightning.h"
#include "ms-secret-store.h"

G_BEGIN_DECLS

/*
 * The provider side with money behind it (PROTOCOL.md 11): accounts carved
 * out of a Lightning node, each served to apps through beacons. Used by the
 * moneysocket-terminus daemon and embedded in the wallet.
 */

#define MS_TYPE_TERMINUS (ms_terminus_get_type ())

G_DECLARE_FINAL_TYPE (MsTerminus, ms_terminus, MS, TERMINUS, GObject)

/* PROTOCOL.md 11.2: at most three outgoing beacons per account. */
#define MS_TERMINUS_DEFAULT_MAX_CONNECT_BEACONS 3
#define MS_TERMINUS_DEFAULT_MAX_LISTEN_BEACONS  8
#define MS_TERMINUS_DEFAULT_INVOICE_EXPIRY_S    3600

typedef struct
{
  MsLnNodeInfo *node;               /* NULL while the node is unreachable */
  guint64       allocated_msat;     /* balances + reserves of all accounts */
  guint64       reserved_msat;      /* held for payments in flight */
  guint         n_accounts;
  guint64       over_allocated_msat; /* allocated beyond what the node can spend */
} MsTerminusInfo;

void            ms_terminus_info_free               (MsTerminusInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsTerminusInfo, ms_terminus_info_free)

MsTerminus     *ms_terminus_new                     (MsLightning          *backend,
                                                     MsAccountStore       *store,
                                                     MsSecretStore        *secrets) G_GNUC_WARN_UNUSED_RESULT;
void            ms_terminus_set_listen_location     (MsTerminus           *self,
                                                     MsMatchmaker         *matchmaker,
                                                     MsLocation           *advertised);
void            ms_terminus_set_external_relay      (MsTerminus           *self,
                                                     MsLocation           *relay);
void            ms_terminus_set_fee_policy          (MsTerminus           *self,
                                                     guint64              min_fee_msat,
                                                     guint                fee_ppm);
void            ms_terminus_set_invoice_expiry      (MsTerminus           *self,
                                                     guint                 seconds);
void            ms_terminus_set_reconnect_delays    (MsTerminus           *self,
                                                     guint                 first_ms,
                                                     guint                 max_ms);

void            ms_terminus_start_async             (MsTerminus           *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean        ms_terminus_start_finish            (MsTerminus           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void            ms_terminus_stop                    (MsTerminus           *self);

GListModel     *ms_terminus_get_accounts            (MsTerminus           *self);
MsAccount      *ms_terminus_lookup_account          (MsTerminus           *self,
                                                     const char           *name_or_uuid);
MsLightning    *ms_terminus_get_backend             (MsTerminus           *self);
MsAccountStore *ms_terminus_get_store               (MsTerminus           *self);
guint64         ms_terminus_fee_reserve_for         (MsTerminus           *self,
                                                     guint64               amount_msat);

void            ms_terminus_get_info_async          (MsTerminus           *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
MsTerminusInfo *ms_terminus_get_info_finish         (MsTerminus           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;

void            ms_terminus_create_account_async    (MsTerminus           *self,
                                                     const char           *name,
                                                     guint64               balance_msat,
                                                     guint64               cap_msat,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
MsAccount      *ms_terminus_create_account_finish   (MsTerminus           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void            ms_terminus_remove_account_async    (MsTerminus           *self,
                                                     MsAccount            *account,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean        ms_terminus_remove_account_finish   (MsTerminus           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void            ms_terminus_update_account_async    (MsTerminus           *self,
                                                     MsAccount            *account,
                                                     const MsAccountChanges *changes,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean        ms_terminus_update_account_finish   (MsTerminus           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void            ms_terminus_listen_async            (MsTerminus           *self,
                                                     MsAccount            *account,
                                                     const MsSharedSeed   *seed,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
MsBeacon       *ms_terminus_listen_finish           (MsTerminus           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void            ms_terminus_connect_async           (MsTerminus           *self,
                                                     MsAccount            *account,
                                                     MsBeacon             *beacon,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean        ms_terminus_connect_finish          (MsTerminus           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void            ms_terminus_clear_async             (MsTerminus           *self,
                                                     MsAccount            *account,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean        ms_terminus_clear_finish            (MsTerminus           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void            ms_terminus_request_invoice_async   (MsTerminus           *self,
                                                     MsAccount            *account,
                                                     guint64               amount_msat,
                                                     const char           *request_uuid,
                                                     gint64                session_id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
char           *ms_terminus_request_invoice_finish  (MsTerminus           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void            ms_terminus_request_pay_async       (MsTerminus           *self,
                                                     MsAccount            *account,
                                                     const char           *bolt11,
                                                     const char           *request_uuid,
                                                     gint64                session_id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
char           *ms_terminus_request_pay_finish      (MsTerminus           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
