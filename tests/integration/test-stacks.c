/* test-stacks.c: consumer and provider stacks over real sockets on 127.0.0.1
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * Every flow runs twice: through a relay (both stacks are WebSocket clients
 * of an in-process matchmaker + listener) and directly (the provider listens
 * with an embedded matchmaker and the consumer connects to it).
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "test-handler.h"
#include "test-util.h"

#define WAIT_MS 5000

typedef enum
{
  MODE_RELAY,
  MODE_DIRECT,
} Mode;

typedef struct
{
  Mode             mode;
  MsMatchmaker    *matchmaker;
  MsWsListener    *listener;
  guint16          port;
  MsLocation      *location;
  TestHandler     *handler;
  MsProviderStack *provider;
  MsConsumerStack *consumer;
  MsBeacon        *beacon;

  guint            n_provider_infos;
  guint64          last_msats;
  guint            n_pings;
  GPtrArray       *preimages;
} Fixture;

static MsProviderInfo *
info_with_msats (guint64 msats)
{
  g_autoptr(MsWad) wad = ms_wad_new_bitcoin (msats);

  return ms_provider_info_new ("a5b32936-3143-4856-bdea-7b3dda7aa5e8", TRUE, TRUE, wad);
}

static void
consumer_info_cb (MsConsumerStack *stack,
                  MsProviderInfo  *info,
                  Fixture         *f)
{
  f->n_provider_infos++;
  f->last_msats = ms_provider_info_get_msats (info);
}

static void
consumer_ping_cb (MsConsumerStack *stack,
                  guint64          latency_us,
                  Fixture         *f)
{
  f->n_pings++;
}

static void
consumer_preimage_cb (MsConsumerStack *stack,
                      const char      *preimage,
                      const char      *ref,
                      Fixture         *f)
{
  g_ptr_array_add (f->preimages, g_strdup (preimage));
}

static void
start_listener (Fixture *f,
                guint16  port)
{
  g_autoptr(GError) error = NULL;

  f->listener = ms_ws_listener_new ();
  g_assert_true (ms_ws_listener_listen (f->listener, "127.0.0.1", port, &error));
  g_assert_no_error (error);
  f->port = ms_ws_listener_get_port (f->listener);
  ms_matchmaker_attach_listener (f->matchmaker, f->listener);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(MsProviderInfo) info = info_with_msats (1234000);

  f->mode = GPOINTER_TO_INT (data);
  f->matchmaker = ms_matchmaker_new ();
  start_listener (f, 0);
  f->location = ms_location_new_websocket ("127.0.0.1", f->port, FALSE);
  f->preimages = g_ptr_array_new_with_free_func (g_free);

  f->handler = test_handler_new ();
  f->provider = ms_provider_stack_new (MS_PROVIDER_HANDLER (f->handler));
  ms_provider_stack_set_provider_info (f->provider, info);
  f->consumer = ms_consumer_stack_new ();

  /* Tests do not wait seconds for a retry. */
  ms_stack_set_reconnect_delays (MS_STACK (f->provider), 50, 200);
  ms_stack_set_reconnect_delays (MS_STACK (f->consumer), 50, 200);

  g_signal_connect (f->consumer, "provider-info", G_CALLBACK (consumer_info_cb), f);
  g_signal_connect (f->consumer, "ping", G_CALLBACK (consumer_ping_cb), f);
  g_signal_connect (f->consumer, "preimage", G_CALLBACK (consumer_preimage_cb), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->consumer, f);
  ms_stack_disconnect (MS_STACK (f->consumer));
  ms_stack_disconnect (MS_STACK (f->provider));
  g_assert_finalize_object (f->consumer);
  g_assert_finalize_object (f->provider);
  g_clear_object (&f->handler);
  g_clear_pointer (&f->beacon, ms_beacon_unref);
  g_clear_pointer (&f->location, ms_location_unref);
  g_clear_pointer (&f->preimages, g_ptr_array_unref);
  if (f->listener != NULL)
    ms_ws_listener_stop (f->listener);
  ms_matchmaker_close_all (f->matchmaker);
  g_clear_object (&f->listener);
  g_clear_object (&f->matchmaker);

  /* Let the closing sockets finish their handshakes. */
  ms_test_run_for (20);
}

/* The provider offers the beacon: at the relay, or listening directly. */
static void
connect_provider_beacon (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->mode == MODE_RELAY)
    f->beacon = ms_stack_generate_beacon (MS_STACK (f->provider), f->location, &error);
  else
    f->beacon = ms_stack_listen (MS_STACK (f->provider), f->matchmaker, f->location, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (f->beacon);

  g_assert_true (ms_stack_connect (MS_STACK (f->consumer), f->beacon, &error));
  g_assert_no_error (error);
}

static void
wait_ready (Fixture *f)
{
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->consumer)) == MS_STACK_STATE_READY &&
                      ms_stack_get_state (MS_STACK (f->provider)) == MS_STACK_STATE_READY,
                      WAIT_MS);
}

static void
test_provider_beacon (Fixture       *f,
                      gconstpointer  data)
{
  MsProviderInfo *info;

  connect_provider_beacon (f);
  wait_ready (f);

  info = ms_consumer_stack_get_provider_info (f->consumer);
  g_assert_nonnull (info);
  g_assert_cmpuint (ms_provider_info_get_msats (info), ==, 1234000);
  g_assert_true (ms_provider_info_get_payer (info));
  g_assert_cmpstr (ms_provider_info_get_account_uuid (info), ==,
                   "a5b32936-3143-4856-bdea-7b3dda7aa5e8");
  g_assert_cmpuint (f->n_provider_infos, ==, 1);
  g_assert_cmpuint (ms_stack_get_n_connections (MS_STACK (f->consumer)), ==, 1);
}

/* Either side may generate the beacon; roles are fixed by the application. */
static void
test_consumer_beacon (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (f->mode == MODE_RELAY)
    f->beacon = ms_stack_generate_beacon (MS_STACK (f->consumer), f->location, &error);
  else
    f->beacon = ms_stack_listen (MS_STACK (f->consumer), f->matchmaker, f->location, NULL);
  g_assert_no_error (error);

  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->consumer)) == MS_STACK_STATE_RENDEZVOUS,
                      WAIT_MS);
  ms_test_run_for (50);
  g_assert_cmpint (ms_stack_get_state (MS_STACK (f->consumer)), ==, MS_STACK_STATE_RENDEZVOUS);

  g_assert_true (ms_stack_connect (MS_STACK (f->provider), f->beacon, &error));
  g_assert_no_error (error);
  wait_ready (f);
  g_assert_cmpuint (f->last_msats, ==, 1234000);
}

static void
test_not_ready (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(MsProviderInfo) info = info_with_msats (5000);

  ms_provider_stack_set_provider_info (f->provider, NULL);
  connect_provider_beacon (f);

  /* PROTOCOL.md 9.3: NOTIFY_PROVIDER_NOT_READY keeps the consumer waiting. */
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->consumer)) == MS_STACK_STATE_HANDSHAKE,
                      WAIT_MS);
  ms_test_run_for (300);
  g_assert_cmpint (ms_stack_get_state (MS_STACK (f->consumer)), ==, MS_STACK_STATE_HANDSHAKE);
  g_assert_cmpuint (f->n_provider_infos, ==, 0);

  /* The provider becomes ready: the waiting consumer is released. */
  ms_provider_stack_set_provider_info (f->provider, info);
  wait_ready (f);
  g_assert_cmpuint (f->last_msats, ==, 5000);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_invoice_and_pay (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  g_autofree char *preimage = NULL;
  g_autofree char *nothing = NULL;

  connect_provider_beacon (f);
  wait_ready (f);

  ms_consumer_stack_request_invoice_async (f->consumer, 250000000, NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  bolt11 = ms_consumer_stack_request_invoice_finish (f->consumer, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bolt11, ==, test_handler_get_bolt11 (f->handler));
  g_clear_object (&result);

  /* The payment takes a while: pings keep being answered meanwhile. */
  test_handler_set_pay_delay (f->handler, 300);
  ms_consumer_stack_request_pay_async (f->consumer, bolt11, NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  preimage = ms_consumer_stack_request_pay_finish (f->consumer, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (preimage, ==, TEST_HANDLER_PREIMAGE);
  g_clear_object (&result);
  g_assert_cmpuint (f->preimages->len, ==, 1);

  /* NOTIFY_ERROR comes back as an error carrying the provider's text. */
  ms_consumer_stack_request_pay_async (f->consumer, TEST_HANDLER_FAIL_BOLT11, NULL,
                                       store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  nothing = ms_consumer_stack_request_pay_finish (f->consumer, result, &error);
  g_assert_null (nothing);
  g_assert_error (error, MS_STACK_ERROR, MS_STACK_ERROR_PROVIDER);
  g_assert_cmpstr (error->message, ==, TEST_HANDLER_FAIL_TEXT);
  g_clear_error (&error);
  g_clear_object (&result);

  ms_consumer_stack_request_invoice_async (f->consumer, TEST_HANDLER_FAIL_MSATS, NULL,
                                           store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  g_assert_null (ms_consumer_stack_request_invoice_finish (f->consumer, result, &error));
  g_assert_error (error, MS_STACK_ERROR, MS_STACK_ERROR_PROVIDER);
  g_assert_cmpuint (ms_consumer_stack_get_n_pending (f->consumer), ==, 0);
  g_assert_cmpuint (test_handler_get_n_invoices (f->handler), ==, 2);
  g_assert_cmpuint (test_handler_get_n_payments (f->handler), ==, 2);
}

static void
paid_cb (MsConsumerStack  *stack,
         const char       *bolt11,
         const char       *preimage,
         char            **out)
{
  *out = g_strdup (bolt11);
}

/* PROTOCOL.md 7.2: a null-referenced preimage says one of our invoices was paid. */
static void
test_invoice_paid (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  g_autofree char *paid = NULL;

  g_signal_connect (f->consumer, "invoice-paid", G_CALLBACK (paid_cb), &paid);
  connect_provider_beacon (f);
  wait_ready (f);

  /* A preimage for an invoice we never asked for matches nothing. */
  g_assert_true (ms_provider_stack_notify_preimage (f->provider, NULL, TEST_HANDLER_PREIMAGE));
  MS_TEST_WAIT_UNTIL (f->preimages->len == 1, WAIT_MS);
  g_assert_null (paid);

  ms_consumer_stack_request_invoice_async (f->consumer, 250000000, NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  bolt11 = ms_consumer_stack_request_invoice_finish (f->consumer, result, &error);
  g_assert_no_error (error);

  g_assert_true (ms_provider_stack_notify_preimage (f->provider, NULL, TEST_HANDLER_PREIMAGE));
  MS_TEST_WAIT_UNTIL (paid != NULL, WAIT_MS);
  g_assert_cmpstr (paid, ==, bolt11);
  g_assert_cmpuint (f->preimages->len, ==, 2);
}

static void
test_not_connected (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ms_consumer_stack_request_invoice_async (f->consumer, 1000, NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  g_assert_null (ms_consumer_stack_request_invoice_finish (f->consumer, result, &error));
  g_assert_error (error, MS_STACK_ERROR, MS_STACK_ERROR_NOT_CONNECTED);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  connect_provider_beacon (f);
  wait_ready (f);

  test_handler_set_pay_delay (f->handler, 2000);
  ms_consumer_stack_request_pay_async (f->consumer, test_handler_get_bolt11 (f->handler), cancellable,
                                       store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  g_assert_null (ms_consumer_stack_request_pay_finish (f->consumer, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (ms_consumer_stack_get_n_pending (f->consumer), ==, 0);
}

static void
test_balance_push (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(MsProviderInfo) lower = info_with_msats (1000);

  connect_provider_beacon (f);
  wait_ready (f);
  g_assert_cmpuint (f->n_provider_infos, ==, 1);

  /* PROTOCOL.md 11.4: a balance change goes out as an unsolicited NOTIFY_PROVIDER. */
  ms_provider_stack_set_provider_info (f->provider, lower);
  MS_TEST_WAIT_UNTIL (f->n_provider_infos == 2, WAIT_MS);
  g_assert_cmpuint (f->last_msats, ==, 1000);
  g_assert_cmpuint (ms_provider_info_get_msats (ms_consumer_stack_get_provider_info (f->consumer)),
                    ==, 1000);

  /* The same info again is not news. */
  ms_provider_stack_set_provider_info (f->provider, lower);
  ms_test_run_for (100);
  g_assert_cmpuint (f->n_provider_infos, ==, 2);
}

static void
test_ping (Fixture       *f,
           gconstpointer  data)
{
  ms_consumer_stack_set_ping_interval (f->consumer, 1000);
  connect_provider_beacon (f);
  wait_ready (f);

  /* One ping right after the handshake, then one a second. */
  MS_TEST_WAIT_UNTIL (f->n_pings >= 2, WAIT_MS);
  g_assert_cmpuint (ms_consumer_stack_get_latency_us (f->consumer), >, 0);
  g_assert_cmpuint (ms_consumer_stack_get_latency_us (f->consumer), <, 1000000);
}

/* Peer drop: the relay ends the rendezvous; the consumer waits for it to come back. */
static void
test_peer_drop (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  connect_provider_beacon (f);
  wait_ready (f);

  if (f->mode == MODE_RELAY)
    {
      ms_stack_disconnect (MS_STACK (f->provider));
      MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->consumer)) != MS_STACK_STATE_READY,
                          WAIT_MS);
      MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->consumer)) == MS_STACK_STATE_RENDEZVOUS,
                          WAIT_MS);
      g_assert_true (ms_stack_connect (MS_STACK (f->provider), f->beacon, &error));
      g_assert_no_error (error);
    }
  else
    {
      /* Listening: the consumer leaves and comes back; the listen seed is
       * registered again at once (PROTOCOL.md 11.3). */
      ms_stack_disconnect (MS_STACK (f->consumer));
      MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->provider)) == MS_STACK_STATE_RENDEZVOUS,
                          WAIT_MS);
      g_assert_true (ms_stack_connect (MS_STACK (f->consumer), f->beacon, &error));
      g_assert_no_error (error);
    }

  wait_ready (f);
  g_assert_cmpuint (ms_stack_get_n_connections (MS_STACK (f->consumer)), ==, 2);
  g_assert_cmpuint (ms_stack_get_n_connections (MS_STACK (f->provider)), ==, 2);
}

/* Both stacks reconnect by themselves when the relay comes back. */
static void
test_relay_restart (Fixture       *f,
                    gconstpointer  data)
{
  guint16 port;

  connect_provider_beacon (f);
  wait_ready (f);

  port = f->port;
  ms_ws_listener_stop (f->listener);
  g_clear_object (&f->listener);
  ms_matchmaker_close_all (f->matchmaker);
  g_clear_object (&f->matchmaker);

  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (f->consumer)) == MS_STACK_STATE_RECONNECT_WAIT ||
                      ms_stack_get_state (MS_STACK (f->consumer)) == MS_STACK_STATE_CONNECTING,
                      WAIT_MS);
  ms_test_run_for (300);
  g_assert_cmpint (ms_stack_get_state (MS_STACK (f->consumer)), !=, MS_STACK_STATE_READY);
  g_assert_nonnull (ms_stack_get_last_error (MS_STACK (f->consumer)));

  f->matchmaker = ms_matchmaker_new ();
  start_listener (f, port);
  wait_ready (f);
  g_assert_cmpuint (ms_stack_get_n_connections (MS_STACK (f->consumer)), ==, 2);
  g_assert_null (ms_stack_get_last_error (MS_STACK (f->consumer)));
}

/* A third socket for a paired beacon is refused; the pair keeps working. */
static void
test_third_socket (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(MsConsumerStack) third = ms_consumer_stack_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;

  connect_provider_beacon (f);
  wait_ready (f);

  ms_stack_set_auto_reconnect (MS_STACK (third), FALSE);
  g_assert_true (ms_stack_connect (MS_STACK (third), f->beacon, &error));
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (third)) == MS_STACK_STATE_DISCONNECTED,
                      WAIT_MS);
  g_assert_cmpuint (ms_stack_get_n_connections (MS_STACK (third)), ==, 0);
  g_assert_cmpuint (ms_matchmaker_get_n_refused (f->matchmaker), ==, 1);

  ms_consumer_stack_request_invoice_async (f->consumer, 1000, NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  bolt11 = ms_consumer_stack_request_invoice_finish (f->consumer, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bolt11, ==, test_handler_get_bolt11 (f->handler));
  g_assert_cmpint (ms_stack_get_state (MS_STACK (f->provider)), ==, MS_STACK_STATE_READY);
}

static void
test_bad_beacon (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(MsBeacon) beacon = ms_beacon_new (NULL);
  g_autoptr(MsLocation) nfc = ms_location_new_placeholder (MS_LOCATION_TYPE_NFC, NULL);
  g_autoptr(MsBeacon) empty = ms_beacon_new (NULL);
  g_autoptr(GError) error = NULL;

  ms_beacon_add_location (beacon, nfc);
  g_assert_false (ms_stack_connect (MS_STACK (f->consumer), beacon, &error));
  g_assert_error (error, MS_STACK_ERROR, MS_STACK_ERROR_BAD_BEACON);
  g_clear_error (&error);
  g_assert_false (ms_stack_connect (MS_STACK (f->consumer), empty, &error));
  g_assert_error (error, MS_STACK_ERROR, MS_STACK_ERROR_BAD_BEACON);
  g_assert_cmpint (ms_stack_get_state (MS_STACK (f->consumer)), ==, MS_STACK_STATE_DISCONNECTED);
}

static void
add (const char *name,
     void (*func) (Fixture *, gconstpointer),
     gboolean    direct_too)
{
  g_autofree char *relay = g_strdup_printf ("/stacks/relay/%s", name);
  g_autofree char *direct = g_strdup_printf ("/stacks/direct/%s", name);

  g_test_add (relay, Fixture, GINT_TO_POINTER (MODE_RELAY), fixture_setup, func, fixture_teardown);
  if (direct_too)
    g_test_add (direct, Fixture, GINT_TO_POINTER (MODE_DIRECT), fixture_setup, func,
                fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  add ("provider-beacon", test_provider_beacon, TRUE);
  add ("consumer-beacon", test_consumer_beacon, TRUE);
  add ("not-ready", test_not_ready, TRUE);
  add ("invoice-and-pay", test_invoice_and_pay, TRUE);
  add ("invoice-paid", test_invoice_paid, TRUE);
  add ("not-connected", test_not_connected, FALSE);
  add ("cancel", test_cancel, TRUE);
  add ("balance-push", test_balance_push, TRUE);
  add ("ping", test_ping, TRUE);
  add ("peer-drop", test_peer_drop, TRUE);
  add ("relay-restart", test_relay_restart, FALSE);
  add ("third-socket", test_third_socket, TRUE);
  add ("bad-beacon", test_bad_beacon, FALSE);

  return g_test_run ();
}
