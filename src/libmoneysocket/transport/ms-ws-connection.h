/* ms-ws-connection.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * One RFC 6455 WebSocket, client or server side, over a GIOStream (plain TCP
 * or TLS). Moneysocket sends exactly one binary message per protocol message
 * (PROTOCOL.md 5.1); this class delivers whole, reassembled binary messages
 * and answers pings by itself.
 */

#define MS_TYPE_WS_CONNECTION (ms_ws_connection_get_type ())

G_DECLARE_FINAL_TYPE (MsWsConnection, ms_ws_connection, MS, WS_CONNECTION, GObject)

typedef enum
{
  MS_WS_ROLE_CLIENT,
  MS_WS_ROLE_SERVER,
} MsWsRole;

typedef enum
{
  MS_WS_STATE_OPEN,
  MS_WS_STATE_CLOSING,
  MS_WS_STATE_CLOSED,
} MsWsState;

#define MS_TYPE_WS_ROLE  (ms_ws_role_get_type ())
#define MS_TYPE_WS_STATE (ms_ws_state_get_type ())

GType ms_ws_role_get_type  (void) G_GNUC_CONST;
GType ms_ws_state_get_type (void) G_GNUC_CONST;

/* RFC 6455 7.4.1 close codes we use. */
#define MS_WS_CLOSE_NORMAL           1000
#define MS_WS_CLOSE_GOING_AWAY       1001
#define MS_WS_CLOSE_PROTOCOL_ERROR   1002
#define MS_WS_CLOSE_UNSUPPORTED_DATA 1003
#define MS_WS_CLOSE_NO_STATUS        1005
#define MS_WS_CLOSE_ABNORMAL         1006
#define MS_WS_CLOSE_POLICY_VIOLATION 1008
#define MS_WS_CLOSE_TOO_BIG          1009

#define MS_WS_DEFAULT_MAX_PAYLOAD    (1024 * 1024)

/**
 * MsWsMessageFunc:
 * @connection: the connection
 * @data: the payload of one whole binary message, borrowed for the call only
 * @len: its length
 * @user_data: closure data
 *
 * Called for every binary message. The handler may send, close, or drop its
 * last reference to @connection from inside the call.
 */
typedef void (*MsWsMessageFunc) (MsWsConnection *connection,
                                 const guint8   *data,
                                 gsize           len,
                                 gpointer        user_data);

MsWsConnection *ms_ws_connection_new_for_stream     (GIOStream         *stream,
                                                     MsWsRole           role,
                                                     const guint8      *leftover,
                                                     gsize              leftover_len) G_GNUC_WARN_UNUSED_RESULT;
void            ms_ws_connection_set_message_func   (MsWsConnection    *self,
                                                     MsWsMessageFunc    func,
                                                     gpointer           user_data,
                                                     GDestroyNotify     destroy);
void            ms_ws_connection_send               (MsWsConnection    *self,
                                                     const guint8      *data,
                                                     gsize              len);
void            ms_ws_connection_send_bytes         (MsWsConnection    *self,
                                                     GBytes            *bytes);
void            ms_ws_connection_close              (MsWsConnection    *self,
                                                     gushort            code,
                                                     const char        *reason);

MsWsRole        ms_ws_connection_get_role           (MsWsConnection    *self);
MsWsState       ms_ws_connection_get_state          (MsWsConnection    *self);
gushort         ms_ws_connection_get_close_code     (MsWsConnection    *self);
const char     *ms_ws_connection_get_close_reason   (MsWsConnection    *self);
const char     *ms_ws_connection_get_peer_address   (MsWsConnection    *self);
GIOStream      *ms_ws_connection_get_stream         (MsWsConnection    *self);
gsize           ms_ws_connection_get_max_payload    (MsWsConnection    *self);
void            ms_ws_connection_set_max_payload    (MsWsConnection    *self,
                                                     gsize              max_payload);
gboolean        ms_ws_connection_get_close_on_text  (MsWsConnection    *self);
void            ms_ws_connection_set_close_on_text  (MsWsConnection    *self,
                                                     gboolean           close_on_text);
guint           ms_ws_connection_get_keepalive_interval (MsWsConnection *self);
void            ms_ws_connection_set_keepalive_interval (MsWsConnection *self,
                                                     guint              seconds);
guint           ms_ws_connection_get_pong_timeout   (MsWsConnection    *self);
void            ms_ws_connection_set_pong_timeout   (MsWsConnection    *self,
                                                     guint              seconds);
guint           ms_ws_connection_get_idle_timeout   (MsWsConnection    *self);
void            ms_ws_connection_set_idle_timeout   (MsWsConnection    *self,
                                                     guint              seconds);
guint64         ms_ws_connection_get_messages_received (MsWsConnection *self);
guint64         ms_ws_connection_get_messages_sent  (MsWsConnection    *self);
gsize           ms_ws_connection_get_queued_bytes   (MsWsConnection    *self);

void            ms_ws_connect_async                 (const char        *url,
                                                     GTlsCertificate   *pinned_certificate,
                                                     GCancellable      *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer           user_data);
MsWsConnection *ms_ws_connect_finish                (GAsyncResult      *result,
                                                     GError           **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
