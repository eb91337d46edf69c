/* ms-tlv.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-bigsize.h"
#include "ms-error.h"
#include "ms-tlv.h"

/*
 * BOLT #1 "Type-Length-Value Format": a record is BigSize type, BigSize
 * length, then length bytes. Moneysocket v0 (PROTOCOL.md 2.2) treats a
 * declared length beyond the remaining bytes as an error.
 */
gboolean
ms_tlv_pull (MsCursor *cursor,
             MsTlv    *record)
{
  guint64 type;
  guint64 len;
  const guint8 *value;

  g_return_val_if_fail (cursor != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  type = ms_bigsize_pull (cursor, "tlv type");
  len = ms_bigsize_pull (cursor, "tlv length");
  if (ms_cursor_failed (cursor))
    return FALSE;

  if (len > cursor->remaining)
    {
      ms_cursor_fail (cursor, MS_ENCODING_ERROR, MS_ENCODING_ERROR_TRUNCATED,
                      "tlv value truncated: type %" G_GUINT64_FORMAT " declares %"
                      G_GUINT64_FORMAT " bytes, %" G_GSIZE_FORMAT " left",
                      type, len, cursor->remaining);
      return FALSE;
    }

  value = ms_cursor_pull (cursor, (gsize) len, "tlv value");
  record->type = type;
  record->value = value;
  record->len = (gsize) len;
  return TRUE;
}

gboolean
ms_tlv_decode (const guint8  *data,
               gsize          len,
               MsTlv         *record,
               gsize         *consumed,
               GError       **error)
{
  MsCursor cursor;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ms_cursor_init (&cursor, data, len);
  ms_tlv_pull (&cursor, record);
  if (!ms_cursor_propagate (&cursor, error))
    return FALSE;

  if (consumed != NULL)
    *consumed = len - cursor.remaining;
  return TRUE;
}

void
ms_tlv_append (GByteArray   *array,
               guint64       type,
               const guint8 *value,
               gsize         len)
{
  g_return_if_fail (array != NULL);
  g_return_if_fail (value != NULL || len == 0);

  ms_bigsize_append (array, type);
  ms_bigsize_append (array, len);
  if (len > 0)
    g_byte_array_append (array, value, len);
}
