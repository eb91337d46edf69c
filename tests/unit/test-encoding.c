/* test-encoding.c: BigSize, TLV, cursor and hex
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
test_bigsize_boundaries (void)
{
  static const struct { guint64 value; gsize len; } cases[] = {
    { 0, 1 }, { 0xfc, 1 }, { 0xfd, 3 }, { 0xffff, 3 }, { 0x10000, 5 },
    { 0xffffffff, 5 }, { G_GUINT64_CONSTANT (0x100000000), 9 }, { G_MAXUINT64, 9 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint8 buf[MS_BIGSIZE_MAX_LEN];
      g_autoptr(GError) error = NULL;
      guint64 value = 1;
      gsize consumed = 0;
      gsize len = ms_bigsize_write (cases[i].value, buf);

      g_assert_cmpuint (len, ==, cases[i].len);
      g_assert_cmpuint (ms_bigsize_len (cases[i].value), ==, cases[i].len);
      g_assert_true (ms_bigsize_decode (buf, len, &value, &consumed, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (value, ==, cases[i].value);
      g_assert_cmpuint (consumed, ==, len);

      /* Every shorter prefix is a truncation, never a read past the end. */
      for (gsize cut = 0; cut < len; cut++)
        {
          g_autoptr(GError) cut_error = NULL;

          g_assert_false (ms_bigsize_decode (buf, cut, NULL, NULL, &cut_error));
          g_assert_error (cut_error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_TRUNCATED);
        }
    }
}

static void
test_cursor_poison (void)
{
  static const guint8 data[] = { 0x01, 0xfd, 0x00 };
  MsCursor cursor;
  g_autoptr(GError) error = NULL;

  ms_cursor_init (&cursor, data, sizeof data);
  g_assert_cmpuint (ms_bigsize_pull (&cursor, "a"), ==, 1);
  g_assert_cmpuint (ms_bigsize_pull (&cursor, "b"), ==, 0);
  g_assert_true (ms_cursor_failed (&cursor));

  /* Once failed, pulls return nothing and the first error is kept. */
  g_assert_null (ms_cursor_pull (&cursor, 0, "c"));
  g_assert_cmpuint (ms_cursor_pull_u8 (&cursor, "d"), ==, 0);
  ms_cursor_fail (&cursor, MS_ENCODING_ERROR, MS_ENCODING_ERROR_INVALID, "later");
  g_assert_false (ms_cursor_propagate (&cursor, &error));
  g_assert_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "b:"));
  ms_cursor_clear (&cursor);
}

static void
test_tlv_stream (void)
{
  g_autoptr(GByteArray) array = g_byte_array_new ();
  g_autofree guint8 *big = g_malloc0 (70000);
  MsCursor cursor;
  MsTlv record;

  ms_tlv_append (array, 0, NULL, 0);
  ms_tlv_append (array, 65979, (const guint8 *) "abc", 3);
  ms_tlv_append (array, G_MAXUINT64, big, 70000);

  ms_cursor_init (&cursor, array->data, array->len);
  g_assert_true (ms_tlv_pull (&cursor, &record));
  g_assert_cmpuint (record.type, ==, 0);
  g_assert_cmpuint (record.len, ==, 0);
  g_assert_true (ms_tlv_pull (&cursor, &record));
  g_assert_cmpuint (record.type, ==, 65979);
  g_assert_cmpmem (record.value, record.len, "abc", 3);
  g_assert_true (ms_tlv_pull (&cursor, &record));
  g_assert_cmpuint (record.type, ==, G_MAXUINT64);
  g_assert_cmpuint (record.len, ==, 70000);
  g_assert_cmpuint (cursor.remaining, ==, 0);
  g_assert_false (ms_tlv_pull (&cursor, &record));
  g_assert_true (ms_cursor_failed (&cursor));
  ms_cursor_clear (&cursor);

  /* A length that points past the end is caught for every cut. */
  for (gsize cut = 1; cut < 9; cut++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ms_tlv_decode (array->data + 2, cut, &record, NULL, &error));
      g_assert_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_TRUNCATED);
    }
}

static void
test_hex (void)
{
  static const guint8 bytes[] = { 0x00, 0x7f, 0x80, 0xff, 0xab };
  g_autofree char *hex = ms_hex_encode (bytes, sizeof bytes);
  guint8 out[5];
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) decoded = NULL;

  g_assert_cmpstr (hex, ==, "007f80ffab");
  g_assert_true (ms_hex_is_valid (hex, strlen (hex)));
  g_assert_true (ms_hex_decode_into ("007F80FFAB", 10, out, sizeof out, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (out, sizeof out, bytes, sizeof bytes);

  g_assert_false (ms_hex_decode_into ("007f80ffa", 9, out, sizeof out, &error));
  g_assert_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ms_hex_decode_into ("007f80ffag", 10, out, sizeof out, &error));
  g_assert_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_BAD_CHARACTER);
  g_clear_error (&error);

  g_assert_null (ms_hex_decode ("abc", 3, &error));
  g_assert_error (error, MS_ENCODING_ERROR, MS_ENCODING_ERROR_INVALID);
  g_clear_error (&error);
  decoded = ms_hex_decode ("", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (decoded), ==, 0);

  g_assert_false (ms_hex_is_valid ("0", 1));
  g_assert_false (ms_hex_is_valid ("0x", 2));
  g_assert_false (ms_hex_is_valid (NULL, 0));
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/encoding/bigsize-boundaries", test_bigsize_boundaries);
  g_test_add_func ("/ms/encoding/cursor-poison", test_cursor_poison);
  g_test_add_func ("/ms/encoding/tlv-stream", test_tlv_stream);
  g_test_add_func ("/ms/encoding/hex", test_hex);

  return g_test_run ();
}
