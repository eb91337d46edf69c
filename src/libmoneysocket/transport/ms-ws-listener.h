/* ms-ws-listener.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "ms-ws-connection.h"

G_BEGIN_DECLS

/*
 * Accepts WebSocket connections on one address (plain or TLS) and hands each
 * completed handshake over as an MsWsConnection ("connection" signal).
 */

#define MS_TYPE_WS_LISTENER (ms_ws_listener_get_type ())

G_DECLARE_FINAL_TYPE (MsWsListener, ms_ws_listener, MS, WS_LISTENER, GObject)

MsWsListener *ms_ws_listener_new                      (void) G_GNUC_WARN_UNUSED_RESULT;
void          ms_ws_listener_set_tls_certificate      (MsWsListener     *self,
                                                       GTlsCertificate  *certificate);
void          ms_ws_listener_set_max_payload          (MsWsListener     *self,
                                                       gsize             max_payload);
void          ms_ws_listener_set_max_connections_per_address (MsWsListener *self,
                                                       guint             max_connections);
void          ms_ws_listener_set_handshake_timeout    (MsWsListener     *self,
                                                       guint             seconds);
gboolean      ms_ws_listener_listen                   (MsWsListener     *self,
                                                       const char       *host,
                                                       guint16           port,
                                                       GError          **error);
guint16       ms_ws_listener_get_port                 (MsWsListener     *self);
void          ms_ws_listener_stop                     (MsWsListener     *self);
guint         ms_ws_listener_get_n_connections        (MsWsListener     *self);
guint64       ms_ws_listener_get_n_refused            (MsWsListener     *self);

G_END_DECLS
