/* ms-account.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "moneysocket.h"

G_BEGIN_DECLS

/*
 * One account of a terminus: a balance carved out of the node, served to
 * apps through beacons. Properties follow the store and notify on every
 * change, so a UI can bind to them; the work is done by MsTerminus.
 */

#define MS_TYPE_ACCOUNT (ms_account_get_type ())

G_DECLARE_FINAL_TYPE (MsAccount, ms_account, MS, ACCOUNT, GObject)

typedef enum
{
  MS_BEACON_KIND_LISTEN,
  MS_BEACON_KIND_CONNECT,
} MsBeaconKind;

gint64        ms_account_get_id            (MsAccount *self);
const char   *ms_account_get_uuid          (MsAccount *self);
const char   *ms_account_get_name          (MsAccount *self);
guint64       ms_account_get_balance_msat  (MsAccount *self);
guint64       ms_account_get_reserved_msat (MsAccount *self);
guint64       ms_account_get_cap_msat      (MsAccount *self);
gboolean      ms_account_get_may_pay       (MsAccount *self);
gboolean      ms_account_get_may_receive   (MsAccount *self);
gint64        ms_account_get_created_at    (MsAccount *self);
guint         ms_account_get_n_connections (MsAccount *self);
guint         ms_account_get_n_beacons     (MsAccount *self,
                                            MsBeaconKind kind);
GStrv         ms_account_dup_beacons       (MsAccount *self,
                                            MsBeaconKind kind) G_GNUC_WARN_UNUSED_RESULT;
GListModel   *ms_account_get_stacks        (MsAccount *self);

G_END_DECLS
