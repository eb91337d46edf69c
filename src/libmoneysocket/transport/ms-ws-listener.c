/* ms-ws-listener.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-ws-connection-private.h"
#include "ms-ws-frame.h"
#include "ms-ws-listener.h"

#define DEFAULT_HANDSHAKE_TIMEOUT_S 30
#define LISTEN_BACKLOG              1024
/* Accepts per wakeup, so one busy listener does not starve the rest. */
#define ACCEPT_BATCH                64
/* The header block is limited to MS_WS_MAX_HANDSHAKE_LEN; frames may follow it. */
#define REQUEST_BUF_LEN             (2 * MS_WS_MAX_HANDSHAKE_LEN)

struct _MsWsListener
{
  GObject          parent_instance;

  /* owned */
  GMainContext    *context;      /* where listen() was called; everything runs there */
  GSocket         *socket;
  GSource         *accept_source;
  GTlsCertificate *certificate;
  GHashTable      *handshakes;   /* Handshake * set */
  GHashTable      *per_address;  /* address string -> count */

  GQueue           tracked;      /* Tracker *, one per connection not yet over */
  gsize            max_payload;
  guint            max_per_address;
  guint            handshake_timeout;
  guint16          port;
  guint64          n_refused;
};

G_DEFINE_FINAL_TYPE (MsWsListener, ms_ws_listener, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PORT,
  PROP_TLS_CERTIFICATE,
  PROP_MAX_PAYLOAD,
  PROP_MAX_CONNECTIONS_PER_ADDRESS,
  PROP_HANDSHAKE_TIMEOUT,
  PROP_N_CONNECTIONS,
  PROP_N_REFUSED,
  N_PROPS
};

enum {
  CONNECTION,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/*
 * One accepted TCP connection, from accept until its WebSocket is over:
 * owned by the handshake first, then by the connection (release func).
 */
typedef struct
{
  MsWsListener *listener;  /* NULL once the listener is gone */
  char         *address;   /* counted in per_address, or NULL */
  GList         link;
} Tracker;

static guint
address_count (MsWsListener *self,
               const char   *address)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
}

static void
address_add (MsWsListener *self,
             const char   *address,
             gint          delta)
{
  guint count = address_count (self, address) + delta;

  if (count == 0)
    g_hash_table_remove (self->per_address, address);
  else
    g_hash_table_insert (self->per_address, g_strdup (address), GUINT_TO_POINTER (count));
}

static Tracker *
tracker_new (MsWsListener *self,
             const char   *address)
{
  Tracker *tracker = g_new0 (Tracker, 1);

  tracker->listener = self;
  tracker->link.data = tracker;
  g_queue_push_tail_link (&self->tracked, &tracker->link);

  if (address != NULL)
    {
      tracker->address = g_strdup (address);
      address_add (self, address, 1);
    }

  return tracker;
}

static void
tracker_release (gpointer data)
{
  Tracker *tracker = data;
  MsWsListener *self = tracker->listener;

  if (self != NULL)
    {
      g_queue_unlink (&self->tracked, &tracker->link);
      if (tracker->address != NULL)
        address_add (self, tracker->address, -1);
    }

  g_free (tracker->address);
  g_free (tracker);
}

/* The server side of the opening handshake (RFC 6455 4.2). */

typedef struct
{
  MsWsListener *listener;    /* NULL once dropped */
  GIOStream    *stream;      /* TCP, or TLS over it */
  GMainContext *context;
  Tracker      *tracker;
  GCancellable *cancellable;
  GSource      *timeout;
  GSource      *read_source;
  guint8       *buf;
  gsize         len;
  char         *response;
  gsize         consumed;
  gboolean      op_pending;  /* an async call holds a pointer to this */
  gboolean      accepted;
} Handshake;

static void
stream_closed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
}

static void
handshake_free (Handshake *hs)
{
  if (hs->stream != NULL)
    {
      g_main_context_push_thread_default (hs->context);
      g_io_stream_close_async (hs->stream, G_PRIORITY_DEFAULT, NULL, stream_closed_cb, NULL);
      g_main_context_pop_thread_default (hs->context);
    }
  g_clear_object (&hs->stream);
  g_main_context_unref (hs->context);
  g_clear_object (&hs->cancellable);
  g_free (hs->buf);
  g_free (hs->response);
  g_free (hs);
}

/* Ends a handshake that did not produce a connection, closing its socket. */
static void
handshake_drop (Handshake  *hs,
                const char *why)
{
  if (why != NULL)
    g_debug ("websocket: dropping an incoming connection: %s", why);

  if (hs->listener != NULL)
    {
      g_hash_table_remove (hs->listener->handshakes, hs);
      hs->listener = NULL;
    }
  clear_source (&hs->timeout);
  clear_source (&hs->read_source);
  g_clear_pointer (&hs->tracker, tracker_release);
  g_cancellable_cancel (hs->cancellable);

  if (!hs->op_pending)
    handshake_free (hs);
}

/* Called by each async callback: FALSE when the handshake was dropped meanwhile. */
static gboolean
handshake_resume (Handshake *hs)
{
  hs->op_pending = FALSE;
  if (hs->listener != NULL)
    return TRUE;

  handshake_free (hs);
  return FALSE;
}

static void
hand_over (Handshake *hs)
{
  g_autoptr(MsWsListener) self = g_object_ref (hs->listener);
  g_autoptr(MsWsConnection) connection = NULL;

  g_main_context_push_thread_default (hs->context);
  connection = ms_ws_connection_new_for_stream (hs->stream, MS_WS_ROLE_SERVER,
                                                hs->buf + hs->consumed, hs->len - hs->consumed);
  g_main_context_pop_thread_default (hs->context);
  ms_ws_connection_set_max_payload (connection, self->max_payload);
  _ms_ws_connection_set_release_func (connection, tracker_release, g_steal_pointer (&hs->tracker));
  g_clear_object (&hs->stream);
  handshake_drop (hs, NULL);

  g_signal_emit (self, signals[CONNECTION], 0, connection);
}

static void
response_written_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Handshake *hs = user_data;
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error);
  if (!handshake_resume (hs))
    return;

  if (error != NULL)
    handshake_drop (hs, error->message);
  else if (hs->accepted)
    hand_over (hs);
  else
    handshake_drop (hs, "refused a request that is not a WebSocket handshake");
}

static void
write_response (Handshake  *hs,
                const char *response)
{
  GOutputStream *output = g_io_stream_get_output_stream (hs->stream);

  clear_source (&hs->read_source);
  hs->op_pending = TRUE;
  g_main_context_push_thread_default (hs->context);
  g_output_stream_write_all_async (output, response, strlen (response), G_PRIORITY_DEFAULT,
                                   hs->cancellable, response_written_cb, hs);
  g_main_context_pop_thread_default (hs->context);
}

static void
request_parsed (Handshake       *hs,
                MsWsParseResult  result,
                MsWsRequest     *request,
                GError          *error)
{
  if (result == MS_WS_PARSE_ERROR)
    {
      /* RFC 6455 4.2.2: a bad request gets an HTTP error and the socket closes. */
      g_debug ("%s", error->message);
      write_response (hs, ms_ws_handshake_error_response (error));
      return;
    }

  hs->accepted = TRUE;
  hs->response = ms_ws_handshake_build_response (request->key);
  write_response (hs, hs->response);
}

static gboolean
request_readable_cb (GObject  *stream,
                     gpointer  user_data)
{
  Handshake *hs = user_data;

  while (TRUE)
    {
      g_autoptr(GError) error = NULL;
      MsWsRequest request = { 0 };
      MsWsParseResult result;
      gssize n;

      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream),
                                                    hs->buf + hs->len, REQUEST_BUF_LEN - hs->len,
                                                    NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      if (n <= 0)
        {
          handshake_drop (hs, n == 0 ? "closed during the handshake" : error->message);
          return G_SOURCE_REMOVE;
        }

      hs->len += n;
      result = ms_ws_handshake_parse_request (hs->buf, hs->len, &request, &hs->consumed, &error);
      if (result != MS_WS_PARSE_NEED_MORE)
        {
          request_parsed (hs, result, &request, error);
          ms_ws_request_clear (&request);
          return G_SOURCE_REMOVE;
        }
    }
}

static void
read_request (Handshake *hs)
{
  GInputStream *input = g_io_stream_get_input_stream (hs->stream);

  hs->buf = g_malloc (REQUEST_BUF_LEN);
  hs->read_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (input), NULL);
  g_source_set_static_name (hs->read_source, "[ms] websocket handshake");
  g_source_set_callback (hs->read_source, G_SOURCE_FUNC (request_readable_cb), hs, NULL);
  g_source_attach (hs->read_source, hs->context);
}

static void
tls_handshake_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Handshake *hs = user_data;
  g_autoptr(GError) error = NULL;

  g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &error);
  if (!handshake_resume (hs))
    return;

  if (error != NULL)
    handshake_drop (hs, error->message);
  else
    read_request (hs);
}

static gboolean
handshake_timeout_cb (gpointer user_data)
{
  handshake_drop (user_data, "the opening handshake timed out");
  return G_SOURCE_REMOVE;
}

static void
handshake_start (MsWsListener      *self,
                 GSocketConnection *tcp,
                 Tracker           *tracker)
{
  Handshake *hs = g_new0 (Handshake, 1);
  g_autoptr(GError) error = NULL;

  hs->listener = self;
  hs->context = g_main_context_ref (self->context);
  hs->tracker = tracker;
  hs->cancellable = g_cancellable_new ();
  g_hash_table_add (self->handshakes, hs);

  hs->timeout = g_timeout_source_new_seconds (self->handshake_timeout);
  g_source_set_static_name (hs->timeout, "[ms] websocket handshake timeout");
  g_source_set_callback (hs->timeout, handshake_timeout_cb, hs, NULL);
  g_source_attach (hs->timeout, hs->context);

  if (self->certificate == NULL)
    {
      hs->stream = G_IO_STREAM (g_object_ref (tcp));
      read_request (hs);
      return;
    }

  hs->stream = g_tls_server_connection_new (G_IO_STREAM (tcp), self->certificate, &error);
  if (hs->stream == NULL)
    {
      hs->stream = G_IO_STREAM (g_object_ref (tcp));
      handshake_drop (hs, error->message);
      return;
    }

  hs->op_pending = TRUE;
  g_main_context_push_thread_default (hs->context);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (hs->stream), G_PRIORITY_DEFAULT,
                                    hs->cancellable, tls_handshake_cb, hs);
  g_main_context_pop_thread_default (hs->context);
}

/* Accepting. */

static char *
socket_peer_address (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_remote_address (socket, NULL);

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;

  return g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static void
accept_one (MsWsListener *self,
            GSocket      *socket)
{
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autofree char *address = NULL;
  gboolean counted = self->max_per_address > 0;

  if (counted)
    {
      address = socket_peer_address (socket);
      if (address != NULL && address_count (self, address) >= self->max_per_address)
        {
          g_debug ("websocket: refusing a connection from %s: per-address limit", address);
          g_socket_close (socket, NULL);
          self->n_refused++;
          return;
        }
    }

  _ms_ws_socket_set_no_delay (socket);
  tcp = g_socket_connection_factory_create_connection (socket);
  handshake_start (self, tcp, tracker_new (self, address));
}

static gboolean
accept_ready_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  MsWsListener *self = user_data;
  g_autoptr(MsWsListener) hold = g_object_ref (self);

  for (guint i = 0; i < ACCEPT_BATCH && self->socket != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = g_socket_accept (socket, NULL, &error);

      if (client == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_debug ("websocket: accept failed: %s", error->message);
          break;
        }

      accept_one (self, client);
    }

  return G_SOURCE_CONTINUE;
}

/* GObject. */

static void
ms_ws_listener_dispose (GObject *object)
{
  MsWsListener *self = MS_WS_LISTENER (object);
  GList *handshakes;

  ms_ws_listener_stop (self);

  /* Handshakes in progress die with the listener; open connections do not. */
  handshakes = g_hash_table_get_keys (self->handshakes);
  for (GList *l = handshakes; l != NULL; l = l->next)
    handshake_drop (l->data, "the listener went away");
  g_list_free (handshakes);

  while (!g_queue_is_empty (&self->tracked))
    {
      /* The links live inside the trackers: unlink, never free them here. */
      GList *link = g_queue_pop_head_link (&self->tracked);
      Tracker *tracker = link->data;

      tracker->listener = NULL;
    }

  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (ms_ws_listener_parent_class)->dispose (object);
}

static void
ms_ws_listener_finalize (GObject *object)
{
  MsWsListener *self = MS_WS_LISTENER (object);

  g_clear_pointer (&self->handshakes, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->per_address, g_hash_table_unref);

  G_OBJECT_CLASS (ms_ws_listener_parent_class)->finalize (object);
}

static void
ms_ws_listener_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MsWsListener *self = MS_WS_LISTENER (object);

  switch (prop_id)
    {
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_TLS_CERTIFICATE:
      g_value_set_object (value, self->certificate);
      break;
    case PROP_MAX_PAYLOAD:
      g_value_set_uint64 (value, self->max_payload);
      break;
    case PROP_MAX_CONNECTIONS_PER_ADDRESS:
      g_value_set_uint (value, self->max_per_address);
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      g_value_set_uint (value, self->handshake_timeout);
      break;
    case PROP_N_CONNECTIONS:
      g_value_set_uint (value, ms_ws_listener_get_n_connections (self));
      break;
    case PROP_N_REFUSED:
      g_value_set_uint64 (value, self->n_refused);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_ws_listener_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  MsWsListener *self = MS_WS_LISTENER (object);

  switch (prop_id)
    {
    case PROP_TLS_CERTIFICATE:
      ms_ws_listener_set_tls_certificate (self, g_value_get_object (value));
      break;
    case PROP_MAX_PAYLOAD:
      ms_ws_listener_set_max_payload (self, g_value_get_uint64 (value));
      break;
    case PROP_MAX_CONNECTIONS_PER_ADDRESS:
      ms_ws_listener_set_max_connections_per_address (self, g_value_get_uint (value));
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      ms_ws_listener_set_handshake_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_ws_listener_class_init (MsWsListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = ms_ws_listener_dispose;
  object_class->finalize = ms_ws_listener_finalize;
  object_class->get_property = ms_ws_listener_get_property;
  object_class->set_property = ms_ws_listener_set_property;

  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0, ro);
  properties[PROP_TLS_CERTIFICATE] =
    g_param_spec_object ("tls-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE, rw);
  properties[PROP_MAX_PAYLOAD] =
    g_param_spec_uint64 ("max-payload", NULL, NULL, 0, G_MAXUINT, MS_WS_DEFAULT_MAX_PAYLOAD, rw);
  properties[PROP_MAX_CONNECTIONS_PER_ADDRESS] =
    g_param_spec_uint ("max-connections-per-address", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_HANDSHAKE_TIMEOUT] =
    g_param_spec_uint ("handshake-timeout", NULL, NULL, 1, G_MAXUINT / 2,
                       DEFAULT_HANDSHAKE_TIMEOUT_S, rw);
  /* Counters, not notified. */
  properties[PROP_N_CONNECTIONS] =
    g_param_spec_uint ("n-connections", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_REFUSED] =
    g_param_spec_uint64 ("n-refused", NULL, NULL, 0, G_MAXUINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MsWsListener::connection:
   * @self: the listener
   * @connection: a server-side connection whose opening handshake is done
   *
   * The handler takes a reference to keep the connection; without one it
   * is closed when the emission ends.
   */
  signals[CONNECTION] =
    g_signal_new ("connection", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, MS_TYPE_WS_CONNECTION);
}

static void
ms_ws_listener_init (MsWsListener *self)
{
  self->handshakes = g_hash_table_new (NULL, NULL);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->max_payload = MS_WS_DEFAULT_MAX_PAYLOAD;
  self->handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT_S;
}

/* Public API. */

MsWsListener *
ms_ws_listener_new (void)
{
  return g_object_new (MS_TYPE_WS_LISTENER, NULL);
}

/* With a certificate (and its private key) every connection speaks TLS; NULL: plain. */
void
ms_ws_listener_set_tls_certificate (MsWsListener    *self,
                                    GTlsCertificate *certificate)
{
  g_return_if_fail (MS_IS_WS_LISTENER (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (g_set_object (&self->certificate, certificate))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_CERTIFICATE]);
}

/* The max-payload given to each new connection. */
void
ms_ws_listener_set_max_payload (MsWsListener *self,
                                gsize         max_payload)
{
  g_return_if_fail (MS_IS_WS_LISTENER (self));

  max_payload = MIN (max_payload, (gsize) G_MAXUINT);
  if (self->max_payload == max_payload)
    return;

  self->max_payload = max_payload;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PAYLOAD]);
}

/*
 * How many connections (handshaking or open) one IP address may hold; a
 * connection over the limit is closed right after accept. 0: no limit.
 * Connections accepted while there was no limit are not counted.
 */
void
ms_ws_listener_set_max_connections_per_address (MsWsListener *self,
                                                guint         max_connections)
{
  g_return_if_fail (MS_IS_WS_LISTENER (self));

  if (self->max_per_address == max_connections)
    return;

  self->max_per_address = max_connections;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONNECTIONS_PER_ADDRESS]);
}

/* PROTOCOL.md 9.4: the Python listeners allow 30 s for the opening handshake. */
void
ms_ws_listener_set_handshake_timeout (MsWsListener *self,
                                      guint         seconds)
{
  g_return_if_fail (MS_IS_WS_LISTENER (self));
  g_return_if_fail (seconds > 0 && seconds <= G_MAXUINT / 2);

  if (self->handshake_timeout == seconds)
    return;

  self->handshake_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDSHAKE_TIMEOUT]);
}

/* A literal address as is; a host name resolved once, first answer. */
static GInetAddress *
resolve_host (const char  *host,
              GError     **error)
{
  g_autoptr(GResolver) resolver = NULL;
  GInetAddress *address = g_inet_address_new_from_string (host);
  GList *addresses;

  if (address != NULL)
    return address;

  resolver = g_resolver_get_default ();
  addresses = g_resolver_lookup_by_name (resolver, host, NULL, error);
  if (addresses == NULL)
    return NULL;

  address = g_object_ref (addresses->data);
  g_resolver_free_addresses (addresses);
  return address;
}

static GSocket *
bind_socket (GInetAddress  *address,
             guint16        port,
             GError       **error)
{
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, port);
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;

  g_socket_set_blocking (socket, FALSE);
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}

/**
 * ms_ws_listener_listen:
 * @self: a listener
 * @host: the address to listen on, exactly: "127.0.0.1", "::1", "0.0.0.0",
 *   or a host name (resolved once)
 * @port: the port, or 0 to let the system pick one (see ms_ws_listener_get_port())
 * @error: return location for an error
 *
 * PROTOCOL.md 10: "A C relay SHOULD bind only the configured address".
 * Connections are accepted on the thread-default main context of the caller.
 */
gboolean
ms_ws_listener_listen (MsWsListener  *self,
                       const char    *host,
                       guint16        port,
                       GError       **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (MS_IS_WS_LISTENER (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->socket != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "websocket: the listener is already listening on port %u", self->port);
      return FALSE;
    }

  address = resolve_host (host, error);
  if (address != NULL)
    socket = bind_socket (address, port, error);
  if (socket != NULL)
    local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    {
      g_prefix_error (error, "websocket: listening on %s port %u: ", host, port);
      return FALSE;
    }

  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  self->socket = g_steal_pointer (&socket);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_static_name (self->accept_source, "[ms] websocket accept");
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (accept_ready_cb), self, NULL);
  g_source_attach (self->accept_source, self->context);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  return TRUE;
}

/* The port being listened on, or 0. */
guint16
ms_ws_listener_get_port (MsWsListener *self)
{
  g_return_val_if_fail (MS_IS_WS_LISTENER (self), 0);

  return self->port;
}

/*
 * Closes the listening socket. Handshakes in progress finish; connections
 * already handed out belong to their owners and stay open.
 */
void
ms_ws_listener_stop (MsWsListener *self)
{
  g_return_if_fail (MS_IS_WS_LISTENER (self));

  if (self->socket == NULL)
    return;

  clear_source (&self->accept_source);
  g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  self->port = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

/* Accepted connections that are not over yet: in the handshake or open. */
guint
ms_ws_listener_get_n_connections (MsWsListener *self)
{
  g_return_val_if_fail (MS_IS_WS_LISTENER (self), 0);

  return self->tracked.length;
}

/* Connections closed at once because of the per-address limit. */
guint64
ms_ws_listener_get_n_refused (MsWsListener *self)
{
  g_return_val_if_fail (MS_IS_WS_LISTENER (self), 0);

  return self->n_refused;
}
