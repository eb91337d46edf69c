/* test-transcript.c: the frames of a real Python session replayed against
 * our relay, our consumer stack and our provider stack
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "test-handler.h"
#include "test-util.h"

#define WAIT_MS 5000

/* A WebSocket client that only records what it gets. */
typedef struct
{
  MsWsConnection *connection;
  GPtrArray      *frames;
  gboolean        closed;
} RawClient;

typedef struct
{
  JsonObject   *transcript;
  MsSharedSeed  seed;
  MsCipher     *cipher;
  MsMatchmaker *matchmaker;
  MsWsListener *listener;
  char         *url;
} Fixture;

static void
raw_message_cb (MsWsConnection *connection,
                const guint8   *data,
                gsize           len,
                gpointer        user_data)
{
  RawClient *client = user_data;

  g_ptr_array_add (client->frames, g_bytes_new (data, len));
}

static void
raw_closed_cb (MsWsConnection *connection,
               guint           code,
               const char     *reason,
               RawClient      *client)
{
  client->closed = TRUE;
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static RawClient *
raw_client_new (Fixture *f)
{
  RawClient *client = g_new0 (RawClient, 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ms_ws_connect_async (f->url, NULL, NULL, connected_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  client->connection = ms_ws_connect_finish (result, &error);
  g_assert_no_error (error);
  client->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  ms_ws_connection_set_message_func (client->connection, raw_message_cb, client, NULL);
  g_signal_connect (client->connection, "closed", G_CALLBACK (raw_closed_cb), client);

  return client;
}

static void
raw_client_free (RawClient *client)
{
  g_signal_handlers_disconnect_by_data (client->connection, client);
  ms_ws_connection_set_message_func (client->connection, NULL, NULL, NULL);
  if (ms_ws_connection_get_state (client->connection) == MS_WS_STATE_OPEN)
    ms_ws_connection_close (client->connection, MS_WS_CLOSE_NORMAL, NULL);
  g_object_unref (client->connection);
  g_ptr_array_unref (client->frames);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawClient, raw_client_free)

static JsonObject *
step (Fixture *f,
      guint    number)
{
  JsonArray *vectors = json_object_get_array_member (f->transcript, "vectors");

  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *v = json_array_get_object_element (vectors, i);

      if ((guint) json_object_get_int_member (v, "step") == number)
        return v;
    }

  g_error ("no step %u in the transcript", number);
}

static GBytes *
step_payload (Fixture *f,
              guint    number)
{
  return ms_test_hex_bytes (ms_test_get_string (step (f, number), "payload_hex"));
}

static void
raw_send_step (Fixture   *f,
               RawClient *client,
               guint      number)
{
  g_autoptr(GBytes) payload = step_payload (f, number);

  ms_ws_connection_send_bytes (client->connection, payload);
}

/* Parses what a client got (cleartext, or decrypted with the seed). */
static MsMessage *
decode (Fixture *f,
        GBytes  *frame)
{
  g_autoptr(GError) error = NULL;
  MsMessage *message = ms_frame_decode (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame),
                                        ms_frame_is_cleartext (g_bytes_get_data (frame, NULL),
                                                               g_bytes_get_size (frame))
                                        ? NULL : f->cipher, &error);

  g_assert_no_error (error);
  return message;
}

/* Compares a message we got with the transcript's, ignoring per-send values. */
static void
assert_like_step (Fixture   *f,
                  MsMessage *got,
                  guint      number)
{
  JsonObject *v = step (f, number);
  const char *json = ms_test_get_string (v, json_object_has_member (v, "json") ? "json"
                                                                               : "decrypted_json");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsMessage) expected = ms_message_parse (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_cmpint (ms_message_get_message_type (got), ==, ms_message_get_message_type (expected));
  g_assert_cmpstr (ms_message_get_request_reference_uuid (got), ==,
                   ms_message_get_request_reference_uuid (expected));
  if (ms_message_type_is_cleartext (ms_message_get_message_type (got)))
    g_assert_cmpstr (ms_message_get_rendezvous_id (got), ==,
                     ms_message_get_rendezvous_id (expected));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *seed_hex;

  f->transcript = ms_test_load_vector_file ("session_transcript.json");
  seed_hex = ms_test_get_string (f->transcript, "shared_seed");
  g_assert_true (ms_hex_decode_into (seed_hex, strlen (seed_hex), f->seed.bytes,
                                     MS_SHARED_SEED_LEN, &error));
  f->cipher = ms_shared_seed_new_cipher (&f->seed);

  f->matchmaker = ms_matchmaker_new ();
  f->listener = ms_ws_listener_new ();
  g_assert_true (ms_ws_listener_listen (f->listener, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  ms_matchmaker_attach_listener (f->matchmaker, f->listener);
  f->url = g_strdup_printf ("ws://127.0.0.1:%u", ms_ws_listener_get_port (f->listener));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ms_ws_listener_stop (f->listener);
  ms_matchmaker_close_all (f->matchmaker);
  ms_test_run_for (20);
  g_clear_object (&f->listener);
  g_clear_object (&f->matchmaker);
  g_clear_pointer (&f->cipher, ms_cipher_free);
  g_clear_pointer (&f->transcript, json_object_unref);
  g_free (f->url);
}

/* Every client->relay frame in order, and the relay->client frame it must cause. */
static const struct { guint send; const char *from; guint expect; } forwarded[] = {
  { 10, "conn2", 11 }, { 12, "conn1", 13 }, { 16, "conn2", 17 }, { 19, "conn1", 20 },
  { 22, "conn2", 23 }, { 25, "conn1", 26 }, { 27, "conn1", 28 }, { 31, "conn2", 32 },
  { 33, "conn1", 34 },
};

static void
test_relay (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(RawClient) conn1 = raw_client_new (f);
  g_autoptr(RawClient) conn2 = NULL;
  g_autoptr(RawClient) conn3 = NULL;
  g_autoptr(MsMessage) m = NULL;

  /* Steps 3-4: the first peer waits. */
  raw_send_step (f, conn1, 3);
  MS_TEST_WAIT_UNTIL (conn1->frames->len == 1, WAIT_MS);
  m = decode (f, g_ptr_array_index (conn1->frames, 0));
  assert_like_step (f, m, 4);
  g_clear_pointer (&m, ms_message_unref);

  /* Steps 7-9: the second pairs them, each told with its own reference. */
  conn2 = raw_client_new (f);
  raw_send_step (f, conn2, 7);
  MS_TEST_WAIT_UNTIL (conn1->frames->len == 2 && conn2->frames->len == 1, WAIT_MS);
  m = decode (f, g_ptr_array_index (conn2->frames, 0));
  assert_like_step (f, m, 8);
  g_clear_pointer (&m, ms_message_unref);
  m = decode (f, g_ptr_array_index (conn1->frames, 1));
  assert_like_step (f, m, 9);
  g_clear_pointer (&m, ms_message_unref);

  /* Steps 10-34: cyphertext crosses byte for byte. */
  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    {
      gboolean from_conn1 = g_str_equal (forwarded[i].from, "conn1");
      RawClient *to = from_conn1 ? conn2 : conn1;
      guint before = to->frames->len;
      g_autoptr(GBytes) expected = step_payload (f, forwarded[i].expect);

      raw_send_step (f, from_conn1 ? conn1 : conn2, forwarded[i].send);
      MS_TEST_WAIT_UNTIL (to->frames->len == before + 1, WAIT_MS);
      g_assert_true (g_bytes_equal (g_ptr_array_index (to->frames, before), expected));
    }

  /* Steps 35-39: a third client is closed and told nothing (38 was never sent). */
  g_assert_true (json_object_has_member (step (f, 38), "not_sent"));
  conn3 = raw_client_new (f);
  raw_send_step (f, conn3, 37);
  MS_TEST_WAIT_UNTIL (conn3->closed, WAIT_MS);
  g_assert_cmpuint (conn3->frames->len, ==, 0);
  g_assert_false (conn1->closed || conn2->closed);

  /* Steps 40-43: the provider leaves; the consumer gets END and is closed. */
  ms_ws_connection_close (conn1->connection, MS_WS_CLOSE_NORMAL, NULL);
  MS_TEST_WAIT_UNTIL (conn2->closed, WAIT_MS);
  m = decode (f, g_ptr_array_index (conn2->frames, conn2->frames->len - 1));
  assert_like_step (f, m, 42);
}

static MsBeacon *
transcript_beacon (Fixture *f)
{
  g_autoptr(MsLocation) location = ms_location_new_from_url (f->url, NULL);
  MsBeacon *beacon = ms_beacon_new (&f->seed);

  ms_beacon_add_location (beacon, location);
  return beacon;
}

static void
count_cb (gpointer  instance,
          gpointer  a,
          gpointer  b,
          guint    *counter)
{
  (*counter)++;
}

/* Our consumer against the Python provider's frames (conn1). */
static void
test_consumer (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(MsConsumerStack) consumer = ms_consumer_stack_new ();
  g_autoptr(MsBeacon) beacon = transcript_beacon (f);
  g_autoptr(RawClient) provider = raw_client_new (f);
  g_autoptr(MsMessage) request = NULL;
  g_autoptr(GError) error = NULL;
  guint n_invoices = 0;
  guint n_preimages = 0;

  g_signal_connect (consumer, "invoice", G_CALLBACK (count_cb), &n_invoices);
  g_signal_connect (consumer, "preimage", G_CALLBACK (count_cb), &n_preimages);
  ms_consumer_stack_set_ping_interval (consumer, 0);

  raw_send_step (f, provider, 3);
  MS_TEST_WAIT_UNTIL (provider->frames->len == 1, WAIT_MS);
  g_assert_true (ms_stack_connect (MS_STACK (consumer), beacon, &error));

  /* Paired, our consumer asks for the provider (encrypted with the seed). */
  MS_TEST_WAIT_UNTIL (provider->frames->len == 3, WAIT_MS);
  request = decode (f, g_ptr_array_index (provider->frames, 2));
  g_assert_cmpint (ms_message_get_message_type (request), ==, MS_MESSAGE_REQUEST_PROVIDER);

  /* The transcript's answer references its own request uuid; the handshake
   * does not depend on the reference (PROTOCOL.md 7.2). */
  raw_send_step (f, provider, 12);
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (consumer)) == MS_STACK_STATE_READY, WAIT_MS);
  g_assert_cmpuint (ms_provider_info_get_msats (ms_consumer_stack_get_provider_info (consumer)),
                    ==, 10000000);

  /* Answers to requests we never made are ignored; the balance update is taken. */
  raw_send_step (f, provider, 19);
  raw_send_step (f, provider, 25);
  raw_send_step (f, provider, 27);
  raw_send_step (f, provider, 33);
  MS_TEST_WAIT_UNTIL (ms_provider_info_get_msats (ms_consumer_stack_get_provider_info (consumer))
                      == 9750000, WAIT_MS);
  ms_test_run_for (50);
  g_assert_cmpuint (n_invoices, ==, 0);
  g_assert_cmpuint (n_preimages, ==, 0);
  g_assert_cmpint (ms_stack_get_state (MS_STACK (consumer)), ==, MS_STACK_STATE_READY);

  ms_stack_disconnect (MS_STACK (consumer));
}

/* Our provider against the Python consumer's frames (conn2). */
static void
test_provider (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TestHandler) handler = test_handler_new ();
  g_autoptr(MsProviderStack) provider = ms_provider_stack_new (MS_PROVIDER_HANDLER (handler));
  g_autoptr(MsBeacon) beacon = transcript_beacon (f);
  g_autoptr(MsWad) wad = ms_wad_new_bitcoin (10000000);
  g_autoptr(MsProviderInfo) info = ms_provider_info_new ("a5b32936-3143-4856-bdea-7b3dda7aa5e8",
                                                         TRUE, TRUE, wad);
  g_autoptr(RawClient) consumer = NULL;
  g_autoptr(GError) error = NULL;
  static const struct { guint send; guint expect; } exchanges[] = {
    { 10, 13 }, { 16, 20 }, { 22, 26 }, { 31, 34 },
  };

  ms_provider_stack_set_provider_info (provider, info);
  g_assert_true (ms_stack_connect (MS_STACK (provider), beacon, &error));
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (provider)) == MS_STACK_STATE_RENDEZVOUS &&
                      ms_matchmaker_get_n_waiting (f->matchmaker) == 1, WAIT_MS);

  consumer = raw_client_new (f);
  raw_send_step (f, consumer, 7);
  MS_TEST_WAIT_UNTIL (consumer->frames->len == 1, WAIT_MS);

  /* Each request gets the answer the Python provider gave, same reference. */
  for (guint i = 0; i < G_N_ELEMENTS (exchanges); i++)
    {
      guint before = consumer->frames->len;
      g_autoptr(MsMessage) answer = NULL;

      raw_send_step (f, consumer, exchanges[i].send);
      MS_TEST_WAIT_UNTIL (consumer->frames->len > before, WAIT_MS);
      answer = decode (f, g_ptr_array_index (consumer->frames, before));
      assert_like_step (f, answer, exchanges[i].expect);
    }

  g_assert_cmpuint (test_handler_get_n_invoices (handler), ==, 1);
  g_assert_cmpuint (test_handler_get_n_payments (handler), ==, 1);
  ms_stack_disconnect (MS_STACK (provider));
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  /* Skips the whole program cleanly when the vectors are absent. */
  json_object_unref (ms_test_load_vector_file ("session_transcript.json"));

  g_test_add ("/transcript/relay", Fixture, NULL, fixture_setup, test_relay, fixture_teardown);
  g_test_add ("/transcript/consumer-stack", Fixture, NULL, fixture_setup, test_consumer,
              fixture_teardown);
  g_test_add ("/transcript/provider-stack", Fixture, NULL, fixture_setup, test_provider,
              fixture_teardown);

  return g_test_run ();
}
