/* test-vectors-beacon.c: shared_seed.json, beacon_encode_decode.json,
 * beacon_decode_errors.json
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
test_shared_seed (JsonObject *root,
                  JsonObject *vector)
{
  const char *hex = ms_test_get_string (vector, "shared_seed");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSharedSeed) seed = ms_shared_seed_new_from_hex (hex, strlen (hex), &error);
  guint8 key[MS_AES256_KEY_LEN];
  guint8 rid[MS_RENDEZVOUS_ID_LEN];
  char rid_hex[MS_RENDEZVOUS_ID_HEX_LEN + 1];

  g_assert_no_error (error);
  ms_shared_seed_derive_aes256_key (seed, key);
  ms_test_assert_hex (key, sizeof key, ms_test_get_string (vector, "aes256_key"));
  ms_shared_seed_derive_rendezvous_id (seed, rid);
  ms_test_assert_hex (rid, sizeof rid, ms_test_get_string (vector, "rendezvous_id"));
  ms_shared_seed_rendezvous_id_hex (seed, rid_hex);
  g_assert_cmpstr (rid_hex, ==, ms_test_get_string (vector, "rendezvous_id"));
}

static MsLocation *
location_from_json (JsonObject *object)
{
  const char *type = ms_test_get_string (object, "type");

  if (g_str_equal (type, "WebSocket"))
    {
      guint32 port = json_object_has_member (object, "port")
                     ? json_object_get_int_member (object, "port") : 0;

      return ms_location_new_websocket (ms_test_get_string (object, "host"), port,
                                        json_object_get_boolean_member (object, "use_tls"));
    }

  if (g_str_equal (type, "WebRTC"))
    return ms_location_new_placeholder (MS_LOCATION_TYPE_WEBRTC,
                                        ms_test_get_string (object, "placeholder_string"));
  if (g_str_equal (type, "Bluetooth"))
    return ms_location_new_placeholder (MS_LOCATION_TYPE_BLUETOOTH,
                                        ms_test_get_string (object, "placeholder_string"));
  if (g_str_equal (type, "NFC"))
    return ms_location_new_placeholder (MS_LOCATION_TYPE_NFC,
                                        ms_test_get_string (object, "placeholder_string"));

  g_assert_not_reached ();
}

static void
assert_location (MsLocation *location,
                 JsonObject *expected)
{
  const char *type = ms_test_get_string (expected, "type");

  g_assert_cmpstr (ms_location_type_to_string (ms_location_get_location_type (location)), ==,
                   type);
  if (g_str_equal (type, "WebSocket"))
    {
      g_assert_cmpstr (ms_location_get_host (location), ==,
                       ms_test_get_string (expected, "host"));
      g_assert_cmpint (ms_location_get_port (location), ==,
                       json_object_get_int_member (expected, "port"));
      g_assert_cmpint (ms_location_get_use_tls (location), ==,
                       json_object_get_boolean_member (expected, "use_tls"));
    }
  else if (json_object_has_member (expected, "placeholder_string"))
    {
      g_assert_cmpstr (ms_location_get_placeholder (location), ==,
                       ms_test_get_string (expected, "placeholder_string"));
    }
}

static void
assert_decoded (MsBeacon   *beacon,
                JsonObject *decoded)
{
  g_autofree char *seed_hex = ms_shared_seed_to_hex (ms_beacon_get_shared_seed (beacon));
  JsonArray *locations = json_object_get_array_member (decoded, "locations");

  g_assert_cmpstr (seed_hex, ==, ms_test_get_string (decoded, "shared_seed"));
  g_assert_cmpuint (ms_beacon_get_n_locations (beacon), ==, json_array_get_length (locations));
  for (guint i = 0; i < json_array_get_length (locations); i++)
    assert_location (ms_beacon_get_location (beacon, i),
                     json_array_get_object_element (locations, i));
}

static void
test_beacon_encode_decode (JsonObject *root,
                           JsonObject *vector)
{
  const char *str = ms_test_get_string (vector, "beacon");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBeacon) decoded = ms_beacon_decode (str, strlen (str), &error);

  g_assert_no_error (error);
  g_assert_nonnull (decoded);
  assert_decoded (decoded, json_object_get_object_member (vector, "decoded"));

  /* Encode cases: seed + locations must give the reference's exact bytes. */
  if (json_object_has_member (vector, "tlv_hex"))
    {
      const char *seed_hex = ms_test_get_string (vector, "shared_seed");
      g_autoptr(MsSharedSeed) seed = ms_shared_seed_new_from_hex (seed_hex, 32, &error);
      g_autoptr(MsBeacon) beacon = ms_beacon_new (seed);
      JsonArray *locations = json_object_get_array_member (vector, "locations");
      g_autoptr(GBytes) tlv = NULL;
      g_autofree char *encoded = NULL;

      g_assert_no_error (error);
      for (guint i = 0; i < json_array_get_length (locations); i++)
        {
          g_autoptr(MsLocation) location =
            location_from_json (json_array_get_object_element (locations, i));

          ms_beacon_add_location (beacon, location);
        }

      tlv = ms_beacon_encode_tlv (beacon);
      ms_test_assert_hex (g_bytes_get_data (tlv, NULL), g_bytes_get_size (tlv),
                          ms_test_get_string (vector, "tlv_hex"));
      encoded = ms_beacon_encode (beacon);
      g_assert_cmpstr (encoded, ==, str);
      g_assert_cmpuint (strlen (encoded), ==, json_object_get_int_member (vector, "beacon_length"));
    }
}

static void
test_beacon_decode_error (JsonObject *root,
                          JsonObject *vector)
{
  const char *str = ms_test_get_string (vector, "beacon");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBeacon) beacon = ms_beacon_decode (str, strlen (str), &error);

  g_assert_null (beacon);
  g_assert_nonnull (error);
  g_assert_true (error->domain == MS_BEACON_ERROR);
  g_assert_true (g_str_has_prefix (error->message, "beacon: "));
  g_test_message ("reference: %s; ours: %s",
                  ms_test_get_string (vector, "reference_error") ?: "(exception)",
                  error->message);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  ms_test_add_vectors ("/vectors/shared_seed", "shared_seed.json", test_shared_seed);
  ms_test_add_vectors ("/vectors/beacon_encode_decode", "beacon_encode_decode.json",
                       test_beacon_encode_decode);
  ms_test_add_vectors ("/vectors/beacon_decode_errors", "beacon_decode_errors.json",
                       test_beacon_decode_error);

  return g_test_run ();
}
