/* test-vectors-encoding.c: bigsize.json and tlv.json
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
test_bigsize (JsonObject *root,
              JsonObject *vector)
{
  g_autoptr(GBytes) bytes = ms_test_hex_bytes (ms_test_get_string (vector, "bytes"));
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize len, consumed = 0;
  guint64 value = 0;
  gboolean ok;

  data = g_bytes_get_data (bytes, &len);
  ok = ms_bigsize_decode (data, len, &value, &consumed, &error);

  if (json_object_get_boolean_member (vector, "valid"))
    {
      guint64 expected = g_ascii_strtoull (ms_test_get_string (vector, "value"), NULL, 10);
      guint8 out[MS_BIGSIZE_MAX_LEN];
      gsize out_len;

      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (value, ==, expected);
      g_assert_cmpuint (consumed, ==, len);

      out_len = ms_bigsize_write (expected, out);
      g_assert_cmpuint (out_len, ==, ms_bigsize_len (expected));
      ms_test_assert_hex (out, out_len, ms_test_get_string (vector, "reference_encode"));
    }
  else
    {
      const char *ref = ms_test_get_string (vector, "reference_error");

      g_assert_false (ok);
      gint expected = strstr (ref, "minimally") ? MS_ENCODING_ERROR_NON_CANONICAL
                                                           : MS_ENCODING_ERROR_TRUNCATED;

      g_assert_error (error, MS_ENCODING_ERROR, expected);
      g_test_message ("reference: %s; ours: %s", ref, error->message);
    }
}

static void
test_tlv (JsonObject *root,
          JsonObject *vector)
{
  g_autoptr(GBytes) encoded = ms_test_hex_bytes (ms_test_get_string (vector, "encoded"));
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize len, consumed = 0;
  MsTlv record = { 0 };
  gboolean ok;

  data = g_bytes_get_data (encoded, &len);
  ok = ms_tlv_decode (data, len, &record, &consumed, &error);

  if (json_object_get_boolean_member (vector, "valid"))
    {
      g_autoptr(GBytes) value = ms_test_hex_bytes (ms_test_get_string (vector, "value"));
      g_autoptr(GByteArray) out = g_byte_array_new ();
      guint64 type = g_ascii_strtoull (ms_test_get_string (vector, "type"), NULL, 10);

      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (record.type, ==, type);
      g_assert_cmpmem (record.value, record.len,
                       g_bytes_get_data (value, NULL), g_bytes_get_size (value));
      g_assert_cmpuint (consumed, ==, len);

      ms_tlv_append (out, type, g_bytes_get_data (value, NULL), g_bytes_get_size (value));
      g_assert_cmpmem (out->data, out->len, data, len);
    }
  else
    {
      g_assert_false (ok);
      g_assert_nonnull (error);
      g_assert_true (error->domain == MS_ENCODING_ERROR);
      g_test_message ("reference: %s; ours: %s",
                      ms_test_get_string (vector, "reference_error"), error->message);
    }
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  ms_test_add_vectors ("/vectors/bigsize", "bigsize.json", test_bigsize);
  ms_test_add_vectors ("/vectors/tlv", "tlv.json", test_tlv);

  return g_test_run ();
}
