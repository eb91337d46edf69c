/* ms-error.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-error.h"

G_DEFINE_QUARK (ms-encoding-error-quark, ms_encoding_error)
G_DEFINE_QUARK (ms-beacon-error-quark, ms_beacon_error)
G_DEFINE_QUARK (ms-crypto-error-quark, ms_crypto_error)
G_DEFINE_QUARK (ms-message-error-quark, ms_message_error)
G_DEFINE_QUARK (ms-bolt11-error-quark, ms_bolt11_error)
G_DEFINE_QUARK (ms-stack-error-quark, ms_stack_error)
G_DEFINE_QUARK (ms-lightning-error-quark, ms_lightning_error)
G_DEFINE_QUARK (ms-store-error-quark, ms_store_error)
