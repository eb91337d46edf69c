/* ms-hex.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-error.h"
#include "ms-hex.h"

/* PROTOCOL.md 2.4: hex is lower case, two characters per byte, no prefix. */

static const char digits[] = "0123456789abcdef";

/* Writes 2 * @len lower-case hex digits and a NUL to @out. */
void
ms_hex_encode_into (const guint8 *data,
                    gsize         len,
                    char         *out)
{
  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (out != NULL);

  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[2 * len] = '\0';
}

char *
ms_hex_encode (const guint8 *data,
               gsize         len)
{
  char *out;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  out = g_malloc (2 * len + 1);
  ms_hex_encode_into (data, len, out);
  return out;
}

gboolean
ms_hex_is_valid (const char *hex,
                 gsize       hex_len)
{
  if (hex == NULL || hex_len % 2 != 0)
    return FALSE;

  for (gsize i = 0; i < hex_len; i++)
    if (!g_ascii_isxdigit (hex[i]))
      return FALSE;

  return TRUE;
}

/* Decodes exactly @out_len bytes; upper-case digits are accepted. */
gboolean
ms_hex_decode_into (const char  *hex,
                    gsize        hex_len,
                    guint8      *out,
                    gsize        out_len,
                    GError     **error)
{
  g_return_val_if_fail (hex != NULL || hex_len == 0, FALSE);
  g_return_val_if_fail (out != NULL || out_len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (hex_len != 2 * out_len)
    {
      g_set_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_INVALID,
                   "expected %" G_GSIZE_FORMAT " hex digits, got %" G_GSIZE_FORMAT,
                   2 * out_len, hex_len);
      return FALSE;
    }

  for (gsize i = 0; i < hex_len; i++)
    {
      if (!g_ascii_isxdigit (hex[i]))
        {
          g_set_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_BAD_CHARACTER,
                       "character %" G_GSIZE_FORMAT " is not a hex digit", i);
          return FALSE;
        }
    }

  for (gsize i = 0; i < out_len; i++)
    out[i] = (g_ascii_xdigit_value (hex[2 * i]) << 4) | g_ascii_xdigit_value (hex[2 * i + 1]);

  return TRUE;
}

GBytes *
ms_hex_decode (const char  *hex,
               gsize        hex_len,
               GError     **error)
{
  g_autofree guint8 *buf = NULL;

  g_return_val_if_fail (hex != NULL || hex_len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (hex_len % 2 != 0)
    {
      g_set_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_INVALID,
                   "odd number of hex digits (%" G_GSIZE_FORMAT ")", hex_len);
      return NULL;
    }

  buf = g_malloc (hex_len / 2 + 1);
  if (!ms_hex_decode_into (hex, hex_len, buf, hex_len / 2, error))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&buf), hex_len / 2);
}
