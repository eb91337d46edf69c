/* ms-bolt11-encode.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "ms-bech32.h"
#include "ms-bolt11-private.h"
#include "ms-crypto.h"
#include "ms-error.h"

/*
 * Writing BOLT #11 invoices. Fields go in the order of the spec's newer
 * examples (s, p, d or h, then the optional ones, 9 last), so the examples
 * signed with the spec's key come out byte for byte; the signature is
 * RFC 6979, deterministic.
 */

/* var_onion_optin and payment_secret, both required: the examples' "9qrsgq". */
static const guint default_features[] = {
  MS_BOLT11_FEATURE_VAR_ONION_OPTIN,
  MS_BOLT11_FEATURE_PAYMENT_SECRET,
};

static gboolean invalid (GError     **error,
                         const char  *format,
                         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, MS_BOLT11_ERROR, MS_BOLT11_ERROR_INVALID_ARGUMENT, "bolt11: %s", message);
  return FALSE;
}

/* The shared checks speak of invoices; for a writer their failures are bad arguments. */
static gboolean
propagate_invalid (GError **error,
                   GError  *local_error)
{
  local_error->code = MS_BOLT11_ERROR_INVALID_ARGUMENT;
  g_propagate_error (error, local_error);
  return FALSE;
}

/*
 * BOLT #11 writer: "MUST include exactly one `p` field. MUST include exactly
 * one `s` field. [...] MUST include either exactly one `d` or exactly one
 * `h` field. if `d` is included: MUST set `d` to a valid UTF-8 string."
 */
static gboolean
check_required (const MsBolt11Params  *params,
                GError               **error)
{
  if (params->timestamp < 0 || params->timestamp > MS_BOLT11_MAX_TIMESTAMP)
    return invalid (error, "timestamp %" G_GINT64_FORMAT " does not fit in 35 bits",
                    params->timestamp);
  if (params->payment_hash == NULL || params->payment_secret == NULL)
    return invalid (error, "a payment hash and a payment secret are required");
  if ((params->description == NULL) == (params->description_hash == NULL))
    return invalid (error, "exactly one of description and description hash is required");

  /* BOLT #11: `h` "is used to commit to an associated description that is over 639 bytes". */
  if (params->description != NULL && strlen (params->description) > MS_BOLT11_MAX_FIELD_BYTES)
    return invalid (error, "description is %" G_GSIZE_FORMAT " bytes, more than %d: "
                    "use a description hash", strlen (params->description),
                    MS_BOLT11_MAX_FIELD_BYTES);
  if (params->description != NULL && !g_utf8_validate (params->description, -1, NULL))
    return invalid (error, "description is not valid UTF-8");
  if (params->payment_metadata_len > MS_BOLT11_MAX_FIELD_BYTES ||
      (params->payment_metadata == NULL && params->payment_metadata_len > 0))
    return invalid (error, "payment metadata must be at most %d bytes",
                    MS_BOLT11_MAX_FIELD_BYTES);

  return TRUE;
}

/*
 * BOLT #11 writer: "MUST set the `9` field to a feature vector compliant
 * with the BOLT 9 origin node requirements" and "MUST set an `s` field if
 * and only if the `payment_secret` feature is set"; we always write `s`.
 */
static gboolean
check_features (const guint  *features,
                guint         n_features,
                GError      **error)
{
  GError *local_error = NULL;
  gboolean payment_secret = FALSE;

  if (features == NULL && n_features > 0)
    return invalid (error, "%u features but no array", n_features);

  for (guint i = 0; i < n_features; i++)
    {
      if (features[i] > MS_BOLT11_MAX_FEATURE_BIT)
        return invalid (error, "feature bit %u does not fit in a 9 field", features[i]);
      payment_secret |= (features[i] & ~1u) == MS_BOLT11_FEATURE_PAYMENT_SECRET;
    }

  if (!payment_secret)
    return invalid (error, "the payment_secret feature (14 or 15) must be set");

  if (!_ms_bolt11_check_features (features, n_features, &local_error))
    return propagate_invalid (error, local_error);

  return TRUE;
}

static gboolean
check_routes (const MsBolt11Params  *params,
              GError               **error)
{
  if (params->routes == NULL && params->n_routes > 0)
    return invalid (error, "%u routes but no array", params->n_routes);

  /* BOLT #11: "`r` field MUST contain one or more ordered entries". */
  for (guint i = 0; i < params->n_routes; i++)
    {
      const MsBolt11Route *route = &params->routes[i];

      if (route->n_hops == 0 || route->n_hops > MS_BOLT11_MAX_ROUTE_HOPS || route->hops == NULL)
        return invalid (error, "route %u has %u hops, not 1 to %d", i, route->n_hops,
                        MS_BOLT11_MAX_ROUTE_HOPS);
    }

  return TRUE;
}

static gboolean
check_fallbacks (const MsBolt11Params  *params,
                 GError               **error)
{
  GError *local_error = NULL;

  if (params->fallbacks == NULL && params->n_fallbacks > 0)
    return invalid (error, "%u fallbacks but no array", params->n_fallbacks);

  for (guint i = 0; i < params->n_fallbacks; i++)
    {
      if (!_ms_bolt11_check_fallback (&params->fallbacks[i], &local_error))
        return propagate_invalid (error, local_error);
    }

  return TRUE;
}

/*
 * BOLT #11 writer: "MUST encode `amount` as a positive decimal integer with
 * no leading 0s. If the `p` multiplier is used the last decimal of `amount`
 * MUST be `0`. SHOULD use the shortest representation possible, by using
 * the largest multiplier or omitting the multiplier."
 */
static gboolean
append_amount (GString  *hrp,
               guint64   amount_msat,
               GError  **error)
{
  static const struct
  {
    const char *suffix;
    guint64     msat_per_unit;
  } units[] = {
    { "",  G_GUINT64_CONSTANT (100000000000) },
    { "m", 100000000 },
    { "u", 100000 },
    { "n", 100 },
  };

  if (amount_msat == 0)
    return invalid (error, "the amount must be positive; leave it out for any amount");

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (amount_msat % units[i].msat_per_unit == 0)
        {
          g_string_append_printf (hrp, "%" G_GUINT64_FORMAT "%s",
                                  amount_msat / units[i].msat_per_unit, units[i].suffix);
          return TRUE;
        }
    }

  /* Pico-bitcoin are tenths of a millisatoshi. */
  if (amount_msat > G_MAXUINT64 / 10)
    return invalid (error, "amount %" G_GUINT64_FORMAT " msat cannot be written in pico-bitcoin",
                    amount_msat);
  g_string_append_printf (hrp, "%" G_GUINT64_FORMAT "p", amount_msat * 10);

  return TRUE;
}

/* Appends @value as @n_words 5-bit words, most significant first. */
static void
push_uint (GByteArray *words,
           guint64     value,
           guint       n_words)
{
  for (guint i = n_words; i > 0; i--)
    {
      guint8 word = (value >> (5 * (i - 1))) & 0x1f;

      g_byte_array_append (words, &word, 1);
    }
}

/* BOLT #11: "1. `type` (5 bits) 1. `data_length` (10 bits, big-endian)" */
static void
push_field_header (GByteArray  *words,
                   MsBolt11Tag  tag,
                   gsize        n_words)
{
  g_assert (n_words <= MS_BOLT11_MAX_FIELD_WORDS);

  push_uint (words, tag, 1);
  push_uint (words, n_words, 2);
}

/* BOLT #11 writer: "MUST pad field data to a multiple of 5 bits, using 0s." */
static void
push_bytes_field (GByteArray   *words,
                  MsBolt11Tag   tag,
                  const guint8 *data,
                  gsize         len)
{
  push_field_header (words, tag, (len * 8 + 4) / 5);
  ms_bech32_convert_bits (data, len, 8, 5, TRUE, words);
}

/* BOLT #11 writer, `x` and `c`: "SHOULD use the minimum `data_length` possible." */
static void
push_uint_field (GByteArray  *words,
                 MsBolt11Tag  tag,
                 guint64      value)
{
  guint n_words = 0;

  for (guint64 v = value; v != 0; v >>= 5)
    n_words++;

  push_field_header (words, tag, n_words);
  push_uint (words, value, n_words);
}

/*
 * BOLT #11: the `9` field "is big-endian. The least-significant bit is
 * numbered 0". Writer: "if `9` contains non-zero bits: SHOULD use the
 * minimum `data_length` possible."
 */
static void
push_features_field (GByteArray  *words,
                     const guint *features,
                     guint        n_features)
{
  guint8 field[MS_BOLT11_MAX_FIELD_WORDS] = { 0 };
  guint highest = 0;
  gsize n_words;

  for (guint i = 0; i < n_features; i++)
    highest = MAX (highest, features[i]);

  n_words = highest / 5 + 1;
  for (guint i = 0; i < n_features; i++)
    field[n_words - 1 - features[i] / 5] |= 1u << (features[i] % 5);

  push_field_header (words, MS_BOLT11_TAG_FEATURES, n_words);
  g_byte_array_append (words, field, n_words);
}

/* BOLT #11: "for Bitcoin, this starts with a 5-bit `version`" and then the program or hash. */
static void
push_fallback_field (GByteArray             *words,
                     const MsBolt11Fallback *fallback)
{
  push_field_header (words, MS_BOLT11_TAG_FALLBACK, 1 + (fallback->program_len * 8 + 4) / 5);
  push_uint (words, fallback->version, 1);
  ms_bech32_convert_bits (fallback->program, fallback->program_len, 8, 5, TRUE, words);
}

static void
write_be (guint8  *p,
          guint64  value,
          guint    n)
{
  for (guint i = n; i > 0; i--, value >>= 8)
    p[i - 1] = value & 0xff;
}

/*
 * BOLT #11 `r`: "`pubkey` (264 bits) `short_channel_id` (64 bits)
 * `fee_base_msat` (32 bits, big-endian) `fee_proportional_millionths` (32
 * bits, big-endian) `cltv_expiry_delta` (16 bits, big-endian)"
 */
static void
push_route_field (GByteArray          *words,
                  const MsBolt11Route *route)
{
  guint8 buf[MS_BOLT11_MAX_ROUTE_HOPS * MS_BOLT11_HOP_LEN];

  for (guint i = 0; i < route->n_hops; i++)
    {
      const MsBolt11Hop *hop = &route->hops[i];
      guint8 *p = buf + i * MS_BOLT11_HOP_LEN;

      memcpy (p, hop->pubkey, MS_BOLT11_PUBKEY_LEN);
      write_be (p + 33, hop->short_channel_id, 8);
      write_be (p + 41, hop->fee_base_msat, 4);
      write_be (p + 45, hop->fee_proportional_millionths, 4);
      write_be (p + 49, hop->cltv_expiry_delta, 2);
    }

  push_bytes_field (words, MS_BOLT11_TAG_ROUTE, buf, route->n_hops * MS_BOLT11_HOP_LEN);
}

/*
 * BOLT #11 writer: "if a writer offers more than one of any field type, it:
 * MUST specify the most-preferred field first", which is the order of the
 * caller's arrays.
 */
static void
push_fields (GByteArray           *words,
             const MsBolt11Params *params,
             const guint          *features,
             guint                 n_features,
             const guint8          payee[MS_BOLT11_PUBKEY_LEN])
{
  push_bytes_field (words, MS_BOLT11_TAG_PAYMENT_SECRET, params->payment_secret,
                    MS_BOLT11_HASH_LEN);
  push_bytes_field (words, MS_BOLT11_TAG_PAYMENT_HASH, params->payment_hash,
                    MS_BOLT11_HASH_LEN);
  if (params->description != NULL)
    push_bytes_field (words, MS_BOLT11_TAG_DESCRIPTION, (const guint8 *) params->description,
                      strlen (params->description));
  else
    push_bytes_field (words, MS_BOLT11_TAG_DESCRIPTION_HASH, params->description_hash,
                      MS_BOLT11_HASH_LEN);
  if (params->payment_metadata != NULL)
    push_bytes_field (words, MS_BOLT11_TAG_PAYMENT_METADATA, params->payment_metadata,
                      params->payment_metadata_len);
  if (params->include_payee)
    push_bytes_field (words, MS_BOLT11_TAG_PAYEE, payee, MS_BOLT11_PUBKEY_LEN);
  if (params->expiry != 0)
    push_uint_field (words, MS_BOLT11_TAG_EXPIRY, params->expiry);
  if (params->min_final_cltv_expiry != 0)
    push_uint_field (words, MS_BOLT11_TAG_MIN_FINAL_CLTV_EXPIRY, params->min_final_cltv_expiry);
  for (guint i = 0; i < params->n_fallbacks; i++)
    push_fallback_field (words, &params->fallbacks[i]);
  for (guint i = 0; i < params->n_routes; i++)
    push_route_field (words, &params->routes[i]);
  push_features_field (words, features, n_features);
}

/*
 * BOLT #11 writer: "MUST set `signature` to a valid 512-bit secp256k1
 * signature of the SHA2 256-bit hash of the human-readable part,
 * represented as UTF-8 bytes, concatenated with the data part (excluding
 * the signature) with 0 bits appended to pad the data to the next byte
 * boundary, with a trailing byte containing the recovery ID (0, 1, 2, or 3)."
 */
static void
push_signature (GByteArray   *words,
                const char   *hrp,
                const guint8  privkey[32])
{
  const secp256k1_context *ctx = _ms_bolt11_secp256k1_context ();
  g_autoptr(GByteArray) message = g_byte_array_sized_new (strlen (hrp) + words->len * 5 / 8 + 1);
  secp256k1_ecdsa_recoverable_signature sig;
  guint8 hash[MS_SHA256_LEN];
  guint8 compact[MS_BOLT11_SIGNATURE_LEN + 1];
  int recovery_id;

  g_byte_array_append (message, (const guint8 *) hrp, strlen (hrp));
  ms_bech32_convert_bits (words->data, words->len, 5, 8, TRUE, message);
  ms_sha256 (message->data, message->len, hash);

  /* The key was checked, so signing cannot fail. Its nonce is RFC 6979's. */
  if (!secp256k1_ecdsa_sign_recoverable (ctx, &sig, hash, privkey, NULL, NULL))
    g_assert_not_reached ();
  secp256k1_ecdsa_recoverable_signature_serialize_compact (ctx, compact, &recovery_id, &sig);
  compact[MS_BOLT11_SIGNATURE_LEN] = recovery_id;

  /* 65 bytes are exactly 104 words. */
  ms_bech32_convert_bits (compact, sizeof compact, 8, 5, TRUE, words);
}

static gboolean
derive_payee (const guint8   privkey[32],
              guint8         payee[MS_BOLT11_PUBKEY_LEN],
              GError       **error)
{
  const secp256k1_context *ctx = _ms_bolt11_secp256k1_context ();
  secp256k1_pubkey pubkey;
  gsize len = MS_BOLT11_PUBKEY_LEN;

  if (!secp256k1_ec_seckey_verify (ctx, privkey) ||
      !secp256k1_ec_pubkey_create (ctx, &pubkey, privkey))
    return invalid (error, "the private key is not a valid secp256k1 key");

  secp256k1_ec_pubkey_serialize (ctx, payee, &len, &pubkey, SECP256K1_EC_COMPRESSED);
  return TRUE;
}

/* "ln" + currency + amount; BOLT #11 writer: "MUST encode `prefix` using the currency required". */
static char *
build_hrp (const MsBolt11Params  *params,
           GError               **error)
{
  g_autoptr(GString) hrp = g_string_new ("ln");

  if (params->currency == NULL ||
      _ms_bolt11_network_lookup (params->currency, strlen (params->currency)) == NULL)
    {
      invalid (error, "unknown currency '%s' (bc, tb, tbs, bcrt or sb)",
               params->currency != NULL ? params->currency : "(null)");
      return NULL;
    }

  g_string_append (hrp, params->currency);
  if (params->has_amount && !append_amount (hrp, params->amount_msat, error))
    return NULL;

  return g_string_free (g_steal_pointer (&hrp), FALSE);
}

/*
 * Writes and signs an invoice with @privkey. The result decodes with
 * ms_bolt11_decode() to what @params say (the payee being @privkey's node).
 */
char *
ms_bolt11_encode (const MsBolt11Params  *params,
                  const guint8           privkey[32],
                  GError               **error)
{
  g_autoptr(GByteArray) words = NULL;
  g_autofree char *hrp = NULL;
  guint8 payee[MS_BOLT11_PUBKEY_LEN];
  const guint *features;
  guint n_features;
  gsize len;

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (privkey != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  features = params->features;
  n_features = params->n_features;
  if (features == NULL && n_features == 0)
    {
      features = default_features;
      n_features = G_N_ELEMENTS (default_features);
    }

  if (!(hrp = build_hrp (params, error)) ||
      !check_required (params, error) ||
      !check_features (features, n_features, error) ||
      !check_routes (params, error) ||
      !check_fallbacks (params, error) ||
      !derive_payee (privkey, payee, error))
    return NULL;

  words = g_byte_array_sized_new (512);
  push_uint (words, params->timestamp, MS_BOLT11_TIMESTAMP_WORDS);
  push_fields (words, params, features, n_features, payee);

  /* hrp, '1', data, signature, checksum: readers stop at MS_BOLT11_MAX_LEN. */
  len = strlen (hrp) + 1 + words->len + MS_BOLT11_SIGNATURE_WORDS + 6;
  if (len > MS_BOLT11_MAX_LEN)
    {
      invalid (error, "the invoice would be %" G_GSIZE_FORMAT " characters, more than %d",
               len, MS_BOLT11_MAX_LEN);
      return NULL;
    }

  push_signature (words, hrp, privkey);
  return ms_bech32_encode (hrp, words->data, words->len, MS_BECH32_VARIANT_BECH32);
}
