/* test-bech32.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "test-util.h"

/* BIP-173 and BIP-350 "Test vectors": valid checksums. */
static const char *const valid_bech32[] = {
  "A12UEL5L",
  "a12uel5l",
  "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
  "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
  "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
  "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
  "?1ezyfcl",
};

static const char *const valid_bech32m[] = {
  "A1LQFN3A",
  "a1lqfn3a",
  "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
  "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
  "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
  "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
  "?1v759aa",
};

static void
test_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_bech32); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *hrp = NULL;
      g_autofree guint8 *data = NULL;
      g_autofree char *again = NULL;
      g_autofree char *lower = g_ascii_strdown (valid_bech32[i], -1);
      MsBech32Variant variant;
      gsize len = 0;

      g_assert_true (ms_bech32_decode (valid_bech32[i], strlen (valid_bech32[i]), 0, &hrp,
                                       &data, &len, &variant, &error));
      g_assert_no_error (error);
      g_assert_cmpint (variant, ==, MS_BECH32_VARIANT_BECH32);

      /* Re-encoding gives the lower-case form back. */
      again = ms_bech32_encode (hrp, data, len, MS_BECH32_VARIANT_BECH32);
      g_assert_cmpstr (again, ==, lower);
    }

  for (guint i = 0; i < G_N_ELEMENTS (valid_bech32m); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *hrp = NULL;
      g_autofree guint8 *data = NULL;
      g_autofree char *again = NULL;
      g_autofree char *lower = g_ascii_strdown (valid_bech32m[i], -1);
      MsBech32Variant variant;
      gsize len = 0;

      g_assert_true (ms_bech32_decode (valid_bech32m[i], strlen (valid_bech32m[i]), 0, &hrp,
                                       &data, &len, &variant, &error));
      g_assert_no_error (error);
      g_assert_cmpint (variant, ==, MS_BECH32_VARIANT_BECH32M);
      again = ms_bech32_encode (hrp, data, len, MS_BECH32_VARIANT_BECH32M);
      g_assert_cmpstr (again, ==, lower);

      /* Without asking for the variant only plain bech32 is accepted. */
      g_assert_false (ms_bech32_decode (valid_bech32m[i], strlen (valid_bech32m[i]), 0, NULL,
                                        NULL, NULL, NULL, NULL));
    }
}

static void
assert_invalid (const char      *str,
                gsize            len,
                gint             code)
{
  g_autoptr(GError) error = NULL;
  MsBech32Variant variant;

  g_assert_false (ms_bech32_decode (str, len, 0, NULL, NULL, NULL, &variant, &error));
  g_assert_error (error, MS_ENCODING_ERROR, code);
}

/* BIP-173 "invalid" cases and our own. */
static void
test_invalid (void)
{
  assert_invalid ("\x20" "1nwldj5", 7, MS_ENCODING_ERROR_BAD_CHARACTER);
  assert_invalid ("\x7f" "1axkwrx", 7, MS_ENCODING_ERROR_BAD_CHARACTER);
  assert_invalid ("\x80" "1eym55h", 7, MS_ENCODING_ERROR_BAD_CHARACTER);
  assert_invalid ("pzry9x0s0muk", 12, MS_ENCODING_ERROR_INVALID);
  assert_invalid ("1pzry9x0s0muk", 13, MS_ENCODING_ERROR_INVALID);
  assert_invalid ("x1b4n0q5v", 9, MS_ENCODING_ERROR_BAD_CHARACTER);
  assert_invalid ("li1dgmt3", 8, MS_ENCODING_ERROR_TRUNCATED);
  assert_invalid ("de1lg7wt\xff", 9, MS_ENCODING_ERROR_BAD_CHARACTER);
  assert_invalid ("A1G7SGD8", 8, MS_ENCODING_ERROR_BAD_CHECKSUM);
  assert_invalid ("10a06t8", 7, MS_ENCODING_ERROR_INVALID);
  assert_invalid ("1qzzfhee", 8, MS_ENCODING_ERROR_INVALID);
  assert_invalid ("A12uEL5L", 8, MS_ENCODING_ERROR_MIXED_CASE);
  assert_invalid ("", 0, MS_ENCODING_ERROR_INVALID);

  /* The length limit is the caller's. */
  {
    const char *s = valid_bech32[2];
    g_autoptr(GError) error = NULL;

    g_assert_false (ms_bech32_decode (s, strlen (s), 90 - 1, NULL, NULL, NULL, NULL, &error));
    g_assert_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_TOO_LONG);
  }
}

/* Beacons are far longer than BIP-173's 90 characters: 2000+ must work. */
static void
test_long (void)
{
  g_autofree guint8 *data = g_malloc (3000);
  g_autofree guint8 *decoded = NULL;
  g_autofree char *str = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  for (guint i = 0; i < 3000; i++)
    data[i] = (i * 7) & 0x1f;

  str = ms_bech32_encode ("moneysocket", data, 3000, MS_BECH32_VARIANT_BECH32);
  g_assert_cmpuint (strlen (str), ==, 11 + 1 + 3000 + 6);
  g_assert_true (ms_bech32_decode (str, strlen (str), 0, NULL, &decoded, &len, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (decoded, len, data, 3000);

  /* One flipped character anywhere breaks the checksum. */
  str[500] = str[500] == 'q' ? 'p' : 'q';
  g_assert_false (ms_bech32_decode (str, strlen (str), 0, NULL, NULL, NULL, NULL, NULL));
}

static void
test_convert_bits (void)
{
  static const guint8 bytes[] = { 0xff, 0x00, 0xa5 };
  g_autoptr(GByteArray) five = g_byte_array_new ();
  g_autoptr(GByteArray) eight = g_byte_array_new ();
  static const guint8 nonzero_pad[] = { 0x1f, 0x1f };
  static const guint8 excess[] = { 0, 0, 0 };

  g_assert_true (ms_bech32_convert_bits (bytes, 3, 8, 5, TRUE, five));
  g_assert_cmpuint (five->len, ==, 5);
  g_assert_true (ms_bech32_convert_bits (five->data, five->len, 5, 8, FALSE, eight));
  g_assert_cmpmem (eight->data, eight->len, bytes, 3);

  /* Non-zero leftover bits and five or more leftover bits are both refused. */
  g_byte_array_set_size (eight, 0);
  g_assert_false (ms_bech32_convert_bits (nonzero_pad, 2, 5, 8, FALSE, eight));
  g_byte_array_set_size (eight, 0);
  g_assert_false (ms_bech32_convert_bits (excess, 3, 5, 8, FALSE, eight));
  /* Nothing in, nothing out (and no arithmetic on an empty array's NULL data). */
  {
    g_autoptr(GByteArray) empty = g_byte_array_new ();

    g_assert_true (ms_bech32_convert_bits (NULL, 0, 8, 5, TRUE, empty));
    g_assert_true (ms_bech32_convert_bits (NULL, 0, 5, 8, FALSE, empty));
    g_assert_cmpuint (empty->len, ==, 0);
  }

  /* Input values wider than from_bits are refused. */
  g_byte_array_set_size (eight, 0);
  g_assert_false (ms_bech32_convert_bits (bytes, 1, 5, 8, FALSE, eight));
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/bech32/valid", test_valid);
  g_test_add_func ("/ms/bech32/invalid", test_invalid);
  g_test_add_func ("/ms/bech32/long", test_long);
  g_test_add_func ("/ms/bech32/convert-bits", test_convert_bits);

  return g_test_run ();
}
