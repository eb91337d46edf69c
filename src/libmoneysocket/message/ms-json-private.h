/* ms-json-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <string.h>

#include "ms-json.h"

G_BEGIN_DECLS

/*
 * g_string_append_len() of GLib 2.74 is a call into the general insert
 * code; the JSON writers append many short pieces on the path of every
 * frame, so they copy directly while the buffer has room.
 */
static inline void
_ms_json_put (GString    *out,
              const char *bytes,
              gsize       len)
{
  if (G_LIKELY (out->len + len < out->allocated_len))
    {
      memcpy (out->str + out->len, bytes, len);
      out->len += len;
      out->str[out->len] = '\0';
    }
  else
    {
      g_string_append_len (out, bytes, len);
    }
}

G_END_DECLS
