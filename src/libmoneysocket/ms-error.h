/* ms-error.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MsEncodingError:
 * Failures of the byte-level codecs: BigSize, TLV, bech32, hex.
 */
#define MS_ENCODING_ERROR (ms_encoding_error_quark ())
typedef enum
{
  MS_ENCODING_ERROR_TRUNCATED,
  MS_ENCODING_ERROR_NON_CANONICAL,
  MS_ENCODING_ERROR_BAD_CHECKSUM,
  MS_ENCODING_ERROR_BAD_CHARACTER,
  MS_ENCODING_ERROR_MIXED_CASE,
  MS_ENCODING_ERROR_BAD_PADDING,
  MS_ENCODING_ERROR_TOO_LONG,
  MS_ENCODING_ERROR_INVALID,
} MsEncodingError;

/**
 * MsBeaconError:
 * A string that is not a usable v0 beacon.
 */
#define MS_BEACON_ERROR (ms_beacon_error_quark ())
typedef enum
{
  MS_BEACON_ERROR_BECH32,
  MS_BEACON_ERROR_NOT_A_BEACON,
  MS_BEACON_ERROR_MALFORMED,
  MS_BEACON_ERROR_UNKNOWN_LOCATION,
  MS_BEACON_ERROR_BAD_LOCATION,
  MS_BEACON_ERROR_BAD_URL,
} MsBeaconError;

/**
 * MsCryptoError:
 * Encryption, decryption and random number failures.
 */
#define MS_CRYPTO_ERROR (ms_crypto_error_quark ())
typedef enum
{
  MS_CRYPTO_ERROR_BAD_LENGTH,
  MS_CRYPTO_ERROR_NO_KEY,
  MS_CRYPTO_ERROR_BACKEND,
} MsCryptoError;

/**
 * MsMessageError:
 * A frame or JSON text that is not a valid v0 message.
 */
#define MS_MESSAGE_ERROR (ms_message_error_quark ())
typedef enum
{
  MS_MESSAGE_ERROR_JSON,
  MS_MESSAGE_ERROR_NOT_OBJECT,
  MS_MESSAGE_ERROR_MISSING_FIELD,
  MS_MESSAGE_ERROR_BAD_FIELD,
  MS_MESSAGE_ERROR_UNKNOWN_MESSAGE,
  MS_MESSAGE_ERROR_SHOULD_BE_CLEAR,
  MS_MESSAGE_ERROR_SHOULD_BE_ENCRYPTED,
  MS_MESSAGE_ERROR_UNDECRYPTABLE,
} MsMessageError;

/**
 * MsBolt11Error:
 * An invoice that BOLT #11 says a reader must reject.
 */
#define MS_BOLT11_ERROR (ms_bolt11_error_quark ())
typedef enum
{
  MS_BOLT11_ERROR_BECH32,
  MS_BOLT11_ERROR_BAD_PREFIX,
  MS_BOLT11_ERROR_BAD_AMOUNT,
  MS_BOLT11_ERROR_TRUNCATED,
  MS_BOLT11_ERROR_BAD_FIELD,
  MS_BOLT11_ERROR_MISSING_FIELD,
  MS_BOLT11_ERROR_UNKNOWN_FEATURE,
  MS_BOLT11_ERROR_BAD_SIGNATURE,
  MS_BOLT11_ERROR_INVALID_ARGUMENT,
} MsBolt11Error;

/**
 * MsStackError:
 * Failures of a consumer or provider stack's requests.
 */
#define MS_STACK_ERROR (ms_stack_error_quark ())
typedef enum
{
  MS_STACK_ERROR_NOT_CONNECTED,
  MS_STACK_ERROR_CONNECTION_LOST,
  MS_STACK_ERROR_PROVIDER,
  MS_STACK_ERROR_BAD_BEACON,
  MS_STACK_ERROR_NOT_SUPPORTED,
} MsStackError;

/**
 * MsLightningError:
 * Errors reported by a Lightning backend, whichever node is behind it.
 */
#define MS_LIGHTNING_ERROR (ms_lightning_error_quark ())
typedef enum
{
  MS_LIGHTNING_ERROR_UNREACHABLE,
  MS_LIGHTNING_ERROR_UNAUTHORIZED,
  MS_LIGHTNING_ERROR_REFUSED,
  MS_LIGHTNING_ERROR_PAYMENT_FAILED,
  MS_LIGHTNING_ERROR_PROTOCOL,
} MsLightningError;

/**
 * MsStoreError:
 * Account store failures.
 */
#define MS_STORE_ERROR (ms_store_error_quark ())
typedef enum
{
  MS_STORE_ERROR_IO,
  MS_STORE_ERROR_NOT_FOUND,
  MS_STORE_ERROR_CONFLICT,
  MS_STORE_ERROR_INSUFFICIENT_FUNDS,
} MsStoreError;

GQuark ms_encoding_error_quark  (void);
GQuark ms_beacon_error_quark    (void);
GQuark ms_crypto_error_quark    (void);
GQuark ms_message_error_quark   (void);
GQuark ms_bolt11_error_quark    (void);
GQuark ms_stack_error_quark     (void);
GQuark ms_lightning_error_quark (void);
GQuark ms_store_error_quark     (void);

G_END_DECLS
