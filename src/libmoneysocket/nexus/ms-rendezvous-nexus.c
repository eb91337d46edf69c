/* ms-rendezvous-nexus.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-nexus-private.h"
#include "ms-rendezvous-nexus.h"

struct _MsRendezvousNexus
{
  MsNexus  parent_instance;

  char    *rendezvous_id;
  char    *request_uuid;
  guint    waiting : 1;
};

G_DEFINE_FINAL_TYPE (MsRendezvousNexus, ms_rendezvous_nexus, MS_TYPE_NEXUS)

enum {
  PROP_0,
  PROP_WAITING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_waiting (MsRendezvousNexus *self,
             gboolean           waiting)
{
  if (self->waiting == !!waiting)
    return;

  self->waiting = !!waiting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING]);
}

/* PROTOCOL.md 16: "Send exactly one REQUEST_RENDEZVOUS per socket." */
static void
ms_rendezvous_nexus_start (MsNexus *nexus)
{
  MsRendezvousNexus *self = MS_RENDEZVOUS_NEXUS (nexus);
  g_autoptr(MsMessage) request = NULL;

  g_return_if_fail (self->rendezvous_id != NULL);

  request = ms_message_new_request_rendezvous (self->rendezvous_id);
  g_free (self->request_uuid);
  self->request_uuid = g_strdup (ms_message_get_uuid (request));
  ms_nexus_send (nexus, request);
}

static gboolean
ms_rendezvous_nexus_handle_message (MsNexus   *nexus,
                                    MsMessage *message)
{
  MsRendezvousNexus *self = MS_RENDEZVOUS_NEXUS (nexus);

  switch (ms_message_get_message_type (message))
    {
    case MS_MESSAGE_NOTIFY_RENDEZVOUS:
      set_waiting (self, FALSE);
      _ms_nexus_set_ready (nexus);
      return TRUE;

    case MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY:
      /* No timeout exists in the references: keep waiting for the peer. */
      set_waiting (self, TRUE);
      return TRUE;

    case MS_MESSAGE_NOTIFY_RENDEZVOUS_END:
      /* PROTOCOL.md 7.2: "the peer closes its WebSocket". */
      ms_nexus_close (nexus);
      return TRUE;

    case MS_MESSAGE_REQUEST_RENDEZVOUS:
      /* Only relays answer these; a peer sending one is confused. */
      return TRUE;

    case MS_MESSAGE_REQUEST_PROVIDER:
    case MS_MESSAGE_REQUEST_PING:
    case MS_MESSAGE_REQUEST_INVOICE:
    case MS_MESSAGE_REQUEST_PAY:
    case MS_MESSAGE_REQUEST_OPINION_SELLER:
    case MS_MESSAGE_REQUEST_OPINION_INVOICE:
    case MS_MESSAGE_NOTIFY_PROVIDER:
    case MS_MESSAGE_NOTIFY_PROVIDER_NOT_READY:
    case MS_MESSAGE_NOTIFY_PONG:
    case MS_MESSAGE_NOTIFY_INVOICE:
    case MS_MESSAGE_NOTIFY_PREIMAGE:
    case MS_MESSAGE_NOTIFY_ERROR:
    case MS_MESSAGE_NOTIFY_OPINION_SELLER:
    case MS_MESSAGE_NOTIFY_OPINION_SELLER_NOT_READY:
    case MS_MESSAGE_NOTIFY_OPINION_INVOICE:
    case MS_MESSAGE_NOTIFY_OPINION:
      /* Nothing may reach the layers above before the pair exists. */
      return !ms_nexus_get_ready (nexus);
    }

  return TRUE;
}

static void
ms_rendezvous_nexus_finalize (GObject *object)
{
  MsRendezvousNexus *self = MS_RENDEZVOUS_NEXUS (object);

  g_free (self->rendezvous_id);
  g_free (self->request_uuid);

  G_OBJECT_CLASS (ms_rendezvous_nexus_parent_class)->finalize (object);
}

static void
ms_rendezvous_nexus_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MsRendezvousNexus *self = MS_RENDEZVOUS_NEXUS (object);

  switch (prop_id)
    {
    case PROP_WAITING:
      g_value_set_boolean (value, self->waiting);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_rendezvous_nexus_class_init (MsRendezvousNexusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MsNexusClass *nexus_class = MS_NEXUS_CLASS (klass);

  object_class->finalize = ms_rendezvous_nexus_finalize;
  object_class->get_property = ms_rendezvous_nexus_get_property;

  nexus_class->start = ms_rendezvous_nexus_start;
  nexus_class->handle_message = ms_rendezvous_nexus_handle_message;

  /* TRUE while the relay reported NOT_READY: the other side is not there yet. */
  properties[PROP_WAITING] =
    g_param_spec_boolean ("waiting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ms_rendezvous_nexus_init (MsRendezvousNexus *self)
{
}

void
ms_rendezvous_nexus_set_rendezvous_id (MsRendezvousNexus *self,
                                       const char        *rendezvous_id)
{
  g_return_if_fail (MS_IS_RENDEZVOUS_NEXUS (self));
  g_return_if_fail (rendezvous_id != NULL);

  g_free (self->rendezvous_id);
  self->rendezvous_id = g_strdup (rendezvous_id);
}

const char *
ms_rendezvous_nexus_get_rendezvous_id (MsRendezvousNexus *self)
{
  g_return_val_if_fail (MS_IS_RENDEZVOUS_NEXUS (self), NULL);

  return self->rendezvous_id;
}

gboolean
ms_rendezvous_nexus_get_waiting (MsRendezvousNexus *self)
{
  g_return_val_if_fail (MS_IS_RENDEZVOUS_NEXUS (self), FALSE);

  return self->waiting;
}
