/* ms-provider-nexus.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-nexus-private.h"
#include "ms-provider-nexus.h"

struct _MsProviderNexus
{
  MsNexus         parent_instance;

  MsProviderInfo *provider_info;
  /* The uuid of the last REQUEST_PROVIDER or REQUEST_PING seen: what a
   * delayed NOTIFY_PROVIDER references (PROTOCOL.md 7.2). */
  char           *last_request_uuid;
  guint           waiting : 1;
};

G_DEFINE_FINAL_TYPE (MsProviderNexus, ms_provider_nexus, MS_TYPE_NEXUS)

enum {
  PROP_0,
  PROP_WAITING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_waiting (MsProviderNexus *self,
             gboolean         waiting)
{
  if (self->waiting == !!waiting)
    return;

  self->waiting = !!waiting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING]);
}

static void
remember_request (MsProviderNexus *self,
                  MsMessage       *message)
{
  g_free (self->last_request_uuid);
  self->last_request_uuid = g_strdup (ms_message_get_uuid (message));
}

static void
send_provider_info (MsProviderNexus *self,
                    const char      *request_reference_uuid)
{
  g_autoptr(MsMessage) notify = ms_provider_info_to_message (self->provider_info,
                                                             request_reference_uuid);

  ms_nexus_send (MS_NEXUS (self), notify);
}

/*
 * PROTOCOL.md 7.2: answer every REQUEST_PROVIDER. Unlike the Python
 * provider we announce the connection only once, so a repeated
 * REQUEST_PROVIDER never doubles later notifications.
 */
static void
handle_request_provider (MsProviderNexus *self,
                         MsMessage       *message)
{
  g_autoptr(MsMessage) not_ready = NULL;

  remember_request (self, message);

  if (self->provider_info != NULL)
    {
      send_provider_info (self, ms_message_get_uuid (message));
      set_waiting (self, FALSE);
      _ms_nexus_set_ready (MS_NEXUS (self));
      return;
    }

  not_ready = ms_message_new_notify_provider_not_ready (ms_message_get_uuid (message));
  ms_nexus_send (MS_NEXUS (self), not_ready);
  set_waiting (self, TRUE);
}

/* "the Provider's provider layer answers every ping immediately (even before the handshake)". */
static void
handle_request_ping (MsProviderNexus *self,
                     MsMessage       *message)
{
  g_autoptr(MsMessage) pong = ms_message_new_notify_pong (ms_message_get_uuid (message));

  remember_request (self, message);
  ms_nexus_send (MS_NEXUS (self), pong);
}

static gboolean
ms_provider_nexus_handle_message (MsNexus   *nexus,
                                  MsMessage *message)
{
  MsProviderNexus *self = MS_PROVIDER_NEXUS (nexus);

  switch (ms_message_get_message_type (message))
    {
    case MS_MESSAGE_REQUEST_PROVIDER:
      handle_request_provider (self, message);
      return TRUE;

    case MS_MESSAGE_REQUEST_PING:
      handle_request_ping (self, message);
      return TRUE;

    case MS_MESSAGE_REQUEST_RENDEZVOUS:
    case MS_MESSAGE_REQUEST_INVOICE:
    case MS_MESSAGE_REQUEST_PAY:
    case MS_MESSAGE_REQUEST_OPINION_SELLER:
    case MS_MESSAGE_REQUEST_OPINION_INVOICE:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_END:
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
      /* PROTOCOL.md 7.2: requests before the handshake are dropped silently. */
      return !ms_nexus_get_ready (nexus);
    }

  return TRUE;
}

static void
ms_provider_nexus_finalize (GObject *object)
{
  MsProviderNexus *self = MS_PROVIDER_NEXUS (object);

  g_clear_pointer (&self->provider_info, ms_provider_info_unref);
  g_free (self->last_request_uuid);

  G_OBJECT_CLASS (ms_provider_nexus_parent_class)->finalize (object);
}

static void
ms_provider_nexus_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MsProviderNexus *self = MS_PROVIDER_NEXUS (object);

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
ms_provider_nexus_class_init (MsProviderNexusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MsNexusClass *nexus_class = MS_NEXUS_CLASS (klass);

  object_class->finalize = ms_provider_nexus_finalize;
  object_class->get_property = ms_provider_nexus_get_property;

  nexus_class->handle_message = ms_provider_nexus_handle_message;
  /* No start vfunc: a provider waits for REQUEST_PROVIDER. */
  nexus_class->start = NULL;

  /* TRUE after answering NOT_READY, until provider info arrives. */
  properties[PROP_WAITING] =
    g_param_spec_boolean ("waiting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ms_provider_nexus_init (MsProviderNexus *self)
{
}

/*
 * Sets what REQUEST_PROVIDER is answered with; NULL means "not ready".
 * A consumer left waiting is released with NOTIFY_PROVIDER referencing its
 * last request; a connected one gets an unsolicited NOTIFY_PROVIDER (with a
 * null reference, as the Python provider sends) when the info changed.
 */
void
ms_provider_nexus_set_provider_info (MsProviderNexus *self,
                                     MsProviderInfo  *info)
{
  gboolean changed;

  g_return_if_fail (MS_IS_PROVIDER_NEXUS (self));

  changed = !ms_provider_info_equal (self->provider_info, info);
  if (info != NULL)
    ms_provider_info_ref (info);
  g_clear_pointer (&self->provider_info, ms_provider_info_unref);
  self->provider_info = info;

  if (info == NULL || ms_nexus_is_closed (MS_NEXUS (self)))
    return;

  if (self->waiting)
    {
      send_provider_info (self, self->last_request_uuid);
      set_waiting (self, FALSE);
      _ms_nexus_set_ready (MS_NEXUS (self));
    }
  else if (ms_nexus_get_ready (MS_NEXUS (self)) && changed)
    {
      send_provider_info (self, NULL);
    }
}

MsProviderInfo *
ms_provider_nexus_get_provider_info (MsProviderNexus *self)
{
  g_return_val_if_fail (MS_IS_PROVIDER_NEXUS (self), NULL);

  return self->provider_info;
}

gboolean
ms_provider_nexus_get_waiting (MsProviderNexus *self)
{
  g_return_val_if_fail (MS_IS_PROVIDER_NEXUS (self), FALSE);

  return self->waiting;
}
