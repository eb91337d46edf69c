/* test-relay.c: the moneysocket-relay daemon, started for real
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "moneysocket.h"
#include "ms-ws-frame.h"
#include "test-handler.h"
#include "test-util.h"

#define WAIT_MS 5000

typedef struct
{
  GSubprocess     *relay;
  guint16          port;
  MsLocation      *location;
  TestHandler     *handler;
  MsProviderStack *provider;
  MsConsumerStack *consumer;
  MsBeacon        *beacon;
} Fixture;

static GSubprocess *
spawn_relay (guint16     *port,
             const char  *extra_arg,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  GSubprocess *relay;
  const char *path = g_getenv ("MS_RELAY_PATH");
  va_list ap;

  g_assert_nonnull (path);
  g_ptr_array_add (args, (char *) path);
  g_ptr_array_add (args, (char *) "--port");
  g_ptr_array_add (args, (char *) "0");
  va_start (ap, extra_arg);
  for (const char *a = extra_arg; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  relay = g_subprocess_newv ((const char * const *) args->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error);
  g_assert_no_error (error);

  /* "listening on ws://127.0.0.1:PORT" */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relay));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on ws://127.0.0.1:"));
  *port = (guint16) g_ascii_strtoull (strrchr (line, ':') + 1, NULL, 10);
  g_assert_cmpuint (*port, >, 0);

  return relay;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(MsWad) wad = ms_wad_new_bitcoin (1000000);
  g_autoptr(MsProviderInfo) info = ms_provider_info_new ("a5b32936-3143-4856-bdea-7b3dda7aa5e8",
                                                         TRUE, TRUE, wad);

  f->relay = spawn_relay (&f->port, "--max-frame", "4096", "--max-per-address", "8", NULL);
  f->location = ms_location_new_websocket ("127.0.0.1", f->port, FALSE);
  f->handler = test_handler_new ();
  f->provider = ms_provider_stack_new (MS_PROVIDER_HANDLER (f->handler));
  f->consumer = ms_consumer_stack_new ();
  ms_provider_stack_set_provider_info (f->provider, info);
  ms_stack_set_reconnect_delays (MS_STACK (f->provider), 50, 200);
  ms_stack_set_reconnect_delays (MS_STACK (f->consumer), 50, 200);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ms_stack_disconnect (MS_STACK (f->consumer));
  ms_stack_disconnect (MS_STACK (f->provider));
  g_clear_object (&f->consumer);
  g_clear_object (&f->provider);
  g_clear_object (&f->handler);
  g_clear_pointer (&f->beacon, ms_beacon_unref);
  g_clear_pointer (&f->location, ms_location_unref);
  if (f->relay != NULL)
    {
      g_subprocess_force_exit (f->relay);
      g_subprocess_wait (f->relay, NULL, NULL);
      g_clear_object (&f->relay);
    }
}

static void
pair_stacks (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->beacon = ms_stack_generate_beacon (MS_STACK (f->provider), f->location, &error);
  g_assert_no_error (error);
  g_assert_true (ms_stack_connect (MS_STACK (f->consumer), f->beacon, &error));
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->consumer)) == MS_STACK_STATE_READY &&
                      ms_stack_get_state (MS_STACK (f->provider)) == MS_STACK_STATE_READY,
                      WAIT_MS);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The pair still transacts: proof that something else did not disturb it. */
static void
assert_pair_works (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;

  ms_consumer_stack_request_invoice_async (f->consumer, 1000, NULL, result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  bolt11 = ms_consumer_stack_request_invoice_finish (f->consumer, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bolt11, ==, test_handler_get_bolt11 (f->handler));
}

/* A blocking WebSocket client built by hand, able to send what ours never would. */
typedef struct
{
  GSocketClient     *client;
  GSocketConnection *connection;
} Raw;

static void
raw_free (Raw *raw)
{
  g_clear_object (&raw->connection);
  g_clear_object (&raw->client);
  g_free (raw);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Raw, raw_free)

static Raw *
raw_open (guint16 port)
{
  Raw *raw = g_new0 (Raw, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  char key[MS_WS_KEY_LEN + 1];
  guint8 buf[4096];
  gsize have = 0;
  gsize consumed;
  GSocket *socket;

  raw->client = g_socket_client_new ();
  raw->connection = g_socket_client_connect_to_host (raw->client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  socket = g_socket_connection_get_socket (raw->connection);
  g_socket_set_timeout (socket, 5);

  request = ms_ws_handshake_build_request ("127.0.0.1", port, "/", key);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (raw->connection)),
                                            request, strlen (request), NULL, NULL, &error));
  while (TRUE)
    {
      gssize n = g_socket_receive (socket, (char *) buf + have, sizeof buf - have, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      have += n;
      if (ms_ws_handshake_parse_response (buf, have, key, &consumed, &error) == MS_WS_PARSE_OK)
        break;
      g_assert_no_error (error);
    }

  return raw;
}

static void
raw_send (Raw          *raw,
          MsWsOpcode    opcode,
          const guint8 *data,
          gsize         len)
{
  guint8 header[MS_WS_MAX_HEADER_LEN];
  const guint8 mask[MS_WS_MASK_LEN] = { 1, 2, 3, 4 };
  g_autofree guint8 *masked = g_malloc (len + 1);
  gsize header_len = ms_ws_frame_build_header (header, TRUE, opcode, len, mask);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (raw->connection));
  g_autoptr(GError) error = NULL;

  ms_ws_frame_mask_copy (masked, data, len, mask);
  g_output_stream_write_all (out, header, header_len, NULL, NULL, &error);
  g_output_stream_write_all (out, masked, len, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Reads until the relay closes the socket; TRUE when it did within 5 s. */
static gboolean
raw_closed_by_relay (Raw *raw)
{
  GSocket *socket = g_socket_connection_get_socket (raw->connection);
  guint8 buf[4096];

  while (TRUE)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, (char *) buf, sizeof buf, NULL, &error);

      if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)))
        return TRUE;
      if (n < 0)
        return FALSE;
    }
}

static void
raw_rendezvous (Raw        *raw,
                const char *rid)
{
  g_autoptr(MsMessage) request = ms_message_new_request_rendezvous (rid);
  g_autoptr(GBytes) frame = ms_frame_encode (request, NULL);

  raw_send (raw, MS_WS_OPCODE_BINARY, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
}

static void
test_pair (Fixture       *f,
           gconstpointer  data)
{
  pair_stacks (f);
  assert_pair_works (f);
}

/* Oversized, text and garbage frames drop that socket only. */
static void
test_bad_frames (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Raw) big = NULL;
  g_autoptr(Raw) text = NULL;
  g_autoptr(Raw) garbage = NULL;
  g_autofree guint8 *payload = g_malloc0 (5000);
  char rid[MS_RENDEZVOUS_ID_HEX_LEN + 1];
  g_autoptr(MsSharedSeed) other = ms_shared_seed_new_random ();

  pair_stacks (f);

  ms_shared_seed_rendezvous_id_hex (other, rid);
  big = raw_open (f->port);
  raw_rendezvous (big, rid);
  raw_send (big, MS_WS_OPCODE_BINARY, payload, 5000);
  g_assert_true (raw_closed_by_relay (big));

  text = raw_open (f->port);
  raw_send (text, MS_WS_OPCODE_TEXT, (const guint8 *) "{}", 2);
  g_assert_true (raw_closed_by_relay (text));

  garbage = raw_open (f->port);
  raw_send (garbage, MS_WS_OPCODE_BINARY, (const guint8 *) "\x01\x02\x03garbage", 10);
  g_assert_true (raw_closed_by_relay (garbage));

  assert_pair_works (f);
}

/* A peer that knows the rendezvous id but not the seed cannot talk to us. */
static void
test_wrong_seed (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Raw) intruder = NULL;
  g_autoptr(MsSharedSeed) wrong = ms_shared_seed_new_random ();
  g_autoptr(MsCipher) cipher = ms_shared_seed_new_cipher (wrong);
  g_autoptr(MsWad) wad = ms_wad_new_bitcoin (1);
  g_autoptr(MsMessage) fake = ms_message_new_notify_provider (NULL,
                                                              "a5b32936-3143-4856-bdea-7b3dda7aa5e8",
                                                              TRUE, TRUE, wad);
  g_autoptr(GBytes) frame = ms_frame_encode (fake, cipher);
  char rid[MS_RENDEZVOUS_ID_HEX_LEN + 1];

  f->beacon = ms_stack_generate_beacon (MS_STACK (f->consumer), f->location, &error);
  g_assert_no_error (error);
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->consumer)) == MS_STACK_STATE_RENDEZVOUS,
                      WAIT_MS);

  ms_shared_seed_rendezvous_id_hex (ms_beacon_get_shared_seed (f->beacon), rid);
  intruder = raw_open (f->port);
  raw_rendezvous (intruder, rid);
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->consumer)) == MS_STACK_STATE_HANDSHAKE,
                      WAIT_MS);

  for (guint i = 0; i < 5; i++)
    raw_send (intruder, MS_WS_OPCODE_BINARY, g_bytes_get_data (frame, NULL),
              g_bytes_get_size (frame));
  raw_send (intruder, MS_WS_OPCODE_BINARY, (const guint8 *) "0123456789abcdef", 16);
  ms_test_run_for (300);

  /* Undecryptable frames are dropped; the socket and the handshake stay. */
  g_assert_cmpint (ms_stack_get_state (MS_STACK (f->consumer)), ==, MS_STACK_STATE_HANDSHAKE);
  g_assert_null (ms_consumer_stack_get_provider_info (f->consumer));
}

static void
test_per_address_limit (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) raws = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) ninth = NULL;
  guint8 buf[16];
  gssize n;

  /* --max-per-address 8: eight are served, the ninth is cut at once. */
  for (guint i = 0; i < 8; i++)
    g_ptr_array_add (raws, raw_open (f->port));

  ninth = g_socket_client_connect_to_host (client, "127.0.0.1", f->port, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (ninth), 5);
  n = g_socket_receive (g_socket_connection_get_socket (ninth), (char *) buf, sizeof buf, NULL,
                        &error);
  g_assert_cmpint (n, <=, 0);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
}

static void
test_third_socket (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Raw) third = NULL;
  char rid[MS_RENDEZVOUS_ID_HEX_LEN + 1];

  pair_stacks (f);
  ms_shared_seed_rendezvous_id_hex (ms_beacon_get_shared_seed (f->beacon), rid);
  third = raw_open (f->port);
  raw_rendezvous (third, rid);
  g_assert_true (raw_closed_by_relay (third));
  assert_pair_works (f);
}

/* SIGTERM: the peers are told, the daemon exits 0. */
static void
test_sigterm (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  pair_stacks (f);
  ms_stack_set_auto_reconnect (MS_STACK (f->consumer), FALSE);
  ms_stack_set_auto_reconnect (MS_STACK (f->provider), FALSE);

  g_subprocess_send_signal (f->relay, SIGTERM);
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->consumer)) == MS_STACK_STATE_DISCONNECTED &&
                      ms_stack_get_state (MS_STACK (f->provider)) == MS_STACK_STATE_DISCONNECTED,
                      WAIT_MS);
  g_assert_true (g_subprocess_wait (f->relay, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (f->relay));
  g_assert_cmpint (g_subprocess_get_exit_status (f->relay), ==, 0);
  g_clear_object (&f->relay);
}

static void
test_bad_options (void)
{
  const char *path = g_getenv ("MS_RELAY_PATH");
  const char *const cases[][3] = {
    { "--port", "70000", NULL },
    { "--tls-cert", "/nonexistent.pem", NULL },
    { "--bind", "256.0.0.1", NULL },
    { "--no-such-option", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) relay = NULL;
      const char *argv[5] = { path, cases[i][0], cases[i][1], cases[i][2], NULL };

      relay = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait (relay, NULL, &error));
      g_assert_true (g_subprocess_get_if_exited (relay));
      g_assert_cmpint (g_subprocess_get_exit_status (relay), !=, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add ("/relay/pair", Fixture, NULL, fixture_setup, test_pair, fixture_teardown);
  g_test_add ("/relay/bad-frames", Fixture, NULL, fixture_setup, test_bad_frames,
              fixture_teardown);
  g_test_add ("/relay/wrong-seed", Fixture, NULL, fixture_setup, test_wrong_seed,
              fixture_teardown);
  g_test_add ("/relay/per-address-limit", Fixture, NULL, fixture_setup, test_per_address_limit,
              fixture_teardown);
  g_test_add ("/relay/third-socket", Fixture, NULL, fixture_setup, test_third_socket,
              fixture_teardown);
  g_test_add ("/relay/sigterm", Fixture, NULL, fixture_setup, test_sigterm, fixture_teardown);
  g_test_add_func ("/relay/bad-options", test_bad_options);

  return g_test_run ();
}
