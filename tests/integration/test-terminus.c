/* test-terminus.c: accounts, invoices and payments, over real sockets and a real SQLite file
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ms-terminus.h"
#include "test-node.h"
#include "test-util.h"

#define WAIT_MS 10000
#define BTC     G_GUINT64_CONSTANT (100000000000)

typedef struct
{
  char           *dir;
  TestNode       *node;
  MsAccountStore *store;
  MsSecretStore  *secrets;
  MsMatchmaker   *matchmaker;
  MsWsListener   *listener;
  MsLocation     *location;
  MsTerminus     *terminus;
} Fixture;

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

#define AWAIT(result) MS_TEST_WAIT_UNTIL ((result) != NULL, WAIT_MS)

static void
start_terminus (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (f->dir, "terminus.sqlite", NULL);
  g_autofree char *secrets = g_build_filename (f->dir, "secrets", NULL);

  f->store = ms_account_store_new (db);
  f->secrets = ms_secret_store_new_file (secrets, &error);
  g_assert_no_error (error);
  f->terminus = ms_terminus_new (MS_LIGHTNING (f->node), f->store, f->secrets);
  ms_terminus_set_listen_location (f->terminus, f->matchmaker, f->location);
  ms_terminus_set_reconnect_delays (f->terminus, 50, 200);
  ms_terminus_start_async (f->terminus, NULL, result_cb, &result);
  AWAIT (result);
  g_assert_true (ms_terminus_start_finish (f->terminus, result, &error));
  g_assert_no_error (error);
}

static void
stop_terminus (Fixture *f)
{
  ms_terminus_stop (f->terminus);
  g_clear_object (&f->terminus);
  g_clear_object (&f->store);
  g_clear_object (&f->secrets);
  ms_test_run_for (50);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("terminus-XXXXXX", &error);
  g_assert_no_error (error);
  f->node = test_node_new (10 * BTC);
  f->matchmaker = ms_matchmaker_new ();
  f->listener = ms_ws_listener_new ();
  g_assert_true (ms_ws_listener_listen (f->listener, "127.0.0.1", 0, &error));
  ms_matchmaker_attach_listener (f->matchmaker, f->listener);
  f->location = ms_location_new_websocket ("127.0.0.1", ms_ws_listener_get_port (f->listener),
                                           FALSE);
  start_terminus (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  stop_terminus (f);
  ms_ws_listener_stop (f->listener);
  ms_matchmaker_close_all (f->matchmaker);
  g_clear_object (&f->listener);
  g_clear_object (&f->matchmaker);
  g_clear_pointer (&f->location, ms_location_unref);
  g_clear_object (&f->node);
  ms_test_run_for (20);
  /* The data directory of each test is removed with its files. */
  {
    g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (f->dir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (f->dir);
  }
  g_free (f->dir);
}

static MsAccount *
create (Fixture    *f,
        const char *name,
        guint64     msat,
        guint64     cap)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MsAccount *account;

  ms_terminus_create_account_async (f->terminus, name, msat, cap, NULL, result_cb, &result);
  AWAIT (result);
  account = ms_terminus_create_account_finish (f->terminus, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_object_unref (account);  /* the terminus keeps it */
  return account;
}

static char *
pay (Fixture    *f,
     MsAccount  *account,
     const char *bolt11,
     const char *request_uuid,
     GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *uuid = request_uuid != NULL ? g_strdup (request_uuid) : ms_uuid_new ();

  ms_terminus_request_pay_async (f->terminus, account, bolt11, uuid, 0, NULL, result_cb, &result);
  AWAIT (result);
  return ms_terminus_request_pay_finish (f->terminus, result, error);
}

static char *
invoice (Fixture    *f,
         MsAccount  *account,
         guint64     msat,
         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *uuid = ms_uuid_new ();

  ms_terminus_request_invoice_async (f->terminus, account, msat, uuid, 0, NULL, result_cb,
                                     &result);
  AWAIT (result);
  return ms_terminus_request_invoice_finish (f->terminus, result, error);
}

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MsAccount *alice = create (f, "alice", 4 * BTC, 0);
  g_autoptr(MsAccount) none = NULL;

  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 4 * BTC);
  g_assert_cmpuint (strlen (ms_account_get_uuid (alice)), ==, 36);
  g_assert_true (ms_terminus_lookup_account (f->terminus, "alice") == alice);
  g_assert_true (ms_terminus_lookup_account (f->terminus, ms_account_get_uuid (alice)) == alice);
  g_assert_cmpuint (g_list_model_get_n_items (ms_terminus_get_accounts (f->terminus)), ==, 1);

  /* Carved out of what the node can spend: 6 BTC are left, 7 do not fit. */
  ms_terminus_create_account_async (f->terminus, "bob", 7 * BTC, 0, NULL, result_cb, &result);
  AWAIT (result);
  none = ms_terminus_create_account_finish (f->terminus, result, &error);
  g_assert_null (none);
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_INSUFFICIENT_FUNDS);
  g_clear_error (&error);
  g_clear_object (&result);

  ms_terminus_create_account_async (f->terminus, "alice", 1000, 0, NULL, result_cb, &result);
  AWAIT (result);
  g_assert_null (ms_terminus_create_account_finish (f->terminus, result, &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_clear_object (&result);

  /* An unreachable node: no account is created blind. */
  test_node_set_online (f->node, FALSE);
  ms_terminus_create_account_async (f->terminus, "carol", 1000, 0, NULL, result_cb, &result);
  AWAIT (result);
  g_assert_null (ms_terminus_create_account_finish (f->terminus, result, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
}

typedef struct
{
  guint    n_infos;
  guint64  msats;
  gboolean payer;
  gboolean payee;
  GPtrArray *paid;
} ConsumerLog;

static void
info_cb (MsConsumerStack *stack,
         MsProviderInfo  *info,
         ConsumerLog     *log)
{
  log->n_infos++;
  log->msats = ms_provider_info_get_msats (info);
  log->payer = ms_provider_info_get_payer (info);
  log->payee = ms_provider_info_get_payee (info);
}

static void
paid_cb (MsConsumerStack *stack,
         const char      *bolt11,
         const char      *preimage,
         ConsumerLog     *log)
{
  g_ptr_array_add (log->paid, g_strdup (bolt11));
}

static MsConsumerStack *
connect_consumer (Fixture     *f,
                  MsAccount   *account,
                  ConsumerLog *log)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBeacon) beacon = NULL;
  MsConsumerStack *consumer = ms_consumer_stack_new ();

  ms_terminus_listen_async (f->terminus, account, NULL, NULL, result_cb, &result);
  AWAIT (result);
  beacon = ms_terminus_listen_finish (f->terminus, result, &error);
  g_assert_no_error (error);

  log->paid = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (consumer, "provider-info", G_CALLBACK (info_cb), log);
  g_signal_connect (consumer, "invoice-paid", G_CALLBACK (paid_cb), log);
  g_assert_true (ms_stack_connect (MS_STACK (consumer), beacon, &error));
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (consumer)) == MS_STACK_STATE_READY, WAIT_MS);
  return consumer;
}

static void
disconnect_consumer (MsConsumerStack *consumer,
                     ConsumerLog     *log)
{
  g_signal_handlers_disconnect_by_data (consumer, log);
  ms_stack_disconnect (MS_STACK (consumer));
  g_object_unref (consumer);
  g_clear_pointer (&log->paid, g_ptr_array_unref);
}

/* A consumer asks for an invoice; someone pays it; the account and the consumer see it. */
static void
test_receive (Fixture       *f,
              gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 1000000, 0);
  ConsumerLog log = { 0 };
  g_autoptr(MsConsumerStack) consumer = connect_consumer (f, alice, &log);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  g_autoptr(MsBolt11) decoded = NULL;

  g_assert_cmpuint (log.msats, ==, 1000000);
  MS_TEST_WAIT_UNTIL (ms_account_get_n_connections (alice) == 1, WAIT_MS);

  ms_consumer_stack_request_invoice_async (consumer, 250000, NULL, result_cb, &result);
  AWAIT (result);
  bolt11 = ms_consumer_stack_request_invoice_finish (consumer, result, &error);
  g_assert_no_error (error);
  decoded = ms_bolt11_decode (bolt11, strlen (bolt11), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_bolt11_get_amount_msat (decoded), ==, 250000);

  g_assert_true (test_node_settle_externally (f->node, bolt11));
  MS_TEST_WAIT_UNTIL (log.paid->len == 1 && log.msats == 1250000, WAIT_MS);
  g_assert_cmpstr (g_ptr_array_index (log.paid, 0), ==, bolt11);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 1250000);

  /* The same settlement again changes nothing. */
  g_assert_false (test_node_settle_externally (f->node, bolt11));
  disconnect_consumer (g_steal_pointer (&consumer), &log);
}

static void
test_pay_external (Fixture       *f,
                   gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 1000000, 0);
  ConsumerLog log = { 0 };
  g_autoptr(MsConsumerStack) consumer = connect_consumer (f, alice, &log);
  g_autofree char *bolt11 = test_node_foreign_invoice (f->node, 100000, "bcrt", 3600);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *preimage = NULL;

  test_node_set_fee (f->node, 7);
  ms_consumer_stack_request_pay_async (consumer, bolt11, NULL, result_cb, &result);
  AWAIT (result);
  preimage = ms_consumer_stack_request_pay_finish (consumer, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (preimage), ==, 64);

  /* The amount and the real fee leave; the rest of the fee reserve comes back. */
  MS_TEST_WAIT_UNTIL (log.msats == 1000000 - 100000 - 7, WAIT_MS);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 1000000 - 100000 - 7);
  g_assert_cmpuint (ms_account_get_reserved_msat (alice), ==, 0);
  g_assert_cmpuint (test_node_get_n_payments (f->node), ==, 1);
  disconnect_consumer (g_steal_pointer (&consumer), &log);
}

/* Between two accounts of one terminus: no node payment, no fee. */
static void
test_pay_internal (Fixture       *f,
                   gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 1000000, 0);
  MsAccount *bob = create (f, "bob", 0, 0);
  ConsumerLog log = { 0 };
  g_autoptr(MsConsumerStack) bobs = connect_consumer (f, bob, &log);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  g_autofree char *preimage = NULL;
  g_autofree char *again = NULL;

  ms_consumer_stack_request_invoice_async (bobs, 300000, NULL, result_cb, &result);
  AWAIT (result);
  bolt11 = ms_consumer_stack_request_invoice_finish (bobs, result, &error);
  g_assert_no_error (error);

  test_node_set_fee (f->node, 1000);
  preimage = pay (f, alice, bolt11, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (preimage);

  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 700000);
  MS_TEST_WAIT_UNTIL (ms_account_get_balance_msat (bob) == 300000 && log.paid->len == 1 &&
                      log.msats == 300000, WAIT_MS);
  g_assert_cmpuint (test_node_get_n_payments (f->node), ==, 0);

  /* Paid once: paying it again is refused. */
  again = pay (f, alice, bolt11, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 700000);
  disconnect_consumer (g_steal_pointer (&bobs), &log);
}

static void
assert_refused (Fixture    *f,
                MsAccount  *account,
                const char *bolt11,
                const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *preimage = pay (f, account, bolt11, NULL, &error);

  g_assert_null (preimage);
  g_assert_nonnull (error);
  if (strstr (error->message, text) == NULL)
    g_error ("expected “%s”, got “%s”", text, error->message);
}

static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 100000, 0);
  MsAccount *capped = create (f, "capped", 4000, 5000);
  g_autofree char *amountless = test_node_foreign_invoice (f->node, 0, "bcrt", 3600);
  g_autofree char *mainnet = test_node_foreign_invoice (f->node, 1000, "bc", 3600);
  g_autofree char *expiring = test_node_foreign_invoice (f->node, 1000, "bcrt", 1);
  g_autofree char *too_big = test_node_foreign_invoice (f->node, 99000, "bcrt", 3600);
  g_autofree char *failing = test_node_foreign_invoice (f->node, 1000, "bcrt", 3600);
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;

  assert_refused (f, alice, amountless, "bolt11 does not specify amount");
  assert_refused (f, alice, mainnet, "invoice is for bitcoin but this node is on regtest");
  assert_refused (f, alice, "lnbc1garbage", "invalid invoice");
  /* 99000 + the 5000 msat minimum fee reserve > 100000. */
  assert_refused (f, alice, too_big, "insufficient account balance");

  ms_test_run_for (2100);
  assert_refused (f, alice, expiring, "invoice expired");

  /* A failed payment gives everything back. */
  test_node_set_pay_mode (f->node, TEST_NODE_PAY_FAIL);
  assert_refused (f, alice, failing, "no route");
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 100000);
  g_assert_cmpuint (ms_account_get_reserved_msat (alice), ==, 0);

  /* PROTOCOL.md 11.4: "account cap exceeded". */
  none = invoice (f, capped, 2000, &error);
  g_assert_null (none);
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "account cap exceeded");
}

/* A request uuid is paid once; the same invoice under another uuid is refused. */
static void
test_replay (Fixture       *f,
             gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 1000000, 0);
  g_autofree char *bolt11 = test_node_foreign_invoice (f->node, 10000, "bcrt", 3600);
  g_autofree char *uuid = ms_uuid_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  first = pay (f, alice, bolt11, uuid, &error);
  g_assert_no_error (error);
  second = pay (f, alice, bolt11, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpuint (test_node_get_n_payments (f->node), ==, 1);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 1000000 - 10000);

  third = pay (f, alice, bolt11, NULL, &error);
  g_assert_null (third);
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "duplicate payment_hash");
  g_assert_cmpuint (test_node_get_n_payments (f->node), ==, 1);
}

/* The answer is lost: the money stays held until the node says how it ended. */
static void
test_unknown_outcome (Fixture       *f,
                      gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 1000000, 0);
  g_autofree char *sent = test_node_foreign_invoice (f->node, 10000, "bcrt", 3600);
  g_autofree char *unsent = test_node_foreign_invoice (f->node, 20000, "bcrt", 3600);
  g_autoptr(GError) error = NULL;
  g_autofree char *preimage = NULL;
  g_autofree char *none = NULL;

  test_node_set_pay_mode (f->node, TEST_NODE_PAY_LOST);
  preimage = pay (f, alice, sent, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (preimage);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 1000000 - 10000);

  test_node_set_pay_mode (f->node, TEST_NODE_PAY_LOST_UNSENT);
  none = pay (f, alice, unsent, NULL, &error);
  g_assert_null (none);
  g_assert_nonnull (error);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 1000000 - 10000);
  g_assert_cmpuint (ms_account_get_reserved_msat (alice), ==, 0);
  g_assert_cmpuint (test_node_get_n_payments (f->node), ==, 1);
}

/* A payment cut short by a stop is settled by the next start, from the node's books. */
static void
test_restart_recovery (Fixture       *f,
                       gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 1000000, 0);
  g_autofree char *bolt11 = test_node_foreign_invoice (f->node, 10000, "bcrt", 3600);
  g_autofree char *uuid = ms_uuid_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *preimage = NULL;

  test_node_set_pay_mode (f->node, TEST_NODE_PAY_LOST);
  ms_terminus_request_pay_async (f->terminus, alice, bolt11, uuid, 0, NULL, result_cb, &result);
  MS_TEST_WAIT_UNTIL (test_node_get_n_payments (f->node) == 1 &&
                      ms_account_get_reserved_msat (alice) > 0, WAIT_MS);

  /* Stop before the node is asked (the first question waits a second). */
  stop_terminus (f);
  g_clear_object (&result);
  test_node_set_pay_mode (f->node, TEST_NODE_PAY_OK);
  start_terminus (f);

  alice = ms_terminus_lookup_account (f->terminus, "alice");
  MS_TEST_WAIT_UNTIL (ms_account_get_reserved_msat (alice) == 0, WAIT_MS);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 1000000 - 10000);

  /* Its request uuid answers with the preimage now, without paying again. */
  preimage = pay (f, alice, bolt11, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_node_get_n_payments (f->node), ==, 1);
}

/* Settlements made while the terminus was down are credited once at start. */
static void
test_settlement_resume (Fixture       *f,
                        gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 0, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *one = invoice (f, alice, 1000, &error);
  g_autofree char *two = invoice (f, alice, 2000, &error);

  g_assert_no_error (error);
  g_assert_true (test_node_settle_externally (f->node, one));
  MS_TEST_WAIT_UNTIL (ms_account_get_balance_msat (alice) == 1000, WAIT_MS);

  stop_terminus (f);
  g_assert_true (test_node_settle_externally (f->node, two));
  start_terminus (f);

  alice = ms_terminus_lookup_account (f->terminus, "alice");
  MS_TEST_WAIT_UNTIL (ms_account_get_balance_msat (alice) == 3000, WAIT_MS);
  ms_test_run_for (100);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 3000);
}

typedef struct
{
  guint ok;
  guint refused;
} Tally;

static void
tally_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *preimage = ms_terminus_request_pay_finish (MS_TERMINUS (source), result,
                                                              &error);

  if (preimage != NULL)
    tally->ok++;
  else
    {
      g_assert_cmpstr (error->message, ==, "insufficient account balance");
      tally->refused++;
    }
}

/*
 * 100 at once on a balance that covers 25: exactly 25 succeed. Each holds
 * 10000 + the 5000 msat minimum fee reserve while in flight, and the node
 * answers only after every request was looked at.
 */
static void
test_concurrency (Fixture       *f,
                  gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 375000, 0);
  Tally tally = { 0 };

  test_node_set_pay_delay (f->node, 3000);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *bolt11 = test_node_foreign_invoice (f->node, 10000, "bcrt", 3600);
      g_autofree char *uuid = ms_uuid_new ();

      ms_terminus_request_pay_async (f->terminus, alice, bolt11, uuid, 0, NULL, tally_cb, &tally);
    }

  MS_TEST_WAIT_UNTIL (tally.ok + tally.refused == 100, 30000);
  g_assert_cmpuint (tally.ok, ==, 25);
  g_assert_cmpuint (test_node_get_n_payments (f->node), ==, tally.ok);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 375000 - 10000 * tally.ok);
  g_assert_cmpuint (ms_account_get_reserved_msat (alice), ==, 0);
  /* Never more spent than the balance allowed. */
  g_assert_cmpuint (tally.ok * 10000, <=, 375000);
  g_test_message ("%u paid, %u refused", tally.ok, tally.refused);
}

static GPtrArray *
list_receipts (Fixture   *f,
               MsAccount *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *receipts;

  ms_account_store_list_receipts_async (ms_terminus_get_store (f->terminus),
                                        ms_account_get_id (account), 0, NULL, result_cb, &result);
  AWAIT (result);
  receipts = ms_account_store_list_receipts_finish (ms_terminus_get_store (f->terminus), result,
                                                    &error);
  g_assert_no_error (error);
  return receipts;
}

static void
test_receipts (Fixture       *f,
               gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 1000000, 0);
  g_autofree char *bolt11 = test_node_foreign_invoice (f->node, 10000, "bcrt", 3600);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autofree char *preimage = pay (f, alice, bolt11, NULL, &error);
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  MsReceipt *last;

  g_assert_no_error (error);
  receipts = list_receipts (f, alice);
  g_assert_cmpuint (receipts->len, ==, 3);
  g_assert_cmpstr (((MsReceipt *) g_ptr_array_index (receipts, 0))->type, ==, "created");
  g_assert_cmpstr (((MsReceipt *) g_ptr_array_index (receipts, 1))->type, ==, "pay_request");
  last = g_ptr_array_index (receipts, 2);
  g_assert_cmpstr (last->type, ==, "paid");
  g_assert_cmpstr (last->preimage, ==, preimage);
  g_assert_cmpuint (last->balance_msat, ==, 1000000 - 10000);

  csv = ms_receipts_to_csv (receipts);
  g_assert_true (g_str_has_prefix (csv, "time,session,type,request_uuid,amount_msat,"));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
}

static gboolean
update (Fixture                *f,
        MsAccount              *account,
        const MsAccountChanges *changes,
        GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ms_terminus_update_account_async (f->terminus, account, changes, NULL, result_cb, &result);
  AWAIT (result);
  return ms_terminus_update_account_finish (f->terminus, result, error);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static GPtrArray *
changed_receipts (Fixture   *f,
                  MsAccount *account)
{
  g_autoptr(GPtrArray) receipts = list_receipts (f, account);
  GPtrArray *changed = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < receipts->len; i++)
    {
      MsReceipt *receipt = g_ptr_array_index (receipts, i);

      if (g_str_equal (receipt->type, "changed"))
        g_ptr_array_add (changed, g_strdup (receipt->detail));
    }
  return changed;
}

/* `set`: what an account may do changes at once for its apps, and survives a restart. */
static void
test_set (Fixture       *f,
          gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 1000000, 0);
  MsAccount *bob = create (f, "bob", 0, 0);
  ConsumerLog log = { 0 };
  g_autoptr(MsConsumerStack) consumer = connect_consumer (f, alice, &log);
  g_autofree char *bolt11 = test_node_foreign_invoice (f->node, 10000, "bcrt", 3600);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autofree char *preimage = NULL;
  g_autofree char *bolt11_in = NULL;
  g_autofree char *refused = NULL;
  MsAccountChanges changes = { 0, };
  guint n_name = 0;
  guint n_may_pay = 0;
  guint n_infos;

  g_signal_connect (alice, "notify::name", G_CALLBACK (count_notify_cb), &n_name);
  g_signal_connect (alice, "notify::may-pay", G_CALLBACK (count_notify_cb), &n_may_pay);
  g_assert_true (log.payer);
  g_assert_true (log.payee);

  /* Paying off: the app hears payer false at once, and a payment is refused. */
  changes.what = MS_ACCOUNT_CHANGE_MAY_PAY;
  changes.may_pay = FALSE;
  g_assert_true (update (f, alice, &changes, &error));
  g_assert_no_error (error);
  g_assert_false (ms_account_get_may_pay (alice));
  g_assert_cmpuint (n_may_pay, ==, 1);
  MS_TEST_WAIT_UNTIL (!log.payer, WAIT_MS);
  g_assert_true (log.payee);

  ms_consumer_stack_request_pay_async (consumer, bolt11, NULL, result_cb, &result);
  AWAIT (result);
  preimage = ms_consumer_stack_request_pay_finish (consumer, result, &error);
  g_assert_null (preimage);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "send not authorized"));
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpuint (test_node_get_n_payments (f->node), ==, 0);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 1000000);

  /* Receiving off, with a cap: no invoice; on again, the cap holds. */
  changes.what = MS_ACCOUNT_CHANGE_MAY_RECEIVE | MS_ACCOUNT_CHANGE_CAP;
  changes.may_receive = FALSE;
  changes.cap_msat = 1005000;
  g_assert_true (update (f, alice, &changes, &error));
  MS_TEST_WAIT_UNTIL (!log.payee, WAIT_MS);
  g_assert_cmpuint (ms_account_get_cap_msat (alice), ==, 1005000);
  refused = invoice (f, alice, 1000, &error);
  g_assert_null (refused);
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "receive not authorized");
  g_clear_error (&error);

  changes.what = MS_ACCOUNT_CHANGE_MAY_RECEIVE;
  changes.may_receive = TRUE;
  g_assert_true (update (f, alice, &changes, &error));
  MS_TEST_WAIT_UNTIL (log.payee, WAIT_MS);
  bolt11_in = invoice (f, alice, 5000, &error);
  g_assert_no_error (error);
  refused = invoice (f, alice, 1, &error);
  g_assert_null (refused);
  g_assert_cmpstr (error->message, ==, "account cap exceeded");
  g_clear_error (&error);

  /* A rename: found by the new name only; names and uuids stay unique. */
  changes.what = MS_ACCOUNT_CHANGE_NAME;
  changes.name = "alice-shop";
  g_assert_true (update (f, alice, &changes, &error));
  g_assert_cmpstr (ms_account_get_name (alice), ==, "alice-shop");
  g_assert_cmpuint (n_name, ==, 1);
  g_assert_true (ms_terminus_lookup_account (f->terminus, "alice-shop") == alice);
  g_assert_null (ms_terminus_lookup_account (f->terminus, "alice"));

  changes.name = "bob";
  g_assert_false (update (f, alice, &changes, &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  changes.name = ms_account_get_uuid (bob);
  g_assert_false (update (f, alice, &changes, &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  changes.name = "";
  g_assert_false (update (f, alice, &changes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpstr (ms_account_get_name (alice), ==, "alice-shop");
  g_assert_cmpuint (n_name, ==, 1);

  /* Setting what is already so changes nothing and tells nobody. */
  n_infos = log.n_infos;
  changes.what = MS_ACCOUNT_CHANGE_NAME | MS_ACCOUNT_CHANGE_MAY_PAY;
  changes.name = "alice-shop";
  changes.may_pay = FALSE;
  g_assert_true (update (f, alice, &changes, &error));
  ms_test_run_for (100);
  g_assert_cmpuint (log.n_infos, ==, n_infos);
  g_assert_cmpuint (n_name, ==, 1);
  g_assert_cmpuint (n_may_pay, ==, 1);

  /* One receipt per change that was one, saying what changed. */
  changed = changed_receipts (f, alice);
  g_assert_cmpuint (changed->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (changed, 0), ==, "may pay yes → no");
  g_assert_cmpstr (g_ptr_array_index (changed, 1), ==,
                   "cap none → 1005000 msat; may receive yes → no");
  g_assert_cmpstr (g_ptr_array_index (changed, 2), ==, "may receive no → yes");
  g_assert_cmpstr (g_ptr_array_index (changed, 3), ==, "name “alice” → “alice-shop”");

  g_signal_handlers_disconnect_by_data (alice, &n_name);
  g_signal_handlers_disconnect_by_data (alice, &n_may_pay);
  disconnect_consumer (g_steal_pointer (&consumer), &log);

  /* All of it is in the store. */
  stop_terminus (f);
  start_terminus (f);
  alice = ms_terminus_lookup_account (f->terminus, "alice-shop");
  g_assert_nonnull (alice);
  g_assert_false (ms_account_get_may_pay (alice));
  g_assert_true (ms_account_get_may_receive (alice));
  g_assert_cmpuint (ms_account_get_cap_msat (alice), ==, 1005000);
  g_assert_cmpuint (ms_account_get_balance_msat (alice), ==, 1000000);
}

static void
test_over_allocated (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsTerminusInfo) info = NULL;

  create (f, "alice", 6 * BTC, 0);

  /* The node spent outside the terminus: its accounts now hold more than it can spend. */
  test_node_set_spendable (f->node, 5 * BTC);
  g_test_expect_message ("Moneysocket-Terminus", G_LOG_LEVEL_WARNING, "*can spend only*");
  ms_terminus_get_info_async (f->terminus, NULL, result_cb, &result);
  AWAIT (result);
  g_test_assert_expected_messages ();
  info = ms_terminus_get_info_finish (f->terminus, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->allocated_msat, ==, 6 * BTC);
  g_assert_cmpuint (info->over_allocated_msat, ==, BTC);
  g_assert_cmpuint (info->n_accounts, ==, 1);
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 10 * BTC, 0);
  ConsumerLog log = { 0 };
  g_autoptr(MsConsumerStack) consumer = connect_consumer (f, alice, &log);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ms_terminus_remove_account_async (f->terminus, alice, NULL, result_cb, &result);
  AWAIT (result);
  g_assert_false (ms_terminus_remove_account_finish (f->terminus, result, &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_clear_object (&result);

  ms_terminus_clear_async (f->terminus, alice, NULL, result_cb, &result);
  AWAIT (result);
  g_assert_true (ms_terminus_clear_finish (f->terminus, result, &error));
  g_clear_object (&result);
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (consumer)) != MS_STACK_STATE_READY, WAIT_MS);

  ms_terminus_remove_account_async (f->terminus, alice, NULL, result_cb, &result);
  AWAIT (result);
  g_assert_true (ms_terminus_remove_account_finish (f->terminus, result, &error));
  g_assert_no_error (error);
  g_assert_null (ms_terminus_lookup_account (f->terminus, "alice"));

  /* Its balance went back to the node: the whole 10 BTC can be allocated again. */
  create (f, "alice", 10 * BTC, 0);
  disconnect_consumer (g_steal_pointer (&consumer), &log);
}

/* A listen beacon keeps working across a restart (its seed is in the secret store). */
static void
test_beacons_restored (Fixture       *f,
                       gconstpointer  data)
{
  MsAccount *alice = create (f, "alice", 5000, 0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBeacon) beacon = NULL;
  g_autoptr(MsConsumerStack) consumer = ms_consumer_stack_new ();
  g_autofree char *secrets_path = g_build_filename (f->dir, "secrets", NULL);
  g_autofree char *db_path = g_build_filename (f->dir, "terminus.sqlite", NULL);
  g_autofree char *seed_hex = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *db = NULL;
  gsize db_len = 0;

  ms_terminus_listen_async (f->terminus, alice, NULL, NULL, result_cb, &result);
  AWAIT (result);
  beacon = ms_terminus_listen_finish (f->terminus, result, &error);
  g_assert_no_error (error);

  stop_terminus (f);
  start_terminus (f);
  alice = ms_terminus_lookup_account (f->terminus, "alice");
  g_assert_cmpuint (ms_account_get_n_beacons (alice, MS_BEACON_KIND_LISTEN), ==, 1);

  ms_stack_set_reconnect_delays (MS_STACK (consumer), 50, 200);
  g_assert_true (ms_stack_connect (MS_STACK (consumer), beacon, &error));
  MS_TEST_WAIT_UNTIL (ms_stack_get_state (MS_STACK (consumer)) == MS_STACK_STATE_READY, WAIT_MS);
  g_assert_cmpuint (ms_provider_info_get_msats (ms_consumer_stack_get_provider_info (consumer)),
                    ==, 5000);
  ms_stack_disconnect (MS_STACK (consumer));

  /* The seed is in the 0600 secrets file, and nowhere in the database. */
  seed_hex = ms_shared_seed_to_hex (ms_beacon_get_shared_seed (beacon));
  g_assert_true (ms_secret_file_check (secrets_path, &error));
  g_assert_true (g_file_get_contents (db_path, &db, &db_len, NULL));
  g_assert_null (g_strstr_len (db, db_len, seed_hex));
  g_assert_true (g_file_get_contents (secrets_path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "beacons:"));
}

static void
test_secret_file_mode (void)
{
  g_autofree char *dir = g_dir_make_tmp ("secrets-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "secrets", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSecretStore) store = NULL;

  g_assert_true (g_file_set_contents (path, "[secrets]\n", -1, NULL));
  g_chmod (path, 0644);
  store = ms_secret_store_new_file (path, &error);
  g_assert_null (store);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);

  g_chmod (path, 0600);
  store = ms_secret_store_new_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_unlink (path);
  g_rmdir (dir);
}

#define ADD(name, func) \
  g_test_add ("/terminus/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  ADD ("create", test_create);
  ADD ("receive", test_receive);
  ADD ("pay-external", test_pay_external);
  ADD ("pay-internal", test_pay_internal);
  ADD ("refusals", test_refusals);
  ADD ("replay", test_replay);
  ADD ("unknown-outcome", test_unknown_outcome);
  ADD ("restart-recovery", test_restart_recovery);
  ADD ("settlement-resume", test_settlement_resume);
  ADD ("concurrency", test_concurrency);
  ADD ("receipts", test_receipts);
  ADD ("over-allocated", test_over_allocated);
  ADD ("remove", test_remove);
  ADD ("set", test_set);
  ADD ("beacons-restored", test_beacons_restored);
  g_test_add_func ("/terminus/secret-file-mode", test_secret_file_mode);

  return g_test_run ();
}
