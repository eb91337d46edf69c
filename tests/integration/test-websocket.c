/* test-websocket.c: MsWsConnection and MsWsListener over real sockets
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include <sys/socket.h>

#include "moneysocket.h"
#include "test-util.h"

/* Every wait iterates the default main context under a time cap. */
#define WAIT_UNTIL(cond, ms)                                                   \
  G_STMT_START {                                                               \
    gint64 wait_deadline_ = g_get_monotonic_time () + (gint64) (ms) * 1000;    \
    while (!(cond) && g_get_monotonic_time () < wait_deadline_)                \
      g_main_context_iteration (NULL, TRUE);                                   \
    g_assert_true (cond);                                                      \
  } G_STMT_END

/* Lets the main loop run for @ms without a condition. */
static void
spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* One end of a WebSocket, as the test sees it. */
typedef struct
{
  MsWsConnection *conn;
  GPtrArray      *messages;   /* GBytes */
  gboolean        closed;
  guint           close_code;
  char           *close_reason;
  guint           n_state_notifies;
  gboolean        echo;
  gboolean        unref_in_handler;
  guint           spin_in_handler;  /* iterate the main context for this many ms, once */
} Peer;

static void
peer_message_cb (MsWsConnection *conn,
                 const guint8   *data,
                 gsize           len,
                 gpointer        user_data)
{
  Peer *peer = user_data;

  g_ptr_array_add (peer->messages, g_bytes_new (data, len));
  if (peer->echo)
    ms_ws_connection_send (conn, data, len);
  if (peer->spin_in_handler > 0)
    {
      guint ms = peer->spin_in_handler;

      peer->spin_in_handler = 0;
      spin (ms);
    }
  if (peer->unref_in_handler)
    {
      peer->unref_in_handler = FALSE;
      g_signal_handlers_disconnect_by_data (peer->conn, peer);
      g_clear_object (&peer->conn);
    }
}

static void
peer_closed_cb (MsWsConnection *conn,
                guint           code,
                const char     *reason,
                gpointer        user_data)
{
  Peer *peer = user_data;

  /* "closed" comes exactly once, in the closed state. */
  g_assert_false (peer->closed);
  g_assert_cmpint (ms_ws_connection_get_state (conn), ==, MS_WS_STATE_CLOSED);
  g_assert_cmpuint (ms_ws_connection_get_close_code (conn), ==, code);
  peer->closed = TRUE;
  peer->close_code = code;
  peer->close_reason = g_strdup (reason);
}

static void
peer_state_cb (MsWsConnection *conn,
               GParamSpec     *pspec,
               gpointer        user_data)
{
  Peer *peer = user_data;

  peer->n_state_notifies++;
}

static void
peer_init (Peer *peer)
{
  memset (peer, 0, sizeof *peer);
  peer->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static void
peer_attach (Peer           *peer,
             MsWsConnection *conn)
{
  peer->conn = g_object_ref (conn);
  ms_ws_connection_set_message_func (conn, peer_message_cb, peer, NULL);
  g_signal_connect (conn, "closed", G_CALLBACK (peer_closed_cb), peer);
  g_signal_connect (conn, "notify::state", G_CALLBACK (peer_state_cb), peer);
}

static void
peer_clear (Peer *peer)
{
  if (peer->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (peer->conn, peer);
      ms_ws_connection_set_message_func (peer->conn, NULL, NULL, NULL);
      g_clear_object (&peer->conn);
    }
  g_clear_pointer (&peer->messages, g_ptr_array_unref);
  g_clear_pointer (&peer->close_reason, g_free);
}

static void
assert_message (Peer         *peer,
                guint         index,
                const guint8 *data,
                gsize         len)
{
  GBytes *bytes;

  g_assert_cmpuint (peer->messages->len, >, index);
  bytes = g_ptr_array_index (peer->messages, index);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), data, len);
}

typedef struct
{
  MsWsListener *listener;
  guint16       port;
  Peer          server;     /* the first connection the listener hands over */
  Peer          client;
  GPtrArray    *extra;      /* later server connections */
  guint         n_accepted;

  /* Applied to each server connection as it arrives. */
  guint         server_keepalive;
  guint         server_pong_timeout;
  guint         server_idle_timeout;
  gsize         server_max_payload;
  gboolean      server_close_on_text;
  gboolean      server_echo;
  gboolean      server_unref_in_handler;
} Fixture;

static void
on_connection (MsWsListener   *listener,
               MsWsConnection *conn,
               gpointer        user_data)
{
  Fixture *f = user_data;

  f->n_accepted++;
  g_assert_cmpint (ms_ws_connection_get_role (conn), ==, MS_WS_ROLE_SERVER);
  g_assert_cmpint (ms_ws_connection_get_state (conn), ==, MS_WS_STATE_OPEN);
  g_assert_cmpstr (ms_ws_connection_get_peer_address (conn), ==, "127.0.0.1");

  ms_ws_connection_set_keepalive_interval (conn, f->server_keepalive);
  ms_ws_connection_set_pong_timeout (conn, f->server_pong_timeout);
  ms_ws_connection_set_idle_timeout (conn, f->server_idle_timeout);
  ms_ws_connection_set_close_on_text (conn, f->server_close_on_text);
  if (f->server_max_payload != 0)
    ms_ws_connection_set_max_payload (conn, f->server_max_payload);

  if (f->server.conn == NULL && f->n_accepted == 1)
    {
      peer_attach (&f->server, conn);
      f->server.echo = f->server_echo;
      f->server.unref_in_handler = f->server_unref_in_handler;
    }
  else
    {
      g_ptr_array_add (f->extra, g_object_ref (conn));
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  memset (f, 0, sizeof *f);
  f->listener = ms_ws_listener_new ();
  g_assert_true (ms_ws_listener_listen (f->listener, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->port = ms_ws_listener_get_port (f->listener);
  g_assert_cmpuint (f->port, !=, 0);
  g_signal_connect (f->listener, "connection", G_CALLBACK (on_connection), f);

  peer_init (&f->server);
  peer_init (&f->client);
  f->server_echo = TRUE;
  f->extra = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  peer_clear (&f->server);
  peer_clear (&f->client);
  g_clear_pointer (&f->extra, g_ptr_array_unref);
  g_clear_object (&f->listener);

  /* Let closing connections and stream closes finish inside this test. */
  spin (50);
}

typedef struct
{
  gboolean        done;
  MsWsConnection *conn;
  GError         *error;
} ConnectResult;

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConnectResult *r = user_data;

  r->conn = ms_ws_connect_finish (result, &r->error);
  r->done = TRUE;
}

static MsWsConnection *
connect_url (const char       *url,
             GTlsCertificate  *pinned,
             GCancellable     *cancellable,
             GError          **error)
{
  ConnectResult r = { 0 };

  ms_ws_connect_async (url, pinned, cancellable, connected_cb, &r);
  WAIT_UNTIL (r.done, 15000);
  g_assert_true ((r.conn == NULL) != (r.error == NULL));
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.conn;
}

static void
fixture_connect (Fixture *f)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u", f->port);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsWsConnection) conn = connect_url (url, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ms_ws_connection_get_role (conn), ==, MS_WS_ROLE_CLIENT);
  peer_attach (&f->client, conn);
  WAIT_UNTIL (f->n_accepted > 0, 5000);
}

static GBytes *
random_bytes (gsize len)
{
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) g_test_rand_int ();
  return g_bytes_new_take (data, len);
}

/* Echo through client -> server -> client for each size. */
static void
test_echo (Fixture       *f,
           gconstpointer  data)
{
  static const gsize sizes[] = { 0, 1, 125, 126, 65535, 65536, 1024 * 1024 };
  guint n;

  fixture_connect (f);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) payload = random_bytes (sizes[i]);

      ms_ws_connection_send_bytes (f->client.conn, payload);
      WAIT_UNTIL (f->client.messages->len == i + 1, 10000);
      assert_message (&f->server, i, g_bytes_get_data (payload, NULL), sizes[i]);
      assert_message (&f->client, i, g_bytes_get_data (payload, NULL), sizes[i]);
    }

  n = G_N_ELEMENTS (sizes);
  g_assert_cmpuint (ms_ws_connection_get_messages_sent (f->client.conn), ==, n);
  g_assert_cmpuint (ms_ws_connection_get_messages_received (f->client.conn), ==, n);
  g_assert_cmpuint (ms_ws_connection_get_messages_received (f->server.conn), ==, n);
  g_assert_cmpuint (ms_ws_connection_get_messages_sent (f->server.conn), ==, n);
  g_assert_cmpuint (ms_ws_connection_get_queued_bytes (f->client.conn), ==, 0);
  g_assert_cmpuint (ms_ws_listener_get_n_connections (f->listener), ==, 1);
  g_assert_false (f->client.closed);
  g_assert_false (f->server.closed);
}

/* RFC 6455 7.4.1: 1009 for a message bigger than the receiver takes, both ways. */
static void
test_too_big (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GBytes) big = random_bytes (MS_WS_DEFAULT_MAX_PAYLOAD + 1);
  g_autoptr(GBytes) small = random_bytes (1001);

  fixture_connect (f);
  ms_ws_connection_send_bytes (f->client.conn, big);
  WAIT_UNTIL (f->client.closed && f->server.closed, 5000);
  g_assert_cmpuint (f->server.close_code, ==, MS_WS_CLOSE_TOO_BIG);
  g_assert_cmpuint (f->client.close_code, ==, MS_WS_CLOSE_TOO_BIG);
  g_assert_cmpuint (f->server.messages->len, ==, 0);

  /* The other way round: the client refuses what the server echoes. */
  peer_clear (&f->server);
  peer_clear (&f->client);
  peer_init (&f->server);
  peer_init (&f->client);
  f->n_accepted = 0;
  fixture_connect (f);
  ms_ws_connection_set_max_payload (f->client.conn, 1000);
  g_assert_cmpuint (ms_ws_connection_get_max_payload (f->client.conn), ==, 1000);
  ms_ws_connection_send_bytes (f->client.conn, small);
  WAIT_UNTIL (f->client.closed && f->server.closed, 5000);
  g_assert_cmpuint (f->server.messages->len, ==, 1);
  g_assert_cmpuint (f->client.messages->len, ==, 0);
  g_assert_cmpuint (f->client.close_code, ==, MS_WS_CLOSE_TOO_BIG);
  g_assert_cmpuint (f->server.close_code, ==, MS_WS_CLOSE_TOO_BIG);
}

/* 1000 messages sent without waiting arrive complete and in order. */
static void
test_pipelined (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  fixture_connect (f);

  for (guint i = 0; i < 1000; i++)
    {
      gsize len = 4 + g_test_rand_int_range (0, 3000);
      g_autoptr(GBytes) random = random_bytes (len);
      guint8 *copy = g_memdup2 (g_bytes_get_data (random, NULL), len);

      memcpy (copy, &i, sizeof i);
      g_ptr_array_add (sent, g_bytes_new_take (copy, len));
      ms_ws_connection_send_bytes (f->client.conn, g_ptr_array_index (sent, i));
    }

  WAIT_UNTIL (f->client.messages->len == 1000, 20000);
  for (guint i = 0; i < 1000; i++)
    {
      GBytes *expected = g_ptr_array_index (sent, i);

      g_assert_true (g_bytes_equal (expected, g_ptr_array_index (f->server.messages, i)));
      g_assert_true (g_bytes_equal (expected, g_ptr_array_index (f->client.messages, i)));
    }
}

/* A hand-driven client: raw bytes over TCP. */

typedef struct
{
  GSocketConnection *conn;
  GSource           *source;
  GByteArray        *in;
  gboolean           eof;
  guint16            port;
} Raw;

static gboolean
raw_readable_cb (GObject  *stream,
                 gpointer  user_data)
{
  Raw *raw = user_data;
  guint8 buf[16384];

  while (TRUE)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream), buf,
                                                           sizeof buf, NULL, &error);

      if (n > 0)
        {
          g_byte_array_append (raw->in, buf, n);
          continue;
        }
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;

      raw->eof = TRUE;
      return G_SOURCE_REMOVE;
    }
}

static Raw *
raw_new (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GInputStream *input;
  Raw *raw = g_new0 (Raw, 1);

  raw->port = port;
  raw->in = g_byte_array_new ();
  raw->conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);

  input = g_io_stream_get_input_stream (G_IO_STREAM (raw->conn));
  raw->source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (input), NULL);
  g_source_set_callback (raw->source, G_SOURCE_FUNC (raw_readable_cb), raw, NULL);
  g_source_attach (raw->source, NULL);
  return raw;
}

static void
raw_free (Raw *raw)
{
  g_source_destroy (raw->source);
  g_source_unref (raw->source);
  g_io_stream_close (G_IO_STREAM (raw->conn), NULL, NULL);
  g_object_unref (raw->conn);
  g_byte_array_unref (raw->in);
  g_free (raw);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Raw, raw_free)

static void
raw_write (Raw          *raw,
           const void   *data,
           gsize         len)
{
  g_autoptr(GError) error = NULL;
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (raw->conn));

  g_output_stream_write_all (output, data, len, NULL, NULL, &error);
  g_assert_no_error (error);
}

static MsWsParseResult
raw_parse_response (Raw        *raw,
                    const char *key,
                    gsize      *consumed)
{
  return ms_ws_handshake_parse_response (raw->in->data, raw->in->len, key, consumed, NULL);
}

static void
raw_handshake (Raw *raw)
{
  char key[MS_WS_KEY_LEN + 1];
  g_autofree char *request = ms_ws_handshake_build_request ("127.0.0.1", raw->port, "/", key);
  gsize consumed = 0;

  raw_write (raw, request, strlen (request));
  WAIT_UNTIL (raw_parse_response (raw, key, &consumed) != MS_WS_PARSE_NEED_MORE || raw->eof, 5000);
  g_assert_cmpint (raw_parse_response (raw, key, &consumed), ==, MS_WS_PARSE_OK);
  g_byte_array_remove_range (raw->in, 0, consumed);
}

static void
raw_send_frame (Raw          *raw,
                gboolean      fin,
                MsWsOpcode    opcode,
                const void   *payload,
                gsize         len,
                gboolean      masked)
{
  static const guint8 mask[] = { 0x11, 0x22, 0x33, 0x44 };
  guint8 header[MS_WS_MAX_HEADER_LEN];
  g_autofree guint8 *body = g_malloc (len + 1);
  gsize n = ms_ws_frame_build_header (header, fin, opcode, len, masked ? mask : NULL);

  if (masked)
    ms_ws_frame_mask_copy (body, payload, len, mask);
  else if (len > 0)
    memcpy (body, payload, len);
  raw_write (raw, header, n);
  raw_write (raw, body, len);
}

static gboolean
raw_has_frame (Raw *raw)
{
  MsWsFrameHeader h;

  if (ms_ws_frame_parse_header (raw->in->data, raw->in->len, &h, NULL) != MS_WS_PARSE_OK)
    return FALSE;
  return h.header_len + h.payload_len <= raw->in->len;
}

/* The next frame from the server, which must be unmasked (RFC 6455 5.1). */
static GBytes *
raw_next_frame (Raw  *raw,
                guint expected_opcode)
{
  MsWsFrameHeader h;
  GBytes *payload;

  WAIT_UNTIL (raw_has_frame (raw) || raw->eof, 5000);
  g_assert_true (raw_has_frame (raw));
  g_assert_cmpint (ms_ws_frame_parse_header (raw->in->data, raw->in->len, &h, NULL), ==,
                   MS_WS_PARSE_OK);
  g_assert_false (h.masked);
  g_assert_true (h.fin);
  g_assert_cmpuint (h.opcode, ==, expected_opcode);

  payload = g_bytes_new (raw->in->data + h.header_len, h.payload_len);
  g_byte_array_remove_range (raw->in, 0, h.header_len + h.payload_len);
  return payload;
}

static void
raw_expect_close (Raw     *raw,
                  gushort  expected_code)
{
  g_autoptr(GBytes) payload = raw_next_frame (raw, MS_WS_OPCODE_CLOSE);
  g_autofree char *reason = NULL;
  gushort code = 0;

  g_assert_true (ms_ws_close_parse (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                                    &code, &reason, NULL));
  g_assert_cmpuint (code, ==, expected_code);
  WAIT_UNTIL (raw->eof, 5000);
}

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       len)
{
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, len);
}

/* RFC 6455 5.4: fragments reassembled, control frames in between. */
static void
test_fragments (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_new (f->port);
  g_autoptr(GBytes) pong = NULL;
  g_autoptr(GBytes) echo = NULL;
  g_autoptr(GBytes) after = NULL;
  guint8 frame[MS_WS_MAX_HEADER_LEN + 8];
  static const guint8 mask[] = { 9, 8, 7, 6 };
  gsize n;

  raw_handshake (raw);
  raw_send_frame (raw, FALSE, MS_WS_OPCODE_BINARY, "Hel", 3, TRUE);
  raw_send_frame (raw, TRUE, MS_WS_OPCODE_PING, "p1", 2, TRUE);
  raw_send_frame (raw, FALSE, MS_WS_OPCODE_CONTINUATION, "lo ", 3, TRUE);
  raw_send_frame (raw, TRUE, MS_WS_OPCODE_CONTINUATION, "World", 5, TRUE);

  pong = raw_next_frame (raw, MS_WS_OPCODE_PONG);
  assert_bytes (pong, "p1", 2);
  echo = raw_next_frame (raw, MS_WS_OPCODE_BINARY);
  assert_bytes (echo, "Hello World", 11);
  g_assert_cmpuint (f->server.messages->len, ==, 1);

  /* A fragmented text message is dropped as a whole; the binary after it arrives. */
  raw_send_frame (raw, FALSE, MS_WS_OPCODE_TEXT, "te", 2, TRUE);
  raw_send_frame (raw, TRUE, MS_WS_OPCODE_CONTINUATION, "xt", 2, TRUE);

  /* One frame a byte at a time: the header itself arrives in pieces. */
  n = ms_ws_frame_build_header (frame, TRUE, MS_WS_OPCODE_BINARY, 5, mask);
  ms_ws_frame_mask_copy (frame + n, (const guint8 *) "after", 5, mask);
  for (gsize i = 0; i < n + 5; i++)
    {
      raw_write (raw, frame + i, 1);
      spin (2);
    }
  after = raw_next_frame (raw, MS_WS_OPCODE_BINARY);
  assert_bytes (after, "after", 5);
  g_assert_cmpuint (f->server.messages->len, ==, 2);

  /* A continuation with nothing to continue is a protocol error. */
  raw_send_frame (raw, TRUE, MS_WS_OPCODE_CONTINUATION, "x", 1, TRUE);
  raw_expect_close (raw, MS_WS_CLOSE_PROTOCOL_ERROR);
  WAIT_UNTIL (f->server.closed, 5000);
  g_assert_cmpuint (f->server.close_code, ==, MS_WS_CLOSE_PROTOCOL_ERROR);
}

/* PROTOCOL.md 5.1: text is dropped, or closes with 1003 when asked to. */
static void
test_text (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_new (f->port);
  g_autoptr(Raw) strict = NULL;
  g_autoptr(GBytes) echo = NULL;

  raw_handshake (raw);
  raw_send_frame (raw, TRUE, MS_WS_OPCODE_TEXT, "hi", 2, TRUE);
  raw_send_frame (raw, TRUE, MS_WS_OPCODE_BINARY, "bin", 3, TRUE);
  echo = raw_next_frame (raw, MS_WS_OPCODE_BINARY);
  assert_bytes (echo, "bin", 3);
  g_assert_cmpuint (f->server.messages->len, ==, 1);
  g_assert_cmpuint (ms_ws_connection_get_messages_received (f->server.conn), ==, 1);

  f->server_close_on_text = TRUE;
  strict = raw_new (f->port);
  raw_handshake (strict);
  WAIT_UNTIL (f->extra->len == 1, 5000);
  g_assert_true (ms_ws_connection_get_close_on_text (g_ptr_array_index (f->extra, 0)));
  raw_send_frame (strict, TRUE, MS_WS_OPCODE_TEXT, "hi", 2, TRUE);
  raw_expect_close (strict, MS_WS_CLOSE_UNSUPPORTED_DATA);
  WAIT_UNTIL (ms_ws_connection_get_state (g_ptr_array_index (f->extra, 0)) == MS_WS_STATE_CLOSED,
              5000);
  g_assert_cmpuint (ms_ws_connection_get_close_code (g_ptr_array_index (f->extra, 0)), ==,
                    MS_WS_CLOSE_UNSUPPORTED_DATA);
  g_assert_false (f->server.closed);
}

/* PROTOCOL.md 5.1: a pong carries exactly the ping's payload. */
static void
test_ping (Fixture       *f,
           gconstpointer  data)
{
  static const char payload[] = "abc\0\xff\x80 ping";
  g_autoptr(Raw) raw = raw_new (f->port);
  g_autoptr(GBytes) pong = NULL;
  g_autoptr(GBytes) empty = NULL;
  g_autofree char *max = g_strnfill (MS_WS_MAX_CONTROL_PAYLOAD, 'm');
  g_autoptr(GBytes) big = NULL;

  raw_handshake (raw);
  raw_send_frame (raw, TRUE, MS_WS_OPCODE_PING, payload, sizeof payload - 1, TRUE);
  pong = raw_next_frame (raw, MS_WS_OPCODE_PONG);
  assert_bytes (pong, payload, sizeof payload - 1);

  raw_send_frame (raw, TRUE, MS_WS_OPCODE_PING, "", 0, TRUE);
  empty = raw_next_frame (raw, MS_WS_OPCODE_PONG);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);

  raw_send_frame (raw, TRUE, MS_WS_OPCODE_PING, max, MS_WS_MAX_CONTROL_PAYLOAD, TRUE);
  big = raw_next_frame (raw, MS_WS_OPCODE_PONG);
  assert_bytes (big, max, MS_WS_MAX_CONTROL_PAYLOAD);

  /* An unsolicited pong is fine. */
  raw_send_frame (raw, TRUE, MS_WS_OPCODE_PONG, "u", 1, TRUE);
  spin (50);
  g_assert_false (f->server.closed);
}

/* PROTOCOL.md 9.4: pings after a quiet interval; no pong in time drops the socket. */
static void
test_keepalive (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Raw) raw = NULL;
  g_autoptr(GBytes) ping = NULL;
  gint64 start;

  f->server_keepalive = 1;
  f->server_pong_timeout = 1;
  fixture_connect (f);
  g_assert_cmpuint (ms_ws_connection_get_keepalive_interval (f->server.conn), ==, 1);
  ms_ws_connection_set_keepalive_interval (f->client.conn, 1);
  ms_ws_connection_set_pong_timeout (f->client.conn, 1);

  /* Both ends ping and answer: nothing closes although no message flows. */
  spin (3500);
  g_assert_false (f->client.closed);
  g_assert_false (f->server.closed);

  /* A peer that never answers pings. */
  raw = raw_new (f->port);
  raw_handshake (raw);
  start = g_get_monotonic_time ();
  ping = raw_next_frame (raw, MS_WS_OPCODE_PING);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  WAIT_UNTIL (raw->eof, 5000);
  g_assert_cmpuint (f->extra->len, ==, 1);
  g_assert_cmpint (ms_ws_connection_get_state (g_ptr_array_index (f->extra, 0)), ==,
                   MS_WS_STATE_CLOSED);
  g_assert_cmpuint (ms_ws_connection_get_close_code (g_ptr_array_index (f->extra, 0)), ==,
                    MS_WS_CLOSE_ABNORMAL);
  g_assert_false (f->client.closed);
}

static void
test_idle_timeout (Fixture       *f,
                   gconstpointer  data)
{
  gint64 start;

  f->server_idle_timeout = 1;
  fixture_connect (f);
  g_assert_cmpuint (ms_ws_connection_get_idle_timeout (f->server.conn), ==, 1);

  start = g_get_monotonic_time ();
  WAIT_UNTIL (f->client.closed && f->server.closed, 5000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpuint (f->server.close_code, ==, MS_WS_CLOSE_GOING_AWAY);
  g_assert_cmpuint (f->client.close_code, ==, MS_WS_CLOSE_GOING_AWAY);
  g_assert_cmpstr (f->client.close_reason, ==, "idle timeout");
}

/* RFC 6455 7: the close handshake from either side, codes seen by both. */
static void
test_close_codes (Fixture       *f,
                  gconstpointer  data)
{
  fixture_connect (f);
  ms_ws_connection_close (f->client.conn, 4000, "bye");
  g_assert_cmpint (ms_ws_connection_get_state (f->client.conn), ==, MS_WS_STATE_CLOSING);
  WAIT_UNTIL (f->client.closed && f->server.closed, 5000);
  g_assert_cmpuint (f->server.close_code, ==, 4000);
  g_assert_cmpstr (f->server.close_reason, ==, "bye");
  g_assert_cmpuint (f->client.close_code, ==, 4000);
  g_assert_cmpstr (f->client.close_reason, ==, "bye");
  g_assert_cmpuint (f->client.n_state_notifies, ==, 2);
  g_assert_cmpuint (f->server.n_state_notifies, ==, 2);
  WAIT_UNTIL (ms_ws_listener_get_n_connections (f->listener) == 0, 1000);

  /* Nothing goes out after the close. */
  ms_ws_connection_send (f->client.conn, (const guint8 *) "late", 4);
  g_assert_cmpuint (ms_ws_connection_get_messages_sent (f->client.conn), ==, 0);

  /* Now from the server, with a status-less close. */
  peer_clear (&f->server);
  peer_clear (&f->client);
  peer_init (&f->server);
  peer_init (&f->client);
  f->n_accepted = 0;
  fixture_connect (f);
  ms_ws_connection_close (f->server.conn, MS_WS_CLOSE_NO_STATUS, NULL);
  WAIT_UNTIL (f->client.closed && f->server.closed, 5000);
  g_assert_cmpuint (f->client.close_code, ==, MS_WS_CLOSE_NO_STATUS);
  g_assert_cmpuint (f->server.close_code, ==, MS_WS_CLOSE_NO_STATUS);
}

/* A close goes out after what is already queued, and the owner may drop its
 * reference right away. */
static void
test_close_after_queued (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GBytes) big = random_bytes (1024 * 1024);
  g_autoptr(MsWsConnection) client = NULL;

  f->server_echo = FALSE;
  fixture_connect (f);
  for (guint i = 0; i < 4; i++)
    ms_ws_connection_send_bytes (f->client.conn, big);
  ms_ws_connection_close (f->client.conn, MS_WS_CLOSE_NORMAL, "done");
  client = g_object_ref (f->client.conn);
  peer_clear (&f->client);
  peer_init (&f->client);
  g_clear_object (&client);

  WAIT_UNTIL (f->server.closed, 10000);
  g_assert_cmpuint (f->server.messages->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_true (g_bytes_equal (g_ptr_array_index (f->server.messages, i), big));
  g_assert_cmpuint (f->server.close_code, ==, MS_WS_CLOSE_NORMAL);
  g_assert_cmpstr (f->server.close_reason, ==, "done");
}

/* A peer that vanishes (TCP reset) ends the connection with 1006. */
static void
test_peer_reset (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_new (f->port);
  struct linger linger = { 1, 0 };
  GSocket *socket;

  raw_handshake (raw);
  WAIT_UNTIL (f->server.conn != NULL, 5000);

  socket = g_socket_connection_get_socket (raw->conn);
  g_assert_cmpint (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger,
                               sizeof linger), ==, 0);
  g_socket_close (socket, NULL);

  WAIT_UNTIL (f->server.closed, 5000);
  g_assert_cmpuint (f->server.close_code, ==, MS_WS_CLOSE_ABNORMAL);
  g_assert_nonnull (f->server.close_reason);
  WAIT_UNTIL (ms_ws_listener_get_n_connections (f->listener) == 0, 1000);
}

/* RFC 6455 5.1: "a server MUST close the connection upon receiving a frame that is not masked". */
static void
test_unmasked (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_new (f->port);

  raw_handshake (raw);
  raw_send_frame (raw, TRUE, MS_WS_OPCODE_BINARY, "plain", 5, FALSE);
  raw_expect_close (raw, MS_WS_CLOSE_PROTOCOL_ERROR);
  WAIT_UNTIL (f->server.closed, 5000);
  g_assert_cmpuint (f->server.close_code, ==, MS_WS_CLOSE_PROTOCOL_ERROR);
  g_assert_cmpuint (f->server.messages->len, ==, 0);
}

/* And a client must refuse masked frames from the server: a fake server here. */
static void
test_masked_from_server (void)
{
  int fds[2];
  g_autoptr(GSocket) a = NULL;
  g_autoptr(GSocket) b = NULL;
  g_autoptr(GSocketConnection) ca = NULL;
  g_autoptr(MsWsConnection) client = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 mask[] = { 1, 2, 3, 4 };
  guint8 frame[MS_WS_MAX_HEADER_LEN + 2];
  guint8 reply[64];
  Peer peer;
  gsize n;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  a = g_socket_new_from_fd (fds[0], &error);
  b = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  ca = g_socket_connection_factory_create_connection (a);

  client = ms_ws_connection_new_for_stream (G_IO_STREAM (ca), MS_WS_ROLE_CLIENT, NULL, 0);
  peer_init (&peer);
  peer_attach (&peer, client);
  g_assert_null (ms_ws_connection_get_peer_address (client));

  n = ms_ws_frame_build_header (frame, TRUE, MS_WS_OPCODE_BINARY, 2, mask);
  ms_ws_frame_mask_copy (frame + n, (const guint8 *) "hi", 2, mask);
  g_assert_cmpint (g_socket_send (b, (const char *) frame, n + 2, NULL, &error), ==, n + 2);

  /* The client answers with a masked close 1002 and, being the client,
   * waits for the server to close TCP. */
  WAIT_UNTIL (g_socket_condition_check (b, G_IO_IN) & G_IO_IN, 5000);
  n = g_socket_receive (b, (char *) reply, sizeof reply, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, >=, 8);
  g_assert_cmpuint (reply[0], ==, 0x88);
  g_assert_cmpuint (reply[1] & 0x80, ==, 0x80);
  ms_ws_frame_mask (reply + 6, n - 6, reply + 2, 0);
  g_assert_cmpuint ((reply[6] << 8) | reply[7], ==, MS_WS_CLOSE_PROTOCOL_ERROR);
  g_socket_close (b, NULL);

  WAIT_UNTIL (peer.closed, 5000);
  g_assert_cmpuint (peer.close_code, ==, MS_WS_CLOSE_PROTOCOL_ERROR);
  g_assert_cmpuint (peer.messages->len, ==, 0);
  peer_clear (&peer);
}

/* Bytes after the handshake are frames: they are processed, in order, with
 * what arrives later. */
static void
test_leftover (void)
{
  int fds[2];
  g_autoptr(GSocket) a = NULL;
  g_autoptr(GSocket) b = NULL;
  g_autoptr(GSocketConnection) ca = NULL;
  g_autoptr(MsWsConnection) server = NULL;
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  static const guint8 mask[] = { 5, 6, 7, 8 };
  const char *words[] = { "early", "ping!", "late" };
  MsWsOpcode opcodes[] = { MS_WS_OPCODE_BINARY, MS_WS_OPCODE_PING, MS_WS_OPCODE_BINARY };
  guint8 reply[64];
  gsize split;
  Peer peer;

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      guint8 frame[MS_WS_MAX_HEADER_LEN + 8];
      gsize n = ms_ws_frame_build_header (frame, TRUE, opcodes[i], strlen (words[i]), mask);

      ms_ws_frame_mask_copy (frame + n, (const guint8 *) words[i], strlen (words[i]), mask);
      g_byte_array_append (wire, frame, n + strlen (words[i]));
    }
  split = wire->len - 5;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  a = g_socket_new_from_fd (fds[0], &error);
  b = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  ca = g_socket_connection_factory_create_connection (a);

  server = ms_ws_connection_new_for_stream (G_IO_STREAM (ca), MS_WS_ROLE_SERVER, wire->data, split);
  peer_init (&peer);
  peer_attach (&peer, server);

  WAIT_UNTIL (peer.messages->len == 1, 5000);
  assert_message (&peer, 0, (const guint8 *) "early", 5);

  /* The ping in the leftover was answered. */
  WAIT_UNTIL (g_socket_condition_check (b, G_IO_IN) & G_IO_IN, 5000);
  g_assert_cmpint (g_socket_receive (b, (char *) reply, sizeof reply, NULL, &error), ==, 7);
  g_assert_cmpmem (reply, 7, "\x8a\x05ping!", 7);

  g_assert_cmpint (g_socket_send (b, (const char *) wire->data + split, wire->len - split, NULL,
                                  &error), ==, wire->len - split);
  WAIT_UNTIL (peer.messages->len == 2, 5000);
  assert_message (&peer, 1, (const guint8 *) "late", 4);
  peer_clear (&peer);
}

/* RFC 6455 4.2.2: a request that is not a WebSocket handshake gets an HTTP error. */
static void
test_bad_handshake (Fixture       *f,
                    gconstpointer  data)
{
  static const char garbage[] = "garbage\r\n\r\n";
  static const char old_version[] =
    "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n";
  g_autoptr(Raw) raw = raw_new (f->port);
  g_autoptr(Raw) version = raw_new (f->port);
  g_autoptr(Raw) silent = NULL;
  g_autofree char *text = NULL;
  gint64 start;

  raw_write (raw, garbage, strlen (garbage));
  WAIT_UNTIL (raw->eof, 5000);
  text = g_strndup ((const char *) raw->in->data, raw->in->len);
  g_assert_true (g_str_has_prefix (text, "HTTP/1.1 400 Bad Request\r\n"));
  g_clear_pointer (&text, g_free);

  raw_write (version, old_version, strlen (old_version));
  WAIT_UNTIL (version->eof, 5000);
  text = g_strndup ((const char *) version->in->data, version->in->len);
  g_assert_true (g_str_has_prefix (text, "HTTP/1.1 426 Upgrade Required\r\n"));
  g_assert_nonnull (strstr (text, "\r\nSec-WebSocket-Version: 13\r\n"));

  g_assert_cmpuint (f->n_accepted, ==, 0);
  WAIT_UNTIL (ms_ws_listener_get_n_connections (f->listener) == 0, 1000);

  /* A client that says nothing is dropped after the handshake timeout. */
  ms_ws_listener_set_handshake_timeout (f->listener, 1);
  silent = raw_new (f->port);
  start = g_get_monotonic_time ();
  WAIT_UNTIL (silent->eof, 5000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpuint (silent->in->len, ==, 0);
  g_assert_cmpuint (f->n_accepted, ==, 0);
}

static void
test_address_limit (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Raw) one = NULL;
  g_autoptr(Raw) two = NULL;
  g_autoptr(Raw) three = NULL;
  g_autoptr(Raw) four = NULL;

  ms_ws_listener_set_max_connections_per_address (f->listener, 2);
  one = raw_new (f->port);
  two = raw_new (f->port);
  raw_handshake (one);
  WAIT_UNTIL (ms_ws_listener_get_n_connections (f->listener) == 2, 5000);

  three = raw_new (f->port);
  WAIT_UNTIL (three->eof, 5000);
  g_assert_cmpuint (three->in->len, ==, 0);
  g_assert_cmpuint (ms_ws_listener_get_n_refused (f->listener), ==, 1);
  g_assert_cmpuint (ms_ws_listener_get_n_connections (f->listener), ==, 2);

  /* A closed WebSocket frees its slot. */
  ms_ws_connection_close (f->server.conn, MS_WS_CLOSE_NORMAL, NULL);
  raw_expect_close (one, MS_WS_CLOSE_NORMAL);
  WAIT_UNTIL (ms_ws_listener_get_n_connections (f->listener) == 1, 5000);
  four = raw_new (f->port);
  raw_handshake (four);
  g_assert_false (four->eof);
  g_assert_cmpuint (ms_ws_listener_get_n_refused (f->listener), ==, 1);
}

/*
 * A handler that iterates the main context while its frames are being
 * parsed: other connections read meanwhile (with a scratch buffer of their
 * own), this one does not, and nothing is lost or reordered.
 */
static void
test_nested_loop (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Raw) raw = NULL;
  g_autoptr(GBytes) big = random_bytes (200 * 1024);
  char text[16];

  fixture_connect (f);
  f->client.spin_in_handler = 100;
  raw = raw_new (f->port);
  raw_handshake (raw);
  WAIT_UNTIL (f->extra->len == 1, 5000);

  for (guint i = 0; i < 20; i++)
    {
      g_snprintf (text, sizeof text, "msg %u", i);
      ms_ws_connection_send (f->client.conn, (const guint8 *) text, strlen (text));
    }
  ms_ws_connection_send_bytes (f->client.conn, big);
  for (guint i = 0; i < 20; i++)
    raw_send_frame (raw, TRUE, MS_WS_OPCODE_PING, "nested", 6, TRUE);

  WAIT_UNTIL (f->client.messages->len == 21, 10000);
  for (guint i = 0; i < 20; i++)
    {
      g_snprintf (text, sizeof text, "msg %u", i);
      assert_message (&f->client, i, (const guint8 *) text, strlen (text));
    }
  g_assert_true (g_bytes_equal (g_ptr_array_index (f->client.messages, 20), big));

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GBytes) pong = raw_next_frame (raw, MS_WS_OPCODE_PONG);

      assert_bytes (pong, "nested", 6);
    }
  g_assert_false (f->client.closed);
}

/* The handler drops the last reference to its connection inside the call. */
static void
test_unref_in_handler (Fixture       *f,
                       gconstpointer  data)
{
  MsWsConnection *weak = NULL;

  f->server_unref_in_handler = TRUE;
  fixture_connect (f);
  weak = f->server.conn;
  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);

  ms_ws_connection_send (f->client.conn, (const guint8 *) "x", 1);
  WAIT_UNTIL (weak == NULL, 5000);
  g_assert_null (f->server.conn);

  /* The socket went with it: the client sees the connection drop. */
  WAIT_UNTIL (f->client.closed, 5000);
  g_assert_cmpuint (f->client.close_code, ==, MS_WS_CLOSE_ABNORMAL);
  g_assert_cmpuint (f->client.messages->len, ==, 1);
  WAIT_UNTIL (ms_ws_listener_get_n_connections (f->listener) == 0, 1000);
}

static void
test_connect_errors (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(MsWsConnection) conn = NULL;
  g_autofree char *closed_url = NULL;
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u", f->port);
  g_autoptr(MsWsListener) other = ms_ws_listener_new ();
  guint16 closed_port;

  conn = connect_url ("http://127.0.0.1:1", NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (ms_ws_listener_listen (other, "127.0.0.1", 0, NULL));
  closed_port = ms_ws_listener_get_port (other);
  ms_ws_listener_stop (other);
  g_assert_cmpuint (ms_ws_listener_get_port (other), ==, 0);
  closed_url = g_strdup_printf ("ws://127.0.0.1:%u", closed_port);
  conn = connect_url (closed_url, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_true (g_str_has_prefix (error->message, "websocket: "));
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  conn = connect_url (url, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Listening twice is refused. */
  g_assert_false (ms_ws_listener_listen (f->listener, "127.0.0.1", 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
}

/* A certificate from the build (see tests/meson.build), with its key when @key_variable is set. */
static GTlsCertificate *
load_certificate (const char *cert_variable,
                  const char *key_variable)
{
  const char *cert = g_getenv (cert_variable);
  const char *key = key_variable != NULL ? g_getenv (key_variable) : NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  if (cert == NULL || (key_variable != NULL && key == NULL))
    return NULL;

  certificate = key != NULL ? g_tls_certificate_new_from_files (cert, key, &error)
                            : g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  return certificate;
}

/* wss with a self-signed certificate: accepted when pinned, refused otherwise. */
static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GTlsCertificate) server_cert = load_certificate ("MS_TEST_TLS_CERT", "MS_TEST_TLS_KEY");
  g_autoptr(GTlsCertificate) pinned = load_certificate ("MS_TEST_TLS_CERT", NULL);
  g_autoptr(GTlsCertificate) other = load_certificate ("MS_TEST_TLS_OTHER_CERT", NULL);
  g_autoptr(MsWsConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GBytes) payload = random_bytes (100 * 1024);

  if (server_cert == NULL || other == NULL)
    {
      g_test_skip ("MS_TEST_TLS_* not set (openssl missing at build time)");
      return;
    }

  ms_ws_listener_set_tls_certificate (f->listener, server_cert);
  url = g_strdup_printf ("wss://127.0.0.1:%u", f->port);

  conn = connect_url (url, NULL, NULL, &error);
  g_assert_null (conn);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);

  /* Pinned to another certificate: refused as well. */
  conn = connect_url (url, other, NULL, &error);
  g_assert_null (conn);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);
  WAIT_UNTIL (ms_ws_listener_get_n_connections (f->listener) == 0, 5000);

  conn = connect_url (url, pinned, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_TLS_CONNECTION (ms_ws_connection_get_stream (conn)));
  peer_attach (&f->client, conn);
  WAIT_UNTIL (f->server.conn != NULL, 5000);

  ms_ws_connection_send (f->client.conn, (const guint8 *) "over tls", 8);
  ms_ws_connection_send_bytes (f->client.conn, payload);
  WAIT_UNTIL (f->client.messages->len == 2, 10000);
  assert_message (&f->client, 0, (const guint8 *) "over tls", 8);
  g_assert_true (g_bytes_equal (g_ptr_array_index (f->client.messages, 1), payload));

  ms_ws_connection_close (f->client.conn, MS_WS_CLOSE_NORMAL, "tls bye");
  WAIT_UNTIL (f->client.closed && f->server.closed, 5000);
  g_assert_cmpuint (f->server.close_code, ==, MS_WS_CLOSE_NORMAL);
  g_assert_cmpstr (f->client.close_reason, ==, "tls bye");
}

/*
 * A listener on another thread's context, which that thread iterates
 * without making it thread-default: everything of the listener and of its
 * connections still happens there.
 */
typedef struct
{
  GMainContext   *context;
  GThread        *thread;
  MsWsListener   *listener;
  GPtrArray      *connections;
  guint16         port;
  gint            ready;
  gint            stop;
  gint            wrong_thread;
} ServerThread;

static void
thread_echo_cb (MsWsConnection *conn,
                const guint8   *data,
                gsize           len,
                gpointer        user_data)
{
  ServerThread *t = user_data;

  if (g_thread_self () != t->thread)
    g_atomic_int_set (&t->wrong_thread, 1);
  ms_ws_connection_send (conn, data, len);
}

static void
thread_connection_cb (MsWsListener   *listener,
                      MsWsConnection *conn,
                      gpointer        user_data)
{
  ServerThread *t = user_data;

  if (g_thread_self () != t->thread)
    g_atomic_int_set (&t->wrong_thread, 1);
  ms_ws_connection_set_message_func (conn, thread_echo_cb, t, NULL);
  g_ptr_array_add (t->connections, g_object_ref (conn));
}

static gpointer
server_thread_func (gpointer data)
{
  ServerThread *t = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (t->context);
  t->listener = ms_ws_listener_new ();
  g_signal_connect (t->listener, "connection", G_CALLBACK (thread_connection_cb), t);
  g_assert_true (ms_ws_listener_listen (t->listener, "127.0.0.1", 0, &error));
  t->port = ms_ws_listener_get_port (t->listener);
  g_main_context_pop_thread_default (t->context);
  g_atomic_int_set (&t->ready, 1);

  while (!g_atomic_int_get (&t->stop))
    g_main_context_iteration (t->context, TRUE);

  g_clear_pointer (&t->connections, g_ptr_array_unref);
  g_clear_object (&t->listener);
  while (g_main_context_iteration (t->context, FALSE))
    ;
  return NULL;
}

static void
test_other_context (void)
{
  ServerThread t = { 0 };
  g_autoptr(MsWsConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  Peer client;

  t.context = g_main_context_new ();
  t.connections = g_ptr_array_new_with_free_func (g_object_unref);
  t.thread = g_thread_new ("ws-server", server_thread_func, &t);
  WAIT_UNTIL (g_atomic_int_get (&t.ready), 5000);

  url = g_strdup_printf ("ws://127.0.0.1:%u", t.port);
  conn = connect_url (url, NULL, NULL, &error);
  g_assert_no_error (error);
  peer_init (&client);
  peer_attach (&client, conn);
  for (guint i = 0; i < 100; i++)
    ms_ws_connection_send (conn, (const guint8 *) "across", 6);
  WAIT_UNTIL (client.messages->len == 100, 5000);
  assert_message (&client, 99, (const guint8 *) "across", 6);

  ms_ws_connection_close (conn, MS_WS_CLOSE_NORMAL, "bye");
  WAIT_UNTIL (client.closed, 5000);
  g_assert_cmpuint (client.close_code, ==, MS_WS_CLOSE_NORMAL);

  g_atomic_int_set (&t.stop, 1);
  g_main_context_wakeup (t.context);
  g_thread_join (t.thread);
  g_main_context_unref (t.context);
  g_assert_false (g_atomic_int_get (&t.wrong_thread));
  peer_clear (&client);
}

#define ADD(path, func) \
  g_test_add ("/ms/websocket/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  /* Wakes blocking iterations so every wait can check its deadline. */
  g_timeout_add (10, tick_cb, NULL);

  ADD ("echo", test_echo);
  ADD ("too-big", test_too_big);
  ADD ("pipelined", test_pipelined);
  ADD ("fragments", test_fragments);
  ADD ("text", test_text);
  ADD ("ping", test_ping);
  ADD ("keepalive", test_keepalive);
  ADD ("idle-timeout", test_idle_timeout);
  ADD ("close-codes", test_close_codes);
  ADD ("close-after-queued", test_close_after_queued);
  ADD ("peer-reset", test_peer_reset);
  ADD ("unmasked", test_unmasked);
  ADD ("bad-handshake", test_bad_handshake);
  ADD ("address-limit", test_address_limit);
  ADD ("unref-in-handler", test_unref_in_handler);
  ADD ("nested-loop", test_nested_loop);
  ADD ("connect-errors", test_connect_errors);
  ADD ("tls", test_tls);
  g_test_add_func ("/ms/websocket/masked-from-server", test_masked_from_server);
  g_test_add_func ("/ms/websocket/leftover", test_leftover);
  g_test_add_func ("/ms/websocket/other-context", test_other_context);

  return g_test_run ();
}
