/* ms-lnd-backend.h
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
 * MsLightning over LND's REST gateway (lnd.conf restlisten, port 8080 by
 * default): every request carries the macaroon, and the server must present
 * exactly the given tls.cert.
 */

#define MS_TYPE_LND_BACKEND (ms_lnd_backend_get_type ())

G_DECLARE_FINAL_TYPE (MsLndBackend, ms_lnd_backend, MS, LND_BACKEND, GObject)

MsLndBackend *ms_lnd_backend_new                  (const char      *base_url,
                                                   GBytes          *macaroon,
                                                   GTlsCertificate *tls_cert) G_GNUC_WARN_UNUSED_RESULT;
void          ms_lnd_backend_set_reconnect_delays (MsLndBackend    *self,
                                                   guint            initial_ms,
                                                   guint            max_ms);

G_END_DECLS
