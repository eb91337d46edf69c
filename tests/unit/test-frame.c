/* test-frame.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "test-util.h"

#define RID    "8546905cd59ef3bd899ec68d9552b910ea14ce25cd7cadedccb67b9f2b7def3b"
#define BOLT11 "lnbc2500u1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs"
#define SEED   "3a1f6c2b9d8e7f60514233241506f7e8"

static MsCipher *
cipher_from_hex (const char *hex)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSharedSeed) seed = ms_shared_seed_new_from_hex (hex, strlen (hex), &error);

  g_assert_no_error (error);
  return ms_shared_seed_new_cipher (seed);
}

static void
assert_same (MsMessage *a,
             MsMessage *b)
{
  g_autofree char *ja = ms_message_to_json (a);
  g_autofree char *jb = ms_message_to_json (b);

  g_assert_cmpstr (ja, ==, jb);
}

static gboolean
is_clear (const char *bytes,
          gsize       len)
{
  return ms_frame_is_cleartext ((const guint8 *) bytes, len);
}

/* PROTOCOL.md 5.2: strict UTF-8 and any JSON value. */
static void
test_is_cleartext (void)
{
  g_autoptr(MsCipher) cipher = cipher_from_hex (SEED);
  g_autoptr(MsMessage) ping = ms_message_new_request_ping ();
  g_autoptr(GBytes) wire = ms_frame_encode (ping, cipher);

  g_assert_true (is_clear ("{}", 2));
  g_assert_true (is_clear ("5", 1));
  g_assert_true (is_clear ("\"x\"", 3));
  g_assert_true (is_clear ("[1]", 3));
  g_assert_true (is_clear (" null ", 6));
  g_assert_false (is_clear ("", 0));
  g_assert_false (is_clear ("{\"a\":\"\xff\"}", 9));
  g_assert_false (is_clear ("{\"a\":\"\xed\xa0\x80\"}", 11));
  g_assert_false (is_clear ("{} ", 2 + 2));
  g_assert_false (ms_frame_is_cleartext (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire)));
}

/* PROTOCOL.md 5.4 sender rule. */
static void
test_encode (void)
{
  g_autoptr(MsCipher) cipher = cipher_from_hex (SEED);
  g_autoptr(MsMessage) rendezvous = ms_message_new_request_rendezvous (RID);
  g_autoptr(MsMessage) pay = ms_message_new_request_pay (BOLT11);
  g_autofree char *rendezvous_json = ms_message_to_json (rendezvous);
  g_autofree char *pay_json = ms_message_to_json (pay);
  g_autoptr(GBytes) clear = ms_frame_encode (rendezvous, cipher);
  g_autoptr(GBytes) secret = ms_frame_encode (pay, cipher);
  g_autoptr(GBytes) secret2 = ms_frame_encode (pay, cipher);
  g_autoptr(GBytes) relay = ms_frame_encode (pay, NULL);
  g_autoptr(GByteArray) appended = g_byte_array_new ();
  g_autoptr(MsMessage) back = NULL;
  g_autoptr(GError) error = NULL;

  /* Rendezvous: clear even with a key. */
  g_assert_cmpmem (g_bytes_get_data (clear, NULL), g_bytes_get_size (clear),
                   rendezvous_json, strlen (rendezvous_json));

  /* Others: IV || CBC with zero padding, a fresh IV each time. */
  g_assert_cmpuint (g_bytes_get_size (secret), ==, ms_cipher_wire_len (strlen (pay_json)));
  g_assert_cmpuint (g_bytes_get_size (secret) % MS_AES_BLOCK_LEN, ==, 0);
  g_assert_false (g_bytes_equal (secret, secret2));
  back = ms_frame_decode (g_bytes_get_data (secret, NULL), g_bytes_get_size (secret), cipher,
                          &error);
  g_assert_no_error (error);
  assert_same (pay, back);

  /* Without a key (the relay's sockets) everything is clear. */
  g_assert_cmpmem (g_bytes_get_data (relay, NULL), g_bytes_get_size (relay),
                   pay_json, strlen (pay_json));

  /* _into appends. */
  g_byte_array_append (appended, (const guint8 *) "ab", 2);
  ms_frame_encode_into (rendezvous, NULL, appended);
  g_assert_cmpuint (appended->len, ==, 2 + strlen (rendezvous_json));
  g_assert_cmpmem (appended->data + 2, appended->len - 2, rendezvous_json, strlen (rendezvous_json));
}

static void
assert_decode_error (const guint8 *payload,
                     gsize         len,
                     MsCipher     *cipher,
                     GQuark        domain,
                     gint          code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsMessage) message = ms_frame_decode (payload, len, cipher, &error);

  g_assert_null (message);
  g_assert_error (error, domain, code);
  g_assert_true (g_str_has_prefix (error->message, "frame: ") ||
                 g_str_has_prefix (error->message, "message: "));
  g_test_message ("%" G_GSIZE_FORMAT " bytes: %s", len, error->message);
}

static void
encrypt (MsCipher   *cipher,
         const char *plain,
         GByteArray *out)
{
  g_byte_array_set_size (out, 0);
  ms_cipher_encrypt (cipher, (const guint8 *) plain, strlen (plain), NULL, out);
}

/* PROTOCOL.md 5.4 receiver table, "C SHOULD" column. */
static void
test_decode_rules (void)
{
  g_autoptr(MsCipher) cipher = cipher_from_hex (SEED);
  g_autoptr(MsMessage) pay = ms_message_new_request_pay (BOLT11);
  g_autoptr(MsMessage) rendezvous = ms_message_new_notify_rendezvous_end (NULL, RID);
  g_autofree char *pay_json = ms_message_to_json (pay);
  g_autofree char *rendezvous_json = ms_message_to_json (rendezvous);
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autoptr(MsMessage) relayed = NULL;
  g_autoptr(GError) error = NULL;

  /* Clear non-rendezvous: rejected with a key (JS-strict), fine without. */
  assert_decode_error ((const guint8 *) pay_json, strlen (pay_json), cipher, MS_MESSAGE_ERROR,
                       MS_MESSAGE_ERROR_SHOULD_BE_ENCRYPTED);
  relayed = ms_frame_decode ((const guint8 *) pay_json, strlen (pay_json), NULL, &error);
  g_assert_no_error (error);
  assert_same (pay, relayed);

  /* Clear JSON that is no object, or no valid message. */
  assert_decode_error ((const guint8 *) "5", 1, cipher, MS_MESSAGE_ERROR,
                       MS_MESSAGE_ERROR_NOT_OBJECT);
  assert_decode_error ((const guint8 *) "[1]", 3, NULL, MS_MESSAGE_ERROR,
                       MS_MESSAGE_ERROR_NOT_OBJECT);
  assert_decode_error ((const guint8 *) "{}", 2, cipher, MS_MESSAGE_ERROR,
                       MS_MESSAGE_ERROR_MISSING_FIELD);

  /* Encrypted rendezvous: should have been clear. */
  encrypt (cipher, rendezvous_json, wire);
  assert_decode_error (wire->data, wire->len, cipher, MS_MESSAGE_ERROR,
                       MS_MESSAGE_ERROR_SHOULD_BE_CLEAR);

  /* Cyphertext on a socket without a key. */
  encrypt (cipher, pay_json, wire);
  assert_decode_error (wire->data, wire->len, NULL, MS_MESSAGE_ERROR,
                       MS_MESSAGE_ERROR_UNDECRYPTABLE);

  /* Decrypted plaintext: not an object, not a message, not UTF-8. */
  encrypt (cipher, "[1, 2]", wire);
  assert_decode_error (wire->data, wire->len, cipher, MS_MESSAGE_ERROR,
                       MS_MESSAGE_ERROR_NOT_OBJECT);
  encrypt (cipher, "{\"timestamp\": 1}", wire);
  assert_decode_error (wire->data, wire->len, cipher, MS_MESSAGE_ERROR,
                       MS_MESSAGE_ERROR_MISSING_FIELD);
  encrypt (cipher, "{\"a\": \"\xc3\x28\"}", wire);
  assert_decode_error (wire->data, wire->len, cipher, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
}

/* IV || whole blocks, at least one: other lengths never reach AES. */
static void
test_lengths (void)
{
  g_autoptr(MsCipher) cipher = cipher_from_hex (SEED);
  guint8 payload[64];
  static const gsize bad[] = { 0, 1, 15, 16, 17, 31, 33, 47 };

  /* 0xff is never JSON, so these are cyphertext. */
  memset (payload, 0xff, sizeof payload);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_decode_error (payload, bad[i], cipher, MS_CRYPTO_ERROR, MS_CRYPTO_ERROR_BAD_LENGTH);

  /* The right length decrypts, to garbage that is not JSON. */
  assert_decode_error (payload, 32, cipher, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
  assert_decode_error (payload, 48, cipher, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
  assert_decode_error (payload, 32, NULL, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_UNDECRYPTABLE);
}

static void
test_truncated_and_wrong_key (void)
{
  g_autoptr(MsCipher) cipher = cipher_from_hex (SEED);
  g_autoptr(MsCipher) other = cipher_from_hex ("00000000000000000000000000000000");
  g_autoptr(MsMessage) pay = ms_message_new_request_pay (BOLT11);
  g_autoptr(GBytes) wire = ms_frame_encode (pay, cipher);
  const guint8 *data = g_bytes_get_data (wire, NULL);
  gsize len = g_bytes_get_size (wire);

  /* Cut at a block boundary: the JSON is cut too. */
  assert_decode_error (data, len - MS_AES_BLOCK_LEN, cipher, MS_MESSAGE_ERROR,
                       MS_MESSAGE_ERROR_JSON);
  assert_decode_error (data, len - 1, cipher, MS_CRYPTO_ERROR, MS_CRYPTO_ERROR_BAD_LENGTH);
  /* Another key decrypts to noise. */
  assert_decode_error (data, len, other, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
}

/* PROTOCOL.md 5.3: a PKCS#7-padded frame (the Go port's) is not understood. */
static void
test_pkcs7_rejected (void)
{
  g_autoptr(JsonObject) root = ms_test_load_vector_file ("encryption.json");
  JsonArray *vectors = json_object_get_array_member (root, "vectors");
  JsonObject *negative = NULL;
  g_autoptr(MsCipher) cipher = NULL;
  g_autoptr(GBytes) wire = NULL;

  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *v = json_array_get_object_element (vectors, i);

      if (g_str_has_prefix (ms_test_get_string (v, "name"), "NEGATIVE"))
        negative = v;
    }
  g_assert_nonnull (negative);

  cipher = cipher_from_hex (ms_test_get_string (negative, "shared_seed"));
  wire = ms_test_hex_bytes (ms_test_get_string (negative, "wire_hex"));
  assert_decode_error (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), cipher,
                       MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/frame/is-cleartext", test_is_cleartext);
  g_test_add_func ("/ms/frame/encode", test_encode);
  g_test_add_func ("/ms/frame/decode-rules", test_decode_rules);
  g_test_add_func ("/ms/frame/lengths", test_lengths);
  g_test_add_func ("/ms/frame/truncated-and-wrong-key", test_truncated_and_wrong_key);
  g_test_add_func ("/ms/frame/pkcs7-rejected", test_pkcs7_rejected);

  return g_test_run ();
}
