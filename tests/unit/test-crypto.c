/* test-crypto.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "test-util.h"

static void
test_sha256 (void)
{
  guint8 out[MS_SHA256_LEN];

  /* FIPS 180-2 examples. */
  ms_sha256 ("abc", 3, out);
  ms_test_assert_hex (out, sizeof out,
                      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ms_sha256 ("", 0, out);
  ms_test_assert_hex (out, sizeof out,
                      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* NIST SP 800-38A F.2.5, CBC-AES256.Encrypt, first block. */
static void
test_aes_known_answer (void)
{
  g_autoptr(GBytes) key = ms_test_hex_bytes (
    "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  g_autoptr(GBytes) iv = ms_test_hex_bytes ("000102030405060708090a0b0c0d0e0f");
  g_autoptr(GBytes) plain = ms_test_hex_bytes ("6bc1bee22e409f96e93d7e117393172a");
  g_autoptr(MsCipher) cipher = ms_cipher_new (g_bytes_get_data (key, NULL));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) back = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  ms_cipher_encrypt (cipher, g_bytes_get_data (plain, NULL), 16, g_bytes_get_data (iv, NULL), out);

  /* IV, the NIST block, then a whole block of zero padding (never PKCS#7). */
  g_assert_cmpuint (out->len, ==, 48);
  g_assert_cmpmem (out->data, 16, g_bytes_get_data (iv, NULL), 16);
  ms_test_assert_hex (out->data + 16, 16, "f58c4c04d6e5f1ba779eabfb5f7bfbd6");

  g_assert_true (ms_cipher_decrypt (cipher, out->data, out->len, back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back->data, back->len, g_bytes_get_data (plain, NULL), 16);
}

static void
test_cipher_lengths (void)
{
  guint8 key[MS_AES256_KEY_LEN] = { 1, 2, 3 };
  g_autoptr(MsCipher) cipher = ms_cipher_new (key);
  guint8 wire[64] = { 0 };
  static const gsize bad[] = { 0, 1, 15, 16, 17, 31, 33, 47 };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (ms_cipher_decrypt (cipher, wire, bad[i], out, &error));
      g_assert_error (error, MS_CRYPTO_ERROR, MS_CRYPTO_ERROR_BAD_LENGTH);
      g_assert_cmpuint (out->len, ==, 0);
    }

  /* Every plaintext length round-trips and gets 1..16 bytes of padding. */
  for (gsize len = 0; len <= 48; len++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GByteArray) back = g_byte_array_new ();
      guint8 plain[48];

      memset (plain, 'x', sizeof plain);
      ms_cipher_encrypt (cipher, plain, len, NULL, out);
      g_assert_cmpuint (out->len, ==, ms_cipher_wire_len (len));
      g_assert_cmpuint (out->len - 16 - len, >=, 1);
      g_assert_cmpuint (out->len - 16 - len, <=, 16);
      g_assert_true (ms_cipher_decrypt (cipher, out->data, out->len, back, NULL));
      g_assert_cmpmem (back->data, back->len, plain, len);
    }
}

static void
test_random_iv (void)
{
  guint8 key[MS_AES256_KEY_LEN] = { 0 };
  g_autoptr(MsCipher) cipher = ms_cipher_new (key);
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) b = g_byte_array_new ();

  /* Two encryptions of the same text differ: the IV is fresh each time. */
  ms_cipher_encrypt (cipher, (const guint8 *) "{}", 2, NULL, a);
  ms_cipher_encrypt (cipher, (const guint8 *) "{}", 2, NULL, b);
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_false (memcmp (a->data, b->data, 16) == 0);
  g_assert_false (memcmp (a->data + 16, b->data + 16, 16) == 0);
}

static void
test_uuid (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 1000; i++)
    {
      char *uuid = ms_uuid_new ();

      g_assert_cmpuint (strlen (uuid), ==, MS_UUID_STRING_LEN);
      g_assert_true (ms_uuid_is_canonical (uuid, strlen (uuid)));
      g_assert_cmpint (uuid[14], ==, '4');
      g_assert_true (strchr ("89ab", uuid[19]) != NULL);
      for (const char *p = uuid; *p; p++)
        g_assert_false (g_ascii_isupper (*p));
      g_assert_true (g_hash_table_add (seen, uuid));
    }

  /* Python's uuid.UUID() rules, which message validation follows. */
  g_assert_true (ms_uuid_is_valid ("5eed0000-0000-4000-8000-000000000099", 36));
  g_assert_true (ms_uuid_is_valid ("5EED0000-0000-4000-8000-000000000099", 36));
  g_assert_true (ms_uuid_is_valid ("5eed0000000040008000000000000099", 32));
  g_assert_true (ms_uuid_is_valid ("{5eed0000-0000-4000-8000-000000000099}", 38));
  g_assert_true (ms_uuid_is_valid ("urn:uuid:5eed0000-0000-4000-8000-000000000099", 45));
  g_assert_false (ms_uuid_is_valid ("", 0));
  g_assert_false (ms_uuid_is_valid ("not-a-uuid", 10));
  g_assert_false (ms_uuid_is_valid ("5eed0000-0000-4000-8000-00000000009", 35));
  g_assert_false (ms_uuid_is_valid ("5eed0000-0000-4000-8000-00000000009g", 36));
  g_assert_false (ms_uuid_is_canonical ("5eed0000000040008000000000000099", 32));
}

static void
test_wipe (void)
{
  guint8 buf[64];
  g_autoptr(MsSharedSeed) seed = ms_shared_seed_new_random ();
  MsSharedSeed copy = *seed;

  memset (buf, 0xa5, sizeof buf);
  ms_wipe (buf, sizeof buf);
  for (guint i = 0; i < sizeof buf; i++)
    g_assert_cmpuint (buf[i], ==, 0);

  /* Fresh seeds are random: two in a row never match. */
  g_assert_false (ms_shared_seed_equal (seed, &copy) == FALSE);
  ms_shared_seed_generate (&copy);
  g_assert_false (ms_shared_seed_equal (seed, &copy));
  ms_wipe (&copy, sizeof copy);
  for (guint i = 0; i < MS_SHARED_SEED_LEN; i++)
    g_assert_cmpuint (copy.bytes[i], ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/crypto/sha256", test_sha256);
  g_test_add_func ("/ms/crypto/aes-known-answer", test_aes_known_answer);
  g_test_add_func ("/ms/crypto/cipher-lengths", test_cipher_lengths);
  g_test_add_func ("/ms/crypto/random-iv", test_random_iv);
  g_test_add_func ("/ms/crypto/uuid", test_uuid);
  g_test_add_func ("/ms/crypto/wipe", test_wipe);

  return g_test_run ();
}
