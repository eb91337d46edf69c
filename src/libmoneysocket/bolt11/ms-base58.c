/* ms-base58.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-base58.h"
#include "ms-crypto.h"

/*
 * Bitcoin's base58 and base58check, for the P2PKH and P2SH fallback
 * addresses of BOLT #11 invoices (`f` versions 17 and 18).
 */

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/*
 * Each leading zero byte becomes a '1'; the rest is the number in base 58,
 * most significant digit first.
 */
char *
ms_base58_encode (const guint8 *data,
                  gsize         len)
{
  g_autofree guint8 *digits = NULL;
  gsize zeros = 0;
  gsize size;
  gsize used = 0;
  gsize first;
  GString *out;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  while (zeros < len && data[zeros] == 0)
    zeros++;

  /* log(256) / log(58) is below 1.38: that many digits per byte suffice. */
  size = (len - zeros) * 138 / 100 + 1;
  digits = g_malloc0 (size);

  for (gsize i = zeros; i < len; i++)
    {
      guint carry = data[i];
      gsize j = 0;

      /* digits[] holds the number so far, least significant digit last. */
      for (; (carry != 0 || j < used) && j < size; j++)
        {
          carry += 256 * digits[size - 1 - j];
          digits[size - 1 - j] = carry % 58;
          carry /= 58;
        }
      g_assert (carry == 0);
      used = j;
    }

  first = size - used;
  while (first < size && digits[first] == 0)
    first++;

  out = g_string_sized_new (zeros + size - first + 1);
  for (gsize i = 0; i < zeros; i++)
    g_string_append_c (out, '1');
  for (gsize i = first; i < size; i++)
    g_string_append_c (out, alphabet[digits[i]]);

  return g_string_free (out, FALSE);
}

/* @version || @payload || the first 4 bytes of SHA-256(SHA-256(both)), in base58. */
char *
ms_base58check_encode (guint8        version,
                       const guint8 *payload,
                       gsize         len)
{
  guint8 buf[1 + MS_BASE58CHECK_MAX_PAYLOAD + 4];
  guint8 hash[MS_SHA256_LEN];
  guint8 hash2[MS_SHA256_LEN];

  g_return_val_if_fail (payload != NULL || len == 0, NULL);
  g_return_val_if_fail (len <= MS_BASE58CHECK_MAX_PAYLOAD, NULL);

  buf[0] = version;
  if (len > 0)
    memcpy (buf + 1, payload, len);
  ms_sha256 (buf, 1 + len, hash);
  ms_sha256 (hash, sizeof hash, hash2);
  memcpy (buf + 1 + len, hash2, 4);

  return ms_base58_encode (buf, 1 + len + 4);
}
