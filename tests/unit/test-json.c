/* test-json.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "test-util.h"

static MsJsonDocument *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  MsJsonDocument *doc = ms_json_document_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  return doc;
}

static void
test_scalars (void)
{
  static const struct
  {
    const char *text;
    MsJsonType  type;
    gint64      integer;
    gdouble     number;
  } cases[] = {
    { "null", MS_JSON_NULL, 0, 0 },
    { "true", MS_JSON_BOOLEAN, 1, 0 },
    { "false", MS_JSON_BOOLEAN, 0, 0 },
    { "0", MS_JSON_INTEGER, 0, 0 },
    { "-0", MS_JSON_INTEGER, 0, 0 },
    { "123", MS_JSON_INTEGER, 123, 0 },
    { "9223372036854775807", MS_JSON_INTEGER, G_MAXINT64, 0 },
    { "-9223372036854775808", MS_JSON_INTEGER, G_MININT64, 0 },
    { "9223372036854775808", MS_JSON_DOUBLE, 0, 9223372036854775808.0 },
    { "-9223372036854775809", MS_JSON_DOUBLE, 0, -9223372036854775809.0 },
    { "123456789012345678901234567890", MS_JSON_DOUBLE, 0, 1.2345678901234568e29 },
    { "1.5", MS_JSON_DOUBLE, 0, 1.5 },
    { "-1.5e3", MS_JSON_DOUBLE, 0, -1500.0 },
    { "1E2", MS_JSON_DOUBLE, 0, 100.0 },
    { "1e-2", MS_JSON_DOUBLE, 0, 0.01 },
    { "1e+2", MS_JSON_DOUBLE, 0, 100.0 },
    { "0.1", MS_JSON_DOUBLE, 0, 0.1 },
    { "1612345678.901", MS_JSON_DOUBLE, 0, 1612345678.901 },
    { "1.0", MS_JSON_DOUBLE, 0, 1.0 },
    { "1e-400", MS_JSON_DOUBLE, 0, 0.0 },
    { "4.9406564584124654e-324", MS_JSON_DOUBLE, 0, 4.9406564584124654e-324 },
    { "1.7976931348623157e308", MS_JSON_DOUBLE, 0, 1.7976931348623157e308 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MsJsonDocument) doc = parse_ok (cases[i].text);
      const MsJsonValue *v = ms_json_document_get_root (doc);

      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (ms_json_value_get_value_type (v), ==, cases[i].type);
      if (cases[i].type == MS_JSON_BOOLEAN)
        g_assert_cmpint (ms_json_value_get_boolean (v), ==, cases[i].integer);
      else if (cases[i].type == MS_JSON_INTEGER)
        g_assert_cmpint (ms_json_value_get_integer (v), ==, cases[i].integer);
      else if (cases[i].type == MS_JSON_DOUBLE)
        g_assert_cmpfloat (ms_json_value_get_double (v), ==, cases[i].number);
      g_assert_cmpuint (ms_json_value_get_length (v), ==, 0);
    }
}

/* Out-of-range literals are infinities, as Python's float() makes them. */
static void
test_infinity (void)
{
  g_autoptr(MsJsonDocument) pos = parse_ok ("1e400");
  g_autoptr(MsJsonDocument) neg = parse_ok ("-1e400");

  g_assert_cmpfloat (ms_json_value_get_double (ms_json_document_get_root (pos)), >, G_MAXDOUBLE);
  g_assert_cmpfloat (ms_json_value_get_double (ms_json_document_get_root (neg)), <, -G_MAXDOUBLE);
}

/* The fast decimal path must agree with strtod on every literal. */
static void
test_numbers_exact (void)
{
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < 20000; i++)
    {
      char text[64];
      g_autoptr(MsJsonDocument) doc = NULL;
      gdouble expected;
      gdouble got;

      g_snprintf (text, sizeof text, "%s%u.%0*u%s%d", g_rand_boolean (rand) ? "-" : "",
                  g_rand_int (rand), g_rand_int_range (rand, 1, 10),
                  g_rand_int_range (rand, 0, 1000000000), g_rand_boolean (rand) ? "e" : "e-",
                  g_rand_int_range (rand, 0, 30));
      doc = parse_ok (text);
      expected = g_ascii_strtod (text, NULL);
      got = ms_json_value_get_double (ms_json_document_get_root (doc));
      if (memcmp (&expected, &got, sizeof got) != 0)
        g_error ("%s: got %.17g, expected %.17g", text, got, expected);
    }
  g_rand_free (rand);
}

static void
assert_string (const char *text,
               const char *expected,
               gsize       expected_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsJsonDocument) doc = ms_json_document_parse (text, strlen (text), &error);
  const MsJsonValue *v;
  const char *str;
  gsize len;

  g_assert_no_error (error);
  v = ms_json_document_get_root (doc);
  g_assert_cmpint (ms_json_value_get_value_type (v), ==, MS_JSON_STRING);
  str = ms_json_value_get_string (v, &len);
  g_assert_cmpmem (str, len, expected, expected_len);
  g_assert_cmpint (str[len], ==, '\0');
}

static void
test_strings (void)
{
  assert_string ("\"\"", "", 0);
  assert_string ("\"abc\"", "abc", 3);
  assert_string ("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\" \\ / \b \f \n \r \t", 15);
  assert_string ("\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6);
  assert_string ("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);
  assert_string ("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4);
  assert_string ("\"a\\u0000b\"", "a\0b", 3);
  assert_string ("\"caf\xc3\xa9 \xe2\x82\xbf \xf0\x9f\x98\x80\"", "caf\xc3\xa9 \xe2\x82\xbf \xf0\x9f\x98\x80", 14);
  assert_string ("\"\x7f\"", "\x7f", 1);
  /* Long enough for the word-at-a-time path, with specials at the edges. */
  assert_string ("\"0123456789abcdef0123456789abcdef\\n\"", "0123456789abcdef0123456789abcdef\n", 33);
  assert_string ("\"0123456\xc3\xa9""0123456789\"", "0123456\xc3\xa9""0123456789", 19);
}

static void
test_rejects (void)
{
  static const struct
  {
    const char *text;
    gsize       len;   /* 0: strlen */
  } cases[] = {
    { "", 0 }, { " ", 0 }, { "\n\t ", 0 },
    { "[1,]", 0 }, { "{\"a\":1,}", 0 }, { "[,1]", 0 }, { "{,}", 0 },
    { "01", 0 }, { "-01", 0 }, { "00", 0 }, { "1.", 0 }, { ".5", 0 }, { "+1", 0 },
    { "-", 0 }, { "1e", 0 }, { "1e+", 0 }, { "1.e3", 0 }, { "0x10", 0 }, { "1_000", 0 },
    { "NaN", 0 }, { "Infinity", 0 }, { "-Infinity", 0 }, { "nan", 0 },
    { "tru", 0 }, { "nul", 0 }, { "True", 0 }, { "nulll", 0 },
    { "[1 2]", 0 }, { "{\"a\" 1}", 0 }, { "{a:1}", 0 }, { "{\"a\":}", 0 }, { "{1:1}", 0 },
    { "'a'", 0 }, { "\"abc", 0 }, { "\"\\x\"", 0 }, { "\"\\u12\"", 0 }, { "\"\\u12g4\"", 0 },
    { "\"\\ud800\"", 0 }, { "\"\\udc00\"", 0 }, { "\"\\ud800\\u0041\"", 0 },
    { "\"\\ud800\\ud800\"", 0 }, { "\"\\ud800x\"", 0 }, { "\"\\", 0 },
    { "\"a\x01" "b\"", 0 }, { "\"\t\"", 0 }, { "\"\n\"", 0 }, { "\"a\0b\"", 5 },
    { "\"\xff\"", 0 }, { "\"\x80\"", 0 }, { "\"\xc0\xaf\"", 0 }, { "\"\xc1\xbf\"", 0 },
    { "\"\xe0\x80\xaf\"", 0 }, { "\"\xed\xa0\x80\"", 0 }, { "\"\xed\xbf\xbf\"", 0 },
    { "\"\xf0\x80\x80\xaf\"", 0 }, { "\"\xf4\x90\x80\x80\"", 0 }, { "\"\xf5\x80\x80\x80\"", 0 },
    { "\"\xe2\x82\"", 0 }, { "\"\xe2\x82", 0 }, { "\"\xc3\"", 0 }, { "\"\xe2\x28\xa1\"", 0 },
    { "1 2", 0 }, { "[] x", 0 }, { "{}{}", 0 }, { "\x0c" "1", 0 }, { "1\x0b", 0 },
    { "\xc2\xa0" "1", 0 }, { "[1]\0", 4 }, { "\0", 1 }, { "{\"a\":1}}", 0 },
    { "[", 0 }, { "]", 0 }, { "{", 0 }, { "}", 0 }, { "[[]", 0 }, { "\"\\u00e9", 0 },
    { "\xef\xbb\xbf{}", 0 }, { "/* */ 1", 0 }, { "[1,2", 0 }, { "{\"a\":1", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = cases[i].len != 0 ? cases[i].len : strlen (cases[i].text);
      g_autoptr(GError) error = NULL;
      g_autoptr(MsJsonDocument) doc = ms_json_document_parse (cases[i].text, len, &error);

      if (doc != NULL)
        g_error ("case %u accepted", i);
      g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
      g_assert_true (g_str_has_prefix (error->message, "json: "));
      g_assert_false (ms_json_is_valid (cases[i].text, len));
      g_test_message ("case %u: %s", i, error->message);
    }
}

static void
test_whitespace (void)
{
  g_autoptr(MsJsonDocument) doc = parse_ok (" \t\r\n[ 1 ,\t2\r\n]\n ");
  const MsJsonValue *root = ms_json_document_get_root (doc);
  const char *raw;
  gsize len;

  g_assert_cmpuint (ms_json_value_get_length (root), ==, 2);
  g_assert_cmpint (ms_json_value_get_integer (ms_json_array_get_element (root, 1)), ==, 2);
  raw = ms_json_value_get_raw (root, &len);
  g_assert_cmpmem (raw, len, "[ 1 ,\t2\r\n]", 10);
}

/* @depth containers, the innermost one empty. */
static char *
nested (guint    depth,
        gboolean objects)
{
  GString *s = g_string_new (NULL);

  for (guint i = 1; i < depth; i++)
    g_string_append (s, objects ? "{\"a\":" : "[");
  g_string_append (s, objects ? "{}" : "[]");
  for (guint i = 1; i < depth; i++)
    g_string_append_c (s, objects ? '}' : ']');
  return g_string_free (s, FALSE);
}

static void
test_depth (void)
{
  g_autofree char *ok = nested (MS_JSON_MAX_DEPTH, FALSE);
  g_autofree char *deep = nested (MS_JSON_MAX_DEPTH + 1, FALSE);
  g_autofree char *ok_objects = nested (MS_JSON_MAX_DEPTH, TRUE);
  g_autofree char *deep_objects = nested (MS_JSON_MAX_DEPTH + 1, TRUE);
  g_autofree char *very_deep = nested (100000, FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_true (ms_json_is_valid (ok, strlen (ok)));
  g_assert_false (ms_json_is_valid (deep, strlen (deep)));
  g_assert_true (ms_json_is_valid (ok_objects, strlen (ok_objects)));
  g_assert_false (ms_json_is_valid (deep_objects, strlen (deep_objects)));
  g_assert_null (ms_json_document_parse (very_deep, strlen (very_deep), &error));
  g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
  g_assert_nonnull (strstr (error->message, "nested deeper than 64"));
}

static void
test_objects (void)
{
  g_autoptr(MsJsonDocument) doc =
    parse_ok ("{\"a\": [1, 2 ], \"b\":\"x\\u0041\", \"a\": {\"c\": null}, \"\": true, \"k\\u0000\": 1}");
  const MsJsonValue *root = ms_json_document_get_root (doc);
  const MsJsonValue *a;
  const char *key;
  const char *raw;
  gsize len;

  g_assert_cmpint (ms_json_value_get_value_type (root), ==, MS_JSON_OBJECT);
  g_assert_cmpuint (ms_json_value_get_length (root), ==, 5);

  /* Duplicates are all kept; lookup finds the last, like json.loads. */
  key = ms_json_object_get_key (root, 0, &len);
  g_assert_cmpmem (key, len, "a", 1);
  key = ms_json_object_get_key (root, 2, &len);
  g_assert_cmpmem (key, len, "a", 1);
  a = ms_json_object_get_member (root, "a");
  g_assert_true (a == ms_json_object_get_value_at (root, 2));
  g_assert_cmpint (ms_json_value_get_value_type (a), ==, MS_JSON_OBJECT);
  g_assert_cmpint (ms_json_value_get_value_type (ms_json_object_get_member (a, "c")), ==,
                   MS_JSON_NULL);

  raw = ms_json_value_get_raw (ms_json_object_get_value_at (root, 0), &len);
  g_assert_cmpmem (raw, len, "[1, 2 ]", 7);
  raw = ms_json_value_get_raw (ms_json_object_get_member (root, "b"), &len);
  g_assert_cmpmem (raw, len, "\"x\\u0041\"", 9);

  g_assert_true (ms_json_value_get_boolean (ms_json_object_get_member (root, "")));
  g_assert_null (ms_json_object_get_member (root, "k"));
  g_assert_nonnull (ms_json_object_get_member_len (root, "k\0", 2));
  g_assert_null (ms_json_object_get_member (root, "missing"));
}

/* Enough values to leave the parser's stack buffers. */
static void
test_large (void)
{
  GString *s = g_string_new ("[");
  g_autoptr(MsJsonDocument) doc = NULL;
  const MsJsonValue *root;

  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (s, "%s{\"i\":%u,\"s\":[\"%u\"]}", i ? "," : "", i, i);
  g_string_append (s, "]");
  doc = parse_ok (s->str);
  root = ms_json_document_get_root (doc);
  g_assert_cmpuint (ms_json_value_get_length (root), ==, 10000);
  for (guint i = 0; i < 10000; i += 999)
    {
      const MsJsonValue *o = ms_json_array_get_element (root, i);
      const MsJsonValue *arr = ms_json_object_get_member (o, "s");
      g_autofree char *expected = g_strdup_printf ("%u", i);

      g_assert_cmpint (ms_json_value_get_integer (ms_json_object_get_member (o, "i")), ==, i);
      g_assert_cmpstr (ms_json_value_get_string (ms_json_array_get_element (arr, 0), NULL), ==,
                       expected);
    }
  g_string_free (s, TRUE);
}

/* The parser reads exactly @len bytes: no NUL needed, nothing beyond. */
static void
test_length_bound (void)
{
  const char text[] = "12345";
  g_autoptr(MsJsonDocument) doc = ms_json_document_parse (text, 3, NULL);
  g_autofree char *heap = g_malloc (4);

  g_assert_cmpint (ms_json_value_get_integer (ms_json_document_get_root (doc)), ==, 123);

  memcpy (heap, "true", 4);
  g_assert_true (ms_json_is_valid (heap, 4));
  g_assert_false (ms_json_is_valid (heap, 3));
}

static void
assert_appended_string (const char *str,
                        gssize      len,
                        const char *expected)
{
  g_autoptr(GString) out = g_string_new ("x");

  ms_json_append_string (out, str, len);
  g_assert_cmpstr (out->str, ==, expected);
}

static void
test_write_string (void)
{
  assert_appended_string ("", -1, "x\"\"");
  assert_appended_string ("a\"b\\c/", -1, "x\"a\\\"b\\\\c/\"");
  assert_appended_string ("\n\r\t\b\f\x01\x1f\x7f", -1, "x\"\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\"");
  assert_appended_string ("caf\xc3\xa9 \xe2\x82\xbf", -1, "x\"caf\xc3\xa9 \xe2\x82\xbf\"");
  assert_appended_string ("a\0b", 3, "x\"a\\u0000b\"");
  assert_appended_string ("abc", 2, "x\"ab\"");
}

/* Every position of a special byte in a long string, against a plain escaper. */
static void
test_write_string_positions (void)
{
  static const char specials[] = { '"', '\\', '\n', '\x01', '\x1f' };

  for (guint s = 0; s < G_N_ELEMENTS (specials); s++)
    for (guint pos = 0; pos < 40; pos++)
      {
        char str[41];
        g_autoptr(GString) expected = g_string_new ("\"");
        g_autoptr(GString) out = g_string_new (NULL);
        g_autoptr(MsJsonDocument) doc = NULL;
        gsize len;

        memset (str, 'a', 40);
        str[40] = '\0';
        str[pos] = specials[s];
        for (guint i = 0; i < 40; i++)
          {
            if (str[i] == '"' || str[i] == '\\')
              g_string_append_printf (expected, "\\%c", str[i]);
            else if (str[i] == '\n')
              g_string_append (expected, "\\n");
            else if ((guchar) str[i] < 0x20)
              g_string_append_printf (expected, "\\u%04x", str[i]);
            else
              g_string_append_c (expected, str[i]);
          }
        g_string_append_c (expected, '"');

        ms_json_append_string (out, str, 40);
        g_assert_cmpstr (out->str, ==, expected->str);

        doc = parse_ok (out->str);
        g_assert_cmpmem (ms_json_value_get_string (ms_json_document_get_root (doc), &len), len,
                         str, 40);
      }
}

static void
assert_double (gdouble     value,
               const char *expected)
{
  g_autoptr(GString) out = g_string_new (NULL);

  ms_json_append_double (out, value);
  g_assert_cmpstr (out->str, ==, expected);
}

static void
test_write_double (void)
{
  assert_double (55.0, "55.0");
  assert_double (4.56, "4.56");
  assert_double (0.1, "0.1");
  assert_double (0.0, "0.0");
  assert_double (-0.0, "-0.0");
  assert_double (1e300, "1e+300");
  assert_double (1.0 / 3.0, "0.3333333333333333");
  assert_double (4.9406564584124654e-324, "4.94065645841247e-324");
  assert_double (0.30000000000000004, "0.30000000000000004");
  assert_double (1612345678.901, "1612345678.901");
  assert_double (1e16, "1e+16");
  assert_double (G_MAXDOUBLE * 2, "1e999");
  assert_double (-G_MAXDOUBLE * 2, "-1e999");
  assert_double (0.0 / 0.0, "null");
}

/* Every finite double reads back bit for bit, and as a double. */
static void
test_write_double_roundtrip (void)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < 20000; i++)
    {
      guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(MsJsonDocument) doc = NULL;
      const MsJsonValue *v;
      gdouble value;
      gdouble back;

      memcpy (&value, &bits, sizeof value);
      if (!(value <= G_MAXDOUBLE && value >= -G_MAXDOUBLE))
        continue;
      ms_json_append_double (out, value);
      doc = parse_ok (out->str);
      v = ms_json_document_get_root (doc);
      g_assert_cmpint (ms_json_value_get_value_type (v), ==, MS_JSON_DOUBLE);
      back = ms_json_value_get_double (v);
      g_assert_cmpmem (&back, sizeof back, &value, sizeof value);
    }
  g_rand_free (rand);
}

static void
assert_timestamp (gdouble     seconds,
                  const char *expected)
{
  g_autoptr(GString) out = g_string_new (NULL);

  ms_json_append_timestamp (out, seconds);
  g_assert_cmpstr (out->str, ==, expected);
}

static void
test_write_timestamp (void)
{
  GRand *rand = g_rand_new_with_seed (3);

  assert_timestamp (1612345678.901, "1612345678.901");
  assert_timestamp (1612345678.0, "1612345678.0");
  assert_timestamp (1612345678.000001, "1612345678.000001");
  assert_timestamp (1612345678.12, "1612345678.12");
  assert_timestamp (1612345678.9999996, "1612345679.0");
  assert_timestamp (0.0, "0.0");
  assert_timestamp (0.5, "0.5");
  assert_timestamp (-1.5, "-1.5");
  assert_timestamp (1e13, "10000000000000.0");
  assert_timestamp (G_MAXDOUBLE * 2, "1e999");

  /* Microseconds survive text and back. */
  for (guint i = 0; i < 10000; i++)
    {
      gint64 us = g_rand_int_range (rand, 1000000000, 2000000000) * G_GINT64_CONSTANT (1000000) +
                  g_rand_int_range (rand, 0, 1000000);
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(MsJsonDocument) doc = NULL;
      gdouble back;

      ms_json_append_timestamp (out, us / (gdouble) G_USEC_PER_SEC);
      doc = parse_ok (out->str);
      back = ms_json_value_get_double (ms_json_document_get_root (doc));
      g_assert_cmpfloat (back, >, 0);
      g_assert_cmpint ((gint64) (back * G_USEC_PER_SEC + 0.5), ==, us);
    }
  g_rand_free (rand);
}

static void
test_write_integers (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  ms_json_append_int64 (out, G_MININT64);
  g_string_append_c (out, ' ');
  ms_json_append_int64 (out, G_MAXINT64);
  g_string_append_c (out, ' ');
  ms_json_append_int64 (out, 0);
  g_string_append_c (out, ' ');
  ms_json_append_uint64 (out, G_MAXUINT64);
  g_assert_cmpstr (out->str, ==,
                   "-9223372036854775808 9223372036854775807 0 18446744073709551615");
}

static void
test_utf8 (void)
{
  g_assert_true (ms_json_utf8_validate ("", 0));
  g_assert_true (ms_json_utf8_validate ("abcdefghijklmnopqrstuvwxyz", 26));
  g_assert_true (ms_json_utf8_validate ("a\0b", 3));
  g_assert_true (ms_json_utf8_validate ("abcdefgh\xe2\x82\xbf", 11));
  g_assert_false (ms_json_utf8_validate ("abcdefgh\xe2\x82", 10));
  g_assert_false (ms_json_utf8_validate ("\xed\xa0\x80", 3));
  g_assert_false (ms_json_utf8_validate ("\xc0\x80", 2));
  g_assert_false (ms_json_utf8_validate ("abcdefghijklmno\xff", 16));

  g_assert_cmpuint (ms_json_utf8_n_chars ("", 0), ==, 0);
  g_assert_cmpuint (ms_json_utf8_n_chars ("abc", 3), ==, 3);
  g_assert_cmpuint (ms_json_utf8_n_chars ("\xe2\x82\xbf\xc3\xa9" "a\xf0\x9f\x98\x80", 10), ==, 4);
  g_assert_cmpuint (ms_json_utf8_n_chars ("a\0b", 3), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/json/scalars", test_scalars);
  g_test_add_func ("/ms/json/infinity", test_infinity);
  g_test_add_func ("/ms/json/numbers-exact", test_numbers_exact);
  g_test_add_func ("/ms/json/strings", test_strings);
  g_test_add_func ("/ms/json/rejects", test_rejects);
  g_test_add_func ("/ms/json/whitespace", test_whitespace);
  g_test_add_func ("/ms/json/depth", test_depth);
  g_test_add_func ("/ms/json/objects", test_objects);
  g_test_add_func ("/ms/json/large", test_large);
  g_test_add_func ("/ms/json/length-bound", test_length_bound);
  g_test_add_func ("/ms/json/write-string", test_write_string);
  g_test_add_func ("/ms/json/write-string-positions", test_write_string_positions);
  g_test_add_func ("/ms/json/write-double", test_write_double);
  g_test_add_func ("/ms/json/write-double-roundtrip", test_write_double_roundtrip);
  g_test_add_func ("/ms/json/write-timestamp", test_write_timestamp);
  g_test_add_func ("/ms/json/write-integers", test_write_integers);
  g_test_add_func ("/ms/json/utf8", test_utf8);

  return g_test_run ();
}
