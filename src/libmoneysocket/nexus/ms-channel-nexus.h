/* ms-channel-nexus.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-channel.h"
#include "ms-nexus.h"
#include "ms-shared-seed.h"

G_BEGIN_DECLS

/*
 * The bottom of every stack (the "WebSocket" layer of PROTOCOL.md 9.1): turns
 * frames into messages and back, encrypting with the key of the beacon's
 * seed. Undecodable frames are dropped, never the connection (5.4).
 */

#define MS_TYPE_CHANNEL_NEXUS (ms_channel_nexus_get_type ())

G_DECLARE_FINAL_TYPE (MsChannelNexus, ms_channel_nexus, MS, CHANNEL_NEXUS, MsNexus)

MsNexus   *ms_channel_nexus_new             (MsChannel          *channel,
                                             const MsSharedSeed *seed) G_GNUC_WARN_UNUSED_RESULT;
MsChannel *ms_channel_nexus_get_channel     (MsChannelNexus     *self);
guint64    ms_channel_nexus_get_n_dropped   (MsChannelNexus     *self);

G_END_DECLS
