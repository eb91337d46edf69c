/* fuzz-frame.c: ms_frame_decode on arbitrary payloads, with and without a key
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

/* The seed of messages_v0.json, so that corpus frames decrypt. */
static const guint8 seed_bytes[MS_SHARED_SEED_LEN] = {
  0x3a, 0x1f, 0x6c, 0x2b, 0x9d, 0x8e, 0x7f, 0x60, 0x51, 0x42, 0x33, 0x24, 0x15, 0x06, 0xf7, 0xe8,
};

static MsCipher *
cipher (void)
{
  static MsCipher *c;

  if (c == NULL)
    {
      MsSharedSeed seed;

      memcpy (seed.bytes, seed_bytes, sizeof seed.bytes);
      c = ms_shared_seed_new_cipher (&seed);
    }
  return c;
}

/* What decodes must emit, encode and decode again to the same text. */
static void
check_roundtrip (MsMessage *message,
                 MsCipher  *key)
{
  g_autofree char *json = ms_message_to_json (message);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsMessage) again = ms_message_parse (json, strlen (json), &error);
  g_autofree char *json_again = NULL;
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(MsMessage) decoded = NULL;
  g_autofree char *json_decoded = NULL;

  if (again == NULL)
    g_error ("re-parse failed: %s\n%s", error->message, json);
  json_again = ms_message_to_json (again);
  g_assert_cmpstr (json, ==, json_again);

  frame = ms_frame_encode (message, key);
  decoded = ms_frame_decode (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame), key, &error);
  if (decoded == NULL)
    g_error ("re-decode failed: %s\n%s", error->message, json);
  json_decoded = ms_message_to_json (decoded);
  g_assert_cmpstr (json, ==, json_decoded);
}

static void
decode (const uint8_t *data,
        size_t         size,
        MsCipher      *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsMessage) message = ms_frame_decode (data, size, key, &error);

  if (message == NULL)
    {
      g_assert (error != NULL);
      return;
    }
  check_roundtrip (message, key);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  decode (data, size, cipher ());
  decode (data, size, NULL);
  return 0;
}
