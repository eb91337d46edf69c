/* ms-control-server.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-terminus.h"

G_BEGIN_DECLS

/*
 * The terminus' control interface: JSON-RPC 2.0 over a unix socket that
 * only its owner may open (mode 0600), one request and one response per
 * line. moneysocket-cli speaks it; so can any script.
 */

#define MS_TYPE_CONTROL_SERVER (ms_control_server_get_type ())

G_DECLARE_FINAL_TYPE (MsControlServer, ms_control_server, MS, CONTROL_SERVER, GObject)

MsControlServer *ms_control_server_new    (MsTerminus       *terminus) G_GNUC_WARN_UNUSED_RESULT;
gboolean         ms_control_server_listen (MsControlServer  *self,
                                           const char       *path,
                                           GError          **error);
void             ms_control_server_stop   (MsControlServer  *self);
char            *ms_control_default_socket_path (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
