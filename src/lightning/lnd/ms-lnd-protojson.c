/* ms-lnd-protojson.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-bolt11.h"
#include "ms-crypto.h"
#include "ms-error.h"
#include "ms-hex.h"
#include "ms-json.h"
#include "ms-lnd-protojson-private.h"

/* Messages from the node are quoted in ours; this keeps a log line a line. */
#define MAX_QUOTED_MESSAGE 400

static char *quote_message (const char *message);

struct _MsLndLineBuffer
{
  GByteArray *data;
  gsize       start;
  gsize       line_len;
  gsize       max_line;
};

MsLndLineBuffer *
_ms_lnd_line_buffer_new (gsize max_line)
{
  MsLndLineBuffer *buffer;

  g_return_val_if_fail (max_line > 0, NULL);

  buffer = g_new0 (MsLndLineBuffer, 1);
  buffer->data = g_byte_array_new ();
  buffer->max_line = max_line;
  return buffer;
}

void
_ms_lnd_line_buffer_free (MsLndLineBuffer *buffer)
{
  if (buffer == NULL)
    return;

  g_byte_array_unref (buffer->data);
  g_free (buffer);
}

/*
 * grpc-gateway writes each stream message followed by its JSON marshaler's
 * delimiter, "\n" (runtime/marshal_jsonpb.go Delimiter); chunk boundaries
 * fall anywhere. A line longer than @max_line fails the push: the caller
 * drops the stream rather than buffer without bound.
 */
gboolean
_ms_lnd_line_buffer_push (MsLndLineBuffer  *buffer,
                          const guint8     *data,
                          gsize             len,
                          GError          **error)
{
  const guint8 *p = data;
  const guint8 *end = data + len;

  g_return_val_if_fail (buffer != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  while (p < end)
    {
      const guint8 *nl = memchr (p, '\n', end - p);
      gsize segment = (nl != NULL ? nl : end) - p;

      if (buffer->line_len + segment > buffer->max_line)
        {
          g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                       "LND sent a stream line longer than %" G_GSIZE_FORMAT " bytes",
                       buffer->max_line);
          return FALSE;
        }
      buffer->line_len = nl != NULL ? 0 : buffer->line_len + segment;
      p = nl != NULL ? nl + 1 : end;
    }

  if (len > 0)
    g_byte_array_append (buffer->data, data, len);
  return TRUE;
}

/* Drops what was consumed once it is most of the buffer, so pops stay cheap. */
static void
compact (MsLndLineBuffer *buffer)
{
  if (buffer->start == 0 || buffer->start < buffer->data->len / 2)
    return;

  g_byte_array_remove_range (buffer->data, 0, buffer->start);
  buffer->start = 0;
}

/* The next complete line without its "\n" (nor a "\r" before it); blank lines are skipped. */
char *
_ms_lnd_line_buffer_pop (MsLndLineBuffer *buffer,
                         gsize           *len)
{
  g_return_val_if_fail (buffer != NULL, NULL);
  g_return_val_if_fail (len != NULL, NULL);

  while (buffer->start < buffer->data->len)
    {
      const guint8 *begin = buffer->data->data + buffer->start;
      const guint8 *nl = memchr (begin, '\n', buffer->data->len - buffer->start);
      gsize line_len;
      char *line;

      if (nl == NULL)
        break;

      line_len = nl - begin;
      buffer->start += line_len + 1;
      if (line_len > 0 && begin[line_len - 1] == '\r')
        line_len--;
      if (line_len == 0)
        continue;

      line = g_strndup ((const char *) begin, line_len);
      *len = line_len;
      compact (buffer);
      return line;
    }

  compact (buffer);
  *len = 0;
  return NULL;
}

/* Bytes of a line that has not ended yet. */
gsize
_ms_lnd_line_buffer_get_pending (MsLndLineBuffer *buffer)
{
  g_return_val_if_fail (buffer != NULL, 0);

  return buffer->data->len - buffer->start;
}

/*
 * One JSON object, or a PROTOCOL error saying what it was instead. The
 * project's strict reader (ms-json.h: RFC 8259, UTF-8, at most 64 levels)
 * looks first: json-glib 1.6 has no nesting limit, and leaks the part it
 * built when it fails halfway through a document.
 */
JsonObject *
_ms_lnd_parse_object (const char  *data,
                      gsize        len,
                      GError     **error)
{
  g_autoptr(MsJsonDocument) strict = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > G_MAXSSIZE || !(strict = ms_json_document_parse (data, len, &local_error)))
    {
      g_autofree char *why = quote_message (local_error != NULL ? local_error->message : NULL);

      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND sent something that is not JSON: %s", why);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      g_autofree char *why = quote_message (local_error->message);

      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND sent JSON that json-glib cannot read: %s", why);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND sent JSON that is not an object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

void
_ms_lnd_status_clear (MsLndStatus *status)
{
  g_return_if_fail (status != NULL);

  g_clear_pointer (&status->message, g_free);
  status->http_status = 0;
  status->code = -1;
  status->in_stream = FALSE;
}

/* rpcStatus: {"code": int32, "message": string, "details": [...]}. */
static gboolean
status_from_object (JsonObject  *object,
                    MsLndStatus *status)
{
  JsonNode *code = json_object_get_member (object, "code");
  JsonNode *message = json_object_get_member (object, "message");
  gint64 value;

  if (code == NULL || !JSON_NODE_HOLDS_VALUE (code) ||
      json_node_get_value_type (code) != G_TYPE_INT64)
    return FALSE;

  value = json_node_get_int (code);
  if (value < 0 || value > G_MAXINT32)
    return FALSE;

  status->code = (gint) value;
  g_clear_pointer (&status->message, g_free);
  if (message != NULL && JSON_NODE_HOLDS_VALUE (message) &&
      json_node_get_value_type (message) == G_TYPE_STRING)
    status->message = g_strdup (json_node_get_string (message));
  return TRUE;
}

/*
 * A stream line is {"result": message} or {"error": rpcStatus}
 * (grpc-gateway runtime/handler.go ForwardResponseStream, errorChunk).
 * Returns the result; an error line fills @status and fails.
 */
JsonObject *
_ms_lnd_parse_stream_line (const char   *line,
                           gsize         len,
                           MsLndStatus  *status,
                           GError      **error)
{
  g_autoptr(JsonObject) object = NULL;
  JsonNode *member;

  g_return_val_if_fail (status != NULL, NULL);

  if (!(object = _ms_lnd_parse_object (line, len, error)))
    return NULL;

  if ((member = json_object_get_member (object, "error")) != NULL &&
      !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_OBJECT (member) ||
          !status_from_object (json_node_get_object (member), status))
        {
          g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                       "LND sent a stream error that is not an rpcStatus");
          return NULL;
        }
      status->in_stream = TRUE;
      g_propagate_error (error, _ms_lnd_status_to_error (status));
      return NULL;
    }

  member = json_object_get_member (object, "result");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND sent a stream line with neither a result nor an error");
      return NULL;
    }

  return json_object_ref (json_node_get_object (member));
}

/*
 * The body of a non-2xx answer: a bare rpcStatus for unary calls (runtime
 * HTTPError), or {"error": rpcStatus} when a stream failed before its first
 * message. FALSE when it is neither (a proxy's HTML page, say).
 */
gboolean
_ms_lnd_parse_error_body (const char  *data,
                          gsize        len,
                          MsLndStatus *status)
{
  g_autoptr(JsonObject) object = NULL;
  JsonNode *wrapped;

  g_return_val_if_fail (status != NULL, FALSE);

  if (!(object = _ms_lnd_parse_object (data, len, NULL)))
    return FALSE;

  wrapped = json_object_get_member (object, "error");
  if (wrapped != NULL && JSON_NODE_HOLDS_OBJECT (wrapped))
    {
      status->in_stream = TRUE;
      return status_from_object (json_node_get_object (wrapped), status);
    }

  return status_from_object (object, status);
}

/*
 * Text from the node, or from json-glib about the node's bytes (its parse
 * errors quote them, cut anywhere), made fit for a log line: valid UTF-8,
 * and not without end.
 */
static char *
quote_message (const char *message)
{
  g_autofree char *valid = NULL;
  const char *end;

  if (message == NULL || *message == '\0')
    return g_strdup ("(no message)");

  valid = g_utf8_make_valid (message, -1);
  if (strlen (valid) <= MAX_QUOTED_MESSAGE)
    return g_steal_pointer (&valid);

  end = g_utf8_find_prev_char (valid, valid + MAX_QUOTED_MESSAGE + 1);
  return g_strdup_printf ("%.*s…", (int) (end - valid), valid);
}

/*
 * LND checks macaroons in gRPC interceptors that return plain errors, so a
 * refused macaroon usually arrives as code 2 (Unknown, HTTP 500) with the
 * checker's text: "verification failed: signature mismatch after caveat
 * verification", "expected 1 macaroon, got 0", "cannot get macaroon: …",
 * "permission denied". Proxies and newer releases use 401/403 and 16/7.
 */
static gboolean
is_auth_failure (const MsLndStatus *status)
{
  const char *message = status->message != NULL ? status->message : "";

  if (status->http_status == 401 || status->http_status == 403)
    return TRUE;
  if (status->code == MS_LND_GRPC_UNAUTHENTICATED || status->code == MS_LND_GRPC_PERMISSION_DENIED)
    return TRUE;

  return status->code == MS_LND_GRPC_UNKNOWN &&
         (strstr (message, "macaroon") != NULL ||
          g_str_has_prefix (message, "verification failed") ||
          strstr (message, "permission denied") != NULL);
}

/* A node that is up but cannot serve yet: locked wallet, still starting, shutting down. */
static gboolean
is_not_ready (const MsLndStatus *status)
{
  const char *message = status->message != NULL ? status->message : "";

  if (status->code == MS_LND_GRPC_UNAVAILABLE || status->code == MS_LND_GRPC_CANCELLED ||
      status->code == MS_LND_GRPC_DEADLINE_EXCEEDED)
    return TRUE;

  return status->code == MS_LND_GRPC_UNKNOWN &&
         (strstr (message, "wallet locked") != NULL ||
          strstr (message, "waiting to start") != NULL ||
          strstr (message, "in the process of starting") != NULL ||
          strstr (message, "shutting down") != NULL);
}

/* What a failure reported by the node means for the caller (ms-error.h). */
GError *
_ms_lnd_status_to_error (const MsLndStatus *status)
{
  g_autofree char *message = NULL;

  g_return_val_if_fail (status != NULL, NULL);

  message = quote_message (status->message);

  if (is_auth_failure (status))
    return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED,
                        "LND refused the macaroon: %s", message);

  if (is_not_ready (status))
    return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                        "LND cannot serve the request now: %s", message);

  if (status->code < 0)
    {
      /* No rpcStatus: something in front of LND answered. */
      if (status->http_status == 502 || status->http_status == 503 || status->http_status == 504)
        return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                            "LND unreachable: HTTP %u from the server in front of it",
                            status->http_status);
      return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                          "LND answered HTTP %u without an error status", status->http_status);
    }

  return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                      "LND refused the request: %s (gRPC code %d)", message, status->code);
}

static gboolean
protocol_error (GError     **error,
                const char  *member,
                const char  *expected)
{
  g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
               "LND sent an invalid \"%s\": expected %s", member, expected);
  return FALSE;
}

/* A member's string value, or NULL when it is absent or not a string. */
const char *
_ms_lnd_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);

  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/*
 * protojson writes 64-bit integers as strings and reads them as strings or
 * numbers. An absent member is the proto3 default, 0.
 */
static gboolean
get_integer (JsonObject  *object,
             const char  *member,
             gint64       min,
             guint64      max,
             guint64     *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *str;

  *out = 0;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return protocol_error (error, member, "an integer");

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 value = json_node_get_int (node);

      if (value < min || (value >= 0 && (guint64) value > max))
        return protocol_error (error, member, "an integer in range");
      *out = (guint64) value;
      return TRUE;
    }

  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return protocol_error (error, member, "an integer as a decimal string");

  str = json_node_get_string (node);
  if (!g_ascii_string_to_unsigned (str, 10, 0, max, out, NULL))
    return protocol_error (error, member, "an integer as a decimal string");
  return TRUE;
}

/* A uint64 field. */
gboolean
_ms_lnd_get_uint64 (JsonObject  *object,
                    const char  *member,
                    guint64     *out,
                    GError     **error)
{
  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  return get_integer (object, member, 0, G_MAXUINT64, out, error);
}

/* An int64 field holding an amount: negative ones are refused. */
gboolean
_ms_lnd_get_amount (JsonObject  *object,
                    const char  *member,
                    guint64     *out,
                    GError     **error)
{
  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  return get_integer (object, member, 0, G_MAXINT64, out, error);
}

static int
base64_value (char     c,
              gboolean url)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == (url ? '-' : '+'))
    return 62;
  if (c == (url ? '_' : '/'))
    return 63;
  return -1;
}

/*
 * protojson decodes bytes as standard base64, or URL-safe when '-' or '_'
 * appear, padded when the length is a multiple of 4 and raw otherwise
 * (google.golang.org/protobuf encoding/protojson decode.go unmarshalBytes).
 */
gboolean
_ms_lnd_base64_decode (const char *str,
                       gsize       len,
                       GByteArray *out)
{
  gboolean url;
  gsize pad = 0;
  gsize data_len;
  guint32 acc = 0;
  guint bits = 0;

  g_return_val_if_fail (str != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  url = memchr (str, '-', len) != NULL || memchr (str, '_', len) != NULL;
  if (len % 4 == 0)
    while (pad < 2 && pad < len && str[len - 1 - pad] == '=')
      pad++;
  data_len = len - pad;
  if (data_len % 4 == 1 || (pad > 0 && data_len % 4 != 4 - pad))
    return FALSE;

  for (gsize i = 0; i < data_len; i++)
    {
      int value = base64_value (str[i], url);

      if (value < 0)
        return FALSE;
      acc = ((acc << 6) | (guint32) value) & 0xffffff;
      bits += 6;
      if (bits >= 8)
        {
          guint8 byte;

          bits -= 8;
          byte = (acc >> bits) & 0xff;
          g_byte_array_append (out, &byte, 1);
        }
    }

  return TRUE;
}

/* grpc-gateway reads bytes in a path as base64 with padding, URL-safe so that it fits a path. */
char *
_ms_lnd_base64url_encode (const guint8 *data,
                          gsize         len)
{
  char *str;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  str = g_base64_encode (data, len);
  for (char *p = str; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  return str;
}

/* A 32-byte hash: lower-case hex where the proto has a string, base64 where it has bytes. */
gboolean
_ms_lnd_get_hash (JsonObject  *object,
                  const char  *member,
                  gboolean     hex,
                  guint8       out[MS_LN_HASH_LEN],
                  GError     **error)
{
  g_autoptr(GByteArray) bytes = NULL;
  const char *str;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!(str = _ms_lnd_get_string (object, member)))
    return protocol_error (error, member, "a string");

  if (hex)
    {
      if (!ms_hex_decode_into (str, strlen (str), out, MS_LN_HASH_LEN, NULL))
        return protocol_error (error, member, "64 hex digits");
      return TRUE;
    }

  bytes = g_byte_array_new ();
  if (!_ms_lnd_base64_decode (str, strlen (str), bytes) || bytes->len != MS_LN_HASH_LEN)
    {
      ms_wipe (bytes->data, bytes->len);
      return protocol_error (error, member, "32 bytes in base64");
    }
  memcpy (out, bytes->data, MS_LN_HASH_LEN);
  ms_wipe (bytes->data, bytes->len);
  return TRUE;
}

static gboolean
preimage_matches (const guint8 preimage[MS_LN_HASH_LEN],
                  const guint8 hash[MS_LN_HASH_LEN])
{
  guint8 digest[MS_SHA256_LEN];

  ms_sha256 (preimage, MS_LN_HASH_LEN, digest);
  return memcmp (digest, hash, MS_LN_HASH_LEN) == 0;
}

/* lnrpc.GetInfoResponse.chains[].network names the network after btcd's params. */
static const char *
network_from_lnd (const char *network)
{
  if (g_strcmp0 (network, "mainnet") == 0)
    return "bitcoin";
  if (g_strcmp0 (network, "testnet") == 0 || g_strcmp0 (network, "testnet4") == 0)
    return "testnet";
  if (g_strcmp0 (network, "signet") == 0)
    return "signet";
  if (g_strcmp0 (network, "regtest") == 0)
    return "regtest";
  return NULL;
}

static gboolean
parse_network (JsonObject    *getinfo,
               MsLnNodeInfo  *info,
               GError       **error)
{
  JsonNode *chains = json_object_get_member (getinfo, "chains");
  JsonNode *first;
  const char *network;
  const char *ours;

  if (chains == NULL || !JSON_NODE_HOLDS_ARRAY (chains) ||
      json_array_get_length (json_node_get_array (chains)) == 0)
    return protocol_error (error, "chains", "a non-empty array");

  first = json_array_get_element (json_node_get_array (chains), 0);
  if (!JSON_NODE_HOLDS_OBJECT (first) ||
      !(network = _ms_lnd_get_string (json_node_get_object (first), "network")))
    return protocol_error (error, "chains", "objects with a network");

  if (!(ours = network_from_lnd (network)))
    {
      g_autofree char *quoted = quote_message (network);

      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND runs on the network \"%s\", which this wallet does not know", quoted);
      return FALSE;
    }

  info->network = g_strdup (ours);
  return TRUE;
}

/* lnrpc.GetInfoResponse.block_height is a uint32: a plain JSON number. */
static gboolean
parse_block_height (JsonObject    *getinfo,
                    MsLnNodeInfo  *info,
                    GError       **error)
{
  guint64 height;

  if (!get_integer (getinfo, "block_height", 0, G_MAXUINT32, &height, error))
    return FALSE;

  info->block_height = (guint32) height;
  return TRUE;
}

/* lnrpc.Amount {sat, msat}; LND before 0.14 sent the sat field only. */
static gboolean
parse_amount (JsonObject  *balance,
              const char  *member,
              guint64     *msat,
              GError     **error)
{
  JsonNode *node = json_object_get_member (balance, member);
  JsonObject *amount;
  guint64 sat;

  *msat = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return protocol_error (error, member, "an lnrpc.Amount object");

  amount = json_node_get_object (node);
  if (json_object_has_member (amount, "msat"))
    return _ms_lnd_get_uint64 (amount, "msat", msat, error);

  if (!_ms_lnd_get_uint64 (amount, "sat", &sat, error))
    return FALSE;
  if (sat > G_MAXUINT64 / 1000)
    return protocol_error (error, member, "an amount that fits in millisatoshis");
  *msat = sat * 1000;
  return TRUE;
}

/* GET /v1/getinfo and GET /v1/balance/channels, together. */
MsLnNodeInfo *
_ms_lnd_node_info_parse (JsonObject  *getinfo,
                         JsonObject  *balance,
                         GError     **error)
{
  g_autoptr(MsLnNodeInfo) info = g_new0 (MsLnNodeInfo, 1);
  const char *pubkey;

  g_return_val_if_fail (getinfo != NULL, NULL);
  g_return_val_if_fail (balance != NULL, NULL);

  pubkey = _ms_lnd_get_string (getinfo, "identity_pubkey");
  if (pubkey == NULL || strlen (pubkey) != 66 || !ms_hex_is_valid (pubkey, 66))
    return (protocol_error (error, "identity_pubkey", "66 hex digits"), NULL);

  info->node_id = g_ascii_strdown (pubkey, -1);
  info->alias = g_strdup (_ms_lnd_get_string (getinfo, "alias") ?: "");
  info->version = g_strdup (_ms_lnd_get_string (getinfo, "version") ?: "");

  if (!parse_network (getinfo, info, error) ||
      !parse_block_height (getinfo, info, error) ||
      !parse_amount (balance, "local_balance", &info->spendable_msat, error) ||
      !parse_amount (balance, "remote_balance", &info->receivable_msat, error))
    return NULL;

  return g_steal_pointer (&info);
}

/*
 * POST /v1/invoices answers lnrpc.AddInvoiceResponse, which has no expiry:
 * the invoice itself carries it. We read the invoice back and check that it
 * is for the hash LND reported.
 */
MsLnInvoice *
_ms_lnd_add_invoice_parse (JsonObject  *response,
                           GError     **error)
{
  g_autoptr(MsLnInvoice) invoice = g_new0 (MsLnInvoice, 1);
  g_autoptr(MsBolt11) bolt11 = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *payment_request;

  g_return_val_if_fail (response != NULL, NULL);

  payment_request = _ms_lnd_get_string (response, "payment_request");
  if (payment_request == NULL || *payment_request == '\0')
    return (protocol_error (error, "payment_request", "an invoice"), NULL);
  if (!_ms_lnd_get_hash (response, "r_hash", FALSE, invoice->payment_hash, error))
    return NULL;

  bolt11 = ms_bolt11_decode (payment_request, strlen (payment_request), MS_BOLT11_DECODE_NONE,
                             &local_error);
  if (bolt11 == NULL)
    {
      g_autofree char *why = quote_message (local_error->message);

      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND created an invoice we cannot read: %s", why);
      return NULL;
    }
  if (memcmp (ms_bolt11_get_payment_hash (bolt11), invoice->payment_hash, MS_LN_HASH_LEN) != 0)
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND created an invoice for another payment hash than it reported");
      return NULL;
    }

  invoice->bolt11 = g_strdup (payment_request);
  invoice->expires_at = ms_bolt11_get_expires_at (bolt11);
  return g_steal_pointer (&invoice);
}

/* lnrpc.PaymentFailureReason, in words for the operator. */
static const char *
failure_reason_text (const char *reason)
{
  static const struct
  {
    const char *name;
    const char *text;
  } reasons[] = {
    { "FAILURE_REASON_TIMEOUT",
      "no route was found before the payment timed out (FAILURE_REASON_TIMEOUT)" },
    { "FAILURE_REASON_NO_ROUTE",
      "no route to the recipient within the fee limit (FAILURE_REASON_NO_ROUTE)" },
    { "FAILURE_REASON_ERROR", "an unexpected error ended the payment (FAILURE_REASON_ERROR)" },
    { "FAILURE_REASON_INCORRECT_PAYMENT_DETAILS",
      "the recipient refused the payment: unknown hash, wrong amount or expired "
      "(FAILURE_REASON_INCORRECT_PAYMENT_DETAILS)" },
    { "FAILURE_REASON_INSUFFICIENT_BALANCE",
      "not enough outbound liquidity (FAILURE_REASON_INSUFFICIENT_BALANCE)" },
    { "FAILURE_REASON_CANCELED", "the payment was canceled (FAILURE_REASON_CANCELED)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (g_strcmp0 (reason, reasons[i].name) == 0)
      return reasons[i].text;

  return "the payment failed for a reason LND did not give";
}

static gboolean
parse_payment_status (JsonObject         *payment,
                      MsLnPaymentStatus  *status,
                      GError            **error)
{
  const char *name = _ms_lnd_get_string (payment, "status");

  /* UNKNOWN is the proto3 default (deprecated); INITIATED came with lnd 0.16. */
  if (name == NULL && !json_object_has_member (payment, "status"))
    name = "UNKNOWN";

  if (g_strcmp0 (name, "SUCCEEDED") == 0)
    *status = MS_LN_PAYMENT_SUCCEEDED;
  else if (g_strcmp0 (name, "FAILED") == 0)
    *status = MS_LN_PAYMENT_FAILED;
  else if (g_strcmp0 (name, "IN_FLIGHT") == 0 || g_strcmp0 (name, "INITIATED") == 0 ||
           g_strcmp0 (name, "UNKNOWN") == 0)
    *status = MS_LN_PAYMENT_PENDING;
  else
    return protocol_error (error, "status", "a lnrpc.Payment.PaymentStatus name");

  return TRUE;
}

/*
 * lnrpc.Payment, from the SendPaymentV2 and TrackPaymentV2 streams. The
 * payment hash and preimage are hex strings there, not bytes. @failure is
 * set, in words, for a FAILED payment.
 */
gboolean
_ms_lnd_payment_parse (JsonObject   *payment,
                       MsLnPayment  *out,
                       const char  **failure,
                       GError      **error)
{
  g_return_val_if_fail (payment != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (failure != NULL)
    *failure = NULL;

  if (!parse_payment_status (payment, &out->status, error) ||
      !_ms_lnd_get_hash (payment, "payment_hash", TRUE, out->payment_hash, error) ||
      !_ms_lnd_get_amount (payment, "value_msat", &out->amount_msat, error) ||
      !_ms_lnd_get_amount (payment, "fee_msat", &out->fee_msat, error))
    return FALSE;

  if (out->status == MS_LN_PAYMENT_SUCCEEDED)
    {
      if (!_ms_lnd_get_hash (payment, "payment_preimage", TRUE, out->preimage, error))
        return FALSE;
      if (!preimage_matches (out->preimage, out->payment_hash))
        {
          g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                       "LND reports a preimage that does not match the payment hash");
          return FALSE;
        }
    }
  else if (out->status == MS_LN_PAYMENT_FAILED && failure != NULL)
    *failure = failure_reason_text (_ms_lnd_get_string (payment, "failure_reason"));

  return TRUE;
}

static gboolean
parse_invoice_state (JsonObject         *invoice,
                     MsLndInvoiceState  *state,
                     GError            **error)
{
  static const char *names[] = { "OPEN", "SETTLED", "CANCELED", "ACCEPTED" };
  const char *name = _ms_lnd_get_string (invoice, "state");

  if (name == NULL && !json_object_has_member (invoice, "state"))
    name = "OPEN";

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (name, names[i]) == 0)
      {
        *state = (MsLndInvoiceState) i;
        return TRUE;
      }

  return protocol_error (error, "state", "a lnrpc.Invoice.InvoiceState name");
}

static gboolean
parse_settled (JsonObject      *invoice,
               MsLnSettlement  *settlement,
               gboolean         is_amp,
               GError         **error)
{
  if (!_ms_lnd_get_uint64 (invoice, "settle_index", &settlement->settle_index, error) ||
      !_ms_lnd_get_amount (invoice, "amt_paid_msat", &settlement->amount_received_msat, error))
    return FALSE;
  if (settlement->settle_index == 0)
    return protocol_error (error, "settle_index", "a positive index for a settled invoice");

  /* An AMP invoice has a preimage per payment set, none of its own. */
  if (is_amp)
    return TRUE;

  if (!_ms_lnd_get_hash (invoice, "r_preimage", FALSE, settlement->preimage, error))
    return FALSE;
  if (!preimage_matches (settlement->preimage, settlement->payment_hash))
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND reports a settled invoice whose preimage does not match its hash");
      return FALSE;
    }
  return TRUE;
}

/*
 * lnrpc.Invoice, from GET /v1/invoices and the /v1/invoices/subscribe stream.
 * The settlement is complete when @state is SETTLED (and not @is_amp); for
 * other states only its hash and label are.
 */
MsLnSettlement *
_ms_lnd_invoice_parse (JsonObject         *invoice,
                       MsLndInvoiceState  *state,
                       gboolean           *is_amp,
                       GError            **error)
{
  g_autoptr(MsLnSettlement) settlement = g_new0 (MsLnSettlement, 1);
  JsonNode *amp;
  const char *memo;

  g_return_val_if_fail (invoice != NULL, NULL);
  g_return_val_if_fail (state != NULL, NULL);
  g_return_val_if_fail (is_amp != NULL, NULL);

  amp = json_object_get_member (invoice, "is_amp");
  *is_amp = amp != NULL && JSON_NODE_HOLDS_VALUE (amp) &&
            json_node_get_value_type (amp) == G_TYPE_BOOLEAN && json_node_get_boolean (amp);

  if (!parse_invoice_state (invoice, state, error) ||
      !_ms_lnd_get_hash (invoice, "r_hash", FALSE, settlement->payment_hash, error))
    return NULL;

  memo = _ms_lnd_get_string (invoice, "memo");
  if (memo != NULL && *memo != '\0')
    settlement->label = g_strdup (memo);

  if (*state == MS_LND_INVOICE_SETTLED && !parse_settled (invoice, settlement, *is_amp, error))
    return NULL;

  return g_steal_pointer (&settlement);
}
