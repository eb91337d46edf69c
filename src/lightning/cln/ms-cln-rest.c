/* ms-cln-rest.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "ms-cln-private.h"
#include "ms-crypto.h"
#include "ms-error.h"

/*
 * CLNRest (doc/developers-guide/app-development/rest.md): `POST /v1/<method>`
 * with the rune in a `Rune` header and the named parameters as a JSON body.
 * Each call is one HTTP request, so a long poll never holds up other calls:
 * libsoup opens a new connection for every non-idempotent request, and
 * read-only calls may share kept-alive ones.
 */

#define MAX_CONNS_PER_HOST 16

struct _MsClnRest
{
  GObject          parent_instance;

  char            *base_url;   /* without a trailing slash */
  char            *rune;       /* wiped in finalize */
  GTlsCertificate *pinned;
  SoupSession     *session;
};

G_DEFINE_FINAL_TYPE (MsClnRest, ms_cln_rest, G_TYPE_OBJECT)

typedef struct
{
  SoupMessage *message;
  char        *url;
} CallData;

static void
wipe_free (gpointer data)
{
  ms_wipe (data, strlen (data));
  g_free (data);
}

static void
call_data_free (CallData *data)
{
  g_clear_object (&data->message);
  g_free (data->url);
  g_free (data);
}

/* Nothing the node says goes into a message with our rune in it. */
static void
redact (char       **message,
        const char  *rune)
{
  g_auto(GStrv) parts = NULL;

  if (*message == NULL || *rune == '\0' || strstr (*message, rune) == NULL)
    return;

  parts = g_strsplit (*message, rune, -1);
  g_free (*message);
  *message = g_strjoinv ("[rune]", parts);
}

/* A pinned certificate is accepted whatever the CAs say about it; only it is. */
static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       MsClnRest            *self)
{
  return peer != NULL && g_tls_certificate_is_same (peer, self->pinned);
}

static GError *
transport_error (MsClnRest  *self,
                 CallData   *data,
                 GError     *error)
{
  GError *out;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  out = g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                     "CLNRest unreachable at %s: %s%s", data->url,
                     error->domain == G_TLS_ERROR ? "TLS: " : "", error->message);
  g_error_free (error);
  return out;
}

/* The pin also holds for kept-alive connections and CA-valid certificates. */
static gboolean
check_pin (MsClnRest    *self,
           CallData     *data,
           GError      **error)
{
  GTlsCertificate *peer;

  if (self->pinned == NULL)
    return TRUE;

  peer = soup_message_get_tls_peer_certificate (data->message);
  if (peer != NULL && g_tls_certificate_is_same (peer, self->pinned))
    return TRUE;

  g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
               "CLNRest unreachable at %s: TLS: the server's certificate is not the pinned "
               "one", data->url);
  return FALSE;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsClnRest *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  MsClnReply *reply;
  gconstpointer bytes;
  gsize len;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, transport_error (self, data, error));
      return;
    }
  if (!check_pin (self, data, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  bytes = g_bytes_get_data (body, &len);
  reply = _ms_cln_reply_parse_rest (soup_message_get_status (data->message), bytes, len, &error);
  if (reply == NULL)
    {
      redact (&error->message, self->rune);
      g_task_return_error (task, error);
      return;
    }

  redact (&reply->message, self->rune);
  g_task_return_pointer (task, reply, (GDestroyNotify) _ms_cln_reply_free);
}

/*
 * @params is the JSON text of the named parameters (an object). Read-only
 * calls are marked @idempotent so that they may reuse a kept-alive
 * connection; libsoup may then repeat them on a fresh one.
 */
void
_ms_cln_rest_call_async (MsClnRest           *self,
                         const char          *method,
                         const char          *params,
                         gboolean             idempotent,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessageHeaders *headers;
  CallData *data;
  char *text;

  g_return_if_fail (MS_IS_CLN_REST (self));
  g_return_if_fail (method != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _ms_cln_rest_call_async);
  data = g_new0 (CallData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);

  data->url = g_strdup_printf ("%s/v1/%s", self->base_url, method);
  data->message = soup_message_new (SOUP_METHOD_POST, data->url);
  if (data->message == NULL)
    {
      g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                               "CLNRest unreachable: '%s' is not a valid URL", data->url);
      return;
    }

  /* An empty rune is no rune: CLNRest then says so (403, "Missing rune"). */
  headers = soup_message_get_request_headers (data->message);
  if (*self->rune != '\0')
    soup_message_headers_append (headers, "Rune", self->rune);
  soup_message_headers_append (headers, "Accept", "application/json");
  text = g_strdup (params != NULL ? params : "{}");
  body = g_bytes_new_with_free_func (text, strlen (text), wipe_free, text);
  soup_message_set_request_body_from_bytes (data->message, "application/json", body);
  if (idempotent)
    soup_message_add_flags (data->message, SOUP_MESSAGE_IDEMPOTENT);
  if (self->pinned != NULL)
    g_signal_connect_object (data->message, "accept-certificate",
                             G_CALLBACK (accept_certificate_cb), self, 0);

  soup_session_send_and_read_async (self->session, data->message, G_PRIORITY_DEFAULT,
                                    cancellable, sent_cb, g_steal_pointer (&task));
}

MsClnReply *
_ms_cln_rest_call_finish (MsClnRest     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (MS_IS_CLN_REST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Aborts every request in flight; they fail with G_IO_ERROR_CANCELLED. */
void
_ms_cln_rest_close (MsClnRest *self)
{
  g_return_if_fail (MS_IS_CLN_REST (self));

  soup_session_abort (self->session);
}

/*
 * @pinned: the one certificate CLNRest may present (it makes its own,
 * self-signed, in clnrest-certs), or NULL to check it against the system CAs.
 */
MsClnRest *
_ms_cln_rest_new (const char      *base_url,
                  const char      *rune,
                  GTlsCertificate *pinned)
{
  MsClnRest *self;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (rune != NULL, NULL);
  g_return_val_if_fail (pinned == NULL || G_IS_TLS_CERTIFICATE (pinned), NULL);

  self = g_object_new (MS_TYPE_CLN_REST, NULL);
  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  self->base_url = g_strndup (base_url, len);
  self->rune = g_strdup (rune);
  self->pinned = pinned != NULL ? g_object_ref (pinned) : NULL;

  /* libsoup allows two connections per host by default: a long poll and a slow
   * payment would leave none for anything else. */
  self->session = soup_session_new_with_options ("max-conns-per-host", MAX_CONNS_PER_HOST,
                                                 "max-conns", 2 * MAX_CONNS_PER_HOST,
                                                 NULL);
  if (self->pinned != NULL)
    soup_session_set_tls_database (self->session, NULL);
  return self;
}

static void
ms_cln_rest_dispose (GObject *object)
{
  MsClnRest *self = MS_CLN_REST (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->pinned);

  G_OBJECT_CLASS (ms_cln_rest_parent_class)->dispose (object);
}

static void
ms_cln_rest_finalize (GObject *object)
{
  MsClnRest *self = MS_CLN_REST (object);

  if (self->rune != NULL)
    ms_wipe (self->rune, strlen (self->rune));
  g_free (self->rune);
  g_free (self->base_url);

  G_OBJECT_CLASS (ms_cln_rest_parent_class)->finalize (object);
}

static void
ms_cln_rest_class_init (MsClnRestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_cln_rest_dispose;
  object_class->finalize = ms_cln_rest_finalize;
}

static void
ms_cln_rest_init (MsClnRest *self)
{
}
