/* ms-cursor.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MsCursor:
 * @p: the next unread byte
 * @remaining: bytes left after @p
 * @error: the first failure; once set the cursor is poisoned
 *
 * A read position in a buffer. Every pull checks the remaining length, and
 * the first failure poisons the cursor: later pulls return nothing, so a
 * decoder may pull a whole structure and check once at the end.
 */
typedef struct
{
  const guint8 *p;
  gsize         remaining;
  GError       *error;
} MsCursor;

void          ms_cursor_init        (MsCursor     *cursor,
                                     const guint8 *data,
                                     gsize         len);
void          ms_cursor_clear       (MsCursor     *cursor);
void          ms_cursor_fail        (MsCursor     *cursor,
                                     GQuark        domain,
                                     gint          code,
                                     const char   *format,
                                     ...) G_GNUC_PRINTF (4, 5);
gboolean      ms_cursor_failed      (const MsCursor *cursor);
gboolean      ms_cursor_propagate   (MsCursor     *cursor,
                                     GError      **error);
const guint8 *ms_cursor_pull        (MsCursor     *cursor,
                                     gsize         len,
                                     const char   *what);
guint8        ms_cursor_pull_u8     (MsCursor     *cursor,
                                     const char   *what);

G_END_DECLS
