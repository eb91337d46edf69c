/* test-beacon.c: locations, seeds and beacons beyond the shared vectors
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
test_location_urls (void)
{
  static const struct {
    const char *url;
    const char *host;
    guint32     port;
    gboolean    use_tls;
    const char *canonical;
  } good[] = {
    { "ws://127.0.0.1:11060", "127.0.0.1", 11060, FALSE, "ws://127.0.0.1:11060" },
    { "wss://relay.socket.money", "relay.socket.money", 443, TRUE, "wss://relay.socket.money:443" },
    { "wss://relay.socket.money:443/", "relay.socket.money", 443, TRUE, "wss://relay.socket.money:443" },
    { "ws://example.com", "example.com", 80, FALSE, "ws://example.com:80" },
    { "WSS://Example.com:8443", "example.com", 8443, TRUE, "wss://example.com:8443" },
    { "ws://[::1]:8080", "::1", 8080, FALSE, "ws://[::1]:8080" },
  };
  static const char *const bad[] = {
    "http://example.com", "example.com", "ws://", "ws://host:0", "ws://host/path",
    "ws://host?x=1", "ws://host#f", "ws://user@host", "ws://host:99999", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsLocation) location = ms_location_new_from_url (good[i].url, &error);
      g_autofree char *url = NULL;
      g_autofree char *host = NULL;
      g_autofree char *url_lower = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (ms_location_get_location_type (location), ==, MS_LOCATION_TYPE_WEBSOCKET);
      host = g_ascii_strdown (ms_location_get_host (location), -1);
      g_assert_cmpstr (host, ==, good[i].host);
      g_assert_cmpuint (ms_location_get_port (location), ==, good[i].port);
      g_assert_cmpint (ms_location_get_use_tls (location), ==, good[i].use_tls);
      url = ms_location_dup_url (location);
      url_lower = g_ascii_strdown (url, -1);
      g_assert_cmpstr (url_lower, ==, good[i].canonical);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsLocation) location = ms_location_new_from_url (bad[i], &error);

      g_assert_null (location);
      g_assert_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_URL);
    }
}

static MsBeacon *
round_trip (MsBeacon *beacon)
{
  g_autofree char *str = ms_beacon_encode (beacon);
  g_autoptr(GError) error = NULL;
  MsBeacon *decoded = ms_beacon_decode (str, strlen (str), &error);

  g_assert_no_error (error);
  g_assert_nonnull (decoded);
  g_assert_true (ms_shared_seed_equal (ms_beacon_get_shared_seed (beacon),
                                       ms_beacon_get_shared_seed (decoded)));
  g_assert_cmpuint (ms_beacon_get_n_locations (decoded), ==, ms_beacon_get_n_locations (beacon));
  for (guint i = 0; i < ms_beacon_get_n_locations (beacon); i++)
    g_assert_true (ms_location_equal (ms_beacon_get_location (beacon, i),
                                      ms_beacon_get_location (decoded, i)));
  return decoded;
}

static void
test_round_trips (void)
{
  g_autoptr(MsBeacon) beacon = ms_beacon_new (NULL);
  g_autoptr(MsBeacon) other = ms_beacon_new (NULL);
  g_autoptr(MsBeacon) decoded = NULL;
  g_autofree char *long_host = g_strnfill (1200, 'h');
  g_autoptr(MsLocation) a = ms_location_new_websocket ("relay.socket.money", 0, TRUE);
  g_autoptr(MsLocation) b = ms_location_new_websocket ("::1", 11060, FALSE);
  g_autoptr(MsLocation) c = ms_location_new_websocket (long_host, 70000, TRUE);
  g_autoptr(MsLocation) d = ms_location_new_placeholder (MS_LOCATION_TYPE_NFC, "ünïcode");
  g_autoptr(MsLocation) e = ms_location_new_placeholder (MS_LOCATION_TYPE_BLUETOOTH, NULL);
  g_autofree char *str = NULL;

  /* Fresh beacons draw fresh seeds. */
  g_assert_false (ms_shared_seed_equal (ms_beacon_get_shared_seed (beacon),
                                        ms_beacon_get_shared_seed (other)));

  ms_beacon_add_location (beacon, a);
  ms_beacon_add_location (beacon, b);
  ms_beacon_add_location (beacon, c);
  ms_beacon_add_location (beacon, d);
  ms_beacon_add_location (beacon, e);
  decoded = round_trip (beacon);

  /* PROTOCOL.md 2.3 asks for at least 2000 characters; this one is longer. */
  str = ms_beacon_encode (beacon);
  g_assert_cmpuint (strlen (str), >, 2000);
  g_assert_cmpstr (ms_location_get_placeholder (ms_beacon_get_location (decoded, 4)), ==,
                   "bluetooth herpader");
}

static void
test_truncations (void)
{
  g_autoptr(MsBeacon) beacon = ms_beacon_new (NULL);
  g_autoptr(MsLocation) location = ms_location_new_websocket ("127.0.0.1", 11033, FALSE);
  g_autoptr(GBytes) tlv = NULL;
  const guint8 *data;
  gsize len;

  ms_beacon_add_location (beacon, location);
  tlv = ms_beacon_encode_tlv (beacon);
  data = g_bytes_get_data (tlv, &len);

  /* Every proper prefix of the TLV bytes, re-wrapped in valid bech32, is rejected cleanly. */
  for (gsize cut = 1; cut < len; cut++)
    {
      g_autoptr(GByteArray) five = g_byte_array_new ();
      g_autofree char *str = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(MsBeacon) decoded = NULL;

      ms_bech32_convert_bits (data, cut, 8, 5, TRUE, five);
      str = ms_bech32_encode ("moneysocket", five->data, five->len, MS_BECH32_VARIANT_BECH32);
      decoded = ms_beacon_decode (str, strlen (str), &error);
      g_assert_null (decoded);
      g_assert_true (error->domain == MS_BEACON_ERROR);
    }
}

static void
test_errors (void)
{
  g_autoptr(MsBeacon) beacon = ms_beacon_new (NULL);
  g_autofree char *str = ms_beacon_encode (beacon);
  g_autofree char *bech32m = NULL;
  g_autofree guint8 *data5 = NULL;
  g_autoptr(GError) error = NULL;
  gsize len5;

  /* A bech32m checksum over the same data is not a v0 beacon. */
  g_assert_true (ms_bech32_decode (str, strlen (str), 0, NULL, &data5, &len5, NULL, NULL));
  bech32m = ms_bech32_encode ("moneysocket", data5, len5, MS_BECH32_VARIANT_BECH32M);
  g_assert_null (ms_beacon_decode (bech32m, strlen (bech32m), &error));
  g_assert_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BECH32);
  g_assert_cmpstr (error->message, ==, "beacon: bad bech32 checksum");
  g_clear_error (&error);

  /* Longer than any sane beacon. */
  {
    g_autofree char *huge = g_strnfill (MS_BEACON_MAX_LEN + 1, 'q');

    memcpy (huge, "moneysocket1", 12);
    g_assert_null (ms_beacon_decode (huge, strlen (huge), &error));
    g_assert_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BECH32);
    g_clear_error (&error);
  }

  /* Embedded NUL in the input is just a bad character. */
  g_assert_null (ms_beacon_decode ("moneysocket1\0qqqqqq", 19, &error));
  g_assert_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BECH32);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/beacon/location-urls", test_location_urls);
  g_test_add_func ("/ms/beacon/round-trips", test_round_trips);
  g_test_add_func ("/ms/beacon/truncations", test_truncations);
  g_test_add_func ("/ms/beacon/errors", test_errors);

  return g_test_run ();
}
