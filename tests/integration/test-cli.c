/* test-cli.c: moneysocket-cli, run as a user would
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

#define WAIT_MS 10000

/* Runs the CLI without blocking the main loop (a provider may live in this process). */
static void
run_cli (MsTestRun  *run,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (char *) g_getenv ("MS_CLI_PATH"));
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  ms_test_run_argv (run, args, NULL);
}

/* Errors: one "error: …" line on stderr, nothing on stdout, non-zero status. */
static void
assert_error_line (MsTestRun  *run,
                   const char *contains)
{
  g_assert_cmpint (run->status, !=, 0);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, "error: "));
  g_assert_nonnull (strchr (run->err, '\n'));
  g_assert_cmpstr (strchr (run->err, '\n') + 1, ==, "");
  if (contains != NULL && strstr (run->err, contains) == NULL)
    g_error ("expected “%s” in “%s”", contains, run->err);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_beacon (void)
{
  g_auto(MsTestRun) gen = { 0 };
  g_auto(MsTestRun) dec = { 0 };
  g_auto(MsTestRun) enc = { 0 };
  g_auto(MsTestRun) bad = { 0 };
  g_auto(MsTestRun) usage = { 0 };
  g_autoptr(JsonObject) decoded = NULL;
  g_autoptr(JsonObject) again = NULL;
  JsonObject *location;
  g_autofree char *beacon = NULL;

  run_cli (&gen, "beacon", "generate", "--location", "ws://127.0.0.1:11060",
           "--location", "wss://relay.socket.money", NULL);
  g_assert_cmpint (gen.status, ==, 0);
  beacon = g_strstrip (g_strdup (gen.out));
  g_assert_true (g_str_has_prefix (beacon, "moneysocket1"));

  run_cli (&dec, "beacon", "decode", beacon, NULL);
  g_assert_cmpint (dec.status, ==, 0);
  decoded = parse_object (dec.out);
  g_assert_cmpuint (strlen (json_object_get_string_member (decoded, "shared_seed")), ==, 32);
  g_assert_cmpuint (strlen (json_object_get_string_member (decoded, "aes256_key")), ==, 64);
  g_assert_cmpuint (strlen (json_object_get_string_member (decoded, "rendezvous_id")), ==, 64);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (decoded, "locations")),
                    ==, 2);
  location = json_array_get_object_element (json_object_get_array_member (decoded, "locations"), 0);
  g_assert_cmpstr (json_object_get_string_member (location, "type"), ==, "WebSocket");
  g_assert_cmpstr (json_object_get_string_member (location, "host"), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (location, "port"), ==, 11060);
  g_assert_false (json_object_get_boolean_member (location, "use_tls"));

  /* encode with the same seed and locations gives the same beacon back. */
  run_cli (&enc, "beacon", "encode", "--seed", json_object_get_string_member (decoded, "shared_seed"),
           "--location", "ws://127.0.0.1:11060", "--location", "wss://relay.socket.money", NULL);
  g_assert_cmpint (enc.status, ==, 0);
  g_assert_cmpstr (g_strstrip (enc.out), ==, beacon);

  /* The worked example of PROTOCOL.md 3.4. */
  ms_test_run_clear (&enc);
  run_cli (&enc, "beacon", "encode", "--seed", "3a1f6c2b9d8e7f60514233241506f7e8",
           "--location", "wss://relay.socket.money:443", NULL);
  g_assert_cmpstr (g_strstrip (enc.out), ==,
                   "moneysocket1lcqqzqdm8hlqqqgph5gr58mv9wwculmq29prxfq4qmm73lsqqyquzg07qqqsr0cpq8lqqqgpcv2qqynjv4kxz7fwwdhkx6m9wshx6mmwv4usd5aj6y");

  run_cli (&bad, "beacon", "decode", "moneysocket1qqqqqq", NULL);
  assert_error_line (&bad, "beacon:");

  ms_test_run_clear (&bad);
  run_cli (&bad, "beacon", "encode", "--seed", "00", "--location", "ws://h:1", NULL);
  assert_error_line (&bad, "seed");

  ms_test_run_clear (&bad);
  run_cli (&bad, "beacon", "generate", "--location", "http://example.com", NULL);
  assert_error_line (&bad, "location");

  run_cli (&usage, "beacon", "decode", NULL);
  assert_error_line (&usage, NULL);
  g_assert_cmpint (usage.status, ==, 64);
}

static void
test_help (void)
{
  static const char *const commands[][3] = {
    { "--help", NULL }, { "beacon", "--help" }, { "beacon", "decode", "--help" },
    { "beacon", "encode", "--help" }, { "beacon", "generate", "--help" },
    { "bolt11", "--help" }, { "bolt11", "decode", "--help" }, { "probe", "--help" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(MsTestRun) run = { 0 };

      run_cli (&run, commands[i][0], commands[i][1], commands[i][2], NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, "Usage:"));
    }
}

static void
test_bolt11 (void)
{
  g_autoptr(TestHandler) handler = test_handler_new ();
  g_auto(MsTestRun) run = { 0 };
  g_auto(MsTestRun) bad = { 0 };
  g_autoptr(JsonObject) decoded = NULL;
  g_autofree char *tampered = g_strdup (test_handler_get_bolt11 (handler));
  g_autofree char *uri = g_strdup_printf ("lightning:%s", test_handler_get_bolt11 (handler));
  static const char *const keys[] = {
    "payee", "currency", "amount_msat", "payment_hash", "payment_secret", "created_at",
    "expiry", "description", "description_hash", "min_final_cltv_expiry", "features",
    "route_hints", "fallback_addresses", "signature_valid",
  };

  run_cli (&run, "bolt11", "decode", uri, NULL);
  g_assert_cmpint (run.status, ==, 0);
  decoded = parse_object (run.out);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (decoded, keys[i]));
  g_assert_cmpstr (json_object_get_string_member (decoded, "payee"), ==,
                   "03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad");
  g_assert_cmpint (json_object_get_int_member (decoded, "amount_msat"), ==, 250000000);
  g_assert_cmpstr (json_object_get_string_member (decoded, "description"), ==, "test handler");
  g_assert_true (json_object_get_boolean_member (decoded, "signature_valid"));

  /* One changed character: the checksum fails; an error line, no JSON. */
  tampered[strlen (tampered) - 10] = tampered[strlen (tampered) - 10] == 'q' ? 'p' : 'q';
  run_cli (&bad, "bolt11", "decode", tampered, NULL);
  assert_error_line (&bad, "bolt11:");
}

typedef struct
{
  MsMatchmaker    *matchmaker;
  MsWsListener    *listener;
  TestHandler     *handler;
  MsProviderStack *provider;
  char            *beacon;
} Provider;

static void
provider_start (Provider *p,
                gboolean  ready)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsLocation) location = NULL;
  g_autoptr(MsBeacon) beacon = NULL;
  g_autoptr(MsWad) wad = ms_wad_new_bitcoin (77000);
  g_autoptr(MsProviderInfo) info = ms_provider_info_new ("a5b32936-3143-4856-bdea-7b3dda7aa5e8",
                                                         TRUE, TRUE, wad);

  p->matchmaker = ms_matchmaker_new ();
  p->listener = ms_ws_listener_new ();
  g_assert_true (ms_ws_listener_listen (p->listener, "127.0.0.1", 0, &error));
  ms_matchmaker_attach_listener (p->matchmaker, p->listener);
  location = ms_location_new_websocket ("127.0.0.1", ms_ws_listener_get_port (p->listener), FALSE);

  p->handler = test_handler_new ();
  p->provider = ms_provider_stack_new (MS_PROVIDER_HANDLER (p->handler));
  if (ready)
    ms_provider_stack_set_provider_info (p->provider, info);
  beacon = ms_stack_listen (MS_STACK (p->provider), p->matchmaker, location, NULL);
  p->beacon = ms_beacon_encode (beacon);
}

static void
provider_stop (Provider *p)
{
  ms_stack_disconnect (MS_STACK (p->provider));
  g_clear_object (&p->provider);
  g_clear_object (&p->handler);
  ms_ws_listener_stop (p->listener);
  ms_matchmaker_close_all (p->matchmaker);
  g_clear_object (&p->listener);
  g_clear_object (&p->matchmaker);
  g_clear_pointer (&p->beacon, g_free);
}

static GPtrArray *
json_lines (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (objects, parse_object (lines[i]));

  return objects;
}

static void
test_probe (void)
{
  Provider p = { 0 };
  g_auto(MsTestRun) run = { 0 };
  g_autoptr(GPtrArray) events = NULL;
  JsonObject *e;

  provider_start (&p, TRUE);
  run_cli (&run, "probe", p.beacon, "--invoice", "1000", "--pay",
           test_handler_get_bolt11 (p.handler), "--timeout", "10", NULL);
  g_assert_cmpint (run.status, ==, 0);

  events = json_lines (run.out);
  g_assert_cmpuint (events->len, ==, 4);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (events, 0), "event"), ==,
                   "connected");
  e = g_ptr_array_index (events, 1);
  g_assert_cmpstr (json_object_get_string_member (e, "event"), ==, "provider_info");
  g_assert_cmpint (json_object_get_int_member (e, "msats"), ==, 77000);
  g_assert_true (json_object_get_boolean_member (e, "payer"));
  g_assert_true (json_object_get_boolean_member (e, "payee"));
  g_assert_cmpstr (json_object_get_string_member (e, "account_uuid"), ==,
                   "a5b32936-3143-4856-bdea-7b3dda7aa5e8");
  e = g_ptr_array_index (events, 2);
  g_assert_cmpstr (json_object_get_string_member (e, "event"), ==, "invoice");
  g_assert_cmpstr (json_object_get_string_member (e, "bolt11"), ==,
                   test_handler_get_bolt11 (p.handler));
  g_assert_nonnull (json_object_get_string_member (e, "request_reference_uuid"));
  e = g_ptr_array_index (events, 3);
  g_assert_cmpstr (json_object_get_string_member (e, "event"), ==, "preimage");
  g_assert_cmpstr (json_object_get_string_member (e, "preimage"), ==, TEST_HANDLER_PREIMAGE);

  provider_stop (&p);
}

static void
test_probe_error (void)
{
  Provider p = { 0 };
  g_auto(MsTestRun) run = { 0 };
  g_autoptr(GPtrArray) events = NULL;
  JsonObject *last;

  provider_start (&p, TRUE);
  run_cli (&run, "probe", p.beacon, "--pay", TEST_HANDLER_FAIL_BOLT11, "--timeout", "10", NULL);
  g_assert_cmpint (run.status, ==, 1);
  events = json_lines (run.out);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "event"), ==, "error");
  g_assert_cmpstr (json_object_get_string_member (last, "error_msg"), ==, TEST_HANDLER_FAIL_TEXT);
  provider_stop (&p);
}

static void
test_probe_timeout (void)
{
  Provider p = { 0 };
  g_auto(MsTestRun) run = { 0 };
  g_autoptr(GPtrArray) events = NULL;

  /* Not ready: the probe gets paired but never gets provider info. */
  provider_start (&p, FALSE);
  run_cli (&run, "probe", p.beacon, "--timeout", "1", NULL);
  g_assert_cmpint (run.status, ==, 2);
  events = json_lines (run.out);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (events, 0), "event"), ==,
                   "connected");
  g_assert_true (g_str_has_prefix (run.err, "error: timed out"));
  provider_stop (&p);
}

static void
test_probe_unreachable (void)
{
  g_autoptr(GSocketListener) reserve = g_socket_listener_new ();
  g_autoptr(MsBeacon) beacon = ms_beacon_new (NULL);
  g_autoptr(MsLocation) location = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *str = NULL;
  g_auto(MsTestRun) run = { 0 };
  guint16 port;

  /* A port nobody listens on: bound and closed again. */
  port = g_socket_listener_add_any_inet_port (reserve, NULL, &error);
  g_socket_listener_close (reserve);
  location = ms_location_new_websocket ("127.0.0.1", port, FALSE);
  ms_beacon_add_location (beacon, location);
  str = ms_beacon_encode (beacon);

  run_cli (&run, "probe", str, "--timeout", "5", NULL);
  assert_error_line (&run, "connection failed");
  g_assert_cmpint (run.status, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/cli/beacon", test_beacon);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/bolt11", test_bolt11);
  g_test_add_func ("/cli/probe", test_probe);
  g_test_add_func ("/cli/probe-error", test_probe_error);
  g_test_add_func ("/cli/probe-timeout", test_probe_timeout);
  g_test_add_func ("/cli/probe-unreachable", test_probe_unreachable);

  return g_test_run ();
}
