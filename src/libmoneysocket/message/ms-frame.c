/* ms-frame.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-error.h"
#include "ms-frame.h"
#include "ms-message-private.h"

/* Room for a typical message, so that emission does not reallocate. */
#define JSON_SIZE_HINT 640

/*
 * PROTOCOL.md 5.2: "A receiver classifies a payload by trying to decode it
 * as UTF-8 and parse it as JSON: if both succeed it is cleartext". Any JSON
 * value counts; UTF-8 is decoded strictly, as Python does.
 */
gboolean
ms_frame_is_cleartext (const guint8 *payload,
                       gsize         len)
{
  g_return_val_if_fail (payload != NULL || len == 0, FALSE);

  return ms_json_is_valid ((const char *) payload, len);
}

/*
 * PROTOCOL.md 5.4, sender rule: rendezvous messages always in the clear;
 * every other message encrypted (random IV) when there is a key, clear
 * only on sockets without one (the relay's).
 */
void
ms_frame_encode_into (const MsMessage *message,
                      MsCipher        *cipher,
                      GByteArray      *out)
{
  GString *json;

  g_return_if_fail (message != NULL);
  g_return_if_fail (out != NULL);

  json = g_string_sized_new (JSON_SIZE_HINT);
  ms_message_append_json (message, json);

  if (cipher == NULL || ms_message_type_is_cleartext (ms_message_get_message_type (message)))
    g_byte_array_append (out, (const guint8 *) json->str, json->len);
  else
    ms_cipher_encrypt (cipher, (const guint8 *) json->str, json->len, NULL, out);

  g_string_free (json, TRUE);
}

GBytes *
ms_frame_encode (const MsMessage *message,
                 MsCipher        *cipher)
{
  GByteArray *out;

  g_return_val_if_fail (message != NULL, NULL);

  out = g_byte_array_sized_new (JSON_SIZE_HINT + 2 * MS_AES_BLOCK_LEN);
  ms_frame_encode_into (message, cipher, out);
  return g_byte_array_free_to_bytes (out);
}

/*
 * PROTOCOL.md 5.4, receiver table, "C SHOULD" column: a clear payload
 * must be a valid message, and on a socket with a key only a rendezvous
 * message may come in the clear (JS-strict; Python accepts the others).
 */
static MsMessage *
decode_cleartext (MsJsonDocument  *doc,
                  MsCipher        *cipher,
                  GError         **error)
{
  g_autoptr(MsMessage) message = _ms_message_new_from_document (doc, error);

  if (message == NULL)
    return NULL;

  if (cipher != NULL && !ms_message_type_is_cleartext (ms_message_get_message_type (message)))
    {
      g_set_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_SHOULD_BE_ENCRYPTED,
                   "frame: got clear %s, which should have been encrypted",
                   ms_message_get_name (message));
      return NULL;
    }
  return g_steal_pointer (&message);
}

/* Decrypted plaintext must be UTF-8 JSON, an object, a non-rendezvous message. */
static MsMessage *
decode_plaintext (const guint8  *plain,
                  gsize          len,
                  GError       **error)
{
  g_autoptr(MsMessage) message = NULL;
  MsJsonDocument *doc;

  doc = ms_json_document_parse ((const char *) plain, len, error);
  if (doc == NULL)
    {
      g_prefix_error (error, "frame: decrypted payload: ");
      return NULL;
    }

  message = _ms_message_new_from_document (doc, error);
  if (message == NULL)
    return NULL;

  if (ms_message_type_is_cleartext (ms_message_get_message_type (message)))
    {
      g_set_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_SHOULD_BE_CLEAR,
                   "frame: got encrypted %s, which should have been clear",
                   ms_message_get_name (message));
      return NULL;
    }
  return g_steal_pointer (&message);
}

static MsMessage *
decode_cyphertext (const guint8  *payload,
                   gsize          len,
                   MsCipher      *cipher,
                   GError       **error)
{
  g_autoptr(GByteArray) plain = NULL;

  /* A relay forwards such frames itself; an endpoint drops them. */
  if (cipher == NULL)
    {
      g_set_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_UNDECRYPTABLE,
                   "frame: cyphertext on a socket without a key");
      return NULL;
    }

  plain = g_byte_array_sized_new (len);
  if (!ms_cipher_decrypt (cipher, payload, len, plain, error))
    {
      g_prefix_error (error, "frame: ");
      return NULL;
    }
  return decode_plaintext (plain->data, plain->len, error);
}

/**
 * ms_frame_decode:
 * @payload: one binary WebSocket message
 * @len: its length
 * @cipher: (nullable): the connection's key, %NULL on relay-side sockets
 * @error: return location for a %MS_MESSAGE_ERROR or %MS_CRYPTO_ERROR
 *
 * Classifies, decrypts and parses a frame (PROTOCOL.md 5.2 to 5.4). On
 * any error the caller drops the frame, never the connection.
 *
 * Returns: (transfer full): the message, or %NULL
 */
MsMessage *
ms_frame_decode (const guint8  *payload,
                 gsize          len,
                 MsCipher      *cipher,
                 GError       **error)
{
  MsJsonDocument *doc;

  g_return_val_if_fail (payload != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  doc = ms_json_document_parse ((const char *) payload, len, NULL);
  if (doc != NULL)
    return decode_cleartext (doc, cipher, error);

  return decode_cyphertext (payload, len, cipher, error);
}
