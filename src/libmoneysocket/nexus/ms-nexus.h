/* ms-nexus.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

#include "ms-channel.h"
#include "ms-message.h"

G_BEGIN_DECLS

/*
 * PROTOCOL.md 9: each socket is represented, at each layer of a stack, by a
 * nexus wrapping the nexus below. A nexus consumes the messages its layer
 * owns and passes the rest up ("message"); sending goes down to the socket.
 * A nexus becomes "ready" when its layer's handshake is done, and "closed"
 * when the socket goes away.
 */

#define MS_TYPE_NEXUS (ms_nexus_get_type ())

G_DECLARE_DERIVABLE_TYPE (MsNexus, ms_nexus, MS, NEXUS, GObject)

/* Public so that final subclasses can be declared; only the library subclasses it. */
struct _MsNexusClass
{
  GObjectClass parent_class;

  /* Begin this layer's handshake; called once the nexus is wired to below. */
  void     (*start)          (MsNexus   *self);
  /* A message from below; return TRUE when this layer owns it. */
  gboolean (*handle_message) (MsNexus   *self,
                              MsMessage *message);
  void     (*send)           (MsNexus   *self,
                              MsMessage *message);
  void     (*close)          (MsNexus   *self);
  /* The socket went away; stop timers, fail what waits. */
  void     (*closed)         (MsNexus   *self);
};


void        ms_nexus_send        (MsNexus   *self,
                                  MsMessage *message);
void        ms_nexus_close       (MsNexus   *self);
MsNexus    *ms_nexus_get_below   (MsNexus   *self);
MsNexus    *ms_nexus_get_bottom  (MsNexus   *self);
GObject    *ms_nexus_get_context (MsNexus   *self);
const char *ms_nexus_get_uuid    (MsNexus   *self);
gboolean    ms_nexus_get_ready   (MsNexus   *self);
gboolean    ms_nexus_is_closed   (MsNexus   *self);

G_END_DECLS
