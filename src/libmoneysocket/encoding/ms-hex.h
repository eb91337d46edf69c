/* ms-hex.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *ms_hex_encode      (const guint8  *data,
                              gsize          len) G_GNUC_WARN_UNUSED_RESULT;
void      ms_hex_encode_into (const guint8  *data,
                              gsize          len,
                              char          *out);
gboolean  ms_hex_decode_into (const char    *hex,
                              gsize          hex_len,
                              guint8        *out,
                              gsize          out_len,
                              GError       **error);
GBytes   *ms_hex_decode      (const char    *hex,
                              gsize          hex_len,
                              GError       **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  ms_hex_is_valid    (const char    *hex,
                              gsize          hex_len);

G_END_DECLS
