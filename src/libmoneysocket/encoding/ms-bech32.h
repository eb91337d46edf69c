/* ms-bech32.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MsBech32Variant:
 * @MS_BECH32_VARIANT_BECH32: BIP-173 checksum constant 1 (beacons, BOLT #11)
 * @MS_BECH32_VARIANT_BECH32M: BIP-350 checksum constant 0x2bc830a3 (taproot addresses)
 */
typedef enum
{
  MS_BECH32_VARIANT_BECH32,
  MS_BECH32_VARIANT_BECH32M,
} MsBech32Variant;

char     *ms_bech32_encode       (const char       *hrp,
                                  const guint8     *data5,
                                  gsize             len5,
                                  MsBech32Variant   variant) G_GNUC_WARN_UNUSED_RESULT;
gboolean  ms_bech32_decode       (const char       *str,
                                  gsize             len,
                                  gsize             max_len,
                                  char            **hrp,
                                  guint8          **data5,
                                  gsize            *len5,
                                  MsBech32Variant  *variant,
                                  GError          **error);
gboolean  ms_bech32_convert_bits (const guint8     *in,
                                  gsize             in_len,
                                  guint             from_bits,
                                  guint             to_bits,
                                  gboolean          pad,
                                  GByteArray       *out);

G_END_DECLS
