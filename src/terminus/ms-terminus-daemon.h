/* ms-terminus-daemon.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int ms_terminus_daemon_main (int    argc,
                             char **argv);

G_END_DECLS
