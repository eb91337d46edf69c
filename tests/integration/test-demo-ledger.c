/* test-demo-ledger.c: the embedded demo ledger, through MsLightning and its SQLite file
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "moneysocket.h"
#include "ms-demo-ledger.h"
#include "test-util.h"

#define WAIT_MS         5000
#define START_MSAT      G_GUINT64_CONSTANT (5000000000)
#define FOREIGN_MESSAGE \
  "the demo ledger holds no real funds and can only pay invoices it issued itself"
/* The BOLT #11 examples' signing key: a node that is not the ledger. */
#define SPEC_PRIVKEY    "e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734"

/* What one ledger object emitted. */
typedef struct
{
  GPtrArray *settlements;
  GPtrArray *events;
  guint      n_online;
  guint      n_offline;
  guint      stop_after;
} Watcher;

typedef struct
{
  char         *dir;
  char         *path;
  MsDemoLedger *ledger;
  Watcher       watcher;
} Fixture;

/* ---- helpers --------------------------------------------------------- */

static void
watcher_init (Watcher *w)
{
  w->settlements = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_ln_settlement_free);
  w->events = g_ptr_array_new_with_free_func (g_free);
}

static void
watcher_clear (Watcher *w)
{
  g_clear_pointer (&w->settlements, g_ptr_array_unref);
  g_clear_pointer (&w->events, g_ptr_array_unref);
}

static void
settled_cb (MsLightning    *ledger,
            MsLnSettlement *settlement,
            Watcher        *w)
{
  g_ptr_array_add (w->settlements, ms_ln_settlement_copy (settlement));
  g_ptr_array_add (w->events, g_strdup_printf ("settled %" G_GUINT64_FORMAT,
                                               settlement->settle_index));

  /* A handler may stop watching in the middle of a replay. */
  if (w->stop_after != 0 && w->settlements->len == w->stop_after)
    ms_lightning_stop (ledger);
}

static void
connection_changed_cb (MsLightning *ledger,
                       gboolean     online,
                       const char  *message,
                       Watcher     *w)
{
  if (online)
    {
      g_assert_null (message);
      w->n_online++;
    }
  else
    {
      w->n_offline++;
    }
  g_ptr_array_add (w->events, g_strdup (online ? "online" : "offline"));
}

static MsDemoLedger *
open_watched (const char *path,
              guint64     starting_balance_msat,
              Watcher    *w)
{
  g_autoptr(GError) error = NULL;
  MsDemoLedger *ledger = ms_demo_ledger_new (path, starting_balance_msat, &error);

  g_assert_no_error (error);
  g_assert_true (MS_IS_LIGHTNING (ledger));
  g_signal_connect (ledger, "invoice-settled", G_CALLBACK (settled_cb), w);
  g_signal_connect (ledger, "connection-changed", G_CALLBACK (connection_changed_cb), w);
  return ledger;
}

static void
close_watched (MsDemoLedger **ledger,
               Watcher       *w)
{
  g_signal_handlers_disconnect_by_data (*ledger, w);
  ms_lightning_stop (MS_LIGHTNING (*ledger));
  g_assert_finalize_object (g_steal_pointer (ledger));
}

static void
reopen (Fixture *f,
        guint64  starting_balance_msat)
{
  close_watched (&f->ledger, &f->watcher);
  watcher_clear (&f->watcher);
  watcher_init (&f->watcher);
  f->ledger = open_watched (f->path, starting_balance_msat, &f->watcher);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ms-demo-ledger-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "ledger.sqlite", NULL);
  watcher_init (&f->watcher);
  f->ledger = open_watched (f->path, START_MSAT, &f->watcher);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->ledger != NULL)
    close_watched (&f->ledger, &f->watcher);
  watcher_clear (&f->watcher);
  remove_dir (f->dir);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->dir, g_free);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

/* Every call completes from the main loop, never before it returns. */
#define WAIT_RESULT(result)                 \
  G_STMT_START {                            \
    g_assert_null (result);                 \
    MS_TEST_WAIT_UNTIL ((result) != NULL, WAIT_MS); \
  } G_STMT_END

static MsLnNodeInfo *
get_info (MsDemoLedger *ledger)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MsLnNodeInfo *info;

  ms_lightning_get_info_async (MS_LIGHTNING (ledger), NULL, store_result_cb, &result);
  WAIT_RESULT (result);
  info = ms_lightning_get_info_finish (MS_LIGHTNING (ledger), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static guint64
get_balance (MsDemoLedger *ledger)
{
  g_autoptr(MsLnNodeInfo) info = get_info (ledger);

  return info->spendable_msat;
}

static MsLnInvoice *
create_invoice_full (MsDemoLedger  *ledger,
                     guint64        amount_msat,
                     const char    *description,
                     guint          expiry_s,
                     const guint8  *preimage,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ms_lightning_create_invoice_async (MS_LIGHTNING (ledger), amount_msat, description, expiry_s,
                                     preimage, cancellable, store_result_cb, &result);
  WAIT_RESULT (result);
  return ms_lightning_create_invoice_finish (MS_LIGHTNING (ledger), result, error);
}

static MsLnInvoice *
create_invoice (MsDemoLedger *ledger,
                guint64       amount_msat,
                const char   *description,
                guint         expiry_s,
                const guint8 *preimage)
{
  g_autoptr(GError) error = NULL;
  MsLnInvoice *invoice = create_invoice_full (ledger, amount_msat, description, expiry_s,
                                              preimage, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (invoice);
  return invoice;
}

static MsLnPayment *
pay_full (MsDemoLedger  *ledger,
          const char    *bolt11,
          guint64        amount_msat,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ms_lightning_pay_async (MS_LIGHTNING (ledger), bolt11, amount_msat, 1000, cancellable,
                          store_result_cb, &result);
  WAIT_RESULT (result);
  return ms_lightning_pay_finish (MS_LIGHTNING (ledger), result, error);
}

static MsLnPayment *
pay (MsDemoLedger *ledger,
     const char   *bolt11,
     guint64       amount_msat)
{
  g_autoptr(GError) error = NULL;
  MsLnPayment *payment = pay_full (ledger, bolt11, amount_msat, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (payment);
  g_assert_cmpint (payment->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  return payment;
}

/* Pays and expects MS_LIGHTNING_ERROR_REFUSED with @message (NULL: any). */
static void
pay_refused (MsDemoLedger *ledger,
             const char   *bolt11,
             guint64       amount_msat,
             const char   *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsLnPayment) payment = pay_full (ledger, bolt11, amount_msat, NULL, &error);

  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static MsLnPayment *
lookup (MsDemoLedger *ledger,
        const guint8 *payment_hash)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MsLnPayment *payment;

  ms_lightning_lookup_payment_async (MS_LIGHTNING (ledger), payment_hash, NULL, store_result_cb,
                                     &result);
  WAIT_RESULT (result);
  payment = ms_lightning_lookup_payment_finish (MS_LIGHTNING (ledger), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (payment);
  g_assert_cmpmem (payment->payment_hash, MS_LN_HASH_LEN, payment_hash, MS_LN_HASH_LEN);
  return payment;
}

static gboolean
cancel (MsDemoLedger  *ledger,
        const guint8  *payment_hash,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ms_lightning_cancel_invoice_async (MS_LIGHTNING (ledger), payment_hash, NULL, store_result_cb,
                                     &result);
  WAIT_RESULT (result);
  return ms_lightning_cancel_invoice_finish (MS_LIGHTNING (ledger), result, error);
}

static void
pay_externally_refused (MsDemoLedger *ledger,
                        const guint8 *payment_hash,
                        const char   *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ms_demo_ledger_pay_invoice_externally (ledger, payment_hash, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
pay_externally (MsDemoLedger *ledger,
                const guint8 *payment_hash)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ms_demo_ledger_pay_invoice_externally (ledger, payment_hash, &error));
  g_assert_no_error (error);
}

static void
fill_preimage (guint8 preimage[MS_LN_HASH_LEN],
               guint8 seed)
{
  for (guint i = 0; i < MS_LN_HASH_LEN; i++)
    preimage[i] = seed + i * 7;
}

static MsBolt11 *
decode (const char *bolt11)
{
  g_autoptr(GError) error = NULL;
  MsBolt11 *b11 = ms_bolt11_decode (bolt11, strlen (bolt11), MS_BOLT11_DECODE_NONE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (b11);
  return b11;
}

static char *
label_for (const guint8 *payment_hash)
{
  g_autofree char *hex = ms_hex_encode (payment_hash, MS_LN_HASH_LEN);

  return g_strconcat ("moneysocket-", hex, NULL);
}

static void
watch (Fixture *f,
       guint64  after_index)
{
  ms_lightning_watch_settlements (MS_LIGHTNING (f->ledger), after_index);
}

static MsLnSettlement *
settlement_at (Watcher *w,
               guint    index)
{
  g_assert_cmpuint (index, <, w->settlements->len);
  return g_ptr_array_index (w->settlements, index);
}

static void
assert_settlement (MsLnSettlement *settlement,
                   guint64         settle_index,
                   const guint8   *payment_hash,
                   const guint8   *preimage,
                   guint64         amount_msat)
{
  g_autofree char *label = label_for (payment_hash);
  guint8 hash[MS_SHA256_LEN];

  g_assert_cmpuint (settlement->settle_index, ==, settle_index);
  g_assert_cmpmem (settlement->payment_hash, MS_LN_HASH_LEN, payment_hash, MS_LN_HASH_LEN);
  if (preimage != NULL)
    g_assert_cmpmem (settlement->preimage, MS_LN_HASH_LEN, preimage, MS_LN_HASH_LEN);
  ms_sha256 (settlement->preimage, MS_LN_HASH_LEN, hash);
  g_assert_cmpmem (hash, sizeof hash, payment_hash, MS_LN_HASH_LEN);
  g_assert_cmpuint (settlement->amount_received_msat, ==, amount_msat);
  g_assert_cmpstr (settlement->label, ==, label);
}

static void
assert_same_payment (const MsLnPayment *payment,
                     const MsLnPayment *expected)
{
  g_assert_cmpint (payment->status, ==, expected->status);
  g_assert_cmpmem (payment->payment_hash, MS_LN_HASH_LEN, expected->payment_hash, MS_LN_HASH_LEN);
  g_assert_cmpmem (payment->preimage, MS_LN_HASH_LEN, expected->preimage, MS_LN_HASH_LEN);
  g_assert_cmpuint (payment->amount_msat, ==, expected->amount_msat);
  g_assert_cmpuint (payment->fee_msat, ==, expected->fee_msat);
}

/* ---- direct looks at the file ---------------------------------------- */

static sqlite3 *
db_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                   ==, SQLITE_OK);
  sqlite3_busy_timeout (db, WAIT_MS);
  return db;
}

static char *
db_query (const char *path,
          const char *sql)
{
  sqlite3 *db = db_open (path);
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  return text;
}

static gint64
db_query_int (const char *path,
              const char *sql)
{
  g_autofree char *text = db_query (path, sql);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

static void
db_exec (const char *path,
         const char *sql)
{
  sqlite3 *db = db_open (path);

  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static char *
invoice_state (const char   *path,
               const guint8 *payment_hash)
{
  g_autofree char *hex = ms_hex_encode (payment_hash, MS_LN_HASH_LEN);
  g_autofree char *sql = g_strdup_printf ("SELECT state FROM invoices WHERE payment_hash = "
                                          "x'%s'", hex);

  return db_query (path, sql);
}

/* ---- get_info --------------------------------------------------------- */

static void
test_info (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(MsLnNodeInfo) info = get_info (f->ledger);
  const char *node_id = ms_demo_ledger_get_node_id (f->ledger);

  g_assert_cmpstr (info->alias, ==, "Demo ledger (no real funds)");
  g_assert_cmpstr (info->node_id, ==, node_id);
  g_assert_cmpuint (strlen (node_id), ==, 66);
  g_assert_true (ms_hex_is_valid (node_id, 66));
  g_assert_true (g_str_has_prefix (node_id, "02") || g_str_has_prefix (node_id, "03"));
  g_assert_cmpstr (info->network, ==, "regtest");
  g_assert_true (info->is_demo);
  g_assert_cmpuint (info->spendable_msat, ==, START_MSAT);
  g_assert_cmpuint (info->receivable_msat, ==, G_GUINT64_CONSTANT (1) << 40);
  g_assert_cmpuint (info->block_height, ==, 0);
  g_assert_cmpstr (info->version, ==, "moneysocket demo ledger " PACKAGE_VERSION);
  g_assert_cmpstr (ms_demo_ledger_get_path (f->ledger), ==, f->path);
}

/* Each file has its own key; the starting balance only applies to a new file. */
static void
test_default_balance (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->dir, "other.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDemoLedger) ledger = NULL;
  g_autoptr(MsLnNodeInfo) info = NULL;

  ledger = ms_demo_ledger_new (other, MS_DEMO_LEDGER_DEFAULT_BALANCE_MSAT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (get_balance (ledger), ==, G_GUINT64_CONSTANT (100000000000));
  g_assert_cmpstr (ms_demo_ledger_get_node_id (ledger), !=,
                   ms_demo_ledger_get_node_id (f->ledger));
  g_assert_finalize_object (g_steal_pointer (&ledger));

  ledger = ms_demo_ledger_new (other, 42, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (get_balance (ledger), ==, G_GUINT64_CONSTANT (100000000000));
  g_assert_finalize_object (g_steal_pointer (&ledger));

  reopen (f, 0);
  g_assert_cmpuint (get_balance (f->ledger), ==, START_MSAT);
}

/* ---- create_invoice -------------------------------------------------- */

static void
test_invoice_fields (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsBolt11) b11 = NULL;
  g_autoptr(MsMessage) message = NULL;
  g_autoptr(MsMessage) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const char *description = "two coffees \xe2\x98\x95 and a croissant";
  guint8 preimage[MS_LN_HASH_LEN];
  guint8 hash[MS_SHA256_LEN];
  const guint8 *secret;
  gint64 before, after;

  fill_preimage (preimage, 3);
  ms_sha256 (preimage, sizeof preimage, hash);

  before = g_get_real_time () / G_USEC_PER_SEC;
  invoice = create_invoice (f->ledger, 123456, description, 600, preimage);
  after = g_get_real_time () / G_USEC_PER_SEC;

  /* BOLT #11: the signature verifies and recovers the ledger's key. */
  g_assert_true (g_str_has_prefix (invoice->bolt11, "lnbcrt"));
  b11 = decode (invoice->bolt11);
  g_assert_true (ms_bolt11_get_signature_valid (b11));
  g_assert_cmpstr (ms_bolt11_get_payee_hex (b11), ==, ms_demo_ledger_get_node_id (f->ledger));
  g_assert_cmpstr (ms_bolt11_get_currency (b11), ==, "bcrt");
  g_assert_cmpstr (ms_bolt11_get_network (b11), ==, "regtest");
  g_assert_true (ms_bolt11_has_amount (b11));
  g_assert_cmpuint (ms_bolt11_get_amount_msat (b11), ==, 123456);
  g_assert_cmpstr (ms_bolt11_get_description (b11), ==, description);
  g_assert_cmpmem (ms_bolt11_get_payment_hash (b11), 32, hash, sizeof hash);
  g_assert_cmpmem (invoice->payment_hash, MS_LN_HASH_LEN, hash, sizeof hash);
  g_assert_cmpuint (ms_bolt11_get_expiry (b11), ==, 600);
  g_assert_cmpint (ms_bolt11_get_created_at (b11), >=, before);
  g_assert_cmpint (ms_bolt11_get_created_at (b11), <=, after);
  g_assert_cmpint (ms_bolt11_get_expires_at (b11), ==, ms_bolt11_get_created_at (b11) + 600);
  g_assert_cmpint (invoice->expires_at, ==, ms_bolt11_get_expires_at (b11));
  g_assert_cmpuint (ms_bolt11_get_min_final_cltv_expiry (b11), ==, 18);
  g_assert_true (ms_bolt11_has_feature (b11, MS_BOLT11_FEATURE_PAYMENT_SECRET));
  secret = ms_bolt11_get_payment_secret (b11);
  g_assert_nonnull (secret);
  g_assert_false (secret[0] == 0 && memcmp (secret, secret + 1, 31) == 0);
  g_assert_false (ms_bolt11_is_expired (b11, after));

  /* PROTOCOL.md 7.1: the v0 validators take it ("lnbc" prefix). */
  message = ms_message_new_notify_invoice (NULL, invoice->bolt11);
  json = ms_message_to_json (message);
  parsed = ms_message_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_message_get_bolt11 (parsed), ==, invoice->bolt11);

  g_assert_cmpint (db_query_int (f->path, "SELECT count(*) FROM invoices WHERE state = 'unpaid'"),
                   ==, 1);
}

/* No preimage: a fresh one each time; no description, no expiry: "" and 3600. */
static void
test_invoice_defaults (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MsLnInvoice) first = create_invoice (f->ledger, 1000, NULL, 0, NULL);
  g_autoptr(MsLnInvoice) second = create_invoice (f->ledger, 1000, NULL, 0, NULL);
  g_autoptr(MsBolt11) b1 = decode (first->bolt11);
  g_autoptr(MsBolt11) b2 = decode (second->bolt11);
  g_autoptr(MsLnPayment) payment = NULL;
  guint8 hash[MS_SHA256_LEN];

  g_assert_cmpmem (first->payment_hash, 32, ms_bolt11_get_payment_hash (b1), 32);
  g_assert_false (memcmp (first->payment_hash, second->payment_hash, MS_LN_HASH_LEN) == 0);
  g_assert_false (memcmp (ms_bolt11_get_payment_secret (b1), ms_bolt11_get_payment_secret (b2),
                          32) == 0);
  g_assert_cmpstr (ms_bolt11_get_description (b1), ==, "");
  g_assert_cmpuint (ms_bolt11_get_expiry (b1), ==, 3600);
  g_assert_cmpint (first->expires_at, ==, ms_bolt11_get_created_at (b1) + 3600);

  /* The preimage the ledger chose is the one its hash commits to. */
  payment = pay (f->ledger, first->bolt11, 0);
  ms_sha256 (payment->preimage, MS_LN_HASH_LEN, hash);
  g_assert_cmpmem (hash, sizeof hash, first->payment_hash, MS_LN_HASH_LEN);
}

static void
test_invoice_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsLnInvoice) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_description = g_strnfill (700, 'x');
  guint8 preimage[MS_LN_HASH_LEN];

  fill_preimage (preimage, 9);
  invoice = create_invoice (f->ledger, 5000, "first", 0, preimage);

  /* Labels are unique per node: a preimage is used once. */
  refused = create_invoice_full (f->ledger, 6000, "again", 0, preimage, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_true (strstr (error->message, "already exists") != NULL);
  g_clear_error (&error);

  refused = create_invoice_full (f->ledger, 5000, long_description, 0, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_true (strstr (error->message, "description") != NULL);
  g_clear_error (&error);

  refused = create_invoice_full (f->ledger, 5000, "bad \xff utf-8", 0, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_clear_error (&error);

  refused = create_invoice_full (f->ledger, G_MAXUINT64, "huge", 0, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_clear_error (&error);

  g_assert_cmpint (db_query_int (f->path, "SELECT count(*) FROM invoices"), ==, 1);
}

/* ---- pay --------------------------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
  Watcher      *watcher;
} OrderedCall;

static void
ordered_result_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  OrderedCall *call = user_data;

  call->result = g_object_ref (result);
  g_ptr_array_add (call->watcher->events, g_strdup ("paid"));
}

static void
test_pay_own (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) found = NULL;
  g_autoptr(GError) error = NULL;
  OrderedCall call = { NULL, &f->watcher };
  guint8 preimage[MS_LN_HASH_LEN];

  watch (f, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.n_online == 1, WAIT_MS);

  fill_preimage (preimage, 40);
  invoice = create_invoice (f->ledger, 250000, "pay me", 0, preimage);

  ms_lightning_pay_async (MS_LIGHTNING (f->ledger), invoice->bolt11, 0, 0, NULL,
                          ordered_result_cb, &call);
  g_assert_null (call.result);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 1, WAIT_MS);
  payment = ms_lightning_pay_finish (MS_LIGHTNING (f->ledger), call.result, &error);
  g_clear_object (&call.result);
  g_assert_no_error (error);

  g_assert_cmpint (payment->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpmem (payment->payment_hash, 32, invoice->payment_hash, 32);
  g_assert_cmpmem (payment->preimage, 32, preimage, 32);
  g_assert_cmpuint (payment->amount_msat, ==, 250000);
  g_assert_cmpuint (payment->fee_msat, ==, 0);

  /* The result first, then the settlement, from an idle. */
  g_assert_cmpuint (f->watcher.events->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (f->watcher.events, 0), ==, "online");
  g_assert_cmpstr (g_ptr_array_index (f->watcher.events, 1), ==, "paid");
  g_assert_cmpstr (g_ptr_array_index (f->watcher.events, 2), ==, "settled 1");
  assert_settlement (settlement_at (&f->watcher, 0), 1, invoice->payment_hash, preimage, 250000);

  /* From itself to itself. */
  g_assert_cmpuint (get_balance (f->ledger), ==, START_MSAT);

  found = lookup (f->ledger, invoice->payment_hash);
  g_assert_cmpint (found->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpmem (found->preimage, 32, preimage, 32);
  g_assert_cmpuint (found->amount_msat, ==, 250000);
  g_assert_cmpuint (found->fee_msat, ==, 0);

  ms_test_run_for (100);
  g_assert_cmpuint (f->watcher.settlements->len, ==, 1);
  g_assert_cmpuint (f->watcher.n_online, ==, 1);
  g_assert_cmpuint (f->watcher.n_offline, ==, 0);
  g_assert_cmpint (db_query_int (f->path, "SELECT count(*) FROM payments"), ==, 1);
}

/* Paying an invoice the node already paid is the first payment again, not a second one. */
static void
test_pay_twice (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = create_invoice (f->ledger, 1000, "once", 0, NULL);
  g_autoptr(MsLnInvoice) next = create_invoice (f->ledger, 2000, "next", 0, NULL);
  g_autoptr(MsLnPayment) first = NULL;
  g_autoptr(MsLnPayment) second = NULL;
  g_autoptr(MsLnPayment) upper = NULL;
  g_autoptr(MsLnPayment) third = NULL;
  g_autofree char *upper_bolt11 = g_ascii_strup (invoice->bolt11, -1);

  watch (f, 0);
  first = pay (f->ledger, invoice->bolt11, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 1, WAIT_MS);

  second = pay (f->ledger, invoice->bolt11, 0);
  upper = pay (f->ledger, upper_bolt11, 0);
  assert_same_payment (second, first);
  assert_same_payment (upper, first);
  ms_test_run_for (100);
  g_assert_cmpuint (f->watcher.settlements->len, ==, 1);

  /* No settle index was spent on the repeats. */
  third = pay (f->ledger, next->bolt11, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 2, WAIT_MS);
  assert_settlement (settlement_at (&f->watcher, 1), 2, next->payment_hash, NULL, 2000);
  g_assert_cmpint (db_query_int (f->path, "SELECT count(*) FROM payments"), ==, 2);
  g_assert_cmpint (db_query_int (f->path, "SELECT value FROM counters "
                                 "WHERE name = 'settle_index'"), ==, 2);
}

/* A BOLT #11 example (payee 03e7156a…) and a fresh regtest invoice of another key. */
static void
test_pay_foreign (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) root = ms_test_load_vector_file ("bolt11/bolt11_valid.json");
  JsonArray *vectors = json_object_get_array_member (root, "vectors");
  g_autoptr(GBytes) key = ms_test_hex_bytes (SPEC_PRIVKEY);
  g_autoptr(MsLnPayment) unknown = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *foreign = NULL;
  guint8 hash[32], secret[32];
  MsBolt11Params params = { 0 };
  guint n_exact = 0;

  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *vector = json_array_get_object_element (vectors, i);
      const char *bolt11 = json_object_get_string_member (vector, "invoice");
      g_autoptr(MsBolt11) b11 = ms_bolt11_decode (bolt11, strlen (bolt11),
                                                  MS_BOLT11_DECODE_NONE, NULL);

      /* Those our decoder reads are refused as foreign; any other is refused too. */
      pay_refused (f->ledger, bolt11, 1000, b11 != NULL ? FOREIGN_MESSAGE : NULL);
      n_exact += b11 != NULL;
    }
  g_assert_cmpuint (n_exact, >=, 10);

  fill_preimage (hash, 1);
  fill_preimage (secret, 2);
  params.currency = "bcrt";
  params.has_amount = TRUE;
  params.amount_msat = 1000;
  params.timestamp = g_get_real_time () / G_USEC_PER_SEC;
  params.payment_hash = hash;
  params.payment_secret = secret;
  params.description = "someone else's";
  foreign = ms_bolt11_encode (&params, g_bytes_get_data (key, NULL), &error);
  g_assert_no_error (error);
  pay_refused (f->ledger, foreign, 0, FOREIGN_MESSAGE);

  pay_refused (f->ledger, "lnbcrt1garbage", 0, NULL);
  pay_refused (f->ledger, "", 0, NULL);

  unknown = lookup (f->ledger, hash);
  g_assert_cmpint (unknown->status, ==, MS_LN_PAYMENT_UNKNOWN);
  g_assert_cmpint (db_query_int (f->path, "SELECT count(*) FROM payments"), ==, 0);
  g_assert_cmpuint (get_balance (f->ledger), ==, START_MSAT);
}

static void
test_pay_garbage_message (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsLnPayment) payment = pay_full (f->ledger, "lnbcrt1garbage", 0, NULL, &error);

  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_true (g_str_has_prefix (error->message, "not a valid invoice: "));
}

/* BOLT #11: once `timestamp` plus `expiry` has passed, no payment. */
static void
test_pay_expired (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsLnPayment) unknown = NULL;
  g_autoptr(GError) error = NULL;

  watch (f, 0);
  invoice = create_invoice (f->ledger, 1000, "soon gone", 1, NULL);
  ms_test_run_for (2100);

  pay_refused (f->ledger, invoice->bolt11, 0, "invoice expired");
  pay_externally_refused (f->ledger, invoice->payment_hash, "invoice expired");
  unknown = lookup (f->ledger, invoice->payment_hash);
  g_assert_cmpint (unknown->status, ==, MS_LN_PAYMENT_UNKNOWN);
  ms_test_run_for (100);
  g_assert_cmpuint (f->watcher.settlements->len, ==, 0);

  /* An expired invoice can still be cancelled. */
  g_assert_true (cancel (f->ledger, invoice->payment_hash, &error));
  g_assert_no_error (error);
}

static void
test_amountless (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsLnInvoice) fixed = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) found = NULL;
  g_autoptr(MsBolt11) b11 = NULL;
  g_autoptr(GError) error = NULL;

  watch (f, 0);
  invoice = ms_demo_ledger_create_invoice (f->ledger, 0, "any amount", 0, NULL, &error);
  g_assert_no_error (error);
  b11 = decode (invoice->bolt11);
  g_assert_false (ms_bolt11_has_amount (b11));
  g_assert_cmpstr (ms_bolt11_get_payee_hex (b11), ==, ms_demo_ledger_get_node_id (f->ledger));

  pay_refused (f->ledger, invoice->bolt11, 0, "the invoice has no amount: say how much to pay");
  pay_externally_refused (f->ledger, invoice->payment_hash, NULL);

  payment = pay (f->ledger, invoice->bolt11, 7777);
  g_assert_cmpuint (payment->amount_msat, ==, 7777);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 1, WAIT_MS);
  assert_settlement (settlement_at (&f->watcher, 0), 1, invoice->payment_hash,
                     payment->preimage, 7777);
  found = lookup (f->ledger, invoice->payment_hash);
  g_assert_cmpuint (found->amount_msat, ==, 7777);

  /* Like the real nodes: no amount for an invoice that has one. */
  fixed = create_invoice (f->ledger, 5000, "fixed", 0, NULL);
  pay_refused (f->ledger, fixed->bolt11, 5000,
               "the invoice already says how much to pay: give no amount");
}

/* ---- cancel ------------------------------------------------------------ */

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = create_invoice (f->ledger, 3000, "cancel me", 0, NULL);
  g_autoptr(MsLnInvoice) paid = create_invoice (f->ledger, 4000, "paid", 0, NULL);
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *paid_state = NULL;
  guint8 nothing[MS_LN_HASH_LEN] = { 0 };

  g_assert_true (cancel (f->ledger, invoice->payment_hash, &error));
  g_assert_no_error (error);
  state = invoice_state (f->path, invoice->payment_hash);
  g_assert_cmpstr (state, ==, "cancelled");

  /* Gone is gone: cancelling again says so. */
  g_assert_true (cancel (f->ledger, invoice->payment_hash, &error));
  g_assert_no_error (error);

  pay_refused (f->ledger, invoice->bolt11, 0, "invoice was cancelled");
  pay_externally_refused (f->ledger, invoice->payment_hash, "invoice was cancelled");

  payment = pay (f->ledger, paid->bolt11, 0);
  g_assert_false (cancel (f->ledger, paid->payment_hash, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, "invoice already paid");
  g_clear_error (&error);
  paid_state = invoice_state (f->path, paid->payment_hash);
  g_assert_cmpstr (paid_state, ==, "paid");

  g_assert_false (cancel (f->ledger, nothing, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, "the demo ledger has no invoice with payment hash "
                   "0000000000000000000000000000000000000000000000000000000000000000");
}

/* ---- paid from outside ------------------------------------------------- */

static void
test_external (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = create_invoice (f->ledger, 50000, "from outside", 0, NULL);
  g_autoptr(MsLnPayment) unknown = NULL;
  guint8 nothing[MS_LN_HASH_LEN];

  watch (f, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.n_online == 1, WAIT_MS);

  pay_externally (f->ledger, invoice->payment_hash);
  g_assert_cmpuint (f->watcher.settlements->len, ==, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 1, WAIT_MS);
  assert_settlement (settlement_at (&f->watcher, 0), 1, invoice->payment_hash, NULL, 50000);

  /* Money came in from outside. */
  g_assert_cmpuint (get_balance (f->ledger), ==, START_MSAT + 50000);

  pay_externally_refused (f->ledger, invoice->payment_hash, "invoice already paid");
  /* This node did not pay it: someone else did. */
  pay_refused (f->ledger, invoice->bolt11, 0, "invoice already paid");
  unknown = lookup (f->ledger, invoice->payment_hash);
  g_assert_cmpint (unknown->status, ==, MS_LN_PAYMENT_UNKNOWN);

  fill_preimage (nothing, 77);
  pay_externally_refused (f->ledger, nothing, NULL);

  ms_test_run_for (100);
  g_assert_cmpuint (f->watcher.settlements->len, ==, 1);
  g_assert_cmpuint (get_balance (f->ledger), ==, START_MSAT + 50000);
}

/* ---- persistence --------------------------------------------------------- */

static void
test_persistence (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *node_id = g_strdup (ms_demo_ledger_get_node_id (f->ledger));
  g_autofree char *key_before = db_query (f->path, "SELECT hex (private_key) FROM node");
  g_autofree char *key_after = NULL;
  g_autoptr(MsLnInvoice) paid = NULL;
  g_autoptr(MsLnInvoice) received = NULL;
  g_autoptr(MsLnInvoice) cancelled = NULL;
  g_autoptr(MsLnInvoice) open = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) again = NULL;
  g_autoptr(MsLnPayment) found = NULL;
  g_autoptr(MsLnPayment) later = NULL;
  g_autoptr(MsBolt11) b11 = NULL;
  g_autoptr(GError) error = NULL;
  guint8 preimage[MS_LN_HASH_LEN];

  fill_preimage (preimage, 100);
  paid = create_invoice (f->ledger, 1000, "paid", 0, preimage);
  received = create_invoice (f->ledger, 2000, "received", 0, NULL);
  cancelled = create_invoice (f->ledger, 3000, "cancelled", 0, NULL);
  open = create_invoice (f->ledger, 4000, "open", 0, NULL);
  payment = pay (f->ledger, paid->bolt11, 0);
  pay_externally (f->ledger, received->payment_hash);
  g_assert_true (cancel (f->ledger, cancelled->payment_hash, &error));

  /* Another starting balance is ignored: the file exists. */
  reopen (f, 1);
  key_after = db_query (f->path, "SELECT hex (private_key) FROM node");
  g_assert_cmpstr (key_after, ==, key_before);
  g_assert_cmpstr (ms_demo_ledger_get_node_id (f->ledger), ==, node_id);
  g_assert_cmpuint (get_balance (f->ledger), ==, START_MSAT + 2000);

  watch (f, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 2, WAIT_MS);
  assert_settlement (settlement_at (&f->watcher, 0), 1, paid->payment_hash, preimage, 1000);
  assert_settlement (settlement_at (&f->watcher, 1), 2, received->payment_hash, NULL, 2000);

  found = lookup (f->ledger, paid->payment_hash);
  assert_same_payment (found, payment);
  again = pay (f->ledger, paid->bolt11, 0);
  assert_same_payment (again, payment);
  pay_refused (f->ledger, cancelled->bolt11, 0, "invoice was cancelled");
  pay_refused (f->ledger, received->bolt11, 0, "invoice already paid");

  /* An invoice issued before the restart is still good, and the index goes on. */
  b11 = decode (open->bolt11);
  g_assert_cmpstr (ms_bolt11_get_payee_hex (b11), ==, node_id);
  later = pay (f->ledger, open->bolt11, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 3, WAIT_MS);
  assert_settlement (settlement_at (&f->watcher, 2), 3, open->payment_hash, later->preimage,
                     4000);
  ms_test_run_for (100);
  g_assert_cmpuint (f->watcher.settlements->len, ==, 3);
}

/* ---- watch_settlements ------------------------------------------------- */

static void
settle_n (Fixture   *f,
          guint      n,
          GPtrArray *hashes)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MsLnInvoice) invoice = create_invoice (f->ledger, 1000 * (hashes->len + 1),
                                                       NULL, 0, NULL);

      if (hashes->len % 2 == 0)
        pay_externally (f->ledger, invoice->payment_hash);
      else
        ms_ln_payment_free (pay (f->ledger, invoice->bolt11, 0));
      g_ptr_array_add (hashes, g_memdup2 (invoice->payment_hash, MS_LN_HASH_LEN));
    }
}

static void
assert_replay (Fixture   *f,
               guint64    after_index,
               GPtrArray *hashes)
{
  guint expected = hashes->len > after_index ? hashes->len - after_index : 0;

  for (guint i = 0; i < expected; i++)
    {
      guint64 index = after_index + i + 1;

      assert_settlement (settlement_at (&f->watcher, i), index,
                         g_ptr_array_index (hashes, index - 1), NULL, 1000 * index);
    }
}

static void
test_replay (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);

  settle_n (f, 5, hashes);

  /* From every index, including past the end; restarting replaces the watch. */
  for (guint after = 0; after <= 6; after++)
    {
      guint expected = after < 5 ? 5 - after : 0;

      g_ptr_array_set_size (f->watcher.settlements, 0);
      watch (f, after);
      g_assert_cmpuint (f->watcher.settlements->len, ==, 0);
      MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == expected, WAIT_MS);
      ms_test_run_for (50);
      g_assert_cmpuint (f->watcher.settlements->len, ==, expected);
      assert_replay (f, after, hashes);
    }

  /* "connection-changed" once, however often the watch restarts. */
  g_assert_cmpuint (f->watcher.n_online, ==, 1);

  /* After the replay, new ones follow. */
  g_ptr_array_set_size (f->watcher.settlements, 0);
  watch (f, 5);
  settle_n (f, 1, hashes);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 1, WAIT_MS);
  assert_replay (f, 5, hashes);

  /* A new object on the same file replays the same way. */
  reopen (f, START_MSAT);
  watch (f, 2);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 4, WAIT_MS);
  assert_replay (f, 2, hashes);
}

/* More than one batch of rows, in order, none twice. */
static void
test_replay_many (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);

  settle_n (f, 150, hashes);
  watch (f, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 150, WAIT_MS);
  ms_test_run_for (50);
  g_assert_cmpuint (f->watcher.settlements->len, ==, 150);
  assert_replay (f, 0, hashes);
}

/* A handler that stops watching halfway ends the replay there. */
static void
test_stop_in_handler (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);

  settle_n (f, 3, hashes);
  f->watcher.stop_after = 1;
  watch (f, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 1, WAIT_MS);
  ms_test_run_for (700);
  g_assert_cmpuint (f->watcher.settlements->len, ==, 1);

  /* Watching again announces itself again and goes on from where asked. */
  f->watcher.stop_after = 0;
  g_ptr_array_set_size (f->watcher.settlements, 0);
  watch (f, 1);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 2, WAIT_MS);
  assert_replay (f, 1, hashes);
  g_assert_cmpuint (f->watcher.n_online, ==, 2);
}

static void
unref_on_settle_cb (MsLightning     *ledger,
                    MsLnSettlement  *settlement,
                    MsDemoLedger   **slot)
{
  g_clear_object (slot);
}

/* A handler may drop the last reference in the middle of a replay. */
static void
test_unref_in_handler (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  MsDemoLedger *other;
  gpointer alive;

  settle_n (f, 3, hashes);
  other = ms_demo_ledger_new (f->path, 0, &error);
  g_assert_no_error (error);
  alive = other;
  g_object_add_weak_pointer (G_OBJECT (other), &alive);
  g_signal_connect (other, "invoice-settled", G_CALLBACK (unref_on_settle_cb), &other);

  ms_lightning_watch_settlements (MS_LIGHTNING (other), 0);
  MS_TEST_WAIT_UNTIL (alive == NULL, WAIT_MS);
  g_assert_null (other);
  ms_test_run_for (100);
}

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = create_invoice (f->ledger, 1000, NULL, 0, NULL);
  g_autoptr(MsLnPayment) payment = NULL;

  watch (f, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.n_online == 1, WAIT_MS);
  ms_lightning_stop (MS_LIGHTNING (f->ledger));

  /* Calls still work; nothing is emitted while stopped. */
  payment = pay (f->ledger, invoice->bolt11, 0);
  ms_test_run_for (700);
  g_assert_cmpuint (f->watcher.settlements->len, ==, 0);

  watch (f, 0);
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == 1, WAIT_MS);
  g_assert_cmpuint (f->watcher.n_online, ==, 2);
  assert_settlement (settlement_at (&f->watcher, 0), 1, invoice->payment_hash, payment->preimage,
                     1000);
}

/* ---- cancellation ------------------------------------------------------ */

static void
test_cancelled_calls (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GCancellable) late = g_cancellable_new ();
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsLnInvoice) nothing = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) unknown = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancelled);
  nothing = create_invoice_full (f->ledger, 1000, "no", 0, NULL, cancelled, &error);
  g_assert_null (nothing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (db_query_int (f->path, "SELECT count(*) FROM invoices"), ==, 0);

  /* Cancelled before the call: nothing is paid. */
  invoice = create_invoice (f->ledger, 1000, "yes", 0, NULL);
  payment = pay_full (f->ledger, invoice->bolt11, 0, cancelled, &error);
  g_assert_null (payment);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  unknown = lookup (f->ledger, invoice->payment_hash);
  g_assert_cmpint (unknown->status, ==, MS_LN_PAYMENT_UNKNOWN);

  /* Cancelled after the call: it was paid, and the caller is told so. */
  ms_lightning_pay_async (MS_LIGHTNING (f->ledger), invoice->bolt11, 0, 0, late,
                          store_result_cb, &result);
  g_cancellable_cancel (late);
  WAIT_RESULT (result);
  payment = ms_lightning_pay_finish (MS_LIGHTNING (f->ledger), result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (payment->status, ==, MS_LN_PAYMENT_SUCCEEDED);
}

/* ---- the file ---------------------------------------------------------- */

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static void
test_file_mode (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "private.sqlite", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(MsDemoLedger) ledger = NULL;
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *journal_mode = NULL;
  mode_t old_mask = umask (0);

  /* Even with a permissive umask, the key's file is private, and so are SQLite's companions. */
  ledger = ms_demo_ledger_new (path, 1000, &error);
  g_assert_no_error (error);
  invoice = create_invoice (ledger, 1000, NULL, 0, NULL);
  umask (old_mask);

  g_assert_cmpuint (file_mode (path), ==, 0600);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);
  journal_mode = db_query (path, "PRAGMA journal_mode");
  g_assert_cmpstr (journal_mode, ==, "wal");
  g_assert_finalize_object (g_steal_pointer (&ledger));
}

static void
assert_open_fails (const char *path,
                   GQuark      domain,
                   int         code,
                   const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDemoLedger) ledger = ms_demo_ledger_new (path, 1000, &error);

  g_assert_null (ledger);
  g_assert_error (error, domain, code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("'%s' does not say '%s'", error->message, fragment);
  g_test_message ("%s", error->message);
}

static void
test_not_a_database (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "garbage.sqlite", NULL);
  g_autofree char *after = NULL;
  g_autoptr(GString) garbage = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  while (garbage->len < 8192)
    g_string_append (garbage, "this is not a database at all; ");
  g_assert_true (g_file_set_contents (path, garbage->str, garbage->len, &error));

  assert_open_fails (path, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, "not a database");
  assert_open_fails (path, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, path);

  /* Refused, not overwritten. */
  g_assert_true (g_file_get_contents (path, &after, NULL, &error));
  g_assert_cmpstr (after, ==, garbage->str);
}

static void
test_foreign_database (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "foreign.sqlite", NULL);

  db_exec (path, "CREATE TABLE accounts (name TEXT, balance INTEGER);"
                 "INSERT INTO accounts VALUES ('alice', 10);");

  assert_open_fails (path, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                     "another application");
  g_assert_cmpint (db_query_int (path, "SELECT count(*) FROM sqlite_schema"), ==, 1);
  g_assert_cmpint (db_query_int (path, "SELECT balance FROM accounts"), ==, 10);

  /* Some other application's file that happens to use an application id. */
  db_exec (path, "PRAGMA application_id = 1234");
  assert_open_fails (path, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                     "another application");
}

static void
test_newer_schema (Fixture       *f,
                   gconstpointer  data)
{
  close_watched (&f->ledger, &f->watcher);
  db_exec (f->path, "PRAGMA user_version = 99");

  assert_open_fails (f->path, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, "newer version");
  g_assert_cmpint (db_query_int (f->path, "PRAGMA user_version"), ==, 99);

  /* A damaged header can hold a negative version (found by fuzz-demo-ledger). */
  db_exec (f->path, "PRAGMA user_version = -201326592");
  assert_open_fails (f->path, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, "damaged");
}

static void
test_missing_key (Fixture       *f,
                  gconstpointer  data)
{
  close_watched (&f->ledger, &f->watcher);
  db_exec (f->path, "DELETE FROM node");

  assert_open_fails (f->path, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, "node key");
}

/* Pages overwritten behind SQLite's back: found when the file is opened. */
static void
test_damaged_pages (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  for (guint i = 0; i < 30; i++)
    ms_ln_invoice_free (create_invoice (f->ledger, 1000 + i, NULL, 0, NULL));
  close_watched (&f->ledger, &f->watcher);

  g_assert_true (g_file_get_contents (f->path, &contents, &len, &error));
  g_assert_cmpuint (len, >, 3 * 4096);
  memset (contents + 4096, 0xa5, len - 4096);
  g_assert_true (g_file_set_contents (f->path, contents, len, &error));

  /* Page 1 (the schema) is intact: the integrity check finds the rest. */
  assert_open_fails (f->path, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, f->path);
  assert_open_fails (f->path, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                     "fails SQLite's integrity check (Page ");
}

static void
test_bad_paths (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "no", "such", "dir", "x.sqlite", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty.sqlite", NULL);
  g_autoptr(MsDemoLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;

  assert_open_fails (f->dir, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, f->dir);
  assert_open_fails (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, missing);

  /* An empty file is a new ledger. */
  g_assert_true (g_file_set_contents (empty, "", 0, &error));
  ledger = ms_demo_ledger_new (empty, 777, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (get_balance (ledger), ==, 777);
}

/* ---- several ledgers on one file --------------------------------------- */

typedef struct
{
  char  *path;
  guint  n;
  GPtrArray *hashes;
} OutsideJob;

/* Another connection in another thread, paying invoices "from outside". */
static gpointer
outside_payer_thread (gpointer data)
{
  OutsideJob *job = data;
  g_autoptr(MsDemoLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;

  ledger = ms_demo_ledger_new (job->path, 0, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < job->n; i++)
    {
      g_autoptr(MsLnInvoice) invoice = ms_demo_ledger_create_invoice (ledger, 10, "outside", 0,
                                                                      NULL, &error);

      g_assert_no_error (error);
      g_assert_true (ms_demo_ledger_pay_invoice_externally (ledger, invoice->payment_hash,
                                                            &error));
      g_assert_no_error (error);
      g_ptr_array_add (job->hashes, g_memdup2 (invoice->payment_hash, MS_LN_HASH_LEN));
    }

  return NULL;
}

static void
assert_indexes_in_order (Watcher *w,
                         guint    n)
{
  g_assert_cmpuint (w->settlements->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (settlement_at (w, i)->settle_index, ==, i + 1);
}

static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) outside_hashes = g_ptr_array_new_with_free_func (g_free);
  OutsideJob job = { f->path, 20, outside_hashes };
  Watcher other_watcher = { 0 };
  MsDemoLedger *other;
  GThread *thread;
  guint n_total = 20 + job.n;

  watcher_init (&other_watcher);
  other = open_watched (f->path, 1, &other_watcher);
  g_assert_cmpstr (ms_demo_ledger_get_node_id (other), ==,
                   ms_demo_ledger_get_node_id (f->ledger));
  watch (f, 0);
  ms_lightning_watch_settlements (MS_LIGHTNING (other), 0);

  /* Each ledger pays the other's invoices while a third writes from a thread. */
  thread = g_thread_new ("outside-payer", outside_payer_thread, &job);
  for (guint i = 0; i < 20; i++)
    {
      MsDemoLedger *issuer = i % 2 ? other : f->ledger;
      MsDemoLedger *payer = i % 2 ? f->ledger : other;
      g_autoptr(MsLnInvoice) issued = create_invoice (issuer, 1000 + i, NULL, 0, NULL);
      g_autoptr(MsLnPayment) first = pay (payer, issued->bolt11, 0);
      g_autoptr(MsLnPayment) repeat = pay (issuer, issued->bolt11, 0);

      /* One node, one set of books: the issuer already paid it through the other. */
      assert_same_payment (repeat, first);
    }
  g_thread_join (thread);

  /* Unique indexes, seen by both in the same order, none twice. */
  MS_TEST_WAIT_UNTIL (f->watcher.settlements->len == n_total &&
                      other_watcher.settlements->len == n_total, WAIT_MS);
  ms_test_run_for (700);
  assert_indexes_in_order (&f->watcher, n_total);
  assert_indexes_in_order (&other_watcher, n_total);
  for (guint i = 0; i < n_total; i++)
    g_assert_cmpmem (settlement_at (&f->watcher, i)->payment_hash, MS_LN_HASH_LEN,
                     settlement_at (&other_watcher, i)->payment_hash, MS_LN_HASH_LEN);

  g_assert_cmpuint (get_balance (f->ledger), ==, START_MSAT + 10 * job.n);
  g_assert_cmpuint (get_balance (other), ==, START_MSAT + 10 * job.n);
  g_assert_cmpint (db_query_int (f->path, "SELECT count(*) FROM payments"), ==, 20);
  g_assert_cmpuint (other_watcher.n_online, ==, 1);

  close_watched (&other, &other_watcher);
  watcher_clear (&other_watcher);
}

/* Only the file tells an idle ledger about a settlement made through another one. */
static void
test_concurrent_poll (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(GError) error = NULL;
  Watcher other_watcher = { 0 };
  MsDemoLedger *other;

  watcher_init (&other_watcher);
  other = open_watched (f->path, 1, &other_watcher);
  ms_lightning_watch_settlements (MS_LIGHTNING (other), 0);
  MS_TEST_WAIT_UNTIL (other_watcher.n_online == 1, WAIT_MS);

  invoice = ms_demo_ledger_create_invoice (other, 5000, "poll", 0, NULL, &error);
  g_assert_no_error (error);
  pay_externally (f->ledger, invoice->payment_hash);
  MS_TEST_WAIT_UNTIL (other_watcher.settlements->len == 1, WAIT_MS);
  assert_settlement (settlement_at (&other_watcher, 0), 1, invoice->payment_hash, NULL, 5000);
  g_assert_cmpuint (get_balance (other), ==, START_MSAT + 5000);

  close_watched (&other, &other_watcher);
  watcher_clear (&other_watcher);
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char *path;
    void (*func) (Fixture *, gconstpointer);
  } tests[] = {
    { "/ms/demo-ledger/info", test_info },
    { "/ms/demo-ledger/default-balance", test_default_balance },
    { "/ms/demo-ledger/invoice/fields", test_invoice_fields },
    { "/ms/demo-ledger/invoice/defaults", test_invoice_defaults },
    { "/ms/demo-ledger/invoice/refused", test_invoice_refused },
    { "/ms/demo-ledger/pay/own", test_pay_own },
    { "/ms/demo-ledger/pay/twice", test_pay_twice },
    { "/ms/demo-ledger/pay/foreign", test_pay_foreign },
    { "/ms/demo-ledger/pay/garbage", test_pay_garbage_message },
    { "/ms/demo-ledger/pay/expired", test_pay_expired },
    { "/ms/demo-ledger/pay/amountless", test_amountless },
    { "/ms/demo-ledger/cancel", test_cancel },
    { "/ms/demo-ledger/external", test_external },
    { "/ms/demo-ledger/persistence", test_persistence },
    { "/ms/demo-ledger/watch/replay", test_replay },
    { "/ms/demo-ledger/watch/replay-many", test_replay_many },
    { "/ms/demo-ledger/watch/stop-in-handler", test_stop_in_handler },
    { "/ms/demo-ledger/watch/stop", test_stop },
    { "/ms/demo-ledger/watch/unref-in-handler", test_unref_in_handler },
    { "/ms/demo-ledger/cancellable", test_cancelled_calls },
    { "/ms/demo-ledger/file/mode", test_file_mode },
    { "/ms/demo-ledger/file/not-a-database", test_not_a_database },
    { "/ms/demo-ledger/file/foreign", test_foreign_database },
    { "/ms/demo-ledger/file/newer-schema", test_newer_schema },
    { "/ms/demo-ledger/file/missing-key", test_missing_key },
    { "/ms/demo-ledger/file/damaged", test_damaged_pages },
    { "/ms/demo-ledger/file/bad-paths", test_bad_paths },
    { "/ms/demo-ledger/concurrent/ledgers", test_concurrent },
    { "/ms/demo-ledger/concurrent/poll", test_concurrent_poll },
  };

  ms_test_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    g_test_add (tests[i].path, Fixture, NULL, fixture_setup, tests[i].func, fixture_teardown);

  return g_test_run ();
}
