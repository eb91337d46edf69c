/* ms-location-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-location.h"
#include "ms-tlv.h"

G_BEGIN_DECLS

/* PROTOCOL.md 3.1: location TLV types. */
#define MS_TLV_WEBSOCKET_LOCATION 65987
#define MS_TLV_WEBRTC_LOCATION    65989
#define MS_TLV_BLUETOOTH_LOCATION 65991
#define MS_TLV_NFC_LOCATION       65993

void        _ms_location_append_tlv (const MsLocation *self,
                                     GByteArray       *array);
MsLocation *_ms_location_decode     (const MsTlv      *record,
                                     GError          **error);

G_END_DECLS
