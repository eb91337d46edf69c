/* ms-crypto.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MS_SHA256_LEN      32
#define MS_AES256_KEY_LEN  32
#define MS_AES_BLOCK_LEN   16
#define MS_UUID_STRING_LEN 36

typedef struct _MsCipher MsCipher;

void      ms_sha256           (const void   *data,
                               gsize         len,
                               guint8        out[MS_SHA256_LEN]);
void      ms_random_bytes     (void         *buf,
                               gsize         len);
void      ms_random_key_bytes (void         *buf,
                               gsize         len);
void      ms_wipe             (void         *buf,
                               gsize         len);
void      ms_uuid_generate    (char          out[MS_UUID_STRING_LEN + 1]);
char     *ms_uuid_new         (void) G_GNUC_WARN_UNUSED_RESULT;
gboolean  ms_uuid_is_valid    (const char   *str,
                               gsize         len);
gboolean  ms_uuid_is_canonical(const char   *str,
                               gsize         len);

MsCipher *ms_cipher_new       (const guint8  key[MS_AES256_KEY_LEN]) G_GNUC_WARN_UNUSED_RESULT;
void      ms_cipher_free      (MsCipher     *cipher);
gsize     ms_cipher_wire_len  (gsize         plain_len);
void      ms_cipher_encrypt   (MsCipher     *cipher,
                               const guint8 *plain,
                               gsize         plain_len,
                               const guint8 *iv,
                               GByteArray   *out);
gboolean  ms_cipher_decrypt   (MsCipher     *cipher,
                               const guint8 *wire,
                               gsize         wire_len,
                               GByteArray   *out,
                               GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCipher, ms_cipher_free)

G_END_DECLS
