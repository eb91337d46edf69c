/* ms-cln-backend.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "ms-lightning.h"

G_BEGIN_DECLS

/*
 * A Core Lightning node, over its JSON-RPC unix socket (`lightning-rpc`) or
 * over CLNRest, with the same method logic on both: getinfo and
 * listpeerchannels, invoice, xpay (pay on nodes without it), listpays,
 * listinvoices and delinvoice, and waitanyinvoice to follow settlements.
 */

#define MS_TYPE_CLN_BACKEND (ms_cln_backend_get_type ())

G_DECLARE_FINAL_TYPE (MsClnBackend, ms_cln_backend, MS, CLN_BACKEND, GObject)

MsClnBackend *ms_cln_backend_new_rpc              (const char      *socket_path) G_GNUC_WARN_UNUSED_RESULT;
MsClnBackend *ms_cln_backend_new_rest             (const char      *base_url,
                                                   const char      *rune,
                                                   GTlsCertificate *pinned) G_GNUC_WARN_UNUSED_RESULT;

const char   *ms_cln_backend_get_location         (MsClnBackend    *self);
gboolean      ms_cln_backend_get_online           (MsClnBackend    *self);
guint64       ms_cln_backend_get_settle_index     (MsClnBackend    *self);
void          ms_cln_backend_set_reconnect_delays (MsClnBackend    *self,
                                                   guint            first_ms,
                                                   guint            max_ms);
void          ms_cln_backend_set_poll_timeout     (MsClnBackend    *self,
                                                   guint            seconds);
void          ms_cln_backend_set_call_deadline    (MsClnBackend    *self,
                                                   guint            seconds);

G_END_DECLS
