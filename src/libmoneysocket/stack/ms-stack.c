/* ms-stack.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-channel-nexus.h"
#include "ms-error.h"
#include "ms-rendezvous-nexus.h"
#include "ms-stack-private.h"

/*
 * PROTOCOL.md 9.4: Python TLS peers ping every 30 s and drop a socket after
 * 5 s without a pong; we do the same on every client socket. The consumer
 * stack relaxes the pong timeout while a payment is in flight (7.2).
 */
#define KEEPALIVE_INTERVAL_S 30
#define PONG_TIMEOUT_S       5

#define DEFAULT_FIRST_RETRY_MS 1000
#define DEFAULT_MAX_RETRY_MS   30000

typedef struct
{
  MsBeacon        *beacon;
  MsMatchmaker    *matchmaker;
  GTlsCertificate *pinned_certificate;
  char            *last_error;

  MsLayer         *rendezvous_layer;
  MsLayer         *handshake_layer;
  MsLayer         *top_layer;

  MsNexus         *bottom;
  MsNexus         *top;
  GCancellable    *cancellable;
  guint            retry_source;

  MsStackState     state;
  guint            first_retry_ms;
  guint            max_retry_ms;
  guint            next_retry_ms;
  guint            n_connections;
  guint            auto_reconnect : 1;
  guint            reached_handshake : 1;
} MsStackPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (MsStack, ms_stack, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (MsStackState, ms_stack_state,
                    G_DEFINE_ENUM_VALUE (MS_STACK_STATE_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (MS_STACK_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (MS_STACK_STATE_RENDEZVOUS, "rendezvous"),
                    G_DEFINE_ENUM_VALUE (MS_STACK_STATE_HANDSHAKE, "handshake"),
                    G_DEFINE_ENUM_VALUE (MS_STACK_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (MS_STACK_STATE_RECONNECT_WAIT, "reconnect-wait"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_BEACON,
  PROP_LAST_ERROR,
  PROP_AUTO_RECONNECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_attempt (MsStack *self);

const char *
ms_stack_state_to_string (MsStackState state)
{
  switch (state)
    {
    case MS_STACK_STATE_DISCONNECTED:
      return "disconnected";
    case MS_STACK_STATE_CONNECTING:
      return "connecting";
    case MS_STACK_STATE_RENDEZVOUS:
      return "rendezvous";
    case MS_STACK_STATE_HANDSHAKE:
      return "handshake";
    case MS_STACK_STATE_READY:
      return "ready";
    case MS_STACK_STATE_RECONNECT_WAIT:
      return "reconnect-wait";
    }

  g_return_val_if_reached (NULL);
}

static void
set_state (MsStack      *self,
           MsStackState  state)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  if (priv->state == state)
    return;

  priv->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (MsStack    *self,
                const char *message)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  if (g_strcmp0 (priv->last_error, message) == 0)
    return;

  g_free (priv->last_error);
  priv->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static gboolean
retry_cb (gpointer user_data)
{
  MsStack *self = user_data;
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  priv->retry_source = 0;
  start_attempt (self);
  return G_SOURCE_REMOVE;
}

/*
 * Remote beacons back off (1 s, 2 s, 4 s … up to 30 s, with jitter so that
 * a relay restart does not bring every client back at once). A listen
 * registration that had been paired is renewed at once: PROTOCOL.md 11.3,
 * "re-register a listen seed exactly once, right after its Consumer leaves".
 */
static void
schedule_retry (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);
  guint delay;

  if (priv->beacon == NULL || !priv->auto_reconnect)
    {
      set_state (self, MS_STACK_STATE_DISCONNECTED);
      return;
    }

  if (priv->reached_handshake)
    priv->next_retry_ms = priv->first_retry_ms;

  if (priv->matchmaker != NULL && priv->reached_handshake)
    delay = 0;
  else
    delay = priv->next_retry_ms + g_random_int_range (0, priv->next_retry_ms / 5 + 1);

  priv->reached_handshake = FALSE;
  priv->next_retry_ms = MIN (priv->next_retry_ms * 2, priv->max_retry_ms);

  set_state (self, MS_STACK_STATE_RECONNECT_WAIT);
  g_clear_handle_id (&priv->retry_source, g_source_remove);
  priv->retry_source = g_timeout_add (delay, retry_cb, self);
}

static void
bottom_closed_cb (MsNexus *bottom,
                  MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_signal_handlers_disconnect_by_data (bottom, self);
  g_clear_object (&priv->bottom);
  priv->top = NULL;

  if (MS_STACK_GET_CLASS (self)->disconnected != NULL)
    MS_STACK_GET_CLASS (self)->disconnected (self);

  schedule_retry (self);
}

static void
attach_channel (MsStack   *self,
                MsChannel *channel)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  priv->bottom = ms_channel_nexus_new (channel, ms_beacon_get_shared_seed (priv->beacon));
  g_signal_connect (priv->bottom, "closed", G_CALLBACK (bottom_closed_cb), self);

  set_state (self, MS_STACK_STATE_RENDEZVOUS);
  ms_layer_announce (priv->rendezvous_layer, priv->bottom);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MsStack) self = user_data;
  MsStackPrivate *priv = ms_stack_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsWsConnection) connection = NULL;
  g_autoptr(MsChannel) channel = NULL;

  connection = ms_ws_connect_finish (result, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&priv->cancellable);
      set_last_error (self, error->message);
      schedule_retry (self);
      return;
    }

  g_clear_object (&priv->cancellable);
  ms_ws_connection_set_keepalive_interval (connection, KEEPALIVE_INTERVAL_S);
  ms_ws_connection_set_pong_timeout (connection, PONG_TIMEOUT_S);
  channel = ms_channel_new_for_connection (connection);
  attach_channel (self, channel);
}

static void
start_attempt (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);
  MsLocation *location;
  g_autofree char *url = NULL;

  g_return_if_fail (priv->beacon != NULL);
  g_return_if_fail (priv->bottom == NULL);

  set_state (self, MS_STACK_STATE_CONNECTING);

  if (priv->matchmaker != NULL)
    {
      g_autoptr(MsChannel) ours = NULL;
      g_autoptr(MsChannel) theirs = NULL;

      /* PROTOCOL.md 11.3: an in-process pair into the embedded relay. */
      ms_channel_new_pair (&ours, &theirs);
      ms_matchmaker_add_channel (priv->matchmaker, theirs);
      attach_channel (self, ours);
      return;
    }

  location = ms_beacon_get_location (priv->beacon, 0);
  url = ms_location_dup_url (location);
  priv->cancellable = g_cancellable_new ();
  ms_ws_connect_async (url, priv->pinned_certificate, priv->cancellable, connect_cb,
                       g_object_ref (self));
}

static void
rendezvous_setup_cb (MsLayer  *layer,
                     MsNexus  *nexus,
                     gpointer  user_data)
{
  MsStack *self = user_data;
  MsStackPrivate *priv = ms_stack_get_instance_private (self);
  char rid[MS_RENDEZVOUS_ID_HEX_LEN + 1];

  ms_shared_seed_rendezvous_id_hex (ms_beacon_get_shared_seed (priv->beacon), rid);
  ms_rendezvous_nexus_set_rendezvous_id (MS_RENDEZVOUS_NEXUS (nexus), rid);
}

static void
rendezvous_announced_cb (MsLayer *layer,
                         MsNexus *nexus,
                         MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  priv->reached_handshake = TRUE;
  if (priv->state < MS_STACK_STATE_HANDSHAKE)
    set_state (self, MS_STACK_STATE_HANDSHAKE);
}

static void
top_announced_cb (MsLayer *layer,
                  MsNexus *nexus,
                  MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  priv->top = nexus;
  priv->n_connections++;
  priv->next_retry_ms = priv->first_retry_ms;
  set_last_error (self, NULL);
  set_state (self, MS_STACK_STATE_READY);

  if (MS_STACK_GET_CLASS (self)->ready != NULL)
    MS_STACK_GET_CLASS (self)->ready (self, nexus);
}

static void
stop (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);
  g_autoptr(MsNexus) bottom = NULL;

  g_clear_handle_id (&priv->retry_source, g_source_remove);
  if (priv->cancellable != NULL)
    {
      g_cancellable_cancel (priv->cancellable);
      g_clear_object (&priv->cancellable);
    }

  /* Forget the beacon first so that the close below schedules no retry. */
  g_clear_pointer (&priv->beacon, ms_beacon_unref);
  g_clear_object (&priv->matchmaker);

  if (priv->bottom != NULL)
    {
      bottom = g_object_ref (priv->bottom);
      ms_nexus_close (bottom);
      if (priv->bottom != NULL)
        bottom_closed_cb (priv->bottom, self);
    }

  priv->reached_handshake = FALSE;
  priv->next_retry_ms = priv->first_retry_ms;
  set_state (self, MS_STACK_STATE_DISCONNECTED);
}

static void
ms_stack_dispose (GObject *object)
{
  MsStack *self = MS_STACK (object);
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  stop (self);
  if (priv->rendezvous_layer != NULL)
    g_signal_handlers_disconnect_by_data (priv->rendezvous_layer, self);
  if (priv->top_layer != NULL)
    g_signal_handlers_disconnect_by_data (priv->top_layer, self);
  g_clear_object (&priv->rendezvous_layer);
  g_clear_object (&priv->handshake_layer);
  g_clear_object (&priv->top_layer);
  g_clear_object (&priv->pinned_certificate);

  G_OBJECT_CLASS (ms_stack_parent_class)->dispose (object);
}

static void
ms_stack_finalize (GObject *object)
{
  MsStack *self = MS_STACK (object);
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_free (priv->last_error);

  G_OBJECT_CLASS (ms_stack_parent_class)->finalize (object);
}

static void
ms_stack_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  MsStack *self = MS_STACK (object);
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    case PROP_BEACON:
      g_value_set_boxed (value, priv->beacon);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, priv->last_error);
      break;
    case PROP_AUTO_RECONNECT:
      g_value_set_boolean (value, priv->auto_reconnect);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_stack_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  MsStack *self = MS_STACK (object);

  switch (prop_id)
    {
    case PROP_AUTO_RECONNECT:
      ms_stack_set_auto_reconnect (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_stack_class_init (MsStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_stack_dispose;
  object_class->finalize = ms_stack_finalize;
  object_class->get_property = ms_stack_get_property;
  object_class->set_property = ms_stack_set_property;

  /* Each connection stage; a UI shows this as progress. */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MS_TYPE_STACK_STATE, MS_STACK_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BEACON] =
    g_param_spec_boxed ("beacon", NULL, NULL, MS_TYPE_BEACON,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Why the last attempt failed; NULL once connected. For logs: UIs word their own. */
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTO_RECONNECT] =
    g_param_spec_boolean ("auto-reconnect", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ms_stack_init (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  priv->auto_reconnect = TRUE;
  priv->first_retry_ms = DEFAULT_FIRST_RETRY_MS;
  priv->max_retry_ms = DEFAULT_MAX_RETRY_MS;
  priv->next_retry_ms = DEFAULT_FIRST_RETRY_MS;

  priv->rendezvous_layer = ms_layer_new (MS_TYPE_RENDEZVOUS_NEXUS, G_OBJECT (self));
  ms_layer_set_setup_func (priv->rendezvous_layer, rendezvous_setup_cb, self);
  g_signal_connect (priv->rendezvous_layer, "announced",
                    G_CALLBACK (rendezvous_announced_cb), self);
}

/* For subclasses: the layers above rendezvous, bottom to top. */
void
_ms_stack_set_layers (MsStack *self,
                      MsLayer *handshake_layer,
                      MsLayer *top_layer)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_return_if_fail (MS_IS_STACK (self));
  g_return_if_fail (priv->handshake_layer == NULL);

  priv->handshake_layer = g_object_ref (handshake_layer);
  priv->top_layer = g_object_ref (top_layer);
  ms_layer_set_above (priv->rendezvous_layer, handshake_layer);
  g_signal_connect (top_layer, "announced", G_CALLBACK (top_announced_cb), self);
}

MsLayer *
_ms_stack_get_rendezvous_layer (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  return priv->rendezvous_layer;
}

/* The top nexus of the current connection once ready, or NULL. */
MsNexus *
_ms_stack_get_top_nexus (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  return priv->state == MS_STACK_STATE_READY ? priv->top : NULL;
}

/* The WebSocket of the current connection, or NULL (none, or in-process). */
MsWsConnection *
_ms_stack_get_connection (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);
  MsChannel *channel;

  if (priv->bottom == NULL)
    return NULL;

  channel = ms_channel_nexus_get_channel (MS_CHANNEL_NEXUS (priv->bottom));
  return ms_channel_get_connection (channel);
}

static gboolean
check_beacon (MsBeacon  *beacon,
              GError   **error)
{
  MsLocation *location;

  /* PROTOCOL.md 3.5: "Only locations[0] is ever used … It MUST be a WebSocket location". */
  if (ms_beacon_get_n_locations (beacon) == 0)
    {
      g_set_error_literal (error, MS_STACK_ERROR, MS_STACK_ERROR_BAD_BEACON,
                           "the beacon has no location to connect to");
      return FALSE;
    }

  location = ms_beacon_get_location (beacon, 0);
  if (ms_location_get_location_type (location) != MS_LOCATION_TYPE_WEBSOCKET)
    {
      g_set_error (error, MS_STACK_ERROR, MS_STACK_ERROR_BAD_BEACON,
                   "the beacon's first location is %s, not WebSocket",
                   ms_location_type_to_string (ms_location_get_location_type (location)));
      return FALSE;
    }

  if (ms_location_get_port (location) > G_MAXUINT16)
    {
      g_set_error (error, MS_STACK_ERROR, MS_STACK_ERROR_BAD_BEACON,
                   "the beacon's port %u is not a TCP port", ms_location_get_port (location));
      return FALSE;
    }

  return TRUE;
}

/* Connects to @beacon's first location and keeps reconnecting until disconnected. */
gboolean
ms_stack_connect (MsStack   *self,
                  MsBeacon  *beacon,
                  GError   **error)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_return_val_if_fail (MS_IS_STACK (self), FALSE);
  g_return_val_if_fail (beacon != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_beacon (beacon, error))
    return FALSE;

  stop (self);
  priv->beacon = ms_beacon_ref (beacon);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BEACON]);
  start_attempt (self);

  return TRUE;
}

/* Makes a beacon with a fresh seed at @location (a relay) and connects to it. */
MsBeacon *
ms_stack_generate_beacon (MsStack     *self,
                          MsLocation  *location,
                          GError     **error)
{
  g_autoptr(MsBeacon) beacon = NULL;

  g_return_val_if_fail (MS_IS_STACK (self), NULL);
  g_return_val_if_fail (location != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  beacon = ms_beacon_new (NULL);
  ms_beacon_add_location (beacon, location);
  if (!ms_stack_connect (self, beacon, error))
    return NULL;

  return g_steal_pointer (&beacon);
}

/*
 * Waits for the other side at an embedded @matchmaker (whose listener is
 * reachable at @advertised): returns the beacon to hand out. @seed NULL
 * draws a fresh one.
 */
MsBeacon *
ms_stack_listen (MsStack            *self,
                 MsMatchmaker       *matchmaker,
                 MsLocation         *advertised,
                 const MsSharedSeed *seed)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);
  g_autoptr(MsBeacon) beacon = NULL;

  g_return_val_if_fail (MS_IS_STACK (self), NULL);
  g_return_val_if_fail (MS_IS_MATCHMAKER (matchmaker), NULL);
  g_return_val_if_fail (advertised != NULL, NULL);

  beacon = ms_beacon_new (seed);
  ms_beacon_add_location (beacon, advertised);

  stop (self);
  priv->beacon = ms_beacon_ref (beacon);
  priv->matchmaker = g_object_ref (matchmaker);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BEACON]);
  start_attempt (self);

  return g_steal_pointer (&beacon);
}

void
ms_stack_disconnect (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);
  gboolean had_beacon;

  g_return_if_fail (MS_IS_STACK (self));

  had_beacon = priv->beacon != NULL;
  stop (self);
  if (had_beacon)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BEACON]);
}

MsStackState
ms_stack_get_state (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_return_val_if_fail (MS_IS_STACK (self), MS_STACK_STATE_DISCONNECTED);

  return priv->state;
}

MsBeacon *
ms_stack_get_beacon (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_return_val_if_fail (MS_IS_STACK (self), NULL);

  return priv->beacon;
}

const char *
ms_stack_get_last_error (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_return_val_if_fail (MS_IS_STACK (self), NULL);

  return priv->last_error;
}

gboolean
ms_stack_get_auto_reconnect (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_return_val_if_fail (MS_IS_STACK (self), FALSE);

  return priv->auto_reconnect;
}

void
ms_stack_set_auto_reconnect (MsStack  *self,
                             gboolean  auto_reconnect)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_return_if_fail (MS_IS_STACK (self));

  if (priv->auto_reconnect == !!auto_reconnect)
    return;

  priv->auto_reconnect = !!auto_reconnect;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_RECONNECT]);
}

/* Accept only this certificate from wss:// relays (self-signed ones included). */
void
ms_stack_set_pinned_certificate (MsStack         *self,
                                 GTlsCertificate *certificate)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_return_if_fail (MS_IS_STACK (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  g_set_object (&priv->pinned_certificate, certificate);
}

void
ms_stack_set_reconnect_delays (MsStack *self,
                               guint    first_ms,
                               guint    max_ms)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_return_if_fail (MS_IS_STACK (self));
  g_return_if_fail (first_ms > 0 && first_ms <= max_ms);

  priv->first_retry_ms = first_ms;
  priv->max_retry_ms = max_ms;
  priv->next_retry_ms = first_ms;
}

/* How many times this stack reached READY; a reconnect adds one. */
guint
ms_stack_get_n_connections (MsStack *self)
{
  MsStackPrivate *priv = ms_stack_get_instance_private (self);

  g_return_val_if_fail (MS_IS_STACK (self), 0);

  return priv->n_connections;
}
