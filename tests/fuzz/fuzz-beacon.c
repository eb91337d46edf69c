/* fuzz-beacon.c: ms_beacon_decode on arbitrary bytes
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "moneysocket.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/*
 * Random strings almost never carry a valid bech32 checksum, so half of the
 * inputs (first byte odd) are taken as the TLV bytes inside a beacon and
 * wrapped in valid bech32 first: that reaches the TLV and location decoders.
 */
static char *
wrap_tlv (const uint8_t *data,
          size_t         size)
{
  g_autoptr(GByteArray) five = g_byte_array_new ();

  ms_bech32_convert_bits (data, size, 8, 5, TRUE, five);
  return ms_bech32_encode ("moneysocket", five->data, five->len, MS_BECH32_VARIANT_BECH32);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBeacon) beacon = NULL;
  g_autofree char *wrapped = NULL;

  if (size > 0 && (data[0] & 1))
    {
      wrapped = wrap_tlv (data + 1, size - 1);
      beacon = ms_beacon_decode (wrapped, strlen (wrapped), &error);
    }
  else
    {
      beacon = ms_beacon_decode ((const char *) data, size, &error);
    }

  if (beacon == NULL)
    {
      /* Every failure says what was wrong. */
      g_assert (error != NULL && error->domain == MS_BEACON_ERROR);
      g_assert (g_str_has_prefix (error->message, "beacon: "));
      return 0;
    }

  /* Whatever decodes re-encodes to something that decodes to the same thing. */
  {
    g_autofree char *again = ms_beacon_encode (beacon);
    g_autoptr(MsBeacon) decoded = ms_beacon_decode (again, strlen (again), NULL);

    g_assert (decoded != NULL);
    g_assert (ms_shared_seed_equal (ms_beacon_get_shared_seed (beacon),
                                    ms_beacon_get_shared_seed (decoded)));
    g_assert (ms_beacon_get_n_locations (beacon) == ms_beacon_get_n_locations (decoded));
    for (guint i = 0; i < ms_beacon_get_n_locations (beacon); i++)
      {
        MsLocation *location = ms_beacon_get_location (beacon, i);
        g_autofree char *url = ms_location_dup_url (location);

        g_assert (ms_location_equal (location, ms_beacon_get_location (decoded, i)));
        g_assert ((url != NULL) ==
                  (ms_location_get_location_type (location) == MS_LOCATION_TYPE_WEBSOCKET));
      }
  }

  return 0;
}
