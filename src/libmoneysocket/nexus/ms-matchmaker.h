/* ms-matchmaker.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "ms-channel.h"
#include "ms-ws-listener.h"

G_BEGIN_DECLS

/*
 * The incoming rendezvous and relay layers (PROTOCOL.md 10): pairs the two
 * channels that present the same rendezvous id, then copies frames between
 * them untouched. Used by moneysocket-relay, and embedded by anything that
 * lets consumers connect to it directly (11.3).
 */

#define MS_TYPE_MATCHMAKER (ms_matchmaker_get_type ())

G_DECLARE_FINAL_TYPE (MsMatchmaker, ms_matchmaker, MS, MATCHMAKER, GObject)

MsMatchmaker *ms_matchmaker_new                (void) G_GNUC_WARN_UNUSED_RESULT;
void          ms_matchmaker_add_channel        (MsMatchmaker *self,
                                                MsChannel    *channel);
void          ms_matchmaker_attach_listener    (MsMatchmaker *self,
                                                MsWsListener *listener);
void          ms_matchmaker_close_all          (MsMatchmaker *self);
guint         ms_matchmaker_get_n_channels     (MsMatchmaker *self);
guint         ms_matchmaker_get_n_waiting      (MsMatchmaker *self);
guint         ms_matchmaker_get_n_pairs        (MsMatchmaker *self);
guint64       ms_matchmaker_get_n_pairings     (MsMatchmaker *self);
guint64       ms_matchmaker_get_n_forwarded    (MsMatchmaker *self);
guint64       ms_matchmaker_get_n_refused      (MsMatchmaker *self);
guint64       ms_matchmaker_get_n_dropped      (MsMatchmaker *self);

G_END_DECLS
