/* test-lnd.c: the LND REST backend against a fake lnd over HTTPS on 127.0.0.1
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * The fake validates every request against lnd's swagger files
 * (MS_CONTRACTS_DIR/lnd) and fails the test on any violation; the
 * protojson and stream parsers are also tested on their own.
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "fake-lnd.h"
#include "moneysocket.h"
#include "ms-lnd-backend.h"
#include "ms-lnd-protojson-private.h"
#include "test-util.h"

#define WAIT_MS 5000

typedef struct
{
  FakeLnd         *fake;
  GTlsCertificate *pinned;
  MsLightning     *ln;
  GPtrArray       *settlements;
  guint            n_online;
  guint            n_offline;
  gint             online;
  char            *last_offline;
} Fixture;

typedef struct
{
  GAsyncResult *result;
} Slot;

static LndSwagger *swagger;

static GTlsCertificate *
load_certificate (const char *cert_variable,
                  const char *key_variable)
{
  const char *cert = g_getenv (cert_variable);
  const char *key = key_variable != NULL ? g_getenv (key_variable) : NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  if (cert == NULL)
    return NULL;

  certificate = key != NULL ? g_tls_certificate_new_from_files (cert, key, &error)
                            : g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  return certificate;
}

static void
settled_cb (MsLightning    *ln,
            MsLnSettlement *settlement,
            Fixture        *f)
{
  g_ptr_array_add (f->settlements, ms_ln_settlement_copy (settlement));
}

static void
connection_changed_cb (MsLightning *ln,
                       gboolean     online,
                       const char  *error,
                       Fixture     *f)
{
  /* Only changes are told, the first one from not knowing. */
  g_assert_cmpint (online, !=, f->online);
  f->online = online;
  if (online)
    {
      g_assert_null (error);
      f->n_online++;
      return;
    }

  g_assert_nonnull (error);
  f->n_offline++;
  g_free (f->last_offline);
  f->last_offline = g_strdup (error);
}

static MsLightning *
new_backend (Fixture         *f,
             GBytes          *macaroon,
             GTlsCertificate *pinned)
{
  MsLndBackend *backend = ms_lnd_backend_new (fake_lnd_get_url (f->fake), macaroon, pinned);

  /* Tests do not wait seconds for a retry. */
  ms_lnd_backend_set_reconnect_delays (backend, 50, 400);
  g_signal_connect (backend, "invoice-settled", G_CALLBACK (settled_cb), f);
  g_signal_connect (backend, "connection-changed", G_CALLBACK (connection_changed_cb), f);
  return MS_LIGHTNING (backend);
}

static void
drop_backend (Fixture *f)
{
  ms_lightning_stop (f->ln);
  g_signal_handlers_disconnect_by_data (f->ln, f);
  g_assert_finalize_object (f->ln);
  f->ln = NULL;
  f->online = -1;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GTlsCertificate) server = load_certificate ("MS_TEST_TLS_CERT", "MS_TEST_TLS_KEY");
  g_autoptr(GError) error = NULL;

  f->fake = fake_lnd_new (swagger, server);
  g_assert_true (fake_lnd_start (f->fake, &error));
  g_assert_no_error (error);

  f->pinned = load_certificate ("MS_TEST_TLS_CERT", NULL);
  f->online = -1;
  f->settlements = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_ln_settlement_free);
  f->ln = new_backend (f, fake_lnd_get_macaroon (f->fake), f->pinned);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->ln != NULL)
    drop_backend (f);

  /* Let cancelled requests wind down before the server goes. */
  ms_test_run_for (20);
  g_assert_cmpuint (fake_lnd_get_n_invalid (f->fake), ==, 0);
  g_clear_pointer (&f->fake, fake_lnd_free);
  g_clear_object (&f->pinned);
  g_clear_pointer (&f->settlements, g_ptr_array_unref);
  g_clear_pointer (&f->last_offline, g_free);
  ms_test_run_for (10);
}

/* ---- synchronous wrappers, each wait capped ---- */

static void
slot_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Slot *slot = user_data;

  g_assert_null (slot->result);
  slot->result = g_object_ref (result);
}

static void
slot_wait (Slot *slot)
{
  MS_TEST_WAIT_UNTIL (slot->result != NULL, WAIT_MS);
}

static MsLnNodeInfo *
get_info (MsLightning  *ln,
          GError      **error)
{
  Slot slot = { NULL };
  MsLnNodeInfo *info;

  ms_lightning_get_info_async (ln, NULL, slot_cb, &slot);
  slot_wait (&slot);
  info = ms_lightning_get_info_finish (ln, slot.result, error);
  g_object_unref (slot.result);
  return info;
}

static MsLnInvoice *
create_invoice (MsLightning   *ln,
                guint64        amount_msat,
                const char    *description,
                guint          expiry_s,
                const guint8  *preimage,
                GError       **error)
{
  Slot slot = { NULL };
  MsLnInvoice *invoice;

  ms_lightning_create_invoice_async (ln, amount_msat, description, expiry_s, preimage, NULL,
                                     slot_cb, &slot);
  slot_wait (&slot);
  invoice = ms_lightning_create_invoice_finish (ln, slot.result, error);
  g_object_unref (slot.result);
  return invoice;
}

static MsLnPayment *
pay_finish (MsLightning  *ln,
            Slot         *slot,
            GError      **error)
{
  MsLnPayment *payment;

  slot_wait (slot);
  payment = ms_lightning_pay_finish (ln, slot->result, error);
  g_clear_object (&slot->result);
  return payment;
}

static MsLnPayment *
pay (MsLightning  *ln,
     const char   *bolt11,
     guint64       amount_msat,
     guint64       max_fee_msat,
     GError      **error)
{
  Slot slot = { NULL };

  ms_lightning_pay_async (ln, bolt11, amount_msat, max_fee_msat, NULL, slot_cb, &slot);
  return pay_finish (ln, &slot, error);
}

static MsLnPayment *
lookup (MsLightning   *ln,
        const guint8  *hash,
        GError       **error)
{
  Slot slot = { NULL };
  MsLnPayment *payment;

  ms_lightning_lookup_payment_async (ln, hash, NULL, slot_cb, &slot);
  slot_wait (&slot);
  payment = ms_lightning_lookup_payment_finish (ln, slot.result, error);
  g_object_unref (slot.result);
  return payment;
}

static gboolean
cancel_invoice (MsLightning   *ln,
                const guint8  *hash,
                GError       **error)
{
  Slot slot = { NULL };
  gboolean gone;

  ms_lightning_cancel_invoice_async (ln, hash, NULL, slot_cb, &slot);
  slot_wait (&slot);
  gone = ms_lightning_cancel_invoice_finish (ln, slot.result, error);
  g_object_unref (slot.result);
  return gone;
}

static void
assert_preimage_of (const guint8 *preimage,
                    const guint8 *hash)
{
  guint8 digest[32];

  ms_sha256 (preimage, 32, digest);
  g_assert_cmpmem (digest, 32, hash, 32);
}

static const char *
body_string (FakeLnd    *fake,
             const char *operation_id,
             const char *member)
{
  JsonObject *body = fake_lnd_get_last_body (fake, operation_id);

  g_assert_nonnull (body);
  return json_object_has_member (body, member) ? json_object_get_string_member (body, member)
                                               : NULL;
}

/* ---- node info ---- */

static void
test_info (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = get_info (f->ln, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->alias, ==, "fake-lnd");
  g_assert_cmpstr (info->node_id, ==, fake_lnd_get_node_id (f->fake));
  g_assert_cmpuint (strlen (info->node_id), ==, 66);
  g_assert_cmpstr (info->network, ==, "regtest");
  g_assert_cmpuint (info->spendable_msat, ==, 5000000000);
  g_assert_cmpuint (info->receivable_msat, ==, 3000000000);
  g_assert_cmpuint (info->block_height, ==, 812345);
  g_assert_cmpstr (info->version, ==, "0.19.1-beta commit=v0.19.1-beta");
  g_assert_false (info->is_demo);

  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_GetInfo"), ==, 1);
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_ChannelBalance"), ==, 1);
  g_assert_cmpuint (f->n_online, ==, 1);
  g_assert_cmpuint (f->n_offline, ==, 0);
}

/* ---- invoices ---- */

static void
test_invoice_node_preimage (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsBolt11) bolt11 = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *body;

  invoice = create_invoice (f->ln, 150000, "coffee for two", 600, NULL, &error);
  g_assert_no_error (error);

  bolt11 = ms_bolt11_decode (invoice->bolt11, strlen (invoice->bolt11), MS_BOLT11_DECODE_NONE,
                             &error);
  g_assert_no_error (error);
  g_assert_cmpmem (ms_bolt11_get_payment_hash (bolt11), 32, invoice->payment_hash, 32);
  g_assert_cmpuint (ms_bolt11_get_amount_msat (bolt11), ==, 150000);
  g_assert_cmpstr (ms_bolt11_get_description (bolt11), ==, "coffee for two");
  g_assert_cmpstr (ms_bolt11_get_payee_hex (bolt11), ==, fake_lnd_get_node_id (f->fake));
  g_assert_cmpint (invoice->expires_at, ==, ms_bolt11_get_created_at (bolt11) + 600);
  g_assert_cmpstr (fake_lnd_get_invoice_state (f->fake, invoice->payment_hash), ==, "OPEN");

  /* protojson: int64 as strings, no preimage when the node picks one. */
  body = fake_lnd_get_last_body (f->fake, "Lightning_AddInvoice");
  g_assert_cmpstr (json_object_get_string_member (body, "value_msat"), ==, "150000");
  g_assert_cmpstr (json_object_get_string_member (body, "memo"), ==, "coffee for two");
  g_assert_cmpstr (json_object_get_string_member (body, "expiry"), ==, "600");
  g_assert_true (json_object_get_boolean_member (body, "private"));
  g_assert_false (json_object_has_member (body, "r_preimage"));
  g_assert_false (json_object_has_member (body, "value"));
}

static void
test_invoice_our_preimage (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsLnInvoice) again = NULL;
  g_autoptr(MsBolt11) bolt11 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint8 preimage[32];

  for (guint i = 0; i < 32; i++)
    preimage[i] = (guint8) (0xf0 + i * 7);

  invoice = create_invoice (f->ln, 1000, "", 0, preimage, &error);
  g_assert_no_error (error);
  assert_preimage_of (preimage, invoice->payment_hash);

  bolt11 = ms_bolt11_decode (invoice->bolt11, strlen (invoice->bolt11), MS_BOLT11_DECODE_NONE,
                             &error);
  g_assert_no_error (error);
  g_assert_cmpmem (ms_bolt11_get_payment_hash (bolt11), 32, invoice->payment_hash, 32);
  /* No expiry given: lnd's default of a day. */
  g_assert_cmpint (invoice->expires_at, ==, ms_bolt11_get_created_at (bolt11) + 86400);

  /* bytes go as standard base64 (this preimage has '+' and '/' in it). */
  expected = g_base64_encode (preimage, 32);
  g_assert_cmpstr (body_string (f->fake, "Lightning_AddInvoice", "r_preimage"), ==, expected);
  g_assert_true (strchr (expected, '/') != NULL || strchr (expected, '+') != NULL);
  g_assert_false (json_object_has_member (fake_lnd_get_last_body (f->fake, "Lightning_AddInvoice"),
                                          "expiry"));

  /* lnd refuses a second invoice for the same preimage. */
  again = create_invoice (f->ln, 1000, "", 0, preimage, &error);
  g_assert_null (again);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "already exists"));
}

/* ---- payments ---- */

static void
test_pay_success (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  JsonObject *body;
  guint8 hash[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 200000, 0, hash);
  payment = pay (f->ln, bolt11, 0, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (payment->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpmem (payment->payment_hash, 32, hash, 32);
  assert_preimage_of (payment->preimage, hash);
  g_assert_cmpuint (payment->amount_msat, ==, 200000);
  /* The fake charges 1000 msat + 1000 ppm. */
  g_assert_cmpuint (payment->fee_msat, ==, 1200);
  g_assert_cmpstr (fake_lnd_get_payment_status (f->fake, hash), ==, "SUCCEEDED");

  body = fake_lnd_get_last_body (f->fake, "Router_SendPaymentV2");
  g_assert_cmpstr (json_object_get_string_member (body, "payment_request"), ==, bolt11);
  g_assert_cmpstr (json_object_get_string_member (body, "fee_limit_msat"), ==, "5000");
  g_assert_cmpint (json_object_get_int_member (body, "timeout_seconds"), ==, 60);
  g_assert_false (json_object_has_member (body, "amt_msat"));
  g_assert_false (json_object_has_member (body, "fee_limit_sat"));

  info = get_info (f->ln, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->spendable_msat, ==, 5000000000 - 201200);
}

static void
test_pay_amountless (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 hash[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 0, 0, hash);

  /* Without an amount nothing is sent to the node. */
  refused = pay (f->ln, bolt11, 0, 1000, &error);
  g_assert_null (refused);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Router_SendPaymentV2"), ==, 0);
  g_clear_error (&error);

  payment = pay (f->ln, bolt11, 12345000, 100000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (payment->amount_msat, ==, 12345000);
  g_assert_cmpuint (payment->fee_msat, ==, 1000 + 12345);
  g_assert_cmpstr (body_string (f->fake, "Router_SendPaymentV2", "amt_msat"), ==, "12345000");
}

static void
test_pay_failure (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 hash[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 50000, 0, hash);
  fake_lnd_set_next_payment (f->fake, FAKE_LND_PAY_FAIL, "FAILURE_REASON_INSUFFICIENT_BALANCE");
  payment = pay (f->ln, bolt11, 0, 5000, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PAYMENT_FAILED);
  g_assert_nonnull (strstr (error->message, "FAILURE_REASON_INSUFFICIENT_BALANCE"));
  g_assert_cmpstr (fake_lnd_get_payment_status (f->fake, hash), ==, "FAILED");
  g_clear_error (&error);

  found = lookup (f->ln, hash, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->status, ==, MS_LN_PAYMENT_FAILED);
  g_assert_cmpmem (found->payment_hash, 32, hash, 32);
}

/* The fee limit reaches lnd: a route dearer than it fails. */
static void
test_pay_fee_limit (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 hash[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 200000, 0, hash);
  payment = pay (f->ln, bolt11, 0, 1199, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PAYMENT_FAILED);
  g_assert_nonnull (strstr (error->message, "no route"));
  g_assert_cmpstr (body_string (f->fake, "Router_SendPaymentV2", "fee_limit_msat"), ==, "1199");
}

static void
test_pay_expired (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 hash[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 1000, g_get_real_time () / G_USEC_PER_SEC - 7200,
                                         hash);
  payment = pay (f->ln, bolt11, 0, 1000, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "invoice expired"));
  g_assert_null (fake_lnd_get_payment_status (f->fake, hash));
}

/* Paying twice is answered from the first payment, never paid twice. */
static void
test_pay_already_paid (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MsLnPayment) first = NULL;
  g_autoptr(MsLnPayment) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 hash[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 7000, 0, hash);
  first = pay (f->ln, bolt11, 0, 5000, &error);
  g_assert_no_error (error);

  second = pay (f->ln, bolt11, 0, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpmem (second->preimage, 32, first->preimage, 32);
  g_assert_cmpuint (second->amount_msat, ==, 7000);
  g_assert_cmpuint (second->fee_msat, ==, first->fee_msat);
  g_assert_cmpuint (fake_lnd_get_n_payments (f->fake), ==, 1);
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Router_SendPaymentV2"), ==, 2);
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Router_TrackPaymentV2"), ==, 1);
}

/* A second pay while the first is in flight follows the first to its end. */
static void
test_pay_in_transition (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(MsLnPayment) first = NULL;
  g_autoptr(MsLnPayment) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  Slot slot1 = { NULL }, slot2 = { NULL };
  guint8 hash[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 8000, 0, hash);
  fake_lnd_set_next_payment (f->fake, FAKE_LND_PAY_HOLD, NULL);
  ms_lightning_pay_async (f->ln, bolt11, 0, 5000, NULL, slot_cb, &slot1);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_payment_status (f->fake, hash) != NULL, WAIT_MS);

  ms_lightning_pay_async (f->ln, bolt11, 0, 5000, NULL, slot_cb, &slot2);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_requests (f->fake, "Router_TrackPaymentV2") == 1, WAIT_MS);
  ms_test_run_for (50);
  g_assert_null (slot1.result);
  g_assert_null (slot2.result);

  g_assert_true (fake_lnd_finish_payment (f->fake, hash, TRUE));
  first = pay_finish (f->ln, &slot1, &error);
  g_assert_no_error (error);
  second = pay_finish (f->ln, &slot2, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (first->preimage, 32, second->preimage, 32);
  assert_preimage_of (first->preimage, hash);
  g_assert_cmpuint (fake_lnd_get_n_payments (f->fake), ==, 1);
}

/* Paying an invoice of the node itself settles it: the watcher hears of it. */
static void
test_pay_own_invoice (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  MsLnSettlement *settlement;

  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);

  invoice = create_invoice (f->ln, 42000, "to myself", 0, NULL, &error);
  g_assert_no_error (error);
  payment = pay (f->ln, invoice->bolt11, 0, 2000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (payment->fee_msat, ==, 1042);
  g_assert_true (json_object_get_boolean_member (
                   fake_lnd_get_last_body (f->fake, "Router_SendPaymentV2"), "allow_self_payment"));

  MS_TEST_WAIT_UNTIL (f->settlements->len == 1, WAIT_MS);
  settlement = g_ptr_array_index (f->settlements, 0);
  g_assert_cmpmem (settlement->payment_hash, 32, invoice->payment_hash, 32);
  g_assert_cmpmem (settlement->preimage, 32, payment->preimage, 32);
  g_assert_cmpuint (settlement->amount_received_msat, ==, 42000);
  g_assert_cmpuint (settlement->settle_index, ==, 1);
  g_assert_cmpstr (settlement->label, ==, "to myself");
  g_assert_cmpstr (fake_lnd_get_invoice_state (f->fake, invoice->payment_hash), ==, "SETTLED");
}

/* ---- lookups ---- */

static void
test_lookup (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(MsLnPayment) paid = NULL;
  g_autoptr(MsLnPayment) found = NULL;
  g_autoptr(MsLnPayment) unknown = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  g_autofree char *encoded = NULL;
  guint8 hash[32];
  guint8 nothing[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 31000, 0, hash);
  paid = pay (f->ln, bolt11, 0, 5000, &error);
  g_assert_no_error (error);

  found = lookup (f->ln, hash, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpmem (found->preimage, 32, paid->preimage, 32);
  g_assert_cmpuint (found->amount_msat, ==, 31000);
  g_assert_cmpuint (found->fee_msat, ==, paid->fee_msat);

  /* An all-0xff hash is "/////…" in standard base64; the path needs base64url. */
  memset (nothing, 0xff, sizeof nothing);
  unknown = lookup (f->ln, nothing, &error);
  g_assert_no_error (error);
  g_assert_cmpint (unknown->status, ==, MS_LN_PAYMENT_UNKNOWN);
  g_assert_cmpmem (unknown->payment_hash, 32, nothing, 32);
  encoded = g_base64_encode (nothing, 32);
  g_assert_nonnull (strchr (encoded, '/'));
}

static void
test_lookup_in_flight (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MsLnPayment) found = NULL;
  g_autoptr(MsLnPayment) paid = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  Slot slot = { NULL };
  guint8 hash[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 9000, 0, hash);
  fake_lnd_set_next_payment (f->fake, FAKE_LND_PAY_HOLD, NULL);
  ms_lightning_pay_async (f->ln, bolt11, 0, 5000, NULL, slot_cb, &slot);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_payment_status (f->fake, hash) != NULL, WAIT_MS);

  found = lookup (f->ln, hash, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->status, ==, MS_LN_PAYMENT_PENDING);
  g_assert_null (slot.result);

  g_assert_true (fake_lnd_finish_payment (f->fake, hash, TRUE));
  paid = pay_finish (f->ln, &slot, &error);
  g_assert_no_error (error);
  g_assert_cmpint (paid->status, ==, MS_LN_PAYMENT_SUCCEEDED);
}

/* ---- cancel ---- */

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(MsLnInvoice) open = NULL;
  g_autoptr(MsLnInvoice) paid = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint8 nothing[32] = { 0 };

  open = create_invoice (f->ln, 5000, "", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cancel_invoice (f->ln, open->payment_hash, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fake_lnd_get_invoice_state (f->fake, open->payment_hash), ==, "CANCELED");
  expected = g_base64_encode (open->payment_hash, 32);
  g_assert_cmpstr (body_string (f->fake, "Invoices_CancelInvoice", "payment_hash"), ==, expected);

  /* Gone already, or never there: gone. */
  g_assert_true (cancel_invoice (f->ln, open->payment_hash, &error));
  g_assert_no_error (error);
  g_assert_true (cancel_invoice (f->ln, nothing, &error));
  g_assert_no_error (error);

  /* Paid: not gone, and not an error. */
  paid = create_invoice (f->ln, 5000, "", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fake_lnd_settle_invoice (f->fake, paid->payment_hash, 5000));
  g_assert_false (cancel_invoice (f->ln, paid->payment_hash, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fake_lnd_get_invoice_state (f->fake, paid->payment_hash), ==, "SETTLED");
}

/* ---- settlements ---- */

static MsLnInvoice *
new_invoice (Fixture    *f,
             guint64     amount_msat,
             const char *memo)
{
  g_autoptr(GError) error = NULL;
  MsLnInvoice *invoice = create_invoice (f->ln, amount_msat, memo, 0, NULL, &error);

  g_assert_no_error (error);
  return invoice;
}

static void
assert_settlement (Fixture      *f,
                   guint         i,
                   const guint8 *payment_hash,
                   guint64       settle_index,
                   guint64       amount_msat)
{
  MsLnSettlement *settlement = g_ptr_array_index (f->settlements, i);

  g_assert_cmpmem (settlement->payment_hash, 32, payment_hash, 32);
  assert_preimage_of (settlement->preimage, payment_hash);
  g_assert_cmpuint (settlement->settle_index, ==, settle_index);
  g_assert_cmpuint (settlement->amount_received_msat, ==, amount_msat);
}

static void
test_settlements_live (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MsLnInvoice) a = new_invoice (f, 1000, "a");
  g_autoptr(MsLnInvoice) b = new_invoice (f, 2000, "");
  g_autoptr(MsLnInvoice) c = new_invoice (f, 3000, "c");

  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);
  g_assert_cmpint (f->online, ==, TRUE);

  g_assert_true (fake_lnd_settle_invoice (f->fake, b->payment_hash, 2500));
  g_assert_true (fake_lnd_settle_invoice (f->fake, a->payment_hash, 1000));
  g_assert_true (fake_lnd_settle_invoice (f->fake, c->payment_hash, 3000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 3, WAIT_MS);

  /* Settle order, with what was paid (more than asked, for b), memo as label. */
  assert_settlement (f, 0, b->payment_hash, 1, 2500);
  assert_settlement (f, 1, a->payment_hash, 2, 1000);
  assert_settlement (f, 2, c->payment_hash, 3, 3000);
  g_assert_null (((MsLnSettlement *) g_ptr_array_index (f->settlements, 0))->label);
  g_assert_cmpstr (((MsLnSettlement *) g_ptr_array_index (f->settlements, 1))->label, ==, "a");

  ms_test_run_for (50);
  g_assert_cmpuint (f->settlements->len, ==, 3);
}

/* From index 0 the history comes from the invoice list (the stream replays nothing for 0). */
static void
test_settlements_from_zero (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(MsLnInvoice) a = new_invoice (f, 1000, "a");
  g_autoptr(MsLnInvoice) b = new_invoice (f, 2000, "b");
  g_autoptr(MsLnInvoice) open = new_invoice (f, 3000, "open");
  g_autoptr(MsLnInvoice) d = NULL;

  g_assert_true (fake_lnd_settle_invoice (f->fake, b->payment_hash, 2000));
  g_assert_true (fake_lnd_settle_invoice (f->fake, a->payment_hash, 1000));

  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (f->settlements->len == 2, WAIT_MS);
  assert_settlement (f, 0, b->payment_hash, 1, 2000);
  assert_settlement (f, 1, a->payment_hash, 2, 1000);
  /* The open invoice was listed too, and left out. */
  g_assert_cmpstr (fake_lnd_get_invoice_state (f->fake, open->payment_hash), ==, "OPEN");
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_ListInvoices"), >=, 1);

  /* Then the stream, from where the list ended. */
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);
  g_assert_cmpstr (fake_lnd_get_last_query (f->fake, "Lightning_SubscribeInvoices"), ==,
                   "settle_index=2");
  d = new_invoice (f, 4000, "d");
  g_assert_true (fake_lnd_settle_invoice (f->fake, d->payment_hash, 4000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 3, WAIT_MS);
  assert_settlement (f, 2, d->payment_hash, 3, 4000);
}

/*
 * From index 0 the stream replays nothing: a payment that lands after the
 * list and before the stream is live is found by listing again, and the
 * subscription starts over from its index.
 */
static void
test_settlements_gap (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(MsLnInvoice) a = new_invoice (f, 1000, "a");
  g_autoptr(MsLnInvoice) b = new_invoice (f, 2000, "b");
  guint lists;

  fake_lnd_settle_on_subscribe (f->fake, a->payment_hash, 1000);
  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);
  g_assert_cmpstr (fake_lnd_get_last_query (f->fake, "Lightning_SubscribeInvoices"), ==,
                   "settle_index=0");
  g_assert_cmpstr (fake_lnd_get_invoice_state (f->fake, a->payment_hash), ==, "SETTLED");

  MS_TEST_WAIT_UNTIL (f->settlements->len == 1, WAIT_MS);
  assert_settlement (f, 0, a->payment_hash, 1, 1000);
  MS_TEST_WAIT_UNTIL (g_strcmp0 (fake_lnd_get_last_query (f->fake, "Lightning_SubscribeInvoices"),
                                 "settle_index=1") == 0, WAIT_MS);
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_SubscribeInvoices"), ==, 2);
  lists = fake_lnd_get_n_requests (f->fake, "Lightning_ListInvoices");
  g_assert_cmpuint (lists, >=, 2);

  /* The stream goes on alone, and nothing comes twice. */
  g_assert_true (fake_lnd_settle_invoice (f->fake, b->payment_hash, 2000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 2, WAIT_MS);
  assert_settlement (f, 1, b->payment_hash, 2, 2000);
  ms_test_run_for (1000);
  g_assert_cmpuint (f->settlements->len, ==, 2);
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_ListInvoices"), ==, lists);
}

/* A settlement made once the stream is live is delivered once, however the list and stream race. */
static void
test_settlements_gap_live (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(MsLnInvoice) a = new_invoice (f, 1000, "a");
  guint lists;

  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);
  g_assert_true (fake_lnd_settle_invoice (f->fake, a->payment_hash, 1000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 1, WAIT_MS);

  /* Listed again after the stream proved live; then no more lists, nothing twice. */
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_requests (f->fake, "Lightning_ListInvoices") >= 2, WAIT_MS);
  ms_test_run_for (1000);
  lists = fake_lnd_get_n_requests (f->fake, "Lightning_ListInvoices");
  ms_test_run_for (1000);
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_ListInvoices"), ==, lists);
  g_assert_cmpuint (f->settlements->len, ==, 1);
  assert_settlement (f, 0, a->payment_hash, 1, 1000);
  /* When a list saw it before the stream did, the stream started over from it: once. */
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_SubscribeInvoices"), <=, 2);
}

/* More than a page of invoices: the list is followed to its end. */
static void
test_settlements_list_pages (Fixture       *f,
                             gconstpointer  data)
{
  guint8 hashes[130][32];

  /* Made by another client of the node: the backend had no part in them. */
  for (guint i = 0; i < 130; i++)
    fake_lnd_add_invoice (f->fake, 1000 + i, "", hashes[i]);
  for (guint i = 130; i > 0; i -= 10)
    g_assert_true (fake_lnd_settle_invoice (f->fake, hashes[i - 1], 1000 + i - 1));

  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (f->settlements->len == 13, WAIT_MS);
  for (guint i = 0; i < 13; i++)
    assert_settlement (f, i, hashes[129 - 10 * i], i + 1, 1129 - 10 * i);
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_ListInvoices"), ==, 2);
  g_assert_cmpstr (fake_lnd_get_last_query (f->fake, "Lightning_ListInvoices"), ==,
                   "index_offset=100&num_max_invoices=100");
  ms_test_run_for (50);
  g_assert_cmpuint (f->settlements->len, ==, 13);
}

static GPtrArray *
new_invoice_list (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ms_ln_invoice_free);
}

static const guint8 *
nth_hash (GPtrArray *invoices,
          guint      i)
{
  return ((MsLnInvoice *) g_ptr_array_index (invoices, i))->payment_hash;
}

static void
settle_nth (Fixture   *f,
            GPtrArray *invoices,
            guint      i,
            guint64    amount_msat)
{
  g_assert_true (fake_lnd_settle_invoice (f->fake, nth_hash (invoices, i), amount_msat));
}

/* A new backend resumes from the index the old one reached: no duplicates, none missed. */
static void
test_settlements_resume (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) invoices = new_invoice_list ();
  guint64 last;
  guint lists;

  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (invoices, new_invoice (f, 1000 * (i + 1), ""));

  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);
  for (guint i = 0; i < 2; i++)
    settle_nth (f, invoices, i, 1000 * (i + 1));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 2, WAIT_MS);
  last = ((MsLnSettlement *) g_ptr_array_index (f->settlements, 1))->settle_index;
  drop_backend (f);
  lists = fake_lnd_get_n_requests (f->fake, "Lightning_ListInvoices");

  /* Paid while nobody watched. */
  for (guint i = 2; i < 4; i++)
    settle_nth (f, invoices, i, 1000 * (i + 1));

  f->ln = new_backend (f, fake_lnd_get_macaroon (f->fake), f->pinned);
  ms_lightning_watch_settlements (f->ln, last);
  MS_TEST_WAIT_UNTIL (f->settlements->len == 4, WAIT_MS);
  g_assert_cmpstr (fake_lnd_get_last_query (f->fake, "Lightning_SubscribeInvoices"), ==,
                   "settle_index=2");
  settle_nth (f, invoices, 4, 5000);
  MS_TEST_WAIT_UNTIL (f->settlements->len == 5, WAIT_MS);
  for (guint i = 0; i < 5; i++)
    assert_settlement (f, i, nth_hash (invoices, i), i + 1, 1000 * (i + 1));
  /* From a known index the stream replays: no list at all. */
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_ListInvoices"), ==, lists);

  ms_test_run_for (50);
  g_assert_cmpuint (f->settlements->len, ==, 5);
}

/* The node goes down and comes back: the watch reconnects and catches up, once. */
static void
test_settlements_node_restart (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) invoices = new_invoice_list ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (invoices, new_invoice (f, 1000 * (i + 1), ""));

  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);
  settle_nth (f, invoices, 0, 1000);
  MS_TEST_WAIT_UNTIL (f->settlements->len == 1, WAIT_MS);
  g_assert_cmpuint (f->n_online, ==, 1);

  fake_lnd_stop (f->fake);
  MS_TEST_WAIT_UNTIL (f->n_offline == 1, WAIT_MS);
  g_assert_cmpint (f->online, ==, FALSE);
  g_assert_nonnull (strstr (f->last_offline, fake_lnd_get_url (f->fake)));

  /* Paid while we could not hear of it; the backend keeps retrying meanwhile. */
  for (guint i = 1; i < 3; i++)
    settle_nth (f, invoices, i, 1000 * (i + 1));
  ms_test_run_for (300);
  g_assert_cmpuint (f->n_offline, ==, 1);
  g_assert_cmpuint (f->settlements->len, ==, 1);

  g_assert_true (fake_lnd_start (f->fake, &error));
  g_assert_no_error (error);
  MS_TEST_WAIT_UNTIL (f->n_online == 2 && f->settlements->len == 3, WAIT_MS);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);
  settle_nth (f, invoices, 3, 4000);
  MS_TEST_WAIT_UNTIL (f->settlements->len == 4, WAIT_MS);
  for (guint i = 0; i < 4; i++)
    assert_settlement (f, i, nth_hash (invoices, i), i + 1, 1000 * (i + 1));
  g_assert_cmpuint (f->n_offline, ==, 1);
}

/* Down from the start: offline first, then online as soon as the node is there. */
static void
test_node_down_then_up (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  fake_lnd_stop (f->fake);
  info = get_info (f->ln, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, fake_lnd_get_url (f->fake)));
  g_assert_cmpuint (f->n_offline, ==, 1);
  g_clear_error (&error);

  ms_lightning_watch_settlements (f->ln, 5);
  ms_test_run_for (200);
  g_assert_cmpuint (f->n_offline, ==, 1);
  g_assert_cmpuint (f->n_online, ==, 0);

  g_assert_true (fake_lnd_start (f->fake, &error));
  g_assert_no_error (error);
  MS_TEST_WAIT_UNTIL (f->n_online == 1, WAIT_MS);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);
  g_assert_cmpstr (fake_lnd_get_last_query (f->fake, "Lightning_SubscribeInvoices"), ==,
                   "settle_index=5");
}

/* A live stream that goes quiet is checked on: a failing probe makes the watch reconnect. */
static void
test_settlements_probe (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(MsLnInvoice) invoice = new_invoice (f, 1000, "");
  guint subscriptions;

  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);
  subscriptions = fake_lnd_get_n_requests (f->fake, "Lightning_SubscribeInvoices");

  fake_lnd_fail_next (f->fake, "Lightning_GetInfo", 14,
                      "connection error: desc = \"transport is closing\"");
  MS_TEST_WAIT_UNTIL (f->n_offline == 1, WAIT_MS);
  g_assert_nonnull (strstr (f->last_offline, "transport is closing"));
  MS_TEST_WAIT_UNTIL (f->n_online == 2 &&
                      fake_lnd_get_n_requests (f->fake, "Lightning_SubscribeInvoices") ==
                      subscriptions + 1, WAIT_MS);

  g_assert_true (fake_lnd_settle_invoice (f->fake, invoice->payment_hash, 1000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 1, WAIT_MS);
  ms_test_run_for (50);
  g_assert_cmpuint (f->settlements->len, ==, 1);
}

/* A line that is not JSON on the invoice stream: no crash, a reconnect, nothing lost. */
static void
test_settlements_malformed (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(MsLnInvoice) a = new_invoice (f, 1000, "");
  g_autoptr(MsLnInvoice) b = new_invoice (f, 2000, "");

  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);
  g_assert_true (fake_lnd_settle_invoice (f->fake, a->payment_hash, 1000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 1, WAIT_MS);

  fake_lnd_break_invoice_streams (f->fake);
  MS_TEST_WAIT_UNTIL (f->n_offline == 1, WAIT_MS);
  g_assert_nonnull (strstr (f->last_offline, "not JSON"));
  MS_TEST_WAIT_UNTIL (f->n_online == 2, WAIT_MS);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_requests (f->fake, "Lightning_SubscribeInvoices") == 2,
                      WAIT_MS);
  g_assert_cmpstr (fake_lnd_get_last_query (f->fake, "Lightning_SubscribeInvoices"), ==,
                   "settle_index=1");

  g_assert_true (fake_lnd_settle_invoice (f->fake, b->payment_hash, 2000));
  MS_TEST_WAIT_UNTIL (f->settlements->len == 2, WAIT_MS);
  assert_settlement (f, 0, a->payment_hash, 1, 1000);
  assert_settlement (f, 1, b->payment_hash, 2, 2000);
}

/* ---- broken streams during a payment ---- */

static void
test_pay_stream_cut (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 hash[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 64000, 0, hash);
  fake_lnd_set_next_payment (f->fake, FAKE_LND_PAY_CUT, NULL);
  payment = pay (f->ln, bolt11, 0, 5000, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
  g_clear_error (&error);

  /* The payment went on without us; lookup tells how it ended. */
  MS_TEST_WAIT_UNTIL (g_strcmp0 (fake_lnd_get_payment_status (f->fake, hash), "SUCCEEDED") == 0,
                      WAIT_MS);
  found = lookup (f->ln, hash, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->status, ==, MS_LN_PAYMENT_SUCCEEDED);
  assert_preimage_of (found->preimage, hash);
  g_assert_cmpuint (found->amount_msat, ==, 64000);
}

static void
test_pay_malformed_line (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnPayment) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 hash[32];

  bolt11 = fake_lnd_make_remote_invoice (f->fake, 65000, 0, hash);
  fake_lnd_set_next_payment (f->fake, FAKE_LND_PAY_GARBAGE, NULL);
  payment = pay (f->ln, bolt11, 0, 5000, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
  g_clear_error (&error);

  MS_TEST_WAIT_UNTIL (g_strcmp0 (fake_lnd_get_payment_status (f->fake, hash), "SUCCEEDED") == 0,
                      WAIT_MS);
  found = lookup (f->ln, hash, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->status, ==, MS_LN_PAYMENT_SUCCEEDED);
}

/* ---- credentials and certificates ---- */

static void
assert_no_macaroon (const char *message,
                    GBytes     *macaroon)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (macaroon, &len);
  g_autofree char *hex = ms_hex_encode (data, len);
  g_autofree char *upper = g_ascii_strup (hex, -1);

  g_assert_null (strstr (message, hex));
  g_assert_null (strstr (message, upper));
}

static void
assert_unauthorized (Fixture *f,
                     GBytes  *wrong)
{
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  guint8 hash[32];

  info = get_info (f->ln, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED);
  assert_no_macaroon (error->message, wrong);
  assert_no_macaroon (error->message, fake_lnd_get_macaroon (f->fake));
  g_assert_cmpuint (f->n_offline, ==, 1);
  assert_no_macaroon (f->last_offline, wrong);
  g_clear_error (&error);

  /* A stream refused before its first message: {"error": …} under HTTP 500/401. */
  bolt11 = fake_lnd_make_remote_invoice (f->fake, 1000, 0, hash);
  payment = pay (f->ln, bolt11, 0, 1000, &error);
  g_assert_null (payment);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED);
  assert_no_macaroon (error->message, wrong);
  g_assert_cmpuint (fake_lnd_get_n_payments (f->fake), ==, 0);
}

static void
test_wrong_macaroon (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GBytes) wrong = g_bytes_new_static ("\x02\x01\x03lnd-not-this-one", 19);

  fake_lnd_set_auth_style (f->fake, GPOINTER_TO_INT (data));
  drop_backend (f);
  f->ln = new_backend (f, wrong, f->pinned);
  assert_unauthorized (f, wrong);
}

static void
test_tls_other_certificate (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GTlsCertificate) other = load_certificate ("MS_TEST_TLS_OTHER_CERT", NULL);
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  drop_backend (f);
  f->ln = new_backend (f, fake_lnd_get_macaroon (f->fake), other);
  info = get_info (f->ln, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "pinned"));
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_GetInfo"), ==, 0);
}

static void
test_tls_unpinned (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  drop_backend (f);
  f->ln = new_backend (f, fake_lnd_get_macaroon (f->fake), NULL);
  info = get_info (f->ln, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "does not trust"));
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_GetInfo"), ==, 0);
}

/* ---- errors lnd reports ---- */

static void
test_node_errors (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(GError) error = NULL;

  fake_lnd_fail_next (f->fake, "Lightning_GetInfo", 2,
                      "wallet locked, unlock it to enable full RPC access");
  info = get_info (f->ln, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "wallet locked"));
  g_clear_error (&error);

  fake_lnd_fail_next (f->fake, "Lightning_AddInvoice", 2, "memo too large");
  invoice = create_invoice (f->ln, 1000, "x", 0, NULL, &error);
  g_assert_null (invoice);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "memo too large"));
  g_clear_error (&error);

  /* A node that does not implement the method (gRPC Unimplemented, HTTP 501). */
  fake_lnd_fail_next (f->fake, "Lightning_ChannelBalance", 12,
                      "unknown method ChannelBalance for service lnrpc.Lightning");
  info = get_info (f->ln, &error);
  g_assert_null (info);
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "unknown method ChannelBalance"));
}

/* ---- stop and cancel ---- */

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(MsLnInvoice) invoice = new_invoice (f, 1000, "");
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Slot slot = { NULL };
  guint8 hash[32];

  ms_lightning_watch_settlements (f->ln, 0);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_n_streams (f->fake) == 1, WAIT_MS);

  /* The caller's cancellable ends a held payment. */
  bolt11 = fake_lnd_make_remote_invoice (f->fake, 1000, 0, hash);
  fake_lnd_set_next_payment (f->fake, FAKE_LND_PAY_HOLD, NULL);
  ms_lightning_pay_async (f->ln, bolt11, 0, 5000, cancellable, slot_cb, &slot);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_payment_status (f->fake, hash) != NULL, WAIT_MS);
  g_cancellable_cancel (cancellable);
  payment = pay_finish (f->ln, &slot, &error);
  g_assert_null (payment);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* stop() ends pending calls and the watch. */
  bolt11 = (g_free (bolt11), fake_lnd_make_remote_invoice (f->fake, 1000, 0, hash));
  fake_lnd_set_next_payment (f->fake, FAKE_LND_PAY_HOLD, NULL);
  ms_lightning_pay_async (f->ln, bolt11, 0, 5000, NULL, slot_cb, &slot);
  MS_TEST_WAIT_UNTIL (fake_lnd_get_payment_status (f->fake, hash) != NULL, WAIT_MS);
  ms_lightning_stop (f->ln);
  payment = pay_finish (f->ln, &slot, &error);
  g_assert_null (payment);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_true (fake_lnd_settle_invoice (f->fake, invoice->payment_hash, 1000));
  ms_test_run_for (100);
  g_assert_cmpuint (f->settlements->len, ==, 0);
}

/* ---- the fake's own contract checks can fail ---- */

typedef struct
{
  const char *method;
  const char *path;
  const char *body;
  guint       status;
  const char *message;
} BadRequest;

static void
raw_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Slot *slot = user_data;

  slot->result = g_object_ref (result);
}

static gboolean
accept_any_cb (SoupMessage          *msg,
               GTlsCertificate      *certificate,
               GTlsCertificateFlags  errors,
               gpointer              user_data)
{
  return TRUE;
}

static void
test_contract_checks (Fixture       *f,
                      gconstpointer  data)
{
  static const BadRequest requests[] = {
    { "POST", "/v1/invoices", "{\"value_msat\": 1000}", 400, "must be a JSON string" },
    { "POST", "/v1/invoices", "{\"value_msat\": \"1000\", \"label\": \"x\"}", 400,
      "unknown field \"label\"" },
    { "POST", "/v1/invoices", "{\"r_preimage\": \"not base64!\"}", 400, "base64" },
    { "POST", "/v2/router/send", "{\"payment_request\": \"lnbcrt1\", \"timeout_seconds\": \"60\"}",
      400, "integer" },
    { "POST", "/v2/invoices/cancel", "{\"payment_hash\": null}", 400, "null" },
    { "GET", "/v1/invoices/subscribe?settle_index=-1", NULL, 400, "settle_index" },
    { "GET", "/v1/invoices/subscribe?since=3", NULL, 400, "since" },
    { "GET", "/v2/router/track/not*base64", NULL, 400, "payment_hash" },
    { "GET", "/v1/no/such/thing", NULL, 404, "Not Found" },
    { "DELETE", "/v1/getinfo", NULL, 501, "Method Not Allowed" },
  };
  g_autoptr(SoupSession) session = soup_session_new ();
  gsize len;
  const guint8 *macaroon = g_bytes_get_data (fake_lnd_get_macaroon (f->fake), &len);
  g_autofree char *hex = ms_hex_encode (macaroon, len);

  fake_lnd_expect_invalid (f->fake, G_N_ELEMENTS (requests));
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *url = g_strconcat (fake_lnd_get_url (f->fake), requests[i].path, NULL);
      g_autoptr(SoupMessage) msg = soup_message_new (requests[i].method, url);
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(JsonObject) status = NULL;
      g_autoptr(GError) error = NULL;
      Slot slot = { NULL };

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Grpc-Metadata-macaroon", hex);
      if (requests[i].body != NULL)
        {
          g_autoptr(GBytes) body = g_bytes_new_static (requests[i].body, strlen (requests[i].body));

          soup_message_set_request_body_from_bytes (msg, "application/json", body);
        }
      g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_cb), NULL);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, raw_cb, &slot);
      slot_wait (&slot);
      answer = soup_session_send_and_read_finish (session, slot.result, &error);
      g_assert_no_error (error);
      g_object_unref (slot.result);

      g_assert_cmpuint (soup_message_get_status (msg), ==, requests[i].status);
      status = _ms_lnd_parse_object (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                                     &error);
      g_assert_no_error (error);
      g_assert_nonnull (strstr (json_object_get_string_member (status, "message"),
                                requests[i].message));
    }

  g_assert_cmpuint (fake_lnd_get_n_refused (f->fake), ==, G_N_ELEMENTS (requests));
  g_assert_cmpuint (fake_lnd_get_n_invalid (f->fake), ==, 0);
  /* Refused at the gateway: never reached the node. */
  g_assert_cmpuint (fake_lnd_get_n_requests (f->fake, "Lightning_AddInvoice"), ==, 0);
  g_assert_null (fake_lnd_get_last_body (f->fake, "Lightning_AddInvoice"));
}

/* ---- the parsers on their own ---- */

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = _ms_lnd_parse_object (json, strlen (json), &error);

  g_assert_no_error (error);
  return object;
}

static void
push (MsLndLineBuffer *buffer,
      const char      *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (_ms_lnd_line_buffer_push (buffer, (const guint8 *) text, strlen (text), &error));
  g_assert_no_error (error);
}

static void
assert_pop (MsLndLineBuffer *buffer,
            const char      *expected)
{
  g_autofree char *line = NULL;
  gsize len;

  line = _ms_lnd_line_buffer_pop (buffer, &len);
  g_assert_cmpstr (line, ==, expected);
  if (expected != NULL)
    g_assert_cmpuint (len, ==, strlen (expected));
}

static void
test_line_buffer (void)
{
  g_autoptr(MsLndLineBuffer) buffer = _ms_lnd_line_buffer_new (16);
  g_autoptr(MsLndLineBuffer) small = _ms_lnd_line_buffer_new (4);
  g_autoptr(GError) error = NULL;

  /* Chunks split lines anywhere; "\r\n" and blank lines are tolerated. */
  push (buffer, "{\"a\":1}\n{\"b\"");
  assert_pop (buffer, "{\"a\":1}");
  assert_pop (buffer, NULL);
  g_assert_cmpuint (_ms_lnd_line_buffer_get_pending (buffer), ==, 4);
  push (buffer, ":2}\r\n\n");
  assert_pop (buffer, "{\"b\":2}");
  assert_pop (buffer, NULL);
  g_assert_cmpuint (_ms_lnd_line_buffer_get_pending (buffer), ==, 0);

  /* A line may reach the limit, not pass it, even over several pushes. */
  push (small, "abcd\nab");
  assert_pop (small, "abcd");
  push (small, "cd\n");
  assert_pop (small, "abcd");
  push (small, "abc");
  g_assert_false (_ms_lnd_line_buffer_push (small, (const guint8 *) "de\n", 3, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
}

static void
assert_line_fails (const char *line,
                   gint        code,
                   gint        grpc_code)
{
  MsLndStatus status = { 0, -1, NULL, FALSE };
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;

  result = _ms_lnd_parse_stream_line (line, strlen (line), &status, &error);
  g_assert_null (result);
  g_assert_error (error, MS_LIGHTNING_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpint (status.code, ==, grpc_code);
  g_assert_cmpint (status.in_stream, ==, grpc_code >= 0);
  _ms_lnd_status_clear (&status);
}

static void
test_stream_lines (void)
{
  MsLndStatus status = { 0, -1, NULL, FALSE };
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new ("{\"result\":");
  const char *ok = "{\"result\": {\"status\": \"IN_FLIGHT\"}}";

  result = _ms_lnd_parse_stream_line (ok, strlen (ok), &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "IN_FLIGHT");

  assert_line_fails ("{\"error\": {\"code\": 5, \"message\": \"payment isn't initiated\", "
                     "\"details\": []}}", MS_LIGHTNING_ERROR_REFUSED, 5);
  assert_line_fails ("{\"error\": {\"code\": 2, \"message\": \"verification failed: signature "
                     "mismatch after caveat verification\"}}", MS_LIGHTNING_ERROR_UNAUTHORIZED, 2);
  assert_line_fails ("{\"error\": {\"code\": 14, \"message\": \"shutting down\"}}",
                     MS_LIGHTNING_ERROR_UNREACHABLE, 14);
  assert_line_fails ("{\"error\": {\"code\": \"2\"}}", MS_LIGHTNING_ERROR_PROTOCOL, -1);
  assert_line_fails ("{\"result\": 5}", MS_LIGHTNING_ERROR_PROTOCOL, -1);
  assert_line_fails ("{}", MS_LIGHTNING_ERROR_PROTOCOL, -1);
  assert_line_fails ("[{\"result\": {}}]", MS_LIGHTNING_ERROR_PROTOCOL, -1);
  assert_line_fails ("{\"result\": {\"status\": ", MS_LIGHTNING_ERROR_PROTOCOL, -1);
  assert_line_fails ("\xff\xfe", MS_LIGHTNING_ERROR_PROTOCOL, -1);
  /* json-glib quotes the bad string in its message, cut inside a character (found by fuzzing). */
  assert_line_fails ("{\"result\": {\"payment_/ash\": \"02d449a31fbb267c8f352e9968a7\xc7\x93"
                     "3e5f+qlAv1kVOveWkadd_index\": \"3\"}}", MS_LIGHTNING_ERROR_PROTOCOL, -1);

  /* Nesting that would take json-glib's recursion deep is refused first. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  assert_line_fails (deep->str, MS_LIGHTNING_ERROR_PROTOCOL, -1);
}

static void
assert_status (guint       http_status,
               gint        code,
               const char *message,
               gint        expected)
{
  MsLndStatus status = { http_status, code, (char *) message, FALSE };
  g_autoptr(GError) error = _ms_lnd_status_to_error (&status);

  g_assert_error (error, MS_LIGHTNING_ERROR, expected);
}

static void
test_status_mapping (void)
{
  g_autofree char *long_message = g_strnfill (5000, 'x');
  MsLndStatus status = { 500, 2, long_message, FALSE };
  g_autoptr(GError) error = NULL;

  assert_status (401, -1, NULL, MS_LIGHTNING_ERROR_UNAUTHORIZED);
  assert_status (403, 7, "permission denied", MS_LIGHTNING_ERROR_UNAUTHORIZED);
  assert_status (401, 16, "bad", MS_LIGHTNING_ERROR_UNAUTHORIZED);
  assert_status (500, 2, "expected 1 macaroon, got 0", MS_LIGHTNING_ERROR_UNAUTHORIZED);
  assert_status (500, 2, "cannot get macaroon: root key with id 0 doesn't exist",
                 MS_LIGHTNING_ERROR_UNAUTHORIZED);
  assert_status (500, 2, "invoice expired. Valid until 2026", MS_LIGHTNING_ERROR_REFUSED);
  assert_status (409, 6, "invoice is already paid", MS_LIGHTNING_ERROR_REFUSED);
  assert_status (503, 14, "connection refused", MS_LIGHTNING_ERROR_UNREACHABLE);
  assert_status (500, 2, "waiting to start, RPC services not available",
                 MS_LIGHTNING_ERROR_UNREACHABLE);
  assert_status (502, -1, NULL, MS_LIGHTNING_ERROR_UNREACHABLE);
  assert_status (418, -1, NULL, MS_LIGHTNING_ERROR_PROTOCOL);

  /* A node's message is quoted, but not without end. */
  error = _ms_lnd_status_to_error (&status);
  g_assert_cmpuint (strlen (error->message), <, 600);
}

static void
assert_base64 (const char *text,
               const char *hex)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  if (hex == NULL)
    {
      g_assert_false (_ms_lnd_base64_decode (text, strlen (text), out));
      return;
    }
  g_assert_true (_ms_lnd_base64_decode (text, strlen (text), out));
  ms_test_assert_hex (out->data, out->len, hex);
}

static void
test_base64 (void)
{
  guint8 ones[32];
  g_autofree char *url = NULL;

  assert_base64 ("", "");
  assert_base64 ("AAAA", "000000");
  assert_base64 ("AA==", "00");
  assert_base64 ("AA", "00");
  assert_base64 ("AAA=", "0000");
  assert_base64 ("+/8=", "fbff");
  assert_base64 ("-_8=", "fbff");
  assert_base64 ("-_8", "fbff");
  assert_base64 ("A", NULL);
  assert_base64 ("A===", NULL);
  assert_base64 ("AA=A", NULL);
  assert_base64 ("+_8=", NULL);
  assert_base64 ("AA AA", NULL);
  assert_base64 ("AAA==", NULL);

  memset (ones, 0xff, sizeof ones);
  url = _ms_lnd_base64url_encode (ones, sizeof ones);
  g_assert_cmpstr (url, ==, "__________________________________________8=");
}

static void
test_integers (void)
{
  g_autoptr(JsonObject) object = parse ("{\"max\": \"18446744073709551615\", "
                                        "\"over\": \"18446744073709551616\", \"neg\": \"-1\", "
                                        "\"num\": 5, \"float\": \"1.5\", \"bool\": true, "
                                        "\"i64\": \"9223372036854775807\", "
                                        "\"i64over\": \"9223372036854775808\", \"negnum\": -1}");
  const char *bad[] = { "over", "neg", "float", "bool", "negnum" };
  guint64 value = 1;

  g_assert_true (_ms_lnd_get_uint64 (object, "max", &value, NULL));
  g_assert_cmpuint (value, ==, G_MAXUINT64);
  g_assert_true (_ms_lnd_get_uint64 (object, "num", &value, NULL));
  g_assert_cmpuint (value, ==, 5);
  g_assert_true (_ms_lnd_get_uint64 (object, "absent", &value, NULL));
  g_assert_cmpuint (value, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (_ms_lnd_get_uint64 (object, bad[i], &value, &error));
      g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, bad[i]));
    }

  g_assert_true (_ms_lnd_get_amount (object, "i64", &value, NULL));
  g_assert_cmpuint (value, ==, G_MAXINT64);
  g_assert_false (_ms_lnd_get_amount (object, "i64over", &value, NULL));
  g_assert_false (_ms_lnd_get_amount (object, "max", &value, NULL));
}

static JsonObject *
payment_object (const char *status,
                const char *preimage_hex,
                const char *reason)
{
  guint8 preimage[32], hash[32];
  g_autofree char *hash_hex = NULL;
  g_autofree char *json = NULL;

  memset (preimage, 0x11, sizeof preimage);
  ms_sha256 (preimage, 32, hash);
  hash_hex = ms_hex_encode (hash, 32);
  json = g_strdup_printf ("{\"payment_hash\": \"%s\", \"payment_preimage\": \"%s\", "
                          "\"value_msat\": \"1000\", \"fee_msat\": \"3\", \"status\": \"%s\", "
                          "\"failure_reason\": \"%s\"}",
                          hash_hex, preimage_hex, status, reason);
  return parse (json);
}

static void
test_payment_mapping (void)
{
  g_autofree char *good = g_strnfill (64, '1');
  g_autofree char *wrong = g_strnfill (64, '2');
  g_autoptr(JsonObject) succeeded = payment_object ("SUCCEEDED", good, "FAILURE_REASON_NONE");
  g_autoptr(JsonObject) lying = payment_object ("SUCCEEDED", wrong, "FAILURE_REASON_NONE");
  g_autoptr(JsonObject) initiated = payment_object ("INITIATED", wrong, "FAILURE_REASON_NONE");
  g_autoptr(JsonObject) failed = payment_object ("FAILED", wrong, "FAILURE_REASON_TIMEOUT");
  g_autoptr(JsonObject) bogus = payment_object ("DONE", good, "FAILURE_REASON_NONE");
  g_autoptr(GError) error = NULL;
  const char *failure = NULL;
  MsLnPayment payment;

  g_assert_true (_ms_lnd_payment_parse (succeeded, &payment, &failure, &error));
  g_assert_no_error (error);
  g_assert_cmpint (payment.status, ==, MS_LN_PAYMENT_SUCCEEDED);
  g_assert_cmpuint (payment.amount_msat, ==, 1000);
  g_assert_cmpuint (payment.fee_msat, ==, 3);
  assert_preimage_of (payment.preimage, payment.payment_hash);
  g_assert_null (failure);

  g_assert_true (_ms_lnd_payment_parse (initiated, &payment, &failure, NULL));
  g_assert_cmpint (payment.status, ==, MS_LN_PAYMENT_PENDING);
  g_assert_true (_ms_lnd_payment_parse (failed, &payment, &failure, NULL));
  g_assert_cmpint (payment.status, ==, MS_LN_PAYMENT_FAILED);
  g_assert_nonnull (strstr (failure, "FAILURE_REASON_TIMEOUT"));

  g_assert_false (_ms_lnd_payment_parse (lying, &payment, &failure, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (_ms_lnd_payment_parse (bogus, &payment, &failure, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
}

static void
test_invoice_mapping (void)
{
  guint8 preimage[32], hash[32];
  g_autofree char *preimage64 = NULL, *hash64 = NULL, *settled_json = NULL;
  g_autofree char *unindexed_json = NULL, *amp_json = NULL;
  g_autoptr(JsonObject) settled = NULL, unindexed = NULL, amp = NULL, open = NULL;
  g_autoptr(MsLnSettlement) settlement = NULL;
  g_autoptr(MsLnSettlement) other = NULL;
  g_autoptr(GError) error = NULL;
  MsLndInvoiceState state;
  gboolean is_amp;

  memset (preimage, 0x22, sizeof preimage);
  ms_sha256 (preimage, 32, hash);
  preimage64 = g_base64_encode (preimage, 32);
  hash64 = g_base64_encode (hash, 32);
  settled_json = g_strdup_printf ("{\"r_hash\": \"%s\", \"r_preimage\": \"%s\", \"memo\": \"m\", "
                                  "\"state\": \"SETTLED\", \"settle_index\": \"7\", "
                                  "\"amt_paid_msat\": \"1234\", \"is_amp\": false}",
                                  hash64, preimage64);
  unindexed_json = g_strdup_printf ("{\"r_hash\": \"%s\", \"r_preimage\": \"%s\", "
                                    "\"state\": \"SETTLED\", \"settle_index\": \"0\"}",
                                    hash64, preimage64);
  amp_json = g_strdup_printf ("{\"r_hash\": \"%s\", \"r_preimage\": \"\", \"state\": \"SETTLED\", "
                              "\"settle_index\": \"8\", \"is_amp\": true}", hash64);
  settled = parse (settled_json);
  unindexed = parse (unindexed_json);
  amp = parse (amp_json);

  settlement = _ms_lnd_invoice_parse (settled, &state, &is_amp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, MS_LND_INVOICE_SETTLED);
  g_assert_false (is_amp);
  g_assert_cmpmem (settlement->preimage, 32, preimage, 32);
  g_assert_cmpuint (settlement->settle_index, ==, 7);
  g_assert_cmpuint (settlement->amount_received_msat, ==, 1234);
  g_assert_cmpstr (settlement->label, ==, "m");

  g_assert_null (_ms_lnd_invoice_parse (unindexed, &state, &is_amp, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
  g_clear_error (&error);

  other = _ms_lnd_invoice_parse (amp, &state, &is_amp, &error);
  g_assert_no_error (error);
  g_assert_true (is_amp);
  g_assert_cmpuint (other->settle_index, ==, 8);
  g_clear_pointer (&other, ms_ln_settlement_free);

  open = parse ("{\"r_hash\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\", \"memo\": \"\"}");
  other = _ms_lnd_invoice_parse (open, &state, &is_amp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, MS_LND_INVOICE_OPEN);
  g_assert_null (other->label);
}

static void
test_node_info_mapping (void)
{
  g_autofree char *pubkey = g_strnfill (66, 'a');
  g_autofree char *mainnet_json = g_strdup_printf (
    "{\"identity_pubkey\": \"%s\", \"alias\": \"n\", \"version\": \"v\", \"block_height\": 7, "
    "\"chains\": [{\"chain\": \"bitcoin\", \"network\": \"mainnet\"}]}", pubkey);
  g_autofree char *simnet_json = g_strdup_printf (
    "{\"identity_pubkey\": \"%s\", \"chains\": [{\"network\": \"simnet\"}]}", pubkey);
  g_autoptr(JsonObject) mainnet = parse (mainnet_json);
  g_autoptr(JsonObject) simnet = parse (simnet_json);
  g_autoptr(JsonObject) short_key = parse ("{\"identity_pubkey\": \"02ab\", \"chains\": []}");
  g_autoptr(JsonObject) old_balance = parse ("{\"local_balance\": {\"sat\": \"12\"}, "
                                             "\"remote_balance\": null}");
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = _ms_lnd_node_info_parse (mainnet, old_balance, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->network, ==, "bitcoin");
  g_assert_cmpuint (info->block_height, ==, 7);
  g_assert_cmpuint (info->spendable_msat, ==, 12000);
  g_assert_cmpuint (info->receivable_msat, ==, 0);

  g_assert_null (_ms_lnd_node_info_parse (simnet, old_balance, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_null (_ms_lnd_node_info_parse (short_key, old_balance, &error));
  g_assert_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL);
}

/* ---- main ---- */

#define ADD(path, func) \
  g_test_add ("/ms/lnd/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_DATA(path, data, func) \
  g_test_add ("/ms/lnd/" path, Fixture, GINT_TO_POINTER (data), fixture_setup, func, \
              fixture_teardown)

static gboolean
load_fixtures (void)
{
  const char *contracts_dir = g_getenv ("MS_CONTRACTS_DIR");
  g_autofree char *lnd_dir = NULL;
  g_autoptr(GError) error = NULL;

  if (contracts_dir == NULL || g_getenv ("MS_TEST_TLS_CERT") == NULL ||
      g_getenv ("MS_TEST_TLS_KEY") == NULL || g_getenv ("MS_TEST_TLS_OTHER_CERT") == NULL)
    return FALSE;

  lnd_dir = g_build_filename (contracts_dir, "lnd", NULL);
  if (!g_file_test (lnd_dir, G_FILE_TEST_IS_DIR))
    return FALSE;

  swagger = lnd_swagger_load (lnd_dir, &error);
  g_assert_no_error (error);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/lnd/protojson/line-buffer", test_line_buffer);
  g_test_add_func ("/ms/lnd/protojson/stream-lines", test_stream_lines);
  g_test_add_func ("/ms/lnd/protojson/status-mapping", test_status_mapping);
  g_test_add_func ("/ms/lnd/protojson/base64", test_base64);
  g_test_add_func ("/ms/lnd/protojson/integers", test_integers);
  g_test_add_func ("/ms/lnd/protojson/payment", test_payment_mapping);
  g_test_add_func ("/ms/lnd/protojson/invoice", test_invoice_mapping);
  g_test_add_func ("/ms/lnd/protojson/node-info", test_node_info_mapping);

  /* The fake needs lnd's swagger files and the build's test certificates. */
  if (!load_fixtures ())
    {
      g_test_message ("MS_CONTRACTS_DIR/lnd or MS_TEST_TLS_* missing: fake-node tests skipped");
      return g_test_run ();
    }

  ADD ("info", test_info);
  ADD ("invoice/node-preimage", test_invoice_node_preimage);
  ADD ("invoice/our-preimage", test_invoice_our_preimage);
  ADD ("pay/success", test_pay_success);
  ADD ("pay/amountless", test_pay_amountless);
  ADD ("pay/failure", test_pay_failure);
  ADD ("pay/fee-limit", test_pay_fee_limit);
  ADD ("pay/expired", test_pay_expired);
  ADD ("pay/already-paid", test_pay_already_paid);
  ADD ("pay/in-transition", test_pay_in_transition);
  ADD ("pay/own-invoice", test_pay_own_invoice);
  ADD ("pay/stream-cut", test_pay_stream_cut);
  ADD ("pay/malformed-line", test_pay_malformed_line);
  ADD ("lookup/final", test_lookup);
  ADD ("lookup/in-flight", test_lookup_in_flight);
  ADD ("cancel", test_cancel);
  ADD ("settlements/live", test_settlements_live);
  ADD ("settlements/from-zero", test_settlements_from_zero);
  ADD ("settlements/gap", test_settlements_gap);
  ADD ("settlements/gap-live", test_settlements_gap_live);
  ADD ("settlements/list-pages", test_settlements_list_pages);
  ADD ("settlements/resume", test_settlements_resume);
  ADD ("settlements/node-restart", test_settlements_node_restart);
  ADD ("settlements/probe", test_settlements_probe);
  ADD ("settlements/malformed-line", test_settlements_malformed);
  ADD ("connection/down-then-up", test_node_down_then_up);
  ADD_DATA ("auth/lnd-words", FAKE_LND_AUTH_LND, test_wrong_macaroon);
  ADD_DATA ("auth/unauthenticated", FAKE_LND_AUTH_UNAUTHENTICATED, test_wrong_macaroon);
  ADD_DATA ("auth/echoed", FAKE_LND_AUTH_ECHO, test_wrong_macaroon);
  ADD ("tls/other-certificate", test_tls_other_certificate);
  ADD ("tls/unpinned", test_tls_unpinned);
  ADD ("errors", test_node_errors);
  ADD ("stop", test_stop);
  ADD ("contract-checks", test_contract_checks);

  status = g_test_run ();
  lnd_swagger_free (swagger);
  return status;
}
