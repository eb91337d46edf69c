/* ms-bigsize.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-bigsize.h"
#include "ms-error.h"

/*
 * BOLT #1 Appendix A: "BigSize" is a big-endian variable-length unsigned
 * integer: 0..0xfc in one byte, then 0xfd + uint16, 0xfe + uint32,
 * 0xff + uint64. "The minimum number of bytes MUST be used"; decoders reject
 * non-minimal encodings.
 */

gsize
ms_bigsize_len (guint64 value)
{
  if (value < 0xfd)
    return 1;
  if (value <= 0xffff)
    return 3;
  if (value <= 0xffffffff)
    return 5;
  return 9;
}

gsize
ms_bigsize_write (guint64 value,
                  guint8  out[MS_BIGSIZE_MAX_LEN])
{
  gsize len = ms_bigsize_len (value);
  gsize n;

  switch (len)
    {
    case 1:
      out[0] = (guint8) value;
      return 1;
    case 3:
      out[0] = 0xfd;
      break;
    case 5:
      out[0] = 0xfe;
      break;
    default:
      out[0] = 0xff;
      break;
    }

  for (n = len - 1; n > 0; n--)
    {
      out[n] = value & 0xff;
      value >>= 8;
    }

  return len;
}

void
ms_bigsize_append (GByteArray *array,
                   guint64     value)
{
  guint8 buf[MS_BIGSIZE_MAX_LEN];
  gsize len;

  g_return_if_fail (array != NULL);

  len = ms_bigsize_write (value, buf);
  g_byte_array_append (array, buf, len);
}

guint64
ms_bigsize_pull (MsCursor   *cursor,
                 const char *what)
{
  static const char *const width_name[] = { NULL, NULL, "uint16", NULL, "uint32",
                                            NULL, NULL, NULL, "uint64" };
  const guint8 *p;
  guint64 value = 0;
  guint64 minimum;
  gsize width;
  guint8 first;

  g_return_val_if_fail (cursor != NULL, 0);

  if (ms_cursor_failed (cursor))
    return 0;

  if (cursor->remaining == 0)
    {
      ms_cursor_fail (cursor, MS_ENCODING_ERROR, MS_ENCODING_ERROR_TRUNCATED,
                      "%s: BigSize truncated (no bytes left)", what);
      return 0;
    }

  first = ms_cursor_pull_u8 (cursor, what);
  switch (first)
    {
    case 0xfd:
      width = 2;
      minimum = 0xfd;
      break;
    case 0xfe:
      width = 4;
      minimum = 0x10000;
      break;
    case 0xff:
      width = 8;
      minimum = G_GUINT64_CONSTANT (0x100000000);
      break;
    default:
      return first;
    }

  if (cursor->remaining < width)
    {
      ms_cursor_fail (cursor, MS_ENCODING_ERROR, MS_ENCODING_ERROR_TRUNCATED,
                      "%s: BigSize truncated (%s needs %" G_GSIZE_FORMAT " bytes, %"
                      G_GSIZE_FORMAT " left)", what, width_name[width], width,
                      cursor->remaining);
      return 0;
    }

  p = ms_cursor_pull (cursor, width, what);
  for (gsize i = 0; i < width; i++)
    value = (value << 8) | p[i];

  if (value < minimum)
    {
      ms_cursor_fail (cursor, MS_ENCODING_ERROR, MS_ENCODING_ERROR_NON_CANONICAL,
                      "%s: BigSize not minimally encoded (%s holding %" G_GUINT64_FORMAT ")",
                      what, width_name[width], value);
      return 0;
    }

  return value;
}

gboolean
ms_bigsize_decode (const guint8  *data,
                   gsize          len,
                   guint64       *value,
                   gsize         *consumed,
                   GError       **error)
{
  MsCursor cursor;
  guint64 v;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ms_cursor_init (&cursor, data, len);
  v = ms_bigsize_pull (&cursor, "bigsize");
  if (!ms_cursor_propagate (&cursor, error))
    return FALSE;

  if (value != NULL)
    *value = v;
  if (consumed != NULL)
    *consumed = len - cursor.remaining;
  return TRUE;
}
