/* ms-cln-reply.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-cln-private.h"
#include "ms-crypto.h"
#include "ms-error.h"
#include "ms-hex.h"

/*
 * Framing. doc/lightningd-rpc.7.md, "JSON REPLIES": every response and
 * notification lightningd writes is followed by "\n\n"; a reader buffers
 * until it sees them and parses the bytes before as one JSON object (what
 * pyln's _readobj does).
 */

struct _MsClnFramer
{
  GByteArray *buf;
  gsize       start;    /* first byte not yet handed out */
  gsize       scanned;  /* bytes from start known to hold no "\n\n" */
  gsize       max_frame;
};

MsClnFramer *
_ms_cln_framer_new (gsize max_frame)
{
  MsClnFramer *framer;

  g_return_val_if_fail (max_frame > 0, NULL);

  framer = g_new0 (MsClnFramer, 1);
  framer->buf = g_byte_array_new ();
  framer->max_frame = max_frame;
  return framer;
}

void
_ms_cln_framer_free (MsClnFramer *framer)
{
  if (framer == NULL)
    return;

  g_byte_array_unref (framer->buf);
  g_free (framer);
}

void
_ms_cln_framer_push (MsClnFramer  *framer,
                     const guint8 *data,
                     gsize         len)
{
  g_return_if_fail (framer != NULL);
  g_return_if_fail (data != NULL || len == 0);

  /* Drop what was handed out before the buffer grows again. */
  if (framer->start > 0)
    {
      g_byte_array_remove_range (framer->buf, 0, framer->start);
      framer->start = 0;
    }
  if (len > 0)
    g_byte_array_append (framer->buf, data, len);
}

static gboolean
is_blank (const guint8 *data,
          gsize         len)
{
  for (gsize i = 0; i < len; i++)
    if (data[i] != ' ' && data[i] != '\n' && data[i] != '\r' && data[i] != '\t')
      return FALSE;
  return TRUE;
}

/*
 * The next complete frame (without its "\n\n"), NULL when more bytes are
 * needed, or NULL with @error when the node sent more than max_frame bytes
 * without a delimiter. Blank frames are skipped.
 */
GBytes *
_ms_cln_framer_next (MsClnFramer  *framer,
                     GError      **error)
{
  g_return_val_if_fail (framer != NULL, NULL);

  while (TRUE)
    {
      const guint8 *data = framer->buf->data + framer->start;
      gsize avail = framer->buf->len - framer->start;
      gsize from = framer->scanned > 0 ? framer->scanned - 1 : 0;
      const guint8 *nl = NULL;

      for (gsize i = from; i + 1 < avail; i++)
        if (data[i] == '\n' && data[i + 1] == '\n')
          {
            nl = data + i;
            break;
          }

      if (nl == NULL)
        {
          framer->scanned = avail;
          if (avail > framer->max_frame)
            {
              g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                           "the node sent more than %" G_GSIZE_FORMAT " bytes without "
                           "ending its reply", framer->max_frame);
              return NULL;
            }
          return NULL;
        }

      framer->start += (nl - data) + 2;
      framer->scanned = 0;
      if (!is_blank (data, nl - data))
        return g_bytes_new (data, nl - data);
    }
}

/* Reply envelopes. */

void
_ms_cln_reply_free (MsClnReply *reply)
{
  if (reply == NULL)
    return;

  g_clear_pointer (&reply->doc, ms_json_document_free);
  g_free (reply->id);
  g_free (reply->message);
  g_free (reply);
}

static gboolean
protocol_error (GError     **error,
                const char  *format,
                ...) G_GNUC_PRINTF (2, 3);

static gboolean
protocol_error (GError     **error,
                const char  *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL, message);
  return FALSE;
}

static const MsJsonValue *
member_of_type (const MsJsonValue *object,
                const char        *name,
                MsJsonType         type)
{
  const MsJsonValue *value;

  if (object == NULL || ms_json_value_get_value_type (object) != MS_JSON_OBJECT)
    return NULL;
  value = ms_json_object_get_member (object, name);
  if (value == NULL || ms_json_value_get_value_type (value) != type)
    return NULL;
  return value;
}

static const char *
string_member (const MsJsonValue *object,
               const char        *name)
{
  const MsJsonValue *value = member_of_type (object, name, MS_JSON_STRING);
  const char *str;
  gsize len;

  if (value == NULL)
    return NULL;
  str = ms_json_value_get_string (value, &len);
  /* An embedded NUL would make the C string say less than the node did. */
  return memchr (str, '\0', len) == NULL ? str : NULL;
}

static MsJsonDocument *
parse_json (const char  *data,
            gsize        len,
            const char  *what,
            GError     **error)
{
  g_autoptr(GError) local = NULL;
  MsJsonDocument *doc = ms_json_document_parse (data, len, &local);

  if (doc == NULL)
    protocol_error (error, "%s is not JSON: %s", what, local->message);
  return doc;
}

/* JSON-RPC 2.0 lets the id be a string or a number; lightningd copies ours back. */
static char *
dup_id (const MsJsonValue *id)
{
  const char *text;
  gsize len;

  if (id == NULL)
    return NULL;

  switch (ms_json_value_get_value_type (id))
    {
    case MS_JSON_STRING:
      text = ms_json_value_get_string (id, &len);
      return g_strndup (text, len);
    case MS_JSON_INTEGER:
    case MS_JSON_DOUBLE:
      text = ms_json_value_get_raw (id, &len);
      return g_strndup (text, len);
    case MS_JSON_NULL:
    case MS_JSON_BOOLEAN:
    case MS_JSON_ARRAY:
    case MS_JSON_OBJECT:
      return NULL;
    }
  return NULL;
}

/* {"code": <int>, "message": <string>, "data": ...}: the code may be null in CLNRest. */
static gboolean
read_error_object (MsClnReply         *reply,
                   const MsJsonValue  *object,
                   GError            **error)
{
  const MsJsonValue *code = ms_json_object_get_member (object, "code");
  const char *message = string_member (object, "message");

  if (message == NULL)
    return protocol_error (error, "the node's error has no message");

  if (code == NULL || ms_json_value_get_value_type (code) == MS_JSON_NULL)
    reply->code = MS_CLN_CODE_GENERIC;
  else if (ms_json_value_get_value_type (code) == MS_JSON_INTEGER)
    reply->code = ms_json_value_get_integer (code);
  else
    return protocol_error (error, "the node's error code is not an integer");

  reply->kind = MS_CLN_REPLY_ERROR;
  reply->message = g_strdup (message);
  reply->error_data = member_of_type (object, "data", MS_JSON_OBJECT);
  return TRUE;
}

static gboolean
read_rpc_envelope (MsClnReply         *reply,
                   const MsJsonValue  *root,
                   GError            **error)
{
  const MsJsonValue *id = ms_json_object_get_member (root, "id");
  const MsJsonValue *result = ms_json_object_get_member (root, "result");
  const MsJsonValue *err = ms_json_object_get_member (root, "error");

  if (id != NULL && ms_json_value_get_value_type (id) != MS_JSON_NULL &&
      ms_json_value_get_value_type (id) != MS_JSON_STRING &&
      ms_json_value_get_value_type (id) != MS_JSON_INTEGER &&
      ms_json_value_get_value_type (id) != MS_JSON_DOUBLE)
    return protocol_error (error, "the node's reply has an id that is neither a string "
                           "nor a number");
  reply->id = dup_id (id);

  if (result != NULL && err != NULL)
    return protocol_error (error, "the node's reply has both a result and an error");

  if (err != NULL)
    {
      if (ms_json_value_get_value_type (err) != MS_JSON_OBJECT)
        return protocol_error (error, "the node's error is not an object");
      return read_error_object (reply, err, error);
    }

  if (result != NULL)
    {
      /* lightningd-rpc.7: "result" is always an object. */
      if (ms_json_value_get_value_type (result) != MS_JSON_OBJECT)
        return protocol_error (error, "the node's result is not an object");
      reply->kind = MS_CLN_REPLY_RESULT;
      reply->result = result;
      return TRUE;
    }

  if (id == NULL && member_of_type (root, "method", MS_JSON_STRING) != NULL)
    {
      reply->kind = MS_CLN_REPLY_NOTIFICATION;
      return TRUE;
    }

  return protocol_error (error, "the node's reply has neither a result nor an error");
}

/* One frame from the lightning-rpc socket. */
MsClnReply *
_ms_cln_reply_parse_rpc (const char  *data,
                         gsize        len,
                         GError     **error)
{
  g_autoptr(MsClnReply) reply = g_new0 (MsClnReply, 1);
  const MsJsonValue *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  reply->doc = parse_json (data, len, "the node's reply", error);
  if (reply->doc == NULL)
    return NULL;

  root = ms_json_document_get_root (reply->doc);
  if (ms_json_value_get_value_type (root) != MS_JSON_OBJECT)
    {
      protocol_error (error, "the node's reply is not a JSON object");
      return NULL;
    }

  if (!read_rpc_envelope (reply, root, error))
    return NULL;
  return g_steal_pointer (&reply);
}

static MsClnReply *
rest_error_reply (guint        status,
                  const char  *data,
                  gsize        len,
                  GError     **error)
{
  g_autoptr(MsClnReply) reply = g_new0 (MsClnReply, 1);
  const MsJsonValue *root = NULL;

  reply->doc = ms_json_document_parse (data, len, NULL);
  if (reply->doc != NULL)
    root = ms_json_document_get_root (reply->doc);

  if (root != NULL && ms_json_value_get_value_type (root) == MS_JSON_OBJECT &&
      string_member (root, "message") != NULL)
    {
      if (!read_error_object (reply, root, error))
        return NULL;
      return g_steal_pointer (&reply);
    }

  /* rest.md: an unknown method (-32601) is a 404; keep that meaning without a body. */
  if (status == 404)
    {
      reply->kind = MS_CLN_REPLY_ERROR;
      reply->code = MS_CLN_CODE_METHOD_NOT_FOUND;
      reply->message = g_strdup ("CLNRest has no such method (HTTP 404)");
      return g_steal_pointer (&reply);
    }

  /* A proxy in front of CLNRest says the node is away. */
  if (status == 502 || status == 503 || status == 504)
    g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                 "CLNRest is unavailable (HTTP %u)", status);
  else
    protocol_error (error, "CLNRest answered HTTP %u without an error object", status);
  return NULL;
}

/*
 * A CLNRest answer (plugins/rest-plugin/src/handlers.rs): 201 with the bare
 * result object; 401/403 when the rune is refused; 404 for an unknown
 * method; 500 carrying the RPC error object; 406 for a bad content type.
 */
MsClnReply *
_ms_cln_reply_parse_rest (guint        status,
                          const char  *data,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(MsClnReply) reply = NULL;
  g_autoptr(MsClnReply) refusal = NULL;
  const MsJsonValue *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (status == 401 || status == 403)
    {
      refusal = rest_error_reply (status, data, len, NULL);
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED,
                   "CLNRest refused the rune: %s (HTTP %u)",
                   refusal != NULL ? refusal->message : "no reason given", status);
      return NULL;
    }

  if (status < 200 || status >= 300)
    {
      if (status >= 400)
        return rest_error_reply (status, data, len, error);
      protocol_error (error, "CLNRest answered HTTP %u", status);
      return NULL;
    }

  reply = g_new0 (MsClnReply, 1);
  reply->doc = parse_json (data, len, "CLNRest's answer", error);
  if (reply->doc == NULL)
    return NULL;

  root = ms_json_document_get_root (reply->doc);
  if (ms_json_value_get_value_type (root) != MS_JSON_OBJECT)
    {
      protocol_error (error, "CLNRest's answer is not a JSON object");
      return NULL;
    }

  reply->kind = MS_CLN_REPLY_RESULT;
  reply->result = root;
  return g_steal_pointer (&reply);
}

/* Numbers and amounts. */

static gboolean
parse_digits (const char *text,
              gsize       len,
              guint64    *out)
{
  guint64 value = 0;

  if (len == 0 || len > 20)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      guint digit;

      if (text[i] < '0' || text[i] > '9')
        return FALSE;
      digit = text[i] - '0';
      if (value > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      value = value * 10 + digit;
    }

  *out = value;
  return TRUE;
}

/*
 * A u64 written as a JSON integer. json numbers above G_MAXINT64 are read
 * from their text: lightningd prints u64 fields such as
 * their_max_htlc_value_in_flight_msat as 18446744073709551615.
 */
gboolean
_ms_cln_parse_u64 (const MsJsonValue *value,
                   guint64           *out)
{
  const char *raw;
  gsize len;

  g_return_val_if_fail (out != NULL, FALSE);

  if (value == NULL)
    return FALSE;

  switch (ms_json_value_get_value_type (value))
    {
    case MS_JSON_INTEGER:
      if (ms_json_value_get_integer (value) < 0)
        return FALSE;
      *out = ms_json_value_get_integer (value);
      return TRUE;
    case MS_JSON_DOUBLE:
      raw = ms_json_value_get_raw (value, &len);
      return parse_digits (raw, len, out);
    case MS_JSON_NULL:
    case MS_JSON_BOOLEAN:
    case MS_JSON_STRING:
    case MS_JSON_ARRAY:
    case MS_JSON_OBJECT:
      return FALSE;
    }
  return FALSE;
}

/*
 * Amounts are msat integers; nodes before v23.02 wrote them as strings such
 * as "123msat" (PROTOCOL.md 11.4 notes this drift), which we still read.
 */
gboolean
_ms_cln_parse_msat (const MsJsonValue *value,
                    guint64           *msat)
{
  const char *str;
  gsize len;

  g_return_val_if_fail (msat != NULL, FALSE);

  if (value == NULL)
    return FALSE;
  if (ms_json_value_get_value_type (value) != MS_JSON_STRING)
    return _ms_cln_parse_u64 (value, msat);

  str = ms_json_value_get_string (value, &len);
  if (len <= 4 || memcmp (str + len - 4, "msat", 4) != 0)
    return FALSE;
  return parse_digits (str, len - 4, msat);
}

static gboolean
get_msat (const MsJsonValue  *object,
          const char         *what,
          const char         *name,
          guint64            *out,
          GError            **error)
{
  if (!_ms_cln_parse_msat (ms_json_object_get_member (object, name), out))
    return protocol_error (error, "%s: '%s' is missing or not an amount in msat", what, name);
  return TRUE;
}

static gboolean
get_u64 (const MsJsonValue  *object,
         const char         *what,
         const char         *name,
         guint64            *out,
         GError            **error)
{
  if (!_ms_cln_parse_u64 (ms_json_object_get_member (object, name), out))
    return protocol_error (error, "%s: '%s' is missing or not an unsigned integer", what, name);
  return TRUE;
}

static const char *
get_string (const MsJsonValue  *object,
            const char         *what,
            const char         *name,
            GError            **error)
{
  const char *str = string_member (object, name);

  if (str == NULL)
    protocol_error (error, "%s: '%s' is missing or not a string", what, name);
  return str;
}

/* hash, secret: 64 hex digits. */
static gboolean
get_hash (const MsJsonValue  *object,
          const char         *what,
          const char         *name,
          guint8              out[MS_LN_HASH_LEN],
          GError            **error)
{
  const char *hex = string_member (object, name);

  if (hex == NULL || strlen (hex) != 2 * MS_LN_HASH_LEN ||
      !ms_hex_decode_into (hex, 2 * MS_LN_HASH_LEN, out, MS_LN_HASH_LEN, NULL))
    return protocol_error (error, "%s: '%s' is missing or not 32 bytes of hex", what, name);
  return TRUE;
}

static gboolean
check_preimage (const guint8  *preimage,
                const guint8  *payment_hash,
                const char    *what,
                GError       **error)
{
  guint8 hash[MS_SHA256_LEN];

  ms_sha256 (preimage, MS_LN_HASH_LEN, hash);
  if (memcmp (hash, payment_hash, MS_LN_HASH_LEN) != 0)
    return protocol_error (error, "%s: the preimage does not match the payment hash", what);
  return TRUE;
}

/* getinfo: node id, alias, network, block height and version. */
MsLnNodeInfo *
_ms_cln_node_info_from_result (const MsJsonValue  *getinfo,
                               GError            **error)
{
  g_autoptr(MsLnNodeInfo) info = g_new0 (MsLnNodeInfo, 1);
  const char *id, *alias, *network, *version;
  guint64 height;

  g_return_val_if_fail (getinfo != NULL, NULL);

  if ((id = get_string (getinfo, "getinfo", "id", error)) == NULL ||
      (alias = get_string (getinfo, "getinfo", "alias", error)) == NULL ||
      (network = get_string (getinfo, "getinfo", "network", error)) == NULL ||
      (version = get_string (getinfo, "getinfo", "version", error)) == NULL ||
      !get_u64 (getinfo, "getinfo", "blockheight", &height, error))
    return NULL;

  if (strlen (id) != 66 || !ms_hex_is_valid (id, 66) || id[0] != '0' ||
      (id[1] != '2' && id[1] != '3'))
    {
      protocol_error (error, "getinfo: 'id' is not a compressed public key");
      return NULL;
    }
  if (height > G_MAXUINT32)
    {
      protocol_error (error, "getinfo: 'blockheight' is out of range");
      return NULL;
    }

  info->node_id = g_ascii_strdown (id, -1);
  info->alias = g_strdup (alias);
  info->network = g_strdup (network);
  info->version = g_strdup (version);
  info->block_height = height;
  return g_steal_pointer (&info);
}

static gboolean
add_msat (guint64            *sum,
          const MsJsonValue  *channel,
          const char         *name,
          GError            **error)
{
  const MsJsonValue *value = ms_json_object_get_member (channel, name);
  guint64 msat;

  /* Both are optional in the schema: a channel without them adds nothing. */
  if (value == NULL)
    return TRUE;
  if (!_ms_cln_parse_msat (value, &msat))
    return protocol_error (error, "listpeerchannels: '%s' is not an amount in msat", name);
  if (msat > G_MAXUINT64 - *sum)
    return protocol_error (error, "listpeerchannels: the sum of '%s' overflows", name);
  *sum += msat;
  return TRUE;
}

/*
 * listpeerchannels: what the node can send and receive now is the sum of
 * spendable_msat and receivable_msat over the channels in CHANNELD_NORMAL;
 * channels opening, closing or on chain move nothing.
 */
gboolean
_ms_cln_node_info_add_channels (MsLnNodeInfo       *info,
                                const MsJsonValue  *listpeerchannels,
                                GError            **error)
{
  const MsJsonValue *channels;
  guint64 spendable = 0, receivable = 0;

  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (listpeerchannels != NULL, FALSE);

  channels = member_of_type (listpeerchannels, "channels", MS_JSON_ARRAY);
  if (channels == NULL)
    return protocol_error (error, "listpeerchannels: 'channels' is missing or not an array");

  for (guint i = 0; i < ms_json_value_get_length (channels); i++)
    {
      const MsJsonValue *channel = ms_json_array_get_element (channels, i);
      const char *state = get_string (channel, "listpeerchannels", "state", error);

      if (state == NULL)
        return FALSE;
      if (strcmp (state, "CHANNELD_NORMAL") != 0)
        continue;
      if (!add_msat (&spendable, channel, "spendable_msat", error) ||
          !add_msat (&receivable, channel, "receivable_msat", error))
        return FALSE;
    }

  info->spendable_msat = spendable;
  info->receivable_msat = receivable;
  return TRUE;
}

/* invoice: bolt11, payment_hash, expires_at. */
MsLnInvoice *
_ms_cln_invoice_from_result (const MsJsonValue  *result,
                             GError            **error)
{
  g_autoptr(MsLnInvoice) invoice = g_new0 (MsLnInvoice, 1);
  const char *bolt11;
  guint64 expires_at;

  g_return_val_if_fail (result != NULL, NULL);

  if ((bolt11 = get_string (result, "invoice", "bolt11", error)) == NULL ||
      !get_hash (result, "invoice", "payment_hash", invoice->payment_hash, error) ||
      !get_u64 (result, "invoice", "expires_at", &expires_at, error))
    return NULL;

  if (*bolt11 == '\0' || expires_at > G_MAXINT64)
    {
      protocol_error (error, "invoice: the node returned an empty bolt11 or a bad expiry");
      return NULL;
    }

  invoice->bolt11 = g_strdup (bolt11);
  invoice->expires_at = expires_at;
  return g_steal_pointer (&invoice);
}

static gboolean
read_amounts (MsLnPayment        *payment,
              const MsJsonValue  *result,
              const char         *what,
              const char         *sent_name,
              GError            **error)
{
  guint64 sent;

  if (!get_msat (result, what, sent_name, &sent, error))
    return FALSE;

  /* amount_msat is optional in listpays: then the split is not known. */
  if (ms_json_object_get_member (result, "amount_msat") == NULL)
    {
      payment->amount_msat = sent;
      payment->fee_msat = 0;
      return TRUE;
    }
  if (!get_msat (result, what, "amount_msat", &payment->amount_msat, error))
    return FALSE;
  if (sent < payment->amount_msat)
    return protocol_error (error, "%s: the node sent less than the payee received", what);

  payment->fee_msat = sent - payment->amount_msat;
  return TRUE;
}

/*
 * xpay ({payment_preimage, amount_msat, amount_sent_msat, ...}) or pay
 * (the same plus payment_hash and status). @payment_hash, from the bolt11,
 * may be NULL when it could not be read; the preimage must match it.
 */
MsLnPayment *
_ms_cln_payment_from_result (const MsJsonValue  *result,
                             const guint8       *payment_hash,
                             GError            **error)
{
  g_autoptr(MsLnPayment) payment = g_new0 (MsLnPayment, 1);
  const char *status = string_member (result, "status");

  g_return_val_if_fail (result != NULL, NULL);

  if (status != NULL && strcmp (status, "complete") != 0)
    {
      if (strcmp (status, "failed") == 0)
        g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PAYMENT_FAILED,
                     "pay: the node reports the payment failed");
      else
        g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                     "pay: the node reports the payment as '%s'; its outcome is not known "
                     "yet", status);
      return NULL;
    }

  if (!get_hash (result, "pay", "payment_preimage", payment->preimage, error) ||
      !read_amounts (payment, result, "pay", "amount_sent_msat", error))
    return NULL;

  if (payment_hash != NULL)
    memcpy (payment->payment_hash, payment_hash, MS_LN_HASH_LEN);
  else if (ms_json_object_get_member (result, "payment_hash") != NULL)
    {
      if (!get_hash (result, "pay", "payment_hash", payment->payment_hash, error))
        return NULL;
    }
  else
    ms_sha256 (payment->preimage, MS_LN_HASH_LEN, payment->payment_hash);

  if (!check_preimage (payment->preimage, payment->payment_hash, "pay", error))
    return NULL;

  payment->status = MS_LN_PAYMENT_SUCCEEDED;
  return g_steal_pointer (&payment);
}

static gboolean
read_completed_pay (MsLnPayment        *payment,
                    const MsJsonValue  *pay,
                    GError            **error)
{
  if (!get_hash (pay, "listpays", "preimage", payment->preimage, error) ||
      !read_amounts (payment, pay, "listpays", "amount_sent_msat", error) ||
      !check_preimage (payment->preimage, payment->payment_hash, "listpays", error))
    return FALSE;

  payment->status = MS_LN_PAYMENT_SUCCEEDED;
  return TRUE;
}

/*
 * listpays {payment_hash}: one entry per attempt (payment group). One that
 * completed settles it; else one still pending keeps it pending; else it
 * failed; no entry at all means the node never tried.
 */
MsLnPayment *
_ms_cln_payment_from_listpays (const MsJsonValue  *result,
                               const guint8       *payment_hash,
                               GError            **error)
{
  g_autoptr(MsLnPayment) payment = g_new0 (MsLnPayment, 1);
  const MsJsonValue *pays;
  gboolean pending = FALSE, failed = FALSE;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (payment_hash != NULL, NULL);

  pays = member_of_type (result, "pays", MS_JSON_ARRAY);
  if (pays == NULL)
    {
      protocol_error (error, "listpays: 'pays' is missing or not an array");
      return NULL;
    }

  memcpy (payment->payment_hash, payment_hash, MS_LN_HASH_LEN);
  for (guint i = 0; i < ms_json_value_get_length (pays); i++)
    {
      const MsJsonValue *pay = ms_json_array_get_element (pays, i);
      guint8 hash[MS_LN_HASH_LEN];
      const char *status;

      if (!get_hash (pay, "listpays", "payment_hash", hash, error) ||
          (status = get_string (pay, "listpays", "status", error)) == NULL)
        return NULL;
      if (memcmp (hash, payment_hash, MS_LN_HASH_LEN) != 0)
        continue;

      if (strcmp (status, "complete") == 0)
        return read_completed_pay (payment, pay, error) ? g_steal_pointer (&payment) : NULL;
      else if (strcmp (status, "pending") == 0)
        pending = TRUE;
      else if (strcmp (status, "failed") == 0)
        failed = TRUE;
      else
        {
          protocol_error (error, "listpays: unknown status '%s'", status);
          return NULL;
        }
    }

  payment->status = pending ? MS_LN_PAYMENT_PENDING
                  : failed ? MS_LN_PAYMENT_FAILED
                  : MS_LN_PAYMENT_UNKNOWN;
  return g_steal_pointer (&payment);
}

/* waitanyinvoice: one paid invoice, as listinvoices shows it. */
MsLnSettlement *
_ms_cln_settlement_from_result (const MsJsonValue  *result,
                                GError            **error)
{
  g_autoptr(MsLnSettlement) settlement = g_new0 (MsLnSettlement, 1);
  const char *status, *label;

  g_return_val_if_fail (result != NULL, NULL);

  if ((status = get_string (result, "waitanyinvoice", "status", error)) == NULL)
    return NULL;
  if (strcmp (status, "paid") != 0)
    {
      protocol_error (error, "waitanyinvoice: returned an invoice that is '%s', not paid",
                      status);
      return NULL;
    }

  if (!get_hash (result, "waitanyinvoice", "payment_hash", settlement->payment_hash, error) ||
      !get_hash (result, "waitanyinvoice", "payment_preimage", settlement->preimage, error) ||
      !get_msat (result, "waitanyinvoice", "amount_received_msat",
                 &settlement->amount_received_msat, error) ||
      !get_u64 (result, "waitanyinvoice", "pay_index", &settlement->settle_index, error) ||
      !check_preimage (settlement->preimage, settlement->payment_hash, "waitanyinvoice", error))
    return NULL;

  /* pay_index: "The first valid pay_index is 1." */
  if (settlement->settle_index == 0)
    {
      protocol_error (error, "waitanyinvoice: 'pay_index' is 0");
      return NULL;
    }

  label = string_member (result, "label");
  settlement->label = g_strdup (label);
  return g_steal_pointer (&settlement);
}

/* listinvoices {payment_hash}: the label and status, or TRUE with *label NULL if absent. */
gboolean
_ms_cln_invoice_find (const MsJsonValue  *listinvoices,
                      const guint8       *payment_hash,
                      char              **label,
                      char              **status,
                      GError            **error)
{
  const MsJsonValue *invoices;

  g_return_val_if_fail (listinvoices != NULL, FALSE);
  g_return_val_if_fail (payment_hash != NULL, FALSE);
  g_return_val_if_fail (label != NULL && status != NULL, FALSE);

  *label = NULL;
  *status = NULL;
  invoices = member_of_type (listinvoices, "invoices", MS_JSON_ARRAY);
  if (invoices == NULL)
    return protocol_error (error, "listinvoices: 'invoices' is missing or not an array");

  for (guint i = 0; i < ms_json_value_get_length (invoices); i++)
    {
      const MsJsonValue *invoice = ms_json_array_get_element (invoices, i);
      guint8 hash[MS_LN_HASH_LEN];
      const char *l, *s;

      if (!get_hash (invoice, "listinvoices", "payment_hash", hash, error) ||
          (l = get_string (invoice, "listinvoices", "label", error)) == NULL ||
          (s = get_string (invoice, "listinvoices", "status", error)) == NULL)
        return FALSE;

      if (memcmp (hash, payment_hash, MS_LN_HASH_LEN) == 0)
        {
          *label = g_strdup (l);
          *status = g_strdup (s);
          return TRUE;
        }
    }
  return TRUE;
}

static gboolean
is_pay_method (const char *method)
{
  return strcmp (method, "xpay") == 0 || strcmp (method, "pay") == 0;
}

/*
 * pay/xpay failures (xpay.json, pay.json "errors"): 203 the destination
 * refused for good, 205 no route, 206 no route within the fee limit, 209
 * xpay gave up, 210 pay stopped retrying with nothing in flight: nothing
 * left the node. 207: the invoice expired, a refusal. 200: an earlier
 * attempt is still in flight, so the outcome is open.
 */
static GError *
pay_error (const char       *method,
           const MsClnReply *reply)
{
  switch (reply->code)
    {
    case MS_CLN_CODE_PAY_DEST_PERM_FAIL:
    case MS_CLN_CODE_PAY_ROUTE_NOT_FOUND:
    case MS_CLN_CODE_PAY_TOO_EXPENSIVE:
    case MS_CLN_CODE_PAY_UNSPECIFIED:
    case MS_CLN_CODE_PAY_STOPPED_RETRYING:
      return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PAYMENT_FAILED,
                          "%s: the payment failed: %s (CLN error %" G_GINT64_FORMAT ")",
                          method, reply->message, reply->code);
    case MS_CLN_CODE_PAY_INVOICE_EXPIRED:
      return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                          "%s: the invoice has expired: %s (CLN error %" G_GINT64_FORMAT ")",
                          method, reply->message, reply->code);
    case MS_CLN_CODE_PAY_IN_PROGRESS:
      return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                          "%s: an earlier payment of this invoice is still in flight: %s "
                          "(CLN error %" G_GINT64_FORMAT ")",
                          method, reply->message, reply->code);
    default:
      return NULL;
    }
}

/* The node's error for @method as an MS_LIGHTNING_ERROR. */
GError *
_ms_cln_reply_to_error (const char       *method,
                        const MsClnReply *reply)
{
  GError *error;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (reply != NULL && reply->kind == MS_CLN_REPLY_ERROR, NULL);

  switch (reply->code)
    {
    case MS_CLN_CODE_RUNE_NOT_AUTHORIZED:
    case MS_CLN_CODE_RUNE_NOT_PERMITTED:
    case MS_CLN_CODE_RUNE_BLACKLISTED:
      return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED,
                          "%s: the node refused the rune: %s (CLN error %" G_GINT64_FORMAT ")",
                          method, reply->message, reply->code);
    case MS_CLN_CODE_METHOD_NOT_FOUND:
      return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                          "the node does not offer '%s': %s", method, reply->message);
    default:
      break;
    }

  if (is_pay_method (method) && (error = pay_error (method, reply)) != NULL)
    return error;

  return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                      "%s: the node refused the request: %s (CLN error %" G_GINT64_FORMAT ")",
                      method, reply->message, reply->code);
}
