/* bench-util.c: what the benchmarks share
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "bench-util.h"

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

double
bench_percentile (GArray *values,
                  double  p)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_int64);
  return (double) g_array_index (values, gint64, (guint) ((values->len - 1) * p));
}
