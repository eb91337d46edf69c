/* ms-crypto.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "ms-crypto.h"
#include "ms-error.h"

struct _MsCipher
{
  gnutls_cipher_hd_t handle;
};

void
ms_sha256 (const void *data,
           gsize       len,
           guint8      out[MS_SHA256_LEN])
{
  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (out != NULL);

  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, data, len, out) < 0)
    g_error ("SHA-256 is not available from GnuTLS");
}

/* Random bytes from the system CSPRNG, through GnuTLS; never g_random. */
static void
random_bytes (gnutls_rnd_level_t  level,
              void               *buf,
              gsize               len)
{
  g_return_if_fail (buf != NULL || len == 0);

  /* Without randomness nothing we make is safe: stop rather than go on. */
  if (len > 0 && gnutls_rnd (level, buf, len) < 0)
    g_error ("the system random number generator failed");
}

/* For IVs and identifiers. */
void
ms_random_bytes (void  *buf,
                 gsize  len)
{
  random_bytes (GNUTLS_RND_RANDOM, buf, len);
}

/* For long-term secrets: shared seeds, node keys, preimages. */
void
ms_random_key_bytes (void  *buf,
                     gsize  len)
{
  random_bytes (GNUTLS_RND_KEY, buf, len);
}

/* Overwrites @buf with zeros in a way the compiler may not optimise away. */
void
ms_wipe (void  *buf,
         gsize  len)
{
  if (buf != NULL && len > 0)
    gnutls_memset (buf, 0, len);
}

/* PROTOCOL.md 2.4: random version-4 UUIDs in canonical lower-case form. */
void
ms_uuid_generate (char out[MS_UUID_STRING_LEN + 1])
{
  static const char digits[] = "0123456789abcdef";
  guint8 b[16];
  gsize o = 0;

  g_return_if_fail (out != NULL);

  ms_random_bytes (b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[o++] = '-';
      out[o++] = digits[b[i] >> 4];
      out[o++] = digits[b[i] & 0xf];
    }
  out[o] = '\0';
}

char *
ms_uuid_new (void)
{
  char *out = g_malloc (MS_UUID_STRING_LEN + 1);

  ms_uuid_generate (out);
  return out;
}

/* The canonical 8-4-4-4-12 form, either case. */
gboolean
ms_uuid_is_canonical (const char *str,
                      gsize       len)
{
  if (str == NULL || len != MS_UUID_STRING_LEN)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (str[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (str[i]))
        {
          return FALSE;
        }
    }

  return TRUE;
}

/*
 * What the Python reference's uuid.UUID() accepts (message_validation.json
 * follows it): after dropping a "urn:" / "uuid:" prefix, surrounding braces
 * and every hyphen, exactly 32 hex digits remain.
 */
gboolean
ms_uuid_is_valid (const char *str,
                  gsize       len)
{
  gsize n_hex = 0;

  if (str == NULL)
    return FALSE;

  if (ms_uuid_is_canonical (str, len))
    return TRUE;

  if (len >= 4 && strncmp (str, "urn:", 4) == 0)
    {
      str += 4;
      len -= 4;
    }
  if (len >= 5 && strncmp (str, "uuid:", 5) == 0)
    {
      str += 5;
      len -= 5;
    }
  while (len > 0 && (str[0] == '{' || str[0] == '}'))
    {
      str++;
      len--;
    }
  while (len > 0 && (str[len - 1] == '{' || str[len - 1] == '}'))
    len--;

  for (gsize i = 0; i < len; i++)
    {
      if (str[i] == '-')
        continue;
      if (!g_ascii_isxdigit (str[i]))
        return FALSE;
      n_hex++;
    }

  return n_hex == 32;
}

MsCipher *
ms_cipher_new (const guint8 key[MS_AES256_KEY_LEN])
{
  MsCipher *self;
  guint8 zero_iv[MS_AES_BLOCK_LEN] = { 0 };
  gnutls_datum_t key_datum = { (unsigned char *) key, MS_AES256_KEY_LEN };
  gnutls_datum_t iv_datum = { zero_iv, sizeof zero_iv };
  int ret;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_new0 (MsCipher, 1);
  ret = gnutls_cipher_init (&self->handle, GNUTLS_CIPHER_AES_256_CBC, &key_datum, &iv_datum);
  if (ret < 0)
    g_error ("AES-256-CBC is not available from GnuTLS: %s", gnutls_strerror (ret));

  return self;
}

void
ms_cipher_free (MsCipher *self)
{
  if (self == NULL)
    return;

  gnutls_cipher_deinit (self->handle);
  g_free (self);
}

/*
 * PROTOCOL.md 5.3: "Padding: zero bytes, always at least one:
 * pad = 16 - (len(P) mod 16) bytes of 0x00, i.e. 1..16" — this is not
 * PKCS#7, and the wire form is IV (16 bytes) || AES-256-CBC(padded).
 */
gsize
ms_cipher_wire_len (gsize plain_len)
{
  return MS_AES_BLOCK_LEN + plain_len + (MS_AES_BLOCK_LEN - plain_len % MS_AES_BLOCK_LEN);
}

/* Appends IV || ciphertext to @out. With @iv NULL a random IV is used. */
void
ms_cipher_encrypt (MsCipher     *self,
                   const guint8 *plain,
                   gsize         plain_len,
                   const guint8 *iv,
                   GByteArray   *out)
{
  guint8 random_iv[MS_AES_BLOCK_LEN];
  gsize padded_len = plain_len + (MS_AES_BLOCK_LEN - plain_len % MS_AES_BLOCK_LEN);
  gsize start;
  guint8 *body;
  int ret;

  g_return_if_fail (self != NULL);
  g_return_if_fail (plain != NULL || plain_len == 0);
  g_return_if_fail (out != NULL);

  if (iv == NULL)
    {
      ms_random_bytes (random_iv, sizeof random_iv);
      iv = random_iv;
    }

  start = out->len;
  g_byte_array_set_size (out, start + MS_AES_BLOCK_LEN + padded_len);
  memcpy (out->data + start, iv, MS_AES_BLOCK_LEN);
  body = out->data + start + MS_AES_BLOCK_LEN;
  if (plain_len > 0)
    memcpy (body, plain, plain_len);
  memset (body + plain_len, 0, padded_len - plain_len);

  gnutls_cipher_set_iv (self->handle, (void *) iv, MS_AES_BLOCK_LEN);
  ret = gnutls_cipher_encrypt (self->handle, body, padded_len);
  if (ret < 0)
    g_error ("AES-256-CBC encryption failed: %s", gnutls_strerror (ret));
}

/*
 * Appends the plaintext of IV || ciphertext to @out with every trailing
 * 0x00 stripped (PROTOCOL.md 5.3, "strip all trailing 0x00 bytes").
 * Payloads that cannot be v0 cyphertext are refused before any work.
 */
gboolean
ms_cipher_decrypt (MsCipher      *self,
                   const guint8  *wire,
                   gsize          wire_len,
                   GByteArray    *out,
                   GError       **error)
{
  gsize body_len;
  gsize start;
  guint8 *body;
  int ret;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (wire != NULL || wire_len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (wire_len < 2 * MS_AES_BLOCK_LEN || wire_len % MS_AES_BLOCK_LEN != 0)
    {
      g_set_error (error, MS_CRYPTO_ERROR, MS_CRYPTO_ERROR_BAD_LENGTH,
                   "cyphertext of %" G_GSIZE_FORMAT " bytes is not an IV plus whole AES blocks",
                   wire_len);
      return FALSE;
    }

  body_len = wire_len - MS_AES_BLOCK_LEN;
  start = out->len;
  g_byte_array_set_size (out, start + body_len);
  body = out->data + start;

  gnutls_cipher_set_iv (self->handle, (void *) wire, MS_AES_BLOCK_LEN);
  ret = gnutls_cipher_decrypt2 (self->handle, wire + MS_AES_BLOCK_LEN, body_len, body, body_len);
  if (ret < 0)
    {
      g_byte_array_set_size (out, start);
      g_set_error (error, MS_CRYPTO_ERROR, MS_CRYPTO_ERROR_BACKEND,
                   "AES-256-CBC decryption failed: %s", gnutls_strerror (ret));
      return FALSE;
    }

  while (body_len > 0 && body[body_len - 1] == 0)
    body_len--;
  g_byte_array_set_size (out, start + body_len);

  return TRUE;
}
