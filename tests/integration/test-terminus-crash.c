/* test-terminus-crash.c: a terminus killed mid-payment loses and duplicates nothing
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "moneysocket.h"
#include "ms-demo-ledger.h"
#include "test-util.h"

/*
 * A real moneysocket-terminus child on the demo ledger serves four
 * accounts. This process is "the rest of the world": it shares the ledger
 * file, issues invoices the accounts pay (money out), pays the accounts'
 * invoices from outside (money in), and has accounts pay each other. 500
 * payments run twelve at a time; every few dozen the child is killed with
 * SIGKILL at a random instant, restarted, and checked:
 *
 *   sum of balances + money out − money in = what the accounts started with,
 *   nothing stays held, and no request uuid was paid twice, even when the
 *   requests cut short by the kill are sent again with the same uuid.
 *
 * The random choices come from the test seed (--seed to replay a run).
 */

#define N_ACCOUNTS      4
#define START_MSAT      G_GINT64_CONSTANT (20000000)
#define N_PAYMENTS      500
#define IN_FLIGHT       12
#define WAIT_MS         30000

typedef enum
{
  OP_OUT,        /* pay an invoice of the outside world */
  OP_IN,         /* the outside world pays an account's invoice */
  OP_INTERNAL,   /* one account pays another's invoice */
} OpKind;

typedef struct _Test Test;

typedef struct
{
  Test    *test;
  OpKind   kind;
  guint    payer;
  guint    payee;
  guint64  amount;
  char    *request_uuid;
  char    *bolt11;
  guint8   hash[32];
  gboolean done;
} Op;

struct _Test
{
  char          *dir;
  char          *data_dir;
  char          *socket;
  char          *log;
  GSubprocess   *child;
  MsDemoLedger  *world;          /* the same ledger file, opened by "the world" */
  GHashTable    *world_hashes;   /* hex hash of invoices the world issued → amount */
  GHashTable    *world_paid;     /* hex hash → amount the world received (settled) */
  guint64        money_in;       /* what the world paid into accounts */
  GPtrArray     *unfinished;     /* Op: cut short by a kill, to replay */
  guint          started;
  guint          finished;
  guint          in_flight;
  guint          kills;
  guint          replays;
  guint          kill_at;        /* kill when this many payments have started */
};

/* -- the control socket --------------------------------------------------- */

typedef void (*CallDone) (JsonObject *result,
                          const char *error,
                          gpointer    user_data);

typedef struct
{
  GSocketConnection *connection;
  GDataInputStream  *in;
  char              *request;
  CallDone           done;
  gpointer           user_data;
} Call;

static void
call_finish (Call       *call,
             JsonObject *result,
             const char *error)
{
  call->done (result, error, call->user_data);
  g_clear_object (&call->in);
  g_clear_object (&call->connection);
  g_free (call->request);
  g_free (call);
}

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  JsonObject *response;
  JsonObject *failure;
  gsize len;

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, &len, NULL);
  if (line == NULL || !json_parser_load_from_data (parser, line, len, NULL))
    {
      /* Killed before it answered: the outcome is unknown. */
      call_finish (call, NULL, NULL);
      return;
    }

  response = json_node_get_object (json_parser_get_root (parser));
  failure = json_object_has_member (response, "error")
            ? json_object_get_object_member (response, "error") : NULL;
  if (failure != NULL)
    call_finish (call, NULL, json_object_get_string_member (failure, "message"));
  else
    call_finish (call, json_object_get_object_member (response, "result"), NULL);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  GOutputStream *out;

  call->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, NULL);
  if (call->connection == NULL)
    {
      call_finish (call, NULL, NULL);
      return;
    }

  out = g_io_stream_get_output_stream (G_IO_STREAM (call->connection));
  if (!g_output_stream_write_all (out, call->request, strlen (call->request), NULL, NULL, NULL))
    {
      call_finish (call, NULL, NULL);
      return;
    }
  call->in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (call->connection)));
  g_data_input_stream_read_line_async (call->in, G_PRIORITY_DEFAULT, NULL, line_cb, call);
}

static void
rpc (Test       *test,
     const char *method,
     const char *params,
     CallDone    done,
     gpointer    user_data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (test->socket);
  Call *call = g_new0 (Call, 1);

  call->request = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}\n",
                                   method, params);
  call->done = done;
  call->user_data = user_data;
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), NULL, connected_cb,
                                 call);
}

typedef struct
{
  gboolean    done;
  JsonObject *result;
  char       *error;
} Sync;

static void
sync_cb (JsonObject *result,
         const char *error,
         gpointer    user_data)
{
  Sync *sync = user_data;

  sync->done = TRUE;
  sync->result = result != NULL ? json_object_ref (result) : NULL;
  sync->error = g_strdup (error);
}

/* One call, waited for; it must succeed. */
static JsonObject *
rpc_sync (Test       *test,
          const char *method,
          const char *params)
{
  Sync sync = { 0 };

  rpc (test, method, params, sync_cb, &sync);
  MS_TEST_WAIT_UNTIL (sync.done, WAIT_MS);
  if (sync.result == NULL)
    g_error ("%s %s failed: %s", method, params, sync.error != NULL ? sync.error : "no answer");
  return sync.result;
}

/* -- the child terminus ------------------------------------------------------ */

static void
child_start (Test *test)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", test->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, test->log);
  test->child = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("MS_TERMINUS_PATH"),
                                             "--data-dir", test->data_dir,
                                             "--rpc-socket", test->socket,
                                             "--listen", "none", NULL);
  g_assert_no_error (error);

  while (!ms_test_socket_answers (test->socket))
    {
      if (g_subprocess_get_identifier (test->child) == NULL || g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = NULL;

          g_file_get_contents (test->log, &log, NULL, NULL);
          g_error ("the terminus did not start:\n%s", log);
        }
      g_usleep (10000);
    }
}

static void
child_kill (Test *test)
{
  g_subprocess_send_signal (test->child, SIGKILL);
  g_assert_true (g_subprocess_wait (test->child, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (test->child));
  g_clear_object (&test->child);
  test->kills++;
}

/* -- the world's books ------------------------------------------------------- */

static void
world_settled_cb (MsLightning    *world,
                  MsLnSettlement *settlement,
                  Test           *test)
{
  g_autofree char *hash = ms_hex_encode (settlement->payment_hash, 32);

  /* Only invoices the world issued count: money that left the accounts. */
  if (g_hash_table_contains (test->world_hashes, hash))
    {
      /* Settled once by the ledger, whatever the terminus did. */
      g_assert_false (g_hash_table_contains (test->world_paid, hash));
      g_hash_table_insert (test->world_paid, g_steal_pointer (&hash),
                           g_memdup2 (&settlement->amount_received_msat, sizeof (guint64)));
    }
}

static guint64
world_received (Test *test)
{
  GHashTableIter iter;
  gpointer value;
  guint64 sum = 0;

  g_hash_table_iter_init (&iter, test->world_paid);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    sum += *(guint64 *) value;
  return sum;
}

/* -- payments ---------------------------------------------------------------- */

static void next_ops (Test *test);

static void
op_free (Op *op)
{
  g_free (op->request_uuid);
  g_free (op->bolt11);
  g_free (op);
}

static void
op_end (Op       *op,
        gboolean  unknown)
{
  Test *test = op->test;

  test->in_flight--;
  if (unknown)
    g_ptr_array_add (test->unfinished, op);
  else
    {
      test->finished++;
      op_free (op);
    }
}

static void
paid_cb (JsonObject *result,
         const char *error,
         gpointer    user_data)
{
  Op *op = user_data;
  Test *test = op->test;

  /* Refusals (balance, already paid) are answers too; no answer at all is not. */
  op_end (op, result == NULL && error == NULL);
  next_ops (test);
}

static void
pay (Op *op)
{
  g_autofree char *params = g_strdup_printf ("{\"account\":\"acct-%u\",\"bolt11\":\"%s\","
                                             "\"request_uuid\":\"%s\"}", op->payer, op->bolt11,
                                             op->request_uuid);

  rpc (op->test, "pay", params, paid_cb, op);
}

static void
invoiced_cb (JsonObject *result,
             const char *error,
             gpointer    user_data)
{
  Op *op = user_data;
  Test *test = op->test;
  g_autoptr(MsBolt11) invoice = NULL;
  g_autoptr(GError) local = NULL;

  if (result == NULL)
    {
      /* No invoice, no payment: nothing to replay. */
      op_end (op, FALSE);
      next_ops (test);
      return;
    }

  op->bolt11 = g_strdup (json_object_get_string_member (result, "bolt11"));
  invoice = ms_bolt11_decode (op->bolt11, strlen (op->bolt11), MS_BOLT11_DECODE_NONE, &local);
  g_assert_no_error (local);
  memcpy (op->hash, ms_bolt11_get_payment_hash (invoice), 32);

  if (op->kind == OP_INTERNAL)
    {
      pay (op);
      return;
    }

  /* The world pays it from outside the terminus. */
  g_assert_true (ms_demo_ledger_pay_invoice_externally (test->world, op->hash, &local));
  g_assert_no_error (local);
  test->money_in += op->amount;
  op_end (op, FALSE);
  next_ops (test);
}

static void
start_op (Test *test)
{
  Op *op = g_new0 (Op, 1);
  guint r = g_test_rand_int_range (0, 10);
  g_autofree char *params = NULL;

  op->test = test;
  op->kind = r < 5 ? OP_OUT : r < 7 ? OP_IN : OP_INTERNAL;
  op->payer = g_test_rand_int_range (0, N_ACCOUNTS);
  op->payee = (op->payer + g_test_rand_int_range (1, N_ACCOUNTS)) % N_ACCOUNTS;
  op->amount = g_test_rand_int_range (1000, 400000);
  op->request_uuid = ms_uuid_new ();
  test->started++;
  test->in_flight++;

  if (op->kind == OP_OUT)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsLnInvoice) invoice = NULL;
      guint8 preimage[32];

      ms_random_bytes (preimage, sizeof preimage);
      invoice = ms_demo_ledger_create_invoice (test->world, op->amount, "the world", 3600,
                                               preimage, &error);
      g_assert_no_error (error);
      op->bolt11 = g_strdup (invoice->bolt11);
      memcpy (op->hash, invoice->payment_hash, 32);
      g_hash_table_insert (test->world_hashes, ms_hex_encode (op->hash, 32), NULL);
      pay (op);
      return;
    }

  params = g_strdup_printf ("{\"account\":\"acct-%u\",\"msat\":%" G_GUINT64_FORMAT "}",
                            op->kind == OP_IN ? op->payer : op->payee, op->amount);
  rpc (test, "invoice", params, invoiced_cb, op);
}

static void
next_ops (Test *test)
{
  if (test->child == NULL)
    return;

  while (test->in_flight < IN_FLIGHT && test->started < N_PAYMENTS &&
         test->started < test->kill_at)
    start_op (test);
}

/* -- the checks ----------------------------------------------------------------- */

static gint64
sum_of_balances (Test    *test,
                 gint64  *reserved)
{
  g_autoptr(JsonObject) info = rpc_sync (test, "getaccountinfo", "{}");
  JsonArray *accounts = json_object_get_array_member (info, "accounts");
  gint64 sum = 0;

  *reserved = 0;
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *a = json_array_get_object_element (accounts, i);

      sum += json_object_get_int_member (a, "balance_msat");
      *reserved += json_object_get_int_member (a, "reserved_msat");
    }
  return sum;
}

/*
 * After a restart the terminus settles what the kill cut short and follows
 * the ledger's settlements from where it stopped; give it that long, then
 * the books must balance exactly.
 */
static void
check_books (Test *test)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  gint64 expected;
  gint64 sum;
  gint64 reserved;

  for (;;)
    {
      expected = N_ACCOUNTS * START_MSAT - (gint64) world_received (test) + (gint64) test->money_in;
      sum = sum_of_balances (test, &reserved);
      if (sum == expected && reserved == 0)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("after %u kills: balances %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT
                 " (%+" G_GINT64_FORMAT "), %" G_GINT64_FORMAT " msat still held", test->kills,
                 sum, expected, sum - expected, reserved);
      ms_test_run_for (50);
    }
}

/* No payment uuid was charged twice; no invoice credited twice. */
static void
check_receipts (Test *test)
{
  g_autoptr(GHashTable) paid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) received = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_paid = 0;

  for (guint i = 0; i < N_ACCOUNTS; i++)
    {
      g_autofree char *params = g_strdup_printf ("{\"account\":\"acct-%u\"}", i);
      g_autoptr(JsonObject) result = rpc_sync (test, "getaccountreceipts", params);
      JsonArray *receipts = json_object_get_array_member (result, "receipts");

      for (guint j = 0; j < json_array_get_length (receipts); j++)
        {
          JsonObject *r = json_array_get_object_element (receipts, j);
          const char *type = json_object_get_string_member (r, "type");

          if (g_str_equal (type, "paid"))
            {
              const char *uuid = json_object_get_string_member (r, "request_uuid");

              if (!g_hash_table_add (paid, g_strdup (uuid)))
                g_error ("request %s was paid twice", uuid);
              n_paid++;
            }
          else if (g_str_equal (type, "received"))
            {
              const char *hash = json_object_get_string_member (r, "payment_hash");

              if (!g_hash_table_add (received, g_strdup (hash)))
                g_error ("invoice %s was credited twice", hash);
            }
        }
    }
  g_test_message ("%u payments made, %u invoices credited", n_paid,
                  g_hash_table_size (received));
  g_assert_cmpuint (n_paid, >, N_PAYMENTS / 4);
}

/* The requests a kill cut short, sent again with the same uuid: never paid twice. */
static void
replay_unfinished (Test *test)
{
  g_autoptr(GPtrArray) ops = g_steal_pointer (&test->unfinished);

  test->unfinished = g_ptr_array_new ();
  for (guint i = 0; i < ops->len; i++)
    {
      Op *op = g_ptr_array_index (ops, i);
      Sync sync = { 0 };
      g_autofree char *params = NULL;

      if (op->bolt11 == NULL)
        {
          op_free (op);
          continue;
        }
      params = g_strdup_printf ("{\"account\":\"acct-%u\",\"bolt11\":\"%s\","
                                "\"request_uuid\":\"%s\"}", op->payer, op->bolt11,
                                op->request_uuid);
      rpc (test, "pay", params, sync_cb, &sync);
      MS_TEST_WAIT_UNTIL (sync.done, WAIT_MS);
      g_assert_true (sync.result != NULL || sync.error != NULL);
      g_clear_pointer (&sync.result, json_object_unref);
      g_free (sync.error);
      test->replays++;
      test->finished++;
      op_free (op);
    }
}

static void
test_crash_during_payments (void)
{
  Test test = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *ledger_path = NULL;

  test.dir = g_dir_make_tmp ("ms-crash-XXXXXX", &error);
  g_assert_no_error (error);
  test.data_dir = g_build_filename (test.dir, "data", NULL);
  test.socket = g_build_filename (test.dir, "control.sock", NULL);
  test.log = g_build_filename (test.dir, "terminus.log", NULL);
  test.world_hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  test.world_paid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  test.unfinished = g_ptr_array_new ();

  child_start (&test);
  for (guint i = 0; i < N_ACCOUNTS; i++)
    {
      g_autofree char *params = g_strdup_printf ("{\"name\":\"acct-%u\",\"msat\":%" G_GINT64_FORMAT "}",
                                                 i, START_MSAT);
      g_autoptr(JsonObject) created = rpc_sync (&test, "create", params);
    }

  /* The world opens the same ledger file and follows every settlement in it. */
  ledger_path = g_build_filename (test.data_dir, "demo-ledger.sqlite", NULL);
  test.world = ms_demo_ledger_new (ledger_path, 0, &error);
  g_assert_no_error (error);
  g_signal_connect (test.world, "invoice-settled", G_CALLBACK (world_settled_cb), &test);
  ms_lightning_watch_settlements (MS_LIGHTNING (test.world), 0);

  while (test.started < N_PAYMENTS)
    {
      guint batch = g_test_rand_int_range (10, 40);
      guint delay_ms;

      test.kill_at = MIN (N_PAYMENTS, test.started + batch);
      next_ops (&test);

      /* Kill somewhere in the middle of the next batch, not between batches. */
      while (test.started < test.kill_at)
        {
          ms_test_run_for (1);
          next_ops (&test);
        }
      delay_ms = g_test_rand_int_range (0, 25);
      ms_test_run_for (delay_ms);
      child_kill (&test);

      /* Whatever was in flight is now unknown; let the callbacks see the drop. */
      MS_TEST_WAIT_UNTIL (test.in_flight == 0, WAIT_MS);

      child_start (&test);
      check_books (&test);
      replay_unfinished (&test);
      check_books (&test);
    }

  check_receipts (&test);
  g_test_message ("%u payments, %u kills, %u replayed, %" G_GUINT64_FORMAT " msat in, %"
                  G_GUINT64_FORMAT " msat out", test.started, test.kills, test.replays,
                  test.money_in, world_received (&test));
  g_assert_cmpuint (test.kills, >=, 5);

  g_subprocess_send_signal (test.child, SIGTERM);
  g_assert_true (g_subprocess_wait (test.child, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (test.child), ==, 0);
  g_clear_object (&test.child);

  ms_lightning_stop (MS_LIGHTNING (test.world));
  g_clear_object (&test.world);
  g_hash_table_unref (test.world_hashes);
  g_hash_table_unref (test.world_paid);
  g_ptr_array_unref (test.unfinished);
  g_free (test.data_dir);
  g_free (test.socket);
  g_free (test.log);
  ms_test_remove_tree (test.dir);
  g_free (test.dir);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/terminus-crash/sigkill-during-500-payments", test_crash_during_payments);

  return g_test_run ();
}
