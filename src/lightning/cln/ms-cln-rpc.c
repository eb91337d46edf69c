/* ms-cln-rpc.c
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

/*
 * JSON-RPC 2.0 over lightningd's `lightning-rpc` unix socket
 * (doc/lightningd-rpc.7.md). Requests are written back to back; every reply
 * ends with "\n\n" and carries our id back, so several calls share one
 * connection and are matched by id. A connection that fails takes its
 * calls with it; the next call opens a new one.
 */

#define READ_CHUNK 65536

typedef struct _Conn Conn;

struct _MsClnRpc
{
  GObject  parent_instance;

  char    *socket_path;
  Conn    *conn;         /* open or opening, or NULL */
  guint64  next_id;
};

G_DEFINE_FINAL_TYPE (MsClnRpc, ms_cln_rpc, G_TYPE_OBJECT)

struct _Conn
{
  grefcount          ref_count;   /* the rpc's, and one per async operation */
  MsClnRpc          *rpc;         /* NULL once the connection is over */
  char              *socket_path;
  GSocketConnection *stream;
  GCancellable      *cancellable;
  MsClnFramer       *framer;
  GHashTable        *calls;       /* id -> Call *, sent or queued */
  GQueue             outbox;      /* GBytes *, requests not yet written */
  GBytes            *writing;     /* the request being written */
  guint8            *read_buf;
  guint              connected : 1;
  guint              closed : 1;
};

typedef struct
{
  GTask   *task;
  Conn    *conn;
  char    *id;
  GSource *cancel_source;
} Call;

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

  g_assert (conn->closed);
  g_assert (g_hash_table_size (conn->calls) == 0);
  g_queue_clear_full (&conn->outbox, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&conn->writing, g_bytes_unref);
  g_clear_object (&conn->stream);
  g_clear_object (&conn->cancellable);
  g_clear_pointer (&conn->framer, _ms_cln_framer_free);
  g_hash_table_unref (conn->calls);
  g_free (conn->socket_path);
  g_free (conn->read_buf);
  g_free (conn);
}

static void
call_free (Call *call)
{
  if (call->cancel_source != NULL)
    {
      g_source_destroy (call->cancel_source);
      g_source_unref (call->cancel_source);
    }
  g_clear_object (&call->task);
  g_free (call->id);
  g_free (call);
}

/* Takes @call out of its connection and completes it with @reply or @error. */
static void
call_complete (Call       *call,
               MsClnReply *reply,
               GError     *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&call->task);

  g_hash_table_steal (call->conn->calls, call->id);
  call_free (call);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) _ms_cln_reply_free);
}

static void
stream_closed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
}

/*
 * Ends the connection: every call on it fails with a copy of @error, and the
 * rpc forgets it so that the next call connects again.
 */
static void
conn_fail (Conn   *conn,
           GError *error)
{
  g_autoptr(GError) owned = error;
  g_autoptr(GList) calls = NULL;

  if (conn->closed)
    return;

  conn->closed = TRUE;
  g_cancellable_cancel (conn->cancellable);
  if (conn->stream != NULL)
    g_io_stream_close_async (G_IO_STREAM (conn->stream), G_PRIORITY_DEFAULT, NULL,
                             stream_closed_cb, NULL);

  /* Detach first: a callback below may start a new call, which must get a new connection. */
  conn_ref (conn);
  if (conn->rpc != NULL && conn->rpc->conn == conn)
    {
      conn->rpc->conn = NULL;
      conn_unref (conn);
    }
  conn->rpc = NULL;

  /* A completion may run its callback right away, but frees no other call. */
  calls = g_hash_table_get_values (conn->calls);
  for (GList *l = calls; l != NULL; l = l->next)
    call_complete (l->data, NULL, g_error_copy (owned));

  conn_unref (conn);
}

static GError *
unreachable (Conn       *conn,
             const char *why)
{
  return g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                      "node unreachable at %s: %s", conn->socket_path, why);
}

static void flush (Conn *conn);

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Conn *conn = user_data;
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error);
  g_clear_pointer (&conn->writing, g_bytes_unref);

  if (error != NULL)
    conn_fail (conn, unreachable (conn, error->message));
  else
    flush (conn);
  conn_unref (conn);
}

/* Writes the queued requests one after the other. */
static void
flush (Conn *conn)
{
  GOutputStream *output;
  gconstpointer data;
  gsize len;

  if (conn->closed || !conn->connected || conn->writing != NULL ||
      g_queue_is_empty (&conn->outbox))
    return;

  conn->writing = g_queue_pop_head (&conn->outbox);
  data = g_bytes_get_data (conn->writing, &len);
  output = g_io_stream_get_output_stream (G_IO_STREAM (conn->stream));
  g_output_stream_write_all_async (output, data, len, G_PRIORITY_DEFAULT, conn->cancellable,
                                   written_cb, conn_ref (conn));
}

/* Hands a reply to the call that waits for it. */
static void
dispatch (Conn   *conn,
          GBytes *frame)
{
  g_autoptr(GError) error = NULL;
  MsClnReply *reply;
  gconstpointer data;
  gsize len;
  Call *call;

  data = g_bytes_get_data (frame, &len);
  reply = _ms_cln_reply_parse_rpc (data, len, &error);
  if (reply == NULL)
    {
      /* The stream cannot be trusted any more: no later reply can be matched. */
      g_prefix_error (&error, "node at %s: ", conn->socket_path);
      conn_fail (conn, g_steal_pointer (&error));
      return;
    }

  if (reply->kind == MS_CLN_REPLY_NOTIFICATION)
    {
      _ms_cln_reply_free (reply);
      return;
    }

  /* lightningd answers an unparseable request with "id": null and hangs up. */
  if (reply->id == NULL)
    {
      conn_fail (conn, g_error_new (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                                    "the node at %s could not read a request: %s",
                                    conn->socket_path,
                                    reply->message != NULL ? reply->message : "no reason"));
      _ms_cln_reply_free (reply);
      return;
    }

  call = g_hash_table_lookup (conn->calls, reply->id);
  if (call == NULL)
    {
      /* The answer to a call that was cancelled meanwhile. */
      g_debug ("cln: dropping a reply to %s", reply->id);
      _ms_cln_reply_free (reply);
      return;
    }

  call_complete (call, reply, NULL);
}

static void read_more (Conn *conn);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Conn *conn = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    conn_fail (conn, unreachable (conn, error->message));
  else if (n == 0)
    conn_fail (conn, unreachable (conn, "the node closed the connection"));
  else
    {
      _ms_cln_framer_push (conn->framer, conn->read_buf, n);
      while (!conn->closed)
        {
          g_autoptr(GBytes) frame = _ms_cln_framer_next (conn->framer, &error);

          if (frame == NULL)
            {
              if (error != NULL)
                conn_fail (conn, g_steal_pointer (&error));
              break;
            }
          dispatch (conn, frame);
        }
      read_more (conn);
    }

  conn_unref (conn);
}

static void
read_more (Conn *conn)
{
  GInputStream *input;

  if (conn->closed)
    return;

  input = g_io_stream_get_input_stream (G_IO_STREAM (conn->stream));
  g_input_stream_read_async (input, conn->read_buf, READ_CHUNK, G_PRIORITY_DEFAULT,
                             conn->cancellable, read_cb, conn_ref (conn));
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Conn *conn = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *stream;

  stream = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (conn->closed)
    g_clear_object (&stream);
  else if (stream == NULL)
    conn_fail (conn, unreachable (conn, error->message));
  else
    {
      conn->stream = stream;
      conn->connected = TRUE;
      read_more (conn);
      flush (conn);
    }

  conn_unref (conn);
}

static Conn *
conn_open (MsClnRpc *self)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (self->socket_path);
  Conn *conn = g_new0 (Conn, 1);

  g_ref_count_init (&conn->ref_count);
  conn->rpc = self;
  conn->socket_path = g_strdup (self->socket_path);
  conn->cancellable = g_cancellable_new ();
  conn->framer = _ms_cln_framer_new (MS_CLN_MAX_REPLY_LEN);
  conn->calls = g_hash_table_new (g_str_hash, g_str_equal);
  conn->read_buf = g_malloc (READ_CHUNK);
  g_queue_init (&conn->outbox);

  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), conn->cancellable,
                                 connected_cb, conn_ref (conn));
  return conn;
}

static gboolean
call_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  Call *call = user_data;

  call_complete (call, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  "the call to the node was cancelled"));
  return G_SOURCE_REMOVE;
}

static void
wipe_free (gpointer data)
{
  ms_wipe (data, strlen (data));
  g_free (data);
}

/* Wiped once written: the parameters may hold a preimage. */
static GBytes *
build_request (const char *id,
               const char *method,
               const char *params)
{
  GString *out = g_string_new ("{\"jsonrpc\":\"2.0\",\"id\":");
  char *text;
  gsize len;

  ms_json_append_string (out, id, -1);
  g_string_append (out, ",\"method\":");
  ms_json_append_string (out, method, -1);
  g_string_append (out, ",\"params\":");
  g_string_append (out, params != NULL ? params : "{}");
  g_string_append_c (out, '}');
  len = out->len;
  text = g_string_free (out, FALSE);
  return g_bytes_new_with_free_func (text, len, wipe_free, text);
}

/*
 * Sends one request: @params is the JSON text of the named parameters
 * (an object). The id is "moneysocket:<method>#N" as lightningd-rpc.7
 * recommends.
 */
void
_ms_cln_rpc_call_async (MsClnRpc            *self,
                        const char          *method,
                        const char          *params,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (MS_IS_CLN_RPC (self));
  g_return_if_fail (method != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _ms_cln_rpc_call_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->conn == NULL)
    self->conn = conn_open (self);

  call = g_new0 (Call, 1);
  call->task = g_steal_pointer (&task);
  call->conn = self->conn;
  call->id = g_strdup_printf ("moneysocket:%s#%" G_GUINT64_FORMAT, method, ++self->next_id);
  g_hash_table_insert (self->conn->calls, call->id, call);

  if (cancellable != NULL)
    {
      call->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (call->cancel_source, G_SOURCE_FUNC (call_cancelled_cb), call, NULL);
      g_source_attach (call->cancel_source, g_main_context_get_thread_default ());
    }

  g_queue_push_tail (&self->conn->outbox, build_request (call->id, method, params));
  flush (self->conn);
}

MsClnReply *
_ms_cln_rpc_call_finish (MsClnRpc      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (MS_IS_CLN_RPC (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Hangs up; calls in flight fail with G_IO_ERROR_CANCELLED. */
void
_ms_cln_rpc_close (MsClnRpc *self)
{
  g_return_if_fail (MS_IS_CLN_RPC (self));

  if (self->conn != NULL)
    conn_fail (self->conn, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                        "the connection to the node at %s was closed",
                                        self->socket_path));
}

MsClnRpc *
_ms_cln_rpc_new (const char *socket_path)
{
  MsClnRpc *self;

  g_return_val_if_fail (socket_path != NULL, NULL);

  self = g_object_new (MS_TYPE_CLN_RPC, NULL);
  self->socket_path = g_strdup (socket_path);
  return self;
}

static void
ms_cln_rpc_dispose (GObject *object)
{
  MsClnRpc *self = MS_CLN_RPC (object);

  _ms_cln_rpc_close (self);

  G_OBJECT_CLASS (ms_cln_rpc_parent_class)->dispose (object);
}

static void
ms_cln_rpc_finalize (GObject *object)
{
  MsClnRpc *self = MS_CLN_RPC (object);

  g_free (self->socket_path);

  G_OBJECT_CLASS (ms_cln_rpc_parent_class)->finalize (object);
}

static void
ms_cln_rpc_class_init (MsClnRpcClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_cln_rpc_dispose;
  object_class->finalize = ms_cln_rpc_finalize;
}

static void
ms_cln_rpc_init (MsClnRpc *self)
{
}
