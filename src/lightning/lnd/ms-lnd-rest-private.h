/* ms-lnd-rest-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ms-lnd-protojson-private.h"

G_BEGIN_DECLS

/*
 * HTTPS to LND's REST gateway: every request carries the macaroon, the
 * server must present the pinned tls.cert, and failures come back as
 * MS_LIGHTNING_ERROR with what the node said in an MsLndStatus.
 */

#define MS_TYPE_LND_REST (ms_lnd_rest_get_type ())

G_DECLARE_FINAL_TYPE (MsLndRest, ms_lnd_rest, MS, LND_REST, GObject)

/* Told whether the node answered: after each request that reached it or failed to. */
typedef void     (*MsLndReachableFunc) (gboolean      reachable,
                                        const GError *error,
                                        gpointer      user_data);

/* One `result` of a stream; return FALSE to stop reading (with @error set to fail). */
typedef gboolean (*MsLndLineFunc)      (JsonObject   *result,
                                        gpointer      user_data,
                                        GError      **error);

MsLndRest  *_ms_lnd_rest_new                (const char          *base_url,
                                             GBytes              *macaroon,
                                             GTlsCertificate     *tls_cert) G_GNUC_WARN_UNUSED_RESULT;
void        _ms_lnd_rest_set_reachable_func (MsLndRest           *self,
                                             MsLndReachableFunc   func,
                                             gpointer             user_data);
const char *_ms_lnd_rest_get_url            (MsLndRest           *self);
void        _ms_lnd_rest_cancel_all         (MsLndRest           *self);

void        _ms_lnd_rest_call_async         (MsLndRest           *self,
                                             const char          *method,
                                             const char          *path,
                                             JsonNode            *body,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
JsonObject *_ms_lnd_rest_call_finish        (MsLndRest           *self,
                                             GAsyncResult        *result,
                                             MsLndStatus         *status,
                                             GError             **error) G_GNUC_WARN_UNUSED_RESULT;

void        _ms_lnd_rest_stream_async       (MsLndRest           *self,
                                             const char          *method,
                                             const char          *path,
                                             JsonNode            *body,
                                             MsLndLineFunc        line_func,
                                             gpointer             line_data,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean    _ms_lnd_rest_stream_finish      (MsLndRest           *self,
                                             GAsyncResult        *result,
                                             MsLndStatus         *status,
                                             GError             **error);

G_END_DECLS
