/* test-vectors-bolt11.c: bolt11/bolt11_valid.json, bolt11/bolt11_invalid.json
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "moneysocket.h"
#include "test-util.h"

/* The public key of the spec's priv_key, which signed every example. */
#define SPEC_PAYEE "03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad"

/* Why each invalid example must fail; a vector not listed only has to fail. */
static const struct
{
  const char    *title;
  MsBolt11Error  code;
} invalid_reasons[] = {
  { "Same, but adding invalid unknown feature 100", MS_BOLT11_ERROR_UNKNOWN_FEATURE },
  { "Bech32 checksum is invalid.", MS_BOLT11_ERROR_BECH32 },
  { "Malformed bech32 string (no 1)", MS_BOLT11_ERROR_BECH32 },
  { "Malformed bech32 string (mixed case)", MS_BOLT11_ERROR_BECH32 },
  { "Signature is not recoverable.", MS_BOLT11_ERROR_BAD_SIGNATURE },
  { "String is too short.", MS_BOLT11_ERROR_TRUNCATED },
  { "Invalid multiplier", MS_BOLT11_ERROR_BAD_AMOUNT },
  { "Invalid sub-millisatoshi precision.", MS_BOLT11_ERROR_BAD_AMOUNT },
  { "Missing required `s` field.", MS_BOLT11_ERROR_MISSING_FIELD },
  { "Non canonical signature (high-S) with 'n' field defined", MS_BOLT11_ERROR_BAD_SIGNATURE },
};

static MsBolt11 *
decode (const char           *invoice,
        MsBolt11DecodeFlags   flags,
        GError              **error)
{
  return ms_bolt11_decode (invoice, strlen (invoice), flags, error);
}

/* The Python reference's decode, where its fields are right per BOLT #11. */
static void
assert_reference (MsBolt11   *b11,
                  JsonObject *ref)
{
  const char *description = ms_test_get_string (ref, "description");

  g_assert_true (json_object_get_boolean_member (ref, "accepted"));
  g_assert_cmpstr (ms_bolt11_get_payee_hex (b11), ==, ms_test_get_string (ref, "payee"));
  g_assert_cmpstr (ms_bolt11_get_currency (b11), ==, ms_test_get_string (ref, "currency"));
  g_assert_cmpstr (ms_bolt11_get_payment_hash_hex (b11), ==,
                   ms_test_get_string (ref, "payment_hash"));
  g_assert_cmpint (ms_bolt11_get_created_at (b11), ==,
                   json_object_get_int_member (ref, "created_at"));
  g_assert_cmpuint (ms_bolt11_get_expiry (b11), ==, json_object_get_int_member (ref, "expiry"));

  g_assert_cmpint (ms_bolt11_has_amount (b11), ==, json_object_has_member (ref, "msatoshi"));
  if (ms_bolt11_has_amount (b11))
    g_assert_cmpuint (ms_bolt11_get_amount_msat (b11), ==,
                      json_object_get_int_member (ref, "msatoshi"));

  /* The reference shows "" for an `h` invoice, which has no description. */
  if (description[0] == '\0' && ms_bolt11_get_description_hash (b11) != NULL)
    g_assert_null (ms_bolt11_get_description (b11));
  else
    g_assert_cmpstr (ms_bolt11_get_description (b11), ==, description);
}

/* The spec's breakdown: the exact signature and the hash it signs. */
static void
assert_signature_breakdown (MsBolt11   *b11,
                            JsonObject *breakdown)
{
  guint recovery_id;
  const guint8 *signature = ms_bolt11_get_signature (b11, &recovery_id);

  ms_test_assert_hex (signature, MS_BOLT11_SIGNATURE_LEN,
                      ms_test_get_string (breakdown, "signature_rs_hex"));
  g_assert_cmpuint (recovery_id, ==, json_object_get_int_member (breakdown, "recovery_flag"));
  ms_test_assert_hex (ms_bolt11_get_signing_hash (b11), 32,
                      ms_test_get_string (breakdown, "sha256_of_signing_data_hex"));
}

/* Titles name some fields: "address X", "features 8, 14 and 99", "metadata 0x…". */
static void
assert_title (MsBolt11   *b11,
              const char *title)
{
  const char *p;

  if ((p = strstr (title, "address ")) != NULL)
    {
      g_auto(GStrv) words = g_strsplit (p + strlen ("address "), " ", 2);

      g_assert_cmpuint (ms_bolt11_get_n_fallbacks (b11), ==, 1);
      g_assert_cmpstr (ms_bolt11_get_fallback_addresses (b11)[0], ==, words[0]);
    }

  if ((p = strstr (title, "features ")) != NULL)
    {
      guint n_features;
      const guint *features = ms_bolt11_get_features (b11, &n_features);
      guint n = 0;

      for (p += strlen ("features "); ; )
        {
          char *end;

          if (g_ascii_isdigit (*p))
            {
              g_assert_cmpuint (n, <, n_features);
              g_assert_cmpuint (features[n++], ==, g_ascii_strtoull (p, &end, 10));
              p = end;
            }
          else if (g_str_has_prefix (p, ", "))
            p += 2;
          else if (g_str_has_prefix (p, " and "))
            p += 5;
          else
            break;
        }
      g_assert_cmpuint (n, ==, n_features);
    }

  if ((p = strstr (title, "metadata 0x")) != NULL)
    {
      GBytes *metadata = ms_bolt11_get_payment_metadata (b11);

      g_assert_nonnull (metadata);
      ms_test_assert_hex (g_bytes_get_data (metadata, NULL), g_bytes_get_size (metadata),
                          p + strlen ("metadata 0x"));
    }
}

static void
assert_same_fields (MsBolt11 *a,
                    MsBolt11 *b)
{
  guint n_a, n_b;
  const guint *features_a = ms_bolt11_get_features (a, &n_a);
  const guint *features_b = ms_bolt11_get_features (b, &n_b);

  g_assert_cmpstr (ms_bolt11_get_currency (a), ==, ms_bolt11_get_currency (b));
  g_assert_cmpint (ms_bolt11_has_amount (a), ==, ms_bolt11_has_amount (b));
  g_assert_cmpuint (ms_bolt11_get_amount_msat (a), ==, ms_bolt11_get_amount_msat (b));
  g_assert_cmpint (ms_bolt11_get_created_at (a), ==, ms_bolt11_get_created_at (b));
  g_assert_cmpstr (ms_bolt11_get_payment_hash_hex (a), ==, ms_bolt11_get_payment_hash_hex (b));
  g_assert_cmpstr (ms_bolt11_get_payment_secret_hex (a), ==,
                   ms_bolt11_get_payment_secret_hex (b));
  g_assert_cmpstr (ms_bolt11_get_description (a), ==, ms_bolt11_get_description (b));
  g_assert_cmpstr (ms_bolt11_get_description_hash_hex (a), ==,
                   ms_bolt11_get_description_hash_hex (b));
  g_assert_cmpuint (ms_bolt11_get_expiry (a), ==, ms_bolt11_get_expiry (b));
  g_assert_cmpuint (ms_bolt11_get_min_final_cltv_expiry (a), ==,
                    ms_bolt11_get_min_final_cltv_expiry (b));
  g_assert_cmpmem (features_a, n_a * sizeof (guint), features_b, n_b * sizeof (guint));
  g_assert_cmpuint (ms_bolt11_get_n_routes (a), ==, ms_bolt11_get_n_routes (b));
  for (guint i = 0; i < ms_bolt11_get_n_routes (a); i++)
    {
      const MsBolt11Route *ra = ms_bolt11_get_route (a, i);
      const MsBolt11Route *rb = ms_bolt11_get_route (b, i);

      g_assert_cmpuint (ra->n_hops, ==, rb->n_hops);
      for (guint j = 0; j < ra->n_hops; j++)
        {
          g_assert_cmpmem (ra->hops[j].pubkey, MS_BOLT11_PUBKEY_LEN,
                           rb->hops[j].pubkey, MS_BOLT11_PUBKEY_LEN);
          g_assert_cmpuint (ra->hops[j].short_channel_id, ==, rb->hops[j].short_channel_id);
          g_assert_cmpuint (ra->hops[j].fee_base_msat, ==, rb->hops[j].fee_base_msat);
          g_assert_cmpuint (ra->hops[j].fee_proportional_millionths, ==,
                            rb->hops[j].fee_proportional_millionths);
          g_assert_cmpuint (ra->hops[j].cltv_expiry_delta, ==, rb->hops[j].cltv_expiry_delta);
        }
    }
  g_assert_true (g_strv_equal ((const char * const *) ms_bolt11_get_fallback_addresses (a),
                               (const char * const *) ms_bolt11_get_fallback_addresses (b)));
  g_assert_true ((ms_bolt11_get_payment_metadata (a) == NULL &&
                  ms_bolt11_get_payment_metadata (b) == NULL) ||
                 g_bytes_equal (ms_bolt11_get_payment_metadata (a),
                                ms_bolt11_get_payment_metadata (b)));
}

/* Signing what we decoded with the spec's key gives an invoice saying the same. */
static void
assert_reencodes (MsBolt11   *b11,
                  JsonObject *root)
{
  g_autoptr(GBytes) key = ms_test_hex_bytes (ms_test_get_string (root, "priv_key"));
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBolt11) again = NULL;
  g_autofree char *encoded = NULL;
  MsBolt11Params params;

  ms_bolt11_get_params (b11, &params);
  encoded = ms_bolt11_encode (&params, g_bytes_get_data (key, NULL), &error);
  g_assert_no_error (error);
  again = decode (encoded, MS_BOLT11_DECODE_NONE, &error);
  g_assert_no_error (error);
  assert_same_fields (b11, again);
  g_assert_cmpstr (ms_bolt11_get_payee_hex (again), ==, SPEC_PAYEE);
  if (g_str_equal (encoded, ms_bolt11_get_invoice (b11)))
    g_test_message ("re-encoded byte for byte");
}

static void
test_valid (JsonObject *root,
            JsonObject *vector)
{
  const char *invoice = ms_test_get_string (vector, "invoice");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBolt11) b11 = decode (invoice, MS_BOLT11_DECODE_NONE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (b11);
  g_assert_true (json_object_get_boolean_member (vector, "valid_per_bolt11"));
  g_assert_true (ms_bolt11_get_signature_valid (b11));
  g_assert_cmpstr (ms_bolt11_get_invoice (b11), ==, invoice);
  g_assert_cmpstr (ms_bolt11_get_payment_secret_hex (b11), ==,
                   ms_test_get_string (root, "default_payment_secret"));

  assert_reference (b11, json_object_get_object_member (vector, "reference_decode"));
  if (json_object_has_member (vector, "signature_breakdown"))
    assert_signature_breakdown (b11, json_object_get_object_member (vector, "signature_breakdown"));
  assert_title (b11, ms_test_get_string (vector, "title"));
  assert_reencodes (b11, root);
}

static void
test_invalid (JsonObject *root,
              JsonObject *vector)
{
  const char *invoice = ms_test_get_string (vector, "invoice");
  const char *title = ms_test_get_string (vector, "title");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lenient_error = NULL;
  g_autoptr(MsBolt11) b11 = decode (invoice, MS_BOLT11_DECODE_NONE, &error);
  g_autoptr(MsBolt11) lenient = NULL;
  gint expected = -1;

  g_assert_false (json_object_get_boolean_member (vector, "valid_per_bolt11"));
  g_assert_null (b11);
  g_assert_nonnull (error);
  g_assert_true (error->domain == MS_BOLT11_ERROR);
  g_assert_true (g_str_has_prefix (error->message, "bolt11: "));

  for (guint i = 0; i < G_N_ELEMENTS (invalid_reasons); i++)
    if (g_str_equal (title, invalid_reasons[i].title))
      expected = invalid_reasons[i].code;
  if (expected >= 0)
    g_assert_cmpint (error->code, ==, expected);
  g_test_message ("ours: %s", error->message);

  /* Only a bad signature may be looked past, and then it is reported. */
  lenient = decode (invoice, MS_BOLT11_DECODE_ALLOW_BAD_SIGNATURE, &lenient_error);
  if (error->code == MS_BOLT11_ERROR_BAD_SIGNATURE)
    {
      g_assert_no_error (lenient_error);
      g_assert_false (ms_bolt11_get_signature_valid (lenient));
    }
  else
    {
      g_assert_null (lenient);
      g_assert_error (lenient_error, MS_BOLT11_ERROR, error->code);
    }
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  ms_test_add_vectors ("/vectors/bolt11_valid", "bolt11/bolt11_valid.json", test_valid);
  ms_test_add_vectors ("/vectors/bolt11_invalid", "bolt11/bolt11_invalid.json", test_invalid);

  return g_test_run ();
}
