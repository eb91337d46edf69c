/* ms-rendezvous-nexus.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-nexus.h"

G_BEGIN_DECLS

/*
 * The outgoing rendezvous layer (PROTOCOL.md 9.2): sends REQUEST_RENDEZVOUS
 * once, waits through NOTIFY_RENDEZVOUS_NOT_READY, is ready on
 * NOTIFY_RENDEZVOUS, and closes the socket on NOTIFY_RENDEZVOUS_END.
 */

#define MS_TYPE_RENDEZVOUS_NEXUS (ms_rendezvous_nexus_get_type ())

G_DECLARE_FINAL_TYPE (MsRendezvousNexus, ms_rendezvous_nexus, MS, RENDEZVOUS_NEXUS, MsNexus)

void        ms_rendezvous_nexus_set_rendezvous_id (MsRendezvousNexus *self,
                                                   const char        *rendezvous_id);
const char *ms_rendezvous_nexus_get_rendezvous_id (MsRendezvousNexus *self);
gboolean    ms_rendezvous_nexus_get_waiting       (MsRendezvousNexus *self);

G_END_DECLS
