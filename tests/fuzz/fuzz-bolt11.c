/* fuzz-bolt11.c: ms_bolt11_decode on arbitrary bytes, and ms_bolt11_encode of what decodes
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "moneysocket.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* Any valid key will do; this one is BOLT #11's. */
static const guint8 privkey[32] = {
  0xe1, 0x26, 0xf6, 0x8f, 0x7e, 0xaf, 0xcc, 0x8b, 0x74, 0xf5, 0x4d, 0x26, 0x9f, 0xe2, 0x06, 0xbe,
  0x71, 0x50, 0x00, 0xf9, 0x4d, 0xac, 0x06, 0x7d, 0x1c, 0x04, 0xa8, 0xca, 0x3b, 0x2d, 0xb7, 0x34,
};

static const char *const prefixes[] = {
  "lnbc", "lntb", "lntbs", "lnbcrt", "lnsb", "lnbc2500u", "lnbc10p", "lnbc1", "lnbc20m", "lnxx",
};

static secp256k1_context *
context (void)
{
  static secp256k1_context *ctx;

  if (ctx == NULL)
    ctx = secp256k1_context_create (SECP256K1_CONTEXT_NONE);
  return ctx;
}

/* Appends a valid signature of @hrp and @words by privkey. */
static void
sign (const char *hrp,
      GByteArray *words)
{
  g_autoptr(GByteArray) message = g_byte_array_new ();
  secp256k1_ecdsa_recoverable_signature sig;
  guint8 hash[32];
  guint8 compact[65];
  int recovery_id;

  g_byte_array_append (message, (const guint8 *) hrp, strlen (hrp));
  ms_bech32_convert_bits (words->data, words->len, 5, 8, TRUE, message);
  ms_sha256 (message->data, message->len, hash);
  g_assert (secp256k1_ecdsa_sign_recoverable (context (), &sig, hash, privkey, NULL, NULL));
  secp256k1_ecdsa_recoverable_signature_serialize_compact (context (), compact, &recovery_id, &sig);
  compact[64] = recovery_id;
  ms_bech32_convert_bits (compact, sizeof compact, 8, 5, TRUE, words);
}

/*
 * Random strings almost never carry a valid bech32 checksum, so with the
 * first byte odd the rest is taken as 5-bit words (timestamp and fields)
 * under a known prefix, checksummed, and with the second bit also signed:
 * that reaches the field parsers and the signature checks.
 */
static char *
wrap (const uint8_t *data,
      size_t         size)
{
  g_autoptr(GByteArray) words = g_byte_array_new ();
  const char *hrp;

  if (size < 2)
    return NULL;

  hrp = prefixes[data[1] % G_N_ELEMENTS (prefixes)];
  for (size_t i = 2; i < size; i++)
    {
      guint8 word = data[i] & 31;

      g_byte_array_append (words, &word, 1);
    }
  if (data[0] & 2)
    sign (hrp, words);

  return ms_bech32_encode (hrp, words->data, words->len, MS_BECH32_VARIANT_BECH32);
}

static void
assert_same (MsBolt11 *a,
             MsBolt11 *b)
{
  guint n_a, n_b;
  const guint *features_a = ms_bolt11_get_features (a, &n_a);
  const guint *features_b = ms_bolt11_get_features (b, &n_b);
  GBytes *metadata_a = ms_bolt11_get_payment_metadata (a);
  GBytes *metadata_b = ms_bolt11_get_payment_metadata (b);

  g_assert (g_str_equal (ms_bolt11_get_currency (a), ms_bolt11_get_currency (b)));
  g_assert (ms_bolt11_has_amount (a) == ms_bolt11_has_amount (b));
  g_assert (ms_bolt11_get_amount_msat (a) == ms_bolt11_get_amount_msat (b));
  g_assert (ms_bolt11_get_created_at (a) == ms_bolt11_get_created_at (b));
  g_assert (memcmp (ms_bolt11_get_payment_hash (a), ms_bolt11_get_payment_hash (b), 32) == 0);
  g_assert (memcmp (ms_bolt11_get_payment_secret (a), ms_bolt11_get_payment_secret (b), 32) == 0);
  g_assert (g_strcmp0 (ms_bolt11_get_description (a), ms_bolt11_get_description (b)) == 0);
  g_assert (g_strcmp0 (ms_bolt11_get_description_hash_hex (a),
                       ms_bolt11_get_description_hash_hex (b)) == 0);
  /* An `x` or `c` of 0 is written back as no field, i.e. the default. */
  g_assert (ms_bolt11_get_expiry (a) == 0 || ms_bolt11_get_expiry (a) == ms_bolt11_get_expiry (b));
  g_assert (ms_bolt11_get_min_final_cltv_expiry (a) == 0 ||
            ms_bolt11_get_min_final_cltv_expiry (a) == ms_bolt11_get_min_final_cltv_expiry (b));
  g_assert (n_a == n_b && (n_a == 0 || memcmp (features_a, features_b, n_a * sizeof (guint)) == 0));
  g_assert (ms_bolt11_get_n_routes (a) == ms_bolt11_get_n_routes (b));
  g_assert (ms_bolt11_get_n_fallbacks (a) == ms_bolt11_get_n_fallbacks (b));
  g_assert (g_strv_equal (ms_bolt11_get_fallback_addresses (a),
                          ms_bolt11_get_fallback_addresses (b)));
  g_assert ((metadata_a == NULL) == (metadata_b == NULL));
  g_assert (metadata_a == NULL || g_bytes_equal (metadata_a, metadata_b));
  g_assert (ms_bolt11_get_payee_from_n (a) == ms_bolt11_get_payee_from_n (b));
}

/* What decodes is written again under our key and decodes to the same thing. */
static void
reencode (MsBolt11 *b11)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBolt11) again = NULL;
  g_autofree char *invoice = NULL;
  MsBolt11Params params;

  ms_bolt11_get_params (b11, &params);
  invoice = ms_bolt11_encode (&params, privkey, &error);
  if (invoice == NULL)
    {
      /* Only what a writer may not write: e.g. no payment_secret feature. */
      g_assert (g_error_matches (error, MS_BOLT11_ERROR, MS_BOLT11_ERROR_INVALID_ARGUMENT));
      return;
    }

  again = ms_bolt11_decode (invoice, strlen (invoice), MS_BOLT11_DECODE_NONE, &error);
  g_assert (again != NULL);
  g_assert (ms_bolt11_get_signature_valid (again));
  assert_same (b11, again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBolt11) b11 = NULL;
  g_autofree char *wrapped = NULL;
  MsBolt11DecodeFlags flags = MS_BOLT11_DECODE_NONE;

  if (size > 0 && (data[0] & 4))
    flags = MS_BOLT11_DECODE_ALLOW_BAD_SIGNATURE;

  if (size > 0 && (data[0] & 1) && (wrapped = wrap (data, size)) != NULL)
    b11 = ms_bolt11_decode (wrapped, strlen (wrapped), flags, &error);
  else
    b11 = ms_bolt11_decode ((const char *) data, size, flags, &error);

  if (b11 == NULL)
    {
      /* Every failure says what was wrong. */
      g_assert (error != NULL && error->domain == MS_BOLT11_ERROR);
      g_assert (g_str_has_prefix (error->message, "bolt11: "));
      return 0;
    }

  g_assert (ms_bolt11_get_signature_valid (b11) || flags == MS_BOLT11_DECODE_ALLOW_BAD_SIGNATURE);
  g_assert ((ms_bolt11_get_payee (b11) == NULL) == (ms_bolt11_get_payee_hex (b11) == NULL));
  for (guint i = 0; i < ms_bolt11_get_n_routes (b11); i++)
    {
      const MsBolt11Route *route = ms_bolt11_get_route (b11, i);

      for (guint j = 0; j < route->n_hops; j++)
        {
          guint64 short_channel_id = route->hops[j].short_channel_id;
          g_autofree char *scid = ms_bolt11_short_channel_id_to_string (short_channel_id);
          g_autofree char *pubkey = ms_bolt11_hop_dup_pubkey_hex (&route->hops[j]);

          g_assert (scid != NULL && strlen (pubkey) == 66);
        }
    }
  (void) ms_bolt11_is_expired (b11, g_get_real_time () / G_USEC_PER_SEC);

  reencode (b11);
  return 0;
}
