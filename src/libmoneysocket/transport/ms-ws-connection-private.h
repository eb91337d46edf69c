/* ms-ws-connection-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-ws-connection.h"

G_BEGIN_DECLS

/*
 * Called once when the connection stops using its socket: when it reaches
 * MS_WS_STATE_CLOSED or when it is disposed before that. The listener uses
 * it to count connections per address without a signal handler and a weak
 * reference on every socket.
 */
typedef void (*MsWsReleaseFunc) (gpointer data);

void _ms_ws_connection_set_release_func (MsWsConnection  *self,
                                         MsWsReleaseFunc  func,
                                         gpointer         data);
void _ms_ws_socket_set_no_delay         (GSocket         *socket);

G_END_DECLS
