/* ms-channel.h
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
 * A bidirectional pipe of Moneysocket frames (whole binary payloads): either
 * one WebSocket, or one end of an in-process pair. The relay's matchmaker and
 * the bottom of every stack work on channels, so a provider can be paired by
 * an embedded relay without a socket (PROTOCOL.md 11.3, "local" nexuses).
 */

#define MS_TYPE_CHANNEL (ms_channel_get_type ())

G_DECLARE_FINAL_TYPE (MsChannel, ms_channel, MS, CHANNEL, GObject)

/**
 * MsChannelReceiveFunc:
 * @channel: the channel
 * @data: one frame's payload, borrowed for the call
 * @len: its length
 * @user_data: closure data
 */
typedef void (*MsChannelReceiveFunc) (MsChannel    *channel,
                                      const guint8 *data,
                                      gsize         len,
                                      gpointer      user_data);

MsChannel      *ms_channel_new_for_connection (MsWsConnection        *connection) G_GNUC_WARN_UNUSED_RESULT;
void            ms_channel_new_pair           (MsChannel            **a,
                                               MsChannel            **b);
void            ms_channel_set_receive_func   (MsChannel             *self,
                                               MsChannelReceiveFunc   func,
                                               gpointer               user_data,
                                               GDestroyNotify         destroy);
void            ms_channel_send               (MsChannel             *self,
                                               const guint8          *data,
                                               gsize                  len);
void            ms_channel_close              (MsChannel             *self,
                                               gushort                code,
                                               const char            *reason);
gboolean        ms_channel_is_closed          (MsChannel             *self);
const char     *ms_channel_get_peer_address   (MsChannel             *self);
MsWsConnection *ms_channel_get_connection     (MsChannel             *self);

G_END_DECLS
