/* ms-beacon.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

#include "ms-location.h"
#include "ms-shared-seed.h"

G_BEGIN_DECLS

#define MS_TYPE_BEACON (ms_beacon_get_type ())

/* PROTOCOL.md 2.3: no 90-character limit; the JS reference allows 20000. */
#define MS_BEACON_MAX_LEN 20000

typedef struct _MsBeacon MsBeacon;

GType               ms_beacon_get_type          (void) G_GNUC_CONST;
MsBeacon           *ms_beacon_new               (const MsSharedSeed *seed) G_GNUC_WARN_UNUSED_RESULT;
MsBeacon           *ms_beacon_ref               (MsBeacon           *self);
void                ms_beacon_unref             (MsBeacon           *self);
void                ms_beacon_add_location      (MsBeacon           *self,
                                                 MsLocation         *location);
const MsSharedSeed *ms_beacon_get_shared_seed   (const MsBeacon     *self);
guint               ms_beacon_get_n_locations   (const MsBeacon     *self);
MsLocation         *ms_beacon_get_location      (const MsBeacon     *self,
                                                 guint               index);
GBytes             *ms_beacon_encode_tlv        (const MsBeacon     *self) G_GNUC_WARN_UNUSED_RESULT;
char               *ms_beacon_encode            (const MsBeacon     *self) G_GNUC_WARN_UNUSED_RESULT;
MsBeacon           *ms_beacon_decode            (const char         *str,
                                                 gsize               len,
                                                 GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsBeacon, ms_beacon_unref)

G_END_DECLS
