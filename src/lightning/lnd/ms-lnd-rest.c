/* ms-lnd-rest.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "ms-crypto.h"
#include "ms-error.h"
#include "ms-hex.h"
#include "ms-lnd-rest-private.h"

/* Unary calls give up when the node stays silent this long; streams (payments, invoices) wait. */
#define CALL_TIMEOUT_S   60
#define READ_SIZE        16384
/* The largest unary answer we take: a page of 100 invoices is far smaller. */
#define MAX_BODY         (32 * 1024 * 1024)

struct _MsLndRest
{
  GObject             parent_instance;

  SoupSession        *calls;
  SoupSession        *streams;
  char               *base_url;
  char               *display_url;
  char               *macaroon_hex;
  GTlsCertificate    *pinned;
  GPtrArray          *active;

  MsLndReachableFunc  reachable_func;
  gpointer            reachable_data;
};

G_DEFINE_FINAL_TYPE (MsLndRest, ms_lnd_rest, G_TYPE_OBJECT)

typedef struct
{
  MsLndRest       *self;
  SoupMessage     *msg;
  GCancellable    *cancellable;
  GCancellable    *caller;
  gulong           caller_id;
  GInputStream    *body;
  GByteArray      *buffer;
  MsLndLineBuffer *lines;
  MsLndLineFunc    line_func;
  gpointer         line_data;
  MsLndStatus      status;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  if (request->caller_id != 0)
    g_signal_handler_disconnect (request->caller, request->caller_id);
  g_clear_object (&request->caller);
  g_ptr_array_remove_fast (request->self->active, request->cancellable);
  g_clear_object (&request->cancellable);
  if (request->body != NULL)
    g_input_stream_close_async (request->body, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&request->body);
  g_clear_object (&request->msg);
  g_clear_pointer (&request->buffer, g_byte_array_unref);
  g_clear_pointer (&request->lines, _ms_lnd_line_buffer_free);
  _ms_lnd_status_clear (&request->status);
  g_clear_object (&request->self);
  g_free (request);
}

static void
ms_lnd_rest_dispose (GObject *object)
{
  MsLndRest *self = MS_LND_REST (object);

  _ms_lnd_rest_cancel_all (self);
  g_clear_object (&self->calls);
  g_clear_object (&self->streams);
  g_clear_object (&self->pinned);

  G_OBJECT_CLASS (ms_lnd_rest_parent_class)->dispose (object);
}

static void
ms_lnd_rest_finalize (GObject *object)
{
  MsLndRest *self = MS_LND_REST (object);

  if (self->macaroon_hex != NULL)
    ms_wipe (self->macaroon_hex, strlen (self->macaroon_hex));
  g_clear_pointer (&self->macaroon_hex, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->display_url, g_free);
  g_clear_pointer (&self->active, g_ptr_array_unref);

  G_OBJECT_CLASS (ms_lnd_rest_parent_class)->finalize (object);
}

static void
ms_lnd_rest_class_init (MsLndRestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_lnd_rest_dispose;
  object_class->finalize = ms_lnd_rest_finalize;
}

static void
ms_lnd_rest_init (MsLndRest *self)
{
  self->active = g_ptr_array_new ();
}

/*
 * lnd serves REST with its own self-signed tls.cert, which clients pin. With
 * a pinned certificate the session gets no CA database at all, so that every
 * certificate goes through accept-certificate and only the pinned one
 * passes. libsoup 3 defaults to two connections per host, too few for a
 * settlement stream, a payment stream and calls at once.
 */
static SoupSession *
new_session (MsLndRest *self,
             guint      timeout_s)
{
  SoupSession *session = soup_session_new_with_options ("timeout", timeout_s,
                                                        "max-conns", 32,
                                                        "max-conns-per-host", 16,
                                                        NULL);

  if (self->pinned != NULL)
    soup_session_set_tls_database (session, NULL);
  return session;
}

/* @base_url: https://host:port, optionally with a path prefix. */
MsLndRest *
_ms_lnd_rest_new (const char      *base_url,
                  GBytes          *macaroon,
                  GTlsCertificate *tls_cert)
{
  g_autoptr(GUri) uri = NULL;
  MsLndRest *self;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (macaroon != NULL, NULL);
  g_return_val_if_fail (tls_cert == NULL || G_IS_TLS_CERTIFICATE (tls_cert), NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  g_return_val_if_fail (uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "https") == 0, NULL);

  self = g_object_new (MS_TYPE_LND_REST, NULL);
  self->base_url = g_strdup (base_url);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->display_url = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY |
                                                    G_URI_HIDE_FRAGMENT);
  data = g_bytes_get_data (macaroon, &len);
  self->macaroon_hex = ms_hex_encode (data, len);
  self->pinned = tls_cert != NULL ? g_object_ref (tls_cert) : NULL;
  self->calls = new_session (self, CALL_TIMEOUT_S);
  self->streams = new_session (self, 0);
  return self;
}

void
_ms_lnd_rest_set_reachable_func (MsLndRest          *self,
                                 MsLndReachableFunc  func,
                                 gpointer            user_data)
{
  g_return_if_fail (MS_IS_LND_REST (self));

  self->reachable_func = func;
  self->reachable_data = user_data;
}

/* The node's address for messages, without any credentials it may carry. */
const char *
_ms_lnd_rest_get_url (MsLndRest *self)
{
  g_return_val_if_fail (MS_IS_LND_REST (self), NULL);

  return self->display_url;
}

/* Every call in flight fails with G_IO_ERROR_CANCELLED. */
void
_ms_lnd_rest_cancel_all (MsLndRest *self)
{
  g_autoptr(GPtrArray) active = NULL;

  g_return_if_fail (MS_IS_LND_REST (self));

  active = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->active->len; i++)
    g_ptr_array_add (active, g_object_ref (g_ptr_array_index (self->active, i)));
  for (guint i = 0; i < active->len; i++)
    g_cancellable_cancel (g_ptr_array_index (active, i));
}

/* A node that echoed our macaroon back must not get it into a log through us. */
static void
scrub_secret (MsLndRest *self,
              char      *text)
{
  g_autofree char *lower = NULL;
  gsize secret_len;
  char *hit;

  if (text == NULL || self->macaroon_hex == NULL || *self->macaroon_hex == '\0')
    return;

  lower = g_ascii_strdown (text, -1);
  secret_len = strlen (self->macaroon_hex);
  while ((hit = strstr (lower, self->macaroon_hex)) != NULL)
    {
      memset (text + (hit - lower), '*', secret_len);
      memset (hit, '*', secret_len);
    }
  ms_wipe (lower, strlen (lower));
}

static void
report (MsLndRest    *self,
        const GError *error)
{
  gboolean reachable;

  if (self->reachable_func == NULL ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  reachable = error == NULL ||
              !(g_error_matches (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE) ||
                g_error_matches (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED));
  self->reachable_func (reachable, reachable ? NULL : error, self->reachable_data);
}

static void
return_error (GTask  *task,
              GError *error)
{
  Request *request = g_task_get_task_data (task);

  scrub_secret (request->self, error->message);
  report (request->self, error);
  g_task_return_error (task, error);
}

static GError *
transport_error (MsLndRest    *self,
                 const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == G_TLS_ERROR && self->pinned != NULL)
    return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                        "LND at %s did not present its pinned tls.cert: %s",
                        self->display_url, error->message);
  if (error->domain == G_TLS_ERROR)
    return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                        "LND at %s presented a certificate this system does not trust "
                        "(give its tls.cert): %s", self->display_url, error->message);

  return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                      "LND unreachable at %s: %s", self->display_url, error->message);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       MsLndRest            *self)
{
  return g_tls_certificate_is_same (certificate, self->pinned);
}

static SoupMessage *
build_message (MsLndRest  *self,
               const char *method,
               const char *path,
               JsonNode   *body)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  g_return_val_if_fail (msg != NULL, NULL);

  /* lnd never redirects; following one would hand the macaroon to another server. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);

  /* docs/macaroons.md: the macaroon as hex in this header on every call. */
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Grpc-Metadata-macaroon", self->macaroon_hex);
  soup_message_headers_replace (headers, "Accept", "application/json");

  if (body != NULL)
    {
      char *json = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  if (self->pinned != NULL)
    g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb),
                             self, 0);
  return msg;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static GTask *
request_new (MsLndRest           *self,
             const char          *method,
             const char          *path,
             JsonNode            *body,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->status.code = -1;
  request->msg = build_message (self, method, path, body);
  request->cancellable = g_cancellable_new ();
  g_ptr_array_add (self->active, request->cancellable);

  /* Our own cancellable, so that _ms_lnd_rest_cancel_all() reaches every call. */
  if (cancellable != NULL)
    {
      request->caller = g_object_ref (cancellable);
      request->caller_id = g_signal_connect (cancellable, "cancelled",
                                             G_CALLBACK (caller_cancelled_cb),
                                             request->cancellable);
      if (g_cancellable_is_cancelled (cancellable))
        g_cancellable_cancel (request->cancellable);
    }

  g_task_set_task_data (task, request, request_free);
  return task;
}

static void read_next (GTask *task);

/* A unary answer, or the error body of any call. */
static void
finish_buffered (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  const char *data = (const char *) request->buffer->data;
  gsize len = request->buffer->len;
  GError *error = NULL;
  JsonObject *answer;

  if (!SOUP_STATUS_IS_SUCCESSFUL (request->status.http_status))
    {
      _ms_lnd_parse_error_body (data, len, &request->status);
      scrub_secret (request->self, request->status.message);
      return return_error (task, _ms_lnd_status_to_error (&request->status));
    }

  if (!(answer = _ms_lnd_parse_object (data, len, &error)))
    return return_error (task, error);

  report (request->self, NULL);
  g_task_return_pointer (task, answer, (GDestroyNotify) json_object_unref);
}

/* Hands each complete line to the caller; TRUE to read on. */
static gboolean
take_lines (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  char *line;
  gsize len;

  while ((line = _ms_lnd_line_buffer_pop (request->lines, &len)) != NULL)
    {
      g_autofree char *owned = line;
      g_autoptr(JsonObject) result = NULL;
      GError *error = NULL;

      result = _ms_lnd_parse_stream_line (owned, len, &request->status, &error);
      if (result == NULL)
        {
          scrub_secret (request->self, request->status.message);
          return (return_error (task, error), FALSE);
        }

      report (request->self, NULL);
      if (!request->line_func (result, request->line_data, &error))
        {
          if (error != NULL)
            g_task_return_error (task, error);
          else
            g_task_return_boolean (task, TRUE);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
take_chunk (GTask  *task,
            GBytes *chunk)
{
  Request *request = g_task_get_task_data (task);
  gsize len;
  const guint8 *data = g_bytes_get_data (chunk, &len);
  GError *error = NULL;

  if (request->lines != NULL)
    {
      if (!_ms_lnd_line_buffer_push (request->lines, data, len, &error))
        return (return_error (task, error), FALSE);
      return take_lines (task);
    }

  if (request->buffer->len + len > MAX_BODY)
    {
      return_error (task, g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                                       "LND sent an answer larger than %d bytes", MAX_BODY));
      return FALSE;
    }
  g_byte_array_append (request->buffer, data, len);
  return TRUE;
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;

  if (!(chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error)))
    return return_error (task, transport_error (request->self, error));

  if (g_bytes_get_size (chunk) == 0)
    {
      if (request->lines == NULL)
        return finish_buffered (task);
      /* Every stream we read ends on our side: the node, or the path to it, went away. */
      return return_error (task, g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                                              "LND at %s ended the stream before it was done",
                                              request->self->display_url));
    }

  if (take_chunk (task, chunk))
    read_next (g_steal_pointer (&task));
}

static void
read_next (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (request->body, READ_SIZE, G_PRIORITY_DEFAULT,
                                   request->cancellable, read_cb, task);
}

static gboolean
peer_is_pinned (Request *request)
{
  GTlsCertificate *peer = soup_message_get_tls_peer_certificate (request->msg);

  /* A CA-valid certificate would not reach accept-certificate: check here too. */
  return request->self->pinned == NULL ||
         (peer != NULL && g_tls_certificate_is_same (peer, request->self->pinned));
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  request->body = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->body == NULL)
    return return_error (task, transport_error (request->self, error));

  if (!peer_is_pinned (request))
    return return_error (task, g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                                            "LND at %s did not present its pinned tls.cert",
                                            request->self->display_url));

  request->status.http_status = soup_message_get_status (request->msg);
  if (request->line_func != NULL && SOUP_STATUS_IS_SUCCESSFUL (request->status.http_status))
    request->lines = _ms_lnd_line_buffer_new (MS_LND_MAX_LINE);
  else
    request->buffer = g_byte_array_new ();

  read_next (g_steal_pointer (&task));
}

static void
request_send (GTask       *task,
              SoupSession *session)
{
  Request *request = g_task_get_task_data (task);

  soup_session_send_async (session, request->msg, G_PRIORITY_DEFAULT, request->cancellable,
                           sent_cb, task);
}

static void
copy_status (GAsyncResult *result,
             MsLndStatus  *status)
{
  Request *request = g_task_get_task_data (G_TASK (result));

  if (status == NULL)
    return;

  _ms_lnd_status_clear (status);
  status->http_status = request->status.http_status;
  status->code = request->status.code;
  status->message = g_strdup (request->status.message);
  status->in_stream = request->status.in_stream;
}

/*
 * A unary call: @path with its query, @body (or NULL) sent as JSON. The
 * answer is the response message as an object.
 */
void
_ms_lnd_rest_call_async (MsLndRest           *self,
                         const char          *method,
                         const char          *path,
                         JsonNode            *body,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_LND_REST (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');

  task = request_new (self, method, path, body, cancellable, callback, user_data);
  g_task_set_source_tag (task, _ms_lnd_rest_call_async);
  request_send (g_steal_pointer (&task), self->calls);
}

/* @status (may be NULL) is filled with what the node said when the call failed. */
JsonObject *
_ms_lnd_rest_call_finish (MsLndRest     *self,
                          GAsyncResult  *result,
                          MsLndStatus   *status,
                          GError       **error)
{
  g_return_val_if_fail (MS_IS_LND_REST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  copy_status (result, status);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * A server-streaming call: @line_func gets each `result` until it returns
 * FALSE. The stream fails when the node sends an `error`, something that is
 * not a stream line, or ends first.
 */
void
_ms_lnd_rest_stream_async (MsLndRest           *self,
                           const char          *method,
                           const char          *path,
                           JsonNode            *body,
                           MsLndLineFunc        line_func,
                           gpointer             line_data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (MS_IS_LND_REST (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (line_func != NULL);

  task = request_new (self, method, path, body, cancellable, callback, user_data);
  g_task_set_source_tag (task, _ms_lnd_rest_stream_async);
  request = g_task_get_task_data (task);
  request->line_func = line_func;
  request->line_data = line_data;
  request_send (g_steal_pointer (&task), self->streams);
}

gboolean
_ms_lnd_rest_stream_finish (MsLndRest     *self,
                            GAsyncResult  *result,
                            MsLndStatus   *status,
                            GError       **error)
{
  g_return_val_if_fail (MS_IS_LND_REST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  copy_status (result, status);
  return g_task_propagate_boolean (G_TASK (result), error);
}
