/* ms-stack.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "ms-beacon.h"
#include "ms-matchmaker.h"
#include "ms-nexus.h"

G_BEGIN_DECLS

/*
 * What consumer and provider stacks share: one beacon, one connection at a
 * time through its first location (or registered with an embedded
 * matchmaker), its progress as a state, and reconnection with backoff.
 */

#define MS_TYPE_STACK       (ms_stack_get_type ())
#define MS_TYPE_STACK_STATE (ms_stack_state_get_type ())

/**
 * MsStackState:
 * @MS_STACK_STATE_DISCONNECTED: no beacon, or stopped
 * @MS_STACK_STATE_CONNECTING: opening the WebSocket (or registering locally)
 * @MS_STACK_STATE_RENDEZVOUS: at the relay, waiting for the other side
 * @MS_STACK_STATE_HANDSHAKE: paired, exchanging provider info
 * @MS_STACK_STATE_READY: connected: requests can be made and answered
 * @MS_STACK_STATE_RECONNECT_WAIT: the connection was lost; retrying after a delay
 */
typedef enum
{
  MS_STACK_STATE_DISCONNECTED,
  MS_STACK_STATE_CONNECTING,
  MS_STACK_STATE_RENDEZVOUS,
  MS_STACK_STATE_HANDSHAKE,
  MS_STACK_STATE_READY,
  MS_STACK_STATE_RECONNECT_WAIT,
} MsStackState;

G_DECLARE_DERIVABLE_TYPE (MsStack, ms_stack, MS, STACK, GObject)

/* Public so that final subclasses can be declared; only the library subclasses it. */
struct _MsStackClass
{
  GObjectClass parent_class;

  /* The top layer announced a nexus: the stack is ready to transact. */
  void (*ready)        (MsStack *self,
                        MsNexus *top);
  /* The connection went away (whatever state it reached). */
  void (*disconnected) (MsStack *self);
};


GType         ms_stack_state_get_type              (void) G_GNUC_CONST;
const char   *ms_stack_state_to_string             (MsStackState     state);

gboolean      ms_stack_connect                     (MsStack         *self,
                                                    MsBeacon        *beacon,
                                                    GError         **error);
MsBeacon     *ms_stack_generate_beacon             (MsStack         *self,
                                                    MsLocation      *location,
                                                    GError         **error) G_GNUC_WARN_UNUSED_RESULT;
MsBeacon     *ms_stack_listen                      (MsStack         *self,
                                                    MsMatchmaker    *matchmaker,
                                                    MsLocation      *advertised,
                                                    const MsSharedSeed *seed) G_GNUC_WARN_UNUSED_RESULT;
void          ms_stack_disconnect                  (MsStack         *self);

MsStackState  ms_stack_get_state                   (MsStack         *self);
MsBeacon     *ms_stack_get_beacon                  (MsStack         *self);
const char   *ms_stack_get_last_error              (MsStack         *self);
gboolean      ms_stack_get_auto_reconnect          (MsStack         *self);
void          ms_stack_set_auto_reconnect          (MsStack         *self,
                                                    gboolean         auto_reconnect);
void          ms_stack_set_pinned_certificate      (MsStack         *self,
                                                    GTlsCertificate *certificate);
void          ms_stack_set_reconnect_delays        (MsStack         *self,
                                                    guint            first_ms,
                                                    guint            max_ms);
guint         ms_stack_get_n_connections           (MsStack         *self);

G_END_DECLS
