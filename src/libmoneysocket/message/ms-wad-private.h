/* ms-wad-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-json.h"
#include "ms-wad.h"

G_BEGIN_DECLS

MsWad *_ms_wad_from_json   (const MsJsonValue  *value,
                            GError            **error);
void   _ms_wad_append_json (const MsWad        *wad,
                            GString            *out);

G_END_DECLS
