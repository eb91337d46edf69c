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
