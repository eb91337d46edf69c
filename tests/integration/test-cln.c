/* test-cln.c: the Core Lightning backend against a fake lightningd
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * Every scenario runs twice: over the JSON-RPC unix socket and over CLNRest
 * (HTTPS with the build's self-signed certificate, pinned). The fake checks
 * each request and answer against the upstream schemas in MS_CONTRACTS_DIR;
 * any violation fails the test at teardown.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cln-schema.h"
#include "fake-cln.h"
#include "moneysocket.h"
#include "ms-cln-backend.h"
#include "ms-cln-private.h"
#include "test-util.h"

#define WAIT_MS 10000

/* listpeerchannels.json, example 2: two channels in CHANNELD_NORMAL and one in
 * CLOSINGD_COMPLETE (478705000 spendable, 490000000 receivable), which counts for nothing. */
#define EXAMPLE_SPENDABLE_MSAT  (599507210 + 873454959)
#define EXAMPLE_RECEIVABLE_MSAT (363951708 + 90004000)

typedef enum
{
  MODE_RPC,
  MODE_REST,
} Mode;

typedef struct
{
  Mode             mode;
  gboolean         skip;
  FakeCln         *fake;
  MsClnBackend    *backend;
  GTlsCertificate *server_cert;
  GTlsCertificate *pinned;
  GPtrArray       *settlements;   /* MsLnSettlement */
  GArray          *changes;       /* gboolean */
  GPtrArray       *change_errors; /* char * */
} Fixture;

typedef void (*CaseFunc) (Fixture *f);

typedef struct
{
  Mode     mode;
  CaseFunc func;
} Case;

static char *contracts_dir;
static GPtrArray *cases;

/* Helpers. */

static GTlsCertificate *
load_certificate (const char *cert_var,
                  const char *key_var)
{
  const char *cert = g_getenv (cert_var);
  const char *key = key_var != NULL ? g_getenv (key_var) : NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  if (cert == NULL || (key_var != NULL && key == NULL))
    return NULL;
  certificate = key != NULL ? g_tls_certificate_new_from_files (cert, key, &error)
                            : g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  return certificate;
}

static MsLightning *
ln (Fixture *f)
{
  return MS_LIGHTNING (f->backend);
}

static void
settled_cb (MsLightning    *lightning,
            MsLnSettlement *settlement,
            Fixture        *f)
{
  g_ptr_array_add (f->settlements, ms_ln_settlement_copy (settlement));
}

static void
connection_changed_cb (MsLightning *lightning,
                       gboolean     online,
                       const char  *error,
                       Fixture     *f)
{
  g_array_append_val (f->changes, online);
  g_ptr_array_add (f->change_errors, g_strdup (error));
}

static MsClnBackend *
new_backend (Fixture    *f,
             const char *rune)
{
  MsClnBackend *backend;

  if (f->mode == MODE_RPC)
    backend = ms_cln_backend_new_rpc (fake_cln_get_socket_path (f->fake));
  else
    backend = ms_cln_backend_new_rest (fake_cln_get_rest_url (f->fake), rune, f->pinned);

  /* Tests do not wait seconds for a retry. */
  ms_cln_backend_set_reconnect_delays (backend, 50, 200);
  return backend;
}

static void
attach_backend (Fixture      *f,
                MsClnBackend *backend)
{
  f->backend = backend;
  g_signal_connect (backend, "invoice-settled", G_CALLBACK (settled_cb), f);
  g_signal_connect (backend, "connection-changed", G_CALLBACK (connection_changed_cb), f);
}

static void
release_backend (Fixture *f)
{
  if (f->backend == NULL)
    return;

  g_signal_handlers_disconnect_by_data (f->backend, f);
  ms_lightning_stop (ln (f));
  g_assert_finalize_object (g_steal_pointer (&f->backend));
  /* Let the closing connections finish. */
  ms_test_run_for (20);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const Case *c = data;
  g_autoptr(GError) error = NULL;

  f->mode = c->mode;
  f->settlements = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_ln_settlement_free);
  f->changes = g_array_new (FALSE, FALSE, sizeof (gboolean));
  f->change_errors = g_ptr_array_new_with_free_func (g_free);

  f->fake = fake_cln_new (contracts_dir, &error);
  g_assert_no_error (error);

  if (f->mode == MODE_RPC)
    g_assert_true (fake_cln_listen_rpc (f->fake, &error));
  else
    {
      f->server_cert = load_certificate ("MS_TEST_TLS_CERT", "MS_TEST_TLS_KEY");
      f->pinned = load_certificate ("MS_TEST_TLS_CERT", NULL);
      if (f->server_cert == NULL)
        {
          f->skip = TRUE;
          return;
        }
      g_assert_true (fake_cln_listen_rest (f->fake, f->server_cert, &error));
    }
  g_assert_no_error (error);

  attach_backend (f, new_backend (f, FAKE_CLN_RUNE));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GPtrArray *violations;

  release_backend (f);

  violations = fake_cln_get_violations (f->fake);
  for (guint i = 0; i < violations->len; i++)
    g_printerr ("contract violation: %s\n", (char *) g_ptr_array_index (violations, i));
  g_assert_cmpuint (violations->len, ==, 0);

  g_clear_pointer (&f->fake, fake_cln_free);
  g_clear_object (&f->server_cert);
  g_clear_object (&f->pinned);
  g_clear_pointer (&f->settlements, g_ptr_array_unref);
  g_clear_pointer (&f->changes, g_array_unref);
  g_clear_pointer (&f->change_errors, g_ptr_array_unref);
  ms_test_run_for (20);
}

static void
run_case (Fixture       *f,
          gconstpointer  data)
{
  const Case *c = data;

  if (f->skip)
    {
      g_test_skip ("MS_TEST_TLS_* not set (openssl missing at build time)");
      return;
    }
  c->func (f);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static MsLnNodeInfo *
get_info (Fixture  *f,
          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ms_lightning_get_info_async (ln (f), NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  return ms_lightning_get_info_finish (ln (f), result, error);
}

static MsLnInvoice *
create_invoice (Fixture      *f,
                guint64       amount_msat,
                const char   *description,
                guint         expiry_s,
                const guint8 *preimage,
                GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ms_lightning_create_invoice_async (ln (f), amount_msat, description, expiry_s, preimage, NULL,
                                     store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  return ms_lightning_create_invoice_finish (ln (f), result, error);
}

static MsLnInvoice *
create_invoice_ok (Fixture *f,
                   guint64  amount_msat)
{
  g_autoptr(GError) error = NULL;
  MsLnInvoice *invoice = create_invoice (f, amount_msat, "test", 3600, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (invoice);
  return invoice;
}

static MsLnPayment *
pay (Fixture     *f,
     const char  *bolt11,
     guint64      amount_msat,
     guint64      max_fee_msat,
     GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ms_lightning_pay_async (ln (f), bolt11, amount_msat, max_fee_msat, NULL, store_result_cb,
                          &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  return ms_lightning_pay_finish (ln (f), result, error);
}

static MsLnPayment *
lookup (Fixture      *f,
        const guint8 *payment_hash)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MsLnPayment *payment;

  ms_lightning_lookup_payment_async (ln (f), payment_hash, NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  payment = ms_lightning_lookup_payment_finish (ln (f), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (payment);
  g_assert_cmpmem (payment->payment_hash, 32, payment_hash, 32);
  return payment;
}

static gboolean
cancel_invoice (Fixture      *f,
                const guint8 *payment_hash,
                GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ms_lightning_cancel_invoice_async (ln (f), payment_hash, NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  return ms_lightning_cancel_invoice_finish (ln (f), result, error);
}

static void
hash_of (const guint8 *preimage,
         guint8        hash[32])
{
  ms_sha256 (preimage, 32, hash);
}

/* get_info */

static void
test_info (Fixture *f)
{
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = get_info (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  /* getinfo.json's example, with the fake's node id. */
  g_assert_cmpstr (info->node_id, ==, fake_cln_get_node_id (f->fake));
  g_assert_cmpstr (info->alias, ==, "SILENTARTIST-v26.09");
  g_assert_cmpstr (info->network, ==, "regtest");
  g_assert_cmpstr (info->version, ==, "v26.09");
  g_assert_cmpuint (info->block_height, ==, 114);
  g_assert_cmpuint (info->spendable_msat, ==, EXAMPLE_SPENDABLE_MSAT);
  g_assert_cmpuint (info->receivable_msat, ==, EXAMPLE_RECEIVABLE_MSAT);
  g_assert_false (info->is_demo);
  g_assert_true (ms_cln_backend_get_online (f->backend));
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "getinfo"), ==, 1);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "listpeerchannels"), ==, 1);
}

/* Amounts as "123msat" strings, as nodes before v23.02 wrote them. */
static void
test_legacy_amounts (Fixture *f)
{
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32];

  fake_cln_set_legacy_amounts (f->fake, TRUE);
  info = get_info (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->spendable_msat, ==, EXAMPLE_SPENDABLE_MSAT);
  g_assert_cmpuint (info->receivable_msat, ==, EXAMPLE_RECEIVABLE_MSAT);

  bolt11 = fake_cln_add_remote_invoice (f->fake, 2000000, 0, 3600, TRUE, preimage);
  payment = pay (f, bolt11, 0, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (payment->amount_msat, ==, 2000000);
  g_assert_cmpuint (payment->fee_msat, ==, 1 + 2000000 * 10 / 1000000);
}

/* create_invoice */

static void
check_bolt11 (Fixture     *f,
              MsLnInvoice *invoice,
              guint64      amount_msat,
              const char  *description,
              guint        expiry_s)
{
  g_autoptr(MsBolt11) decoded = NULL;
  g_autoptr(GError) error = NULL;

  decoded = ms_bolt11_decode (invoice->bolt11, strlen (invoice->bolt11), MS_BOLT11_DECODE_NONE,
                              &error);
  g_assert_no_error (error);
  g_assert_cmpmem (ms_bolt11_get_payment_hash (decoded), 32, invoice->payment_hash, 32);
  g_assert_cmpuint (ms_bolt11_get_amount_msat (decoded), ==, amount_msat);
  g_assert_cmpstr (ms_bolt11_get_description (decoded), ==, description);
  g_assert_cmpuint (ms_bolt11_get_expiry (decoded), ==, expiry_s);
  g_assert_cmpint (ms_bolt11_get_expires_at (decoded), ==, invoice->expires_at);
  g_assert_cmpstr (ms_bolt11_get_payee_hex (decoded), ==, fake_cln_get_node_id (f->fake));
  g_assert_cmpstr (ms_bolt11_get_network (decoded), ==, "regtest");
}

static void
test_invoice_node_preimage (Fixture *f)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  invoice = create_invoice (f, 50000, "a cup of coffee", 900, NULL, &error);
  g_assert_no_error (error);
  check_bolt11 (f, invoice, 50000, "a cup of coffee", 900);
  g_assert_cmpint (invoice->expires_at, >=, now + 900);
  g_assert_cmpint (invoice->expires_at, <=, now + 902);

  /* Without our preimage the hash is unknown beforehand: a uuid makes the label unique. */
  label = fake_cln_dup_invoice_label (f->fake, invoice->payment_hash);
  g_assert_nonnull (label);
  g_assert_true (g_str_has_prefix (label, "moneysocket-"));
  g_assert_true (ms_uuid_is_valid (label + strlen ("moneysocket-"),
                                   strlen (label) - strlen ("moneysocket-")));
}

static void
test_invoice_our_preimage (Fixture *f)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsLnInvoice) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *expected = NULL;
  guint8 preimage[32], hash[32];

  ms_random_key_bytes (preimage, sizeof preimage);
  hash_of (preimage, hash);
  invoice = create_invoice (f, 1234000, "", 3600, preimage, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (invoice->payment_hash, 32, hash, 32);
  check_bolt11 (f, invoice, 1234000, "", 3600);

  hex = ms_hex_encode (hash, 32);
  expected = g_strconcat ("moneysocket-", hex, NULL);
  label = fake_cln_dup_invoice_label (f->fake, hash);
  g_assert_cmpstr (label, ==, expected);

  /* The same preimage twice: the node refuses (its label exists too). */
  again = create_invoice (f, 1000, "again", 3600, preimage, &error);
  g_assert_null (again);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_cmpuint (fake_cln_get_n_invoices (f->fake), ==, 1);
}

/* pay */

static void
test_pay_success (Fixture *f)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32], hash[32];

  bolt11 = fake_cln_add_remote_invoice (f->fake, 100000000, 10, 3600, TRUE, preimage);
  payment = pay (f, bolt11, 0, 5000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (payment);

  hash_of (preimage, hash);
  g_assert_cmpint (payment->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpmem (payment->preimage, 32, preimage, 32);
  g_assert_cmpmem (payment->payment_hash, 32, hash, 32);
  g_assert_cmpuint (payment->amount_msat, ==, 100000000);
  /* The remote channel charges 1 msat + 10 ppm. */
  g_assert_cmpuint (payment->fee_msat, ==, 1001);
  g_assert_cmpuint (fake_cln_get_last_maxfee (f->fake), ==, 5000);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "xpay"), ==, 1);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "pay"), ==, 0);
  g_assert_cmpuint (fake_cln_get_n_payments (f->fake), ==, 1);
}

/* An invoice without an amount takes the caller's; one with an amount takes no other. */
static void
test_pay_amountless (Fixture *f)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *amountless = NULL;
  g_autofree char *fixed = NULL;
  guint8 preimage[32];

  amountless = fake_cln_add_remote_invoice (f->fake, 0, 0, 3600, TRUE, preimage);
  none = pay (f, amountless, 0, 100, &error);
  g_assert_null (none);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_clear_error (&error);

  payment = pay (f, amountless, 700000, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (payment->amount_msat, ==, 700000);
  g_assert_cmpuint (payment->fee_msat, ==, 8);

  fixed = fake_cln_add_remote_invoice (f->fake, 5000, 0, 3600, TRUE, preimage);
  g_clear_pointer (&none, ms_ln_payment_free);
  none = pay (f, fixed, 6000, 100, &error);
  g_assert_null (none);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_cmpuint (fake_cln_get_n_payments (f->fake), ==, 1);
}

/* Paying our own invoice settles it on the node (a self-payment). */
static void
test_pay_self (Fixture *f)
{
  g_autoptr(MsLnInvoice) invoice = create_invoice_ok (f, 42000);
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  payment = pay (f, invoice->bolt11, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (payment->amount_msat, ==, 42000);
  g_assert_cmpuint (payment->fee_msat, ==, 0);
  g_assert_cmpuint (fake_cln_get_last_maxfee (f->fake), ==, 0);
  status = fake_cln_dup_invoice_status (f->fake, invoice->payment_hash);
  g_assert_cmpstr (status, ==, "paid");
}

static void
test_pay_already_paid (Fixture *f)
{
  g_autoptr(MsLnPayment) first = NULL;
  g_autoptr(MsLnPayment) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32];

  bolt11 = fake_cln_add_remote_invoice (f->fake, 300000, 0, 3600, TRUE, preimage);
  first = pay (f, bolt11, 0, 1000, &error);
  g_assert_no_error (error);

  /* xpay says 219; listpays has the first payment's preimage. */
  second = pay (f, bolt11, 0, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpmem (second->preimage, 32, preimage, 32);
  g_assert_cmpuint (second->amount_msat, ==, 300000);
  g_assert_cmpuint (second->fee_msat, ==, first->fee_msat);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "xpay"), ==, 2);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "listpays"), ==, 1);
  g_assert_cmpuint (fake_cln_get_n_payments (f->fake), ==, 1);
}

static void
test_pay_failure (Fixture *f)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) looked_up = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32], hash[32];

  /* A destination that does not know the invoice: 203, nothing left the node. */
  bolt11 = fake_cln_add_remote_invoice (f->fake, 10000, 0, 3600, FALSE, preimage);
  payment = pay (f, bolt11, 0, 1000, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PAYMENT_FAILED);
  g_assert_nonnull (strstr (error->message, "incorrect_or_unknown_payment_details"));

  hash_of (preimage, hash);
  looked_up = lookup (f, hash);
  g_assert_cmpint (looked_up->status, ==, MS_LN_PAYMENT_FAILED);
}

/* A fee limit the route does not fit in: the node gives up, nothing is sent. */
static void
test_pay_fee_limit (Fixture *f)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32];

  bolt11 = fake_cln_add_remote_invoice (f->fake, 100000000, 0, 3600, TRUE, preimage);
  payment = pay (f, bolt11, 0, 1000, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PAYMENT_FAILED);
  g_assert_cmpuint (fake_cln_get_last_maxfee (f->fake), ==, 1000);
  g_assert_cmpuint (fake_cln_get_n_payments (f->fake), ==, 0);
}

static void
test_pay_expired (Fixture *f)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32];

  bolt11 = fake_cln_add_remote_invoice (f->fake, 10000, 7200, 3600, TRUE, preimage);
  payment = pay (f, bolt11, 0, 1000, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "expired"));
  g_assert_cmpuint (fake_cln_get_n_payments (f->fake), ==, 0);
}

/* Nodes before xpay: "Unknown command 'xpay'", then pay, and pay from then on. */
static void
test_pay_fallback (Fixture *f)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) again = NULL;
  g_autoptr(MsLnPayment) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  g_autofree char *bolt11_2 = NULL;
  guint8 preimage[32], preimage_2[32];

  fake_cln_set_missing (f->fake, "xpay", TRUE);
  bolt11 = fake_cln_add_remote_invoice (f->fake, 250000, 0, 3600, TRUE, preimage);
  payment = pay (f, bolt11, 0, 2000, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (payment->preimage, 32, preimage, 32);
  g_assert_cmpuint (payment->amount_msat, ==, 250000);
  g_assert_cmpuint (payment->fee_msat, ==, 3);
  g_assert_cmpuint (fake_cln_get_last_maxfee (f->fake), ==, 2000);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "xpay"), ==, 1);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "pay"), ==, 1);

  /* pay.json: paying the same bolt11 again succeeds at once, without a second payment. */
  again = pay (f, bolt11, 0, 2000, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again->preimage, 32, preimage, 32);

  bolt11_2 = fake_cln_add_remote_invoice (f->fake, 1000, 0, 3600, TRUE, preimage_2);
  other = pay (f, bolt11_2, 0, 2000, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (other->preimage, 32, preimage_2, 32);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "xpay"), ==, 1);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "pay"), ==, 3);
  g_assert_cmpuint (fake_cln_get_n_payments (f->fake), ==, 2);
}

/* lookup_payment */

static void
test_lookup (Fixture *f)
{
  g_autoptr(MsLnPayment) paid = NULL;
  g_autoptr(MsLnPayment) succeeded = NULL;
  g_autoptr(MsLnPayment) pending = NULL;
  g_autoptr(MsLnPayment) unknown = NULL;
  g_autoptr(MsLnPayment) later = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  g_autofree char *slow = NULL;
  guint8 preimage[32], hash[32], slow_preimage[32], slow_hash[32], nobody[32];

  bolt11 = fake_cln_add_remote_invoice (f->fake, 80000, 0, 3600, TRUE, preimage);
  paid = pay (f, bolt11, 0, 100, &error);
  g_assert_no_error (error);
  hash_of (preimage, hash);
  succeeded = lookup (f, hash);
  g_assert_cmpint (succeeded->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpmem (succeeded->preimage, 32, preimage, 32);
  g_assert_cmpuint (succeeded->amount_msat, ==, 80000);
  g_assert_cmpuint (succeeded->fee_msat, ==, 1);

  /* In flight: pending until the node is done. */
  slow = fake_cln_add_remote_invoice (f->fake, 90000, 0, 3600, TRUE, slow_preimage);
  hash_of (slow_preimage, slow_hash);
  fake_cln_set_pay_delay (f->fake, 1500);
  ms_lightning_pay_async (ln (f), slow, 0, 100, NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (fake_cln_get_n_payments (f->fake) == 2, WAIT_MS);
  pending = lookup (f, slow_hash);
  g_assert_cmpint (pending->status, ==, MS_LN_PAYMENT_PENDING);
  g_assert_null (result);

  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  later = ms_lightning_pay_finish (ln (f), result, &error);
  g_assert_no_error (error);
  g_clear_pointer (&later, ms_ln_payment_free);
  later = lookup (f, slow_hash);
  g_assert_cmpint (later->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpmem (later->preimage, 32, slow_preimage, 32);

  ms_random_bytes (nobody, sizeof nobody);
  unknown = lookup (f, nobody);
  g_assert_cmpint (unknown->status, ==, MS_LN_PAYMENT_UNKNOWN);
}

/* cancel_invoice */

static void
test_cancel (Fixture *f)
{
  g_autoptr(MsLnInvoice) invoice = create_invoice_ok (f, 10000);
  g_autoptr(MsLnInvoice) paid = create_invoice_ok (f, 20000);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  g_assert_true (cancel_invoice (f, invoice->payment_hash, &error));
  g_assert_no_error (error);
  label = fake_cln_dup_invoice_label (f->fake, invoice->payment_hash);
  g_assert_null (label);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "delinvoice"), ==, 1);

  /* Gone already: nothing to do. */
  g_assert_true (cancel_invoice (f, invoice->payment_hash, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "delinvoice"), ==, 1);

  /* A paid invoice stays. */
  g_assert_true (fake_cln_settle_invoice (f->fake, paid->payment_hash, 20000));
  g_assert_false (cancel_invoice (f, paid->payment_hash, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_cmpuint (fake_cln_get_n_invoices (f->fake), ==, 1);
}

/* Settlements */

static void
check_settlement (Fixture      *f,
                  guint         i,
                  MsLnInvoice  *invoice,
                  guint64       index,
                  guint64       amount_msat)
{
  MsLnSettlement *s = g_ptr_array_index (f->settlements, i);
  g_autofree char *label = fake_cln_dup_invoice_label (f->fake, invoice->payment_hash);
  guint8 hash[32];

  g_assert_cmpmem (s->payment_hash, 32, invoice->payment_hash, 32);
  hash_of (s->preimage, hash);
  g_assert_cmpmem (hash, 32, invoice->payment_hash, 32);
  g_assert_cmpuint (s->settle_index, ==, index);
  g_assert_cmpuint (s->amount_received_msat, ==, amount_msat);
  g_assert_cmpstr (s->label, ==, label);
}

static void
test_settlements_in_order (Fixture *f)
{
  g_autoptr(MsLnInvoice) a = create_invoice_ok (f, 1000);
  g_autoptr(MsLnInvoice) b = create_invoice_ok (f, 2000);
  g_autoptr(MsLnInvoice) c = create_invoice_ok (f, 3000);
  g_autoptr(MsLnPayment) self_paid = NULL;
  g_autoptr(GError) error = NULL;

  ms_lightning_watch_settlements (ln (f), 0);
  MS_TEST_WAIT_UNTIL (ms_cln_backend_get_online (f->backend), WAIT_MS);

  g_assert_true (fake_cln_settle_invoice (f->fake, b->payment_hash, 2500));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 1, WAIT_MS);
  g_assert_true (fake_cln_settle_invoice (f->fake, a->payment_hash, 1000));
  g_assert_true (fake_cln_settle_invoice (f->fake, c->payment_hash, 3000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 3, WAIT_MS);

  check_settlement (f, 0, b, 1, 2500);
  check_settlement (f, 1, a, 2, 1000);
  check_settlement (f, 2, c, 3, 3000);
  g_assert_cmpuint (ms_cln_backend_get_settle_index (f->backend), ==, 3);

  /* A payment of our own invoice settles it like any other. */
  g_clear_pointer (&a, ms_ln_invoice_free);
  a = create_invoice_ok (f, 4000);
  self_paid = pay (f, a->bolt11, 0, 0, &error);
  g_assert_no_error (error);
  MS_TEST_WAIT_UNTIL (f->settlements->len == 4, WAIT_MS);
  check_settlement (f, 3, a, 4, 4000);

  ms_test_run_for (200);
  g_assert_cmpuint (f->settlements->len, ==, 4);
  g_assert_cmpuint (f->changes->len, ==, 1);
  g_assert_true (g_array_index (f->changes, gboolean, 0));
}

/* Paid while nobody watched, and after a restart from the last index: each exactly once. */
static void
test_settlements_resume (Fixture *f)
{
  MsLnInvoice *invoices[5];

  for (guint i = 0; i < G_N_ELEMENTS (invoices); i++)
    invoices[i] = create_invoice_ok (f, 1000 * (i + 1));

  g_assert_true (fake_cln_settle_invoice (f->fake, invoices[0]->payment_hash, 1000));
  g_assert_true (fake_cln_settle_invoice (f->fake, invoices[1]->payment_hash, 2000));
  ms_lightning_watch_settlements (ln (f), 0);
  MS_TEST_WAIT_UNTIL (f->settlements->len == 2, WAIT_MS);
  check_settlement (f, 0, invoices[0], 1, 1000);
  check_settlement (f, 1, invoices[1], 2, 2000);

  release_backend (f);
  g_assert_true (fake_cln_settle_invoice (f->fake, invoices[2]->payment_hash, 3000));
  g_assert_true (fake_cln_settle_invoice (f->fake, invoices[3]->payment_hash, 4000));

  attach_backend (f, new_backend (f, FAKE_CLN_RUNE));
  ms_lightning_watch_settlements (ln (f), 2);
  MS_TEST_WAIT_UNTIL (f->settlements->len == 4, WAIT_MS);
  check_settlement (f, 2, invoices[2], 3, 3000);
  check_settlement (f, 3, invoices[3], 4, 4000);

  g_assert_true (fake_cln_settle_invoice (f->fake, invoices[4]->payment_hash, 5000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 5, WAIT_MS);
  check_settlement (f, 4, invoices[4], 5, 5000);
  ms_test_run_for (200);
  g_assert_cmpuint (f->settlements->len, ==, 5);

  for (guint i = 0; i < G_N_ELEMENTS (invoices); i++)
    ms_ln_invoice_free (invoices[i]);
}

/* waitanyinvoice with a timeout: 904 after it, then the same wait again. */
static void
test_poll_timeout (Fixture *f)
{
  g_autoptr(MsLnInvoice) invoice = create_invoice_ok (f, 1000);

  ms_cln_backend_set_poll_timeout (f->backend, 1);
  ms_lightning_watch_settlements (ln (f), 0);
  MS_TEST_WAIT_UNTIL (fake_cln_get_n_calls (f->fake, "waitanyinvoice") >= 3, WAIT_MS);
  g_assert_cmpuint (f->settlements->len, ==, 0);

  g_assert_true (fake_cln_settle_invoice (f->fake, invoice->payment_hash, 1000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 1, WAIT_MS);
  check_settlement (f, 0, invoice, 1, 1000);
  g_assert_cmpuint (f->changes->len, ==, 1);
}

/* The node goes away and comes back; the watch follows by itself. */
static void
test_node_restart (Fixture *f)
{
  g_autoptr(MsLnInvoice) early = create_invoice_ok (f, 1000);
  g_autoptr(MsLnInvoice) while_down = create_invoice_ok (f, 2000);
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(MsLnInvoice) none = NULL;
  g_autoptr(GError) error = NULL;

  ms_lightning_watch_settlements (ln (f), 0);
  g_assert_true (fake_cln_settle_invoice (f->fake, early->payment_hash, 1000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 1, WAIT_MS);
  g_assert_cmpuint (f->changes->len, ==, 1);

  fake_cln_go_down (f->fake);
  MS_TEST_WAIT_UNTIL (f->changes->len == 2, WAIT_MS);
  g_assert_false (g_array_index (f->changes, gboolean, 1));
  g_assert_nonnull (g_ptr_array_index (f->change_errors, 1));
  g_assert_false (ms_cln_backend_get_online (f->backend));

  info = get_info (f, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, ms_cln_backend_get_location (f->backend)));
  g_clear_error (&error);
  none = create_invoice (f, 1000, "down", 60, NULL, &error);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
  g_clear_error (&error);

  /* Paid while we cannot ask: it comes once the node is back. */
  g_assert_true (fake_cln_settle_invoice (f->fake, while_down->payment_hash, 2000));
  ms_test_run_for (300);
  g_assert_cmpuint (f->changes->len, ==, 2);

  g_assert_true (fake_cln_come_back (f->fake, &error));
  g_assert_no_error (error);
  MS_TEST_WAIT_UNTIL (f->settlements->len == 2, WAIT_MS);
  check_settlement (f, 1, while_down, 2, 2000);
  g_assert_cmpuint (f->changes->len, ==, 3);
  g_assert_true (g_array_index (f->changes, gboolean, 2));

  info = get_info (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->node_id, ==, fake_cln_get_node_id (f->fake));
}

/* The node carries the payment out, but the answer never comes. */
static void
test_drop_mid_pay (Fixture *f)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) truth = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32], hash[32];

  bolt11 = fake_cln_add_remote_invoice (f->fake, 60000, 0, 3600, TRUE, preimage);
  fake_cln_drop_next (f->fake, "xpay");
  payment = pay (f, bolt11, 0, 100, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);

  hash_of (preimage, hash);
  truth = lookup (f, hash);
  g_assert_cmpint (truth->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpmem (truth->preimage, 32, preimage, 32);
  g_assert_cmpuint (truth->amount_msat, ==, 60000);
  g_assert_cmpuint (fake_cln_get_n_payments (f->fake), ==, 1);
}

/* Malformed replies: PROTOCOL errors, and the backend keeps working. */
static void
expect_protocol_error (Fixture *f)
{
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = get_info (f, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
}

static void
test_malformed (Fixture *f)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32];

  fake_cln_set_raw_reply (f->fake, "getinfo", "this is not json");
  expect_protocol_error (f);
  fake_cln_set_raw_reply (f->fake, "getinfo", "[1, 2, 3]");
  expect_protocol_error (f);
  fake_cln_set_raw_result (f->fake, "getinfo", "{\"id\": \"not a key\"}");
  expect_protocol_error (f);
  fake_cln_set_raw_result (f->fake, "listpeerchannels", "{\"channels\": [{\"state\": 7}]}");
  expect_protocol_error (f);

  fake_cln_set_raw_result (f->fake, "invoice",
                           "{\"bolt11\": \"lnbcrt1\", \"payment_hash\": \"zz\", "
                           "\"expires_at\": 1}");
  invoice = create_invoice (f, 1000, "x", 60, NULL, &error);
  g_assert_null (invoice);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* A preimage that does not hash to the invoice's payment hash is no proof. */
  bolt11 = fake_cln_add_remote_invoice (f->fake, 1000, 0, 3600, TRUE, preimage);
  fake_cln_set_raw_result (f->fake, "xpay",
                           "{\"payment_preimage\": \"00000000000000000000000000000000"
                           "00000000000000000000000000000000\", \"failed_parts\": 0, "
                           "\"successful_parts\": 1, \"amount_msat\": 1000, "
                           "\"amount_sent_msat\": 1001}");
  payment = pay (f, bolt11, 0, 100, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
  g_clear_error (&error);

  info = get_info (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->spendable_msat, ==, EXAMPLE_SPENDABLE_MSAT);
}

/* A cancelled call ends at once with G_IO_ERROR_CANCELLED; others go on. */
static void
test_cancelled_call (Fixture *f)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32];

  bolt11 = fake_cln_add_remote_invoice (f->fake, 1000, 0, 3600, TRUE, preimage);
  fake_cln_set_pay_delay (f->fake, 2000);
  ms_lightning_pay_async (ln (f), bolt11, 0, 100, cancellable, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (fake_cln_get_n_payments (f->fake) == 1, WAIT_MS);
  g_cancellable_cancel (cancellable);
  MS_TEST_WAIT_UNTIL (result != NULL, 1000);
  payment = ms_lightning_pay_finish (ln (f), result, &error);
  g_assert_null (payment);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  info = get_info (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
}

/*
 * A node that takes a call and never answers: the call gives up after the
 * deadline as unreachable, the node is reported offline, and the next call
 * goes through. A payment has no deadline: it is looked up instead.
 */
static void
test_call_deadline (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(MsLnNodeInfo) again = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32];
  gint64 started;

  ms_cln_backend_set_call_deadline (f->backend, 1);
  g_assert_nonnull ((info = get_info (f, &error)));
  g_clear_pointer (&info, ms_ln_node_info_free);

  fake_cln_hang_next (f->fake, "getinfo");
  started = g_get_monotonic_time ();
  info = get_info (f, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "did not answer within 1 s"));
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 900 * 1000);
  g_assert_false (ms_cln_backend_get_online (f->backend));
  g_clear_error (&error);

  again = get_info (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_true (ms_cln_backend_get_online (f->backend));

  /* A slow payment outlives the deadline and still reports how it ended. */
  bolt11 = fake_cln_add_remote_invoice (f->fake, 1000, 0, 3600, TRUE, preimage);
  fake_cln_set_pay_delay (f->fake, 1600);
  ms_lightning_pay_async (ln (f), bolt11, 0, 100, NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, WAIT_MS);
  payment = ms_lightning_pay_finish (ln (f), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (payment);
  g_assert_cmpmem (payment->preimage, 32, preimage, 32);
}

/* stop(): calls in flight end with G_IO_ERROR_CANCELLED. */
static void
test_stop (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 preimage[32];

  ms_lightning_watch_settlements (ln (f), 0);
  bolt11 = fake_cln_add_remote_invoice (f->fake, 1000, 0, 3600, TRUE, preimage);
  fake_cln_set_pay_delay (f->fake, 2000);
  ms_lightning_pay_async (ln (f), bolt11, 0, 100, NULL, store_result_cb, &result);
  MS_TEST_WAIT_UNTIL (fake_cln_get_n_payments (f->fake) == 1, WAIT_MS);
  ms_lightning_stop (ln (f));
  MS_TEST_WAIT_UNTIL (result != NULL, 1000);
  payment = ms_lightning_pay_finish (ln (f), result, &error);
  g_assert_null (payment);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* CLNRest only */

static void
assert_no_rune (const GError *error,
                const char   *rune)
{
  g_assert_null (strstr (error->message, rune));
}

static void
test_wrong_rune (Fixture *f)
{
  const char *wrong = "bm90IHRoZSByaWdodCBydW5lIGF0IGFsbCwgc29ycnk9PQ==";
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(GError) error = NULL;

  release_backend (f);
  attach_backend (f, new_backend (f, wrong));

  info = get_info (f, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED);
  assert_no_rune (error, wrong);
  g_clear_error (&error);

  /* Even when the node's refusal quotes the rune, our message does not. */
  fake_cln_set_quote_rune (f->fake, TRUE);
  invoice = create_invoice (f, 1000, "x", 60, NULL, &error);
  g_assert_null (invoice);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED);
  assert_no_rune (error, wrong);
  g_assert_nonnull (strstr (error->message, "is not derived from master"));
  g_assert_cmpuint (fake_cln_get_n_invoices (f->fake), ==, 0);

  /* No rune at all: 403. */
  g_clear_error (&error);
  release_backend (f);
  attach_backend (f, new_backend (f, ""));
  g_clear_pointer (&info, ms_ln_node_info_free);
  info = get_info (f, &error);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "Missing rune"));
  g_assert_nonnull (strstr (error->message, "HTTP 403"));
}

static void
test_pinned_mismatch (Fixture *f)
{
  g_autoptr(GTlsCertificate) other = load_certificate ("MS_TEST_TLS_OTHER_CERT", NULL);
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (other);
  release_backend (f);
  g_set_object (&f->pinned, other);
  attach_backend (f, new_backend (f, FAKE_CLN_RUNE));

  info = get_info (f, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "TLS"));
  assert_no_rune (error, FAKE_CLN_RUNE);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "getinfo"), ==, 0);

  /* Without a pin the self-signed certificate fails the system CAs. */
  g_clear_error (&error);
  release_backend (f);
  g_clear_object (&f->pinned);
  attach_backend (f, new_backend (f, FAKE_CLN_RUNE));
  info = get_info (f, &error);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
  g_assert_cmpuint (fake_cln_get_n_calls (f->fake, "getinfo"), ==, 0);
}

/* The schema validator */

static ClnSchema *
load_schema (const char *method)
{
  g_autofree char *file = g_strconcat (method, ".json", NULL);
  g_autofree char *path = g_build_filename (contracts_dir, "cln", file, NULL);
  g_autoptr(GError) error = NULL;
  ClnSchema *schema = cln_schema_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (cln_schema_get_method (schema), ==, method);
  return schema;
}

static MsJsonDocument *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  MsJsonDocument *doc = ms_json_document_parse (json, strlen (json), &error);

  g_assert_no_error (error);
  return doc;
}

/*
 * Every upstream example passes, requests (those with named parameters) and
 * responses, save one: decodepay's, taken from the commit before its
 * removal, has the placeholder payee "nodeid0101...", which is no pubkey.
 */
static void
check_examples (ClnSchema  *schema,
                const char *method,
                guint      *n_requests,
                guint      *n_responses)
{
  const MsJsonValue *examples = cln_schema_get_examples (schema);

  for (guint i = 0; examples != NULL && i < ms_json_value_get_length (examples); i++)
    {
      const MsJsonValue *example = ms_json_array_get_element (examples, i);
      const MsJsonValue *request = ms_json_object_get_member (example, "request");
      const MsJsonValue *params = ms_json_object_get_member (request, "params");
      const MsJsonValue *response = ms_json_object_get_member (example, "response");
      g_autoptr(GError) error = NULL;

      if (ms_json_value_get_value_type (params) == MS_JSON_OBJECT)
        {
          cln_schema_validate_request (schema, params, &error);
          g_assert_no_error (error);
          (*n_requests)++;
        }

      cln_schema_validate_response (schema, response, &error);
      if (strcmp (method, "decodepay") == 0)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
          g_assert_true (g_str_has_prefix (error->message,
                                           "$.payee: expected pubkey, got \"nodeid0101"));
          continue;
        }
      g_assert_no_error (error);
      (*n_responses)++;
    }
}

static void
test_schema_examples (void)
{
  g_autoptr(GDir) dir = NULL;
  g_autofree char *cln_dir = g_build_filename (contracts_dir, "cln", NULL);
  guint n_files = 0, n_requests = 0, n_responses = 0;
  const char *name;

  dir = g_dir_open (cln_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *method = g_strndup (name, strlen (name) - strlen (".json"));
      g_autoptr(ClnSchema) schema = load_schema (method);

      check_examples (schema, method, &n_requests, &n_responses);
      n_files++;
    }

  /* The 16 files of the README hold 37 examples, 30 of them with named parameters. */
  g_assert_cmpuint (n_files, ==, 16);
  g_assert_cmpuint (n_requests, ==, 30);
  g_assert_cmpuint (n_responses, ==, 36);
}

static void
assert_invalid (ClnSchema          *schema,
                ClnSchemaDirection  direction,
                const char         *json,
                const char         *expected_message)
{
  g_autoptr(MsJsonDocument) doc = parse (json);
  g_autoptr(GError) error = NULL;
  const MsJsonValue *root = ms_json_document_get_root (doc);
  gboolean ok;

  if (direction == CLN_SCHEMA_REQUEST)
    ok = cln_schema_validate_request (schema, root, &error);
  else
    ok = cln_schema_validate_response (schema, root, &error);
  g_assert_false (ok);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, expected_message);
}

static void
assert_valid (ClnSchema          *schema,
              ClnSchemaDirection  direction,
              const char         *json)
{
  g_autoptr(MsJsonDocument) doc = parse (json);
  g_autoptr(GError) error = NULL;
  const MsJsonValue *root = ms_json_document_get_root (doc);

  if (direction == CLN_SCHEMA_REQUEST)
    cln_schema_validate_request (schema, root, &error);
  else
    cln_schema_validate_response (schema, root, &error);
  g_assert_no_error (error);
}

/* Each keyword can fail, and says where. */
static void
test_schema_rejects (void)
{
  g_autoptr(ClnSchema) invoice = load_schema ("invoice");
  g_autoptr(ClnSchema) listpays = load_schema ("listpays");
  g_autoptr(ClnSchema) getinfo = load_schema ("getinfo");
  g_autoptr(ClnSchema) wait = load_schema ("waitanyinvoice");
  g_autoptr(ClnSchema) peers = load_schema ("listpeerchannels");

  assert_invalid (invoice, CLN_SCHEMA_REQUEST, "{\"amount_msat\":1,\"description\":\"d\"}",
                  "$: 'label' is required");
  assert_invalid (invoice, CLN_SCHEMA_REQUEST,
                  "{\"amount_msat\":\"lots\",\"label\":\"l\",\"description\":\"d\"}",
                  "$.amount_msat: expected msat_or_any, got \"lots\"");
  assert_invalid (invoice, CLN_SCHEMA_REQUEST,
                  "{\"amount_msat\":1,\"label\":\"l\",\"description\":\"d\",\"colour\":1}",
                  "$.colour: is not allowed here (additionalProperties is false)");
  assert_invalid (invoice, CLN_SCHEMA_REQUEST,
                  "{\"amount_msat\":1,\"label\":true,\"description\":\"d\"}",
                  "$.label: matches none of the oneOf alternatives (first: $.label: expected "
                  "string, got true)");
  assert_invalid (invoice, CLN_SCHEMA_REQUEST,
                  "{\"amount_msat\":1,\"label\":\"l\",\"description\":\"d\",\"expiry\":-5}",
                  "$.expiry: expected u64, got -5");
  assert_invalid (invoice, CLN_SCHEMA_REQUEST,
                  "{\"amount_msat\":1,\"label\":\"l\",\"description\":\"d\",\"cltv\":4294967296}",
                  "$.cltv: expected u32, got 4294967296");
  assert_invalid (invoice, CLN_SCHEMA_REQUEST,
                  "{\"amount_msat\":1,\"label\":\"l\",\"description\":\"d\","
                  "\"exposeprivatechannels\":\"1x2\"}",
                  "$.exposeprivatechannels: matches none of the oneOf alternatives (first: "
                  "$.exposeprivatechannels: expected boolean, got \"1x2\")");
  assert_valid (invoice, CLN_SCHEMA_REQUEST,
                "{\"amount_msat\":\"any\",\"label\":7,\"description\":\"d\","
                "\"exposeprivatechannels\":\"103x1x0\"}");

  assert_invalid (listpays, CLN_SCHEMA_RESPONSE,
                  "{\"pays\":[{\"payment_hash\":\"" "00000000000000000000000000000000"
                  "00000000000000000000000000000000\",\"status\":\"weird\",\"created_at\":1,"
                  "\"created_index\":1}]}",
                  "$.pays[0].status: \"weird\" is not one of the allowed values");
  /* if status is complete then amount_sent_msat and preimage are required. */
  assert_invalid (listpays, CLN_SCHEMA_RESPONSE,
                  "{\"pays\":[{\"payment_hash\":\"" "00000000000000000000000000000000"
                  "00000000000000000000000000000000\",\"status\":\"complete\",\"created_at\":1,"
                  "\"created_index\":1,\"amount_sent_msat\":5}]}",
                  "$.pays[0]: 'preimage' is required");
  /* msat in a response is an integer, never a string. */
  assert_invalid (listpays, CLN_SCHEMA_RESPONSE,
                  "{\"pays\":[{\"payment_hash\":\"" "00000000000000000000000000000000"
                  "00000000000000000000000000000000\",\"status\":\"complete\",\"created_at\":1,"
                  "\"created_index\":1,\"preimage\":\"" "00000000000000000000000000000000"
                  "00000000000000000000000000000000\",\"amount_sent_msat\":\"5msat\"}]}",
                  "$.pays[0].amount_sent_msat: expected msat, got \"5msat\"");
  assert_invalid (listpays, CLN_SCHEMA_REQUEST, "{\"payment_hash\":\"abcd\"}",
                  "$.payment_hash: expected hash, got \"abcd\"");

  assert_invalid (getinfo, CLN_SCHEMA_RESPONSE, "{\"id\":\"04aa\"}",
                  "$: 'alias' is required");
  assert_invalid (wait, CLN_SCHEMA_RESPONSE,
                  "{\"label\":\"l\",\"payment_hash\":\"" "00000000000000000000000000000000"
                  "00000000000000000000000000000000\",\"status\":\"paid\",\"created_index\":1,"
                  "\"expires_at\":5}",
                  "$: 'pay_index' is required");
  assert_invalid (peers, CLN_SCHEMA_REQUEST, "{\"id\":\"04" "00000000000000000000000000000000"
                  "000000000000000000000000000000\"}",
                  "$.id: expected pubkey, got \"04" "0000000000000000000000000000000000...");
  assert_invalid (peers, CLN_SCHEMA_REQUEST, "{\"short_channel_id\":\"16777216x1x1\"}",
                  "$.short_channel_id: expected short_channel_id, got \"16777216x1x1\"");
  assert_valid (peers, CLN_SCHEMA_REQUEST, "{\"short_channel_id\":\"16777215x16777215x65535\"}");
}

static void
check_type (const char *type,
            const char *json,
            gboolean    request_ok,
            gboolean    response_ok)
{
  g_autofree char *schema_json = g_strdup_printf ("{\"type\":\"%s\"}", type);
  g_autoptr(MsJsonDocument) schema = parse (schema_json);
  g_autoptr(MsJsonDocument) value = parse (json);
  const MsJsonValue *s = ms_json_document_get_root (schema);
  const MsJsonValue *v = ms_json_document_get_root (value);

  g_assert_cmpint (cln_schema_validate (s, v, CLN_SCHEMA_REQUEST, NULL), ==, request_ok);
  g_assert_cmpint (cln_schema_validate (s, v, CLN_SCHEMA_RESPONSE, NULL), ==, response_ok);
}

/* CLN's own types, as contrib/pyln-testing checks them. */
static void
test_schema_types (void)
{
  g_autoptr(MsJsonDocument) schema = parse ("{\"type\":\"sat\"}");
  g_autoptr(MsJsonDocument) value = parse ("1");
  g_autoptr(GError) error = NULL;

  check_type ("msat", "18446744073709551615", TRUE, TRUE);
  check_type ("msat", "18446744073709551616", FALSE, FALSE);
  check_type ("msat", "-1", FALSE, FALSE);
  check_type ("msat", "1.0", FALSE, FALSE);
  check_type ("msat", "\"1000msat\"", TRUE, FALSE);
  check_type ("msat", "\"1.5sat\"", TRUE, FALSE);
  check_type ("msat", "\"1.0005sat\"", FALSE, FALSE);
  check_type ("msat", "\"0.00000000001btc\"", TRUE, FALSE);
  check_type ("msat", "\"1000\"", FALSE, FALSE);
  check_type ("msat_or_any", "\"any\"", TRUE, TRUE);
  check_type ("msat_or_any", "\"all\"", FALSE, FALSE);
  check_type ("u8", "255", TRUE, TRUE);
  check_type ("u8", "256", FALSE, FALSE);
  check_type ("u16", "65536", FALSE, FALSE);
  check_type ("integer", "-12", TRUE, TRUE);
  check_type ("integer", "1e3", FALSE, FALSE);
  check_type ("number", "1e3", TRUE, TRUE);
  check_type ("hex", "\"0aF9\"", TRUE, TRUE);
  check_type ("hex", "\"0g\"", FALSE, FALSE);
  check_type ("hash", "\"" "ab00000000000000000000000000000000000000000000000000000000000000" "\"",
              TRUE, TRUE);
  check_type ("secret", "\"ab\"", FALSE, FALSE);
  check_type ("pubkey", "\"02" "00000000000000000000000000000000000000000000000000000000000000"
              "00\"", TRUE, TRUE);
  check_type ("short_channel_id_dir", "\"1x2x3/1\"", TRUE, TRUE);
  check_type ("short_channel_id_dir", "\"1x2x3/2\"", FALSE, FALSE);
  check_type ("short_channel_id", "\"1x2\"", FALSE, FALSE);
  check_type ("bip340sig", "\"ab\"", FALSE, FALSE);
  check_type ("signature", "\"3044\"", TRUE, TRUE);
  check_type ("boolean", "0", FALSE, FALSE);

  /* A type we do not know is an error in the schema, not a pass. */
  g_assert_false (cln_schema_validate (ms_json_document_get_root (schema),
                                       ms_json_document_get_root (value), CLN_SCHEMA_REQUEST,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* Framing and replies */

static void
assert_frame (MsClnFramer *framer,
              const char  *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) frame = _ms_cln_framer_next (framer, &error);

  g_assert_no_error (error);
  if (expected == NULL)
    {
      g_assert_null (frame);
      return;
    }
  g_assert_nonnull (frame);
  g_assert_cmpmem (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame), expected,
                   strlen (expected));
}

static void
test_reply_framer (void)
{
  g_autoptr(MsClnFramer) framer = _ms_cln_framer_new (16);
  g_autoptr(GError) error = NULL;
  const char *stream = "{\"a\":1}\n\n\n\n{\"b\":\n2}\n\n{\"c\":3}";

  /* Byte by byte: a frame appears only once its "\n\n" has arrived. */
  for (gsize i = 0; i < strlen (stream); i++)
    {
      _ms_cln_framer_push (framer, (const guint8 *) stream + i, 1);
      if (i == 8)
        assert_frame (framer, "{\"a\":1}");
      else if (i == 20)
        assert_frame (framer, "{\"b\":\n2}");
      else
        assert_frame (framer, NULL);
    }

  /* Several at once, and a blank frame in between. */
  _ms_cln_framer_push (framer, (const guint8 *) "\n\n \n\n{}\n\n", 9);
  assert_frame (framer, "{\"c\":3}");
  assert_frame (framer, "{}");
  assert_frame (framer, NULL);

  /* More than the limit without a delimiter. */
  _ms_cln_framer_push (framer, (const guint8 *) "{\"too\":\"long for it\"", 21);
  g_assert_null (_ms_cln_framer_next (framer, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
}

static void
check_msat (const char *json,
            gboolean    ok,
            guint64     expected)
{
  g_autoptr(MsJsonDocument) doc = parse (json);
  guint64 msat = 0;

  g_assert_cmpint (_ms_cln_parse_msat (ms_json_document_get_root (doc), &msat), ==, ok);
  if (ok)
    g_assert_cmpuint (msat, ==, expected);
}

static void
test_reply_msat (void)
{
  check_msat ("0", TRUE, 0);
  check_msat ("123", TRUE, 123);
  check_msat ("18446744073709551615", TRUE, G_MAXUINT64);
  check_msat ("\"123msat\"", TRUE, 123);
  check_msat ("\"18446744073709551615msat\"", TRUE, G_MAXUINT64);
  check_msat ("18446744073709551616", FALSE, 0);
  check_msat ("\"18446744073709551616msat\"", FALSE, 0);
  check_msat ("-1", FALSE, 0);
  check_msat ("1.5", FALSE, 0);
  check_msat ("1e3", FALSE, 0);
  check_msat ("\"123\"", FALSE, 0);
  check_msat ("\"msat\"", FALSE, 0);
  check_msat ("\"12sat\"", FALSE, 0);
  check_msat ("\"-1msat\"", FALSE, 0);
  check_msat ("null", FALSE, 0);
}

static void
test_reply_envelope (void)
{
  static const char * const bad[] = {
    "", "nope", "[]", "{\"jsonrpc\":\"2.0\",\"id\":\"x\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":[]}",
    "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{},\"error\":{\"code\":1,\"message\":\"m\"}}",
    "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":\"1\",\"message\":\"m\"}}",
    "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":1}}",
    "{\"jsonrpc\":\"2.0\",\"id\":[1],\"result\":{}}",
  };
  g_autoptr(MsClnReply) result = NULL;
  g_autoptr(MsClnReply) failure = NULL;
  g_autoptr(MsClnReply) number = NULL;
  g_autoptr(MsClnReply) note = NULL;
  const char *text;

  text = "{\"jsonrpc\":\"2.0\",\"id\":\"moneysocket:getinfo#1\",\"result\":{\"a\":1}}";
  result = _ms_cln_reply_parse_rpc (text, strlen (text), NULL);
  g_assert_cmpint (result->kind, ==, MS_CLN_REPLY_RESULT);
  g_assert_cmpstr (result->id, ==, "moneysocket:getinfo#1");
  g_assert_nonnull (ms_json_object_get_member (result->result, "a"));

  text = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"bad\","
         "\"data\":{\"x\":1}}}";
  failure = _ms_cln_reply_parse_rpc (text, strlen (text), NULL);
  g_assert_cmpint (failure->kind, ==, MS_CLN_REPLY_ERROR);
  g_assert_null (failure->id);
  g_assert_cmpint (failure->code, ==, -32600);
  g_assert_cmpstr (failure->message, ==, "bad");
  g_assert_nonnull (failure->error_data);

  text = "{\"jsonrpc\":\"2.0\",\"id\":17,\"result\":{}}";
  number = _ms_cln_reply_parse_rpc (text, strlen (text), NULL);
  g_assert_cmpstr (number->id, ==, "17");

  text = "{\"jsonrpc\":\"2.0\",\"method\":\"message\",\"params\":{}}";
  note = _ms_cln_reply_parse_rpc (text, strlen (text), NULL);
  g_assert_cmpint (note->kind, ==, MS_CLN_REPLY_NOTIFICATION);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsClnReply) reply = _ms_cln_reply_parse_rpc (bad[i], strlen (bad[i]), &error);

      g_assert_null (reply);
      g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
    }
}

static void
check_rest (guint       status,
            const char *body,
            GQuark      domain,
            gint        code,
            gint64      node_code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsClnReply) reply = _ms_cln_reply_parse_rest (status, body, strlen (body), &error);

  if (domain == 0)
    {
      g_assert_no_error (error);
      g_assert_cmpint (reply->kind, ==, node_code == 0 ? MS_CLN_REPLY_RESULT : MS_CLN_REPLY_ERROR);
      if (node_code != 0)
        g_assert_cmpint (reply->code, ==, node_code);
      return;
    }
  g_assert_null (reply);
  g_assert_error (error, domain, code);
}

/* rest.md: 201 with the result; 401/403 the rune; 404 unknown method; 500 the RPC error. */
static void
test_reply_rest (void)
{
  const char *refused = "{\"code\":1502,\"message\":\"Not authorized: Not derived from master\"}";

  check_rest (201, "{\"id\":\"x\"}", 0, 0, 0);
  check_rest (201, "[1]", MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, 0);
  check_rest (201, "", MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, 0);
  check_rest (401, refused, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED, 0);
  check_rest (403, "", MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED, 0);
  check_rest (404, "{\"code\":-32601,\"message\":\"Unknown command 'xpay'\"}", 0, 0, -32601);
  check_rest (404, "Not Found", 0, 0, -32601);
  check_rest (500, "{\"code\":207,\"message\":\"Invoice expired\",\"data\":null}", 0, 0, 207);
  check_rest (500, "{\"code\":null,\"message\":\"oops\"}", 0, 0, -1);
  check_rest (500, "<html>", MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, 0);
  check_rest (502, "", MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE, 0);
  check_rest (406, "", MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, 0);
  check_rest (302, "", MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, 0);
}

static void
check_mapping (const char *method,
               gint64      code,
               gint        expected)
{
  MsClnReply reply = { MS_CLN_REPLY_ERROR, NULL, NULL, NULL, code, (char *) "why", NULL };
  g_autoptr(GError) error = _ms_cln_reply_to_error (method, &reply);

  g_assert_error (error, MS_LIGHTNING_ERROR, expected);
  g_assert_nonnull (strstr (error->message, "why"));
}

/* The README's error codes, as the interface names them. */
static void
test_reply_errors (void)
{
  check_mapping ("xpay", 203, MS_LIGHTNING_ERROR_PAYMENT_FAILED);
  check_mapping ("xpay", 205, MS_LIGHTNING_ERROR_PAYMENT_FAILED);
  check_mapping ("pay", 206, MS_LIGHTNING_ERROR_PAYMENT_FAILED);
  check_mapping ("xpay", 209, MS_LIGHTNING_ERROR_PAYMENT_FAILED);
  check_mapping ("pay", 210, MS_LIGHTNING_ERROR_PAYMENT_FAILED);
  check_mapping ("xpay", 207, MS_LIGHTNING_ERROR_REFUSED);
  check_mapping ("pay", 200, MS_LIGHTNING_ERROR_UNREACHABLE);
  check_mapping ("xpay", -32602, MS_LIGHTNING_ERROR_REFUSED);
  check_mapping ("xpay", -1, MS_LIGHTNING_ERROR_REFUSED);
  check_mapping ("invoice", 900, MS_LIGHTNING_ERROR_REFUSED);
  check_mapping ("invoice", 203, MS_LIGHTNING_ERROR_REFUSED);
  check_mapping ("getinfo", 1501, MS_LIGHTNING_ERROR_UNAUTHORIZED);
  check_mapping ("getinfo", 1502, MS_LIGHTNING_ERROR_UNAUTHORIZED);
  check_mapping ("invoice", 1503, MS_LIGHTNING_ERROR_UNAUTHORIZED);
  check_mapping ("listpays", -32601, MS_LIGHTNING_ERROR_REFUSED);
}

/* The fake itself: a request outside the contract is refused and recorded. */

typedef struct
{
  GString  *reply;
  gboolean  done;
} RawCall;

static void
raw_read_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data);

static void
raw_read (GInputStream *input,
          RawCall      *call)
{
  static guint8 buf[4096];

  g_input_stream_read_async (input, buf, sizeof buf, G_PRIORITY_DEFAULT, NULL, raw_read_cb, call);
  g_object_set_data (G_OBJECT (input), "buf", buf);
}

static void
raw_read_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RawCall *call = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0)
    {
      call->done = TRUE;
      return;
    }
  g_string_append_len (call->reply, g_object_get_data (object, "buf"), n);
  if (strstr (call->reply->str, "\n\n") != NULL)
    call->done = TRUE;
  else
    raw_read (G_INPUT_STREAM (object), call);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GSocketConnection **out = user_data;

  *out = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, NULL);
  g_assert_nonnull (*out);
}

/* Sends @request on a new connection and returns the first reply frame. */
static char *
raw_rpc (FakeCln    *fake,
         const char *request)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (fake_cln_get_socket_path (fake));
  g_autoptr(GSocketConnection) stream = NULL;
  RawCall call = { g_string_new (NULL), FALSE };

  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), NULL, connected_cb,
                                 &stream);
  MS_TEST_WAIT_UNTIL (stream != NULL, WAIT_MS);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (stream)),
                                            request, strlen (request), NULL, NULL, NULL));
  raw_read (g_io_stream_get_input_stream (G_IO_STREAM (stream)), &call);
  MS_TEST_WAIT_UNTIL (call.done, WAIT_MS);
  g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
  return g_string_free (call.reply, FALSE);
}

static void
test_fake_rejects (void)
{
  g_autoptr(GError) error = NULL;
  FakeCln *fake = fake_cln_new (contracts_dir, &error);
  GPtrArray *violations;
  g_autofree char *bad_params = NULL;
  g_autofree char *no_version = NULL;
  g_autofree char *legacy = NULL;

  g_assert_no_error (error);
  g_assert_true (fake_cln_listen_rpc (fake, &error));
  violations = fake_cln_get_violations (fake);

  bad_params = raw_rpc (fake, "{\"jsonrpc\":\"2.0\",\"id\":\"t:1\",\"method\":\"invoice\","
                              "\"params\":{\"amount_msat\":\"lots\",\"label\":\"l\","
                              "\"description\":\"d\"}}");
  g_assert_cmpstr (bad_params, ==,
                   "{\"jsonrpc\":\"2.0\",\"id\":\"t:1\",\"error\":{\"code\":-32602,"
                   "\"message\":\"$.amount_msat: expected msat_or_any, got \\\"lots\\\"\"}}\n\n");
  g_assert_cmpuint (violations->len, ==, 1);
  g_assert_cmpuint (fake_cln_get_n_invoices (fake), ==, 0);

  no_version = raw_rpc (fake, "{\"id\":2,\"method\":\"getinfo\",\"params\":{}}");
  g_assert_nonnull (strstr (no_version, "\"code\":-32600"));
  g_assert_true (g_str_has_prefix (no_version, "{\"jsonrpc\":\"2.0\",\"id\":2,"));
  g_assert_cmpuint (violations->len, ==, 2);

  /* Old nodes: amounts as strings ending in msat. */
  fake_cln_set_legacy_amounts (fake, TRUE);
  legacy = raw_rpc (fake, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"listpeerchannels\","
                          "\"params\":{}}");
  g_assert_nonnull (strstr (legacy, "\"spendable_msat\":\"599507210msat\""));
  g_assert_cmpuint (violations->len, ==, 2);

  fake_cln_free (fake);
  ms_test_run_for (20);
}

/* Registration */

static void
add (const char *name,
     CaseFunc    func,
     gboolean    rpc,
     gboolean    rest)
{
  for (Mode mode = MODE_RPC; mode <= MODE_REST; mode++)
    {
      g_autofree char *path = NULL;
      Case *c;

      if ((mode == MODE_RPC && !rpc) || (mode == MODE_REST && !rest))
        continue;
      c = g_new0 (Case, 1);
      g_ptr_array_add (cases, c);
      c->mode = mode;
      c->func = func;
      path = g_strdup_printf ("/cln/%s/%s", mode == MODE_RPC ? "rpc" : "rest", name);
      g_test_add (path, Fixture, c, fixture_setup, run_case, fixture_teardown);
    }
}

static void
add_both (const char *name,
          CaseFunc    func)
{
  add (name, func, TRUE, TRUE);
}

static gboolean
find_contracts (void)
{
  const char *dir = g_getenv ("MS_CONTRACTS_DIR");
  g_autofree char *probe = NULL;

  contracts_dir = g_strdup (dir != NULL ? dir : "../shared/contracts");
  probe = g_build_filename (contracts_dir, "cln", "getinfo.json", NULL);
  return g_file_test (probe, G_FILE_TEST_IS_REGULAR);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ms_test_init (&argc, &argv);

  if (!find_contracts ())
    {
      g_print ("1..0 # SKIP CLN schemas not found in %s; point -Dcontracts_dir at the shared "
               "contracts\n", contracts_dir);
      g_free (contracts_dir);
      return 0;
    }

  cases = g_ptr_array_new_with_free_func (g_free);
  g_test_add_func ("/cln/schema/examples", test_schema_examples);
  g_test_add_func ("/cln/schema/rejects", test_schema_rejects);
  g_test_add_func ("/cln/schema/types", test_schema_types);
  g_test_add_func ("/cln/reply/framer", test_reply_framer);
  g_test_add_func ("/cln/reply/msat", test_reply_msat);
  g_test_add_func ("/cln/reply/envelope", test_reply_envelope);
  g_test_add_func ("/cln/reply/rest", test_reply_rest);
  g_test_add_func ("/cln/reply/errors", test_reply_errors);
  g_test_add_func ("/cln/fake/rejects", test_fake_rejects);

  add_both ("info", test_info);
  add_both ("legacy-amounts", test_legacy_amounts);
  add_both ("invoice-node-preimage", test_invoice_node_preimage);
  add_both ("invoice-our-preimage", test_invoice_our_preimage);
  add_both ("pay-success", test_pay_success);
  add_both ("pay-amountless", test_pay_amountless);
  add_both ("pay-self", test_pay_self);
  add_both ("pay-already-paid", test_pay_already_paid);
  add_both ("pay-failure", test_pay_failure);
  add_both ("pay-fee-limit", test_pay_fee_limit);
  add_both ("pay-expired", test_pay_expired);
  add_both ("pay-fallback", test_pay_fallback);
  add_both ("lookup", test_lookup);
  add_both ("cancel", test_cancel);
  add_both ("settlements-in-order", test_settlements_in_order);
  add_both ("settlements-resume", test_settlements_resume);
  add_both ("poll-timeout", test_poll_timeout);
  add_both ("node-restart", test_node_restart);
  add_both ("drop-mid-pay", test_drop_mid_pay);
  add_both ("malformed", test_malformed);
  add_both ("cancelled-call", test_cancelled_call);
  add_both ("call-deadline", test_call_deadline);
  add_both ("stop", test_stop);
  add ("wrong-rune", test_wrong_rune, FALSE, TRUE);
  add ("pinned-mismatch", test_pinned_mismatch, FALSE, TRUE);

  status = g_test_run ();
  g_ptr_array_unref (cases);
  g_free (contracts_dir);
  return status;
}
