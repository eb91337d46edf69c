/* test-terminus-daemon.c: moneysocket-terminus and its CLI, run as a user would
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "fake-cln.h"
#include "fake-lnd.h"
#include "lnd-swagger.h"
#include "moneysocket.h"
#include "test-util.h"

#define WAIT_MS 20000

static char *contracts_dir;
static LndSwagger *swagger;

/* -- running programs ----------------------------------------------------- */

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("not JSON: %s (%s)", text, error->message);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* -- a terminus ---------------------------------------------------------- */

typedef struct
{
  char        *dir;
  char        *data_dir;
  char        *socket;
  char        *log;
  GSubprocess *process;
  GPtrArray   *args;       /* the options of the next start */
} Terminus;

static void
terminus_init (Terminus *t)
{
  g_autoptr(GError) error = NULL;

  t->dir = g_dir_make_tmp ("ms-terminus-XXXXXX", &error);
  g_assert_no_error (error);
  t->data_dir = g_build_filename (t->dir, "data", NULL);
  t->socket = g_build_filename (t->dir, "control.sock", NULL);
  t->log = g_build_filename (t->dir, "terminus.log", NULL);
  t->args = g_ptr_array_new_with_free_func (g_free);
}

static void
terminus_clear (Terminus *t)
{
  if (t->process != NULL)
    {
      g_subprocess_force_exit (t->process);
      g_subprocess_wait (t->process, NULL, NULL);
      g_clear_object (&t->process);
    }
  ms_test_remove_tree (t->dir);
  g_free (t->dir);
  g_free (t->data_dir);
  g_free (t->socket);
  g_free (t->log);
  g_ptr_array_unref (t->args);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Terminus, terminus_clear)

static void
terminus_arg (Terminus   *t,
              const char *first,
              ...)
{
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (t->args, g_strdup (a));
  va_end (ap);
}

static GSubprocessLauncher *
launcher_for (Terminus *t)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *config_home = g_build_filename (t->dir, "config", NULL);

  /* Never the user's own configuration. */
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", t->dir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LIGHTNINGD_PLUGIN");
  /* A node going away is worth a warning, not a crash; a critical is a bug. */
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, t->log);
  return launcher;
}

static char *
terminus_log (Terminus *t)
{
  char *text = NULL;

  g_file_get_contents (t->log, &text, NULL, NULL);
  return text != NULL ? text : g_strdup ("");
}

/* Starts the daemon with its options and waits until its control socket answers. */
static void
terminus_start (Terminus *t)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_for (t);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  g_ptr_array_add (argv, (char *) g_getenv ("MS_TERMINUS_PATH"));
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, t->data_dir);
  g_ptr_array_add (argv, (char *) "--rpc-socket");
  g_ptr_array_add (argv, t->socket);
  for (guint i = 0; i < t->args->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (t->args, i));
  g_ptr_array_add (argv, NULL);

  t->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  while (!ms_test_socket_answers (t->socket))
    {
      if (g_subprocess_get_identifier (t->process) == NULL || g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = terminus_log (t);

          g_error ("the terminus did not start:\n%s", log);
        }
      g_usleep (20000);
      g_main_context_iteration (NULL, FALSE);
    }
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
terminus_wait_exit (Terminus *t)
{
  gboolean done = FALSE;

  g_subprocess_wait_async (t->process, NULL, wait_cb, &done);
  MS_TEST_WAIT_UNTIL (done, WAIT_MS);
}

/* SIGTERM: a clean stop, status 0, the control socket removed. */
static void
terminus_stop (Terminus *t)
{
  g_subprocess_send_signal (t->process, SIGTERM);
  terminus_wait_exit (t);
  g_assert_true (g_subprocess_get_if_exited (t->process));
  g_assert_cmpint (g_subprocess_get_exit_status (t->process), ==, 0);
  g_clear_object (&t->process);
  g_assert_false (g_file_test (t->socket, G_FILE_TEST_EXISTS));
}

/* moneysocket-cli --rpc-socket … ARGS */
static void
cli (Terminus   *t,
     MsTestRun  *run,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (char *) g_getenv ("MS_CLI_PATH"));
  g_ptr_array_add (args, (char *) "--rpc-socket");
  g_ptr_array_add (args, t->socket);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  ms_test_run_argv (run, args, NULL);
}

/* moneysocket-cli --json …, which must succeed; its result. */
static JsonObject *
cli_json (Terminus   *t,
          const char *first,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(MsTestRun) run = { 0 };
  va_list ap;

  g_ptr_array_add (args, (char *) g_getenv ("MS_CLI_PATH"));
  g_ptr_array_add (args, (char *) "--rpc-socket");
  g_ptr_array_add (args, t->socket);
  g_ptr_array_add (args, (char *) "--json");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  ms_test_run_argv (&run, args, NULL);
  if (run.status != 0)
    g_error ("moneysocket-cli %s failed (%d): %s", first, run.status, run.err);
  g_assert_cmpstr (run.err, ==, "");
  return parse_object (run.out);
}

static void
assert_cli_error (MsTestRun  *run,
                  int         status,
                  const char *contains)
{
  g_assert_cmpint (run->status, ==, status);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, "error: "));
  if (strstr (run->err, contains) == NULL)
    g_error ("expected “%s” in “%s”", contains, run->err);
}

static JsonObject *
account_info (Terminus   *t,
              const char *name)
{
  g_autoptr(JsonObject) info = cli_json (t, "getaccountinfo", name, NULL);
  JsonArray *accounts = json_object_get_array_member (info, "accounts");

  g_assert_cmpuint (json_array_get_length (accounts), ==, 1);
  return json_object_ref (json_array_get_object_element (accounts, 0));
}

static gint64
balance_of (Terminus   *t,
            const char *name)
{
  g_autoptr(JsonObject) account = account_info (t, name);

  return json_object_get_int_member (account, "balance_msat");
}

static gint64
reserved_of (Terminus   *t,
             const char *name)
{
  g_autoptr(JsonObject) account = account_info (t, name);

  return json_object_get_int_member (account, "reserved_msat");
}

static void
wait_balance (Terminus   *t,
              const char *name,
              gint64      expected)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  gint64 balance;

  while ((balance = balance_of (t, name)) != expected)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s holds %" G_GINT64_FORMAT " msat, not %" G_GINT64_FORMAT, name, balance,
                 expected);
      g_usleep (50000);
      g_main_context_iteration (NULL, FALSE);
    }
}

/* -- probe: a consumer app, as the CLI plays it ---------------------------- */

/* The events `moneysocket-cli probe` printed, one JSON object per line. */
static GPtrArray *
probe (const char *beacon,
       const char *first,
       ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(MsTestRun) run = { 0 };
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_auto(GStrv) lines = NULL;
  va_list ap;

  g_ptr_array_add (args, (char *) g_getenv ("MS_CLI_PATH"));
  g_ptr_array_add (args, (char *) "probe");
  g_ptr_array_add (args, (char *) beacon);
  g_ptr_array_add (args, (char *) "--timeout");
  g_ptr_array_add (args, (char *) "15");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  ms_test_run_argv (&run, args, NULL);

  lines = g_strsplit (run.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_ptr_array_add (events, parse_object (lines[i]));
  return events;
}

static JsonObject *
find_event (GPtrArray  *events,
            const char *name)
{
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (e, "event", NULL), name) == 0)
        return e;
    }
  return NULL;
}

static const char *
event_string (GPtrArray  *events,
              const char *name,
              const char *member)
{
  JsonObject *e = find_event (events, name);

  if (e == NULL)
    {
      for (guint i = 0; i < events->len; i++)
        {
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (),
                                                            g_ptr_array_index (events, i));
          g_autofree char *text = json_to_string (node, FALSE);

          g_printerr ("# event: %s\n", text);
        }
      g_error ("no “%s” event", name);
    }
  return json_object_get_string_member (e, member);
}

static char *
listen_beacon (Terminus   *t,
               const char *account)
{
  g_autoptr(JsonObject) listened = cli_json (t, "listen", account, NULL);

  return g_strdup (json_object_get_string_member (listened, "beacon"));
}

static void
hash_of (const char *bolt11,
         guint8      hash[32])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBolt11) invoice = ms_bolt11_decode (bolt11, strlen (bolt11), MS_BOLT11_DECODE_NONE,
                                                  &error);

  g_assert_no_error (error);
  memcpy (hash, ms_bolt11_get_payment_hash (invoice), 32);
}

/* -- the demo ledger --------------------------------------------------------- */

static void
start_demo (Terminus *t)
{
  terminus_init (t);
  terminus_arg (t, "--listen", "127.0.0.1:0", NULL);
  terminus_start (t);
}

/*
 * The whole story on the default backend: a fresh demo ledger holds 1 BTC,
 * accounts are carved out of it, an app reaches one through its beacon and
 * pays an invoice of another account: settled inside, no fee.
 */
static void
test_demo_flow (void)
{
  g_auto(Terminus) t = { 0 };
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(JsonObject) alice = NULL;
  g_autoptr(JsonObject) bob = NULL;
  g_autoptr(JsonObject) invoice = NULL;
  g_autoptr(JsonObject) receipts = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *beacon = NULL;
  g_autofree char *log = NULL;
  g_auto(MsTestRun) table = { 0 };
  g_auto(MsTestRun) csv = { 0 };
  JsonObject *node;
  JsonArray *list;
  const char *bolt11;

  start_demo (&t);
  log = terminus_log (&t);
  g_assert_nonnull (strstr (log, "holds no real funds"));

  info = cli_json (&t, "getinfo", NULL);
  node = json_object_get_object_member (info, "node");
  g_assert_nonnull (node);
  g_assert_true (json_object_get_boolean_member (node, "demo"));
  g_assert_cmpint (json_object_get_int_member (node, "spendable_msat"), ==, 100000000000);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (info, "accounts")), ==, 0);

  alice = cli_json (&t, "create", "10sat", "-a", "alice", NULL);
  g_assert_cmpstr (json_object_get_string_member (alice, "name"), ==, "alice");
  g_assert_cmpint (json_object_get_int_member (alice, "balance_msat"), ==, 10000);
  g_assert_true (ms_uuid_is_valid (json_object_get_string_member (alice, "uuid"), 36));
  bob = cli_json (&t, "create", "2000000msat", NULL);
  g_assert_cmpstr (json_object_get_string_member (bob, "name"), ==, "account-0");

  beacon = listen_beacon (&t, "alice");
  g_assert_true (g_str_has_prefix (beacon, "moneysocket1"));

  invoice = cli_json (&t, "invoice", "account-0", "5000", NULL);
  bolt11 = json_object_get_string_member (invoice, "bolt11");
  g_assert_true (g_str_has_prefix (bolt11, "lnbcrt50n1"));

  events = probe (beacon, "--pay", bolt11, NULL);
  g_assert_cmpint (json_object_get_int_member (find_event (events, "provider_info"), "msats"),
                   ==, 10000);
  g_assert_cmpuint (strlen (event_string (events, "preimage", "preimage")), ==, 64);

  /* Between two accounts of one terminus: no node payment, no fee. */
  g_assert_cmpint (balance_of (&t, "alice"), ==, 5000);
  g_assert_cmpint (balance_of (&t, "account-0"), ==, 2005000);
  g_assert_cmpint (reserved_of (&t, "alice"), ==, 0);

  /* Paying it again is refused, and costs nothing. */
  again = probe (beacon, "--pay", bolt11, NULL);
  g_assert_nonnull (find_event (again, "error"));
  g_assert_null (find_event (again, "preimage"));
  g_assert_cmpint (balance_of (&t, "alice"), ==, 5000);

  receipts = cli_json (&t, "getaccountreceipts", "alice", NULL);
  list = json_object_get_array_member (receipts, "receipts");
  g_assert_cmpuint (json_array_get_length (list), >=, 4);

  cli (&t, &csv, "getaccountreceipts", "alice", "--csv", NULL);
  g_assert_cmpint (csv.status, ==, 0);
  g_assert_true (g_str_has_prefix (csv.out, "time,"));
  g_assert_nonnull (strstr (csv.out, "5000"));

  /* The readable table says what it is. */
  cli (&t, &table, "getinfo", NULL);
  g_assert_cmpint (table.status, ==, 0);
  g_assert_nonnull (strstr (table.out, "DEMO LEDGER"));
  g_assert_nonnull (strstr (table.out, "alice"));
  g_assert_nonnull (strstr (table.out, "2,005,000"));

  terminus_stop (&t);
}

static void
test_demo_errors (void)
{
  g_auto(Terminus) t = { 0 };
  g_autoptr(JsonObject) capped = NULL;
  g_autoptr(JsonObject) removed = NULL;
  g_autoptr(JsonObject) cleared = NULL;
  g_autofree char *beacon = NULL;
  g_auto(MsTestRun) unknown = { 0 };
  g_auto(MsTestRun) too_much = { 0 };
  g_auto(MsTestRun) bad_amount = { 0 };
  g_auto(MsTestRun) busy = { 0 };
  g_auto(MsTestRun) over_cap = { 0 };
  g_auto(MsTestRun) bad_seed = { 0 };
  g_auto(MsTestRun) usage = { 0 };
  g_autoptr(JsonObject) invoice = NULL;

  start_demo (&t);

  cli (&t, &unknown, "getaccountinfo", "nobody", NULL);
  assert_cli_error (&unknown, 1, "unknown account: nobody");

  cli (&t, &too_much, "create", "100000001sat", NULL);
  assert_cli_error (&too_much, 1, "more do not fit");

  cli (&t, &bad_amount, "create", "12btc", NULL);
  assert_cli_error (&bad_amount, 64, "is not an amount");

  cli (&t, &usage, "connect", "x", NULL);
  assert_cli_error (&usage, 64, "ACCOUNT BEACON");

  /* Receive cap: what an invoice would bring may not go past it. */
  capped = cli_json (&t, "create", "10000", "-a", "capped", "-c", "20sat", NULL);
  g_assert_cmpint (json_object_get_int_member (capped, "cap_msat"), ==, 20000);
  cli (&t, &over_cap, "invoice", "capped", "15000", NULL);
  assert_cli_error (&over_cap, 1, "cap");
  invoice = cli_json (&t, "invoice", "capped", "10000", NULL);
  g_assert_nonnull (json_object_get_string_member (invoice, "bolt11"));

  cli (&t, &bad_seed, "listen", "capped", "-s", "00ff", NULL);
  assert_cli_error (&bad_seed, 1, "seed");

  /* Not while an app can still reach it. */
  beacon = listen_beacon (&t, "capped");
  cli (&t, &busy, "rm", "capped", NULL);
  assert_cli_error (&busy, 1, "capped");
  cleared = cli_json (&t, "clear", "capped", NULL);
  g_assert_cmpstr (json_object_get_string_member (cleared, "account"), ==, "capped");
  removed = cli_json (&t, "rm", "capped", NULL);
  g_assert_cmpstr (json_object_get_string_member (removed, "removed"), ==, "capped");

  terminus_stop (&t);
}

/* `set`: an app sees what it may do change; bad options are usage errors. */
static void
test_demo_set (void)
{
  g_auto(Terminus) t = { 0 };
  g_autoptr(JsonObject) shop = NULL;
  g_autoptr(JsonObject) set = NULL;
  g_autoptr(JsonObject) renamed = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(JsonObject) invoice = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) allowed = NULL;
  g_autofree char *beacon = NULL;
  g_auto(MsTestRun) nothing = { 0 };
  g_auto(MsTestRun) maybe = { 0 };
  g_auto(MsTestRun) unknown = { 0 };
  g_auto(MsTestRun) taken = { 0 };
  g_auto(MsTestRun) table = { 0 };
  JsonObject *info;

  start_demo (&t);
  shop = cli_json (&t, "create", "100sat", "-a", "shop", NULL);
  other = cli_json (&t, "create", "0", "-a", "till", NULL);
  invoice = cli_json (&t, "invoice", "till", "5000", NULL);
  beacon = listen_beacon (&t, "shop");

  set = cli_json (&t, "set", "shop", "--may-pay", "no", "-c", "1000sat", NULL);
  g_assert_false (json_object_get_boolean_member (set, "may_pay"));
  g_assert_true (json_object_get_boolean_member (set, "may_receive"));
  g_assert_cmpint (json_object_get_int_member (set, "cap_msat"), ==, 1000000);

  /* The app is told it may not pay, and a payment is refused. */
  events = probe (beacon, "--pay", json_object_get_string_member (invoice, "bolt11"), NULL);
  info = find_event (events, "provider_info");
  g_assert_nonnull (info);
  g_assert_false (json_object_get_boolean_member (info, "payer"));
  g_assert_true (json_object_get_boolean_member (info, "payee"));
  g_assert_nonnull (strstr (event_string (events, "error", "error_msg"), "send not authorized"));
  g_assert_cmpint (balance_of (&t, "shop"), ==, 100000);

  renamed = cli_json (&t, "set", "shop", "-a", "kiosk", "--may-pay", "yes", "-c", "none", NULL);
  g_assert_cmpstr (json_object_get_string_member (renamed, "name"), ==, "kiosk");
  g_assert_cmpint (json_object_get_int_member (renamed, "cap_msat"), ==, 0);
  allowed = probe (beacon, "--pay", json_object_get_string_member (invoice, "bolt11"), NULL);
  g_assert_true (json_object_get_boolean_member (find_event (allowed, "provider_info"), "payer"));
  g_assert_cmpuint (strlen (event_string (allowed, "preimage", "preimage")), ==, 64);
  g_assert_cmpint (balance_of (&t, "kiosk"), ==, 95000);

  cli (&t, &nothing, "set", "kiosk", NULL);
  assert_cli_error (&nothing, 64, "at least one of");
  cli (&t, &maybe, "set", "kiosk", "--may-receive", "maybe", NULL);
  assert_cli_error (&maybe, 64, "yes or no");
  cli (&t, &unknown, "set", "shop", "--may-pay", "no", NULL);
  assert_cli_error (&unknown, 1, "unknown account: shop");
  cli (&t, &taken, "set", "kiosk", "-a", "till", NULL);
  assert_cli_error (&taken, 1, "till");

  cli (&t, &table, "set", "kiosk", "--may-receive", "off", NULL);
  g_assert_cmpint (table.status, ==, 0);
  g_assert_nonnull (strstr (table.out, "kiosk"));
  g_assert_nonnull (strstr (table.out, "May receive"));

  terminus_stop (&t);
}

/* Accounts, balances and listen beacons survive a restart; one terminus per data directory. */
static void
test_demo_restart (void)
{
  g_auto(Terminus) t = { 0 };
  g_auto(Terminus) other = { 0 };
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *beacon = NULL;
  g_autofree char *port_arg = NULL;
  g_autofree char *log = NULL;
  g_autoptr(MsBeacon) decoded = NULL;
  MsLocation *location;

  start_demo (&t);
  created = cli_json (&t, "create", "123456", "-a", "keeper", NULL);
  beacon = listen_beacon (&t, "keeper");
  decoded = ms_beacon_decode (beacon, strlen (beacon), &error);
  g_assert_no_error (error);
  location = ms_beacon_get_location (decoded, 0);

  /* A second terminus on the same data directory is refused. */
  terminus_init (&other);
  g_free (other.data_dir);
  other.data_dir = g_strdup (t.data_dir);
  launcher = launcher_for (&other);
  second = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("MS_TERMINUS_PATH"),
                                        "--data-dir", t.data_dir, "--rpc-socket", other.socket,
                                        "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (second, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 1);
  log = terminus_log (&other);
  g_assert_nonnull (strstr (log, "another terminus is using the data directory"));

  terminus_stop (&t);

  /* Same port, so the beacon made before still points at it. */
  port_arg = g_strdup_printf ("127.0.0.1:%u", ms_location_get_port (location));
  g_ptr_array_set_size (t.args, 0);
  terminus_arg (&t, "--listen", port_arg, NULL);
  terminus_start (&t);

  info = account_info (&t, "keeper");
  g_assert_cmpint (json_object_get_int_member (info, "balance_msat"), ==, 123456);
  g_assert_cmpstr (json_object_get_string_member (info, "uuid"), ==,
                   json_object_get_string_member (created, "uuid"));

  events = probe (beacon, NULL);
  g_assert_cmpint (json_object_get_int_member (find_event (events, "provider_info"), "msats"),
                   ==, 123456);
  terminus_stop (&t);
}

/*
 * Through a stand-alone moneysocket-relay: listen beacons point at it, the
 * app meets the account there, and pays another account's invoice.
 */
static void
test_demo_external_relay (void)
{
  g_auto(Terminus) t = { 0 };
  g_autoptr(GSubprocess) relay = NULL;
  g_autoptr(GDataInputStream) relay_out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payer = NULL;
  g_autoptr(JsonObject) payee = NULL;
  g_autoptr(JsonObject) invoice = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(MsBeacon) decoded = NULL;
  g_autofree char *line = NULL;
  g_autofree char *beacon = NULL;
  const char *url;

  relay = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error, g_getenv ("MS_RELAY_PATH"), "--port", "0", NULL);
  g_assert_no_error (error);
  relay_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relay));
  line = g_data_input_stream_read_line (relay_out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  url = line + strlen ("listening on ");

  terminus_init (&t);
  terminus_arg (&t, "--listen", "none", "--relay", url, NULL);
  terminus_start (&t);

  payer = cli_json (&t, "create", "100000", "-a", "payer", NULL);
  payee = cli_json (&t, "create", "100000", "-a", "payee", NULL);
  beacon = listen_beacon (&t, "payer");
  decoded = ms_beacon_decode (beacon, strlen (beacon), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_location_get_port (ms_beacon_get_location (decoded, 0)), ==,
                    (guint) atoi (strrchr (url, ':') + 1));

  invoice = cli_json (&t, "invoice", "payee", "2500", NULL);
  events = probe (beacon, "--pay", json_object_get_string_member (invoice, "bolt11"), NULL);
  g_assert_cmpint (json_object_get_int_member (find_event (events, "provider_info"), "msats"),
                   ==, 100000);
  g_assert_cmpuint (strlen (event_string (events, "preimage", "preimage")), ==, 64);
  g_assert_cmpint (balance_of (&t, "payer"), ==, 97500);
  g_assert_cmpint (balance_of (&t, "payee"), ==, 102500);

  terminus_stop (&t);
  g_subprocess_send_signal (relay, SIGTERM);
  g_assert_true (g_subprocess_wait (relay, NULL, NULL));
}

/* Everything from a key file in $XDG_CONFIG_HOME; bad files are refused with the reason. */
static void
test_config_file (void)
{
  g_auto(Terminus) t = { 0 };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autofree char *config_dir = NULL;
  g_autofree char *config = NULL;
  g_autofree char *text = NULL;
  g_autofree char *bad_path = NULL;
  g_autofree char *log = NULL;

  terminus_init (&t);
  config_dir = g_build_filename (t.dir, "config", "moneysocket", NULL);
  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  config = g_build_filename (config_dir, "terminus.conf", NULL);
  text = g_strdup_printf ("[terminus]\nbackend = demo\nlisten = 127.0.0.1:0\n"
                          "demo-balance-msat = 5000000\n");
  g_assert_true (g_file_set_contents (config, text, -1, NULL));
  terminus_start (&t);

  info = cli_json (&t, "getinfo", NULL);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (info, "node"),
                                               "spendable_msat"), ==, 5000000);
  terminus_stop (&t);

  bad_path = g_build_filename (t.dir, "bad.conf", NULL);
  g_assert_true (g_file_set_contents (bad_path, "[terminus]\nbackend = btcd\n", -1, NULL));
  launcher = launcher_for (&t);
  bad = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("MS_TERMINUS_PATH"),
                                     "--config", bad_path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (bad, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (bad), ==, 64);
  log = terminus_log (&t);
  g_assert_nonnull (strstr (log, "unknown backend “btcd”"));
}

/* Node credentials: only through stdin, only into a 0600 file or the Secret Service. */
static void
test_secrets_file (void)
{
  g_auto(Terminus) t = { 0 };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GPtrArray) args2 = g_ptr_array_new ();
  g_autoptr(GPtrArray) args3 = g_ptr_array_new ();
  g_autoptr(GPtrArray) args4 = g_ptr_array_new ();
  g_auto(MsTestRun) stored = { 0 };
  g_auto(MsTestRun) open_file = { 0 };
  g_auto(MsTestRun) unknown = { 0 };
  g_auto(MsTestRun) missing = { 0 };
  g_autofree char *secrets = NULL;
  g_autofree char *lax = NULL;
  g_autofree char *macaroon = NULL;
  g_autofree char *contents = NULL;
  static const guint8 binary[] = { 0x02, 0x01, 0x03, 0x6c, 0x6e, 0x64, 0x00, 0xff };
  struct stat st;

  terminus_init (&t);
  secrets = g_build_filename (t.dir, "secrets", NULL);
  macaroon = g_build_filename (t.dir, "admin.macaroon", NULL);
  g_assert_true (g_file_set_contents (macaroon, (const char *) binary, sizeof binary, NULL));

  /* lnd's binary macaroon file goes in as hex. */
  g_ptr_array_add (args, (char *) g_getenv ("MS_TERMINUS_PATH"));
  g_ptr_array_add (args, (char *) "--secrets-file");
  g_ptr_array_add (args, secrets);
  g_ptr_array_add (args, (char *) "--set-secret");
  g_ptr_array_add (args, (char *) "lnd-macaroon");
  ms_test_run_argv (&stored, args, macaroon);
  g_assert_cmpint (stored.status, ==, 0);
  g_assert_cmpint (g_stat (secrets, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (secrets, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "0201036c6e6400ff"));

  /* A file others may read is refused. */
  lax = g_build_filename (t.dir, "lax", NULL);
  g_assert_true (g_file_set_contents (lax, "", -1, NULL));
  g_assert_cmpint (g_chmod (lax, 0644), ==, 0);
  g_ptr_array_add (args2, (char *) g_getenv ("MS_TERMINUS_PATH"));
  g_ptr_array_add (args2, (char *) "--secrets-file");
  g_ptr_array_add (args2, lax);
  g_ptr_array_add (args2, (char *) "--set-secret");
  g_ptr_array_add (args2, (char *) "cln-rest-rune");
  ms_test_run_argv (&open_file, args2, macaroon);
  g_assert_cmpint (open_file.status, ==, 1);
  g_assert_nonnull (strstr (open_file.err, "chmod 600"));

  g_ptr_array_add (args3, (char *) g_getenv ("MS_TERMINUS_PATH"));
  g_ptr_array_add (args3, (char *) "--secrets-file");
  g_ptr_array_add (args3, secrets);
  g_ptr_array_add (args3, (char *) "--set-secret");
  g_ptr_array_add (args3, (char *) "password");
  ms_test_run_argv (&unknown, args3, macaroon);
  g_assert_cmpint (unknown.status, ==, 64);

  /* A backend whose credential is missing says how to store it. */
  g_ptr_array_add (args4, (char *) g_getenv ("MS_TERMINUS_PATH"));
  g_ptr_array_add (args4, (char *) "--secrets-file");
  g_ptr_array_add (args4, secrets);
  g_ptr_array_add (args4, (char *) "--data-dir");
  g_ptr_array_add (args4, t.data_dir);
  g_ptr_array_add (args4, (char *) "--rpc-socket");
  g_ptr_array_add (args4, t.socket);
  g_ptr_array_add (args4, (char *) "--backend");
  g_ptr_array_add (args4, (char *) "cln-rest");
  g_ptr_array_add (args4, (char *) "--node-url");
  g_ptr_array_add (args4, (char *) "https://127.0.0.1:1");
  ms_test_run_argv (&missing, args4, NULL);
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_nonnull (strstr (missing.err, "--set-secret cln-rest-rune"));
}

/* -- Core Lightning, LND: the same flows against fake nodes ----------------- */

typedef struct
{
  Terminus   t;
  FakeCln   *cln;
  FakeLnd   *lnd;
  char      *beacon;
  gint64     start_balance;
} Node;

static void
node_clear (Node *n)
{
  terminus_clear (&n->t);
  g_clear_pointer (&n->cln, fake_cln_free);
  g_clear_pointer (&n->lnd, fake_lnd_free);
  g_free (n->beacon);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Node, node_clear)

/* Through --set-secret: into the Secret Service, or a 0600 file. */
static void
store_secret (Node       *n,
              const char *key,
              const void *data,
              gsize       len,
              gboolean    keyring)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *input = g_build_filename (n->t.dir, "credential", NULL);
  g_autofree char *secrets = g_build_filename (n->t.dir, "secrets", NULL);
  g_auto(MsTestRun) run = { 0 };

  g_assert_true (g_file_set_contents (input, data, len, NULL));
  g_ptr_array_add (args, (char *) g_getenv ("MS_TERMINUS_PATH"));
  if (!keyring)
    {
      g_ptr_array_add (args, (char *) "--secrets-file");
      g_ptr_array_add (args, secrets);
    }
  g_ptr_array_add (args, (char *) "--set-secret");
  g_ptr_array_add (args, (char *) key);
  ms_test_run_argv (&run, args, input);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, keyring ? "Secret Service" : secrets));
  g_remove (input);
  if (!keyring)
    terminus_arg (&n->t, "--secrets-file", secrets, NULL);
}

static GTlsCertificate *
test_certificate (void)
{
  g_autoptr(GError) error = NULL;
  GTlsCertificate *cert = g_tls_certificate_new_from_files (g_getenv ("MS_TEST_TLS_CERT"),
                                                            g_getenv ("MS_TEST_TLS_KEY"), &error);

  g_assert_no_error (error);
  return cert;
}

/* Starts the terminus on the node, makes "app" with a tenth of what the node can spend. */
static void
node_start (Node *n)
{
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autofree char *amount = NULL;
  JsonObject *node;

  terminus_arg (&n->t, "--listen", "127.0.0.1:0", NULL);
  terminus_start (&n->t);

  info = cli_json (&n->t, "getinfo", NULL);
  node = json_object_get_object_member (info, "node");
  g_assert_nonnull (node);
  g_assert_false (json_object_get_boolean_member (node, "demo"));
  g_assert_cmpstr (json_object_get_string_member (node, "node_id"), ==,
                   n->cln != NULL ? fake_cln_get_node_id (n->cln) : fake_lnd_get_node_id (n->lnd));
  g_assert_cmpint (json_object_get_int_member (node, "spendable_msat"), >, 1000000);

  n->start_balance = json_object_get_int_member (node, "spendable_msat") / 10;
  amount = g_strdup_printf ("%" G_GINT64_FORMAT, n->start_balance);
  created = cli_json (&n->t, "create", amount, "-a", "app", NULL);
  n->beacon = listen_beacon (&n->t, "app");
}

static void
start_cln_rpc (Node *n)
{
  g_autoptr(GError) error = NULL;

  terminus_init (&n->t);
  n->cln = fake_cln_new (contracts_dir, &error);
  g_assert_no_error (error);
  g_assert_true (fake_cln_listen_rpc (n->cln, &error));
  g_assert_no_error (error);
  terminus_arg (&n->t, "--backend", "cln-rpc", "--lightning-rpc",
                fake_cln_get_socket_path (n->cln), NULL);
  node_start (n);
}

static void
start_cln_rest (Node *n)
{
  g_autoptr(GTlsCertificate) cert = test_certificate ();
  g_autoptr(GError) error = NULL;

  terminus_init (&n->t);
  n->cln = fake_cln_new (contracts_dir, &error);
  g_assert_no_error (error);
  g_assert_true (fake_cln_listen_rest (n->cln, cert, &error));
  g_assert_no_error (error);
  /* The rune in the desktop's Secret Service, as a user would keep it. */
  store_secret (n, "cln-rest-rune", FAKE_CLN_RUNE, strlen (FAKE_CLN_RUNE), TRUE);
  terminus_arg (&n->t, "--backend", "cln-rest", "--node-url", fake_cln_get_rest_url (n->cln),
                "--node-cert", g_getenv ("MS_TEST_TLS_CERT"), NULL);
  node_start (n);
}

static void
start_lnd (Node *n)
{
  g_autoptr(GTlsCertificate) cert = test_certificate ();
  GBytes *macaroon;
  g_autoptr(GError) error = NULL;

  terminus_init (&n->t);
  n->lnd = fake_lnd_new (swagger, cert);
  g_assert_true (fake_lnd_start (n->lnd, &error));
  g_assert_no_error (error);
  macaroon = fake_lnd_get_macaroon (n->lnd);
  store_secret (n, "lnd-macaroon", g_bytes_get_data (macaroon, NULL), g_bytes_get_size (macaroon),
                FALSE);
  terminus_arg (&n->t, "--backend", "lnd-rest", "--node-url", fake_lnd_get_url (n->lnd),
                "--node-cert", g_getenv ("MS_TEST_TLS_CERT"), NULL);
  node_start (n);
}

static char *
remote_invoice (Node    *n,
                guint64  msat,
                gint64   age_s,
                guint8   preimage[32])
{
  guint8 hash[32];

  if (n->cln != NULL)
    return fake_cln_add_remote_invoice (n->cln, msat, age_s, 3600, TRUE, preimage);

  return fake_lnd_make_remote_invoice (n->lnd, msat, g_get_real_time () / G_USEC_PER_SEC - age_s,
                                       hash);
}

static void
settle (Node         *n,
        const guint8  hash[32],
        guint64       msat)
{
  if (n->cln != NULL)
    g_assert_true (fake_cln_settle_invoice (n->cln, hash, msat));
  else
    g_assert_true (fake_lnd_settle_invoice (n->lnd, hash, msat));
}

static guint
n_node_payments (Node *n)
{
  return n->cln != NULL ? fake_cln_get_n_payments (n->cln) : fake_lnd_get_n_payments (n->lnd);
}

/*
 * Receive: an app asks for an invoice, the outside world pays it, the
 * account is credited and the app told. Pay: a remote invoice is paid by
 * the node, the account charged amount + the fee the node really paid.
 * Amountless and expired invoices are refused before the node is asked.
 */
static void
node_flow (Node *n)
{
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GPtrArray) paid = NULL;
  g_autoptr(GPtrArray) amountless = NULL;
  g_autoptr(GPtrArray) expired = NULL;
  g_autoptr(JsonObject) receipts = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *zero = NULL;
  g_autofree char *old = NULL;
  guint8 hash[32];
  guint8 preimage[32] = { 0 };
  gint64 before;
  gint64 after;
  guint n_before;
  const char *bolt11;

  got = probe (n->beacon, "--invoice", "21000", NULL);
  bolt11 = event_string (got, "invoice", "bolt11");
  hash_of (bolt11, hash);
  settle (n, hash, 21000);
  wait_balance (&n->t, "app", n->start_balance + 21000);

  before = balance_of (&n->t, "app");
  n_before = n_node_payments (n);
  remote = remote_invoice (n, 50000, 0, preimage);
  paid = probe (n->beacon, "--pay", remote, NULL);
  g_assert_cmpuint (strlen (event_string (paid, "preimage", "preimage")), ==, 64);
  if (n->cln != NULL)
    {
      g_autofree char *hex = ms_hex_encode (preimage, 32);

      g_assert_cmpstr (event_string (paid, "preimage", "preimage"), ==, hex);
    }
  g_assert_cmpuint (n_node_payments (n), ==, n_before + 1);
  after = balance_of (&n->t, "app");
  g_assert_cmpint (after, <=, before - 50000);
  g_assert_cmpint (after, >=, before - 50000 - 5000);
  g_assert_cmpint (reserved_of (&n->t, "app"), ==, 0);

  zero = remote_invoice (n, 0, 0, preimage);
  amountless = probe (n->beacon, "--pay", zero, NULL);
  g_assert_null (find_event (amountless, "preimage"));
  g_assert_nonnull (strstr (event_string (amountless, "error", "error_msg"), "amount"));

  old = remote_invoice (n, 1000, 7200, preimage);
  expired = probe (n->beacon, "--pay", old, NULL);
  g_assert_null (find_event (expired, "preimage"));
  g_assert_nonnull (strstr (event_string (expired, "error", "error_msg"), "expired"));

  g_assert_cmpuint (n_node_payments (n), ==, n_before + 1);
  g_assert_cmpint (balance_of (&n->t, "app"), ==, after);

  receipts = cli_json (&n->t, "getaccountreceipts", "app", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (receipts, "receipts")),
                    >=, 5);
}

static void
assert_no_violations (Node *n)
{
  if (n->cln != NULL)
    {
      GPtrArray *violations = fake_cln_get_violations (n->cln);

      for (guint i = 0; i < violations->len; i++)
        g_printerr ("# violation: %s\n", (char *) g_ptr_array_index (violations, i));
      g_assert_cmpuint (violations->len, ==, 0);
    }
  else
    g_assert_cmpuint (fake_lnd_get_n_invalid (n->lnd), ==, 0);
}

static void
test_cln_rpc (void)
{
  g_auto(Node) n = { 0 };

  start_cln_rpc (&n);
  node_flow (&n);
  assert_no_violations (&n);
  terminus_stop (&n.t);
}

static void
test_cln_rest (void)
{
  g_auto(Node) n = { 0 };

  start_cln_rest (&n);
  node_flow (&n);
  assert_no_violations (&n);
  terminus_stop (&n.t);
}

static void
test_lnd_rest (void)
{
  g_auto(Node) n = { 0 };

  start_lnd (&n);
  node_flow (&n);
  assert_no_violations (&n);
  terminus_stop (&n.t);
}

/*
 * The node goes away while it pays: the money stays held, and when the
 * node is back the terminus asks it how the payment ended and settles once.
 */
static void
test_cln_down_mid_payment (void)
{
  g_auto(Node) n = { 0 };
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote = NULL;
  guint8 preimage[32];
  gint64 before;
  gint64 after;
  gint64 deadline;

  start_cln_rpc (&n);
  before = balance_of (&n.t, "app");
  remote = remote_invoice (&n, 40000, 0, preimage);
  fake_cln_set_pay_delay (n.cln, 1500);

  app = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                          &error, g_getenv ("MS_CLI_PATH"), "probe", n.beacon, "--pay", remote,
                          "--timeout", "10", NULL);
  g_assert_no_error (error);

  /* Held as soon as the payment starts. */
  deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  while (reserved_of (&n.t, "app") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
  fake_cln_go_down (n.cln);
  ms_test_run_for (500);
  g_assert_cmpint (reserved_of (&n.t, "app"), >, 0);
  g_assert_true (fake_cln_come_back (n.cln, &error));
  g_assert_no_error (error);

  /* Settled exactly once, whichever way it went on the node. */
  deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  while (reserved_of (&n.t, "app") != 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
      g_main_context_iteration (NULL, FALSE);
    }
  after = balance_of (&n.t, "app");
  g_assert_cmpuint (fake_cln_get_n_payments (n.cln), <=, 1);
  if (fake_cln_get_n_payments (n.cln) == 1)
    {
      g_assert_cmpint (after, <=, before - 40000);
      g_assert_cmpint (after, >=, before - 40000 - 5000);
    }
  else
    g_assert_cmpint (after, ==, before);

  g_subprocess_force_exit (app);
  g_subprocess_wait (app, NULL, NULL);
  terminus_stop (&n.t);
}

/* A refused credential is named clearly; the terminus keeps trying. */
static void
test_cln_rest_bad_rune (void)
{
  g_auto(Node) n = { 0 };
  g_autoptr(GTlsCertificate) cert = test_certificate ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autofree char *log = NULL;
  const char *wrong = "ZmFrZSBydW5lIHRoYXQgZG9lcyBub3Qgd29yaw==";
  gint64 deadline;

  terminus_init (&n.t);
  n.cln = fake_cln_new (contracts_dir, &error);
  g_assert_no_error (error);
  g_assert_true (fake_cln_listen_rest (n.cln, cert, &error));
  store_secret (&n, "cln-rest-rune", wrong, strlen (wrong), FALSE);
  terminus_arg (&n.t, "--backend", "cln-rest", "--node-url", fake_cln_get_rest_url (n.cln),
                "--node-cert", g_getenv ("MS_TEST_TLS_CERT"), "--listen", "none", NULL);
  terminus_start (&n.t);

  info = cli_json (&n.t, "getinfo", NULL);
  g_assert_true (json_node_is_null (json_object_get_member (info, "node")));

  deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  do
    {
      g_free (log);
      log = terminus_log (&n.t);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
    }
  while (strstr (log, "does not answer") == NULL);
  g_assert_nonnull (strstr (log, "refused the rune"));
  g_assert_null (strstr (log, wrong));
  terminus_stop (&n.t);
}

/* -- the Core Lightning plugin, driven the way lightningd drives it ------- */

typedef struct
{
  GSubprocess      *process;
  GOutputStream    *to_plugin;
  GDataInputStream *from_plugin;
  GPtrArray        *logs;
} Lightningd;

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* One line, while the main loop runs: the fake node lives in this process. */
static char *
read_line (GDataInputStream *in,
           gsize            *len)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL, line_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  line = g_data_input_stream_read_line_finish (in, result, len, &error);
  g_assert_no_error (error);
  return line;
}

/* The next message from the plugin that is not a log notification. */
static JsonObject *
plugin_read (Lightningd *l)
{
  g_autoptr(GString) message = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (;;)
    {
      g_autofree char *line = NULL;
      g_autoptr(JsonObject) object = NULL;
      gsize len;

      line = read_line (l->from_plugin, &len);
      g_assert_nonnull (line);
      if (len > 0)
        {
          g_string_append (message, line);
          continue;
        }
      if (message->len == 0)
        continue;

      /* A blank line ends each message. */
      object = parse_object (message->str);
      g_string_truncate (message, 0);
      g_assert_cmpstr (json_object_get_string_member (object, "jsonrpc"), ==, "2.0");
      if (g_strcmp0 (json_object_get_string_member_with_default (object, "method", NULL),
                     "log") == 0)
        {
          JsonObject *params = json_object_get_object_member (object, "params");

          g_ptr_array_add (l->logs, g_strdup (json_object_get_string_member (params, "message")));
          continue;
        }
      return g_steal_pointer (&object);
    }
}

static void
plugin_send (Lightningd *l,
             const char *json)
{
  g_autoptr(GError) error = NULL;

  /* lightningd's framing: the JSON, then a blank line. */
  g_assert_true (g_output_stream_write_all (l->to_plugin, json, strlen (json), NULL, NULL,
                                            &error));
  g_assert_true (g_output_stream_write_all (l->to_plugin, "\n\n", 2, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_cln_plugin (void)
{
  g_auto(Terminus) t = { 0 };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(JsonObject) init = NULL;
  g_autoptr(JsonObject) unknown = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) invoice = NULL;
  g_autofree char *lightning_dir = NULL;
  g_autofree char *rpc_link = NULL;
  g_autofree char *init_json = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *preimage_hex = NULL;
  g_autofree char *label = NULL;
  FakeCln *cln;
  Lightningd l = { 0 };
  JsonObject *result;
  JsonArray *options;
  JsonArray *subscriptions;
  gboolean has_data_dir = FALSE;
  gboolean has_listen = FALSE;
  guint8 hash[32];

  terminus_init (&t);
  cln = fake_cln_new (contracts_dir, &error);
  g_assert_no_error (error);
  g_assert_true (fake_cln_listen_rpc (cln, &error));
  /* Settlement through invoice_payment alone. */
  fake_cln_set_missing (cln, "waitanyinvoice", TRUE);

  /* lightningd names its socket relative to its directory. */
  lightning_dir = g_build_filename (t.dir, "regtest", NULL);
  g_assert_cmpint (g_mkdir (lightning_dir, 0700), ==, 0);
  rpc_link = g_build_filename (lightning_dir, "lightning-rpc", NULL);
  g_assert_cmpint (symlink (fake_cln_get_socket_path (cln), rpc_link), ==, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "LIGHTNINGD_PLUGIN", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, t.log);
  l.process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("MS_TERMINUS_PATH"), NULL);
  g_assert_no_error (error);
  l.to_plugin = g_subprocess_get_stdin_pipe (l.process);
  l.from_plugin = g_data_input_stream_new (g_subprocess_get_stdout_pipe (l.process));
  l.logs = g_ptr_array_new_with_free_func (g_free);

  plugin_send (&l, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getmanifest\","
                   "\"params\":{\"allow-deprecated-apis\":false}}");
  manifest = plugin_read (&l);
  g_assert_cmpint (json_object_get_int_member (manifest, "id"), ==, 1);
  result = json_object_get_object_member (manifest, "result");
  options = json_object_get_array_member (result, "options");
  for (guint i = 0; i < json_array_get_length (options); i++)
    {
      JsonObject *o = json_array_get_object_element (options, i);
      const char *name = json_object_get_string_member (o, "name");

      has_data_dir |= g_str_equal (name, "moneysocket-data-dir");
      has_listen |= g_str_equal (name, "moneysocket-listen");
      g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "string");
    }
  g_assert_true (has_data_dir && has_listen);
  subscriptions = json_object_get_array_member (result, "subscriptions");
  g_assert_cmpstr (json_array_get_string_element (subscriptions, 0), ==, "invoice_payment");
  g_assert_false (json_object_get_boolean_member (result, "dynamic"));

  /* Messages may come in pieces and without the blank line. */
  init_json = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":\"cln:init#2\",\"method\":\"init\","
                               "\"params\":{\"options\":{\"moneysocket-listen\":\"127.0.0.1:0\","
                               "\"moneysocket-rpc-socket\":\"%s\"},\"configuration\":{"
                               "\"lightning-dir\":\"%s\",\"rpc-file\":\"lightning-rpc\","
                               "\"startup\":true,\"network\":\"regtest\"}}}",
                               t.socket, lightning_dir);
  g_assert_true (g_output_stream_write_all (l.to_plugin, init_json, 40, NULL, NULL, &error));
  g_assert_true (g_output_stream_flush (l.to_plugin, NULL, &error));
  g_usleep (50000);
  g_assert_true (g_output_stream_write_all (l.to_plugin, init_json + 40, strlen (init_json) - 40,
                                            NULL, NULL, &error));
  init = plugin_read (&l);
  g_assert_cmpstr (json_object_get_string_member (init, "id"), ==, "cln:init#2");
  g_assert_nonnull (json_object_get_object_member (init, "result"));
  g_assert_false (json_object_has_member (json_object_get_object_member (init, "result"),
                                          "disable"));
  g_assert_true (ms_test_socket_answers (t.socket));

  /* Its data lives with the node's. */
  {
    g_autofree char *db = g_build_filename (lightning_dir, "moneysocket", "terminus.sqlite",
                                            NULL);

    g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  }

  created = cli_json (&t, "create", "100000", "-a", "shop", NULL);
  invoice = cli_json (&t, "invoice", "shop", "7000", NULL);
  hash_of (json_object_get_string_member (invoice, "bolt11"), hash);
  label = fake_cln_dup_invoice_label (cln, hash);
  g_assert_nonnull (label);

  /* The node settles it; with no waitanyinvoice, nothing credits it yet. */
  g_assert_true (fake_cln_settle_invoice (cln, hash, 7000));
  preimage_hex = fake_cln_dup_invoice_preimage (cln, hash);
  g_assert_nonnull (preimage_hex);
  ms_test_run_for (300);
  g_assert_cmpint (balance_of (&t, "shop"), ==, 100000);

  /* lightningd's invoice_payment notification does (older releases' amount form). */
  notice = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"method\":\"invoice_payment\",\"params\":"
                            "{\"invoice_payment\":{\"label\":\"%s\",\"preimage\":\"%s\","
                            "\"msat\":\"7000msat\"}}}", label, preimage_hex);
  plugin_send (&l, notice);
  wait_balance (&t, "shop", 107000);

  /* Told twice, credited once; a notice for an invoice it never made changes nothing. */
  plugin_send (&l, notice);
  plugin_send (&l, "{\"jsonrpc\":\"2.0\",\"method\":\"invoice_payment\",\"params\":"
                   "{\"invoice_payment\":{\"label\":\"other\",\"preimage\":\""
                   "0101010101010101010101010101010101010101010101010101010101010101\","
                   "\"msat\":5000}}}");
  plugin_send (&l, "{\"jsonrpc\":\"2.0\",\"method\":\"invoice_payment\",\"params\":"
                   "{\"invoice_payment\":{\"label\":\"x\",\"preimage\":\"zz\"}}}");
  ms_test_run_for (300);
  g_assert_cmpint (balance_of (&t, "shop"), ==, 107000);

  /* A request it does not know gets a JSON-RPC error, not silence. */
  plugin_send (&l, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"frobnicate\",\"params\":{}}");
  unknown = plugin_read (&l);
  g_assert_cmpint (json_object_get_int_member (unknown, "id"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (unknown, "error"),
                                               "code"), ==, -32601);

  /* Its logs went to lightningd's log, not to a corrupted stdout. */
  {
    gboolean ready = FALSE;

    for (guint i = 0; i < l.logs->len; i++)
      ready |= strstr (g_ptr_array_index (l.logs, i), "ready") != NULL;
    g_assert_true (ready);
  }

  /* lightningd closes our stdin when it stops: a clean exit. */
  g_assert_true (g_output_stream_close (l.to_plugin, NULL, &error));
  g_assert_true (g_subprocess_wait (l.process, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (l.process));
  g_assert_cmpint (g_subprocess_get_exit_status (l.process), ==, 0);
  g_assert_false (g_file_test (t.socket, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (fake_cln_get_violations (cln)->len, ==, 0);

  g_object_unref (l.from_plugin);
  g_ptr_array_unref (l.logs);
  g_object_unref (l.process);
  fake_cln_free (cln);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ms_test_init (&argc, &argv);

  contracts_dir = g_strdup (g_getenv ("MS_CONTRACTS_DIR"));

  g_test_add_func ("/terminus-daemon/demo/flow", test_demo_flow);
  g_test_add_func ("/terminus-daemon/demo/errors", test_demo_errors);
  g_test_add_func ("/terminus-daemon/demo/set", test_demo_set);
  g_test_add_func ("/terminus-daemon/demo/restart", test_demo_restart);
  g_test_add_func ("/terminus-daemon/demo/external-relay", test_demo_external_relay);
  g_test_add_func ("/terminus-daemon/config-file", test_config_file);
  g_test_add_func ("/terminus-daemon/secrets-file", test_secrets_file);

  if (contracts_dir == NULL || !g_file_test (contracts_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_message ("no contracts in MS_CONTRACTS_DIR: the fake node tests are skipped");
      return g_test_run ();
    }
  {
    g_autofree char *lnd_dir = g_build_filename (contracts_dir, "lnd", NULL);
    g_autoptr(GError) error = NULL;

    swagger = lnd_swagger_load (lnd_dir, &error);
    g_assert_no_error (error);
  }
  g_test_add_func ("/terminus-daemon/cln-rpc", test_cln_rpc);
  g_test_add_func ("/terminus-daemon/cln-rest", test_cln_rest);
  g_test_add_func ("/terminus-daemon/lnd-rest", test_lnd_rest);
  g_test_add_func ("/terminus-daemon/cln-down-mid-payment", test_cln_down_mid_payment);
  g_test_add_func ("/terminus-daemon/cln-rest-bad-rune", test_cln_rest_bad_rune);
  g_test_add_func ("/terminus-daemon/cln-plugin", test_cln_plugin);

  status = g_test_run ();
  lnd_swagger_free (swagger);
  return status;
}
