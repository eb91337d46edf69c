/* ms-cursor.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-cursor.h"
#include "ms-error.h"

void
ms_cursor_init (MsCursor     *cursor,
                const guint8 *data,
                gsize         len)
{
  g_return_if_fail (cursor != NULL);
  g_return_if_fail (data != NULL || len == 0);

  cursor->p = data;
  cursor->remaining = len;
  cursor->error = NULL;
}

void
ms_cursor_clear (MsCursor *cursor)
{
  g_return_if_fail (cursor != NULL);

  g_clear_error (&cursor->error);
  cursor->p = NULL;
  cursor->remaining = 0;
}

void
ms_cursor_fail (MsCursor   *cursor,
                GQuark      domain,
                gint        code,
                const char *format,
                ...)
{
  va_list args;

  g_return_if_fail (cursor != NULL);

  /* Only the first failure is kept: it is the cause, the rest are echoes. */
  if (cursor->error == NULL)
    {
      va_start (args, format);
      cursor->error = g_error_new_valist (domain, code, format, args);
      va_end (args);
    }

  cursor->p = NULL;
  cursor->remaining = 0;
}

gboolean
ms_cursor_failed (const MsCursor *cursor)
{
  g_return_val_if_fail (cursor != NULL, TRUE);

  return cursor->error != NULL;
}

/* Moves the cursor's error (if any) into @error; returns TRUE when there was none. */
gboolean
ms_cursor_propagate (MsCursor  *cursor,
                     GError   **error)
{
  g_return_val_if_fail (cursor != NULL, FALSE);

  if (cursor->error == NULL)
    return TRUE;

  g_propagate_error (error, g_steal_pointer (&cursor->error));
  return FALSE;
}

/* Returns @len bytes and advances, or NULL (poisoning the cursor) on a short read. */
const guint8 *
ms_cursor_pull (MsCursor   *cursor,
                gsize       len,
                const char *what)
{
  const guint8 *p;

  g_return_val_if_fail (cursor != NULL, NULL);

  if (cursor->error != NULL)
    return NULL;

  if (len > cursor->remaining)
    {
      ms_cursor_fail (cursor, MS_ENCODING_ERROR, MS_ENCODING_ERROR_TRUNCATED,
                      "%s truncated: need %" G_GSIZE_FORMAT " bytes, %" G_GSIZE_FORMAT " left",
                      what, len, cursor->remaining);
      return NULL;
    }

  p = cursor->p;
  cursor->p += len;
  cursor->remaining -= len;
  return p;
}

guint8
ms_cursor_pull_u8 (MsCursor   *cursor,
                   const char *what)
{
  const guint8 *p = ms_cursor_pull (cursor, 1, what);

  return p != NULL ? *p : 0;
}
