/* ms-cln-plugin.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int ms_cln_plugin_run (void);

G_END_DECLS
