/* test-bolt11.c: BOLT #11 decoding, encoding and base58 beyond the shared vectors
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "moneysocket.h"
#include "ms-base58.h"
#include "test-util.h"

/* The key, payee and values every BOLT #11 example uses. */
#define SPEC_PRIVKEY   "e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734"
#define SPEC_PAYEE     "03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad"
#define SPEC_HASH      "0001020304050607080900010203040506070809000102030405060708090102"
#define SPEC_SECRET    "1111111111111111111111111111111111111111111111111111111111111111"
#define SPEC_TIMESTAMP 1496314658
/* SHA-256 of the spec's "One piece of chocolate cake, …" (the `h` examples). */
#define SPEC_DESCRIPTION_HASH "3925b6f67e2c340036ed12093dd44e0368df1b6ea26c53dbe4811f58fd5db8c1"
#define SPEC_LONG_DESCRIPTION \
  "One piece of chocolate cake, one icecream cone, one pickle, one slice of swiss cheese, " \
  "one slice of salami, one lollypop, one piece of cherry pie, one sausage, one cupcake, " \
  "and one slice of watermelon"

/* secp256k1's group order n, big-endian. */
static const guint8 curve_order[32] = {
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
  0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
};

static guint8 spec_privkey[32];
static guint8 spec_hash[32];
static guint8 spec_secret[32];
static guint8 spec_description_hash[32];

static void
hex_into (const char *hex,
          guint8     *out,
          gsize       len)
{
  g_autoptr(GError) error = NULL;

  ms_hex_decode_into (hex, strlen (hex), out, len, &error);
  g_assert_no_error (error);
}

static MsBolt11 *
decode_ok (const char *invoice)
{
  g_autoptr(GError) error = NULL;
  MsBolt11 *b11 = ms_bolt11_decode (invoice, strlen (invoice), MS_BOLT11_DECODE_NONE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (b11);
  g_assert_true (ms_bolt11_get_signature_valid (b11));
  return b11;
}

static void
assert_decode_fails (const char          *invoice,
                     MsBolt11DecodeFlags  flags,
                     MsBolt11Error        code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBolt11) b11 = ms_bolt11_decode (invoice, strlen (invoice), flags, &error);

  g_assert_null (b11);
  g_assert_error (error, MS_BOLT11_ERROR, (gint) code);
  g_assert_true (g_str_has_prefix (error->message, "bolt11: "));
}

static void
spec_params (MsBolt11Params *params)
{
  memset (params, 0, sizeof *params);
  params->currency = "bc";
  params->timestamp = SPEC_TIMESTAMP;
  params->payment_hash = spec_hash;
  params->payment_secret = spec_secret;
}

static char *
encode_ok (const MsBolt11Params *params)
{
  g_autoptr(GError) error = NULL;
  char *invoice = ms_bolt11_encode (params, spec_privkey, &error);

  g_assert_no_error (error);
  g_assert_nonnull (invoice);
  return invoice;
}

static void
assert_encode_fails (const MsBolt11Params *params)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *invoice = ms_bolt11_encode (params, spec_privkey, &error);

  g_assert_null (invoice);
  g_assert_error (error, MS_BOLT11_ERROR, MS_BOLT11_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_str_has_prefix (error->message, "bolt11: "));
}

/*
 * An invoice written by hand, independently of ms_bolt11_encode(), so that
 * tests can put any field, length or signature into a validly checksummed
 * string.
 */
typedef struct
{
  char       *hrp;
  GByteArray *words;
} Builder;

typedef enum
{
  SIGN_NORMAL,
  SIGN_HIGH_S_SAME_KEY,  /* s' = n - s, recovery id flipped: the same key recovers */
  SIGN_HIGH_S,           /* s' = n - s, recovery id kept: another key recovers */
  SIGN_RECOVERY_ID_5,
  SIGN_R_ZERO,
} SignMode;

static void
builder_free (Builder *b)
{
  g_free (b->hrp);
  g_byte_array_unref (b->words);
  g_free (b);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Builder, builder_free)

static void
builder_uint (Builder *b,
              guint64  value,
              guint    n_words)
{
  for (guint i = n_words; i > 0; i--)
    {
      guint8 w = (value >> (5 * (i - 1))) & 31;

      g_byte_array_append (b->words, &w, 1);
    }
}

static Builder *
builder_new (const char *hrp)
{
  Builder *b = g_new0 (Builder, 1);

  b->hrp = g_strdup (hrp);
  b->words = g_byte_array_new ();
  builder_uint (b, SPEC_TIMESTAMP, 7);
  return b;
}

static void
builder_words (Builder      *b,
               guint         tag,
               const guint8 *words,
               gsize         n_words)
{
  builder_uint (b, tag, 1);
  builder_uint (b, n_words, 2);
  g_byte_array_append (b->words, words, n_words);
}

static void
builder_bytes (Builder      *b,
               guint         tag,
               const guint8 *data,
               gsize         len)
{
  g_autoptr(GByteArray) words = g_byte_array_new ();

  ms_bech32_convert_bits (data, len, 8, 5, TRUE, words);
  builder_words (b, tag, words->data, words->len);
}

static void
builder_hex (Builder    *b,
             guint       tag,
             const char *hex)
{
  g_autoptr(GBytes) bytes = ms_test_hex_bytes (hex);

  builder_bytes (b, tag, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* A field of @n_words words holding @value. */
static void
builder_uint_field (Builder *b,
                    guint    tag,
                    guint64  value,
                    guint    n_words)
{
  builder_uint (b, tag, 1);
  builder_uint (b, n_words, 2);
  builder_uint (b, value, n_words);
}

/* Features 8 and 14 ("9qrsgq"), as the examples. */
static void
builder_features (Builder *b)
{
  static const guint8 words[] = { 16, 8, 0 };

  builder_words (b, 5, words, sizeof words);
}

enum { TAG_P = 1, TAG_R = 3, TAG_9 = 5, TAG_X = 6, TAG_F = 9, TAG_D = 13, TAG_S = 16,
       TAG_N = 19, TAG_H = 23, TAG_C = 24, TAG_M = 27 };

static void
builder_payment (Builder *b)
{
  builder_hex (b, TAG_S, SPEC_SECRET);
  builder_hex (b, TAG_P, SPEC_HASH);
}

static void
builder_description (Builder    *b,
                     const char *text)
{
  builder_bytes (b, TAG_D, (const guint8 *) text, strlen (text));
}

/* s, p, d, 9: the smallest valid invoice. */
static Builder *
builder_new_valid (void)
{
  Builder *b = builder_new ("lnbc");

  builder_payment (b);
  builder_description (b, "test");
  builder_features (b);
  return b;
}

/* Replaces 32-byte big-endian @s with n - @s. */
static void
negate_scalar (guint8 s[32])
{
  guint borrow = 0;

  for (gint i = 31; i >= 0; i--)
    {
      gint d = (gint) curve_order[i] - s[i] - borrow;

      borrow = d < 0;
      s[i] = d < 0 ? d + 256 : d;
    }
}

static void
builder_sign (Builder  *b,
              SignMode  mode)
{
  secp256k1_context *ctx = secp256k1_context_create (SECP256K1_CONTEXT_NONE);
  g_autoptr(GByteArray) message = g_byte_array_new ();
  secp256k1_ecdsa_recoverable_signature sig;
  guint8 hash[32];
  guint8 compact[65];
  int recovery_id;

  g_byte_array_append (message, (const guint8 *) b->hrp, strlen (b->hrp));
  ms_bech32_convert_bits (b->words->data, b->words->len, 5, 8, TRUE, message);
  ms_sha256 (message->data, message->len, hash);
  g_assert_true (secp256k1_ecdsa_sign_recoverable (ctx, &sig, hash, spec_privkey, NULL, NULL));
  secp256k1_ecdsa_recoverable_signature_serialize_compact (ctx, compact, &recovery_id, &sig);
  secp256k1_context_destroy (ctx);

  if (mode == SIGN_HIGH_S_SAME_KEY || mode == SIGN_HIGH_S)
    negate_scalar (compact + 32);
  if (mode == SIGN_HIGH_S_SAME_KEY)
    recovery_id ^= 1;
  if (mode == SIGN_RECOVERY_ID_5)
    recovery_id = 5;
  if (mode == SIGN_R_ZERO)
    memset (compact, 0, 32);
  compact[64] = recovery_id;

  ms_bech32_convert_bits (compact, sizeof compact, 8, 5, TRUE, b->words);
}

static char *
builder_finish (Builder  *b,
                SignMode  mode)
{
  builder_sign (b, mode);
  return ms_bech32_encode (b->hrp, b->words->data, b->words->len, MS_BECH32_VARIANT_BECH32);
}

/* Example invoices, found by the start of their title in the shared vectors. */
static const char *
spec_invoice (JsonObject *root,
              const char *title_prefix)
{
  JsonArray *vectors = json_object_get_array_member (root, "vectors");

  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *vector = json_array_get_object_element (vectors, i);

      if (g_str_has_prefix (ms_test_get_string (vector, "title"), title_prefix))
        return ms_test_get_string (vector, "invoice");
    }

  g_error ("no BOLT #11 example titled '%s…'", title_prefix);
}

/* The route of the spec's 1RustyRX2oai4EYYDpQGWvEL62BBGqN9T example, from its breakdown. */
static void
spec_route_hops (MsBolt11Hop hops[2])
{
  memset (hops, 0, 2 * sizeof (MsBolt11Hop));
  hex_into ("029e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255",
            hops[0].pubkey, 33);
  hops[0].short_channel_id = G_GUINT64_CONSTANT (0x0102030405060708);
  hops[0].fee_base_msat = 1;
  hops[0].fee_proportional_millionths = 20;
  hops[0].cltv_expiry_delta = 3;
  hex_into ("039e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255",
            hops[1].pubkey, 33);
  hops[1].short_channel_id = G_GUINT64_CONSTANT (0x030405060708090a);
  hops[1].fee_base_msat = 2;
  hops[1].fee_proportional_millionths = 30;
  hops[1].cltv_expiry_delta = 4;
}

static void
fallback_from_hex (MsBolt11Fallback *fallback,
                   guint8            version,
                   const char       *hex)
{
  memset (fallback, 0, sizeof *fallback);
  fallback->version = version;
  fallback->program_len = strlen (hex) / 2;
  hex_into (hex, fallback->program, fallback->program_len);
}

/* The spec's private key signs the examples into the spec's exact strings. */
static void
test_spec_examples_encode (void)
{
  g_autoptr(JsonObject) root = ms_test_load_vector_file ("bolt11/bolt11_valid.json");
  MsBolt11Params params;
  MsBolt11Hop hops[2];
  MsBolt11Route route = { hops, 2 };
  MsBolt11Fallback fallback;
  char *invoice;

  spec_params (&params);
  params.description = "Please consider supporting this project";
  invoice = encode_ok (&params);
  g_assert_cmpstr (invoice, ==, spec_invoice (root, "Please make a donation"));
  g_free (invoice);

  params.has_amount = TRUE;
  params.amount_msat = 250000000;
  params.description = "1 cup coffee";
  params.expiry = 60;
  invoice = encode_ok (&params);
  g_assert_cmpstr (invoice, ==, spec_invoice (root, "Please send $3 for a cup of coffee"));
  g_free (invoice);

  params.description = "ナンセンス 1杯";
  invoice = encode_ok (&params);
  g_assert_cmpstr (invoice, ==, spec_invoice (root, "Please send 0.0025 BTC"));
  g_free (invoice);

  params.amount_msat = 2000000000;
  params.description = NULL;
  params.description_hash = spec_description_hash;
  params.expiry = 0;
  invoice = encode_ok (&params);
  g_assert_cmpstr (invoice, ==, spec_invoice (root, "Now send $24"));
  g_free (invoice);

  spec_route_hops (hops);
  fallback_from_hex (&fallback, MS_BOLT11_FALLBACK_P2PKH,
                     "04b61f7dc1ea0dc99424464cc4064dc564d91e89");
  params.fallbacks = &fallback;
  params.n_fallbacks = 1;
  params.routes = &route;
  params.n_routes = 1;
  invoice = encode_ok (&params);
  g_assert_cmpstr (invoice, ==, spec_invoice (root, "On mainnet, with fallback address 1Rusty"));
  g_free (invoice);

  fallback_from_hex (&fallback, 1,
                     "0adac43daa9c8a5a68e09ea10692b82226ee190e572db9b90e17a410484ab405");
  params.routes = NULL;
  params.n_routes = 0;
  invoice = encode_ok (&params);
  g_assert_cmpstr (invoice, ==, spec_invoice (root, "On mainnet, with fallback (P2TR)"));
  g_free (invoice);
}

/* Fields the shared vectors' reference decode does not show, from the spec's breakdowns. */
static void
test_spec_examples_fields (void)
{
  g_autoptr(JsonObject) root = ms_test_load_vector_file ("bolt11/bolt11_valid.json");
  g_autoptr(MsBolt11) rusty =
    decode_ok (spec_invoice (root, "On mainnet, with fallback address 1Rusty"));
  g_autoptr(MsBolt11) pico = decode_ok (spec_invoice (root, "Please send 0.00967878534 BTC"));
  g_autoptr(MsBolt11) upper = decode_ok (spec_invoice (root, "Same, but all upper case."));
  g_autoptr(MsBolt11) ignored = decode_ok (spec_invoice (root, "Same, but including fields"));
  g_autoptr(MsBolt11) metadata =
    decode_ok (spec_invoice (root, "Please send 0.01 BTC with payment"));
  MsBolt11Hop hops[2];
  const MsBolt11Route *route;
  g_autofree char *scid = NULL;
  g_autofree char *pubkey = NULL;
  const guint8 *feature_bytes;
  gsize n_feature_bytes;
  guint n_features;
  const guint *features;

  spec_route_hops (hops);
  g_assert_cmpstr (ms_bolt11_get_network (rusty), ==, "bitcoin");
  g_assert_cmpuint (ms_bolt11_get_n_routes (rusty), ==, 1);
  route = ms_bolt11_get_route (rusty, 0);
  g_assert_cmpuint (route->n_hops, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpmem (route->hops[i].pubkey, 33, hops[i].pubkey, 33);
      g_assert_cmpuint (route->hops[i].short_channel_id, ==, hops[i].short_channel_id);
      g_assert_cmpuint (route->hops[i].fee_base_msat, ==, hops[i].fee_base_msat);
      g_assert_cmpuint (route->hops[i].fee_proportional_millionths, ==,
                        hops[i].fee_proportional_millionths);
      g_assert_cmpuint (route->hops[i].cltv_expiry_delta, ==, hops[i].cltv_expiry_delta);
    }
  g_assert_cmpuint (ms_bolt11_get_fallback (rusty, 0)->version, ==, MS_BOLT11_FALLBACK_P2PKH);
  g_assert_cmpstr (ms_bolt11_get_description_hash_hex (rusty), ==, SPEC_DESCRIPTION_HASH);
  g_assert_true (ms_bolt11_check_description_hash (rusty, SPEC_LONG_DESCRIPTION,
                                                   strlen (SPEC_LONG_DESCRIPTION)));
  g_assert_false (ms_bolt11_check_description_hash (rusty, "One piece", 9));

  /* "short_channel_id: 589390x3312x1, fee_base_msat = 1000, …" */
  route = ms_bolt11_get_route (pico, 0);
  scid = ms_bolt11_short_channel_id_to_string (route->hops[0].short_channel_id);
  pubkey = ms_bolt11_hop_dup_pubkey_hex (&route->hops[0]);
  g_assert_cmpstr (scid, ==, "589390x3312x1");
  g_assert_cmpstr (pubkey, ==,
                   "03d06758583bb5154774a6eb221b1276c9e82d65bbaceca806d90e20c108f4b1c7");
  g_assert_cmpuint (route->hops[0].fee_base_msat, ==, 1000);
  g_assert_cmpuint (route->hops[0].fee_proportional_millionths, ==, 2500);
  g_assert_cmpuint (route->hops[0].cltv_expiry_delta, ==, 40);
  g_assert_cmpuint (ms_bolt11_get_min_final_cltv_expiry (pico), ==, 10);
  g_assert_cmpuint (ms_bolt11_get_expiry (pico), ==, 604800);
  g_assert_cmpint (ms_bolt11_get_expires_at (pico), ==, 1572468703 + 604800);

  /* Features 8, 14 and 99: bytes 08 00…00 41 00. */
  features = ms_bolt11_get_features (upper, &n_features);
  g_assert_cmpuint (n_features, ==, 3);
  g_assert_cmpuint (features[2], ==, 99);
  g_assert_true (ms_bolt11_has_feature (upper, 14));
  g_assert_false (ms_bolt11_has_feature (upper, 15));
  feature_bytes = ms_bolt11_get_feature_bytes (upper, &n_feature_bytes);
  ms_test_assert_hex (feature_bytes, n_feature_bytes, "08000000000000000000004100");
  g_assert_true (g_str_has_prefix (ms_bolt11_get_invoice (upper), "LNBC25M1"));
  g_assert_cmpstr (ms_bolt11_get_description (upper), ==, "coffee beans");

  /* The ignored fields are not there: f version 19, and p, h, s, n of wrong lengths. */
  g_assert_cmpuint (ms_bolt11_get_n_fallbacks (ignored), ==, 0);
  g_assert_null (ms_bolt11_get_fallback_addresses (ignored)[0]);
  g_assert_null (ms_bolt11_get_description_hash (ignored));
  g_assert_false (ms_bolt11_get_payee_from_n (ignored));
  g_assert_cmpstr (ms_bolt11_get_payee_hex (ignored), ==, SPEC_PAYEE);
  g_assert_cmpstr (ms_bolt11_get_payment_hash_hex (ignored), ==, SPEC_HASH);
  g_assert_cmpstr (ms_bolt11_get_payment_secret_hex (ignored), ==, SPEC_SECRET);

  g_assert_true (ms_bolt11_has_feature (metadata, MS_BOLT11_FEATURE_PAYMENT_METADATA));
  g_assert_cmpuint (g_bytes_get_size (ms_bolt11_get_payment_metadata (metadata)), ==, 4);
}

/* Decoding a spec example and writing it back gives the same string. */
static void
test_params_round_trip (void)
{
  g_autoptr(JsonObject) root = ms_test_load_vector_file ("bolt11/bolt11_valid.json");
  const char *original = spec_invoice (root, "On mainnet, with fallback address 1Rusty");
  g_autoptr(MsBolt11) b11 = decode_ok (original);
  g_autofree char *again = NULL;
  MsBolt11Params params;

  ms_bolt11_get_params (b11, &params);
  again = encode_ok (&params);
  g_assert_cmpstr (again, ==, original);

  /* An empty `m` field is kept as empty metadata, and written back. */
  {
    g_autoptr(Builder) b = builder_new_valid ();
    g_autofree char *invoice = NULL;
    g_autofree char *written = NULL;
    g_autoptr(MsBolt11) empty = NULL;
    g_autoptr(MsBolt11) reread = NULL;

    builder_words (b, TAG_M, NULL, 0);
    invoice = builder_finish (b, SIGN_NORMAL);
    empty = decode_ok (invoice);
    g_assert_nonnull (ms_bolt11_get_payment_metadata (empty));
    g_assert_cmpuint (g_bytes_get_size (ms_bolt11_get_payment_metadata (empty)), ==, 0);
    ms_bolt11_get_params (empty, &params);
    written = encode_ok (&params);
    reread = decode_ok (written);
    g_assert_nonnull (ms_bolt11_get_payment_metadata (reread));
    g_assert_cmpuint (g_bytes_get_size (ms_bolt11_get_payment_metadata (reread)), ==, 0);
  }

  /* Without features it cannot be written again: no defaults slip in. */
  {
    g_autoptr(Builder) b = builder_new ("lnbc");
    g_autofree char *invoice = NULL;
    g_autoptr(MsBolt11) bare = NULL;

    builder_payment (b);
    builder_description (b, "no features");
    invoice = builder_finish (b, SIGN_NORMAL);
    bare = decode_ok (invoice);
    ms_bolt11_get_params (bare, &params);
    g_assert_nonnull (params.features);
    g_assert_cmpuint (params.n_features, ==, 0);
    assert_encode_fails (&params);
  }
}

static void
test_amounts_decode (void)
{
  static const struct
  {
    const char *hrp;
    gboolean    has_amount;
    guint64     amount_msat;
    const char *network;
  } good[] = {
    { "lnbc", FALSE, 0, "bitcoin" },
    { "lnbc1", TRUE, G_GUINT64_CONSTANT (100000000000), "bitcoin" },
    { "lnbc2500u", TRUE, 250000000, "bitcoin" },
    { "lnbc20m", TRUE, 2000000000, "bitcoin" },
    { "lnbc10n", TRUE, 1000, "bitcoin" },
    { "lnbc1n", TRUE, 100, "bitcoin" },
    { "lnbc10p", TRUE, 1, "bitcoin" },
    { "lnbc9678785340p", TRUE, 967878534, "bitcoin" },
    { "lnbc21000000", TRUE, G_GUINT64_CONSTANT (2100000000000000000), "bitcoin" },
    { "lnbc184467440", TRUE, G_GUINT64_CONSTANT (18446744000000000000), "bitcoin" },
    { "lntb1m", TRUE, 100000000, "testnet" },
    { "lntbs10n", TRUE, 1000, "signet" },
    { "lntbs", FALSE, 0, "signet" },
    { "lnbcrt5u", TRUE, 500000, "regtest" },
    { "lnbcrt", FALSE, 0, "regtest" },
    { "lnsb1u", TRUE, 100000, "simnet" },
  };
  static const struct
  {
    const char    *hrp;
    MsBolt11Error  code;
  } bad[] = {
    { "lnbc0", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbc01m", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbc0m", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbcm", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbc1x", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbc1mm", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbc1m1", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbc1M", MS_BOLT11_ERROR_BECH32 },
    { "lnbc11p", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbc-5", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbc184467441", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbc184467440737095517m", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnbc99999999999999999999p", MS_BOLT11_ERROR_BAD_AMOUNT },
    { "lnxy1m", MS_BOLT11_ERROR_BAD_PREFIX },
    { "lnb", MS_BOLT11_ERROR_BAD_PREFIX },
    { "ln", MS_BOLT11_ERROR_BAD_PREFIX },
    { "bc1m", MS_BOLT11_ERROR_BAD_PREFIX },
    { "lightning", MS_BOLT11_ERROR_BAD_PREFIX },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(Builder) b = builder_new (good[i].hrp);
      g_autofree char *invoice = NULL;
      g_autoptr(MsBolt11) b11 = NULL;

      builder_payment (b);
      builder_description (b, "amount");
      builder_features (b);
      invoice = builder_finish (b, SIGN_NORMAL);
      b11 = decode_ok (invoice);
      g_assert_cmpint (ms_bolt11_has_amount (b11), ==, good[i].has_amount);
      g_assert_cmpuint (ms_bolt11_get_amount_msat (b11), ==, good[i].amount_msat);
      g_assert_cmpstr (ms_bolt11_get_network (b11), ==, good[i].network);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(Builder) b = builder_new (bad[i].hrp);
      g_autofree char *invoice = NULL;

      builder_payment (b);
      builder_description (b, "amount");
      builder_features (b);
      invoice = builder_finish (b, SIGN_NORMAL);
      /* The checksum covers the hrp in lower case; an upper-case letter mixes cases. */
      if (bad[i].code == MS_BOLT11_ERROR_BECH32)
        memcpy (invoice, bad[i].hrp, strlen (bad[i].hrp));
      assert_decode_fails (invoice, MS_BOLT11_DECODE_NONE, bad[i].code);
    }
}

/* BOLT #11 writer: "SHOULD use the shortest representation possible". */
static void
test_amounts_encode (void)
{
  static const struct
  {
    guint64     amount_msat;
    const char *prefix;
  } cases[] = {
    { 1, "lnbc10p1" },
    { 10, "lnbc100p1" },
    { 100, "lnbc1n1" },
    { 1000, "lnbc10n1" },
    { 100000, "lnbc1u1" },
    { 250000000, "lnbc2500u1" },
    { 100000000, "lnbc1m1" },
    { 967878534, "lnbc9678785340p1" },
    { G_GUINT64_CONSTANT (100000000000), "lnbc11" },
    { G_GUINT64_CONSTANT (2100000000000000000), "lnbc210000001" },
    { G_GUINT64_CONSTANT (1844674407370955161), "lnbc18446744073709551610p1" },
    { G_GUINT64_CONSTANT (18446744073709551600), "lnbc184467440737095516n1" },
  };
  MsBolt11Params params;

  spec_params (&params);
  params.description = "amount";
  params.has_amount = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *invoice = NULL;
      g_autoptr(MsBolt11) b11 = NULL;

      params.amount_msat = cases[i].amount_msat;
      invoice = encode_ok (&params);
      g_assert_true (g_str_has_prefix (invoice, cases[i].prefix));
      b11 = decode_ok (invoice);
      g_assert_true (ms_bolt11_has_amount (b11));
      g_assert_cmpuint (ms_bolt11_get_amount_msat (b11), ==, cases[i].amount_msat);
    }

  /* Zero, and amounts whose pico-bitcoin do not fit in 64 bits. */
  params.amount_msat = 0;
  assert_encode_fails (&params);
  params.amount_msat = G_GUINT64_CONSTANT (1844674407370955162);
  assert_encode_fails (&params);
  params.amount_msat = G_MAXUINT64;
  assert_encode_fails (&params);
}

static void
assert_fallback_address (const char  *currency,
                         guint8       version,
                         const char  *program_hex,
                         const char  *address)
{
  g_autoptr(MsBolt11) b11 = NULL;
  g_autofree char *invoice = NULL;
  MsBolt11Fallback fallback;
  MsBolt11Params params;

  spec_params (&params);
  params.currency = currency;
  params.description = "fallback";
  fallback_from_hex (&fallback, version, program_hex);
  params.fallbacks = &fallback;
  params.n_fallbacks = 1;
  invoice = encode_ok (&params);
  b11 = decode_ok (invoice);

  g_assert_cmpuint (ms_bolt11_get_n_fallbacks (b11), ==, 1);
  g_assert_cmpuint (ms_bolt11_get_fallback (b11, 0)->version, ==, version);
  ms_test_assert_hex (ms_bolt11_get_fallback (b11, 0)->program,
                      ms_bolt11_get_fallback (b11, 0)->program_len, program_hex);
  if (g_str_has_suffix (address, "…"))
    {
      g_autofree char *prefix = g_strndup (address, strlen (address) - strlen ("…"));

      g_assert_true (g_str_has_prefix (ms_bolt11_get_fallback_addresses (b11)[0], prefix));
    }
  else
    g_assert_cmpstr (ms_bolt11_get_fallback_addresses (b11)[0], ==, address);
  g_assert_null (ms_bolt11_get_fallback_addresses (b11)[1]);
}

/* Addresses from the spec's examples and BIP-173/350, on each network. */
static void
test_fallback_addresses (void)
{
  const char *p2wpkh = "751e76e8199196d454941c45d1b3a323f1433bd6";
  const char *p2wsh = "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262";

  assert_fallback_address ("bc", 17, "04b61f7dc1ea0dc99424464cc4064dc564d91e89",
                           "1RustyRX2oai4EYYDpQGWvEL62BBGqN9T");
  assert_fallback_address ("bc", 18, "8f55563b9a19f321c211e9b9f38cdf686ea07845",
                           "3EktnHQD7RiAE6uzMj2ZifT9YgRrkSgzQX");
  assert_fallback_address ("tb", 17, "3172b5654f6683c8fb146959d347ce303cae4ca7",
                           "mk2QpYatsKicvFVuTAQLBryyccRXMUaGHP");
  assert_fallback_address ("tbs", 17, "3172b5654f6683c8fb146959d347ce303cae4ca7",
                           "mk2QpYatsKicvFVuTAQLBryyccRXMUaGHP");
  assert_fallback_address ("bc", 0, p2wpkh, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
  assert_fallback_address ("tb", 0, p2wpkh, "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx");
  assert_fallback_address ("bc", 0, p2wsh,
                           "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3");
  assert_fallback_address ("bc", 1,
                           "0adac43daa9c8a5a68e09ea10692b82226ee190e572db9b90e17a410484ab405",
                           "bc1pptdvg0d2nj99568qn6ssdy4cygnwuxgw2ukmnwgwz7jpqjz2kszse2s3lm");
  /* BIP-350: witness v16 with a 2-byte program. */
  assert_fallback_address ("bc", 16, "751e", "bc1sw50qgdz25j");
  assert_fallback_address ("bcrt", 0, p2wpkh, "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7k…");
  assert_fallback_address ("sb", 0, p2wpkh, "sb1qw508d6qejxtdg4y5r3zarvary0c5xw7k…");
}

/* Every field through ms_bolt11_encode() and back. */
static void
test_round_trip_all_fields (void)
{
  static const guint features[] = { 8, 15, 17, 49, 101 };
  static const guint8 metadata[] = { 0x01, 0xfa, 0xfa, 0xf0 };
  g_autoptr(MsBolt11) b11 = NULL;
  g_autofree char *invoice = NULL;
  MsBolt11Hop hops[2];
  MsBolt11Route routes[2] = { { hops, 2 }, { hops + 1, 1 } };
  MsBolt11Fallback fallbacks[2];
  MsBolt11Params params;
  const guint *got_features;
  guint n_features;

  spec_route_hops (hops);
  fallback_from_hex (&fallbacks[0], 0, "751e76e8199196d454941c45d1b3a323f1433bd6");
  fallback_from_hex (&fallbacks[1], 18, "8f55563b9a19f321c211e9b9f38cdf686ea07845");
  spec_params (&params);
  params.currency = "bcrt";
  params.has_amount = TRUE;
  params.amount_msat = 123456789;
  params.timestamp = 1700000000;
  params.description = "every field ✓";
  params.expiry = 86400;
  params.min_final_cltv_expiry = 144;
  params.features = features;
  params.n_features = G_N_ELEMENTS (features);
  params.routes = routes;
  params.n_routes = 2;
  params.fallbacks = fallbacks;
  params.n_fallbacks = 2;
  params.payment_metadata = metadata;
  params.payment_metadata_len = sizeof metadata;
  params.include_payee = TRUE;

  invoice = encode_ok (&params);
  g_assert_true (g_str_has_prefix (invoice, "lnbcrt1234567890p1"));
  b11 = decode_ok (invoice);
  g_assert_cmpstr (ms_bolt11_get_currency (b11), ==, "bcrt");
  g_assert_cmpuint (ms_bolt11_get_amount_msat (b11), ==, 123456789);
  g_assert_cmpint (ms_bolt11_get_created_at (b11), ==, 1700000000);
  g_assert_cmpstr (ms_bolt11_get_description (b11), ==, "every field ✓");
  g_assert_null (ms_bolt11_get_description_hash (b11));
  g_assert_null (ms_bolt11_get_description_hash_hex (b11));
  g_assert_false (ms_bolt11_check_description_hash (b11, "every field ✓", 15));
  g_assert_cmpuint (ms_bolt11_get_expiry (b11), ==, 86400);
  g_assert_cmpuint (ms_bolt11_get_min_final_cltv_expiry (b11), ==, 144);
  got_features = ms_bolt11_get_features (b11, &n_features);
  g_assert_cmpmem (got_features, n_features * sizeof (guint), features, sizeof features);
  g_assert_cmpuint (ms_bolt11_get_n_routes (b11), ==, 2);
  g_assert_cmpuint (ms_bolt11_get_route (b11, 0)->n_hops, ==, 2);
  g_assert_cmpuint (ms_bolt11_get_route (b11, 1)->n_hops, ==, 1);
  g_assert_cmpuint (ms_bolt11_get_route (b11, 1)->hops[0].short_channel_id, ==,
                    hops[1].short_channel_id);
  g_assert_cmpuint (ms_bolt11_get_n_fallbacks (b11), ==, 2);
  g_assert_true (g_str_has_prefix (ms_bolt11_get_fallback_addresses (b11)[0], "bcrt1q"));
  g_assert_cmpuint (ms_bolt11_get_fallback (b11, 1)->version, ==, 18);
  g_assert_cmpmem (g_bytes_get_data (ms_bolt11_get_payment_metadata (b11), NULL), 4, metadata, 4);
  g_assert_true (ms_bolt11_get_payee_from_n (b11));
  g_assert_cmpstr (ms_bolt11_get_payee_hex (b11), ==, SPEC_PAYEE);
  g_assert_cmpstr (ms_bolt11_get_payment_hash_hex (b11), ==, SPEC_HASH);
  g_assert_cmpstr (ms_bolt11_get_payment_secret_hex (b11), ==, SPEC_SECRET);
  g_assert_cmpmem (ms_bolt11_get_payment_hash (b11), 32, spec_hash, 32);
  g_assert_cmpmem (ms_bolt11_get_payment_secret (b11), 32, spec_secret, 32);

  /* The same invoice in upper case (BOLT #11: "SHOULD use upper case for QR codes"). */
  {
    g_autofree char *upper = g_ascii_strup (invoice, -1);
    g_autoptr(MsBolt11) again = decode_ok (upper);

    g_assert_cmpstr (ms_bolt11_get_invoice (again), ==, upper);
    g_assert_cmpstr (ms_bolt11_get_payment_hash_hex (again), ==, SPEC_HASH);
    upper[0] = 'l';
    assert_decode_fails (upper, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BECH32);
  }
}

static void
test_expiry (void)
{
  g_autoptr(MsBolt11) plain = NULL;
  g_autoptr(MsBolt11) forever = NULL;
  g_autofree char *invoice = NULL;
  g_autofree char *invoice2 = NULL;
  MsBolt11Params params;

  spec_params (&params);
  params.description = "expiry";
  invoice = encode_ok (&params);
  plain = decode_ok (invoice);
  g_assert_cmpuint (ms_bolt11_get_expiry (plain), ==, MS_BOLT11_DEFAULT_EXPIRY);
  g_assert_cmpuint (ms_bolt11_get_min_final_cltv_expiry (plain), ==,
                    MS_BOLT11_DEFAULT_MIN_FINAL_CLTV_EXPIRY);
  g_assert_cmpint (ms_bolt11_get_expires_at (plain), ==, SPEC_TIMESTAMP + 3600);
  g_assert_false (ms_bolt11_is_expired (plain, SPEC_TIMESTAMP));
  g_assert_false (ms_bolt11_is_expired (plain, SPEC_TIMESTAMP + 3600));
  g_assert_true (ms_bolt11_is_expired (plain, SPEC_TIMESTAMP + 3601));

  /* The largest `x` there is: expires_at saturates instead of wrapping. */
  params.expiry = G_MAXUINT64;
  invoice2 = encode_ok (&params);
  forever = decode_ok (invoice2);
  g_assert_cmpuint (ms_bolt11_get_expiry (forever), ==, G_MAXUINT64);
  g_assert_cmpint (ms_bolt11_get_expires_at (forever), ==, G_MAXINT64);
  g_assert_false (ms_bolt11_is_expired (forever, G_MAXINT64));
}

static void
test_required_fields (void)
{
  static const struct
  {
    const char    *what;
    guint          s_words;   /* 0: no `s` */
    guint          p_words;   /* 0: no `p` */
    guint          n_d;
    guint          h_words;   /* 0: no `h` */
    MsBolt11Error  code;
  } cases[] = {
    { "no p", 52, 0, 1, 0, MS_BOLT11_ERROR_MISSING_FIELD },
    { "p of 51 words", 52, 51, 1, 0, MS_BOLT11_ERROR_MISSING_FIELD },
    { "no s", 0, 52, 1, 0, MS_BOLT11_ERROR_MISSING_FIELD },
    { "s of 53 words", 53, 52, 1, 0, MS_BOLT11_ERROR_MISSING_FIELD },
    { "no d or h", 52, 52, 0, 0, MS_BOLT11_ERROR_MISSING_FIELD },
    { "h of 51 words", 52, 52, 0, 51, MS_BOLT11_ERROR_MISSING_FIELD },
    { "d and h", 52, 52, 1, 52, MS_BOLT11_ERROR_BAD_FIELD },
    { "two d", 52, 52, 2, 0, MS_BOLT11_ERROR_BAD_FIELD },
    { "two h", 52, 52, 0, 104, MS_BOLT11_ERROR_BAD_FIELD },
  };
  static const guint8 zeros[53] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Builder) b = builder_new ("lnbc");
      g_autofree char *invoice = NULL;

      if (cases[i].s_words > 0)
        builder_words (b, TAG_S, zeros, cases[i].s_words);
      if (cases[i].p_words > 0)
        builder_words (b, TAG_P, zeros, cases[i].p_words);
      for (guint j = 0; j < cases[i].n_d; j++)
        builder_description (b, "one");
      if (cases[i].h_words == 104)
        builder_words (b, TAG_H, zeros, 52);
      if (cases[i].h_words > 0)
        builder_words (b, TAG_H, zeros, MIN (cases[i].h_words, 52));
      builder_features (b);
      invoice = builder_finish (b, SIGN_NORMAL);
      g_test_message ("%s", cases[i].what);
      assert_decode_fails (invoice, MS_BOLT11_DECODE_NONE, cases[i].code);
    }
}

/* BOLT #11 payer: "SHOULD use the first `p` field that it did NOT skip". */
static void
test_first_field_wins (void)
{
  g_autoptr(Builder) b = builder_new ("lnbc");
  g_autofree char *invoice = NULL;
  g_autoptr(MsBolt11) b11 = NULL;
  static const guint8 zeros[52] = { 0 };

  builder_payment (b);
  builder_words (b, TAG_P, zeros, 52);
  builder_words (b, TAG_S, zeros, 52);
  builder_description (b, "first");
  builder_uint_field (b, TAG_X, 60, 2);
  builder_uint_field (b, TAG_X, 120, 2);
  builder_uint_field (b, TAG_C, 40, 2);
  builder_uint_field (b, TAG_C, 80, 2);
  builder_features (b);
  builder_uint_field (b, TAG_9, 1 << 3, 1);
  builder_hex (b, TAG_M, "aa");
  builder_hex (b, TAG_M, "bb");
  invoice = builder_finish (b, SIGN_NORMAL);
  b11 = decode_ok (invoice);

  g_assert_cmpstr (ms_bolt11_get_payment_hash_hex (b11), ==, SPEC_HASH);
  g_assert_cmpstr (ms_bolt11_get_payment_secret_hex (b11), ==, SPEC_SECRET);
  g_assert_cmpuint (ms_bolt11_get_expiry (b11), ==, 60);
  g_assert_cmpuint (ms_bolt11_get_min_final_cltv_expiry (b11), ==, 40);
  g_assert_true (ms_bolt11_has_feature (b11, 14));
  g_assert_false (ms_bolt11_has_feature (b11, 3));
  ms_test_assert_hex (g_bytes_get_data (ms_bolt11_get_payment_metadata (b11), NULL), 1, "aa");
}

/* The `9` field for @bits, written the way BOLT #11 describes it. */
static void
builder_feature_bits (Builder     *b,
                      const guint *bits,
                      guint        n_bits)
{
  guint8 words[1023] = { 0 };
  guint n_words = 0;

  for (guint i = 0; i < n_bits; i++)
    n_words = MAX (n_words, bits[i] / 5 + 1);
  for (guint i = 0; i < n_bits; i++)
    words[n_words - 1 - bits[i] / 5] |= 1u << (bits[i] % 5);
  builder_words (b, TAG_9, words, n_words);
}

static void
test_features (void)
{
  static const struct
  {
    guint          bits[4];
    guint          n_bits;
    MsBolt11Error  code;   /* 0 when valid */
  } cases[] = {
    { { 8, 14 }, 2, 0 },
    { { 9, 15, 17, 99 }, 4, 0 },
    { { 8, 14, 16, 48 }, 4, 0 },
    { { 8, 14, 49, 5113 }, 4, 0 },
    { { 8, 11, 14 }, 3, 0 },
    { { 14 }, 1, MS_BOLT11_ERROR_BAD_FIELD },
    { { 15, 16 }, 2, MS_BOLT11_ERROR_BAD_FIELD },
    { { 8, 17 }, 2, MS_BOLT11_ERROR_BAD_FIELD },
    { { 8, 14, 10 }, 3, MS_BOLT11_ERROR_UNKNOWN_FEATURE },
    { { 0, 8, 14 }, 3, MS_BOLT11_ERROR_UNKNOWN_FEATURE },
    { { 8, 14, 100 }, 3, MS_BOLT11_ERROR_UNKNOWN_FEATURE },
    { { 8, 14, 5114 }, 3, MS_BOLT11_ERROR_UNKNOWN_FEATURE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Builder) b = builder_new ("lnbc");
      g_autofree char *invoice = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(MsBolt11) b11 = NULL;
      const guint *bits;
      guint n_bits;

      builder_payment (b);
      builder_description (b, "features");
      builder_feature_bits (b, cases[i].bits, cases[i].n_bits);
      invoice = builder_finish (b, SIGN_NORMAL);
      b11 = ms_bolt11_decode (invoice, strlen (invoice), MS_BOLT11_DECODE_NONE, &error);
      if (cases[i].code != 0)
        {
          g_assert_error (error, MS_BOLT11_ERROR, (gint) cases[i].code);
          continue;
        }

      g_assert_no_error (error);
      bits = ms_bolt11_get_features (b11, &n_bits);
      g_assert_cmpmem (bits, n_bits * sizeof (guint),
                       cases[i].bits, cases[i].n_bits * sizeof (guint));
    }

  /* No `9` field at all is no features. */
  {
    g_autoptr(Builder) b = builder_new ("lnbc");
    g_autofree char *invoice = NULL;
    g_autoptr(MsBolt11) b11 = NULL;
    gsize len = 1;

    builder_payment (b);
    builder_description (b, "no features");
    invoice = builder_finish (b, SIGN_NORMAL);
    b11 = decode_ok (invoice);
    g_assert_null (ms_bolt11_get_features (b11, NULL));
    g_assert_null (ms_bolt11_get_feature_bytes (b11, &len));
    g_assert_cmpuint (len, ==, 0);
  }
}

static char *
build_with_field (guint         tag,
                  const guint8 *words,
                  gsize         n_words)
{
  g_autoptr(Builder) b = builder_new_valid ();

  builder_words (b, tag, words, n_words);
  return builder_finish (b, SIGN_NORMAL);
}

static char *
build_with_bytes (guint       tag,
                  guint8      first_word,
                  const char *hex)
{
  g_autoptr(Builder) b = builder_new_valid ();
  g_autoptr(GBytes) bytes = ms_test_hex_bytes (hex);
  g_autoptr(GByteArray) words = g_byte_array_new ();

  g_byte_array_append (words, &first_word, 1);
  ms_bech32_convert_bits (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 8, 5, TRUE,
                          words);
  builder_words (b, tag, words->data, words->len);
  return builder_finish (b, SIGN_NORMAL);
}

static void
test_field_errors (void)
{
  static const guint8 thirty_ones[14] = { 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31 };
  static const guint8 zeros[120] = { 0 };
  g_autofree char *x_overflow = build_with_field (TAG_X, thirty_ones, 14);
  g_autofree char *c_overflow = build_with_field (TAG_C, thirty_ones, 13);
  g_autofree char *f_empty = build_with_field (TAG_F, NULL, 0);
  g_autofree char *f_v0_21 = build_with_bytes (TAG_F, 0, "00112233445566778899aabbccddeeff"
                                                "0011223344");
  g_autofree char *f_p2pkh_19 = build_with_bytes (TAG_F, 17, "00112233445566778899aabbccddeeff"
                                                  "001122");
  g_autofree char *f_v1_41 = build_with_bytes (TAG_F, 1, "00112233445566778899aabbccddeeff"
                                               "00112233445566778899aabbccddeeff"
                                               "001122334455667788");
  g_autofree char *f_v1_1 = build_with_bytes (TAG_F, 1, "00");
  g_autofree char *r_empty = build_with_field (TAG_R, NULL, 0);
  g_autofree char *r_short = build_with_field (TAG_R, zeros, 81);
  g_autofree char *r_padded = build_with_field (TAG_R, zeros, 83);
  g_autofree char *n_bad = build_with_field (TAG_N, zeros, 53);
  g_autofree char *d_utf8 = NULL;
  g_autofree char *d_nul = NULL;

  assert_decode_fails (x_overflow, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  assert_decode_fails (c_overflow, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  assert_decode_fails (f_empty, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  assert_decode_fails (f_v0_21, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  assert_decode_fails (f_p2pkh_19, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  assert_decode_fails (f_v1_41, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  assert_decode_fails (f_v1_1, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  assert_decode_fails (r_empty, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  assert_decode_fails (r_short, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  assert_decode_fails (r_padded, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  /* 53 words of zeros: a 33-byte "key" that is no point. */
  assert_decode_fails (n_bad, MS_BOLT11_DECODE_ALLOW_BAD_SIGNATURE, MS_BOLT11_ERROR_BAD_FIELD);

  {
    g_autoptr(Builder) b = builder_new ("lnbc");

    builder_payment (b);
    builder_hex (b, TAG_D, "c328");  /* a lead byte and no continuation */
    builder_features (b);
    d_utf8 = builder_finish (b, SIGN_NORMAL);
    assert_decode_fails (d_utf8, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  }
  {
    g_autoptr(Builder) b = builder_new ("lnbc");

    builder_payment (b);
    builder_hex (b, TAG_D, "610062");
    builder_features (b);
    d_nul = builder_finish (b, SIGN_NORMAL);
    assert_decode_fails (d_nul, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_FIELD);
  }
}

/* Fields that are skipped, and the leading zeros a writer should not but may write. */
static void
test_skipped_fields (void)
{
  static const guint8 x_padded[] = { 0, 0, 0, 1, 28 };
  g_autoptr(Builder) b = builder_new_valid ();
  g_autoptr(MsBolt11) b11 = NULL;
  g_autofree char *invoice = NULL;
  static const guint8 zeros[52] = { 0 };

  builder_words (b, TAG_X, x_padded, sizeof x_padded);
  builder_words (b, 10, zeros, 3);                    /* unknown type */
  builder_words (b, TAG_F, (const guint8[]) { 19, 0, 0 }, 3);  /* unknown version */
  builder_words (b, TAG_F, (const guint8[]) { 31 }, 1);
  builder_words (b, TAG_N, zeros, 52);                 /* wrong length */
  builder_words (b, 31, NULL, 0);
  invoice = builder_finish (b, SIGN_NORMAL);
  b11 = decode_ok (invoice);

  g_assert_cmpuint (ms_bolt11_get_expiry (b11), ==, 60);
  g_assert_cmpuint (ms_bolt11_get_n_fallbacks (b11), ==, 0);
  g_assert_false (ms_bolt11_get_payee_from_n (b11));
  g_assert_cmpstr (ms_bolt11_get_payee_hex (b11), ==, SPEC_PAYEE);
}

/* Cut short anywhere, an invoice fails cleanly, checksum fixed or not. */
static void
test_truncations (void)
{
  g_autoptr(Builder) full = builder_new_valid ();
  g_autofree char *invoice = NULL;
  gsize n_words;

  builder_uint_field (full, TAG_X, 3600, 3);
  invoice = builder_finish (full, SIGN_NORMAL);
  n_words = full->words->len;

  for (gsize cut = 0; cut < n_words; cut++)
    {
      g_autofree char *truncated = ms_bech32_encode ("lnbc", full->words->data, cut,
                                                     MS_BECH32_VARIANT_BECH32);
      g_autoptr(GError) error = NULL;
      g_autoptr(MsBolt11) b11 = ms_bolt11_decode (truncated, strlen (truncated),
                                                  MS_BOLT11_DECODE_NONE, &error);

      /*
       * Cut at a field boundary, the last 104 words pass for a signature,
       * and without `n` almost any signature recovers some key: never ours.
       */
      if (b11 != NULL)
        {
          g_assert_cmpuint (cut, >=, 7 + 104);
          g_assert_cmpstr (ms_bolt11_get_payee_hex (b11), !=, SPEC_PAYEE);
          continue;
        }
      g_assert_nonnull (error);
      g_assert_true (error->domain == MS_BOLT11_ERROR);
      if (cut < 7 + 104)
        g_assert_error (error, MS_BOLT11_ERROR, MS_BOLT11_ERROR_TRUNCATED);
    }

  for (gsize len = 0; len < strlen (invoice); len++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsBolt11) b11 = ms_bolt11_decode (invoice, len, MS_BOLT11_DECODE_NONE, &error);

      g_assert_null (b11);
      g_assert_error (error, MS_BOLT11_ERROR, MS_BOLT11_ERROR_BECH32);
    }

  /* A field header cut by the signature, and a field longer than what is left. */
  {
    g_autoptr(Builder) b = builder_new_valid ();
    g_autofree char *header = NULL;
    g_autofree char *length = NULL;

    g_byte_array_append (b->words, (const guint8[]) { TAG_X, 0 }, 2);
    header = builder_finish (b, SIGN_NORMAL);
    assert_decode_fails (header, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_TRUNCATED);

    g_clear_pointer (&b, builder_free);
    b = builder_new_valid ();
    g_byte_array_append (b->words, (const guint8[]) { TAG_D, 31, 31 }, 3);
    length = builder_finish (b, SIGN_NORMAL);
    assert_decode_fails (length, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_TRUNCATED);
  }
}

static void
test_bech32_errors (void)
{
  g_autoptr(Builder) b = builder_new_valid ();
  g_autofree char *bech32m = NULL;
  g_autoptr(GString) too_long = NULL;

  builder_sign (b, SIGN_NORMAL);
  bech32m = ms_bech32_encode ("lnbc", b->words->data, b->words->len, MS_BECH32_VARIANT_BECH32M);
  assert_decode_fails (bech32m, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BECH32);

  /* Longer than MS_BOLT11_MAX_LEN fails before anything else is looked at. */
  too_long = g_string_new ("lnbc1");
  while (too_long->len <= MS_BOLT11_MAX_LEN)
    g_string_append_c (too_long, 'q');
  assert_decode_fails (too_long->str, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BECH32);

  assert_decode_fails ("", MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BECH32);
  assert_decode_fails ("lnbc1 ", MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BECH32);
}

static void
test_signatures (void)
{
  g_autoptr(Builder) high_s_same = builder_new_valid ();
  g_autoptr(Builder) high_s = builder_new_valid ();
  g_autoptr(Builder) with_n_high_s = builder_new_valid ();
  g_autoptr(Builder) with_n_low_s = builder_new_valid ();
  g_autoptr(Builder) recid = builder_new_valid ();
  g_autoptr(Builder) r_zero = builder_new_valid ();
  g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL, *s5 = NULL, *s6 = NULL;
  g_autoptr(MsBolt11) a = NULL;
  g_autoptr(MsBolt11) c = NULL;
  g_autoptr(MsBolt11) d = NULL;
  g_autoptr(GError) error = NULL;

  /* Without `n`, recovery accepts high-S: its own key, whatever the recovery id says. */
  s1 = builder_finish (high_s_same, SIGN_HIGH_S_SAME_KEY);
  a = decode_ok (s1);
  g_assert_cmpstr (ms_bolt11_get_payee_hex (a), ==, SPEC_PAYEE);
  s2 = builder_finish (high_s, SIGN_HIGH_S);
  {
    g_autoptr(MsBolt11) other = decode_ok (s2);

    g_assert_cmpstr (ms_bolt11_get_payee_hex (other), !=, SPEC_PAYEE);
  }

  /* With `n`, the key must verify the signature, and only in lower-S form. */
  builder_hex (with_n_low_s, TAG_N, SPEC_PAYEE);
  s3 = builder_finish (with_n_low_s, SIGN_NORMAL);
  c = decode_ok (s3);
  g_assert_true (ms_bolt11_get_payee_from_n (c));
  builder_hex (with_n_high_s, TAG_N, SPEC_PAYEE);
  s4 = builder_finish (with_n_high_s, SIGN_HIGH_S_SAME_KEY);
  assert_decode_fails (s4, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_SIGNATURE);
  d = ms_bolt11_decode (s4, strlen (s4), MS_BOLT11_DECODE_ALLOW_BAD_SIGNATURE, &error);
  g_assert_no_error (error);
  g_assert_false (ms_bolt11_get_signature_valid (d));
  g_assert_cmpstr (ms_bolt11_get_payee_hex (d), ==, SPEC_PAYEE);

  s5 = builder_finish (recid, SIGN_RECOVERY_ID_5);
  assert_decode_fails (s5, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_SIGNATURE);
  s6 = builder_finish (r_zero, SIGN_R_ZERO);
  assert_decode_fails (s6, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_SIGNATURE);
  {
    g_autoptr(MsBolt11) lenient = ms_bolt11_decode (s6, strlen (s6),
                                                    MS_BOLT11_DECODE_ALLOW_BAD_SIGNATURE, NULL);

    g_assert_nonnull (lenient);
    g_assert_false (ms_bolt11_get_signature_valid (lenient));
    g_assert_null (ms_bolt11_get_payee (lenient));
    g_assert_null (ms_bolt11_get_payee_hex (lenient));
    g_assert_cmpstr (ms_bolt11_get_description (lenient), ==, "test");
  }
}

/* Any change to the signed data changes the payee, or fails against `n`. */
static void
test_tampering (void)
{
  MsBolt11Params params;
  g_autofree char *plain = NULL;
  g_autofree char *with_n = NULL;

  spec_params (&params);
  params.description = "tamper";
  plain = encode_ok (&params);
  params.include_payee = TRUE;
  with_n = encode_ok (&params);

  for (guint k = 0; k < 2; k++)
    {
      const char *invoice = k == 0 ? plain : with_n;
      g_autofree char *hrp = NULL;
      g_autofree guint8 *words = NULL;
      gsize n_words;
      g_autofree char *tampered = NULL;

      g_assert_true (ms_bech32_decode (invoice, strlen (invoice), 0, &hrp, &words, &n_words,
                                       NULL, NULL));
      words[3] ^= 1;  /* the timestamp */
      tampered = ms_bech32_encode (hrp, words, n_words, MS_BECH32_VARIANT_BECH32);
      if (k == 0)
        {
          g_autoptr(MsBolt11) b11 = decode_ok (tampered);

          g_assert_cmpstr (ms_bolt11_get_payee_hex (b11), !=, SPEC_PAYEE);
        }
      else
        {
          assert_decode_fails (tampered, MS_BOLT11_DECODE_NONE, MS_BOLT11_ERROR_BAD_SIGNATURE);
        }
    }
}

static void
test_encode_errors (void)
{
  static const guint no_secret[] = { 8 };
  static const guint unknown_even[] = { 8, 14, 20 };
  static const guint too_high[] = { 8, 14, MS_BOLT11_MAX_FEATURE_BIT + 1 };
  static const guint mpp_alone[] = { 16 };
  g_autofree char *long_description = g_strnfill (MS_BOLT11_MAX_FIELD_BYTES + 1, 'a');
  g_autofree char *max_description = g_strnfill (MS_BOLT11_MAX_FIELD_BYTES, 'a');
  guint8 bad_key[32] = { 0 };
  guint8 metadata[MS_BOLT11_MAX_FIELD_BYTES + 1] = { 0 };
  MsBolt11Hop hops[MS_BOLT11_MAX_ROUTE_HOPS + 1] = { { { 0 } } };
  MsBolt11Route route = { hops, 0 };
  MsBolt11Route routes[12];
  MsBolt11Fallback fallback;
  MsBolt11Params params;

  spec_params (&params);
  params.description = "ok";
  g_free (encode_ok (&params));

  params.currency = "xx"; assert_encode_fails (&params);
  params.currency = NULL; assert_encode_fails (&params);
  params.currency = "bc";
  params.timestamp = -1; assert_encode_fails (&params);
  params.timestamp = G_GINT64_CONSTANT (1) << 35; assert_encode_fails (&params);
  params.timestamp = (G_GINT64_CONSTANT (1) << 35) - 1; g_free (encode_ok (&params));
  params.timestamp = SPEC_TIMESTAMP;
  params.payment_hash = NULL; assert_encode_fails (&params);
  params.payment_hash = spec_hash;
  params.payment_secret = NULL; assert_encode_fails (&params);
  params.payment_secret = spec_secret;

  params.description = NULL; assert_encode_fails (&params);
  params.description_hash = spec_description_hash;
  params.description = "both"; assert_encode_fails (&params);
  params.description_hash = NULL;
  params.description = long_description; assert_encode_fails (&params);
  params.description = max_description; g_free (encode_ok (&params));
  params.description = "\xc3\x28"; assert_encode_fails (&params);
  params.description = "ok";

  params.features = no_secret; params.n_features = 1; assert_encode_fails (&params);
  params.features = unknown_even; params.n_features = 3; assert_encode_fails (&params);
  params.features = too_high; params.n_features = 3; assert_encode_fails (&params);
  params.features = mpp_alone; params.n_features = 1; assert_encode_fails (&params);
  params.features = no_secret; params.n_features = 0; assert_encode_fails (&params);
  params.features = NULL; params.n_features = 2; assert_encode_fails (&params);
  params.n_features = 0;

  params.routes = &route; params.n_routes = 1; assert_encode_fails (&params);
  route.n_hops = MS_BOLT11_MAX_ROUTE_HOPS + 1; assert_encode_fails (&params);
  route.n_hops = MS_BOLT11_MAX_ROUTE_HOPS; g_free (encode_ok (&params));
  params.routes = NULL; params.n_routes = 1; assert_encode_fails (&params);
  params.n_routes = 0;

  fallback_from_hex (&fallback, 0, "0011");
  params.fallbacks = &fallback; params.n_fallbacks = 1; assert_encode_fails (&params);
  fallback_from_hex (&fallback, 19, "0011");
  assert_encode_fails (&params);
  fallback_from_hex (&fallback, 17, "00112233445566778899aabbccddeeff00112233");
  g_free (encode_ok (&params));
  params.fallbacks = NULL; assert_encode_fails (&params);
  params.n_fallbacks = 0;

  params.payment_metadata = metadata;
  params.payment_metadata_len = sizeof metadata; assert_encode_fails (&params);
  params.payment_metadata_len = sizeof metadata - 1; g_free (encode_ok (&params));
  params.payment_metadata = NULL; params.payment_metadata_len = 1; assert_encode_fails (&params);
  params.payment_metadata_len = 0;

  /* A zero key, and the group order itself, are no keys. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *invoice = ms_bolt11_encode (&params, bad_key, &error);

    g_assert_null (invoice);
    g_assert_error (error, MS_BOLT11_ERROR, MS_BOLT11_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    invoice = ms_bolt11_encode (&params, curve_order, &error);
    g_assert_null (invoice);
    g_assert_error (error, MS_BOLT11_ERROR, MS_BOLT11_ERROR_INVALID_ARGUMENT);
  }

  /* Twelve full routes make a string past MS_BOLT11_MAX_LEN. */
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    routes[i] = (MsBolt11Route) { hops, MS_BOLT11_MAX_ROUTE_HOPS };
  params.routes = routes;
  params.n_routes = G_N_ELEMENTS (routes);
  assert_encode_fails (&params);
  params.n_routes = 7;
  assert_encode_fails (&params);
  params.n_routes = 6;
  g_free (encode_ok (&params));
}

static void
test_base58 (void)
{
  static const struct
  {
    const char *hex;
    const char *base58;
  } cases[] = {
    { "", "" },
    { "00", "1" },
    { "0000", "11" },
    { "000001", "112" },
    { "61", "2g" },
    { "626262", "a3gV" },
    { "636363", "aPEr" },
    { "68656c6c6f20776f726c64", "StV1DL6CwTryKyV" },
    { "00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L" },
    { "ffffffff", "7YXq9G" },
  };
  char *str;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = ms_test_hex_bytes (cases[i].hex);

      str = ms_base58_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_assert_cmpstr (str, ==, cases[i].base58);
      g_free (str);
    }

  str = ms_base58check_encode (0x00, (const guint8 *) "\x04\xb6\x1f\x7d\xc1\xea\x0d\xc9\x94\x24"
                               "\x46\x4c\xc4\x06\x4d\xc5\x64\xd9\x1e\x89", 20);
  g_assert_cmpstr (str, ==, "1RustyRX2oai4EYYDpQGWvEL62BBGqN9T");
  g_free (str);
}

static void
test_short_channel_id (void)
{
  g_autofree char *a =
    ms_bolt11_short_channel_id_to_string (G_GUINT64_CONSTANT (0x0102030405060708));
  g_autofree char *b = ms_bolt11_short_channel_id_to_string (0);
  g_autofree char *c = ms_bolt11_short_channel_id_to_string (G_MAXUINT64);

  g_assert_cmpstr (a, ==, "66051x263430x1800");
  g_assert_cmpstr (b, ==, "0x0x0");
  g_assert_cmpstr (c, ==, "16777215x16777215x65535");
}

static void
test_boxed (void)
{
  MsBolt11Params params;
  g_autofree char *invoice = NULL;
  MsBolt11 *b11;
  MsBolt11 *copy;

  spec_params (&params);
  params.description = "boxed";
  invoice = encode_ok (&params);
  b11 = decode_ok (invoice);
  copy = g_boxed_copy (MS_TYPE_BOLT11, b11);
  g_assert_true (copy == b11);
  ms_bolt11_unref (b11);
  g_assert_cmpstr (ms_bolt11_get_description (copy), ==, "boxed");
  g_boxed_free (MS_TYPE_BOLT11, copy);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  hex_into (SPEC_PRIVKEY, spec_privkey, 32);
  hex_into (SPEC_HASH, spec_hash, 32);
  hex_into (SPEC_SECRET, spec_secret, 32);
  hex_into (SPEC_DESCRIPTION_HASH, spec_description_hash, 32);

  g_test_add_func ("/ms/bolt11/spec-examples-encode", test_spec_examples_encode);
  g_test_add_func ("/ms/bolt11/spec-examples-fields", test_spec_examples_fields);
  g_test_add_func ("/ms/bolt11/params-round-trip", test_params_round_trip);
  g_test_add_func ("/ms/bolt11/amounts-decode", test_amounts_decode);
  g_test_add_func ("/ms/bolt11/amounts-encode", test_amounts_encode);
  g_test_add_func ("/ms/bolt11/fallback-addresses", test_fallback_addresses);
  g_test_add_func ("/ms/bolt11/round-trip-all-fields", test_round_trip_all_fields);
  g_test_add_func ("/ms/bolt11/expiry", test_expiry);
  g_test_add_func ("/ms/bolt11/required-fields", test_required_fields);
  g_test_add_func ("/ms/bolt11/first-field-wins", test_first_field_wins);
  g_test_add_func ("/ms/bolt11/features", test_features);
  g_test_add_func ("/ms/bolt11/field-errors", test_field_errors);
  g_test_add_func ("/ms/bolt11/skipped-fields", test_skipped_fields);
  g_test_add_func ("/ms/bolt11/truncations", test_truncations);
  g_test_add_func ("/ms/bolt11/bech32-errors", test_bech32_errors);
  g_test_add_func ("/ms/bolt11/signatures", test_signatures);
  g_test_add_func ("/ms/bolt11/tampering", test_tampering);
  g_test_add_func ("/ms/bolt11/encode-errors", test_encode_errors);
  g_test_add_func ("/ms/bolt11/base58", test_base58);
  g_test_add_func ("/ms/bolt11/short-channel-id", test_short_channel_id);
  g_test_add_func ("/ms/bolt11/boxed", test_boxed);

  return g_test_run ();
}
