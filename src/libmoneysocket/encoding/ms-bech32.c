/* ms-bech32.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-bech32.h"
#include "ms-error.h"

/*
 * BIP-173 bech32 and BIP-350 bech32m. The 90-character limit of BIP-173 is
 * the caller's choice (@max_len): PROTOCOL.md 2.3 says beacons "MUST NOT"
 * apply it (one TLS location already makes a 126-character beacon), and
 * BOLT #11 invoices are longer too.
 */

#define BECH32_CONST  1u
#define BECH32M_CONST 0x2bc830a3u

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* charset_rev[c] is the 5-bit value of lower-case character c, or -1. */
static const gint8 charset_rev[128] = {
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  15, -1, 10, 17, 21, 20, 26, 30,  7,  5, -1, -1, -1, -1, -1, -1,
  -1, 29, -1, 24, 13, 25,  9,  8, 23, -1, 18, 22, 31, 27, 19, -1,
   1,  0,  3, 16, 11, 28, 12, 14,  6,  4,  2, -1, -1, -1, -1, -1,
  -1, 29, -1, 24, 13, 25,  9,  8, 23, -1, 18, 22, 31, 27, 19, -1,
   1,  0,  3, 16, 11, 28, 12, 14,  6,  4,  2, -1, -1, -1, -1, -1,
};

static inline guint32
polymod_step (guint32 pre)
{
  guint8 b = pre >> 25;

  return ((pre & 0x1ffffff) << 5) ^
         (-((b >> 0) & 1) & 0x3b6a57b2u) ^
         (-((b >> 1) & 1) & 0x26508e6du) ^
         (-((b >> 2) & 1) & 0x1ea119fau) ^
         (-((b >> 3) & 1) & 0x3d4233ddu) ^
         (-((b >> 4) & 1) & 0x2a1462b3u);
}

/* The checksum state after the expanded human-readable part. */
static guint32
hrp_polymod (const char *hrp,
             gsize       hrp_len)
{
  guint32 chk = 1;

  for (gsize i = 0; i < hrp_len; i++)
    chk = polymod_step (chk) ^ (g_ascii_tolower (hrp[i]) >> 5);
  chk = polymod_step (chk);
  for (gsize i = 0; i < hrp_len; i++)
    chk = polymod_step (chk) ^ (g_ascii_tolower (hrp[i]) & 0x1f);

  return chk;
}

char *
ms_bech32_encode (const char      *hrp,
                  const guint8    *data5,
                  gsize            len5,
                  MsBech32Variant  variant)
{
  gsize hrp_len;
  guint32 chk;
  char *out;
  char *p;

  g_return_val_if_fail (hrp != NULL, NULL);
  g_return_val_if_fail (data5 != NULL || len5 == 0, NULL);

  hrp_len = strlen (hrp);
  out = g_malloc (hrp_len + 1 + len5 + 6 + 1);
  p = out;
  for (gsize i = 0; i < hrp_len; i++)
    *p++ = g_ascii_tolower (hrp[i]);
  *p++ = '1';

  chk = hrp_polymod (hrp, hrp_len);
  for (gsize i = 0; i < len5; i++)
    {
      guint8 v = data5[i] & 0x1f;

      g_warn_if_fail (data5[i] < 32);
      chk = polymod_step (chk) ^ v;
      *p++ = charset[v];
    }
  for (guint i = 0; i < 6; i++)
    chk = polymod_step (chk);
  chk ^= variant == MS_BECH32_VARIANT_BECH32M ? BECH32M_CONST : BECH32_CONST;
  for (guint i = 0; i < 6; i++)
    *p++ = charset[(chk >> ((5 - i) * 5)) & 0x1f];
  *p = '\0';

  return out;
}

/*
 * Decodes a bech32 or bech32m string. With @variant NULL only plain bech32
 * (constant 1) is accepted; otherwise both are and *@variant tells which.
 * *@hrp is returned in lower case.
 */
gboolean
ms_bech32_decode (const char       *str,
                  gsize             len,
                  gsize             max_len,
                  char            **hrp,
                  guint8          **data5,
                  gsize            *len5,
                  MsBech32Variant  *variant,
                  GError          **error)
{
  gboolean has_lower = FALSE;
  gboolean has_upper = FALSE;
  gsize sep = G_MAXSIZE;
  gsize n_data;
  guint32 chk;
  g_autofree guint8 *values = NULL;

  g_return_val_if_fail (str != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (max_len != 0 && len > max_len)
    {
      g_set_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_TOO_LONG,
                   "bech32 string is %" G_GSIZE_FORMAT " characters, more than the %"
                   G_GSIZE_FORMAT " allowed", len, max_len);
      return FALSE;
    }

  for (gsize i = 0; i < len; i++)
    {
      guchar c = str[i];

      if (c < 33 || c > 126)
        {
          g_set_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_BAD_CHARACTER,
                       "invalid character 0x%02x in bech32 string at position %" G_GSIZE_FORMAT, c, i);
          return FALSE;
        }
      has_lower |= g_ascii_islower (c);
      has_upper |= g_ascii_isupper (c);
      if (c == '1')
        sep = i;
    }

  if (has_lower && has_upper)
    {
      g_set_error_literal (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_MIXED_CASE,
                           "bech32 string mixes upper and lower case");
      return FALSE;
    }

  if (sep == G_MAXSIZE)
    {
      g_set_error_literal (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_INVALID,
                           "no bech32 separator '1'");
      return FALSE;
    }

  if (sep == 0)
    {
      g_set_error_literal (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_INVALID,
                           "empty bech32 human-readable part");
      return FALSE;
    }

  /* BIP-173: the human-readable part is 1 to 83 characters. */
  if (sep > 83)
    {
      g_set_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_INVALID,
                   "bech32 human-readable part is %" G_GSIZE_FORMAT " characters, more than 83",
                   sep);
      return FALSE;
    }

  if (len - sep - 1 < 6)
    {
      g_set_error_literal (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_TRUNCATED,
                           "bech32 checksum missing (fewer than 6 characters after '1')");
      return FALSE;
    }

  n_data = len - sep - 1;
  values = g_malloc (n_data);
  chk = hrp_polymod (str, sep);
  for (gsize i = 0; i < n_data; i++)
    {
      guchar c = str[sep + 1 + i];
      gint8 v = charset_rev[c & 0x7f];

      if (v < 0)
        {
          g_set_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_BAD_CHARACTER,
                       "character '%c' at position %" G_GSIZE_FORMAT
                       " is not in the bech32 alphabet", c, sep + 1 + i);
          return FALSE;
        }
      values[i] = v;
      chk = polymod_step (chk) ^ v;
    }

  if (chk == BECH32_CONST)
    {
      if (variant != NULL)
        *variant = MS_BECH32_VARIANT_BECH32;
    }
  else if (chk == BECH32M_CONST && variant != NULL)
    {
      *variant = MS_BECH32_VARIANT_BECH32M;
    }
  else
    {
      g_set_error_literal (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_BAD_CHECKSUM,
                           "bad bech32 checksum");
      return FALSE;
    }

  if (hrp != NULL)
    *hrp = g_ascii_strdown (str, sep);
  if (len5 != NULL)
    *len5 = n_data - 6;
  if (data5 != NULL)
    *data5 = g_steal_pointer (&values);

  return TRUE;
}

/*
 * Regroups bits, most significant first (BIP-173 "convertbits"). Without
 * @pad, the leftover must be fewer than @from_bits bits and all zero,
 * which is what decoders require (PROTOCOL.md 2.3).
 */
gboolean
ms_bech32_convert_bits (const guint8 *in,
                        gsize         in_len,
                        guint         from_bits,
                        guint         to_bits,
                        gboolean      pad,
                        GByteArray   *out)
{
  guint32 acc = 0;
  guint bits = 0;
  const guint32 max_v = (1u << to_bits) - 1;
  gsize start;
  guint8 *o;

  g_return_val_if_fail (in != NULL || in_len == 0, FALSE);
  g_return_val_if_fail (from_bits >= 1 && from_bits <= 8, FALSE);
  g_return_val_if_fail (to_bits >= 1 && to_bits <= 8, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (in_len == 0)
    return TRUE;

  /* Size the output once and write in place: this is on the beacon hot path. */
  start = out->len;
  g_byte_array_set_size (out, start + (in_len * from_bits + to_bits - 1) / to_bits);
  o = out->data + start;

  for (gsize i = 0; i < in_len; i++)
    {
      if (in[i] >> from_bits)
        {
          g_byte_array_set_size (out, start);
          return FALSE;
        }
      acc = ((acc << from_bits) | in[i]) & 0xffffff;
      bits += from_bits;
      while (bits >= to_bits)
        {
          bits -= to_bits;
          *o++ = (acc >> bits) & max_v;
        }
    }

  if (pad)
    {
      if (bits > 0)
        *o++ = (acc << (to_bits - bits)) & max_v;
    }
  else if (bits >= from_bits || ((acc << (to_bits - bits)) & max_v) != 0)
    {
      g_byte_array_set_size (out, start);
      return FALSE;
    }

  g_byte_array_set_size (out, o - out->data);
  return TRUE;
}
