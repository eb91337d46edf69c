/* moneysocket.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-error.h"
#include "ms-bech32.h"
#include "ms-bigsize.h"
#include "ms-cursor.h"
#include "ms-hex.h"
#include "ms-tlv.h"
#include "ms-crypto.h"
#include "ms-shared-seed.h"
#include "ms-location.h"
#include "ms-beacon.h"
#include "ms-ws-frame.h"
#include "ms-ws-connection.h"
#include "ms-ws-listener.h"
#include "ms-json.h"
#include "ms-wad.h"
#include "ms-message.h"
#include "ms-frame.h"
#include "ms-bolt11.h"
#include "ms-channel.h"
#include "ms-nexus.h"
#include "ms-layer.h"
#include "ms-channel-nexus.h"
#include "ms-rendezvous-nexus.h"
#include "ms-provider-info.h"
#include "ms-consumer-nexus.h"
#include "ms-provider-nexus.h"
#include "ms-transact-nexus.h"
#include "ms-matchmaker.h"
#include "ms-stack.h"
#include "ms-consumer-stack.h"
#include "ms-provider-handler.h"
#include "ms-provider-stack.h"
