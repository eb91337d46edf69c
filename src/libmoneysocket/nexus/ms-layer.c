/* ms-layer.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-layer.h"
#include "ms-nexus-private.h"

struct _MsLayer
{
  GObject           parent_instance;

  GType             nexus_type;
  GObject          *context;     /* weak */
  MsLayer          *above;       /* weak: a stack owns all its layers */
  GListStore       *nexuses;     /* MsNexus this layer created, until revoked */
  MsLayerSetupFunc  setup_func;
  gpointer          setup_data;
};

G_DEFINE_FINAL_TYPE (MsLayer, ms_layer, G_TYPE_OBJECT)

enum {
  ANNOUNCED,
  REVOKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
nexus_ready_cb (MsNexus *nexus,
                MsLayer *self)
{
  if (self->above != NULL)
    ms_layer_announce (self->above, nexus);

  g_signal_emit (self, signals[ANNOUNCED], 0, nexus);
}

static void
nexus_closed_cb (MsNexus *nexus,
                 MsLayer *self)
{
  guint position;

  g_signal_handlers_disconnect_by_data (nexus, self);
  if (g_list_store_find (self->nexuses, nexus, &position))
    {
      g_object_ref (nexus);
      g_list_store_remove (self->nexuses, position);
      if (ms_nexus_get_ready (nexus))
        g_signal_emit (self, signals[REVOKED], 0, nexus);
      g_object_unref (nexus);
    }
}

static void
ms_layer_dispose (GObject *object)
{
  MsLayer *self = MS_LAYER (object);

  if (self->nexuses != NULL)
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->nexuses)); i++)
        {
          g_autoptr(MsNexus) nexus = g_list_model_get_item (G_LIST_MODEL (self->nexuses), i);

          g_signal_handlers_disconnect_by_data (nexus, self);
        }
      g_clear_object (&self->nexuses);
    }
  g_clear_weak_pointer (&self->context);
  g_clear_weak_pointer (&self->above);

  G_OBJECT_CLASS (ms_layer_parent_class)->dispose (object);
}

static void
ms_layer_class_init (MsLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_layer_dispose;

  /**
   * MsLayer::announced:
   * @nexus: a nexus of this layer whose handshake is done
   */
  signals[ANNOUNCED] = g_signal_new ("announced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, MS_TYPE_NEXUS);
  /**
   * MsLayer::revoked:
   * @nexus: an announced nexus whose socket went away
   */
  signals[REVOKED] = g_signal_new ("revoked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, MS_TYPE_NEXUS);
}

static void
ms_layer_init (MsLayer *self)
{
  self->nexuses = g_list_store_new (MS_TYPE_NEXUS);
}

MsLayer *
ms_layer_new (GType    nexus_type,
              GObject *context)
{
  MsLayer *self;

  g_return_val_if_fail (g_type_is_a (nexus_type, MS_TYPE_NEXUS), NULL);
  g_return_val_if_fail (context == NULL || G_IS_OBJECT (context), NULL);

  self = g_object_new (MS_TYPE_LAYER, NULL);
  self->nexus_type = nexus_type;
  g_set_weak_pointer (&self->context, context);

  return self;
}

void
ms_layer_set_setup_func (MsLayer          *self,
                         MsLayerSetupFunc  func,
                         gpointer          user_data)
{
  g_return_if_fail (MS_IS_LAYER (self));

  self->setup_func = func;
  self->setup_data = user_data;
}

void
ms_layer_set_above (MsLayer *self,
                    MsLayer *above)
{
  g_return_if_fail (MS_IS_LAYER (self));
  g_return_if_fail (above == NULL || MS_IS_LAYER (above));

  g_set_weak_pointer (&self->above, above);
}

MsLayer *
ms_layer_get_above (MsLayer *self)
{
  g_return_val_if_fail (MS_IS_LAYER (self), NULL);

  return self->above;
}

/* Wraps @below in a nexus of this layer and starts its handshake. */
MsNexus *
ms_layer_announce (MsLayer *self,
                   MsNexus *below)
{
  g_autoptr(MsNexus) nexus = NULL;

  g_return_val_if_fail (MS_IS_LAYER (self), NULL);
  g_return_val_if_fail (MS_IS_NEXUS (below), NULL);

  if (ms_nexus_is_closed (below))
    return NULL;

  nexus = g_object_new (self->nexus_type, "below", below, "context", self->context, NULL);
  g_list_store_append (self->nexuses, nexus);
  g_signal_connect (nexus, "ready", G_CALLBACK (nexus_ready_cb), self);
  g_signal_connect (nexus, "closed", G_CALLBACK (nexus_closed_cb), self);

  if (self->setup_func != NULL)
    self->setup_func (self, nexus, self->setup_data);
  _ms_nexus_start (nexus);

  /* Borrowed: the layer holds it until it is revoked. */
  return ms_nexus_is_closed (nexus) ? NULL : nexus;
}

/* The nexuses of this layer that are alive, announced or not. */
GListModel *
ms_layer_get_nexuses (MsLayer *self)
{
  g_return_val_if_fail (MS_IS_LAYER (self), NULL);

  return G_LIST_MODEL (self->nexuses);
}

GType
ms_layer_get_nexus_type (MsLayer *self)
{
  g_return_val_if_fail (MS_IS_LAYER (self), G_TYPE_INVALID);

  return self->nexus_type;
}
