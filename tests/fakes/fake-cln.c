/* fake-cln.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <secp256k1.h>

#include "cln-schema.h"
#include "fake-cln.h"
#include "moneysocket.h"

/* Regtest, like the schemas' examples (getinfo: "network": "regtest"). */
#define CURRENCY             "bcrt"
/* invoice.json: "the default of 604800 (1 week) is used". */
#define DEFAULT_EXPIRY       604800
/* The routing fee of the remote node's channel: 1 msat + 10 ppm. */
#define FEE_BASE_MSAT        1
#define FEE_PPM              10

static const char * const methods[] = {
  "getinfo", "listpeerchannels", "invoice", "xpay", "pay", "listpays", "listinvoices",
  "delinvoice", "waitanyinvoice",
};

typedef struct
{
  char     *label;
  char     *bolt11;
  char     *description;
  guint8    hash[32];
  guint8    preimage[32];
  guint8    secret[32];
  gboolean  has_amount;
  guint64   amount_msat;
  gint64    expires_at;
  guint64   created_index;
  guint64   updated_index;
  gboolean  paid;
  guint64   pay_index;
  guint64   amount_received_msat;
  gint64    paid_at;
} Invoice;

typedef struct
{
  char       *bolt11;
  char       *destination;
  const char *status;        /* "pending", "complete" or "failed" */
  guint8      hash[32];
  guint8      preimage[32];
  guint64     amount_msat;
  guint64     amount_sent_msat;
  gint64      created_at;
  gint64      completed_at;
  guint64     created_index;
  guint64     updated_index;
  Invoice    *own;           /* a self-payment settles this invoice */
} Pay;

typedef struct
{
  guint8 hash[32];
  guint8 preimage[32];
} Remote;

typedef struct _Conn    Conn;
typedef struct _Request Request;
typedef void (*Handler) (FakeCln *fake,
                         Request *req);

struct _FakeCln
{
  char           *dir;
  char           *socket_path;
  GHashTable     *schemas;       /* method -> ClnSchema */
  guint8          node_key[32];
  guint8          remote_key[32];
  guint8          stranger_key[32];
  char            node_id[67];
  char            remote_id[67];

  GPtrArray      *invoices;      /* Invoice */
  GPtrArray      *pays;          /* Pay */
  GPtrArray      *remotes;       /* Remote */
  GPtrArray      *violations;    /* char * */
  GHashTable     *n_calls;       /* method -> count */
  GHashTable     *missing;       /* methods that "do not exist" */
  GHashTable     *raw_results;   /* method -> result text, once */
  GHashTable     *raw_replies;   /* method -> reply bytes, once */
  char           *drop_next;
  char           *hang_next;
  GPtrArray      *hung;            /* Request: taken, never answered */
  GPtrArray      *waiters;       /* Request, waitanyinvoice */
  GPtrArray      *delayed;       /* Request, slow payments */
  GList          *conns;         /* Conn */

  GSocketService *service;
  SoupServer     *server;
  GTlsCertificate *certificate;
  guint16         rest_port;
  char           *rest_url;

  guint64         next_invoice_index;
  guint64         next_invoice_update;
  guint64         next_pay_index;
  guint64         next_payment_index;
  guint64         last_maxfee;
  guint           pay_delay_ms;
  gboolean        legacy;
  gboolean        quote_rune;
  gboolean        rpc_wanted;
  gboolean        rest_wanted;
};

/* One JSON-RPC client of the unix socket. */
struct _Conn
{
  grefcount          ref_count;
  FakeCln           *fake;
  GSocketConnection *stream;
  GCancellable      *cancellable;
  GByteArray        *in;
  guint8             buf[4096];
  GQueue             out;        /* GBytes */
  GBytes            *writing;
  gboolean           closed;
};

struct _Request
{
  FakeCln           *fake;
  char              *method;
  MsJsonDocument    *doc;
  const MsJsonValue *params;
  Conn              *conn;       /* JSON-RPC */
  char              *id;         /* JSON-RPC: the id token as sent */
  SoupServerMessage *msg;        /* CLNRest */
  gboolean           paused;
  gboolean           gone;       /* the client went away */
  guint              timer;
  guint64            lastpay_index;
  Pay               *pay;
};

static void conn_close (Conn *conn);

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
violation (FakeCln    *fake,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

/* A request or answer outside the contract: the test fails on it at teardown. */
static void
violation (FakeCln    *fake,
           const char *format,
           ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_test_message ("fake-cln: contract violation: %s", message);
  g_ptr_array_add (fake->violations, message);
}

/* JSON writing. */

static void
comma (GString *o)
{
  if (o->len > 0 && o->str[o->len - 1] != '{' && o->str[o->len - 1] != '[')
    g_string_append_c (o, ',');
}

static void
key (GString    *o,
     const char *name)
{
  comma (o);
  ms_json_append_string (o, name, -1);
  g_string_append_c (o, ':');
}

static void
put_str (GString    *o,
         const char *name,
         const char *value)
{
  key (o, name);
  ms_json_append_string (o, value, -1);
}

static void
put_u64 (GString    *o,
         const char *name,
         guint64     value)
{
  key (o, name);
  ms_json_append_uint64 (o, value);
}

static void
put_hex (GString      *o,
         const char   *name,
         const guint8 *data)
{
  g_autofree char *hex = ms_hex_encode (data, 32);

  put_str (o, name, hex);
}

/* A parsed value again, compact: the examples are pretty-printed with newlines. */
static void
write_value (GString           *o,
             const MsJsonValue *value)
{
  const char *raw;
  gsize len;

  switch (ms_json_value_get_value_type (value))
    {
    case MS_JSON_ARRAY:
      g_string_append_c (o, '[');
      for (guint i = 0; i < ms_json_value_get_length (value); i++)
        {
          comma (o);
          write_value (o, ms_json_array_get_element (value, i));
        }
      g_string_append_c (o, ']');
      return;
    case MS_JSON_OBJECT:
      g_string_append_c (o, '{');
      for (guint i = 0; i < ms_json_value_get_length (value); i++)
        {
          raw = ms_json_object_get_key (value, i, &len);
          comma (o);
          ms_json_append_string (o, raw, len);
          g_string_append_c (o, ':');
          write_value (o, ms_json_object_get_value_at (value, i));
        }
      g_string_append_c (o, '}');
      return;
    case MS_JSON_NULL:
    case MS_JSON_BOOLEAN:
    case MS_JSON_INTEGER:
    case MS_JSON_DOUBLE:
    case MS_JSON_STRING:
      raw = ms_json_value_get_raw (value, &len);
      g_string_append_len (o, raw, len);
      return;
    }
}

/* Nodes before v23.02 wrote every *_msat amount as a string, "123msat". */
static void
to_legacy_amounts (GString *o)
{
  static const char marker[] = "_msat\":";
  gsize i = 0;

  while (i < o->len)
    {
      const char *hit = strstr (o->str + i, marker);
      gsize start, end;

      if (hit == NULL)
        return;
      start = end = hit - o->str + strlen (marker);
      while (end < o->len && g_ascii_isdigit (o->str[end]))
        end++;
      if (end == start)
        {
          i = end;
          continue;
        }
      g_string_insert (o, end, "msat\"");
      g_string_insert_c (o, start, '"');
      i = end + 6;
    }
}

/* Parameters. */

static const MsJsonValue *
param (Request    *req,
       const char *name)
{
  return ms_json_object_get_member (req->params, name);
}

static const char *
param_str (Request    *req,
           const char *name)
{
  const MsJsonValue *value = param (req, name);

  if (value == NULL || ms_json_value_get_value_type (value) != MS_JSON_STRING)
    return NULL;
  return ms_json_value_get_string (value, NULL);
}

/* A label may be a string or a number (invoice.json: "treated as a string"). */
static char *
param_label (Request *req)
{
  const MsJsonValue *value = param (req, "label");
  const char *raw;
  gsize len;

  if (value == NULL)
    return NULL;
  if (ms_json_value_get_value_type (value) == MS_JSON_STRING)
    return g_strdup (ms_json_value_get_string (value, NULL));
  raw = ms_json_value_get_raw (value, &len);
  return g_strndup (raw, len);
}

/* A u64 parameter (checked by the schema already); @fallback when absent. */
static guint64
param_u64 (Request    *req,
           const char *name,
           guint64     fallback)
{
  const MsJsonValue *value = param (req, name);
  const char *raw;
  gsize len;
  g_autofree char *text = NULL;
  guint64 n;

  if (value == NULL)
    return fallback;
  raw = ms_json_value_get_raw (value, &len);
  text = g_strndup (raw, len);
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &n, NULL))
    return fallback;
  return n;
}

static gboolean
param_hash (Request    *req,
            const char *name,
            guint8      out[32])
{
  const char *hex = param_str (req, name);

  return hex != NULL && strlen (hex) == 64 && ms_hex_decode_into (hex, 64, out, 32, NULL);
}

/* Requests and answers. */

static Conn *
conn_ref (Conn *conn)
{
  g_ref_count_inc (&conn->ref_count);
  return conn;
}

static void
conn_unref (Conn *conn)
{
  if (!g_ref_count_dec (&conn->ref_count))
    return;

  g_clear_object (&conn->stream);
  g_clear_object (&conn->cancellable);
  g_byte_array_unref (conn->in);
  g_queue_clear_full (&conn->out, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&conn->writing, g_bytes_unref);
  g_free (conn);
}

static void
request_free (Request *req)
{
  g_clear_handle_id (&req->timer, g_source_remove);
  if (req->msg != NULL)
    g_signal_handlers_disconnect_by_data (req->msg, req);
  g_clear_object (&req->msg);
  g_clear_pointer (&req->conn, conn_unref);
  g_clear_pointer (&req->doc, ms_json_document_free);
  g_free (req->method);
  g_free (req->id);
  g_free (req);
}

static void conn_write (Conn   *conn,
                        GBytes *bytes);

static void
rpc_send (Request    *req,
          const char *member,
          GString    *body)
{
  GString *out = g_string_new ("{\"jsonrpc\":\"2.0\",\"id\":");

  g_string_append (out, req->id != NULL ? req->id : "null");
  g_string_append_printf (out, ",\"%s\":", member);
  g_string_append_len (out, body->str, body->len);
  g_string_append (out, "}\n\n");
  conn_write (req->conn, g_string_free_to_bytes (out));
}

static void
rest_send (Request    *req,
           guint       status,
           GString    *body)
{
  if (req->gone)
    return;

  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, "application/json", SOUP_MEMORY_COPY, body->str,
                                    body->len);
  if (req->paused)
    soup_server_message_unpause (req->msg);
  req->paused = FALSE;
}

/* The connection goes away without an answer, as when lightningd dies mid-call. */
static void
answer_drop (Request *req)
{
  if (req->conn != NULL)
    conn_close (req->conn);
  else if (!req->gone)
    {
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (req->msg);

      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
      req->gone = TRUE;
    }
  request_free (req);
}

/* Sent as is, for replies a real node would never give. */
static void
answer_raw (Request    *req,
            const char *bytes)
{
  g_autoptr(GString) body = g_string_new (bytes);

  if (req->conn != NULL)
    {
      g_string_append (body, "\n\n");
      conn_write (req->conn, g_string_free_to_bytes (g_steal_pointer (&body)));
    }
  else
    rest_send (req, 201, body);
  request_free (req);
}

/* rest.md: 201 and the bare result; JSON-RPC: the result in its envelope. */
static void
send_result (Request *req,
             GString *result)
{
  if (req->fake->drop_next != NULL && strcmp (req->fake->drop_next, req->method) == 0)
    {
      g_clear_pointer (&req->fake->drop_next, g_free);
      answer_drop (req);
      return;
    }

  if (req->fake->legacy)
    to_legacy_amounts (result);
  if (req->conn != NULL)
    rpc_send (req, "result", result);
  else
    rest_send (req, 201, result);
  request_free (req);
}

/* Every answer is checked against the response schema before it leaves. */
static void
answer_result (Request *req,
               GString *result)
{
  g_autoptr(GString) owned = result;
  g_autoptr(MsJsonDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  ClnSchema *schema = g_hash_table_lookup (req->fake->schemas, req->method);

  doc = ms_json_document_parse (result->str, result->len, &error);
  if (doc == NULL || !cln_schema_validate_response (schema, ms_json_document_get_root (doc),
                                                    &error))
    violation (req->fake, "our %s answer breaks the response schema: %s", req->method,
               error->message);
  send_result (req, result);
}

/* rest.md: unknown method 404, missing rune 403, refused rune 401, others 500. */
static guint
rest_status_for (gint64 code)
{
  switch (code)
    {
    case -32601:
      return 404;
    case 1501:
      return 403;
    case 1502:
    case 1503:
      return 401;
    default:
      return 500;
    }
}

static void
answer_error (Request    *req,
              gint64      code,
              const char *message,
              const char *data)
{
  g_autoptr(GString) body = g_string_new ("{");

  key (body, "code");
  ms_json_append_int64 (body, code);
  put_str (body, "message", message);
  if (data != NULL)
    {
      key (body, "data");
      g_string_append (body, data);
    }
  g_string_append_c (body, '}');

  if (req->conn != NULL)
    rpc_send (req, "error", body);
  else
    rest_send (req, rest_status_for (code), body);
  request_free (req);
}

/* Lightningd's answer to parameters it cannot take; a client must never send them. */
static void
answer_invalid (Request    *req,
                const char *message)
{
  violation (req->fake, "%s: invalid params: %s", req->method, message);
  answer_error (req, -32602, message, NULL);
}

/* The books. */

static void
invoice_free (Invoice *inv)
{
  g_free (inv->label);
  g_free (inv->bolt11);
  g_free (inv->description);
  g_free (inv);
}

static void
pay_free (Pay *pay)
{
  g_free (pay->bolt11);
  g_free (pay->destination);
  g_free (pay);
}

static Invoice *
find_invoice (FakeCln      *fake,
              const guint8 *hash,
              const char   *label)
{
  for (guint i = 0; i < fake->invoices->len; i++)
    {
      Invoice *inv = g_ptr_array_index (fake->invoices, i);

      if ((hash != NULL && memcmp (inv->hash, hash, 32) == 0) ||
          (label != NULL && strcmp (inv->label, label) == 0))
        return inv;
    }
  return NULL;
}

static const char *
invoice_status (Invoice *inv)
{
  if (inv->paid)
    return "paid";
  return now_s () > inv->expires_at ? "expired" : "unpaid";
}

/* As listinvoices shows one (also waitanyinvoice and delinvoice). */
static void
write_invoice (GString *o,
               Invoice *inv)
{
  g_string_append_c (o, '{');
  put_str (o, "label", inv->label);
  put_str (o, "bolt11", inv->bolt11);
  put_hex (o, "payment_hash", inv->hash);
  if (inv->has_amount)
    put_u64 (o, "amount_msat", inv->amount_msat);
  put_str (o, "status", invoice_status (inv));
  if (inv->description != NULL)
    put_str (o, "description", inv->description);
  put_u64 (o, "expires_at", inv->expires_at);
  put_u64 (o, "created_index", inv->created_index);
  if (inv->updated_index > 0)
    put_u64 (o, "updated_index", inv->updated_index);
  if (inv->paid)
    {
      put_u64 (o, "pay_index", inv->pay_index);
      put_u64 (o, "amount_received_msat", inv->amount_received_msat);
      put_u64 (o, "paid_at", inv->paid_at);
      put_hex (o, "payment_preimage", inv->preimage);
    }
  g_string_append_c (o, '}');
}

static Invoice *
next_paid (FakeCln *fake,
           guint64  after)
{
  Invoice *best = NULL;

  for (guint i = 0; i < fake->invoices->len; i++)
    {
      Invoice *inv = g_ptr_array_index (fake->invoices, i);

      if (inv->paid && inv->pay_index > after && (best == NULL || inv->pay_index < best->pay_index))
        best = inv;
    }
  return best;
}

static void
answer_waiter (Request *req,
               Invoice *inv)
{
  GString *o = g_string_new (NULL);

  write_invoice (o, inv);
  answer_result (req, o);
}

/* waitanyinvoice callers that can now be answered. */
static void
wake_waiters (FakeCln *fake)
{
  for (guint i = 0; i < fake->waiters->len;)
    {
      Request *req = g_ptr_array_index (fake->waiters, i);
      Invoice *inv = next_paid (fake, req->lastpay_index);

      if (inv == NULL)
        {
          i++;
          continue;
        }
      g_ptr_array_remove_index (fake->waiters, i);
      answer_waiter (req, inv);
    }
}

static void
settle (FakeCln *fake,
        Invoice *inv,
        guint64  amount_msat)
{
  inv->paid = TRUE;
  inv->pay_index = ++fake->next_pay_index;
  inv->updated_index = ++fake->next_invoice_update;
  inv->amount_received_msat = amount_msat;
  inv->paid_at = now_s ();
  wake_waiters (fake);
}

static char *
make_bolt11 (const guint8 *key,
             Invoice      *inv,
             gint64        timestamp,
             gboolean      deschash)
{
  g_autoptr(GError) error = NULL;
  MsBolt11Params params = { 0 };
  guint8 digest[32];
  char *bolt11;

  params.currency = CURRENCY;
  params.has_amount = inv->has_amount;
  params.amount_msat = inv->amount_msat;
  params.timestamp = timestamp;
  params.payment_hash = inv->hash;
  params.payment_secret = inv->secret;
  params.expiry = inv->expires_at - timestamp;
  if (deschash)
    {
      /* invoice.json: "the bolt11 returned contains a hash of the description". */
      ms_sha256 (inv->description, strlen (inv->description), digest);
      params.description_hash = digest;
    }
  else
    params.description = inv->description;

  bolt11 = ms_bolt11_encode (&params, key, &error);
  g_assert_no_error (error);
  return bolt11;
}

/* getinfo: the example, with our node id, color and block height. */
static void
handle_getinfo (FakeCln *fake,
                Request *req)
{
  ClnSchema *schema = g_hash_table_lookup (fake->schemas, "getinfo");
  const MsJsonValue *example = ms_json_array_get_element (cln_schema_get_examples (schema), 0);
  const MsJsonValue *response = ms_json_object_get_member (example, "response");
  GString *o = g_string_new ("{");

  for (guint i = 0; i < ms_json_value_get_length (response); i++)
    {
      const char *name = ms_json_object_get_key (response, i, NULL);

      if (strcmp (name, "id") == 0)
        put_str (o, "id", fake->node_id);
      else if (strcmp (name, "color") == 0)
        {
          char color[7];

          memcpy (color, fake->node_id, 6);
          color[6] = '\0';
          put_str (o, "color", color);
        }
      else
        {
          key (o, name);
          write_value (o, ms_json_object_get_value_at (response, i));
        }
    }
  g_string_append_c (o, '}');
  answer_result (req, o);
}

static gboolean
channel_selected (Request           *req,
                  const MsJsonValue *channel)
{
  static const char * const filters[][2] = {
    { "id", "peer_id" },
    { "short_channel_id", "short_channel_id" },
    { "channel_id", "channel_id" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      const char *wanted = param_str (req, filters[i][0]);
      const MsJsonValue *have = ms_json_object_get_member (channel, filters[i][1]);

      if (wanted != NULL && (have == NULL ||
                             strcmp (ms_json_value_get_string (have, NULL), wanted) != 0))
        return FALSE;
    }
  return TRUE;
}

/* listpeerchannels: the channels of the example that lists them all (example 2). */
static void
handle_listpeerchannels (FakeCln *fake,
                         Request *req)
{
  ClnSchema *schema = g_hash_table_lookup (fake->schemas, "listpeerchannels");
  const MsJsonValue *example = ms_json_array_get_element (cln_schema_get_examples (schema), 1);
  const MsJsonValue *channels = ms_json_object_get_member (ms_json_object_get_member (example,
                                                                                      "response"),
                                                           "channels");
  GString *o = g_string_new ("{\"channels\":[");

  for (guint i = 0; i < ms_json_value_get_length (channels); i++)
    {
      const MsJsonValue *channel = ms_json_array_get_element (channels, i);

      if (!channel_selected (req, channel))
        continue;
      comma (o);
      write_value (o, channel);
    }
  g_string_append (o, "]}");
  answer_result (req, o);
}

/* invoice.json: amount_msat is msat_or_any, "any" making an amountless invoice. */
static gboolean
read_amount (Request  *req,
             gboolean *has_amount,
             guint64  *amount_msat)
{
  const MsJsonValue *value = param (req, "amount_msat");
  const char *str = param_str (req, "amount_msat");

  *has_amount = !(str != NULL && strcmp (str, "any") == 0);
  if (!*has_amount)
    return TRUE;
  return cln_schema_parse_msat (value, amount_msat) && *amount_msat > 0;
}

static Invoice *
new_invoice (FakeCln *fake,
             Request *req,
             char    *label)
{
  guint64 expiry = MIN (param_u64 (req, "expiry", DEFAULT_EXPIRY), G_MAXINT32);
  Invoice *inv = g_new0 (Invoice, 1);

  inv->label = label;
  inv->description = g_strdup (param_str (req, "description"));
  inv->expires_at = now_s () + expiry;
  ms_random_bytes (inv->secret, 32);
  return inv;
}

static void
handle_invoice (FakeCln *fake,
                Request *req)
{
  g_autofree char *label = param_label (req);
  const char *preimage_hex = param_str (req, "preimage");
  const MsJsonValue *deschash;
  Invoice *inv;
  GString *o;
  gboolean has_amount;
  guint64 amount = 0;

  if (!read_amount (req, &has_amount, &amount))
    return answer_invalid (req, "amount_msat: should be a positive msat amount or 'any'");
  if (find_invoice (fake, NULL, label) != NULL)
    return answer_error (req, 900, "Duplicate label", NULL);

  inv = new_invoice (fake, req, g_steal_pointer (&label));
  inv->has_amount = has_amount;
  inv->amount_msat = amount;
  if (preimage_hex == NULL)
    ms_random_key_bytes (inv->preimage, 32);
  else if (strlen (preimage_hex) != 64 ||
           !ms_hex_decode_into (preimage_hex, 64, inv->preimage, 32, NULL))
    {
      invoice_free (inv);
      return answer_invalid (req, "preimage: should be a 32 byte hex value");
    }
  ms_sha256 (inv->preimage, 32, inv->hash);
  if (find_invoice (fake, inv->hash, NULL) != NULL)
    {
      invoice_free (inv);
      return answer_error (req, 901, "preimage already used", NULL);
    }

  deschash = param (req, "deschashonly");
  inv->bolt11 = make_bolt11 (fake->node_key, inv, now_s (),
                             deschash != NULL && ms_json_value_get_boolean (deschash));
  inv->created_index = ++fake->next_invoice_index;
  g_ptr_array_add (fake->invoices, inv);

  o = g_string_new ("{");
  put_hex (o, "payment_hash", inv->hash);
  put_u64 (o, "expires_at", inv->expires_at);
  put_str (o, "bolt11", inv->bolt11);
  put_hex (o, "payment_secret", inv->secret);
  put_u64 (o, "created_index", inv->created_index);
  g_string_append_c (o, '}');
  answer_result (req, o);
}

/* Payments. */

static void
write_pay_result (GString *o,
                  Pay     *pay,
                  gboolean xpay)
{
  g_string_append_c (o, '{');
  put_hex (o, "payment_preimage", pay->preimage);
  if (xpay)
    {
      put_u64 (o, "failed_parts", 0);
      put_u64 (o, "successful_parts", 1);
    }
  else
    {
      put_str (o, "destination", pay->destination);
      put_hex (o, "payment_hash", pay->hash);
      put_u64 (o, "created_at", pay->created_at);
      put_u64 (o, "parts", 1);
      put_str (o, "status", "complete");
    }
  put_u64 (o, "amount_msat", pay->amount_msat);
  put_u64 (o, "amount_sent_msat", pay->amount_sent_msat);
  g_string_append_c (o, '}');
}

static Pay *
find_pay (FakeCln      *fake,
          const guint8 *hash)
{
  for (guint i = 0; i < fake->pays->len; i++)
    {
      Pay *pay = g_ptr_array_index (fake->pays, i);

      if (memcmp (pay->hash, hash, 32) == 0 && strcmp (pay->status, "failed") != 0)
        return pay;
    }
  return NULL;
}

static Pay *
new_pay (FakeCln    *fake,
         const char *bolt11,
         MsBolt11   *invoice,
         guint64     amount_msat)
{
  Pay *pay = g_new0 (Pay, 1);

  pay->bolt11 = g_strdup (bolt11);
  pay->destination = g_strdup (ms_bolt11_get_payee_hex (invoice));
  pay->status = "pending";
  memcpy (pay->hash, ms_bolt11_get_payment_hash (invoice), 32);
  pay->amount_msat = amount_msat;
  pay->created_at = now_s ();
  pay->created_index = pay->updated_index = ++fake->next_payment_index;
  g_ptr_array_add (fake->pays, pay);
  return pay;
}

static void
complete_pay (FakeCln *fake,
              Request *req)
{
  Pay *pay = req->pay;

  pay->status = "complete";
  pay->completed_at = now_s ();
  pay->updated_index = ++fake->next_payment_index;
  if (pay->own != NULL)
    settle (fake, pay->own, pay->amount_msat);

  if (req->gone || (req->conn != NULL && req->conn->closed))
    request_free (req);
  else
    {
      GString *o = g_string_new (NULL);

      write_pay_result (o, pay, strcmp (req->method, "xpay") == 0);
      answer_result (req, o);
    }
}

static gboolean
delayed_pay_cb (gpointer user_data)
{
  Request *req = user_data;

  req->timer = 0;
  g_ptr_array_remove (req->fake->delayed, req);
  complete_pay (req->fake, req);
  return G_SOURCE_REMOVE;
}

/* Where the payment goes: our own invoice, a remote one, or nowhere (NULL preimage). */
static const guint8 *
route (FakeCln      *fake,
       const guint8 *hash,
       Invoice     **own)
{
  *own = find_invoice (fake, hash, NULL);
  if (*own != NULL)
    return (*own)->paid ? NULL : (*own)->preimage;

  for (guint i = 0; i < fake->remotes->len; i++)
    {
      Remote *remote = g_ptr_array_index (fake->remotes, i);

      if (memcmp (remote->hash, hash, 32) == 0)
        return remote->preimage;
    }
  return NULL;
}

/* pay.json: "Once a payment has succeeded, calls to pay with the same bolt11 will succeed
 * immediately"; xpay says 219. One in flight is 200 for both. */
static gboolean
answer_earlier (Request *req,
                Pay     *earlier)
{
  GString *o;

  if (earlier == NULL)
    return FALSE;
  if (strcmp (earlier->status, "pending") == 0)
    answer_error (req, 200, "Already have pending payment for this payment_hash", NULL);
  else if (strcmp (req->method, "xpay") == 0)
    answer_error (req, 219, "Already paid this invoice", NULL);
  else
    {
      o = g_string_new (NULL);
      write_pay_result (o, earlier, FALSE);
      answer_result (req, o);
    }
  return TRUE;
}

static gboolean
read_pay_amount (Request  *req,
                 MsBolt11 *invoice,
                 guint64  *amount_msat)
{
  const MsJsonValue *value = param (req, "amount_msat");

  if (ms_bolt11_has_amount (invoice))
    {
      *amount_msat = ms_bolt11_get_amount_msat (invoice);
      if (value == NULL)
        return TRUE;
      answer_invalid (req, "amount_msat: parameter unnecessary");
      return FALSE;
    }
  if (value != NULL && cln_schema_parse_msat (value, amount_msat) && *amount_msat > 0)
    return TRUE;
  answer_invalid (req, "amount_msat: parameter required");
  return FALSE;
}

static void
send_payment (FakeCln      *fake,
              Request      *req,
              Pay          *pay,
              const guint8 *preimage,
              guint64       fee)
{
  memcpy (pay->preimage, preimage, 32);
  pay->amount_sent_msat = pay->amount_msat + fee;
  req->pay = pay;

  if (fake->pay_delay_ms == 0)
    return complete_pay (fake, req);

  req->timer = g_timeout_add (fake->pay_delay_ms, delayed_pay_cb, req);
  g_ptr_array_add (fake->delayed, req);
}

static void
handle_pay (FakeCln *fake,
            Request *req)
{
  gboolean xpay = strcmp (req->method, "xpay") == 0;
  const char *bolt11 = param_str (req, xpay ? "invstring" : "bolt11");
  const MsJsonValue *maxfee = param (req, "maxfee");
  g_autoptr(MsBolt11) invoice = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *preimage;
  Invoice *own = NULL;
  guint64 amount, fee, limit = G_MAXUINT64;
  Pay *pay;

  if (maxfee != NULL && !cln_schema_parse_msat (maxfee, &limit))
    return answer_invalid (req, "maxfee: should be a millisatoshi amount");
  fake->last_maxfee = limit;

  invoice = ms_bolt11_decode (bolt11, strlen (bolt11), MS_BOLT11_DECODE_NONE, &error);
  if (invoice == NULL)
    return answer_error (req, -32602, error->message, NULL);
  if (!read_pay_amount (req, invoice, &amount))
    return;
  if (ms_bolt11_is_expired (invoice, now_s ()))
    return answer_error (req, 207, "Invoice expired", NULL);
  if (answer_earlier (req, find_pay (fake, ms_bolt11_get_payment_hash (invoice))))
    return;

  preimage = route (fake, ms_bolt11_get_payment_hash (invoice), &own);
  fee = own != NULL ? 0 : FEE_BASE_MSAT + amount * FEE_PPM / 1000000;
  if (fee > limit)
    return answer_error (req, xpay ? 209 : 206, "Fee exceeds our fee budget", NULL);

  pay = new_pay (fake, bolt11, invoice, amount);
  if (preimage == NULL)
    {
      /* The destination does not know the hash: incorrect_or_unknown_payment_details. */
      pay->status = "failed";
      pay->amount_sent_msat = amount + fee;
      return answer_error (req, 203, "Destination said it doesn't know invoice: "
                           "incorrect_or_unknown_payment_details", NULL);
    }

  pay->own = own;
  send_payment (fake, req, pay, preimage, fee);
}

static void
write_pay_entry (GString *o,
                 Pay     *pay)
{
  g_string_append_c (o, '{');
  put_u64 (o, "created_index", pay->created_index);
  put_u64 (o, "updated_index", pay->updated_index);
  put_hex (o, "payment_hash", pay->hash);
  put_str (o, "status", pay->status);
  put_str (o, "destination", pay->destination);
  put_u64 (o, "created_at", pay->created_at);
  put_str (o, "bolt11", pay->bolt11);
  if (strcmp (pay->status, "complete") == 0)
    {
      put_u64 (o, "completed_at", pay->completed_at);
      put_hex (o, "preimage", pay->preimage);
      put_u64 (o, "number_of_parts", 1);
    }
  /* listpays.json: a failed entry names what was sent, not what arrived. */
  if (strcmp (pay->status, "failed") != 0)
    put_u64 (o, "amount_msat", pay->amount_msat);
  put_u64 (o, "amount_sent_msat", pay->amount_sent_msat);
  g_string_append_c (o, '}');
}

static void
handle_listpays (FakeCln *fake,
                 Request *req)
{
  const char *bolt11 = param_str (req, "bolt11");
  const char *status = param_str (req, "status");
  guint8 hash[32];
  gboolean by_hash = param_hash (req, "payment_hash", hash);
  GString *o = g_string_new ("{\"pays\":[");

  if (param (req, "payment_hash") != NULL && !by_hash)
    {
      g_string_free (o, TRUE);
      return answer_invalid (req, "payment_hash: should be a 32 byte hash");
    }

  for (guint i = 0; i < fake->pays->len; i++)
    {
      Pay *pay = g_ptr_array_index (fake->pays, i);

      if ((bolt11 != NULL && strcmp (bolt11, pay->bolt11) != 0) ||
          (by_hash && memcmp (hash, pay->hash, 32) != 0) ||
          (status != NULL && strcmp (status, pay->status) != 0))
        continue;
      comma (o);
      write_pay_entry (o, pay);
    }
  g_string_append (o, "]}");
  answer_result (req, o);
}

static void
handle_listinvoices (FakeCln *fake,
                     Request *req)
{
  g_autofree char *label = param_label (req);
  const char *invstring = param_str (req, "invstring");
  const char *hex = param_str (req, "payment_hash");
  guint8 hash[32];
  GString *o;

  if (hex != NULL && !param_hash (req, "payment_hash", hash))
    return answer_invalid (req, "payment_hash: should be a 32 byte hash");

  o = g_string_new ("{\"invoices\":[");
  for (guint i = 0; i < fake->invoices->len; i++)
    {
      Invoice *inv = g_ptr_array_index (fake->invoices, i);

      if ((label != NULL && strcmp (label, inv->label) != 0) ||
          (invstring != NULL && strcmp (invstring, inv->bolt11) != 0) ||
          (hex != NULL && memcmp (hash, inv->hash, 32) != 0) ||
          param (req, "offer_id") != NULL)
        continue;
      comma (o);
      write_invoice (o, inv);
    }
  g_string_append (o, "]}");
  answer_result (req, o);
}

static void
handle_delinvoice (FakeCln *fake,
                   Request *req)
{
  g_autofree char *label = param_label (req);
  const char *status = param_str (req, "status");
  const MsJsonValue *desconly = param (req, "desconly");
  Invoice *inv = find_invoice (fake, NULL, label);
  g_autofree char *data = NULL;
  GString *o;

  if (inv == NULL)
    return answer_error (req, 905, "Unknown invoice", NULL);
  if (strcmp (status, invoice_status (inv)) != 0)
    {
      data = g_strdup_printf ("{\"current_status\":\"%s\",\"expected_status\":\"%s\"}",
                              invoice_status (inv), status);
      return answer_error (req, 906, "Invoice status is not the expected one", data);
    }

  o = g_string_new (NULL);
  if (desconly != NULL && ms_json_value_get_boolean (desconly))
    {
      g_clear_pointer (&inv->description, g_free);
      write_invoice (o, inv);
      return answer_result (req, o);
    }

  write_invoice (o, inv);
  g_ptr_array_remove (fake->invoices, inv);
  answer_result (req, o);
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  Request *req = user_data;

  req->timer = 0;
  g_ptr_array_remove (req->fake->waiters, req);
  answer_error (req, 904, "Timed out", NULL);
  return G_SOURCE_REMOVE;
}

static void
handle_waitanyinvoice (FakeCln *fake,
                       Request *req)
{
  guint64 timeout = param_u64 (req, "timeout", G_MAXUINT64);
  Invoice *inv;

  /* waitanyinvoice.json: "0 is equivalent to not specifying". */
  req->lastpay_index = param_u64 (req, "lastpay_index", 0);
  inv = next_paid (fake, req->lastpay_index);
  if (inv != NULL)
    return answer_waiter (req, inv);

  if (timeout == 0)
    return answer_error (req, 904, "Timed out", NULL);
  if (timeout <= G_MAXUINT32)
    req->timer = g_timeout_add_seconds (timeout, wait_timeout_cb, req);
  g_ptr_array_add (fake->waiters, req);
}

static Handler
handler_for (const char *method)
{
  if (strcmp (method, "getinfo") == 0)
    return handle_getinfo;
  if (strcmp (method, "listpeerchannels") == 0)
    return handle_listpeerchannels;
  if (strcmp (method, "invoice") == 0)
    return handle_invoice;
  if (strcmp (method, "xpay") == 0 || strcmp (method, "pay") == 0)
    return handle_pay;
  if (strcmp (method, "listpays") == 0)
    return handle_listpays;
  if (strcmp (method, "listinvoices") == 0)
    return handle_listinvoices;
  if (strcmp (method, "delinvoice") == 0)
    return handle_delinvoice;
  if (strcmp (method, "waitanyinvoice") == 0)
    return handle_waitanyinvoice;
  return NULL;
}

static gboolean
take_injected (FakeCln *fake,
               Request *req)
{
  g_autofree char *method = NULL;
  g_autofree char *raw = NULL;

  if (g_hash_table_steal_extended (fake->raw_replies, req->method, (gpointer *) &method,
                                   (gpointer *) &raw))
    {
      answer_raw (req, raw);
      return TRUE;
    }
  if (g_hash_table_steal_extended (fake->raw_results, req->method, (gpointer *) &method,
                                   (gpointer *) &raw))
    {
      g_autoptr(GString) result = g_string_new (raw);

      send_result (req, result);
      return TRUE;
    }
  return FALSE;
}

/* Every request, whichever transport brought it: counted, checked, answered. */
static void
handle (FakeCln *fake,
        Request *req)
{
  ClnSchema *schema = g_hash_table_lookup (fake->schemas, req->method);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (fake->n_calls, req->method));

  g_hash_table_insert (fake->n_calls, g_strdup (req->method), GUINT_TO_POINTER (n + 1));
  if (schema == NULL || g_hash_table_contains (fake->missing, req->method))
    {
      message = g_strdup_printf ("Unknown command '%s'", req->method);
      return answer_error (req, -32601, message, NULL);
    }

  if (!cln_schema_validate_request (schema, req->params, &error))
    return answer_invalid (req, error->message);
  if (fake->hang_next != NULL && strcmp (fake->hang_next, req->method) == 0)
    {
      g_clear_pointer (&fake->hang_next, g_free);
      g_ptr_array_add (fake->hung, req);
      return;
    }
  if (take_injected (fake, req))
    return;

  handler_for (req->method) (fake, req);
}

/* JSON-RPC over the unix socket. */

static void conn_flush (Conn *conn);

static void
conn_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Conn *conn = user_data;
  gboolean ok;

  ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
  g_clear_pointer (&conn->writing, g_bytes_unref);
  if (!ok)
    conn_close (conn);
  else
    conn_flush (conn);
  conn_unref (conn);
}

static void
conn_flush (Conn *conn)
{
  gconstpointer data;
  gsize len;

  if (conn->closed || conn->writing != NULL || g_queue_is_empty (&conn->out))
    return;

  conn->writing = g_queue_pop_head (&conn->out);
  data = g_bytes_get_data (conn->writing, &len);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (conn->stream)),
                                   data, len, G_PRIORITY_DEFAULT, conn->cancellable,
                                   conn_written_cb, conn_ref (conn));
}

static void
conn_write (Conn   *conn,
            GBytes *bytes)
{
  if (conn->closed)
    {
      g_bytes_unref (bytes);
      return;
    }
  g_queue_push_tail (&conn->out, bytes);
  conn_flush (conn);
}

/* Requests of a connection that went away are answered nowhere. */
static void
forget_requests_of (FakeCln *fake,
                    Conn    *conn)
{
  for (guint i = 0; i < fake->waiters->len;)
    {
      Request *req = g_ptr_array_index (fake->waiters, i);

      if (req->conn == conn)
        {
          g_ptr_array_remove_index (fake->waiters, i);
          request_free (req);
        }
      else
        i++;
    }
}

static void
conn_close (Conn *conn)
{
  if (conn->closed)
    return;

  conn->closed = TRUE;
  g_cancellable_cancel (conn->cancellable);
  g_io_stream_close (G_IO_STREAM (conn->stream), NULL, NULL);
  if (conn->fake != NULL)
    {
      conn->fake->conns = g_list_remove (conn->fake->conns, conn);
      forget_requests_of (conn->fake, conn);
      conn->fake = NULL;
      conn_unref (conn);
    }
}

/*
 * lightningd reads its socket as consecutive JSON objects with no delimiter
 * (lightningd/jsonrpc.c, read_json): the length of the object at the start
 * of @data, 0 while it is incomplete, -1 when it is not an object.
 */
static gssize
object_extent (const guint8 *data,
               gsize         len)
{
  gboolean in_string = FALSE, escaped = FALSE;
  guint depth = 0;
  gsize i = 0;

  while (i < len && g_ascii_isspace (data[i]))
    i++;
  if (i == len)
    return 0;
  if (data[i] != '{')
    return -1;

  for (; i < len; i++)
    {
      guint8 c = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && --depth == 0)
        return i + 1;
    }
  return 0;
}

/* jsonrpc.c json_command_malformed: "id": null, -32600, then lightningd hangs up. */
static void
malformed (Conn       *conn,
           const char *why)
{
  g_autoptr(GString) body = g_string_new (NULL);
  Request req = { 0 };

  violation (conn->fake, "malformed JSON-RPC request: %s", why);
  req.conn = conn;
  g_string_printf (body, "{\"code\":-32600,\"message\":");
  ms_json_append_string (body, why, -1);
  g_string_append_c (body, '}');
  rpc_send (&req, "error", body);
  conn_close (conn);
}

static Request *
rpc_request (Conn              *conn,
             MsJsonDocument    *doc,
             const MsJsonValue *id,
             const char        *method,
             const MsJsonValue *params)
{
  Request *req = g_new0 (Request, 1);
  const char *raw;
  gsize len;

  raw = ms_json_value_get_raw (id, &len);
  req->fake = conn->fake;
  req->conn = conn_ref (conn);
  req->id = g_strndup (raw, len);
  req->method = g_strdup (method);
  req->doc = doc;
  req->params = params;
  return req;
}

/* The JSON-RPC 2.0 envelope, as lightningd's parse_request checks it. */
static void
rpc_dispatch (Conn           *conn,
              MsJsonDocument *doc)
{
  const MsJsonValue *root = ms_json_document_get_root (doc);
  const MsJsonValue *id = ms_json_object_get_member (root, "id");
  const MsJsonValue *jsonrpc = ms_json_object_get_member (root, "jsonrpc");
  const MsJsonValue *method = ms_json_object_get_member (root, "method");
  const MsJsonValue *params = ms_json_object_get_member (root, "params");
  Request *req;

  if (id == NULL || (ms_json_value_get_value_type (id) != MS_JSON_STRING &&
                     ms_json_value_get_value_type (id) != MS_JSON_INTEGER))
    {
      ms_json_document_free (doc);
      return malformed (conn, "Expected id");
    }
  if (method == NULL || ms_json_value_get_value_type (method) != MS_JSON_STRING)
    {
      ms_json_document_free (doc);
      return malformed (conn, "Expected method");
    }

  req = rpc_request (conn, doc, id, ms_json_value_get_string (method, NULL), params);
  if (jsonrpc == NULL || ms_json_value_get_value_type (jsonrpc) != MS_JSON_STRING ||
      strcmp (ms_json_value_get_string (jsonrpc, NULL), "2.0") != 0)
    {
      violation (conn->fake, "a request without \"jsonrpc\": \"2.0\"");
      return answer_error (req, -32600, "jsonrpc: \"2.0\" must be specified in the request",
                           NULL);
    }
  if (params == NULL || ms_json_value_get_value_type (params) != MS_JSON_OBJECT)
    {
      /* Arrays are legal JSON-RPC, but the README has clients name their parameters. */
      violation (conn->fake, "%s: params missing or not an object", req->method);
      return answer_error (req, -32602, "params: expected an object", NULL);
    }

  handle (conn->fake, req);
}

static void
conn_consume (Conn *conn)
{
  while (!conn->closed)
    {
      gssize extent = object_extent (conn->in->data, conn->in->len);
      MsJsonDocument *doc;

      if (extent == 0)
        return;
      if (extent < 0)
        return malformed (conn, "Invalid JSON: not an object");

      doc = ms_json_document_parse ((const char *) conn->in->data, extent, NULL);
      g_byte_array_remove_range (conn->in, 0, extent);
      if (doc == NULL)
        return malformed (conn, "Invalid JSON");
      rpc_dispatch (conn, doc);
    }
}

static void conn_read (Conn *conn);

static void
conn_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Conn *conn = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0)
    conn_close (conn);
  else
    {
      g_byte_array_append (conn->in, conn->buf, n);
      conn_consume (conn);
      conn_read (conn);
    }
  conn_unref (conn);
}

static void
conn_read (Conn *conn)
{
  if (conn->closed)
    return;

  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (conn->stream)),
                             conn->buf, sizeof conn->buf, G_PRIORITY_DEFAULT, conn->cancellable,
                             conn_read_cb, conn_ref (conn));
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *stream,
             GObject           *source,
             FakeCln           *fake)
{
  Conn *conn = g_new0 (Conn, 1);

  g_ref_count_init (&conn->ref_count);
  conn->fake = fake;
  conn->stream = g_object_ref (stream);
  conn->cancellable = g_cancellable_new ();
  conn->in = g_byte_array_new ();
  g_queue_init (&conn->out);
  fake->conns = g_list_prepend (fake->conns, conn);
  conn_read (conn);
  return TRUE;
}

static gboolean
start_rpc (FakeCln  *fake,
           GError  **error)
{
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (fake->socket_path);

  g_unlink (fake->socket_path);
  fake->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (fake->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL,
                                      NULL, error))
    {
      g_clear_object (&fake->service);
      return FALSE;
    }
  g_signal_connect (fake->service, "incoming", G_CALLBACK (incoming_cb), fake);
  g_socket_service_start (fake->service);
  return TRUE;
}

static void
stop_rpc (FakeCln *fake)
{
  if (fake->service == NULL)
    return;

  g_socket_service_stop (fake->service);
  g_socket_listener_close (G_SOCKET_LISTENER (fake->service));
  g_clear_object (&fake->service);
  g_unlink (fake->socket_path);
  while (fake->conns != NULL)
    conn_close (fake->conns->data);
}

/* CLNRest. */

static void
rest_refuse (SoupServerMessage *msg,
             guint              status,
             gint64             code,
             const char        *message)
{
  g_autoptr(GString) body = g_string_new (NULL);

  g_string_printf (body, "{\"code\":%" G_GINT64_FORMAT ",\"message\":", code);
  ms_json_append_string (body, message, -1);
  g_string_append_c (body, '}');
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body->str,
                                    body->len);
}

/* checkrune, as CLNRest runs it before every call (rest.md). */
static gboolean
rune_accepted (FakeCln           *fake,
               SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *rune = soup_message_headers_get_one (headers, "Rune");
  g_autofree char *message = NULL;

  if (rune == NULL)
    {
      rest_refuse (msg, 403, 1501, "Not authorized: Missing rune");
      return FALSE;
    }
  if (strcmp (rune, FAKE_CLN_RUNE) != 0)
    {
      message = fake->quote_rune ? g_strdup_printf ("Not authorized: %s is not derived from "
                                                    "master", rune)
                                 : g_strdup ("Not authorized: Not derived from master");
      rest_refuse (msg, 401, 1502, message);
      return FALSE;
    }
  return TRUE;
}

static void
rest_gone_cb (SoupServerMessage *msg,
              Request           *req)
{
  req->gone = TRUE;
}

static Request *
rest_request (FakeCln           *fake,
              SoupServerMessage *msg,
              const char        *method,
              MsJsonDocument    *doc)
{
  Request *req = g_new0 (Request, 1);

  req->fake = fake;
  req->msg = g_object_ref (msg);
  req->method = g_strdup (method);
  req->doc = doc;
  req->params = ms_json_document_get_root (doc);
  g_signal_connect (msg, "disconnected", G_CALLBACK (rest_gone_cb), req);
  g_signal_connect (msg, "finished", G_CALLBACK (rest_gone_cb), req);
  return req;
}

/* The body: a JSON object of named parameters; empty means none (rest.md). */
static MsJsonDocument *
rest_body (FakeCln           *fake,
           SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  MsJsonDocument *doc;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  if (type != NULL && g_ascii_strcasecmp (type, "application/json") != 0)
    {
      violation (fake, "CLNRest request with Content-Type %s", type);
      rest_refuse (msg, 406, -32600, "Unsupported Content-Type");
      return NULL;
    }

  doc = len == 0 ? ms_json_document_parse ("{}", 2, NULL)
                 : ms_json_document_parse (data, len, NULL);
  if (doc == NULL || ms_json_value_get_value_type (ms_json_document_get_root (doc)) !=
                     MS_JSON_OBJECT)
    {
      violation (fake, "CLNRest request body is not a JSON object");
      rest_refuse (msg, 500, -32602, "body: expected a JSON object");
      g_clear_pointer (&doc, ms_json_document_free);
    }
  return doc;
}

static void
rest_handler_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FakeCln *fake = user_data;
  const char *method = path + strlen ("/v1/");
  MsJsonDocument *doc;
  Request *req;

  if (!g_str_has_prefix (path, "/v1/") || *method == '\0' || strchr (method, '/') != NULL ||
      strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      violation (fake, "CLNRest request %s %s", soup_server_message_get_method (msg), path);
      rest_refuse (msg, 404, -32601, "Not found");
      return;
    }
  if (!rune_accepted (fake, msg) || (doc = rest_body (fake, msg)) == NULL)
    return;

  req = rest_request (fake, msg, method, doc);
  /* Answers may come later (long polls, slow payments): hold the message until then. */
  soup_server_message_pause (msg);
  req->paused = TRUE;
  handle (fake, req);
}

static gboolean
start_rest (FakeCln  *fake,
            GError  **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, fake->rest_port);
  GSList *uris;

  fake->server = soup_server_new ("tls-certificate", fake->certificate, NULL);
  soup_server_add_handler (fake->server, "/v1", rest_handler_cb, fake, NULL);
  if (!soup_server_listen (fake->server, address, SOUP_SERVER_LISTEN_HTTPS, error))
    {
      g_clear_object (&fake->server);
      return FALSE;
    }

  uris = soup_server_get_uris (fake->server);
  fake->rest_port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_free (fake->rest_url);
  fake->rest_url = g_strdup_printf ("https://127.0.0.1:%u", fake->rest_port);
  return TRUE;
}

static void
stop_rest (FakeCln *fake)
{
  if (fake->server == NULL)
    return;

  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
}

/* Public API. */

static void
derive_key (const char *name,
            guint8      key[32],
            char        id[67])
{
  secp256k1_context *ctx = secp256k1_context_create (SECP256K1_CONTEXT_NONE);
  secp256k1_pubkey pubkey;
  guint8 compressed[33];
  size_t len = sizeof compressed;

  ms_sha256 (name, strlen (name), key);
  g_assert_true (secp256k1_ec_pubkey_create (ctx, &pubkey, key));
  secp256k1_ec_pubkey_serialize (ctx, compressed, &len, &pubkey, SECP256K1_EC_COMPRESSED);
  secp256k1_context_destroy (ctx);
  ms_hex_encode_into (compressed, 33, id);
  id[66] = '\0';
}

static gboolean
load_schemas (FakeCln     *fake,
              const char  *contracts_dir,
              GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *file = g_strconcat (methods[i], ".json", NULL);
      g_autofree char *path = g_build_filename (contracts_dir, "cln", file, NULL);
      ClnSchema *schema = cln_schema_load (path, error);

      if (schema == NULL)
        return FALSE;
      g_hash_table_insert (fake->schemas, g_strdup (methods[i]), schema);
    }
  return TRUE;
}

FakeCln *
fake_cln_new (const char  *contracts_dir,
              GError     **error)
{
  FakeCln *fake;
  char unused[67];

  g_return_val_if_fail (contracts_dir != NULL, NULL);

  fake = g_new0 (FakeCln, 1);
  fake->schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) cln_schema_free);
  if (!load_schemas (fake, contracts_dir, error))
    {
      g_hash_table_unref (fake->schemas);
      g_free (fake);
      return NULL;
    }

  derive_key ("fake-cln node", fake->node_key, fake->node_id);
  derive_key ("fake-cln remote", fake->remote_key, fake->remote_id);
  derive_key ("fake-cln stranger", fake->stranger_key, unused);
  fake->dir = g_dir_make_tmp ("fake-cln-XXXXXX", NULL);
  fake->socket_path = g_build_filename (fake->dir, "lightning-rpc", NULL);
  fake->invoices = g_ptr_array_new_with_free_func ((GDestroyNotify) invoice_free);
  fake->pays = g_ptr_array_new_with_free_func ((GDestroyNotify) pay_free);
  fake->remotes = g_ptr_array_new_with_free_func (g_free);
  fake->violations = g_ptr_array_new_with_free_func (g_free);
  fake->waiters = g_ptr_array_new ();
  fake->delayed = g_ptr_array_new ();
  fake->hung = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  fake->n_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fake->missing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fake->raw_results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->raw_replies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return fake;
}

static void
drop_pending (FakeCln *fake)
{
  while (fake->waiters->len > 0)
    request_free (g_ptr_array_steal_index (fake->waiters, 0));
  g_ptr_array_set_size (fake->hung, 0);

  /* A payment in flight when the node went down still completes in its books. */
  while (fake->delayed->len > 0)
    {
      Request *req = g_ptr_array_steal_index (fake->delayed, 0);

      g_clear_handle_id (&req->timer, g_source_remove);
      req->gone = TRUE;
      complete_pay (fake, req);
    }
}

void
fake_cln_free (FakeCln *fake)
{
  g_return_if_fail (fake != NULL);

  stop_rpc (fake);
  stop_rest (fake);
  drop_pending (fake);
  g_rmdir (fake->dir);

  g_ptr_array_unref (fake->waiters);
  g_ptr_array_unref (fake->delayed);
  g_ptr_array_unref (fake->invoices);
  g_ptr_array_unref (fake->pays);
  g_ptr_array_unref (fake->remotes);
  g_ptr_array_unref (fake->violations);
  g_hash_table_unref (fake->schemas);
  g_hash_table_unref (fake->n_calls);
  g_hash_table_unref (fake->missing);
  g_hash_table_unref (fake->raw_results);
  g_hash_table_unref (fake->raw_replies);
  g_clear_object (&fake->certificate);
  g_free (fake->drop_next);
  g_free (fake->hang_next);
  g_ptr_array_unref (fake->hung);
  g_free (fake->rest_url);
  g_free (fake->socket_path);
  g_free (fake->dir);
  g_free (fake);
}

gboolean
fake_cln_listen_rpc (FakeCln  *fake,
                     GError  **error)
{
  g_return_val_if_fail (fake != NULL, FALSE);

  fake->rpc_wanted = TRUE;
  return start_rpc (fake, error);
}

gboolean
fake_cln_listen_rest (FakeCln          *fake,
                      GTlsCertificate  *certificate,
                      GError          **error)
{
  g_return_val_if_fail (fake != NULL, FALSE);

  fake->rest_wanted = TRUE;
  g_set_object (&fake->certificate, certificate);
  return start_rest (fake, error);
}

/* The node dies: listeners close, connections drop, long polls end unanswered. */
void
fake_cln_go_down (FakeCln *fake)
{
  g_return_if_fail (fake != NULL);

  stop_rpc (fake);
  stop_rest (fake);
  drop_pending (fake);
}

/* Back up on the same socket path and port, with the same books. */
gboolean
fake_cln_come_back (FakeCln  *fake,
                    GError  **error)
{
  g_return_val_if_fail (fake != NULL, FALSE);

  if (fake->rpc_wanted && fake->service == NULL && !start_rpc (fake, error))
    return FALSE;
  if (fake->rest_wanted && fake->server == NULL && !start_rest (fake, error))
    return FALSE;
  return TRUE;
}

const char *
fake_cln_get_socket_path (FakeCln *fake)
{
  g_return_val_if_fail (fake != NULL, NULL);

  return fake->socket_path;
}

const char *
fake_cln_get_rest_url (FakeCln *fake)
{
  g_return_val_if_fail (fake != NULL, NULL);

  return fake->rest_url;
}

const char *
fake_cln_get_node_id (FakeCln *fake)
{
  g_return_val_if_fail (fake != NULL, NULL);

  return fake->node_id;
}

/* What the client sent (or we answered) outside the contract: must stay empty. */
GPtrArray *
fake_cln_get_violations (FakeCln *fake)
{
  g_return_val_if_fail (fake != NULL, NULL);

  return fake->violations;
}

guint
fake_cln_get_n_calls (FakeCln    *fake,
                      const char *method)
{
  g_return_val_if_fail (fake != NULL, 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (fake->n_calls, method));
}

/* Outgoing payments in the books, whatever became of them. */
guint
fake_cln_get_n_payments (FakeCln *fake)
{
  g_return_val_if_fail (fake != NULL, 0);

  return fake->pays->len;
}

/* The maxfee of the last xpay/pay, G_MAXUINT64 when it had none. */
guint64
fake_cln_get_last_maxfee (FakeCln *fake)
{
  g_return_val_if_fail (fake != NULL, 0);

  return fake->last_maxfee;
}

guint
fake_cln_get_n_invoices (FakeCln *fake)
{
  g_return_val_if_fail (fake != NULL, 0);

  return fake->invoices->len;
}

char *
fake_cln_dup_invoice_label (FakeCln      *fake,
                            const guint8 *payment_hash)
{
  Invoice *inv;

  g_return_val_if_fail (fake != NULL, NULL);
  g_return_val_if_fail (payment_hash != NULL, NULL);

  inv = find_invoice (fake, payment_hash, NULL);
  return inv != NULL ? g_strdup (inv->label) : NULL;
}

/* The preimage of one of its invoices, hex, as lightningd's invoice_payment carries it. */
char *
fake_cln_dup_invoice_preimage (FakeCln      *fake,
                               const guint8 *payment_hash)
{
  Invoice *inv;

  g_return_val_if_fail (fake != NULL, NULL);
  g_return_val_if_fail (payment_hash != NULL, NULL);

  inv = find_invoice (fake, payment_hash, NULL);
  return inv != NULL ? ms_hex_encode (inv->preimage, 32) : NULL;
}

char *
fake_cln_dup_invoice_status (FakeCln      *fake,
                             const guint8 *payment_hash)
{
  Invoice *inv;

  g_return_val_if_fail (fake != NULL, NULL);
  g_return_val_if_fail (payment_hash != NULL, NULL);

  inv = find_invoice (fake, payment_hash, NULL);
  return inv != NULL ? g_strdup (invoice_status (inv)) : NULL;
}

/**
 * fake_cln_add_remote_invoice:
 * @amount_msat: 0 for an invoice without an amount
 * @age_s: how long ago it was made
 * @expiry_s: its expiry
 * @known: whether the network can route to it (else paying it fails at the
 *   destination)
 * @preimage: (out): its preimage
 *
 * An invoice of another node, signed with that node's key.
 */
char *
fake_cln_add_remote_invoice (FakeCln  *fake,
                             guint64   amount_msat,
                             gint64    age_s,
                             guint     expiry_s,
                             gboolean  known,
                             guint8    preimage[32])
{
  Invoice inv = { 0 };
  gint64 created = now_s () - age_s;
  Remote *remote;

  g_return_val_if_fail (fake != NULL, NULL);
  g_return_val_if_fail (preimage != NULL, NULL);

  remote = g_new0 (Remote, 1);
  ms_random_key_bytes (remote->preimage, 32);
  ms_sha256 (remote->preimage, 32, remote->hash);
  memcpy (preimage, remote->preimage, 32);
  memcpy (inv.hash, remote->hash, 32);
  ms_random_bytes (inv.secret, 32);
  inv.has_amount = amount_msat > 0;
  inv.amount_msat = amount_msat;
  inv.expires_at = created + expiry_s;
  inv.description = (char *) "remote goods";

  if (known)
    g_ptr_array_add (fake->remotes, remote);
  else
    g_free (remote);
  return make_bolt11 (known ? fake->remote_key : fake->stranger_key, &inv, created, FALSE);
}

/* Someone out there pays one of our invoices. */
gboolean
fake_cln_settle_invoice (FakeCln      *fake,
                         const guint8 *payment_hash,
                         guint64       amount_msat)
{
  Invoice *inv;

  g_return_val_if_fail (fake != NULL, FALSE);
  g_return_val_if_fail (payment_hash != NULL, FALSE);

  inv = find_invoice (fake, payment_hash, NULL);
  if (inv == NULL || inv->paid)
    return FALSE;
  settle (fake, inv, amount_msat);
  return TRUE;
}

/* As a node that predates the method: "Unknown command" (-32601, 404 in CLNRest). */
void
fake_cln_set_missing (FakeCln    *fake,
                      const char *method,
                      gboolean    missing)
{
  g_return_if_fail (fake != NULL);

  if (missing)
    g_hash_table_add (fake->missing, g_strdup (method));
  else
    g_hash_table_remove (fake->missing, method);
}

void
fake_cln_set_pay_delay (FakeCln *fake,
                        guint    ms)
{
  g_return_if_fail (fake != NULL);

  fake->pay_delay_ms = ms;
}

/* The next call of @method is carried out, then the connection drops unanswered. */
void
fake_cln_drop_next (FakeCln    *fake,
                    const char *method)
{
  g_return_if_fail (fake != NULL);

  g_free (fake->drop_next);
  fake->drop_next = g_strdup (method);
}

/* The next call of @method is taken and never answered; its connection stays open. */
void
fake_cln_hang_next (FakeCln    *fake,
                    const char *method)
{
  g_return_if_fail (fake != NULL);

  g_free (fake->hang_next);
  fake->hang_next = g_strdup (method);
}

/* The next call of @method is answered with this result object, unchecked. */
void
fake_cln_set_raw_result (FakeCln    *fake,
                         const char *method,
                         const char *json)
{
  g_return_if_fail (fake != NULL);

  g_hash_table_insert (fake->raw_results, g_strdup (method), g_strdup (json));
}

/* The next call of @method gets these bytes as its whole reply (plus "\n\n" on the socket). */
void
fake_cln_set_raw_reply (FakeCln    *fake,
                        const char *method,
                        const char *bytes)
{
  g_return_if_fail (fake != NULL);

  g_hash_table_insert (fake->raw_replies, g_strdup (method), g_strdup (bytes));
}

/* Amounts as "123msat" strings, like nodes before v23.02. */
void
fake_cln_set_legacy_amounts (FakeCln  *fake,
                             gboolean  legacy)
{
  g_return_if_fail (fake != NULL);

  fake->legacy = legacy;
}

/* A careless node whose refusal quotes the rune it was given. */
void
fake_cln_set_quote_rune (FakeCln  *fake,
                         gboolean  quote)
{
  g_return_if_fail (fake != NULL);

  fake->quote_rune = quote;
}
