/* bench-util.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The @p quantile (0 to 1) of @values, a GArray of gint64; sorts it. */
double bench_percentile (GArray *values,
                         double  p);

G_END_DECLS
