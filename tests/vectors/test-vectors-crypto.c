/* test-vectors-crypto.c: encryption.json
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
test_encryption (JsonObject *root,
                 JsonObject *vector)
{
  const char *seed_hex = ms_test_get_string (vector, "shared_seed");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSharedSeed) seed = ms_shared_seed_new_from_hex (seed_hex, strlen (seed_hex), &error);
  g_autoptr(MsCipher) cipher = NULL;
  g_autoptr(GBytes) iv = ms_test_hex_bytes (ms_test_get_string (vector, "iv"));
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) wire = ms_test_hex_bytes (ms_test_get_string (vector, "wire_hex"));
  g_autoptr(GBytes) decrypted = ms_test_hex_bytes (ms_test_get_string (vector, "decrypted_hex"));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 key[MS_AES256_KEY_LEN];

  g_assert_no_error (error);

  /* The captured message gives only the text, the others its hex too. */
  if (json_object_has_member (vector, "plaintext_hex"))
    plain = ms_test_hex_bytes (ms_test_get_string (vector, "plaintext_hex"));
  else
    plain = g_bytes_new (ms_test_get_string (vector, "plaintext"),
                         strlen (ms_test_get_string (vector, "plaintext")));

  ms_shared_seed_derive_aes256_key (seed, key);
  ms_test_assert_hex (key, sizeof key, ms_test_get_string (vector, "aes256_key"));
  cipher = ms_shared_seed_new_cipher (seed);

  /* With the vector's IV, encrypting gives the reference's exact wire bytes. */
  ms_cipher_encrypt (cipher, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                     g_bytes_get_data (iv, NULL), out);
  g_assert_cmpuint (out->len, ==, ms_cipher_wire_len (g_bytes_get_size (plain)));
  if (!g_str_has_prefix (ms_test_get_string (vector, "name"), "NEGATIVE"))
    g_assert_cmpmem (out->data, out->len, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));

  g_byte_array_set_size (out, 0);
  g_assert_true (ms_cipher_decrypt (cipher, g_bytes_get_data (wire, NULL),
                                    g_bytes_get_size (wire), out, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (out->data, out->len,
                   g_bytes_get_data (decrypted, NULL), g_bytes_get_size (decrypted));
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  ms_test_add_vectors ("/vectors/encryption", "encryption.json", test_encryption);

  return g_test_run ();
}
