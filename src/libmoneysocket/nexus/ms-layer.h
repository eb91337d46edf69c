/* ms-layer.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "ms-nexus.h"

G_BEGIN_DECLS

/*
 * PROTOCOL.md 9.2: a layer wraps each nexus announced from below in a nexus
 * of its own kind, starts that nexus' handshake, and announces it to the
 * layer above once it is ready; when the socket goes, the nexus is revoked.
 * The top layer of a stack reports its nexuses with "announced"/"revoked".
 */

#define MS_TYPE_LAYER (ms_layer_get_type ())

G_DECLARE_FINAL_TYPE (MsLayer, ms_layer, MS, LAYER, GObject)

/**
 * MsLayerSetupFunc:
 * @layer: the layer
 * @nexus: a nexus it just created, not started yet
 * @user_data: closure data
 *
 * Configures a new nexus (keys, ids, handlers) before its handshake starts.
 */
typedef void (*MsLayerSetupFunc) (MsLayer  *layer,
                                  MsNexus  *nexus,
                                  gpointer  user_data);

MsLayer    *ms_layer_new            (GType             nexus_type,
                                     GObject          *context) G_GNUC_WARN_UNUSED_RESULT;
void        ms_layer_set_setup_func (MsLayer          *self,
                                     MsLayerSetupFunc  func,
                                     gpointer          user_data);
void        ms_layer_set_above      (MsLayer          *self,
                                     MsLayer          *above);
MsLayer    *ms_layer_get_above      (MsLayer          *self);
MsNexus    *ms_layer_announce       (MsLayer          *self,
                                     MsNexus          *below);
GListModel *ms_layer_get_nexuses    (MsLayer          *self);
GType       ms_layer_get_nexus_type (MsLayer          *self);

G_END_DECLS
