/* ms-lnd-watch-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-lightning.h"
#include "ms-lnd-rest-private.h"

G_BEGIN_DECLS

/*
 * Follows LND's settled invoices from a settle index on, across lost
 * connections and node restarts.
 */

typedef struct _MsLndWatch MsLndWatch;

typedef void (*MsLndSettledFunc) (const MsLnSettlement *settlement,
                                  gpointer              user_data);
typedef void (*MsLndLostFunc)    (const GError         *error,
                                  gpointer              user_data);

MsLndWatch *_ms_lnd_watch_new        (MsLndRest        *rest,
                                      MsLndSettledFunc  settled,
                                      MsLndLostFunc     lost,
                                      gpointer          user_data);
void        _ms_lnd_watch_free       (MsLndWatch       *watch);
void        _ms_lnd_watch_start      (MsLndWatch       *watch,
                                      guint64           after_index);
void        _ms_lnd_watch_stop       (MsLndWatch       *watch);
void        _ms_lnd_watch_set_delays (MsLndWatch       *watch,
                                      guint             initial_ms,
                                      guint             max_ms);

G_END_DECLS
