/* ms-demo-ledger.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-lightning.h"

G_BEGIN_DECLS

/*
 * A Lightning node that is only a ledger in one SQLite file, so that the
 * wallet and the terminus work with no node at all. It issues real, signed
 * regtest BOLT #11 invoices and can pay only those: no money exists outside
 * it. get_info() says so with is_demo.
 */

#define MS_TYPE_DEMO_LEDGER (ms_demo_ledger_get_type ())

/* 1 BTC: what a new ledger file starts with. */
#define MS_DEMO_LEDGER_DEFAULT_BALANCE_MSAT G_GUINT64_CONSTANT (100000000000)

G_DECLARE_FINAL_TYPE (MsDemoLedger, ms_demo_ledger, MS, DEMO_LEDGER, GObject)

MsDemoLedger *ms_demo_ledger_new                    (const char    *db_path,
                                                     guint64        starting_balance_msat,
                                                     GError       **error)
              G_GNUC_WARN_UNUSED_RESULT;
const char   *ms_demo_ledger_get_path               (MsDemoLedger  *self);
const char   *ms_demo_ledger_get_node_id            (MsDemoLedger  *self);
MsLnInvoice  *ms_demo_ledger_create_invoice         (MsDemoLedger  *self,
                                                     guint64        amount_msat,
                                                     const char    *description,
                                                     guint          expiry_s,
                                                     const guint8  *preimage,
                                                     GError       **error)
              G_GNUC_WARN_UNUSED_RESULT;
gboolean      ms_demo_ledger_pay_invoice_externally (MsDemoLedger  *self,
                                                     const guint8  *payment_hash,
                                                     GError       **error);

G_END_DECLS
