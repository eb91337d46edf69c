/* ms-matchmaker.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-frame.h"
#include "ms-matchmaker.h"

/*
 * One entry per channel. Kept as a plain struct, not a GObject: a relay
 * holds tens of thousands of them.
 */
typedef struct _Peer Peer;
typedef struct _Slot Slot;

struct _Peer
{
  MsMatchmaker *matchmaker;
  MsChannel    *channel;
  Slot         *slot;          /* NULL until a valid REQUEST_RENDEZVOUS */
  Peer         *partner;       /* set while paired */
  char         *request_uuid;  /* of its REQUEST_RENDEZVOUS, for the answers */
  gulong        closed_handler;
};

/* One rendezvous id: a waiting peer, or a pair. */
struct _Slot
{
  char *rendezvous_id;
  Peer *first;
  Peer *second;
};

struct _MsMatchmaker
{
  GObject     parent_instance;

  GHashTable *slots;     /* rendezvous id → Slot */
  GHashTable *peers;     /* Peer set */
  GPtrArray  *listeners;
  GByteArray *out;

  guint       n_waiting;
  guint       n_pairs;
  guint64     n_pairings;
  guint64     n_forwarded;
  guint64     n_refused;
  guint64     n_dropped;
};

G_DEFINE_FINAL_TYPE (MsMatchmaker, ms_matchmaker, G_TYPE_OBJECT)

static void peer_receive_cb (MsChannel *channel, const guint8 *data, gsize len, gpointer user_data);

static void
slot_free (gpointer data)
{
  Slot *slot = data;

  g_free (slot->rendezvous_id);
  g_free (slot);
}

/* Rendezvous messages are always cleartext (PROTOCOL.md 5.4). */
static void
send_to (Peer      *peer,
         MsMessage *message)
{
  MsMatchmaker *self = peer->matchmaker;

  g_byte_array_set_size (self->out, 0);
  ms_frame_encode_into (message, NULL, self->out);
  ms_channel_send (peer->channel, self->out->data, self->out->len);
}

/* A short prefix names the pair in logs without giving out the whole id. */
static char *
rid_prefix (const char *rendezvous_id)
{
  return g_strndup (rendezvous_id, 8);
}

static void
forward_cb (MsChannel    *channel,
            const guint8 *data,
            gsize         len,
            gpointer      user_data)
{
  Peer *peer = user_data;

  /* The partner left: this side is being closed; its last frames go nowhere. */
  if (peer->partner == NULL)
    return;

  /* PROTOCOL.md 10.2: frames are forwarded byte for byte, in order. */
  peer->matchmaker->n_forwarded++;
  ms_channel_send (peer->partner->channel, data, len);
}

/*
 * PROTOCOL.md 10.1 rule 2: pair S with the waiting W; "send NOTIFY_RENDEZVOUS
 * to S (referencing S's request), then to W (referencing W's request)", both
 * before any forwarded frame.
 */
static void
pair (MsMatchmaker *self,
      Slot         *slot,
      Peer         *newcomer)
{
  Peer *waiting = slot->first;
  g_autoptr(MsMessage) to_newcomer = NULL;
  g_autoptr(MsMessage) to_waiting = NULL;
  g_autofree char *prefix = rid_prefix (slot->rendezvous_id);

  slot->second = newcomer;
  newcomer->slot = slot;
  newcomer->partner = waiting;
  waiting->partner = newcomer;
  self->n_waiting--;
  self->n_pairs++;
  self->n_pairings++;

  to_newcomer = ms_message_new_notify_rendezvous (newcomer->request_uuid, slot->rendezvous_id);
  to_waiting = ms_message_new_notify_rendezvous (waiting->request_uuid, slot->rendezvous_id);
  send_to (newcomer, to_newcomer);
  send_to (waiting, to_waiting);

  ms_channel_set_receive_func (newcomer->channel, forward_cb, newcomer, NULL);
  ms_channel_set_receive_func (waiting->channel, forward_cb, waiting, NULL);

  g_debug ("rendezvous %s… paired (%s with %s)", prefix,
           ms_channel_get_peer_address (waiting->channel),
           ms_channel_get_peer_address (newcomer->channel));
}

static void
handle_rendezvous (MsMatchmaker *self,
                   Peer         *peer,
                   MsMessage    *request)
{
  const char *rid = ms_message_get_rendezvous_id (request);
  g_autoptr(MsMessage) not_ready = NULL;
  Slot *slot;

  /* A second REQUEST_RENDEZVOUS on one socket is ignored (PROTOCOL.md 10.1). */
  if (peer->slot != NULL)
    return;

  peer->request_uuid = g_strdup (ms_message_get_uuid (request));
  slot = g_hash_table_lookup (self->slots, rid);

  if (slot != NULL && slot->second != NULL)
    {
      /* Rule 1 and 10.3: a third socket is closed; the pair is unaffected. */
      self->n_refused++;
      ms_channel_close (peer->channel, MS_WS_CLOSE_POLICY_VIOLATION,
                        "rendezvous id already paired");
      return;
    }

  if (slot != NULL)
    {
      pair (self, slot, peer);
      return;
    }

  /* Rule 3: wait for the other side. */
  slot = g_new0 (Slot, 1);
  slot->rendezvous_id = g_strdup (rid);
  slot->first = peer;
  peer->slot = slot;
  g_hash_table_insert (self->slots, slot->rendezvous_id, slot);
  self->n_waiting++;

  not_ready = ms_message_new_notify_rendezvous_not_ready (peer->request_uuid, rid);
  send_to (peer, not_ready);
}

static void
peer_receive_cb (MsChannel    *channel,
                 const guint8 *data,
                 gsize         len,
                 gpointer      user_data)
{
  Peer *peer = user_data;
  MsMatchmaker *self = peer->matchmaker;
  g_autoptr(MsMessage) message = NULL;

  message = ms_frame_decode (data, len, NULL, NULL);
  if (message != NULL && ms_message_get_message_type (message) == MS_MESSAGE_REQUEST_RENDEZVOUS)
    {
      handle_rendezvous (self, peer, message);
      return;
    }

  self->n_dropped++;

  /* Garbage before any REQUEST_RENDEZVOUS drops that socket; frames from a
   * socket still waiting for its partner are dropped silently (10.1). */
  if (peer->slot == NULL && peer->request_uuid == NULL)
    ms_channel_close (channel, MS_WS_CLOSE_POLICY_VIOLATION, "expected REQUEST_RENDEZVOUS");
}

static void
peer_free (Peer *peer)
{
  g_clear_signal_handler (&peer->closed_handler, peer->channel);
  ms_channel_set_receive_func (peer->channel, NULL, NULL, NULL);
  g_clear_object (&peer->channel);
  g_free (peer->request_uuid);
  g_free (peer);
}

/* PROTOCOL.md 9.5 / 10.3: the partner gets NOTIFY_RENDEZVOUS_END and is closed. */
static void
peer_closed_cb (MsChannel *channel,
                Peer      *peer)
{
  MsMatchmaker *self = peer->matchmaker;
  Slot *slot = peer->slot;
  Peer *partner = peer->partner;

  g_hash_table_remove (self->peers, peer);

  if (slot != NULL)
    {
      if (partner != NULL)
        {
          g_autoptr(MsMessage) end = ms_message_new_notify_rendezvous_end (NULL,
                                                                          slot->rendezvous_id);

          self->n_pairs--;
          partner->partner = NULL;
          partner->slot = NULL;
          ms_channel_set_receive_func (partner->channel, NULL, NULL, NULL);
          send_to (partner, end);
          ms_channel_close (partner->channel, MS_WS_CLOSE_NORMAL, "partner left");
        }
      else
        {
          self->n_waiting--;
        }
      g_hash_table_remove (self->slots, slot->rendezvous_id);
    }

  peer_free (peer);
}

static void
ms_matchmaker_dispose (GObject *object)
{
  MsMatchmaker *self = MS_MATCHMAKER (object);

  if (self->listeners != NULL)
    {
      for (guint i = 0; i < self->listeners->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->listeners, i), self);
      g_clear_pointer (&self->listeners, g_ptr_array_unref);
    }

  if (self->peers != NULL)
    {
      g_autoptr(GList) peers = g_hash_table_get_keys (self->peers);

      g_hash_table_steal_all (self->peers);
      g_list_free_full (g_steal_pointer (&peers), (GDestroyNotify) peer_free);
    }

  G_OBJECT_CLASS (ms_matchmaker_parent_class)->dispose (object);
}

static void
ms_matchmaker_finalize (GObject *object)
{
  MsMatchmaker *self = MS_MATCHMAKER (object);

  g_clear_pointer (&self->slots, g_hash_table_unref);
  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_pointer (&self->out, g_byte_array_unref);

  G_OBJECT_CLASS (ms_matchmaker_parent_class)->finalize (object);
}

static void
ms_matchmaker_class_init (MsMatchmakerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_matchmaker_dispose;
  object_class->finalize = ms_matchmaker_finalize;
}

static void
ms_matchmaker_init (MsMatchmaker *self)
{
  self->slots = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, slot_free);
  self->peers = g_hash_table_new (NULL, NULL);
  self->listeners = g_ptr_array_new_with_free_func (g_object_unref);
  self->out = g_byte_array_sized_new (512);
}

MsMatchmaker *
ms_matchmaker_new (void)
{
  return g_object_new (MS_TYPE_MATCHMAKER, NULL);
}

/* Takes a new socket (or in-process channel) that will send REQUEST_RENDEZVOUS. */
void
ms_matchmaker_add_channel (MsMatchmaker *self,
                           MsChannel    *channel)
{
  Peer *peer;

  g_return_if_fail (MS_IS_MATCHMAKER (self));
  g_return_if_fail (MS_IS_CHANNEL (channel));

  if (ms_channel_is_closed (channel))
    return;

  peer = g_new0 (Peer, 1);
  peer->matchmaker = self;
  peer->channel = g_object_ref (channel);
  g_hash_table_add (self->peers, peer);
  ms_channel_set_receive_func (channel, peer_receive_cb, peer, NULL);
  peer->closed_handler = g_signal_connect (channel, "closed", G_CALLBACK (peer_closed_cb), peer);
}

static void
listener_connection_cb (MsWsListener   *listener,
                        MsWsConnection *connection,
                        MsMatchmaker   *self)
{
  g_autoptr(MsChannel) channel = ms_channel_new_for_connection (connection);

  ms_matchmaker_add_channel (self, channel);
}

/* Every connection the listener accepts goes to this matchmaker. */
void
ms_matchmaker_attach_listener (MsMatchmaker *self,
                               MsWsListener *listener)
{
  g_return_if_fail (MS_IS_MATCHMAKER (self));
  g_return_if_fail (MS_IS_WS_LISTENER (listener));

  g_ptr_array_add (self->listeners, g_object_ref (listener));
  g_signal_connect (listener, "connection", G_CALLBACK (listener_connection_cb), self);
}

/* Closes every channel, e.g. on shutdown; partners are told as usual. */
void
ms_matchmaker_close_all (MsMatchmaker *self)
{
  g_autoptr(GList) peers = NULL;

  g_return_if_fail (MS_IS_MATCHMAKER (self));

  peers = g_hash_table_get_keys (self->peers);
  for (GList *l = peers; l != NULL; l = l->next)
    {
      Peer *peer = l->data;

      /* An earlier close may have freed this one through its partner. */
      if (g_hash_table_contains (self->peers, peer))
        ms_channel_close (peer->channel, MS_WS_CLOSE_GOING_AWAY, "relay shutting down");
    }
}

guint
ms_matchmaker_get_n_channels (MsMatchmaker *self)
{
  g_return_val_if_fail (MS_IS_MATCHMAKER (self), 0);

  return g_hash_table_size (self->peers);
}

guint
ms_matchmaker_get_n_waiting (MsMatchmaker *self)
{
  g_return_val_if_fail (MS_IS_MATCHMAKER (self), 0);

  return self->n_waiting;
}

guint
ms_matchmaker_get_n_pairs (MsMatchmaker *self)
{
  g_return_val_if_fail (MS_IS_MATCHMAKER (self), 0);

  return self->n_pairs;
}

guint64
ms_matchmaker_get_n_pairings (MsMatchmaker *self)
{
  g_return_val_if_fail (MS_IS_MATCHMAKER (self), 0);

  return self->n_pairings;
}

guint64
ms_matchmaker_get_n_forwarded (MsMatchmaker *self)
{
  g_return_val_if_fail (MS_IS_MATCHMAKER (self), 0);

  return self->n_forwarded;
}

guint64
ms_matchmaker_get_n_refused (MsMatchmaker *self)
{
  g_return_val_if_fail (MS_IS_MATCHMAKER (self), 0);

  return self->n_refused;
}

guint64
ms_matchmaker_get_n_dropped (MsMatchmaker *self)
{
  g_return_val_if_fail (MS_IS_MATCHMAKER (self), 0);

  return self->n_dropped;
}
