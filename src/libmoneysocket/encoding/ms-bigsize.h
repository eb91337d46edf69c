/* ms-bigsize.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

#include "ms-cursor.h"

G_BEGIN_DECLS

#define MS_BIGSIZE_MAX_LEN 9

gsize    ms_bigsize_len    (guint64       value);
gsize    ms_bigsize_write  (guint64       value,
                            guint8        out[MS_BIGSIZE_MAX_LEN]);
void     ms_bigsize_append (GByteArray   *array,
                            guint64       value);
guint64  ms_bigsize_pull   (MsCursor     *cursor,
                            const char   *what);
gboolean ms_bigsize_decode (const guint8 *data,
                            gsize         len,
                            guint64      *value,
                            gsize        *consumed,
                            GError      **error);

G_END_DECLS
