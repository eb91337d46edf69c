/* bench-terminus.c: payments through a relay to a terminus on the demo ledger
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * Not a test: it prints figures for the README. It starts moneysocket-relay
 * and moneysocket-terminus (demo ledger, listen beacons on that relay),
 * gives each of C consumer apps an account and its beacon, and has every
 * app pay invoices one after the other: REQUEST_PAY out, NOTIFY_PREIMAGE
 * back, through the relay both ways. The invoices are issued by the ledger
 * to nobody's account, so each payment is a real ledger payment: reserve,
 * pay, settle, each a durable SQLite transaction. Reports payments/s and
 * p50/p99 latency; then the terminus' RSS idle and with 1,000 accounts.
 *
 *   bench-terminus --relay PATH --terminus PATH [--consumers 1,50] [--payments 1000]
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "bench-util.h"
#include "moneysocket.h"
#include "ms-demo-ledger.h"
#include "test-util.h"

#define WAIT_S 60

typedef struct _Run Run;

typedef struct
{
  Run             *run;
  MsConsumerStack *stack;
  GPtrArray       *invoices;   /* bolt11 to pay, in order */
  guint            next;
  gint64           sent_at;
  gboolean         ready;
} App;

struct _Run
{
  App     *apps;
  guint    n_apps;
  guint    n_done;
  guint    n_failed;
  guint    n_total;
  GArray  *latency_us;
};

typedef struct
{
  char  *dir;
  GPid   relay_pid;
  GPid   terminus_pid;
  char  *relay_url;
  char  *socket;
  char  *ledger_path;
} Setup;

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates until *flag or the deadline (then gives up loudly). */
static void
wait_for (gboolean   *flag,
          const char *what)
{
  gint64 deadline = now_us () + WAIT_S * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, wake_cb, NULL);

  while (!*flag && now_us () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (!*flag)
    g_error ("timed out waiting for %s", what);
}

/* -- the control socket, blocking (nothing else runs meanwhile) ------------ */

static JsonObject *
control (Setup      *setup,
         const char *method,
         const char *params)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (setup->socket);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  g_autofree char *line = NULL;
  JsonObject *response;

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  if (connection == NULL)
    g_error ("control socket: %s", error->message);
  request = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}\n",
                             method, params);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  request, strlen (request), NULL, NULL, &error))
    g_error ("control socket: %s", error->message);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  if (line == NULL || !json_parser_load_from_data (parser, line, -1, &error))
    g_error ("control socket: no answer to %s", method);

  response = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (response, "result"))
    g_error ("%s %s: %s", method, params, line);
  return json_object_ref (json_object_get_object_member (response, "result"));
}

static guint64
rss_kb (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

/* -- starting the programs --------------------------------------------------- */

static GPid
spawn (const char * const *argv,
       gint               *out_fd)
{
  g_autoptr(GError) error = NULL;
  GPid pid;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                 NULL, &pid, NULL, out_fd, NULL, &error))
    g_error ("cannot start %s: %s", argv[0], error->message);
  return pid;
}

static void
setup_start (Setup      *setup,
             const char *relay,
             const char *terminus)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *secrets = NULL;
  char line[256] = { 0 };
  gint out_fd = -1;
  FILE *out;
  gint64 deadline;

  setup->dir = g_dir_make_tmp ("bench-terminus-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (setup->dir, "data", NULL);
  secrets = g_build_filename (setup->dir, "secrets", NULL);
  setup->socket = g_build_filename (setup->dir, "control.sock", NULL);
  setup->ledger_path = g_build_filename (data_dir, "demo-ledger.sqlite", NULL);

  {
    const char *argv[] = { relay, "--port", "0", "--max-per-address", "0", NULL };

    setup->relay_pid = spawn (argv, &out_fd);
    out = fdopen (out_fd, "r");
    if (fgets (line, sizeof line, out) == NULL || !g_str_has_prefix (line, "listening on "))
      g_error ("the relay did not start");
    g_strchomp (line);
    setup->relay_url = g_strdup (line + strlen ("listening on "));
  }

  {
    /* Listen beacons point at the relay; seeds go to a 0600 file (no desktop keyring here). */
    const char *argv[] = { terminus, "--data-dir", data_dir, "--rpc-socket", setup->socket,
                           "--listen", "none", "--relay", setup->relay_url,
                           "--secrets-file", secrets, NULL };

    setup->terminus_pid = spawn (argv, NULL);
  }

  deadline = now_us () + WAIT_S * G_USEC_PER_SEC;
  while (!g_file_test (setup->socket, G_FILE_TEST_EXISTS))
    {
      if (now_us () > deadline)
        g_error ("the terminus did not start");
      g_usleep (10000);
    }
}

static void
setup_stop (Setup *setup)
{
  kill (setup->terminus_pid, SIGTERM);
  kill (setup->relay_pid, SIGTERM);
  waitpid (setup->terminus_pid, NULL, 0);
  waitpid (setup->relay_pid, NULL, 0);
  ms_test_remove_tree (setup->dir);
  g_free (setup->dir);
  g_free (setup->relay_url);
  g_free (setup->socket);
  g_free (setup->ledger_path);
}

/* -- paying ------------------------------------------------------------------ */

static void pay_next (App *app);

static void
paid_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  App *app = user_data;
  Run *run = app->run;
  g_autoptr(GError) error = NULL;
  g_autofree char *preimage = ms_consumer_stack_request_pay_finish (MS_CONSUMER_STACK (source),
                                                                    result, &error);
  gint64 latency = now_us () - app->sent_at;

  if (preimage == NULL)
    {
      g_printerr ("payment refused: %s\n", error->message);
      run->n_failed++;
    }
  else
    g_array_append_val (run->latency_us, latency);

  run->n_done++;
  pay_next (app);
}

static void
pay_next (App *app)
{
  if (app->next >= app->invoices->len)
    return;

  app->sent_at = now_us ();
  ms_consumer_stack_request_pay_async (app->stack, g_ptr_array_index (app->invoices, app->next++),
                                       NULL, paid_cb, app);
}

static void
provider_info_cb (MsConsumerStack *stack,
                  MsProviderInfo  *info,
                  App             *app)
{
  app->ready = TRUE;
}

static gboolean
all_done (Run *run)
{
  return run->n_done == run->n_total;
}

static void
bench_consumers (Setup *setup,
                 guint  n_apps,
                 guint  n_payments)
{
  g_autoptr(MsDemoLedger) world = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  guint per_app = MAX (1, n_payments / n_apps);
  gint64 start;
  double seconds;
  gboolean done = FALSE;

  run.n_apps = n_apps;
  run.apps = g_new0 (App, n_apps);
  run.latency_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  run.n_total = per_app * n_apps;

  /* The ledger file is shared: invoices to the outside world, paid for real. */
  world = ms_demo_ledger_new (setup->ledger_path, 0, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n_apps; i++)
    {
      App *app = &run.apps[i];
      g_autofree char *name = g_strdup_printf ("app-%u-of-%u", i, n_apps);
      g_autofree char *params = g_strdup_printf ("{\"name\":\"%s\",\"msat\":1000000000}", name);
      g_autofree char *account = g_strdup_printf ("{\"account\":\"%s\"}", name);
      g_autoptr(JsonObject) created = control (setup, "create", params);
      g_autoptr(JsonObject) listened = control (setup, "listen", account);
      const char *beacon_text = json_object_get_string_member (listened, "beacon");
      g_autoptr(MsBeacon) beacon = ms_beacon_decode (beacon_text, strlen (beacon_text), &error);

      g_assert_no_error (error);
      app->run = &run;
      app->invoices = g_ptr_array_new_with_free_func (g_free);
      for (guint j = 0; j < per_app; j++)
        {
          g_autoptr(MsLnInvoice) invoice = ms_demo_ledger_create_invoice (world, 10000, "bench",
                                                                          3600, NULL, &error);

          g_assert_no_error (error);
          g_ptr_array_add (app->invoices, g_strdup (invoice->bolt11));
        }

      app->stack = ms_consumer_stack_new ();
      g_signal_connect (app->stack, "provider-info", G_CALLBACK (provider_info_cb), app);
      if (!ms_stack_connect (MS_STACK (app->stack), beacon, &error))
        g_error ("connect: %s", error->message);
    }

  for (guint i = 0; i < n_apps; i++)
    wait_for (&run.apps[i].ready, "an app to reach its account");

  start = now_us ();
  for (guint i = 0; i < n_apps; i++)
    pay_next (&run.apps[i]);
  {
    gint64 deadline = now_us () + 600 * G_USEC_PER_SEC;
    guint tick = g_timeout_add (50, wake_cb, NULL);

    while (!all_done (&run) && now_us () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (tick);
    done = all_done (&run);
  }
  seconds = (now_us () - start) / (double) G_USEC_PER_SEC;
  if (!done)
    g_error ("only %u of %u payments finished", run.n_done, run.n_total);

  printf ("consumers %3u: %5u payments in %6.2f s = %7.1f payments/s, "
          "REQUEST_PAY -> NOTIFY_PREIMAGE p50 %6.2f ms, p99 %6.2f ms, %u refused\n",
          n_apps, run.n_total, seconds, (run.n_total - run.n_failed) / seconds,
          bench_percentile (run.latency_us, 0.50) / 1000.0, bench_percentile (run.latency_us, 0.99) / 1000.0,
          run.n_failed);
  fflush (stdout);

  for (guint i = 0; i < n_apps; i++)
    {
      ms_stack_disconnect (MS_STACK (run.apps[i].stack));
      g_object_unref (run.apps[i].stack);
      g_ptr_array_unref (run.apps[i].invoices);
    }
  ms_lightning_stop (MS_LIGHTNING (world));
  g_free (run.apps);
  g_array_unref (run.latency_us);
}

static void
bench_rss (Setup *setup,
           guint  n_accounts)
{
  g_autoptr(JsonObject) info = control (setup, "getaccountinfo", "{}");
  guint have = json_array_get_length (json_object_get_array_member (info, "accounts"));
  guint64 before = rss_kb (setup->terminus_pid);

  for (guint i = have; i < n_accounts; i++)
    {
      g_autofree char *params = g_strdup_printf ("{\"name\":\"rss-%u\",\"msat\":1000}", i);
      g_autoptr(JsonObject) created = control (setup, "create", params);
    }
  /* Every account once through the API, as a wallet listing them would. */
  g_clear_pointer (&info, json_object_unref);
  info = control (setup, "getinfo", "{}");

  printf ("terminus RSS: %" G_GUINT64_FORMAT " kB with %u accounts, %" G_GUINT64_FORMAT
          " kB with %u\n", before, have, rss_kb (setup->terminus_pid), n_accounts);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *relay = NULL;
  g_autofree char *terminus = NULL;
  g_autofree char *consumers = g_strdup ("1,50");
  gint payments = 1000;
  gint accounts = 1000;
  const GOptionEntry entries[] = {
    { "relay", 0, 0, G_OPTION_ARG_FILENAME, &relay, "moneysocket-relay binary", "PATH" },
    { "terminus", 0, 0, G_OPTION_ARG_FILENAME, &terminus, "moneysocket-terminus binary", "PATH" },
    { "consumers", 'c', 0, G_OPTION_ARG_STRING, &consumers, "Runs, by consumer count (default 1,50)", "N,N" },
    { "payments", 'n', 0, G_OPTION_ARG_INT, &payments, "Payments per run (default 1000)", "N" },
    { "accounts", 'a', 0, G_OPTION_ARG_INT, &accounts, "Accounts for the RSS figure (default 1000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) counts = NULL;
  Setup setup = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || relay == NULL || terminus == NULL)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "give --relay and --terminus");
      return 64;
    }

  setup_start (&setup, relay, terminus);
  counts = g_strsplit (consumers, ",", -1);
  for (guint i = 0; counts[i] != NULL; i++)
    bench_consumers (&setup, MAX (1, atoi (counts[i])), payments);
  bench_rss (&setup, accounts);
  setup_stop (&setup);
  return 0;
}
