/* ms-provider-nexus.h
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
 * The provider layer (PROTOCOL.md 9.2, 9.3): answers REQUEST_PROVIDER with
 * NOTIFY_PROVIDER, or NOTIFY_PROVIDER_NOT_READY until provider info is set;
 * answers every REQUEST_PING; pushes unsolicited NOTIFY_PROVIDER when the
 * provider info changes.
 */

#define MS_TYPE_PROVIDER_NEXUS (ms_provider_nexus_get_type ())

G_DECLARE_FINAL_TYPE (MsProviderNexus, ms_provider_nexus, MS, PROVIDER_NEXUS, MsNexus)

void            ms_provider_nexus_set_provider_info (MsProviderNexus *self,
                                                     MsProviderInfo  *info);
MsProviderInfo *ms_provider_nexus_get_provider_info (MsProviderNexus *self);
gboolean        ms_provider_nexus_get_waiting       (MsProviderNexus *self);

G_END_DECLS
