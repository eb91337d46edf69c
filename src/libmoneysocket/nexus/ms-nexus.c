/* ms-nexus.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-crypto.h"
#include "ms-nexus-private.h"

typedef struct
{
  MsNexus *below;
  GObject *context;
  gulong   below_message_handler;
  gulong   below_closed_handler;
  char     uuid[MS_UUID_STRING_LEN + 1];
  guint    started : 1;
  guint    ready : 1;
  guint    closed : 1;
} MsNexusPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (MsNexus, ms_nexus, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BELOW,
  PROP_CONTEXT,
  PROP_READY,
  N_PROPS
};

enum {
  MESSAGE,
  READY,
  CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
below_message_cb (MsNexus   *below,
                  MsMessage *message,
                  MsNexus   *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  if (priv->closed)
    return;

  if (!MS_NEXUS_GET_CLASS (self)->handle_message (self, message))
    _ms_nexus_pass_up (self, message);
}

static void
below_closed_cb (MsNexus *below,
                 MsNexus *self)
{
  _ms_nexus_mark_closed (self);
}

static gboolean
ms_nexus_real_handle_message (MsNexus   *self,
                              MsMessage *message)
{
  return FALSE;
}

static void
ms_nexus_real_send (MsNexus   *self,
                    MsMessage *message)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  if (priv->below != NULL)
    ms_nexus_send (priv->below, message);
}

static void
ms_nexus_real_close (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  if (priv->below != NULL)
    ms_nexus_close (priv->below);
  else
    _ms_nexus_mark_closed (self);
}

static void
ms_nexus_constructed (GObject *object)
{
  MsNexus *self = MS_NEXUS (object);
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  G_OBJECT_CLASS (ms_nexus_parent_class)->constructed (object);

  if (priv->below != NULL)
    {
      priv->below_message_handler = g_signal_connect (priv->below, "message",
                                                      G_CALLBACK (below_message_cb), self);
      priv->below_closed_handler = g_signal_connect (priv->below, "closed",
                                                     G_CALLBACK (below_closed_cb), self);
      if (ms_nexus_is_closed (priv->below))
        priv->closed = TRUE;
    }
}

static void
ms_nexus_dispose (GObject *object)
{
  MsNexus *self = MS_NEXUS (object);
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  if (priv->below != NULL)
    {
      g_clear_signal_handler (&priv->below_message_handler, priv->below);
      g_clear_signal_handler (&priv->below_closed_handler, priv->below);
      g_clear_object (&priv->below);
    }
  g_clear_weak_pointer (&priv->context);

  G_OBJECT_CLASS (ms_nexus_parent_class)->dispose (object);
}

static void
ms_nexus_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  MsNexus *self = MS_NEXUS (object);
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_BELOW:
      g_value_set_object (value, priv->below);
      break;
    case PROP_CONTEXT:
      g_value_set_object (value, priv->context);
      break;
    case PROP_READY:
      g_value_set_boolean (value, priv->ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_nexus_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  MsNexus *self = MS_NEXUS (object);
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_BELOW:
      priv->below = g_value_dup_object (value);
      break;
    case PROP_CONTEXT:
      g_set_weak_pointer (&priv->context, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_nexus_class_init (MsNexusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ms_nexus_constructed;
  object_class->dispose = ms_nexus_dispose;
  object_class->get_property = ms_nexus_get_property;
  object_class->set_property = ms_nexus_set_property;

  klass->handle_message = ms_nexus_real_handle_message;
  klass->send = ms_nexus_real_send;
  klass->close = ms_nexus_real_close;

  properties[PROP_BELOW] =
    g_param_spec_object ("below", NULL, NULL, MS_TYPE_NEXUS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* What the layer serves: a stack, whose settings the nexus reads. */
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MsNexus::message:
   * @message: a message this layer does not own
   *
   * Passes a message up to the next layer.
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, MS_TYPE_MESSAGE);
  /**
   * MsNexus::ready:
   *
   * This layer's handshake is done; the layer announces the nexus upward.
   */
  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * MsNexus::closed:
   *
   * The socket below went away. Emitted once, bottom first.
   */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ms_nexus_init (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  ms_uuid_generate (priv->uuid);
}

void
ms_nexus_send (MsNexus   *self,
               MsMessage *message)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  g_return_if_fail (MS_IS_NEXUS (self));
  g_return_if_fail (message != NULL);

  if (priv->closed)
    return;

  MS_NEXUS_GET_CLASS (self)->send (self, message);
}

void
ms_nexus_close (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  g_return_if_fail (MS_IS_NEXUS (self));

  if (priv->closed)
    return;

  MS_NEXUS_GET_CLASS (self)->close (self);
}

MsNexus *
ms_nexus_get_below (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  g_return_val_if_fail (MS_IS_NEXUS (self), NULL);

  return priv->below;
}

MsNexus *
ms_nexus_get_bottom (MsNexus *self)
{
  g_return_val_if_fail (MS_IS_NEXUS (self), NULL);

  while (ms_nexus_get_below (self) != NULL)
    self = ms_nexus_get_below (self);

  return self;
}

GObject *
ms_nexus_get_context (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  g_return_val_if_fail (MS_IS_NEXUS (self), NULL);

  return priv->context;
}

const char *
ms_nexus_get_uuid (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  g_return_val_if_fail (MS_IS_NEXUS (self), NULL);

  return priv->uuid;
}

gboolean
ms_nexus_get_ready (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  g_return_val_if_fail (MS_IS_NEXUS (self), FALSE);

  return priv->ready;
}

gboolean
ms_nexus_is_closed (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  g_return_val_if_fail (MS_IS_NEXUS (self), TRUE);

  return priv->closed;
}

void
_ms_nexus_start (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  g_return_if_fail (MS_IS_NEXUS (self));

  if (priv->started || priv->closed)
    return;

  priv->started = TRUE;
  if (MS_NEXUS_GET_CLASS (self)->start != NULL)
    MS_NEXUS_GET_CLASS (self)->start (self);
  else
    _ms_nexus_set_ready (self);
}

void
_ms_nexus_set_ready (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  g_return_if_fail (MS_IS_NEXUS (self));

  if (priv->ready || priv->closed)
    return;

  priv->ready = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
  g_signal_emit (self, signals[READY], 0);
}

void
_ms_nexus_pass_up (MsNexus   *self,
                   MsMessage *message)
{
  g_return_if_fail (MS_IS_NEXUS (self));

  g_signal_emit (self, signals[MESSAGE], 0, message);
}

void
_ms_nexus_mark_closed (MsNexus *self)
{
  MsNexusPrivate *priv = ms_nexus_get_instance_private (self);

  g_return_if_fail (MS_IS_NEXUS (self));

  if (priv->closed)
    return;

  priv->closed = TRUE;
  g_object_ref (self);
  if (MS_NEXUS_GET_CLASS (self)->closed != NULL)
    MS_NEXUS_GET_CLASS (self)->closed (self);
  g_signal_emit (self, signals[CLOSED], 0);
  g_object_unref (self);
}
