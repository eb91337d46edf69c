/* ms-base58.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest payload ms_base58check_encode() takes; addresses use 20 bytes. */
#define MS_BASE58CHECK_MAX_PAYLOAD 64

char *ms_base58_encode      (const guint8 *data,
                             gsize         len) G_GNUC_WARN_UNUSED_RESULT;
char *ms_base58check_encode (guint8        version,
                             const guint8 *payload,
                             gsize         len) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
