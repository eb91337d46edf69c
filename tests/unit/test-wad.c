/* test-wad.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "moneysocket.h"
#include "test-util.h"

#define BTC_1234567 \
  "{\"msats\":1234567,\"asset_stable\":false,\"asset_units\":1234567,\"code\":\"BTC\"," \
  "\"countries\":\"All\",\"decimals\":0,\"iso_num\":null,\"name\":\"Bitcoin\",\"symbol\":\"₿\"}"

static MsWad *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  MsWad *wad = ms_wad_parse (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (wad);
  return wad;
}

static void
assert_json (const MsWad *wad,
             const char  *expected)
{
  g_autofree char *json = ms_wad_to_json (wad);

  g_assert_cmpstr (json, ==, expected);
}

static void
assert_format (const MsWad *wad,
               const char  *expected_short,
               const char  *expected_long)
{
  g_autofree char *s = ms_wad_format_short (wad);
  g_autofree char *l = ms_wad_format_long (wad);

  g_assert_cmpstr (s, ==, expected_short);
  g_assert_cmpstr (l, ==, expected_long);
}

static void
test_bitcoin (void)
{
  g_autoptr(MsWad) wad = ms_wad_new_bitcoin (1234567);
  g_autoptr(MsWad) parsed = parse_ok (BTC_1234567);
  gdouble iso = 1;

  g_assert_cmpuint (ms_wad_get_msats (wad), ==, 1234567);
  g_assert_false (ms_wad_get_asset_stable (wad));
  g_assert_cmpfloat (ms_wad_get_asset_units (wad), ==, 1234567.0);
  g_assert_cmpstr (ms_wad_get_code (wad), ==, "BTC");
  g_assert_cmpstr (ms_wad_get_countries (wad), ==, "All");
  g_assert_cmpint (ms_wad_get_decimals (wad), ==, 0);
  g_assert_false (ms_wad_get_iso_num (wad, &iso));
  g_assert_cmpstr (ms_wad_get_name (wad), ==, "Bitcoin");
  g_assert_cmpstr (ms_wad_get_symbol (wad), ==, "₿");

  assert_json (wad, BTC_1234567);
  g_assert_true (ms_wad_equal (wad, parsed));
  assert_format (wad, "₿ 1234.567 sat", "₿ 1234.567 sat");
}

static void
test_stable (void)
{
  g_autoptr(MsWad) wad = ms_wad_new (1234567, TRUE, 4.56, "USD", "United States", 2, TRUE, 840,
                                     "United States dollar", "$");
  g_autoptr(MsWad) none = ms_wad_new (5, TRUE, 0.5, "XYZ", NULL, -1, FALSE, 0, NULL, NULL);
  gdouble iso = 0;

  g_assert_true (ms_wad_get_iso_num (wad, &iso));
  g_assert_cmpfloat (iso, ==, 840);
  assert_json (wad, "{\"msats\":1234567,\"asset_stable\":true,\"asset_units\":4.56,\"code\":\"USD\","
                    "\"countries\":\"United States\",\"decimals\":2,\"iso_num\":840,"
                    "\"name\":\"United States dollar\",\"symbol\":\"$\"}");
  assert_format (wad, "$ 4.56 USD", "$ 4.56 USD (1234.567 sat)");

  g_assert_cmpint (ms_wad_get_decimals (none), ==, -1);
  g_assert_null (ms_wad_get_countries (none));
  g_assert_null (ms_wad_get_symbol (none));
  assert_json (none, "{\"msats\":5,\"asset_stable\":true,\"asset_units\":0.5,\"code\":\"XYZ\","
                     "\"countries\":null,\"decimals\":null,\"iso_num\":null,\"name\":null,"
                     "\"symbol\":null}");
  assert_format (none, "0 XYZ", "0 XYZ (0.005 sat)");
}

/* Python's "%.Nf" and round(): half to even on the exact binary value. */
static void
test_format_rounding (void)
{
  static const struct
  {
    gdouble     units;
    gint        decimals;
    const char *expected;
  } cases[] = {
    { 2.5, -1, "2 X" }, { 3.5, -1, "4 X" }, { 0.5, -1, "0 X" }, { 1.5, -1, "2 X" },
    { 2.675, 2, "2.67 X" }, { 55.55, 1, "55.5 X" }, { 55.0, 0, "55 X" }, { 1.0, 0, "1 X" },
    { 0.125, 2, "0.12 X" }, { 1234.5678, 10, "1234.5678000000 X" }, { 1e20, -1, "100000000000000000000 X" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MsWad) wad = ms_wad_new (1, TRUE, cases[i].units, "X", NULL, cases[i].decimals,
                                         FALSE, 0, NULL, "");
      g_autofree char *s = ms_wad_format_short (wad);

      g_assert_cmpstr (s, ==, cases[i].expected);
    }
}

static void
test_format_btc (void)
{
  g_autoptr(MsWad) zero = ms_wad_new_bitcoin (0);
  g_autoptr(MsWad) max = ms_wad_new_bitcoin (G_MAXINT64);
  g_autoptr(MsWad) one = ms_wad_new_bitcoin (1);
  g_autoptr(MsWad) nosym = ms_wad_new (1500, FALSE, 1500, "BTC", NULL, 0, FALSE, 0, NULL, NULL);

  assert_format (zero, "₿ 0.000 sat", "₿ 0.000 sat");
  assert_format (one, "₿ 0.001 sat", "₿ 0.001 sat");
  assert_format (max, "₿ 9223372036854775.807 sat", "₿ 9223372036854775.807 sat");
  assert_format (nosym, "1.500 sat", "1.500 sat");
}

/* Formatting and JSON never use the locale's decimal comma. */
static void
test_locale (void)
{
  g_autoptr(MsWad) wad = ms_wad_new (1000, TRUE, 4.5, "EUR", NULL, 2, FALSE, 0, NULL, "€");
  g_autofree char *old = g_strdup (setlocale (LC_NUMERIC, NULL));

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL && setlocale (LC_NUMERIC, "fr_FR.UTF-8") == NULL)
    {
      g_test_skip ("no locale with a decimal comma installed");
      return;
    }
  assert_format (wad, "€ 4.50 EUR", "€ 4.50 EUR (1.000 sat)");
  assert_json (wad, "{\"msats\":1000,\"asset_stable\":true,\"asset_units\":4.5,\"code\":\"EUR\","
                    "\"countries\":null,\"decimals\":2,\"iso_num\":null,\"name\":null,"
                    "\"symbol\":\"€\"}");
  setlocale (LC_NUMERIC, old);
}

/* A valid BTC wad with one member's JSON text replaced, dropped or added. */
static char *
wad_with (const char *key,
          const char *value)
{
  static const char *const keys[] = {
    "msats", "asset_stable", "asset_units", "code", "countries",
    "decimals", "iso_num", "name", "symbol",
  };
  static const char *const values[] = {
    "1", "false", "1", "\"BTC\"", "null", "0", "null", "null", "null",
  };
  GString *s = g_string_new ("{");
  gboolean replaced = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *v = values[i];

      if (g_str_equal (keys[i], key))
        {
          replaced = TRUE;
          v = value;
        }
      if (v != NULL)
        g_string_append_printf (s, "%s\"%s\":%s", s->len > 1 ? "," : "", keys[i], v);
    }
  if (!replaced)
    g_string_append_printf (s, ",\"%s\":%s", key, value);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

/* The validator's order and limits (Python validate_wad_dict). */
static void
test_parse_errors (void)
{
  static const struct
  {
    const char *key;
    const char *value;   /* NULL: the member is left out */
    const char *message;
  } cases[] = {
    { "asset_stable", NULL, "wad: no asset_stable" },
    { "iso_num", NULL, "wad: no iso_num" },
    { "x", "1", "wad: unknown key x" },
    { "contries", "null", "wad: unknown key contries" },
    { "msats", "1.0", "wad: msats is not an integer" },
    { "msats", "true", "wad: msats is not an integer" },
    { "msats", "\"1\"", "wad: msats is not an integer" },
    { "msats", "1e30", "wad: msats is not an integer" },
    { "msats", "-1", "wad: msats is negative" },
    { "asset_stable", "0", "wad: asset_stable is not a boolean" },
    { "asset_units", "true", "wad: asset_units is not a number" },
    { "asset_units", "-0.5", "wad: asset_units is negative" },
    { "code", "null", "wad: code is not a string" },
    { "code", "\"ABCDEFGHIJKLMNOPQRSTU\"", "wad: code longer than 20 characters" },
    { "countries", "5", "wad: countries is not a string" },
    { "decimals", "0.0", "wad: decimals is not an integer" },
    { "decimals", "false", "wad: decimals is not an integer" },
    { "decimals", "-1", "wad: decimals is negative" },
    { "decimals", "11", "wad: decimals is more than 10" },
    { "name", "[]", "wad: name is not a string" },
    { "symbol", "\"\\u20bf\\u20bf\\u20bf\\u20bf\\u20bf\\u20bf\"", "wad: symbol longer than 5 characters" },
    { "iso_num", "\"840\"", "wad: iso_num is not a number" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = wad_with (cases[i].key, cases[i].value);
      g_autoptr(GError) error = NULL;
      g_autoptr(MsWad) wad = ms_wad_parse (json, strlen (json), &error);

      g_test_message ("%s", json);
      g_assert_null (wad);
      g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_BAD_FIELD);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_parse_not_object (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsWad) wad = ms_wad_parse ("[]", 2, &error);
  g_autofree char *ok = wad_with ("code", "\"BTC\"");
  g_autoptr(MsWad) valid = parse_ok (ok);

  g_assert_null (wad);
  g_assert_cmpstr (error->message, ==, "wad: not an object");
  g_assert_cmpuint (ms_wad_get_msats (valid), ==, 1);
}

static char *
wad_with_strings (const char *countries,
                  const char *name)
{
  return g_strdup_printf ("{\"msats\":1,\"asset_stable\":true,\"asset_units\":1,\"code\":\"X\","
                          "\"countries\":\"%s\",\"decimals\":null,\"iso_num\":null,"
                          "\"name\":\"%s\",\"symbol\":null}", countries, name);
}

/* Limits count characters (Python's len), not bytes. */
static void
test_length_limits (void)
{
  GString *countries = g_string_new (NULL);
  g_autofree char *json = NULL;
  g_autoptr(MsWad) wad = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 200; i++)
    g_string_append (countries, "é");
  json = wad_with_strings (countries->str, "12345678901234567890123456789012345678901234567890");
  wad = parse_ok (json);
  g_assert_cmpuint (strlen (ms_wad_get_countries (wad)), ==, 400);
  g_clear_pointer (&wad, ms_wad_free);
  g_clear_pointer (&json, g_free);

  g_string_append (countries, "a");
  json = wad_with_strings (countries->str, "x");
  wad = ms_wad_parse (json, strlen (json), &error);
  g_assert_null (wad);
  g_assert_cmpstr (error->message, ==, "wad: countries longer than 200 characters");
  g_clear_error (&error);
  g_clear_pointer (&json, g_free);

  json = wad_with_strings ("x", "123456789012345678901234567890123456789012345678901");
  wad = ms_wad_parse (json, strlen (json), &error);
  g_assert_null (wad);
  g_assert_cmpstr (error->message, ==, "wad: name longer than 50 characters");
  g_string_free (countries, TRUE);
}

static void
test_parse_json_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsWad) wad = ms_wad_parse ("{\"msats\":", 9, &error);

  g_assert_null (wad);
  g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
  g_assert_true (g_str_has_prefix (error->message, "wad: json: "));
}

static void
test_parse_accepts (void)
{
  /* Integer asset_units of a stable wad and a float iso_num keep their form. */
  g_autoptr(MsWad) a = parse_ok ("{\"msats\":0,\"asset_stable\":true,\"asset_units\":3,"
                                 "\"code\":\"\",\"countries\":null,\"decimals\":10,"
                                 "\"iso_num\":1.5,\"name\":\"\",\"symbol\":\"\"}");
  /* Duplicate keys: the last one counts, as with Python's dict. */
  g_autoptr(MsWad) b = parse_ok ("{\"msats\":1,\"asset_stable\":false,\"asset_units\":1,"
                                 "\"code\":\"BTC\",\"countries\":\"All\",\"decimals\":0,"
                                 "\"iso_num\":null,\"name\":\"Bitcoin\",\"symbol\":\"\\u20bf\","
                                 "\"msats\":1234567,\"asset_units\":1234567}");
  g_autoptr(MsWad) expected = ms_wad_new_bitcoin (1234567);
  /* Python takes any iso_num without looking; a huge one still is a number. */
  g_autoptr(MsWad) c = parse_ok ("{\"msats\":9223372036854775807,\"asset_stable\":true,"
                                 "\"asset_units\":1e400,\"code\":\"\\u0000\",\"countries\":null,"
                                 "\"decimals\":null,\"iso_num\":-1e30,\"name\":null,\"symbol\":null}");
  g_autoptr(MsWad) c_again = NULL;
  g_autofree char *c_json = NULL;

  assert_json (a, "{\"msats\":0,\"asset_stable\":true,\"asset_units\":3,\"code\":\"\","
                  "\"countries\":null,\"decimals\":10,\"iso_num\":1.5,\"name\":\"\","
                  "\"symbol\":\"\"}");
  assert_format (a, "3.0000000000 ", "3.0000000000  (0.000 sat)");
  g_assert_true (ms_wad_equal (b, expected));

  c_json = ms_wad_to_json (c);
  g_assert_cmpstr (c_json, ==, "{\"msats\":9223372036854775807,\"asset_stable\":true,"
                               "\"asset_units\":1e999,\"code\":\"\\u0000\",\"countries\":null,"
                               "\"decimals\":null,\"iso_num\":-1e+30,\"name\":null,\"symbol\":null}");
  c_again = parse_ok (c_json);
  g_assert_true (ms_wad_equal (c, c_again));
}

static void
test_copy_equal (void)
{
  g_autoptr(MsWad) a = ms_wad_new (10, TRUE, 1.5, "X", "c", 2, TRUE, 1, "n", "s");
  g_autoptr(MsWad) b = ms_wad_copy (a);
  g_autoptr(MsWad) c = ms_wad_new (10, TRUE, 1.5, "X", "c", 2, TRUE, 1, "n", NULL);
  g_autoptr(MsWad) d = ms_wad_new (10, TRUE, 1.5, "X", "c", 2, FALSE, 0, "n", "s");
  g_autoptr(MsWad) e = ms_wad_new (11, TRUE, 1.5, "X", "c", 2, TRUE, 1, "n", "s");
  g_autoptr(MsWad) f = ms_wad_new (10, TRUE, 1.5, "Y", "c", 2, TRUE, 1, "n", "s");
  g_autoptr(MsWad) boxed = g_boxed_copy (MS_TYPE_WAD, a);

  g_assert_true (a != b);
  g_assert_true (ms_wad_equal (a, b));
  g_assert_true (ms_wad_equal (a, boxed));
  g_assert_cmpstr (ms_wad_get_symbol (b), ==, "s");
  g_assert_false (ms_wad_equal (a, c));
  g_assert_false (ms_wad_equal (a, d));
  g_assert_false (ms_wad_equal (a, e));
  g_assert_false (ms_wad_equal (a, f));
}

static void
test_clone_msats (void)
{
  g_autoptr(MsWad) btc = ms_wad_new_bitcoin (1000);
  g_autoptr(MsWad) btc_zero = ms_wad_new_bitcoin (0);
  g_autoptr(MsWad) stable = ms_wad_new (1000, TRUE, 2.0, "USD", NULL, 2, TRUE, 840, NULL, "$");
  g_autoptr(MsWad) stable_zero = ms_wad_new (0, TRUE, 0, "USD", NULL, 2, TRUE, 840, NULL, "$");
  g_autoptr(MsWad) a = ms_wad_clone_msats (btc, 5000);
  g_autoptr(MsWad) b = ms_wad_clone_msats (btc_zero, 5000);
  g_autoptr(MsWad) c = ms_wad_clone_msats (stable, 500);
  g_autoptr(MsWad) d = ms_wad_clone_msats (stable_zero, 500);
  g_autoptr(MsWad) expected = ms_wad_new_bitcoin (5000);

  g_assert_true (ms_wad_equal (a, expected));
  /* A zero BTC wad does not stick at zero (the JS helper's does). */
  g_assert_true (ms_wad_equal (b, expected));
  g_assert_cmpuint (ms_wad_get_msats (c), ==, 500);
  g_assert_cmpfloat (ms_wad_get_asset_units (c), ==, 1.0);
  g_assert_cmpstr (ms_wad_get_code (c), ==, "USD");
  g_assert_cmpuint (ms_wad_get_msats (d), ==, 500);
  g_assert_cmpfloat (ms_wad_get_asset_units (d), ==, 0.0);
  assert_json (c, "{\"msats\":500,\"asset_stable\":true,\"asset_units\":1.0,\"code\":\"USD\","
                  "\"countries\":null,\"decimals\":2,\"iso_num\":840,\"name\":null,\"symbol\":\"$\"}");
}

static void
test_roundtrip (void)
{
  g_autoptr(MsWad) wad = ms_wad_new (222333444, TRUE, 55.55, "CUCUMBER", NULL, 1, FALSE, 0,
                                     "Cucumber \"vegetables\"\n", "c");
  g_autofree char *json = ms_wad_to_json (wad);
  g_autoptr(MsWad) back = parse_ok (json);

  g_assert_true (ms_wad_equal (wad, back));
  assert_format (back, "c 55.5 CUCUMBER", "c 55.5 CUCUMBER (222333.444 sat)");
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/wad/bitcoin", test_bitcoin);
  g_test_add_func ("/ms/wad/stable", test_stable);
  g_test_add_func ("/ms/wad/format-rounding", test_format_rounding);
  g_test_add_func ("/ms/wad/format-btc", test_format_btc);
  g_test_add_func ("/ms/wad/locale", test_locale);
  g_test_add_func ("/ms/wad/parse-errors", test_parse_errors);
  g_test_add_func ("/ms/wad/parse-not-object", test_parse_not_object);
  g_test_add_func ("/ms/wad/length-limits", test_length_limits);
  g_test_add_func ("/ms/wad/parse-json-error", test_parse_json_error);
  g_test_add_func ("/ms/wad/parse-accepts", test_parse_accepts);
  g_test_add_func ("/ms/wad/copy-equal", test_copy_equal);
  g_test_add_func ("/ms/wad/clone-msats", test_clone_msats);
  g_test_add_func ("/ms/wad/roundtrip", test_roundtrip);

  return g_test_run ();
}
