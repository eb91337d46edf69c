/* ms-consumer-nexus.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-nexus.h"
#include "ms-provider-info.h"

G_BEGIN_DECLS

/*
 * The consumer layer (PROTOCOL.md 9.2, 9.3): sends REQUEST_PROVIDER once,
 * is ready on the first NOTIFY_PROVIDER, reports later ones as updates, and
 * pings the provider to measure latency.
 */

#define MS_TYPE_CONSUMER_NEXUS (ms_consumer_nexus_get_type ())

#define MS_CONSUMER_NEXUS_DEFAULT_PING_INTERVAL_MS 3000

G_DECLARE_FINAL_TYPE (MsConsumerNexus, ms_consumer_nexus, MS, CONSUMER_NEXUS, MsNexus)

MsProviderInfo *ms_consumer_nexus_get_provider_info  (MsConsumerNexus *self);
gboolean        ms_consumer_nexus_get_provider_ready (MsConsumerNexus *self);
void            ms_consumer_nexus_set_ping_interval  (MsConsumerNexus *self,
                                                      guint            interval_ms);
void            ms_consumer_nexus_ping               (MsConsumerNexus *self);

G_END_DECLS
