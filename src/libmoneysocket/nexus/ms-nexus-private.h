/* ms-nexus-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-nexus.h"

G_BEGIN_DECLS


void _ms_nexus_start        (MsNexus   *self);
void _ms_nexus_set_ready    (MsNexus   *self);
void _ms_nexus_pass_up      (MsNexus   *self,
                             MsMessage *message);
void _ms_nexus_mark_closed  (MsNexus   *self);

G_END_DECLS
