/* ms-stack-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-layer.h"
#include "ms-stack.h"

G_BEGIN_DECLS


void     _ms_stack_set_layers       (MsStack *self,
                                     MsLayer *handshake_layer,
                                     MsLayer *top_layer);
MsLayer *_ms_stack_get_rendezvous_layer (MsStack *self);
MsNexus *_ms_stack_get_top_nexus    (MsStack *self);
MsWsConnection *_ms_stack_get_connection (MsStack *self);

G_END_DECLS
