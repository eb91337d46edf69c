/* ms-shared-seed.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-error.h"
#include "ms-hex.h"
#include "ms-shared-seed.h"

G_DEFINE_BOXED_TYPE (MsSharedSeed, ms_shared_seed, ms_shared_seed_copy, ms_shared_seed_free)

/* PROTOCOL.md 3.5: "The seed MUST come from a CSPRNG". */
void
ms_shared_seed_generate (MsSharedSeed *seed)
{
  g_return_if_fail (seed != NULL);

  ms_random_key_bytes (seed->bytes, sizeof seed->bytes);
}

MsSharedSeed *
ms_shared_seed_new_random (void)
{
  MsSharedSeed *seed = g_new (MsSharedSeed, 1);

  ms_shared_seed_generate (seed);
  return seed;
}

MsSharedSeed *
ms_shared_seed_new_from_hex (const char  *hex,
                             gsize        len,
                             GError     **error)
{
  g_autoptr(MsSharedSeed) seed = g_new0 (MsSharedSeed, 1);

  g_return_val_if_fail (hex != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ms_hex_decode_into (hex, len, seed->bytes, sizeof seed->bytes, error))
    {
      g_prefix_error (error, "shared seed: ");
      return NULL;
    }

  return g_steal_pointer (&seed);
}

MsSharedSeed *
ms_shared_seed_copy (const MsSharedSeed *seed)
{
  g_return_val_if_fail (seed != NULL, NULL);

  return g_memdup2 (seed, sizeof *seed);
}

void
ms_shared_seed_free (MsSharedSeed *seed)
{
  if (seed == NULL)
    return;

  ms_wipe (seed, sizeof *seed);
  g_free (seed);
}

gboolean
ms_shared_seed_equal (const MsSharedSeed *a,
                      const MsSharedSeed *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  return memcmp (a->bytes, b->bytes, MS_SHARED_SEED_LEN) == 0;
}

char *
ms_shared_seed_to_hex (const MsSharedSeed *seed)
{
  g_return_val_if_fail (seed != NULL, NULL);

  return ms_hex_encode (seed->bytes, sizeof seed->bytes);
}

/* PROTOCOL.md 4: "aes256_key = SHA256( SHA256( seed16 ) )". */
void
ms_shared_seed_derive_aes256_key (const MsSharedSeed *seed,
                                  guint8              key[MS_AES256_KEY_LEN])
{
  guint8 round1[MS_SHA256_LEN];

  g_return_if_fail (seed != NULL);
  g_return_if_fail (key != NULL);

  ms_sha256 (seed->bytes, sizeof seed->bytes, round1);
  ms_sha256 (round1, sizeof round1, key);
  ms_wipe (round1, sizeof round1);
}

/* PROTOCOL.md 4: "rendezvous_id = SHA256( SHA256( aes256_key ) )". */
void
ms_shared_seed_derive_rendezvous_id (const MsSharedSeed *seed,
                                     guint8              rid[MS_RENDEZVOUS_ID_LEN])
{
  guint8 key[MS_AES256_KEY_LEN];
  guint8 round3[MS_SHA256_LEN];

  g_return_if_fail (seed != NULL);
  g_return_if_fail (rid != NULL);

  ms_shared_seed_derive_aes256_key (seed, key);
  ms_sha256 (key, sizeof key, round3);
  ms_sha256 (round3, sizeof round3, rid);
  ms_wipe (key, sizeof key);
  ms_wipe (round3, sizeof round3);
}

/* The lower-case hex a REQUEST_RENDEZVOUS carries (the relay compares strings). */
void
ms_shared_seed_rendezvous_id_hex (const MsSharedSeed *seed,
                                  char                out[MS_RENDEZVOUS_ID_HEX_LEN + 1])
{
  guint8 rid[MS_RENDEZVOUS_ID_LEN];

  g_return_if_fail (seed != NULL);
  g_return_if_fail (out != NULL);

  ms_shared_seed_derive_rendezvous_id (seed, rid);
  ms_hex_encode_into (rid, sizeof rid, out);
}

MsCipher *
ms_shared_seed_new_cipher (const MsSharedSeed *seed)
{
  guint8 key[MS_AES256_KEY_LEN];
  MsCipher *cipher;

  g_return_val_if_fail (seed != NULL, NULL);

  ms_shared_seed_derive_aes256_key (seed, key);
  cipher = ms_cipher_new (key);
  ms_wipe (key, sizeof key);

  return cipher;
}
