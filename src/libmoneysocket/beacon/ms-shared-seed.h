/* ms-shared-seed.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

#include "ms-crypto.h"

G_BEGIN_DECLS

#define MS_SHARED_SEED_LEN        16
#define MS_RENDEZVOUS_ID_LEN      32
#define MS_RENDEZVOUS_ID_HEX_LEN  64

#define MS_TYPE_SHARED_SEED (ms_shared_seed_get_type ())

/**
 * MsSharedSeed:
 * @bytes: the 16 random bytes a beacon carries
 *
 * The secret both peers of a beacon share. Everything else (the AES key,
 * the rendezvous id) is derived from it (PROTOCOL.md 4).
 */
typedef struct
{
  guint8 bytes[MS_SHARED_SEED_LEN];
} MsSharedSeed;

GType         ms_shared_seed_get_type                 (void) G_GNUC_CONST;
MsSharedSeed *ms_shared_seed_new_random               (void) G_GNUC_WARN_UNUSED_RESULT;
MsSharedSeed *ms_shared_seed_new_from_hex             (const char         *hex,
                                                       gsize               len,
                                                       GError            **error) G_GNUC_WARN_UNUSED_RESULT;
MsSharedSeed *ms_shared_seed_copy                     (const MsSharedSeed *seed) G_GNUC_WARN_UNUSED_RESULT;
void          ms_shared_seed_free                     (MsSharedSeed       *seed);
void          ms_shared_seed_generate                 (MsSharedSeed       *seed);
gboolean      ms_shared_seed_equal                    (const MsSharedSeed *a,
                                                       const MsSharedSeed *b);
char         *ms_shared_seed_to_hex                   (const MsSharedSeed *seed) G_GNUC_WARN_UNUSED_RESULT;
void          ms_shared_seed_derive_aes256_key        (const MsSharedSeed *seed,
                                                       guint8              key[MS_AES256_KEY_LEN]);
void          ms_shared_seed_derive_rendezvous_id     (const MsSharedSeed *seed,
                                                       guint8              rid[MS_RENDEZVOUS_ID_LEN]);
void          ms_shared_seed_rendezvous_id_hex        (const MsSharedSeed *seed,
                                                       char                out[MS_RENDEZVOUS_ID_HEX_LEN + 1]);
MsCipher     *ms_shared_seed_new_cipher               (const MsSharedSeed *seed) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSharedSeed, ms_shared_seed_free)

G_END_DECLS
