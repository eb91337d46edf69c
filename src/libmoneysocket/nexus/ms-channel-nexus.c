/* ms-channel-nexus.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-channel-nexus.h"
#include "ms-frame.h"
#include "ms-nexus-private.h"

struct _MsChannelNexus
{
  MsNexus     parent_instance;

  MsChannel  *channel;
  MsCipher   *cipher;
  GByteArray *out;
  gulong      closed_handler;
  guint64     n_dropped;
};

G_DEFINE_FINAL_TYPE (MsChannelNexus, ms_channel_nexus, MS_TYPE_NEXUS)

static void
receive_cb (MsChannel    *channel,
            const guint8 *data,
            gsize         len,
            gpointer      user_data)
{
  MsChannelNexus *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsMessage) message = NULL;

  message = ms_frame_decode (data, len, self->cipher, &error);
  if (message == NULL)
    {
      /* PROTOCOL.md 5.4: "drop; do not close". Never log the payload. */
      self->n_dropped++;
      g_debug ("dropped a %" G_GSIZE_FORMAT "-byte frame from %s: %s",
               len, ms_channel_get_peer_address (channel), error->message);
      return;
    }

  g_object_ref (self);
  _ms_nexus_pass_up (MS_NEXUS (self), message);
  g_object_unref (self);
}

static void
channel_closed_cb (MsChannel      *channel,
                   MsChannelNexus *self)
{
  _ms_nexus_mark_closed (MS_NEXUS (self));
}

static void
ms_channel_nexus_send (MsNexus   *nexus,
                       MsMessage *message)
{
  MsChannelNexus *self = MS_CHANNEL_NEXUS (nexus);

  g_byte_array_set_size (self->out, 0);
  ms_frame_encode_into (message, self->cipher, self->out);
  ms_channel_send (self->channel, self->out->data, self->out->len);
}

static void
ms_channel_nexus_close (MsNexus *nexus)
{
  MsChannelNexus *self = MS_CHANNEL_NEXUS (nexus);

  ms_channel_close (self->channel, MS_WS_CLOSE_NORMAL, NULL);
  if (ms_channel_is_closed (self->channel))
    _ms_nexus_mark_closed (nexus);
}

static void
ms_channel_nexus_dispose (GObject *object)
{
  MsChannelNexus *self = MS_CHANNEL_NEXUS (object);

  if (self->channel != NULL)
    {
      g_clear_signal_handler (&self->closed_handler, self->channel);
      ms_channel_set_receive_func (self->channel, NULL, NULL, NULL);
      if (!ms_channel_is_closed (self->channel))
        ms_channel_close (self->channel, MS_WS_CLOSE_GOING_AWAY, NULL);
      g_clear_object (&self->channel);
    }
  g_clear_pointer (&self->cipher, ms_cipher_free);
  g_clear_pointer (&self->out, g_byte_array_unref);

  G_OBJECT_CLASS (ms_channel_nexus_parent_class)->dispose (object);
}

static void
ms_channel_nexus_class_init (MsChannelNexusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MsNexusClass *nexus_class = MS_NEXUS_CLASS (klass);

  object_class->dispose = ms_channel_nexus_dispose;

  nexus_class->send = ms_channel_nexus_send;
  nexus_class->close = ms_channel_nexus_close;
}

static void
ms_channel_nexus_init (MsChannelNexus *self)
{
  self->out = g_byte_array_sized_new (1024);
}

/*
 * With @seed NULL the nexus has no key: it sends in the clear and cannot
 * read cyphertext (a relay's view of a socket).
 */
MsNexus *
ms_channel_nexus_new (MsChannel          *channel,
                      const MsSharedSeed *seed)
{
  MsChannelNexus *self;

  g_return_val_if_fail (MS_IS_CHANNEL (channel), NULL);

  self = g_object_new (MS_TYPE_CHANNEL_NEXUS, NULL);
  self->channel = g_object_ref (channel);
  if (seed != NULL)
    self->cipher = ms_shared_seed_new_cipher (seed);
  ms_channel_set_receive_func (channel, receive_cb, self, NULL);
  self->closed_handler = g_signal_connect (channel, "closed",
                                           G_CALLBACK (channel_closed_cb), self);
  if (ms_channel_is_closed (channel))
    _ms_nexus_mark_closed (MS_NEXUS (self));

  return MS_NEXUS (self);
}

MsChannel *
ms_channel_nexus_get_channel (MsChannelNexus *self)
{
  g_return_val_if_fail (MS_IS_CHANNEL_NEXUS (self), NULL);

  return self->channel;
}

guint64
ms_channel_nexus_get_n_dropped (MsChannelNexus *self)
{
  g_return_val_if_fail (MS_IS_CHANNEL_NEXUS (self), 0);

  return self->n_dropped;
}
