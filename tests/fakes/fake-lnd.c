/* fake-lnd.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * Behaviour follows lnd (rpcserver.go, routerrpc/router_server.go,
 * invoicesrpc/invoices_server.go) behind grpc-gateway v2: errors are
 * rpcStatus bodies with the HTTP status mapped from the gRPC code; streams
 * are chunked, one {"result": …} or {"error": …} per line, and send their
 * headers only with their first message.
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>
#include <secp256k1.h>

#include "fake-lnd.h"
#include "lnd-swagger.h"
#include "moneysocket.h"

#define NODE_KEY_SEED   "fake-lnd node key"
#define REMOTE_KEY_SEED "fake-lnd remote node key"
#define DEFAULT_EXPIRY  86400
#define FINAL_CLTV      80
/* How long a payment stays IN_FLIGHT before it resolves. */
#define RESOLVE_MS      20

/* google.golang.org/grpc/codes */
enum
{
  CODE_UNKNOWN = 2,
  CODE_INVALID_ARGUMENT = 3,
  CODE_NOT_FOUND = 5,
  CODE_ALREADY_EXISTS = 6,
  CODE_UNIMPLEMENTED = 12,
  CODE_UNAUTHENTICATED = 16,
};

typedef struct
{
  guint8   r_hash[32];
  guint8   r_preimage[32];
  guint8   payment_addr[32];
  char    *memo;
  char    *bolt11;
  guint64  value_msat;
  guint64  amt_paid_msat;
  guint64  add_index;
  guint64  settle_index;
  gint64   creation_date;
  gint64   settle_date;
  gint64   expiry;
  gboolean is_private;
  const char *state;
} Invoice;

typedef struct
{
  guint8          hash[32];
  guint8          preimage[32];
  char           *payment_request;
  guint64         value_msat;
  guint64         fee_msat;
  guint64         index;
  gint64          creation_time_ns;
  const char     *status;
  const char     *failure_reason;
  const char     *planned_failure;
  FakeLndPayMode  mode;
  Invoice        *own_invoice;
} Payment;

typedef struct
{
  guint8  hash[32];
  guint8  preimage[32];
} RemoteInvoice;

typedef enum
{
  STREAM_PAYMENT,
  STREAM_INVOICES,
} StreamKind;

typedef struct
{
  FakeLnd           *fake;
  SoupServerMessage *msg;
  char              *path;
  StreamKind         kind;
  guint8             hash[32];
  gboolean           started;
  gboolean           finished;
} Stream;

typedef struct
{
  gint  code;
  char *message;
} Injection;

struct _FakeLnd
{
  LndSwagger        *swagger;
  GTlsCertificate   *certificate;
  SoupServer        *server;
  guint16            port;
  char              *url;
  GBytes            *macaroon;
  char              *macaroon_hex;
  guint8             node_key[32];
  guint8             remote_key[32];
  char              *node_id;

  GPtrArray         *invoices;
  GPtrArray         *payments;
  GPtrArray         *remote;
  GPtrArray         *streams;
  GPtrArray         *timers;
  GHashTable        *injections;
  GHashTable        *counts;
  GHashTable        *last_bodies;
  GHashTable        *last_queries;

  guint64            add_index;
  guint64            settle_index;
  guint64            payment_index;
  guint64            local_msat;
  guint64            remote_msat;
  guint64            fee_base_msat;
  guint64            fee_ppm;
  guint32            block_height;
  guint8             settle_on_subscribe[32];
  guint64            settle_on_subscribe_msat;   /* 0: none armed */
  FakeLndAuthStyle   auth_style;
  FakeLndPayMode     next_mode;
  char              *next_failure;
  guint              expect_invalid;
  guint              n_invalid;
  guint              n_refused;
};

static void
invoice_free (gpointer data)
{
  Invoice *invoice = data;

  g_free (invoice->memo);
  g_free (invoice->bolt11);
  g_free (invoice);
}

static void
payment_free (gpointer data)
{
  Payment *payment = data;

  g_free (payment->payment_request);
  g_free (payment);
}

static void
injection_free (gpointer data)
{
  Injection *injection = data;

  g_free (injection->message);
  g_free (injection);
}

static void
stream_free (gpointer data)
{
  Stream *stream = data;

  g_signal_handlers_disconnect_by_data (stream->msg, stream);
  g_object_unref (stream->msg);
  g_free (stream->path);
  g_free (stream);
}

static void
derive_key (const char *seed,
            guint8      key[32])
{
  ms_sha256 (seed, strlen (seed), key);
}

static char *
pubkey_hex (const guint8 key[32])
{
  secp256k1_context *ctx = secp256k1_context_create (SECP256K1_CONTEXT_NONE);
  secp256k1_pubkey pubkey;
  guint8 out[33];
  size_t len = sizeof out;

  g_assert_true (secp256k1_ec_pubkey_create (ctx, &pubkey, key));
  secp256k1_ec_pubkey_serialize (ctx, out, &len, &pubkey, SECP256K1_EC_COMPRESSED);
  secp256k1_context_destroy (ctx);
  return ms_hex_encode (out, len);
}

static void handler_cb (SoupServer        *server,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           user_data);

/* @swagger is borrowed: parsing lnd's swagger files once per test program is enough. */
FakeLnd *
fake_lnd_new (LndSwagger      *swagger,
              GTlsCertificate *certificate)
{
  FakeLnd *fake = g_new0 (FakeLnd, 1);
  static const guint8 macaroon[] = "\x02\x01\x03" "lnd" "\x02\xf8\x01\x03\x0a\x10"
                                   "fake-lnd-root-key-id" "\x06\x20"
                                   "signature-of-the-fake-admin-macaroon";

  fake->swagger = swagger;
  fake->certificate = g_object_ref (certificate);
  fake->macaroon = g_bytes_new_static (macaroon, sizeof macaroon - 1);
  fake->macaroon_hex = ms_hex_encode (macaroon, sizeof macaroon - 1);
  derive_key (NODE_KEY_SEED, fake->node_key);
  derive_key (REMOTE_KEY_SEED, fake->remote_key);
  fake->node_id = pubkey_hex (fake->node_key);
  fake->invoices = g_ptr_array_new_with_free_func (invoice_free);
  fake->payments = g_ptr_array_new_with_free_func (payment_free);
  fake->remote = g_ptr_array_new_with_free_func (g_free);
  fake->streams = g_ptr_array_new_with_free_func (stream_free);
  fake->timers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  fake->injections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, injection_free);
  fake->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fake->last_bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) json_object_unref);
  fake->last_queries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->local_msat = 5000000000;
  fake->remote_msat = 3000000000;
  fake->fee_base_msat = 1000;
  fake->fee_ppm = 1000;
  fake->block_height = 812345;
  return fake;
}

void
fake_lnd_free (FakeLnd *fake)
{
  if (fake == NULL)
    return;

  fake_lnd_stop (fake);
  for (guint i = 0; i < fake->timers->len; i++)
    g_source_destroy (g_ptr_array_index (fake->timers, i));
  g_clear_pointer (&fake->timers, g_ptr_array_unref);
  g_clear_object (&fake->server);
  g_clear_object (&fake->certificate);
  g_clear_pointer (&fake->macaroon, g_bytes_unref);
  g_free (fake->macaroon_hex);
  g_free (fake->node_id);
  g_free (fake->url);
  g_free (fake->next_failure);
  g_clear_pointer (&fake->streams, g_ptr_array_unref);
  g_clear_pointer (&fake->payments, g_ptr_array_unref);
  g_clear_pointer (&fake->invoices, g_ptr_array_unref);
  g_clear_pointer (&fake->remote, g_ptr_array_unref);
  g_clear_pointer (&fake->injections, g_hash_table_unref);
  g_clear_pointer (&fake->counts, g_hash_table_unref);
  g_clear_pointer (&fake->last_bodies, g_hash_table_unref);
  g_clear_pointer (&fake->last_queries, g_hash_table_unref);
  g_free (fake);
}

/* Listens on 127.0.0.1: a new port the first time, the same one after a stop. */
gboolean
fake_lnd_start (FakeLnd  *fake,
                GError  **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  GSList *uris;

  if (fake->server == NULL)
    {
      fake->server = soup_server_new ("tls-certificate", fake->certificate, NULL);
      soup_server_add_handler (fake->server, NULL, handler_cb, fake, NULL);
    }

  address = g_inet_socket_address_new_from_string ("127.0.0.1", fake->port);
  if (!soup_server_listen (fake->server, address, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;

  uris = soup_server_get_uris (fake->server);
  fake->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_free (fake->url);
  fake->url = g_strdup_printf ("https://127.0.0.1:%u", fake->port);
  return TRUE;
}

static void cut_connection (SoupServerMessage *msg);

/* The node goes away: every connection is cut, the state stays (it is in lnd's database). */
void
fake_lnd_stop (FakeLnd *fake)
{
  if (fake->server == NULL)
    return;

  for (guint i = 0; i < fake->streams->len; i++)
    {
      Stream *stream = g_ptr_array_index (fake->streams, i);

      if (!stream->finished)
        cut_connection (stream->msg);
      stream->finished = TRUE;
    }
  soup_server_disconnect (fake->server);
}

const char *
fake_lnd_get_url (FakeLnd *fake)
{
  return fake->url;
}

GBytes *
fake_lnd_get_macaroon (FakeLnd *fake)
{
  return fake->macaroon;
}

const char *
fake_lnd_get_node_id (FakeLnd *fake)
{
  return fake->node_id;
}

void
fake_lnd_set_auth_style (FakeLnd          *fake,
                         FakeLndAuthStyle  style)
{
  fake->auth_style = style;
}

void
fake_lnd_set_next_payment (FakeLnd        *fake,
                           FakeLndPayMode  mode,
                           const char     *failure_reason)
{
  fake->next_mode = mode;
  g_free (fake->next_failure);
  fake->next_failure = g_strdup (failure_reason);
}

void
fake_lnd_set_fees (FakeLnd *fake,
                   guint64  base_msat,
                   guint64  ppm)
{
  fake->fee_base_msat = base_msat;
  fake->fee_ppm = ppm;
}

/* The next request for @operation_id is answered with this gRPC status. */
void
fake_lnd_fail_next (FakeLnd    *fake,
                    const char *operation_id,
                    gint        code,
                    const char *message)
{
  Injection *injection = g_new0 (Injection, 1);

  injection->code = code;
  injection->message = g_strdup (message);
  g_hash_table_replace (fake->injections, g_strdup (operation_id), injection);
}

/* The test itself sends @n requests that break the contract. */
void
fake_lnd_expect_invalid (FakeLnd *fake,
                         guint    n)
{
  fake->expect_invalid += n;
}

/* Contract violations nobody announced: each one also failed the running test. */
guint
fake_lnd_get_n_invalid (FakeLnd *fake)
{
  return fake->n_invalid;
}

/* Every request the fake refused for breaking the contract, announced or not. */
guint
fake_lnd_get_n_refused (FakeLnd *fake)
{
  return fake->n_refused;
}

guint
fake_lnd_get_n_requests (FakeLnd    *fake,
                         const char *operation_id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fake->counts, operation_id));
}

JsonObject *
fake_lnd_get_last_body (FakeLnd    *fake,
                        const char *operation_id)
{
  return g_hash_table_lookup (fake->last_bodies, operation_id);
}

const char *
fake_lnd_get_last_query (FakeLnd    *fake,
                         const char *operation_id)
{
  return g_hash_table_lookup (fake->last_queries, operation_id);
}

guint
fake_lnd_get_n_streams (FakeLnd *fake)
{
  guint n = 0;

  for (guint i = 0; i < fake->streams->len; i++)
    if (!((Stream *) g_ptr_array_index (fake->streams, i))->finished)
      n++;
  return n;
}

guint64
fake_lnd_get_settle_index (FakeLnd *fake)
{
  return fake->settle_index;
}

guint
fake_lnd_get_n_payments (FakeLnd *fake)
{
  return fake->payments->len;
}

static Invoice *
find_invoice (FakeLnd      *fake,
              const guint8 *hash)
{
  for (guint i = 0; i < fake->invoices->len; i++)
    {
      Invoice *invoice = g_ptr_array_index (fake->invoices, i);

      if (memcmp (invoice->r_hash, hash, 32) == 0)
        return invoice;
    }
  return NULL;
}

static Payment *
find_payment (FakeLnd      *fake,
              const guint8 *hash)
{
  for (guint i = 0; i < fake->payments->len; i++)
    {
      Payment *payment = g_ptr_array_index (fake->payments, i);

      if (memcmp (payment->hash, hash, 32) == 0)
        return payment;
    }
  return NULL;
}

const char *
fake_lnd_get_invoice_state (FakeLnd      *fake,
                            const guint8 *payment_hash)
{
  Invoice *invoice = find_invoice (fake, payment_hash);

  return invoice != NULL ? invoice->state : NULL;
}

const char *
fake_lnd_get_payment_status (FakeLnd      *fake,
                             const guint8 *payment_hash)
{
  Payment *payment = find_payment (fake, payment_hash);

  return payment != NULL ? payment->status : NULL;
}

/* ---- JSON helpers ---- */

static void
set_string (JsonObject *object,
            const char *member,
            const char *value)
{
  json_object_set_string_member (object, member, value);
}

static void
set_u64 (JsonObject *object,
         const char *member,
         guint64     value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, value);

  json_object_set_string_member (object, member, text);
}

static void
set_bytes (JsonObject   *object,
           const char   *member,
           const guint8 *data,
           gsize         len)
{
  g_autofree char *text = g_base64_encode (data, len);

  json_object_set_string_member (object, member, text);
}

static void
set_hex (JsonObject   *object,
         const char   *member,
         const guint8 *data,
         gsize         len)
{
  g_autofree char *text = ms_hex_encode (data, len);

  json_object_set_string_member (object, member, text);
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

/* ---- answers ---- */

static void
note_invalid (FakeLnd    *fake,
              const char *what,
              const char *why)
{
  fake->n_refused++;
  if (fake->expect_invalid > 0)
    {
      fake->expect_invalid--;
      return;
    }
  fake->n_invalid++;
  g_test_message ("fake-lnd: %s: %s", what, why);
  g_test_fail_printf ("fake-lnd: %s: %s", what, why);
}

static void
write_json (SoupServerMessage *msg,
            guint              http_status,
            JsonNode          *body)
{
  g_autofree char *text = json_to_string (body, FALSE);

  soup_server_message_set_status (msg, http_status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text,
                                    strlen (text));
}

/* A unary answer, checked against the swagger's schema for it. */
static void
answer (FakeLnd           *fake,
        SoupServerMessage *msg,
        guint              http_status,
        JsonNode          *body)
{
  g_autoptr(GError) error = NULL;
  const char *method = soup_server_message_get_method (msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  if (!lnd_swagger_validate_answer (fake->swagger, method, path, http_status, body, &error))
    note_invalid (fake, "the fake's own answer breaks the contract", error->message);
  write_json (msg, http_status, body);
}

/* grpc-gateway runtime.HTTPStatusFromCode. */
static guint
http_status_for (gint code)
{
  static const guint statuses[] = {
    200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401,
  };

  return code >= 0 && code < (gint) G_N_ELEMENTS (statuses) ? statuses[code] : 500;
}

static JsonNode *
status_node (gint        code,
             const char *message)
{
  JsonObject *status = json_object_new ();

  json_object_set_int_member (status, "code", code);
  set_string (status, "message", message);
  json_object_set_array_member (status, "details", json_array_new ());
  return object_node (status);
}


/* What the gateway itself answers (bad path, bad body): a bare rpcStatus. */
static void
answer_rpc_status (FakeLnd           *fake,
                   SoupServerMessage *msg,
                   gint               code,
                   const char        *message)
{
  g_autoptr(JsonNode) status = status_node (code, message);
  g_autoptr(GError) error = NULL;

  if (!lnd_swagger_validate_message (fake->swagger, "rpcStatus", status, &error))
    note_invalid (fake, "the fake's own answer breaks the contract", error->message);
  write_json (msg, http_status_for (code), status);
}

/* ---- streams ---- */

static void
stream_finished_cb (SoupServerMessage *msg,
                    Stream            *stream)
{
  stream->finished = TRUE;
}

static Stream *
stream_new (FakeLnd           *fake,
            SoupServerMessage *msg,
            StreamKind         kind,
            const guint8      *hash)
{
  Stream *stream = g_new0 (Stream, 1);

  stream->fake = fake;
  stream->msg = g_object_ref (msg);
  stream->kind = kind;
  stream->path = g_strdup (g_uri_get_path (soup_server_message_get_uri (msg)));
  if (hash != NULL)
    memcpy (stream->hash, hash, 32);
  g_signal_connect (msg, "finished", G_CALLBACK (stream_finished_cb), stream);
  g_signal_connect (msg, "disconnected", G_CALLBACK (stream_finished_cb), stream);

  /* Nothing goes out, not even headers, until the first message. */
  soup_server_message_pause (msg);
  g_ptr_array_add (fake->streams, stream);
  return stream;
}

static void
stream_start (Stream *stream,
              guint   http_status)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (stream->msg);

  if (stream->started)
    return;

  stream->started = TRUE;
  soup_server_message_set_status (stream->msg, http_status, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "application/json", NULL);
}

static void
stream_write_text (Stream     *stream,
                   const char *text)
{
  SoupMessageBody *body = soup_server_message_get_response_body (stream->msg);

  if (stream->finished)
    return;

  stream_start (stream, 200);
  soup_message_body_append (body, SOUP_MEMORY_COPY, text, strlen (text));
  soup_message_body_append (body, SOUP_MEMORY_STATIC, "\n", 1);
  soup_server_message_unpause (stream->msg);
}

/* One line, checked against the operation's "Stream result of …" schema. */
static void
stream_write (Stream   *stream,
              JsonNode *line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = json_to_string (line, FALSE);

  if (!lnd_swagger_validate_answer (stream->fake->swagger,
                                    soup_server_message_get_method (stream->msg), stream->path,
                                    200, line, &error))
    note_invalid (stream->fake, "the fake's own stream line breaks the contract", error->message);
  stream_write_text (stream, text);
}

static void
stream_write_result (Stream   *stream,
                     JsonNode *result)
{
  g_autoptr(JsonNode) line = NULL;
  JsonObject *wrapper = json_object_new ();

  json_object_set_member (wrapper, "result", json_node_ref (result));
  line = object_node (wrapper);
  stream_write (stream, line);
}

static void
stream_end (Stream *stream)
{
  if (stream->finished)
    return;

  stream_start (stream, 200);
  soup_message_body_complete (soup_server_message_get_response_body (stream->msg));
  soup_server_message_unpause (stream->msg);
}

/* The TCP connection under TLS goes: the client reads neither close_notify nor the last chunk. */
static void
cut_connection (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static void
stream_cut (Stream *stream)
{
  if (stream->finished)
    return;

  stream->finished = TRUE;
  cut_connection (stream->msg);
}

static void
prune_streams (FakeLnd *fake)
{
  for (guint i = fake->streams->len; i > 0; i--)
    if (((Stream *) g_ptr_array_index (fake->streams, i - 1))->finished)
      g_ptr_array_remove_index (fake->streams, i - 1);
}

/*
 * A failed call: a bare rpcStatus for a unary one; a stream fails with
 * {"error": rpcStatus} and the HTTP status of the code
 * (runtime.handleForwardResponseStreamError).
 */
static void
answer_status (FakeLnd           *fake,
               SoupServerMessage *msg,
               gboolean           streaming,
               gint               code,
               const char        *message)
{
  g_autoptr(JsonNode) status = NULL;
  g_autoptr(JsonNode) line = NULL;
  JsonObject *wrapper;
  Stream *stream;

  if (!streaming)
    {
      status = status_node (code, message);
      return answer (fake, msg, http_status_for (code), status);
    }

  wrapper = json_object_new ();
  json_object_set_member (wrapper, "error", status_node (code, message));
  line = object_node (wrapper);
  stream = stream_new (fake, msg, STREAM_PAYMENT, NULL);
  stream_start (stream, http_status_for (code));
  stream_write (stream, line);
  stream_end (stream);
}

/* ---- messages ---- */

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static JsonNode *
invoice_json (FakeLnd *fake,
              Invoice *invoice)
{
  JsonObject *object = json_object_new ();
  gboolean settled = g_str_equal (invoice->state, "SETTLED");

  set_string (object, "memo", invoice->memo);
  set_bytes (object, "r_preimage", invoice->r_preimage, 32);
  set_bytes (object, "r_hash", invoice->r_hash, 32);
  set_u64 (object, "value", invoice->value_msat / 1000);
  set_u64 (object, "value_msat", invoice->value_msat);
  json_object_set_boolean_member (object, "settled", settled);
  set_u64 (object, "creation_date", invoice->creation_date);
  set_u64 (object, "settle_date", invoice->settle_date);
  set_string (object, "payment_request", invoice->bolt11);
  set_u64 (object, "expiry", invoice->expiry);
  set_u64 (object, "cltv_expiry", FINAL_CLTV);
  json_object_set_boolean_member (object, "private", invoice->is_private);
  set_u64 (object, "add_index", invoice->add_index);
  set_u64 (object, "settle_index", invoice->settle_index);
  set_u64 (object, "amt_paid", invoice->amt_paid_msat);
  set_u64 (object, "amt_paid_sat", invoice->amt_paid_msat / 1000);
  set_u64 (object, "amt_paid_msat", invoice->amt_paid_msat);
  set_string (object, "state", invoice->state);
  set_bytes (object, "payment_addr", invoice->payment_addr, 32);
  lnd_swagger_fill_defaults (fake->swagger, "lnrpcInvoice", object);
  return object_node (object);
}

static JsonNode *
payment_json (FakeLnd *fake,
              Payment *payment)
{
  JsonObject *object = json_object_new ();
  static const guint8 zero[32];
  gboolean succeeded = g_str_equal (payment->status, "SUCCEEDED");

  set_hex (object, "payment_hash", payment->hash, 32);
  set_u64 (object, "value", payment->value_msat / 1000);
  set_u64 (object, "creation_date", payment->creation_time_ns / 1000000000);
  set_u64 (object, "fee", payment->fee_msat / 1000);
  set_hex (object, "payment_preimage", succeeded ? payment->preimage : zero, 32);
  set_u64 (object, "value_sat", payment->value_msat / 1000);
  set_u64 (object, "value_msat", payment->value_msat);
  set_string (object, "payment_request", payment->payment_request);
  set_string (object, "status", payment->status);
  set_u64 (object, "fee_sat", payment->fee_msat / 1000);
  set_u64 (object, "fee_msat", payment->fee_msat);
  set_u64 (object, "creation_time_ns", payment->creation_time_ns);
  set_u64 (object, "payment_index", payment->index);
  set_string (object, "failure_reason",
              payment->failure_reason != NULL ? payment->failure_reason : "FAILURE_REASON_NONE");
  lnd_swagger_fill_defaults (fake->swagger, "lnrpcPayment", object);
  return object_node (object);
}

/* SubscribeInvoices clients hear of every added and every settled invoice. */
static void
notify_invoice (FakeLnd *fake,
                Invoice *invoice)
{
  g_autoptr(JsonNode) json = invoice_json (fake, invoice);

  for (guint i = 0; i < fake->streams->len; i++)
    {
      Stream *stream = g_ptr_array_index (fake->streams, i);

      if (stream->kind == STREAM_INVOICES)
        stream_write_result (stream, json);
    }
}

/* TrackPaymentV2 and SendPaymentV2 clients hear of every change; a final state ends the stream. */
static void
notify_payment (FakeLnd *fake,
                Payment *payment)
{
  g_autoptr(JsonNode) json = payment_json (fake, payment);
  gboolean final = !g_str_equal (payment->status, "IN_FLIGHT");

  for (guint i = 0; i < fake->streams->len; i++)
    {
      Stream *stream = g_ptr_array_index (fake->streams, i);

      if (stream->kind != STREAM_PAYMENT || memcmp (stream->hash, payment->hash, 32) != 0)
        continue;
      stream_write_result (stream, json);
      if (final)
        stream_end (stream);
    }
}

static void
settle (FakeLnd *fake,
        Invoice *invoice,
        guint64  amount_paid_msat)
{
  invoice->state = "SETTLED";
  invoice->settle_index = ++fake->settle_index;
  invoice->settle_date = now_s ();
  invoice->amt_paid_msat = amount_paid_msat;
  notify_invoice (fake, invoice);
}

/* Someone out there paid one of our invoices. */
gboolean
fake_lnd_settle_invoice (FakeLnd      *fake,
                         const guint8 *payment_hash,
                         guint64       amount_paid_msat)
{
  Invoice *invoice = find_invoice (fake, payment_hash);

  if (invoice == NULL || !g_str_equal (invoice->state, "OPEN"))
    return FALSE;

  fake->local_msat += amount_paid_msat;
  fake->remote_msat -= MIN (fake->remote_msat, amount_paid_msat);
  settle (fake, invoice, amount_paid_msat);
  return TRUE;
}

/* The next SubscribeInvoices first settles this invoice, then starts its stream. */
void
fake_lnd_settle_on_subscribe (FakeLnd      *fake,
                              const guint8 *payment_hash,
                              guint64       amount_paid_msat)
{
  g_return_if_fail (amount_paid_msat > 0);

  memcpy (fake->settle_on_subscribe, payment_hash, 32);
  fake->settle_on_subscribe_msat = amount_paid_msat;
}

/* A remote node's invoice, whose preimage "the network" gives us when we pay it. */
char *
fake_lnd_make_remote_invoice (FakeLnd *fake,
                              guint64  amount_msat,
                              gint64   created_at,
                              guint8   payment_hash[32])
{
  RemoteInvoice *remote = g_new0 (RemoteInvoice, 1);
  guint8 secret[32];
  MsBolt11Params params = { 0 };
  g_autoptr(GError) error = NULL;
  char *bolt11;

  ms_random_bytes (remote->preimage, 32);
  ms_random_bytes (secret, 32);
  ms_sha256 (remote->preimage, 32, remote->hash);
  params.currency = "bcrt";
  params.has_amount = amount_msat > 0;
  params.amount_msat = amount_msat;
  params.timestamp = created_at != 0 ? created_at : now_s ();
  params.payment_hash = remote->hash;
  params.payment_secret = secret;
  params.description = "coffee";
  params.expiry = 3600;
  bolt11 = ms_bolt11_encode (&params, fake->remote_key, &error);
  g_assert_no_error (error);

  memcpy (payment_hash, remote->hash, 32);
  g_ptr_array_add (fake->remote, remote);
  return bolt11;
}

/* Every SubscribeInvoices client gets a line that is not JSON (a broken proxy, say). */
void
fake_lnd_break_invoice_streams (FakeLnd *fake)
{
  for (guint i = 0; i < fake->streams->len; i++)
    {
      Stream *stream = g_ptr_array_index (fake->streams, i);

      if (stream->kind == STREAM_INVOICES)
        stream_write_text (stream, "{\"result\": {\"state\": SETTLED}}");
    }
}

/* ---- payments ---- */

static void
resolve (FakeLnd    *fake,
         Payment    *payment,
         const char *failure_reason)
{
  if (failure_reason != NULL)
    {
      payment->status = "FAILED";
      payment->failure_reason = failure_reason;
      payment->fee_msat = 0;
    }
  else
    {
      payment->status = "SUCCEEDED";
      fake->local_msat -= payment->value_msat + payment->fee_msat;
      fake->remote_msat += payment->value_msat;
      if (payment->own_invoice != NULL)
        {
          fake->local_msat += payment->value_msat;
          fake->remote_msat -= payment->value_msat;
          settle (fake, payment->own_invoice, payment->value_msat);
        }
    }
  notify_payment (fake, payment);
}

/* Ends a held payment: it succeeds, or fails with FAILURE_REASON_TIMEOUT. */
gboolean
fake_lnd_finish_payment (FakeLnd      *fake,
                         const guint8 *payment_hash,
                         gboolean      succeed)
{
  Payment *payment = find_payment (fake, payment_hash);

  if (payment == NULL || !g_str_equal (payment->status, "IN_FLIGHT"))
    return FALSE;

  resolve (fake, payment, succeed ? payment->planned_failure : "FAILURE_REASON_TIMEOUT");
  return TRUE;
}

typedef struct
{
  FakeLnd *fake;
  guint8   hash[32];
} Later;

static Stream *
find_send_stream (FakeLnd      *fake,
                  const guint8 *hash)
{
  for (guint i = 0; i < fake->streams->len; i++)
    {
      Stream *stream = g_ptr_array_index (fake->streams, i);

      if (stream->kind == STREAM_PAYMENT && memcmp (stream->hash, hash, 32) == 0 &&
          g_str_equal (soup_server_message_get_method (stream->msg), "POST"))
        return stream;
    }
  return NULL;
}

/* The payment's next step, a moment after it went IN_FLIGHT. */
static gboolean
later_cb (gpointer user_data)
{
  Later *later = user_data;
  Payment *payment = find_payment (later->fake, later->hash);
  Stream *stream = find_send_stream (later->fake, later->hash);

  if (payment == NULL || !g_str_equal (payment->status, "IN_FLIGHT"))
    return G_SOURCE_REMOVE;

  if (stream != NULL && payment->mode == FAKE_LND_PAY_CUT)
    stream_cut (stream);
  else if (stream != NULL && payment->mode == FAKE_LND_PAY_GARBAGE)
    {
      stream_write_text (stream, "{\"result\": {\"payment_hash\": ");
      stream_end (stream);
      stream->finished = TRUE;
    }
  resolve (later->fake, payment, payment->planned_failure);
  return G_SOURCE_REMOVE;
}

static guint64
fee_for (FakeLnd *fake,
         guint64  amount_msat)
{
  return fake->fee_base_msat + amount_msat / 1000000 * fake->fee_ppm +
         amount_msat % 1000000 * fake->fee_ppm / 1000000;
}

/* Where routing would end: the reason it fails, or NULL. */
static const char *
route (FakeLnd *fake,
       Payment *payment,
       MsBolt11 *invoice,
       guint64   fee_limit_msat)
{
  gboolean own = g_str_equal (ms_bolt11_get_payee_hex (invoice), fake->node_id);
  Invoice *own_invoice = own ? find_invoice (fake, payment->hash) : NULL;

  if (payment->fee_msat > fee_limit_msat)
    return "FAILURE_REASON_NO_ROUTE";
  if (payment->value_msat + payment->fee_msat > fake->local_msat)
    return "FAILURE_REASON_INSUFFICIENT_BALANCE";

  if (own)
    {
      if (own_invoice == NULL || !g_str_equal (own_invoice->state, "OPEN") ||
          payment->value_msat < own_invoice->value_msat)
        return "FAILURE_REASON_INCORRECT_PAYMENT_DETAILS";
      payment->own_invoice = own_invoice;
      memcpy (payment->preimage, own_invoice->r_preimage, 32);
      return NULL;
    }

  for (guint i = 0; i < fake->remote->len; i++)
    {
      RemoteInvoice *remote = g_ptr_array_index (fake->remote, i);

      if (memcmp (remote->hash, payment->hash, 32) == 0)
        {
          memcpy (payment->preimage, remote->preimage, 32);
          return NULL;
        }
    }
  return "FAILURE_REASON_NO_ROUTE";
}

/* ---- request helpers ---- */

static guint64
body_u64 (JsonObject *body,
          const char *member)
{
  const char *text = json_object_get_string_member_with_default (body, member, "0");

  return g_ascii_strtoull (text, NULL, 10);
}

static guint64
query_u64 (GHashTable *query,
           const char *name,
           guint64     fallback)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  return text != NULL ? g_ascii_strtoull (text, NULL, 10) : fallback;
}

/* Bytes as protojson reads them; the swagger check already vouched for the alphabet. */
static GBytes *
decode_bytes (const char *text)
{
  g_autofree char *std = g_strdup (text);
  g_autoptr(GString) padded = NULL;
  guchar *data;
  gsize len;

  for (char *p = std; *p; p++)
    *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
  padded = g_string_new (std);
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');

  data = g_base64_decode (padded->str, &len);
  return g_bytes_new_take (data, len);
}

static gboolean
decode_hash (const char *text,
             guint8      out[32])
{
  g_autoptr(GBytes) bytes = decode_bytes (text);

  if (g_bytes_get_size (bytes) != 32)
    return FALSE;
  memcpy (out, g_bytes_get_data (bytes, NULL), 32);
  return TRUE;
}

/* lnrpc.UnmarshallAmt: the sat and msat forms of one amount exclude each other. */
static gboolean
body_amount (JsonObject *body,
             const char *sat_member,
             const char *msat_member,
             guint64    *msat)
{
  guint64 sat = body_u64 (body, sat_member);
  guint64 milli = body_u64 (body, msat_member);

  if (sat != 0 && milli != 0)
    return FALSE;
  *msat = milli != 0 ? milli : sat * 1000;
  return TRUE;
}

static void
schedule (FakeLnd      *fake,
          guint         ms,
          const guint8 *hash)
{
  Later *later = g_new0 (Later, 1);
  GSource *source = g_timeout_source_new (ms);

  later->fake = fake;
  memcpy (later->hash, hash, 32);
  g_source_set_callback (source, later_cb, later, g_free);
  g_source_attach (source, NULL);
  g_ptr_array_add (fake->timers, source);
}

/* ---- operations ---- */

typedef struct
{
  FakeLnd           *fake;
  SoupServerMessage *msg;
  LndSwaggerMatch   *match;
  GHashTable        *query;
  JsonObject        *body;
} Call;

static void
fail_call (Call       *call,
           gint        code,
           const char *message)
{
  answer_status (call->fake, call->msg, call->match->streaming, code, message);
}

static void
handle_getinfo (Call *call)
{
  FakeLnd *fake = call->fake;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = json_object_new ();
  JsonObject *chain = json_object_new ();
  JsonArray *chains = json_array_new ();
  guint8 block_hash[32];

  memset (block_hash, 0x2a, sizeof block_hash);
  set_string (object, "version", "0.19.1-beta commit=v0.19.1-beta");
  set_string (object, "commit_hash", "a2b8fda4d0b1d96ea9ac4e8a4f1e6a1d2c4e5f60");
  set_string (object, "identity_pubkey", fake->node_id);
  set_string (object, "alias", "fake-lnd");
  set_string (object, "color", "#3399ff");
  json_object_set_int_member (object, "num_active_channels", 2);
  json_object_set_int_member (object, "num_peers", 3);
  json_object_set_int_member (object, "block_height", fake->block_height);
  set_hex (object, "block_hash", block_hash, 32);
  set_u64 (object, "best_header_timestamp", now_s ());
  json_object_set_boolean_member (object, "synced_to_chain", TRUE);
  json_object_set_boolean_member (object, "synced_to_graph", TRUE);
  set_string (chain, "chain", "bitcoin");
  set_string (chain, "network", "regtest");
  json_array_add_object_element (chains, chain);
  json_object_set_array_member (object, "chains", chains);
  lnd_swagger_fill_defaults (fake->swagger, "lnrpcGetInfoResponse", object);

  node = object_node (object);
  answer (fake, call->msg, 200, node);
}

static JsonObject *
amount_object (guint64 msat)
{
  JsonObject *amount = json_object_new ();

  set_u64 (amount, "sat", msat / 1000);
  set_u64 (amount, "msat", msat);
  return amount;
}

static void
handle_channel_balance (Call *call)
{
  FakeLnd *fake = call->fake;
  static const char *zero_members[] = {
    "unsettled_local_balance", "unsettled_remote_balance",
    "pending_open_local_balance", "pending_open_remote_balance",
  };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = json_object_new ();

  set_u64 (object, "balance", fake->local_msat / 1000);
  json_object_set_object_member (object, "local_balance", amount_object (fake->local_msat));
  json_object_set_object_member (object, "remote_balance", amount_object (fake->remote_msat));
  for (guint i = 0; i < G_N_ELEMENTS (zero_members); i++)
    json_object_set_object_member (object, zero_members[i], amount_object (0));
  lnd_swagger_fill_defaults (fake->swagger, "lnrpcChannelBalanceResponse", object);

  node = object_node (object);
  answer (fake, call->msg, 200, node);
}

static char *
encode_invoice (FakeLnd *fake,
                Invoice *invoice)
{
  MsBolt11Params params = { 0 };
  g_autoptr(GError) error = NULL;
  char *bolt11;

  params.currency = "bcrt";
  params.has_amount = invoice->value_msat > 0;
  params.amount_msat = invoice->value_msat;
  params.timestamp = invoice->creation_date;
  params.payment_hash = invoice->r_hash;
  params.payment_secret = invoice->payment_addr;
  params.description = invoice->memo;
  params.expiry = invoice->expiry;
  params.min_final_cltv_expiry = FINAL_CLTV;
  bolt11 = ms_bolt11_encode (&params, fake->node_key, &error);
  g_assert_no_error (error);
  return bolt11;
}

/* lnrpc.Invoice in, as rpcserver.go AddInvoice and invoicesrpc.AddInvoice read it. */
static Invoice *
invoice_from_body (Call *call)
{
  g_autoptr(GBytes) preimage = NULL;
  Invoice *invoice = g_new0 (Invoice, 1);
  gint64 expiry = (gint64) body_u64 (call->body, "expiry");

  invoice->memo = g_strdup (json_object_get_string_member_with_default (call->body, "memo", ""));
  invoice->is_private = json_object_get_boolean_member_with_default (call->body, "private", FALSE);
  invoice->expiry = expiry > 0 ? expiry : DEFAULT_EXPIRY;
  invoice->creation_date = now_s ();
  invoice->state = "OPEN";

  preimage = decode_bytes (json_object_get_string_member_with_default (call->body, "r_preimage",
                                                                       ""));
  if (g_bytes_get_size (preimage) == 32)
    memcpy (invoice->r_preimage, g_bytes_get_data (preimage, NULL), 32);
  else
    ms_random_bytes (invoice->r_preimage, 32);
  ms_sha256 (invoice->r_preimage, 32, invoice->r_hash);
  ms_random_bytes (invoice->payment_addr, 32);
  return invoice;
}

static const char *
check_invoice_body (Call    *call,
                    guint64 *value_msat)
{
  gsize preimage_len = strlen (json_object_get_string_member_with_default (call->body,
                                                                           "r_preimage", ""));

  if (!body_amount (call->body, "value", "value_msat", value_msat))
    return "sat and msat arguments are mutually exclusive";
  if (preimage_len != 0 && preimage_len != 44 && preimage_len != 43)
    return "invalid preimage length";
  if (strlen (json_object_get_string_member_with_default (call->body, "memo", "")) > 639)
    return "memo too large: 640 bytes (maxsize=639)";
  return NULL;
}

static void
store_invoice (FakeLnd *fake,
               Invoice *invoice)
{
  invoice->bolt11 = encode_invoice (fake, invoice);
  invoice->add_index = ++fake->add_index;
  g_ptr_array_add (fake->invoices, invoice);
}

/* An invoice made by another client of the node (lncli addinvoice, say). */
void
fake_lnd_add_invoice (FakeLnd    *fake,
                      guint64     amount_msat,
                      const char *memo,
                      guint8      payment_hash[32])
{
  Invoice *invoice = g_new0 (Invoice, 1);

  invoice->memo = g_strdup (memo);
  invoice->value_msat = amount_msat;
  invoice->expiry = DEFAULT_EXPIRY;
  invoice->creation_date = now_s ();
  invoice->state = "OPEN";
  ms_random_bytes (invoice->r_preimage, 32);
  ms_sha256 (invoice->r_preimage, 32, invoice->r_hash);
  ms_random_bytes (invoice->payment_addr, 32);
  memcpy (payment_hash, invoice->r_hash, 32);
  store_invoice (fake, invoice);
  notify_invoice (fake, invoice);
}

static void
handle_add_invoice (Call *call)
{
  FakeLnd *fake = call->fake;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  const char *problem;
  guint64 value_msat;
  Invoice *invoice;

  if ((problem = check_invoice_body (call, &value_msat)))
    return fail_call (call, CODE_UNKNOWN, problem);

  invoice = invoice_from_body (call);
  invoice->value_msat = value_msat;
  if (find_invoice (fake, invoice->r_hash) != NULL)
    {
      invoice_free (invoice);
      return fail_call (call, CODE_UNKNOWN, "invoice with payment hash already exists");
    }
  store_invoice (fake, invoice);

  object = json_object_new ();
  set_bytes (object, "r_hash", invoice->r_hash, 32);
  set_string (object, "payment_request", invoice->bolt11);
  set_u64 (object, "add_index", invoice->add_index);
  set_bytes (object, "payment_addr", invoice->payment_addr, 32);
  node = object_node (object);
  answer (fake, call->msg, 200, node);
  notify_invoice (fake, invoice);
}

static void
handle_list_invoices (Call *call)
{
  FakeLnd *fake = call->fake;
  guint64 offset = query_u64 (call->query, "index_offset", 0);
  guint64 max = query_u64 (call->query, "num_max_invoices", 100);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = json_object_new ();
  JsonArray *invoices = json_array_new ();
  guint64 first = 0, last = 0;

  for (guint i = 0; i < fake->invoices->len && json_array_get_length (invoices) < max; i++)
    {
      Invoice *invoice = g_ptr_array_index (fake->invoices, i);

      if (invoice->add_index <= offset)
        continue;
      json_array_add_element (invoices, invoice_json (fake, invoice));
      first = first != 0 ? first : invoice->add_index;
      last = invoice->add_index;
    }

  json_object_set_array_member (object, "invoices", invoices);
  set_u64 (object, "last_index_offset", last);
  set_u64 (object, "first_index_offset", first);
  node = object_node (object);
  answer (fake, call->msg, 200, node);
}

static gint
compare_settled (gconstpointer a,
                 gconstpointer b)
{
  const Invoice *ia = *(const Invoice * const *) a;
  const Invoice *ib = *(const Invoice * const *) b;

  return ia->settle_index < ib->settle_index ? -1 : ia->settle_index > ib->settle_index;
}

/* invoices.go deliverBacklogEvents: settlements after settle_index, in settle order, then live. */
static void
handle_subscribe_invoices (Call *call)
{
  FakeLnd *fake = call->fake;
  guint64 settle_index = query_u64 (call->query, "settle_index", 0);
  g_autoptr(GPtrArray) backlog = g_ptr_array_new ();
  Stream *stream;

  /* A payment that lands after the client's list and before its subscription is live. */
  if (fake->settle_on_subscribe_msat > 0)
    {
      fake_lnd_settle_invoice (fake, fake->settle_on_subscribe, fake->settle_on_subscribe_msat);
      fake->settle_on_subscribe_msat = 0;
    }
  stream = stream_new (fake, call->msg, STREAM_INVOICES, NULL);

  for (guint i = 0; settle_index > 0 && i < fake->invoices->len; i++)
    {
      Invoice *invoice = g_ptr_array_index (fake->invoices, i);

      if (g_str_equal (invoice->state, "SETTLED") && invoice->settle_index > settle_index)
        g_ptr_array_add (backlog, invoice);
    }
  g_ptr_array_sort (backlog, compare_settled);

  for (guint i = 0; i < backlog->len; i++)
    {
      g_autoptr(JsonNode) json = invoice_json (fake, g_ptr_array_index (backlog, i));

      stream_write_result (stream, json);
    }
}

/* routerrpc extractIntentFromSendRequest, for a payment request. */
static const char *
check_send_body (Call      *call,
                 MsBolt11 **invoice_out,
                 guint64   *amount_msat,
                 guint64   *fee_limit_msat)
{
  const char *bolt11 = json_object_get_string_member_with_default (call->body, "payment_request",
                                                                   "");
  g_autoptr(MsBolt11) invoice = NULL;
  static char problem[256];

  if (!body_amount (call->body, "amt", "amt_msat", amount_msat) ||
      !body_amount (call->body, "fee_limit_sat", "fee_limit_msat", fee_limit_msat))
    return "sat and msat arguments are mutually exclusive";
  if (*bolt11 == '\0')
    return "a payment request is required";
  if (!(invoice = ms_bolt11_decode (bolt11, strlen (bolt11), MS_BOLT11_DECODE_NONE, NULL)))
    return "invoice not for current active network 'regtest'";
  if (!g_str_equal (ms_bolt11_get_currency (invoice), "bcrt"))
    return "invoice not for current active network 'regtest'";
  if (ms_bolt11_is_expired (invoice, now_s ()))
    {
      g_snprintf (problem, sizeof problem, "invoice expired. Valid until %" G_GINT64_FORMAT,
                  ms_bolt11_get_expires_at (invoice));
      return problem;
    }
  if (ms_bolt11_has_amount (invoice) && *amount_msat != 0)
    return "amount must not be specified when paying a non-zero amount invoice";
  if (!ms_bolt11_has_amount (invoice) && *amount_msat == 0)
    return "amount must be specified when paying a zero amount invoice";
  if (g_str_equal (ms_bolt11_get_payee_hex (invoice), call->fake->node_id) &&
      !json_object_get_boolean_member_with_default (call->body, "allow_self_payment", FALSE))
    return "self-payments not allowed";

  if (ms_bolt11_has_amount (invoice))
    *amount_msat = ms_bolt11_get_amount_msat (invoice);
  *invoice_out = g_steal_pointer (&invoice);
  return NULL;
}

/* paymentsdb: a hash is paid once; a failed payment may be tried again. */
static gboolean
check_not_paid (Call         *call,
                const guint8 *hash)
{
  Payment *existing = find_payment (call->fake, hash);

  if (existing == NULL)
    return TRUE;
  if (g_str_equal (existing->status, "SUCCEEDED"))
    return (fail_call (call, CODE_ALREADY_EXISTS, "invoice is already paid"), FALSE);
  if (g_str_equal (existing->status, "IN_FLIGHT"))
    return (fail_call (call, CODE_ALREADY_EXISTS, "payment is in transition"), FALSE);

  g_ptr_array_remove (call->fake->payments, existing);
  return TRUE;
}

static Payment *
new_payment (FakeLnd    *fake,
             MsBolt11   *invoice,
             guint64     amount_msat,
             const char *bolt11)
{
  Payment *payment = g_new0 (Payment, 1);

  memcpy (payment->hash, ms_bolt11_get_payment_hash (invoice), 32);
  payment->payment_request = g_strdup (bolt11);
  payment->value_msat = amount_msat;
  payment->fee_msat = fee_for (fake, amount_msat);
  payment->index = ++fake->payment_index;
  payment->creation_time_ns = g_get_real_time () * 1000;
  payment->status = "IN_FLIGHT";
  payment->mode = fake->next_mode;
  fake->next_mode = FAKE_LND_PAY_SUCCEED;
  g_ptr_array_add (fake->payments, payment);
  return payment;
}

static void
handle_send_payment (Call *call)
{
  FakeLnd *fake = call->fake;
  g_autoptr(MsBolt11) invoice = NULL;
  g_autoptr(JsonNode) json = NULL;
  guint64 amount_msat, fee_limit_msat;
  const char *problem;
  Payment *payment;
  Stream *stream;

  if ((problem = check_send_body (call, &invoice, &amount_msat, &fee_limit_msat)))
    return fail_call (call, CODE_UNKNOWN, problem);
  if (!check_not_paid (call, ms_bolt11_get_payment_hash (invoice)))
    return;

  payment = new_payment (fake, invoice, amount_msat,
                         json_object_get_string_member (call->body, "payment_request"));
  payment->planned_failure = route (fake, payment, invoice, fee_limit_msat);
  if (payment->mode == FAKE_LND_PAY_FAIL)
    payment->planned_failure = fake->next_failure != NULL
                               ? g_intern_string (fake->next_failure) : "FAILURE_REASON_NO_ROUTE";

  stream = stream_new (fake, call->msg, STREAM_PAYMENT, payment->hash);
  json = payment_json (fake, payment);
  stream_write_result (stream, json);
  if (payment->mode != FAKE_LND_PAY_HOLD)
    schedule (fake, RESOLVE_MS, payment->hash);
}

/* routerrpc TrackPaymentV2: the current state first, then every change until a final one. */
static void
handle_track_payment (Call *call)
{
  FakeLnd *fake = call->fake;
  const char *text = g_hash_table_lookup (call->match->path_params, "payment_hash");
  g_autofree char *decoded = g_uri_unescape_string (text, NULL);
  g_autoptr(JsonNode) json = NULL;
  guint8 hash[32];
  Payment *payment;
  Stream *stream;

  if (!decode_hash (decoded, hash))
    return fail_call (call, CODE_UNKNOWN, "invalid hash length");
  if (!(payment = find_payment (fake, hash)))
    return fail_call (call, CODE_NOT_FOUND, "payment isn't initiated");

  stream = stream_new (fake, call->msg, STREAM_PAYMENT, hash);
  json = payment_json (fake, payment);
  stream_write_result (stream, json);
  if (!g_str_equal (payment->status, "IN_FLIGHT"))
    stream_end (stream);
}

/* invoicesrpc CancelInvoice → InvoiceRegistry.CancelInvoice. */
static void
handle_cancel_invoice (Call *call)
{
  FakeLnd *fake = call->fake;
  const char *text = json_object_get_string_member_with_default (call->body, "payment_hash", "");
  g_autoptr(JsonNode) node = NULL;
  guint8 hash[32];
  Invoice *invoice;

  if (!decode_hash (text, hash))
    return fail_call (call, CODE_UNKNOWN, "invalid hash length");
  if (!(invoice = find_invoice (fake, hash)))
    return fail_call (call, CODE_UNKNOWN, "unable to locate invoice");
  if (g_str_equal (invoice->state, "SETTLED"))
    return fail_call (call, CODE_UNKNOWN, "invoice already settled");

  invoice->state = "CANCELED";
  node = object_node (json_object_new ());
  answer (fake, call->msg, 200, node);
}

static const struct
{
  const char *operation_id;
  void      (*handle) (Call *call);
} operations[] = {
  { "Lightning_GetInfo", handle_getinfo },
  { "Lightning_ChannelBalance", handle_channel_balance },
  { "Lightning_AddInvoice", handle_add_invoice },
  { "Lightning_ListInvoices", handle_list_invoices },
  { "Lightning_SubscribeInvoices", handle_subscribe_invoices },
  { "Router_SendPaymentV2", handle_send_payment },
  { "Router_TrackPaymentV2", handle_track_payment },
  { "Invoices_CancelInvoice", handle_cancel_invoice },
};

/* ---- the gateway ---- */

/* lnd's macaroon interceptor runs after the gateway decoded the request. */
static gboolean
check_macaroon (Call *call)
{
  FakeLnd *fake = call->fake;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (call->msg);
  const char *sent = soup_message_headers_get_one (headers, "Grpc-Metadata-macaroon");
  g_autofree char *echo = NULL;

  if (sent != NULL && g_ascii_strcasecmp (sent, fake->macaroon_hex) == 0)
    return TRUE;

  switch (fake->auth_style)
    {
    case FAKE_LND_AUTH_LND:
      fail_call (call, CODE_UNKNOWN, sent == NULL ? "expected 1 macaroon, got 0"
                 : "verification failed: signature mismatch after caveat verification");
      break;
    case FAKE_LND_AUTH_UNAUTHENTICATED:
      fail_call (call, CODE_UNAUTHENTICATED, "invalid macaroon");
      break;
    case FAKE_LND_AUTH_ECHO:
      echo = g_strdup_printf ("verification failed for macaroon %s", sent != NULL ? sent : "");
      fail_call (call, CODE_UNKNOWN, echo);
      break;
    }
  return FALSE;
}

static void
record (Call       *call,
        const char *query)
{
  FakeLnd *fake = call->fake;
  const char *id = call->match->operation_id;
  guint n = fake_lnd_get_n_requests (fake, id);

  g_hash_table_replace (fake->counts, g_strdup (id), GUINT_TO_POINTER (n + 1));
  g_hash_table_replace (fake->last_queries, g_strdup (id), g_strdup (query != NULL ? query : ""));
  if (call->body != NULL)
    g_hash_table_replace (fake->last_bodies, g_strdup (id), json_object_ref (call->body));
}

static gboolean
take_injection (Call *call)
{
  Injection *injection = g_hash_table_lookup (call->fake->injections, call->match->operation_id);

  if (injection == NULL)
    return FALSE;

  fail_call (call, injection->code, injection->message);
  g_hash_table_remove (call->fake->injections, call->match->operation_id);
  return TRUE;
}

static void
dispatch (Call *call)
{
  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    if (g_str_equal (operations[i].operation_id, call->match->operation_id))
      return operations[i].handle (call);

  note_invalid (call->fake, call->match->operation_id, "an operation the fake does not offer");
  fail_call (call, CODE_UNIMPLEMENTED, "unknown service");
}

static gboolean
validate_request (Call       *call,
                  const char *path)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (call->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (request_body);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  const char *method = soup_server_message_get_method (call->msg);

  if (!lnd_swagger_validate_request (call->fake->swagger, method, path, call->query, data, len,
                                     &body, &error))
    {
      note_invalid (call->fake, "request breaks the contract", error->message);
      /* The gateway's decode error, before any RPC: never a stream line. */
      answer_rpc_status (call->fake, call->msg, CODE_INVALID_ARGUMENT, error->message);
      return FALSE;
    }

  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    call->body = json_object_ref (json_node_get_object (body));
  return TRUE;
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FakeLnd *fake = user_data;
  LndSwaggerMatch match;
  g_autoptr(GError) error = NULL;
  Call call = { fake, msg, &match, query, NULL };
  const char *method = soup_server_message_get_method (msg);

  prune_streams (fake);
  if (!lnd_swagger_match (fake->swagger, method, path, &match, &error))
    {
      gboolean no_path = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

      note_invalid (fake, "request breaks the contract", error->message);
      return answer_rpc_status (fake, msg, no_path ? CODE_NOT_FOUND : CODE_UNIMPLEMENTED,
                                no_path ? "Not Found" : "Method Not Allowed");
    }

  if (validate_request (&call, path))
    {
      record (&call, g_uri_get_query (soup_server_message_get_uri (msg)));
      if (check_macaroon (&call) && !take_injection (&call))
        dispatch (&call);
    }

  g_clear_pointer (&call.body, json_object_unref);
  lnd_swagger_match_clear (&match);
}
