/* ms-tlv.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

#include "ms-cursor.h"

G_BEGIN_DECLS

/**
 * MsTlv:
 * @type: the record type
 * @value: the value bytes, borrowed from the buffer that was decoded
 * @len: the number of value bytes
 *
 * One BOLT #1 TLV record: BigSize type, BigSize length, value.
 */
typedef struct
{
  guint64       type;
  const guint8 *value;
  gsize         len;
} MsTlv;

gboolean ms_tlv_pull   (MsCursor     *cursor,
                        MsTlv        *record);
gboolean ms_tlv_decode (const guint8 *data,
                        gsize         len,
                        MsTlv        *record,
                        gsize        *consumed,
                        GError      **error);
void     ms_tlv_append (GByteArray   *array,
                        guint64       type,
                        const guint8 *value,
                        gsize         len);

G_END_DECLS
