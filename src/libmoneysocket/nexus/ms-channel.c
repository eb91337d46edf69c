/* ms-channel.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-channel.h"

struct _MsChannel
{
  GObject               parent_instance;

  /* A WebSocket channel: */
  MsWsConnection       *connection;
  gulong                closed_handler;

  /* An in-process channel: frames sent here are queued for the peer and
   * delivered from an idle callback, so a handler that answers from inside
   * its receive function never re-enters the sender. */
  MsChannel            *peer;          /* weak, cleared when either end goes */
  GQueue                inbox;         /* GBytes */
  guint                 inbox_source;
  guint                 close_pending : 1;

  guint                 closed : 1;
  char                 *peer_address;

  MsChannelReceiveFunc  receive_func;
  gpointer              receive_data;
  GDestroyNotify        receive_destroy;
};

G_DEFINE_FINAL_TYPE (MsChannel, ms_channel, G_TYPE_OBJECT)

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
mark_closed (MsChannel *self)
{
  if (self->closed)
    return;

  self->closed = TRUE;
  g_object_ref (self);
  g_signal_emit (self, signals[CLOSED], 0);
  g_object_unref (self);
}

static void
detach_connection (MsChannel *self)
{
  if (self->connection == NULL)
    return;

  g_clear_signal_handler (&self->closed_handler, self->connection);
  ms_ws_connection_set_message_func (self->connection, NULL, NULL, NULL);
  g_clear_object (&self->connection);
}

static gboolean
deliver_inbox_cb (gpointer user_data)
{
  MsChannel *self = user_data;
  GBytes *bytes;

  self->inbox_source = 0;
  g_object_ref (self);

  while (!self->closed && (bytes = g_queue_pop_head (&self->inbox)) != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      if (self->receive_func != NULL)
        self->receive_func (self, data, len, self->receive_data);
      g_bytes_unref (bytes);
    }

  if (self->close_pending)
    mark_closed (self);

  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_delivery (MsChannel *self)
{
  if (self->inbox_source == 0)
    self->inbox_source = g_idle_add_full (G_PRIORITY_DEFAULT, deliver_inbox_cb, self, NULL);
}

static void
ms_channel_dispose (GObject *object)
{
  MsChannel *self = MS_CHANNEL (object);

  if (self->connection != NULL && ms_ws_connection_get_state (self->connection) == MS_WS_STATE_OPEN)
    ms_ws_connection_close (self->connection, MS_WS_CLOSE_GOING_AWAY, NULL);
  detach_connection (self);

  if (self->peer != NULL)
    {
      MsChannel *peer = self->peer;

      /* The other end sees us go like a closed socket. */
      self->peer = NULL;
      peer->peer = NULL;
      if (!peer->closed)
        {
          peer->close_pending = TRUE;
          schedule_delivery (peer);
        }
    }

  g_clear_handle_id (&self->inbox_source, g_source_remove);
  g_queue_clear_full (&self->inbox, (GDestroyNotify) g_bytes_unref);

  if (self->receive_destroy != NULL)
    self->receive_destroy (self->receive_data);
  self->receive_func = NULL;
  self->receive_destroy = NULL;
  self->receive_data = NULL;

  G_OBJECT_CLASS (ms_channel_parent_class)->dispose (object);
}

static void
ms_channel_finalize (GObject *object)
{
  MsChannel *self = MS_CHANNEL (object);

  g_free (self->peer_address);

  G_OBJECT_CLASS (ms_channel_parent_class)->finalize (object);
}

static void
ms_channel_class_init (MsChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_channel_dispose;
  object_class->finalize = ms_channel_finalize;

  /**
   * MsChannel::closed:
   *
   * The channel will carry no more frames. Emitted once.
   */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ms_channel_init (MsChannel *self)
{
  g_queue_init (&self->inbox);
}

static void
connection_message_cb (MsWsConnection *connection,
                       const guint8   *data,
                       gsize           len,
                       gpointer        user_data)
{
  MsChannel *self = user_data;

  if (self->receive_func != NULL)
    self->receive_func (self, data, len, self->receive_data);
}

static void
connection_closed_cb (MsWsConnection *connection,
                      guint           code,
                      const char     *reason,
                      gpointer        user_data)
{
  MsChannel *self = user_data;

  mark_closed (self);
}

MsChannel *
ms_channel_new_for_connection (MsWsConnection *connection)
{
  MsChannel *self;

  g_return_val_if_fail (MS_IS_WS_CONNECTION (connection), NULL);

  self = g_object_new (MS_TYPE_CHANNEL, NULL);
  self->connection = g_object_ref (connection);
  self->peer_address = g_strdup (ms_ws_connection_get_peer_address (connection));
  ms_ws_connection_set_message_func (connection, connection_message_cb, self, NULL);
  self->closed_handler = g_signal_connect (connection, "closed",
                                           G_CALLBACK (connection_closed_cb), self);
  if (ms_ws_connection_get_state (connection) == MS_WS_STATE_CLOSED)
    self->closed = TRUE;

  return self;
}

/* Two connected in-process ends; each holds only a weak pointer to the other. */
void
ms_channel_new_pair (MsChannel **a,
                     MsChannel **b)
{
  MsChannel *one = g_object_new (MS_TYPE_CHANNEL, NULL);
  MsChannel *two = g_object_new (MS_TYPE_CHANNEL, NULL);

  g_return_if_fail (a != NULL && b != NULL);

  one->peer = two;
  two->peer = one;
  one->peer_address = g_strdup ("local");
  two->peer_address = g_strdup ("local");
  *a = one;
  *b = two;
}

void
ms_channel_set_receive_func (MsChannel            *self,
                             MsChannelReceiveFunc  func,
                             gpointer              user_data,
                             GDestroyNotify        destroy)
{
  g_return_if_fail (MS_IS_CHANNEL (self));

  if (self->receive_destroy != NULL)
    self->receive_destroy (self->receive_data);

  self->receive_func = func;
  self->receive_data = user_data;
  self->receive_destroy = destroy;
}

void
ms_channel_send (MsChannel    *self,
                 const guint8 *data,
                 gsize         len)
{
  g_return_if_fail (MS_IS_CHANNEL (self));
  g_return_if_fail (data != NULL || len == 0);

  if (self->closed)
    return;

  if (self->connection != NULL)
    {
      ms_ws_connection_send (self->connection, data, len);
    }
  else if (self->peer != NULL && !self->peer->close_pending)
    {
      g_queue_push_tail (&self->peer->inbox, g_bytes_new (data, len));
      schedule_delivery (self->peer);
    }
}

void
ms_channel_close (MsChannel  *self,
                  gushort     code,
                  const char *reason)
{
  g_return_if_fail (MS_IS_CHANNEL (self));

  if (self->closed)
    return;

  if (self->connection != NULL)
    {
      /* "closed" follows from the connection once the close handshake ends. */
      ms_ws_connection_close (self->connection, code, reason);
      if (ms_ws_connection_get_state (self->connection) == MS_WS_STATE_CLOSED)
        mark_closed (self);
      return;
    }

  if (self->peer != NULL)
    {
      MsChannel *peer = self->peer;

      /* Frames already sent still reach the peer before it sees the close. */
      self->peer = NULL;
      peer->peer = NULL;
      peer->close_pending = TRUE;
      schedule_delivery (peer);
    }

  g_queue_clear_full (&self->inbox, (GDestroyNotify) g_bytes_unref);
  mark_closed (self);
}

gboolean
ms_channel_is_closed (MsChannel *self)
{
  g_return_val_if_fail (MS_IS_CHANNEL (self), TRUE);

  return self->closed;
}

const char *
ms_channel_get_peer_address (MsChannel *self)
{
  g_return_val_if_fail (MS_IS_CHANNEL (self), NULL);

  return self->peer_address;
}

/* The WebSocket behind the channel, or NULL for an in-process channel. */
MsWsConnection *
ms_channel_get_connection (MsChannel *self)
{
  g_return_val_if_fail (MS_IS_CHANNEL (self), NULL);

  return self->connection;
}
