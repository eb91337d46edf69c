/* ms-ws-connection.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "ms-crypto.h"
#include "ms-ws-connection-private.h"
#include "ms-ws-frame.h"

/*
 * Reads go into one scratch buffer per thread; a connection keeps only the
 * incomplete frame at the end of a read, so an idle one holds no buffer.
 */
#define SCRATCH_LEN       (64 * 1024)
/* RFC 6455 7.1.1 leaves the wait for the closing handshake to us. */
#define CLOSE_WAIT_MS     2000
#define SWEEP_INTERVAL_MS 1000
/* Client payloads up to this size are masked on the stack. */
#define STACK_MASK_LEN    1024

struct _MsWsConnection
{
  GObject                parent_instance;

  /* owned */
  GIOStream             *stream;
  GMainContext          *context;
  GSource               *input_source;
  GSource               *output_source;
  GSource               *close_timer;
  GSource               *kick_source;       /* a one-shot run of the input callback */
  guint8                *pending;           /* an incomplete frame from the last read */
  GByteArray            *fragments;         /* a fragmented binary message */
  GByteArray            *queue;             /* bytes the kernel refused, from queue_off on */
  char                  *peer_address;
  char                  *close_reason;
  GError                *write_error;
  gpointer               func_data;
  GDestroyNotify         func_destroy;

  /* borrowed */
  GPollableInputStream  *input;
  GPollableOutputStream *output;
  MsWsMessageFunc        func;
  MsWsReleaseFunc        release_func;
  gpointer               release_data;

  GList                  sweep_link;
  gsize                  pending_len;
  gsize                  pending_cap;
  gsize                  pending_frame_len; /* set when the frame is bigger than the scratch */
  gsize                  queue_off;
  gsize                  max_payload;
  gint64                 last_received;
  gint64                 ping_sent;
  guint64                n_received;
  guint64                n_sent;
  guint                  keepalive_interval;
  guint                  pong_timeout;
  guint                  idle_timeout;
  gushort                close_code;
  guint8                 fragment_opcode;   /* the message type being reassembled, or 0 */

  guint                  role : 1;
  guint                  state : 2;
  guint                  close_on_text : 1;
  guint                  close_sent : 1;
  guint                  close_received : 1;
  guint                  discard_input : 1;
  guint                  finish_after_flush : 1;
  guint                  kick_pending : 1;
  guint                  in_input : 1;
  guint                  swept : 1;
  guint                  closing_ref : 1;
};

G_DEFINE_FINAL_TYPE (MsWsConnection, ms_ws_connection, G_TYPE_OBJECT)

GType
ms_ws_role_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { MS_WS_ROLE_CLIENT, "MS_WS_ROLE_CLIENT", "client" },
    { MS_WS_ROLE_SERVER, "MS_WS_ROLE_SERVER", "server" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("MsWsRole"), values));
  return type;
}

GType
ms_ws_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { MS_WS_STATE_OPEN, "MS_WS_STATE_OPEN", "open" },
    { MS_WS_STATE_CLOSING, "MS_WS_STATE_CLOSING", "closing" },
    { MS_WS_STATE_CLOSED, "MS_WS_STATE_CLOSED", "closed" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("MsWsState"), values));
  return type;
}

enum {
  PROP_0,
  PROP_STREAM,
  PROP_ROLE,
  PROP_STATE,
  PROP_MAX_PAYLOAD,
  PROP_CLOSE_ON_TEXT,
  PROP_KEEPALIVE_INTERVAL,
  PROP_PONG_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_CLOSE_CODE,
  PROP_CLOSE_REASON,
  PROP_PEER_ADDRESS,
  PROP_MESSAGES_RECEIVED,
  PROP_MESSAGES_SENT,
  PROP_QUEUED_BYTES,
  N_PROPS
};

enum {
  CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void finish     (MsWsConnection *self,
                        const char     *reason);
static void kick       (MsWsConnection *self);
static void write_frame (MsWsConnection *self,
                         MsWsOpcode      opcode,
                         const guint8   *payload,
                         gsize           len);

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* The per-thread read buffer. */

typedef struct
{
  guint8   *data;
  gboolean  busy;
} Scratch;

static void
scratch_free (gpointer data)
{
  Scratch *scratch = data;

  g_free (scratch->data);
  g_free (scratch);
}

static GPrivate scratch_key = G_PRIVATE_INIT (scratch_free);

/*
 * A message handler that iterates the main context could make another
 * connection read while the scratch is still being parsed: that nested
 * read gets a buffer of its own.
 */
static guint8 *
scratch_acquire (void)
{
  Scratch *scratch = g_private_get (&scratch_key);

  if (scratch == NULL)
    {
      scratch = g_new0 (Scratch, 1);
      scratch->data = g_malloc (SCRATCH_LEN);
      g_private_set (&scratch_key, scratch);
    }

  if (scratch->busy)
    return g_malloc (SCRATCH_LEN);

  scratch->busy = TRUE;
  return scratch->data;
}

static void
scratch_release (guint8 *data)
{
  Scratch *scratch = g_private_get (&scratch_key);

  if (scratch != NULL && data == scratch->data)
    scratch->busy = FALSE;
  else
    g_free (data);
}

/*
 * Keepalive and idle timeouts: one 1-second sweep per GMainContext over the
 * connections that use them, instead of a timer per connection.
 */

typedef struct
{
  GMainContext *context;
  GSource      *timer;
  GQueue        members;
} Sweep;

G_LOCK_DEFINE_STATIC (sweeps);
static GHashTable *sweeps;

static void
check_liveness (MsWsConnection *self,
                gint64          now)
{
  gint64 quiet = now - self->last_received;

  if (self->state != MS_WS_STATE_OPEN)
    return;

  if (self->ping_sent != 0 && self->pong_timeout > 0 &&
      now - self->ping_sent >= (gint64) self->pong_timeout * G_USEC_PER_SEC)
    {
      finish (self, "no pong in time");
      return;
    }

  if (self->idle_timeout > 0 && quiet >= (gint64) self->idle_timeout * G_USEC_PER_SEC)
    {
      ms_ws_connection_close (self, MS_WS_CLOSE_GOING_AWAY, "idle timeout");
      return;
    }

  if (self->keepalive_interval > 0 && self->ping_sent == 0 &&
      quiet >= (gint64) self->keepalive_interval * G_USEC_PER_SEC)
    {
      write_frame (self, MS_WS_OPCODE_PING, NULL, 0);
      self->ping_sent = now;
    }
}

static gboolean
sweep_cb (gpointer user_data)
{
  Sweep *sweep = user_data;
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = g_get_monotonic_time ();

  /* Checks may close connections, which leave the sweep (and may free it). */
  G_LOCK (sweeps);
  for (GList *l = sweep->members.head; l != NULL; l = l->next)
    g_ptr_array_add (members, g_object_ref (l->data));
  G_UNLOCK (sweeps);

  for (guint i = 0; i < members->len; i++)
    check_liveness (g_ptr_array_index (members, i), now);

  return G_SOURCE_CONTINUE;
}

static void
sweep_join (MsWsConnection *self)
{
  Sweep *sweep;

  if (self->swept)
    return;

  G_LOCK (sweeps);
  if (sweeps == NULL)
    sweeps = g_hash_table_new (NULL, NULL);

  sweep = g_hash_table_lookup (sweeps, self->context);
  if (sweep == NULL)
    {
      sweep = g_new0 (Sweep, 1);
      sweep->context = g_main_context_ref (self->context);
      sweep->timer = g_timeout_source_new (SWEEP_INTERVAL_MS);
      g_source_set_static_name (sweep->timer, "[ms] websocket keepalive sweep");
      g_source_set_callback (sweep->timer, sweep_cb, sweep, NULL);
      g_source_attach (sweep->timer, sweep->context);
      g_hash_table_insert (sweeps, sweep->context, sweep);
    }

  self->sweep_link.data = self;
  g_queue_push_tail_link (&sweep->members, &self->sweep_link);
  self->swept = TRUE;
  G_UNLOCK (sweeps);
}

static void
sweep_leave (MsWsConnection *self)
{
  Sweep *sweep;

  if (!self->swept)
    return;

  G_LOCK (sweeps);
  sweep = g_hash_table_lookup (sweeps, self->context);
  g_assert (sweep != NULL);
  g_queue_unlink (&sweep->members, &self->sweep_link);
  self->swept = FALSE;

  if (g_queue_is_empty (&sweep->members))
    {
      g_hash_table_remove (sweeps, sweep->context);
      clear_source (&sweep->timer);
      g_main_context_unref (sweep->context);
      g_free (sweep);
    }
  G_UNLOCK (sweeps);
}

static void
sweep_update (MsWsConnection *self)
{
  if (self->state == MS_WS_STATE_OPEN && (self->keepalive_interval > 0 || self->idle_timeout > 0))
    sweep_join (self);
  else
    sweep_leave (self);
}

/* Closing. */

static void
stream_closed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_io_stream_close_finish (G_IO_STREAM (object), result, &error))
    g_debug ("websocket: closing the stream: %s", error->message);
}

static void
drop_input_buffers (MsWsConnection *self)
{
  g_clear_pointer (&self->pending, g_free);
  self->pending_len = self->pending_cap = self->pending_frame_len = 0;
  g_clear_pointer (&self->fragments, g_byte_array_unref);
}

/* Stops all I/O and closes the stream; used by finish() and dispose. */
static void
shut_down (MsWsConnection *self)
{
  MsWsReleaseFunc release = self->release_func;

  clear_source (&self->input_source);
  clear_source (&self->output_source);
  clear_source (&self->close_timer);
  clear_source (&self->kick_source);
  sweep_leave (self);
  drop_input_buffers (self);
  g_clear_pointer (&self->queue, g_byte_array_unref);
  self->queue_off = 0;
  self->state = MS_WS_STATE_CLOSED;

  /* GIO completes the close on the thread-default context: make it ours. */
  if (self->stream != NULL)
    {
      g_main_context_push_thread_default (self->context);
      g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, stream_closed_cb, NULL);
      g_main_context_pop_thread_default (self->context);
    }

  self->release_func = NULL;
  if (release != NULL)
    release (self->release_data);
}

/*
 * The connection is over. RFC 6455 7.1.5: the close code is the one the
 * peer sent; when it sent none but we did, ours; when no close frame went
 * either way, 1006 with @reason saying what happened.
 */
static void
finish (MsWsConnection *self,
        const char     *reason)
{
  g_autoptr(MsWsConnection) hold = NULL;

  if (self->state == MS_WS_STATE_CLOSED)
    return;

  hold = g_object_ref (self);
  if (!self->close_sent && !self->close_received)
    {
      self->close_code = MS_WS_CLOSE_ABNORMAL;
      g_free (self->close_reason);
      self->close_reason = g_strdup (reason != NULL ? reason : "connection lost");
    }

  g_debug ("websocket: closed with %u (%s)", self->close_code, self->close_reason);
  shut_down (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_signal_emit (self, signals[CLOSED], 0, (guint) self->close_code, self->close_reason);

  if (self->closing_ref)
    {
      self->closing_ref = FALSE;
      g_object_unref (self);
    }
}

static gboolean
close_timeout_cb (gpointer user_data)
{
  finish (user_data, "the closing handshake timed out");
  return G_SOURCE_REMOVE;
}

/*
 * The connection keeps itself alive while closing, so that an owner may
 * call close and drop its reference at once; the wait is capped.
 */
static void
enter_closing (MsWsConnection *self)
{
  if (self->state != MS_WS_STATE_OPEN)
    return;

  self->state = MS_WS_STATE_CLOSING;
  self->closing_ref = TRUE;
  g_object_ref (self);

  self->close_timer = g_timeout_source_new (CLOSE_WAIT_MS);
  g_source_set_static_name (self->close_timer, "[ms] websocket close wait");
  g_source_set_callback (self->close_timer, close_timeout_cb, self, NULL);
  g_source_attach (self->close_timer, self->context);

  sweep_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
finish_when_flushed (MsWsConnection *self)
{
  if (self->queue == NULL)
    finish (self, NULL);
  else
    self->finish_after_flush = TRUE;
}

static void
send_close (MsWsConnection *self,
            gushort         code,
            const char     *reason)
{
  guint8 payload[MS_WS_MAX_CONTROL_PAYLOAD];
  gsize len = ms_ws_close_build (payload, code, reason);

  write_frame (self, MS_WS_OPCODE_CLOSE, payload, len);
  self->close_sent = TRUE;

  if (!self->close_received)
    {
      self->close_code = code;
      g_free (self->close_reason);
      self->close_reason = g_strdup (reason != NULL ? reason : "");
    }
}

/*
 * RFC 6455 7.1.7, _Fail the WebSocket Connection_: send a close frame with
 * @code, stop processing what the peer sends, and drop the TCP connection
 * once the close frame is out. Returns FALSE for the callers' convenience.
 */
static gboolean
fail (MsWsConnection *self,
      gushort         code,
      const char     *reason)
{
  g_debug ("websocket: failing the connection with %u: %s", code, reason);

  self->discard_input = TRUE;
  drop_input_buffers (self);

  if (self->state == MS_WS_STATE_OPEN)
    {
      send_close (self, code, reason);
      enter_closing (self);
      finish_when_flushed (self);
    }
  else
    {
      finish (self, reason);
    }

  return FALSE;
}

/* Writing. */

static void
write_failed (MsWsConnection *self,
              GError         *error)
{
  g_debug ("websocket: write failed: %s", error->message);

  if (self->write_error == NULL)
    self->write_error = g_error_copy (error);
  g_clear_pointer (&self->queue, g_byte_array_unref);
  self->queue_off = 0;
  clear_source (&self->output_source);

  /* Closing here would emit "closed" inside the caller's send; the input
   * callback does it on the next iteration instead. */
  kick (self);
}

static void
queue_drained (MsWsConnection *self)
{
  g_clear_pointer (&self->queue, g_byte_array_unref);
  self->queue_off = 0;
  clear_source (&self->output_source);

  if (self->finish_after_flush)
    finish (self, NULL);
}

static gboolean
output_ready_cb (GObject  *stream,
                 gpointer  user_data)
{
  MsWsConnection *self = user_data;
  g_autoptr(MsWsConnection) hold = g_object_ref (self);

  while (self->queue != NULL)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      n = g_pollable_output_stream_write_nonblocking (self->output,
                                                      self->queue->data + self->queue_off,
                                                      self->queue->len - self->queue_off,
                                                      NULL, &error);
      if (n < 0)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            write_failed (self, error);
          break;
        }

      self->queue_off += n;
      if (self->queue_off == self->queue->len)
        queue_drained (self);
    }

  return G_SOURCE_CONTINUE;
}

/* Keeps what the kernel did not take, skipping the first @written bytes. */
static void
queue_vectors (MsWsConnection      *self,
               const GOutputVector *vectors,
               guint                n_vectors,
               gsize                written)
{
  if (self->queue == NULL)
    {
      self->queue = g_byte_array_new ();
      self->queue_off = 0;
    }
  else if (self->queue_off > 0 && self->queue_off >= self->queue->len / 2)
    {
      g_byte_array_remove_range (self->queue, 0, self->queue_off);
      self->queue_off = 0;
    }

  for (guint i = 0; i < n_vectors; i++)
    {
      if (written >= vectors[i].size)
        {
          written -= vectors[i].size;
          continue;
        }
      g_byte_array_append (self->queue, (const guint8 *) vectors[i].buffer + written,
                           vectors[i].size - written);
      written = 0;
    }

  if (self->output_source == NULL)
    {
      self->output_source = g_pollable_output_stream_create_source (self->output, NULL);
      g_source_set_static_name (self->output_source, "[ms] websocket output");
      g_source_set_callback (self->output_source, G_SOURCE_FUNC (output_ready_cb), self, NULL);
      g_source_attach (self->output_source, self->context);
    }
}

/*
 * Header and payload go to the kernel in one vectored write, without a
 * copy; only what it refuses is queued, behind anything queued before.
 */
static void
send_vectors (MsWsConnection *self,
              const guint8   *header,
              gsize           header_len,
              const guint8   *payload,
              gsize           len)
{
  GOutputVector vectors[2] = { { header, header_len }, { payload, len } };
  guint n_vectors = len > 0 ? 2 : 1;
  g_autoptr(GError) error = NULL;
  GPollableReturn ret;
  gsize written = 0;

  if (self->write_error != NULL)
    return;

  if (self->queue != NULL)
    {
      queue_vectors (self, vectors, n_vectors, 0);
      return;
    }

  ret = g_pollable_output_stream_writev_nonblocking (self->output, vectors, n_vectors,
                                                     &written, NULL, &error);
  if (ret == G_POLLABLE_RETURN_FAILED)
    {
      write_failed (self, error);
      return;
    }
  if (ret == G_POLLABLE_RETURN_WOULD_BLOCK)
    written = 0;

  if (written < header_len + len)
    queue_vectors (self, vectors, n_vectors, written);
}

/*
 * One unfragmented frame. RFC 6455 5.3: a client masks every frame with a
 * fresh unpredictable key; a server never masks. RFC 6455 5.5.1: nothing
 * is sent after a close frame.
 */
static void
write_frame (MsWsConnection *self,
             MsWsOpcode      opcode,
             const guint8   *payload,
             gsize           len)
{
  guint8 header[MS_WS_MAX_HEADER_LEN];
  guint8 stack[STACK_MASK_LEN];
  g_autofree guint8 *heap = NULL;
  guint8 mask[MS_WS_MASK_LEN];
  guint8 *masked;
  gsize header_len;

  if (self->close_sent || self->state == MS_WS_STATE_CLOSED)
    return;

  if (self->role == MS_WS_ROLE_SERVER)
    {
      header_len = ms_ws_frame_build_header (header, TRUE, opcode, len, NULL);
      send_vectors (self, header, header_len, payload, len);
      return;
    }

  ms_random_bytes (mask, sizeof mask);
  header_len = ms_ws_frame_build_header (header, TRUE, opcode, len, mask);
  masked = len <= sizeof stack ? stack : (heap = g_malloc (len));
  ms_ws_frame_mask_copy (masked, payload, len, mask);
  send_vectors (self, header, header_len, masked, len);
}

/* Reading. */

static gboolean
still_reading (MsWsConnection *self)
{
  return self->input_source != NULL && !self->discard_input;
}

static void
deliver (MsWsConnection *self,
         const guint8   *data,
         gsize           len)
{
  self->n_received++;
  if (self->func != NULL)
    self->func (self, data, len, self->func_data);
}

/* PROTOCOL.md 5.1: "Text messages are dropped by every receiver". */
static void
handle_text (MsWsConnection        *self,
             const MsWsFrameHeader *header)
{
  if (self->close_on_text)
    fail (self, MS_WS_CLOSE_UNSUPPORTED_DATA, "text messages are not supported");
  else if (header->opcode == MS_WS_OPCODE_TEXT)
    g_debug ("websocket: ignoring a text message");
}

/* RFC 6455 5.4: fragments are reassembled into one message. */
static void
handle_data (MsWsConnection        *self,
             const MsWsFrameHeader *header,
             const guint8          *payload,
             gsize                  len)
{
  guint type = header->opcode == MS_WS_OPCODE_CONTINUATION ? self->fragment_opcode
                                                           : header->opcode;

  self->fragment_opcode = header->fin ? 0 : type;

  if (type == MS_WS_OPCODE_TEXT)
    {
      handle_text (self, header);
      return;
    }

  if (header->fin && header->opcode == MS_WS_OPCODE_BINARY)
    {
      deliver (self, payload, len);
      return;
    }

  if (self->fragments == NULL)
    self->fragments = g_byte_array_sized_new (len);
  g_byte_array_append (self->fragments, payload, len);

  if (header->fin)
    {
      g_autoptr(GByteArray) message = g_steal_pointer (&self->fragments);

      deliver (self, message->data, message->len);
    }
}

static void
handle_close (MsWsConnection *self,
              const guint8   *payload,
              gsize           len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  gushort code;

  if (!ms_ws_close_parse (payload, len, &code, &reason, &error))
    {
      fail (self, MS_WS_CLOSE_PROTOCOL_ERROR, error->message);
      return;
    }

  self->close_received = TRUE;
  self->close_code = code;
  g_free (self->close_reason);
  self->close_reason = g_steal_pointer (&reason);
  self->discard_input = TRUE;
  drop_input_buffers (self);

  /* RFC 6455 5.5.1: "If an endpoint receives a Close frame and did not
   * previously send a Close frame, the endpoint MUST send a Close frame in
   * response"; we echo the code and reason. */
  if (!self->close_sent)
    send_close (self, code, self->close_reason);
  enter_closing (self);

  /* RFC 6455 7.1.1: the TCP connection "SHOULD be closed first by the
   * server"; a client waits for that (under the close timer). */
  if (self->role == MS_WS_ROLE_SERVER)
    finish_when_flushed (self);
}

static void
handle_frame (MsWsConnection        *self,
              const MsWsFrameHeader *header,
              const guint8          *payload,
              gsize                  len)
{
  switch (header->opcode)
    {
    case MS_WS_OPCODE_CONTINUATION:
    case MS_WS_OPCODE_TEXT:
    case MS_WS_OPCODE_BINARY:
      handle_data (self, header, payload, len);
      break;
    case MS_WS_OPCODE_PING:
      /* RFC 6455 5.5.3 and PROTOCOL.md 5.1: the pong carries the ping's payload. */
      write_frame (self, MS_WS_OPCODE_PONG, payload, len);
      break;
    case MS_WS_OPCODE_PONG:
      self->ping_sent = 0;
      break;
    case MS_WS_OPCODE_CLOSE:
      handle_close (self, payload, len);
      break;
    }
}

/* The checks a header needs before its payload is even read. */
static gboolean
check_header (MsWsConnection        *self,
              const MsWsFrameHeader *header)
{
  gsize have = 0;

  /* RFC 6455 5.1: a server MUST close on an unmasked frame, a client on a masked one. */
  if (self->role == MS_WS_ROLE_SERVER && !header->masked)
    return fail (self, MS_WS_CLOSE_PROTOCOL_ERROR, "unmasked frame from the client");
  if (self->role == MS_WS_ROLE_CLIENT && header->masked)
    return fail (self, MS_WS_CLOSE_PROTOCOL_ERROR, "masked frame from the server");

  if (ms_ws_opcode_is_control (header->opcode))
    return TRUE;

  if (header->opcode == MS_WS_OPCODE_CONTINUATION && self->fragment_opcode == 0)
    return fail (self, MS_WS_CLOSE_PROTOCOL_ERROR, "continuation frame without a message");
  if (header->opcode != MS_WS_OPCODE_CONTINUATION && self->fragment_opcode != 0)
    return fail (self, MS_WS_CLOSE_PROTOCOL_ERROR, "new message inside a fragmented one");

  if (header->opcode == MS_WS_OPCODE_CONTINUATION && self->fragments != NULL)
    have = self->fragments->len;
  if (header->payload_len > self->max_payload - have)
    return fail (self, MS_WS_CLOSE_TOO_BIG, "message larger than max-payload");

  return TRUE;
}

/*
 * Handles every whole frame in @data (unmasking in place) and returns how
 * many bytes they took; the rest is an incomplete frame.
 */
static gsize
process_frames (MsWsConnection *self,
                guint8         *data,
                gsize           len)
{
  gsize off = 0;

  while (off < len && still_reading (self))
    {
      g_autoptr(GError) error = NULL;
      MsWsFrameHeader header;
      guint8 *payload;

      switch (ms_ws_frame_parse_header (data + off, len - off, &header, &error))
        {
        case MS_WS_PARSE_NEED_MORE:
          return off;
        case MS_WS_PARSE_ERROR:
          fail (self, MS_WS_CLOSE_PROTOCOL_ERROR, error->message);
          return len;
        case MS_WS_PARSE_OK:
          break;
        }

      if (!check_header (self, &header))
        return len;
      if (header.payload_len > len - off - header.header_len)
        return off;

      payload = data + off + header.header_len;
      if (header.masked)
        ms_ws_frame_mask (payload, header.payload_len, header.mask, 0);
      off += header.header_len + header.payload_len;

      handle_frame (self, &header, payload, header.payload_len);
    }

  return off;
}

/*
 * Keeps an incomplete trailing frame. One that does not fit the scratch
 * buffer is then read straight into this buffer, which grows with what
 * arrives rather than with what the header announces.
 */
static void
keep_remainder (MsWsConnection *self,
                const guint8   *data,
                gsize           len)
{
  MsWsFrameHeader header;

  if (len == 0 || !still_reading (self))
    return;

  g_assert (self->pending == NULL);
  self->pending = g_memdup2 (data, len);
  self->pending_len = self->pending_cap = len;
  if (ms_ws_frame_parse_header (data, len, &header, NULL) == MS_WS_PARSE_OK &&
      header.header_len + header.payload_len > SCRATCH_LEN)
    self->pending_frame_len = header.header_len + header.payload_len;
}

/* The bytes left over from the handshake (or a previous big read). */
static void
process_pending (MsWsConnection *self)
{
  g_autofree guint8 *data = g_steal_pointer (&self->pending);
  gsize len = self->pending_len;
  gsize consumed;

  self->pending_len = self->pending_cap = self->pending_frame_len = 0;
  if (data == NULL)
    return;

  consumed = process_frames (self, data, len);
  keep_remainder (self, data + consumed, len - consumed);
}

/* Returns FALSE: there is nothing more to read now. */
static gboolean
read_ended (MsWsConnection *self,
            gssize          n,
            GError         *error)
{
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return FALSE;

  if (n == 0)
    finish (self, "the peer closed the connection without a close frame");
  else
    finish (self, error->message);
  return FALSE;
}

static gboolean
read_frames (MsWsConnection *self)
{
  g_autoptr(GError) error = NULL;
  guint8 *buf = scratch_acquire ();
  gsize off = self->pending_len;
  gsize consumed;
  gssize n;

  n = g_pollable_input_stream_read_nonblocking (self->input, buf + off, SCRATCH_LEN - off,
                                                NULL, &error);
  if (n <= 0)
    {
      scratch_release (buf);
      return read_ended (self, n, error);
    }

  self->last_received = g_source_get_time (self->input_source);
  if (off > 0)
    {
      memcpy (buf, self->pending, off);
      g_clear_pointer (&self->pending, g_free);
      self->pending_len = self->pending_cap = 0;
    }

  consumed = process_frames (self, buf, off + n);
  keep_remainder (self, buf + consumed, off + n - consumed);
  scratch_release (buf);
  return TRUE;
}

static gboolean
read_big_frame (MsWsConnection *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *frame = NULL;
  gsize want = self->pending_frame_len - self->pending_len;
  gsize len;
  gssize n;

  if (self->pending_cap - self->pending_len < MIN (want, SCRATCH_LEN))
    {
      self->pending_cap = MIN (self->pending_frame_len,
                               MAX (self->pending_cap * 2, self->pending_len + SCRATCH_LEN));
      self->pending = g_realloc (self->pending, self->pending_cap);
    }

  n = g_pollable_input_stream_read_nonblocking (self->input, self->pending + self->pending_len,
                                                MIN (want, self->pending_cap - self->pending_len),
                                                NULL, &error);
  if (n <= 0)
    return read_ended (self, n, error);

  self->last_received = g_source_get_time (self->input_source);
  self->pending_len += n;
  if (self->pending_len < self->pending_frame_len)
    return TRUE;

  frame = g_steal_pointer (&self->pending);
  len = self->pending_len;
  self->pending_len = self->pending_cap = self->pending_frame_len = 0;
  process_frames (self, frame, len);
  return TRUE;
}

static gboolean
input_ready_cb (GObject  *stream,
                gpointer  user_data)
{
  MsWsConnection *self = user_data;
  g_autoptr(MsWsConnection) hold = NULL;

  /* A message handler that iterates the main context must not make this
   * connection read again under the frames it is being given; the socket
   * stays readable and wakes us once the handler returns. */
  if (self->in_input)
    return G_SOURCE_CONTINUE;

  hold = g_object_ref (self);
  self->in_input = TRUE;

  if (self->kick_pending)
    {
      self->kick_pending = FALSE;
      process_pending (self);
    }

  /* Read until the kernel has nothing more: a TLS layer may hold data
   * that would not wake the poll again. */
  while (self->input_source != NULL)
    {
      gboolean more = self->pending_frame_len > 0 ? read_big_frame (self) : read_frames (self);

      if (!more)
        break;
    }

  self->in_input = FALSE;
  if (self->write_error != NULL)
    finish (self, self->write_error->message);

  return G_SOURCE_CONTINUE;
}

/* GObject. */

static GSocket *
stream_get_socket (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (G_IS_SOCKET_CONNECTION (stream))
    return g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));

  /* For TLS the base stream is the GSocketConnection; it outlives this call. */
  if (G_IS_TLS_CONNECTION (stream))
    {
      g_object_get (stream, "base-io-stream", &base, NULL);
      if (G_IS_SOCKET_CONNECTION (base))
        return g_socket_connection_get_socket (G_SOCKET_CONNECTION (base));
    }

  return NULL;
}

/*
 * Small frames (and TLS handshake records) must go out at once, not wait
 * for Nagle and the peer's delayed ACK: that costs 40 ms a round.
 */
void
_ms_ws_socket_set_no_delay (GSocket *socket)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (G_IS_SOCKET (socket));

  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_UNIX &&
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, &error))
    g_debug ("websocket: cannot set TCP_NODELAY: %s", error->message);
}

static void
setup_socket (MsWsConnection *self)
{
  GSocket *socket = stream_get_socket (self->stream);
  g_autoptr(GSocketAddress) address = NULL;

  if (socket == NULL)
    return;

  _ms_ws_socket_set_no_delay (socket);
  address = g_socket_get_remote_address (socket, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (address))
    self->peer_address = g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static gboolean
kick_cb (gpointer user_data)
{
  MsWsConnection *self = user_data;

  g_clear_pointer (&self->kick_source, g_source_unref);
  input_ready_cb (NULL, self);
  return G_SOURCE_REMOVE;
}

/*
 * Runs the input callback on the next iteration even if the socket stays
 * quiet: for bytes left over from the handshake and for write errors. (A
 * ready time on the socket's source would read as a socket timeout.)
 */
static void
kick (MsWsConnection *self)
{
  if (self->kick_source != NULL || self->input_source == NULL)
    return;

  self->kick_source = g_idle_source_new ();
  g_source_set_priority (self->kick_source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (self->kick_source, "[ms] websocket kick");
  g_source_set_callback (self->kick_source, kick_cb, self, NULL);
  g_source_attach (self->kick_source, self->context);
}

static gboolean
socket_ready_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  return input_ready_cb (NULL, user_data);
}

/*
 * Reads always go through the stream's pollable interface. On a plain
 * socket connection the socket's own source wakes us: the stream's source
 * wraps that very source in a second one, which would double the memory
 * an idle connection spends on it. TLS streams need their own source.
 */
static void
create_input_source (MsWsConnection *self)
{
  if (G_IS_SOCKET_CONNECTION (self->stream) && !G_IS_TCP_WRAPPER_CONNECTION (self->stream))
    {
      GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (self->stream));

      self->input_source = g_socket_create_source (socket, G_IO_IN, NULL);
      g_source_set_callback (self->input_source, G_SOURCE_FUNC (socket_ready_cb), self, NULL);
    }
  else
    {
      self->input_source = g_pollable_input_stream_create_source (self->input, NULL);
      g_source_set_callback (self->input_source, G_SOURCE_FUNC (input_ready_cb), self, NULL);
    }

  g_source_set_static_name (self->input_source, "[ms] websocket input");
  g_source_attach (self->input_source, self->context);
}

static void
ms_ws_connection_constructed (GObject *object)
{
  MsWsConnection *self = MS_WS_CONNECTION (object);

  G_OBJECT_CLASS (ms_ws_connection_parent_class)->constructed (object);

  g_assert (G_IS_IO_STREAM (self->stream));
  self->input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (self->stream));
  self->output = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (self->stream));
  self->context = g_main_context_ref_thread_default ();
  self->last_received = g_get_monotonic_time ();
  setup_socket (self);

  create_input_source (self);
}

static void
ms_ws_connection_dispose (GObject *object)
{
  MsWsConnection *self = MS_WS_CONNECTION (object);

  if (self->state != MS_WS_STATE_CLOSED)
    shut_down (self);

  ms_ws_connection_set_message_func (self, NULL, NULL, NULL);
  g_clear_object (&self->stream);

  G_OBJECT_CLASS (ms_ws_connection_parent_class)->dispose (object);
}

static void
ms_ws_connection_finalize (GObject *object)
{
  MsWsConnection *self = MS_WS_CONNECTION (object);

  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->peer_address, g_free);
  g_clear_pointer (&self->close_reason, g_free);
  g_clear_error (&self->write_error);

  G_OBJECT_CLASS (ms_ws_connection_parent_class)->finalize (object);
}

static void
ms_ws_connection_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MsWsConnection *self = MS_WS_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_STREAM:
      g_value_set_object (value, self->stream);
      break;
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MAX_PAYLOAD:
      g_value_set_uint64 (value, self->max_payload);
      break;
    case PROP_CLOSE_ON_TEXT:
      g_value_set_boolean (value, self->close_on_text);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, self->keepalive_interval);
      break;
    case PROP_PONG_TIMEOUT:
      g_value_set_uint (value, self->pong_timeout);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    case PROP_CLOSE_CODE:
      g_value_set_uint (value, self->close_code);
      break;
    case PROP_CLOSE_REASON:
      g_value_set_string (value, self->close_reason);
      break;
    case PROP_PEER_ADDRESS:
      g_value_set_string (value, self->peer_address);
      break;
    case PROP_MESSAGES_RECEIVED:
      g_value_set_uint64 (value, self->n_received);
      break;
    case PROP_MESSAGES_SENT:
      g_value_set_uint64 (value, self->n_sent);
      break;
    case PROP_QUEUED_BYTES:
      g_value_set_uint64 (value, ms_ws_connection_get_queued_bytes (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_ws_connection_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MsWsConnection *self = MS_WS_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_STREAM:
      self->stream = g_value_dup_object (value);
      break;
    case PROP_ROLE:
      self->role = g_value_get_enum (value);
      break;
    case PROP_MAX_PAYLOAD:
      ms_ws_connection_set_max_payload (self, g_value_get_uint64 (value));
      break;
    case PROP_CLOSE_ON_TEXT:
      ms_ws_connection_set_close_on_text (self, g_value_get_boolean (value));
      break;
    case PROP_KEEPALIVE_INTERVAL:
      ms_ws_connection_set_keepalive_interval (self, g_value_get_uint (value));
      break;
    case PROP_PONG_TIMEOUT:
      ms_ws_connection_set_pong_timeout (self, g_value_get_uint (value));
      break;
    case PROP_IDLE_TIMEOUT:
      ms_ws_connection_set_idle_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_ws_connection_class_init (MsWsConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = ms_ws_connection_constructed;
  object_class->dispose = ms_ws_connection_dispose;
  object_class->finalize = ms_ws_connection_finalize;
  object_class->get_property = ms_ws_connection_get_property;
  object_class->set_property = ms_ws_connection_set_property;

  properties[PROP_STREAM] =
    g_param_spec_object ("stream", NULL, NULL, G_TYPE_IO_STREAM, co);
  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL, MS_TYPE_WS_ROLE, MS_WS_ROLE_CLIENT, co);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MS_TYPE_WS_STATE, MS_WS_STATE_OPEN, ro);
  properties[PROP_MAX_PAYLOAD] =
    g_param_spec_uint64 ("max-payload", NULL, NULL, 0, G_MAXUINT, MS_WS_DEFAULT_MAX_PAYLOAD, rw);
  properties[PROP_CLOSE_ON_TEXT] =
    g_param_spec_boolean ("close-on-text", NULL, NULL, FALSE, rw);
  properties[PROP_KEEPALIVE_INTERVAL] =
    g_param_spec_uint ("keepalive-interval", NULL, NULL, 0, G_MAXUINT / 2, 0, rw);
  properties[PROP_PONG_TIMEOUT] =
    g_param_spec_uint ("pong-timeout", NULL, NULL, 0, G_MAXUINT / 2, 0, rw);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 0, G_MAXUINT / 2, 0, rw);
  properties[PROP_CLOSE_CODE] =
    g_param_spec_uint ("close-code", NULL, NULL, 0, G_MAXUINT16, 0, ro);
  properties[PROP_CLOSE_REASON] =
    g_param_spec_string ("close-reason", NULL, NULL, NULL, ro);
  properties[PROP_PEER_ADDRESS] =
    g_param_spec_string ("peer-address", NULL, NULL, NULL, ro);
  /* The counters are not notified: a notification per message costs more
   * than the message. */
  properties[PROP_MESSAGES_RECEIVED] =
    g_param_spec_uint64 ("messages-received", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_MESSAGES_SENT] =
    g_param_spec_uint64 ("messages-sent", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_QUEUED_BYTES] =
    g_param_spec_uint64 ("queued-bytes", NULL, NULL, 0, G_MAXUINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MsWsConnection::closed:
   * @self: the connection
   * @code: the close code (RFC 6455 7.1.5; 1006 when no close frame was exchanged)
   * @reason: the close reason, or what went wrong
   *
   * Emitted exactly once, when the connection is over.
   */
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

static void
ms_ws_connection_init (MsWsConnection *self)
{
  self->max_payload = MS_WS_DEFAULT_MAX_PAYLOAD;
  self->state = MS_WS_STATE_OPEN;
}

/* Public API. */

/**
 * ms_ws_connection_new_for_stream:
 * @stream: a connected stream whose input and output are pollable
 * @role: which end of the WebSocket this is
 * @leftover: (nullable): bytes read past the opening handshake
 * @leftover_len: their length
 *
 * Wraps a stream whose opening handshake is done. The connection reads on
 * the thread-default main context of the caller; any @leftover frames are
 * handled on its next iteration, so set the message func before returning
 * to the main loop.
 */
MsWsConnection *
ms_ws_connection_new_for_stream (GIOStream    *stream,
                                 MsWsRole      role,
                                 const guint8 *leftover,
                                 gsize         leftover_len)
{
  MsWsConnection *self;

  g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);
  g_return_val_if_fail (G_IS_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream)), NULL);
  g_return_val_if_fail (G_IS_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream)), NULL);
  g_return_val_if_fail (leftover != NULL || leftover_len == 0, NULL);

  self = g_object_new (MS_TYPE_WS_CONNECTION, "stream", stream, "role", role, NULL);

  if (leftover_len > 0)
    {
      self->pending = g_memdup2 (leftover, leftover_len);
      self->pending_len = self->pending_cap = leftover_len;
      self->kick_pending = TRUE;
      kick (self);
    }

  return self;
}

/**
 * ms_ws_connection_set_message_func:
 * @self: a connection
 * @func: (nullable): called for every binary message
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when replaced or when @self goes away
 */
void
ms_ws_connection_set_message_func (MsWsConnection  *self,
                                   MsWsMessageFunc  func,
                                   gpointer         user_data,
                                   GDestroyNotify   destroy)
{
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (MS_IS_WS_CONNECTION (self));

  old_destroy = self->func_destroy;
  old_data = self->func_data;

  self->func = func;
  self->func_data = user_data;
  self->func_destroy = destroy;

  if (old_destroy != NULL)
    old_destroy (old_data);
}

/**
 * ms_ws_connection_send:
 * @self: a connection
 * @data: the message
 * @len: its length
 *
 * Sends one binary message (PROTOCOL.md 5.1). Does nothing once the
 * connection is closing: RFC 6455 allows no data after a close frame.
 */
void
ms_ws_connection_send (MsWsConnection *self,
                       const guint8   *data,
                       gsize           len)
{
  g_return_if_fail (MS_IS_WS_CONNECTION (self));
  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (len <= G_MAXUINT);

  if (self->state != MS_WS_STATE_OPEN || self->close_sent)
    {
      g_debug ("websocket: dropping a message sent on a closing connection");
      return;
    }

  write_frame (self, MS_WS_OPCODE_BINARY, data, len);
  self->n_sent++;
}

void
ms_ws_connection_send_bytes (MsWsConnection *self,
                             GBytes         *bytes)
{
  gsize len;
  const guint8 *data;

  g_return_if_fail (MS_IS_WS_CONNECTION (self));
  g_return_if_fail (bytes != NULL);

  data = g_bytes_get_data (bytes, &len);
  ms_ws_connection_send (self, data, len);
}

/**
 * ms_ws_connection_close:
 * @self: a connection
 * @code: a close code that may be sent (RFC 6455 7.4), or MS_WS_CLOSE_NO_STATUS
 * @reason: (nullable): a UTF-8 reason; cut to 123 bytes on the wire
 *
 * Starts the closing handshake: the close frame goes out after anything
 * already queued; "closed" follows when the peer has answered, or after
 * 2 seconds. The connection keeps itself alive until then.
 */
void
ms_ws_connection_close (MsWsConnection *self,
                        gushort         code,
                        const char     *reason)
{
  g_return_if_fail (MS_IS_WS_CONNECTION (self));
  g_return_if_fail (code == MS_WS_CLOSE_NO_STATUS || ms_ws_close_code_is_valid (code));
  g_return_if_fail (reason == NULL || g_utf8_validate (reason, -1, NULL));

  if (self->state != MS_WS_STATE_OPEN)
    return;

  send_close (self, code, reason);
  enter_closing (self);

  if (self->write_error != NULL)
    finish (self, self->write_error->message);
}

MsWsRole
ms_ws_connection_get_role (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), MS_WS_ROLE_CLIENT);

  return self->role;
}

MsWsState
ms_ws_connection_get_state (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), MS_WS_STATE_CLOSED);

  return self->state;
}

/* Meaningful once the state is MS_WS_STATE_CLOSED (see the "closed" signal). */
gushort
ms_ws_connection_get_close_code (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), 0);

  return self->close_code;
}

const char *
ms_ws_connection_get_close_reason (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), NULL);

  return self->close_reason;
}

/* The peer's IP address without the port, or NULL when not on IP. */
const char *
ms_ws_connection_get_peer_address (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), NULL);

  return self->peer_address;
}

GIOStream *
ms_ws_connection_get_stream (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), NULL);

  return self->stream;
}

gsize
ms_ws_connection_get_max_payload (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), 0);

  return self->max_payload;
}

/*
 * The largest message accepted, whole or reassembled; a bigger one closes
 * the connection with 1009. At most G_MAXUINT.
 */
void
ms_ws_connection_set_max_payload (MsWsConnection *self,
                                  gsize           max_payload)
{
  g_return_if_fail (MS_IS_WS_CONNECTION (self));

  max_payload = MIN (max_payload, (gsize) G_MAXUINT);
  if (self->max_payload == max_payload)
    return;

  self->max_payload = max_payload;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PAYLOAD]);
}

gboolean
ms_ws_connection_get_close_on_text (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), FALSE);

  return self->close_on_text;
}

/* With it set a text message closes the connection with 1003; without, it is dropped. */
void
ms_ws_connection_set_close_on_text (MsWsConnection *self,
                                    gboolean        close_on_text)
{
  g_return_if_fail (MS_IS_WS_CONNECTION (self));

  close_on_text = !!close_on_text;
  if (self->close_on_text == (guint) close_on_text)
    return;

  self->close_on_text = close_on_text;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSE_ON_TEXT]);
}

guint
ms_ws_connection_get_keepalive_interval (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), 0);

  return self->keepalive_interval;
}

/*
 * PROTOCOL.md 9.4: a C implementation "SHOULD send its own keep-alive".
 * A ping goes out when nothing was received for @seconds; 0 turns it off.
 */
void
ms_ws_connection_set_keepalive_interval (MsWsConnection *self,
                                         guint           seconds)
{
  g_return_if_fail (MS_IS_WS_CONNECTION (self));
  g_return_if_fail (seconds <= G_MAXUINT / 2);

  if (self->keepalive_interval == seconds)
    return;

  self->keepalive_interval = seconds;
  sweep_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEPALIVE_INTERVAL]);
}

guint
ms_ws_connection_get_pong_timeout (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), 0);

  return self->pong_timeout;
}

/* How long a keepalive ping may go unanswered before the connection is
 * dropped (1006); 0 waits forever. Autobahn uses 5 s (PROTOCOL.md 9.4). */
void
ms_ws_connection_set_pong_timeout (MsWsConnection *self,
                                   guint           seconds)
{
  g_return_if_fail (MS_IS_WS_CONNECTION (self));
  g_return_if_fail (seconds <= G_MAXUINT / 2);

  if (self->pong_timeout == seconds)
    return;

  self->pong_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PONG_TIMEOUT]);
}

guint
ms_ws_connection_get_idle_timeout (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), 0);

  return self->idle_timeout;
}

/* Closes the connection (1001) when nothing at all arrived for @seconds; 0 turns it off. */
void
ms_ws_connection_set_idle_timeout (MsWsConnection *self,
                                   guint           seconds)
{
  g_return_if_fail (MS_IS_WS_CONNECTION (self));
  g_return_if_fail (seconds <= G_MAXUINT / 2);

  if (self->idle_timeout == seconds)
    return;

  self->idle_timeout = seconds;
  sweep_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
}

guint64
ms_ws_connection_get_messages_received (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), 0);

  return self->n_received;
}

guint64
ms_ws_connection_get_messages_sent (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), 0);

  return self->n_sent;
}

/* Bytes accepted for sending that the kernel has not taken yet. */
gsize
ms_ws_connection_get_queued_bytes (MsWsConnection *self)
{
  g_return_val_if_fail (MS_IS_WS_CONNECTION (self), 0);

  return self->queue != NULL ? self->queue->len - self->queue_off : 0;
}

void
_ms_ws_connection_set_release_func (MsWsConnection  *self,
                                    MsWsReleaseFunc  func,
                                    gpointer         data)
{
  g_return_if_fail (MS_IS_WS_CONNECTION (self));
  g_return_if_fail (self->state != MS_WS_STATE_CLOSED);

  self->release_func = func;
  self->release_data = data;
}

/* Client connections. */

#define CONNECT_TIMEOUT_S   10
#define HANDSHAKE_TIMEOUT_S 30
/* The answer's header block is limited to MS_WS_MAX_HANDSHAKE_LEN; frames may follow it. */
#define RESPONSE_BUF_LEN    (2 * MS_WS_MAX_HANDSHAKE_LEN)

typedef struct
{
  char             *url;
  char             *host;
  char             *path;
  guint16           port;
  gboolean          use_tls;
  GTlsCertificate  *pinned;
  GSocketClient    *client;
  GIOStream        *stream;
  GMainContext     *context;      /* the caller's; every step runs there */
  GCancellable     *cancellable;  /* ours: cancelled by the caller's and by the timer */
  GCancellable     *outer;
  gulong            outer_id;
  GSource          *timer;
  const char       *phase;
  gulong            accept_id;
  gboolean          timed_out;
  char             *request;
  guint8           *response;
  gsize             response_len;
  char              key[MS_WS_KEY_LEN + 1];
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  if (data->outer_id != 0)
    g_cancellable_disconnect (data->outer, data->outer_id);
  if (data->accept_id != 0)
    g_signal_handler_disconnect (data->stream, data->accept_id);
  clear_source (&data->timer);
  g_clear_object (&data->outer);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->client);
  g_clear_object (&data->stream);
  g_clear_object (&data->pinned);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data->url);
  g_free (data->host);
  g_free (data->path);
  g_free (data->request);
  g_free (data->response);
  g_free (data);
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  ConnectData *data = user_data;

  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  g_clear_pointer (&data->timer, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
connect_start_timer (ConnectData *data,
                     const char  *phase,
                     guint        seconds)
{
  clear_source (&data->timer);
  data->phase = phase;
  data->timer = g_timeout_source_new_seconds (seconds);
  g_source_set_static_name (data->timer, "[ms] websocket connect timeout");
  g_source_set_callback (data->timer, connect_timeout_cb, data, NULL);
  g_source_attach (data->timer, data->context);
}

static void
outer_cancelled_cb (GCancellable *outer,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

/* Fails @task with @error, named as a timeout when our timer caused it. */
static void
connect_fail (GTask  *task,
              GError *error)
{
  ConnectData *data = g_task_get_task_data (task);

  if (data->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               "websocket: %s to %s timed out", data->phase, data->url);
      g_error_free (error);
      return;
    }

  if (!g_str_has_prefix (error->message, "websocket: "))
    g_prefix_error (&error, "websocket: %s to %s: ", data->phase, data->url);
  g_task_return_error (task, error);
}

static void
response_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data);

static void
read_response (GTask *task)
{
  ConnectData *data = g_task_get_task_data (task);
  GInputStream *input = g_io_stream_get_input_stream (data->stream);

  g_main_context_push_thread_default (data->context);
  g_input_stream_read_async (input, data->response + data->response_len,
                             RESPONSE_BUF_LEN - data->response_len, G_PRIORITY_DEFAULT,
                             data->cancellable, response_read_cb, task);
  g_main_context_pop_thread_default (data->context);
}

static void
response_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  GError *error = NULL;
  MsWsConnection *connection;
  gsize consumed = 0;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    return connect_fail (task, error);
  if (n == 0)
    return connect_fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                            "websocket: %s closed the connection during "
                                            "the handshake", data->url));

  data->response_len += n;
  switch (ms_ws_handshake_parse_response (data->response, data->response_len, data->key,
                                          &consumed, &error))
    {
    case MS_WS_PARSE_NEED_MORE:
      read_response (g_steal_pointer (&task));
      return;
    case MS_WS_PARSE_ERROR:
      return connect_fail (task, error);
    case MS_WS_PARSE_OK:
      break;
    }

  clear_source (&data->timer);
  g_main_context_push_thread_default (data->context);
  connection = ms_ws_connection_new_for_stream (data->stream, MS_WS_ROLE_CLIENT,
                                                data->response + consumed,
                                                data->response_len - consumed);
  g_main_context_pop_thread_default (data->context);
  g_task_return_pointer (task, connection, g_object_unref);
}

static void
request_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    return connect_fail (task, error);

  data->response = g_malloc (RESPONSE_BUF_LEN);
  read_response (g_steal_pointer (&task));
}

/* RFC 6455 4.1: the opening handshake, once TCP (and TLS) is up. */
static void
send_request (GTask *task)
{
  ConnectData *data = g_task_get_task_data (task);
  GOutputStream *output = g_io_stream_get_output_stream (data->stream);

  data->request = ms_ws_handshake_build_request (data->host, data->port, data->path, data->key);
  g_main_context_push_thread_default (data->context);
  g_output_stream_write_all_async (output, data->request, strlen (data->request),
                                   G_PRIORITY_DEFAULT, data->cancellable,
                                   request_written_cb, task);
  g_main_context_pop_thread_default (data->context);
}

/* A pinned certificate is accepted whatever the CAs say about it. */
static gboolean
accept_pinned_cb (GTlsConnection       *tls,
                  GTlsCertificate      *peer,
                  GTlsCertificateFlags  errors,
                  gpointer              user_data)
{
  ConnectData *data = user_data;

  return g_tls_certificate_is_same (peer, data->pinned);
}

static void
tls_handshake_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  GTlsCertificate *peer;
  GError *error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &error))
    return connect_fail (task, error);

  /* A CA-valid certificate never reaches accept-certificate: check the pin here too. */
  peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (object));
  if (data->pinned != NULL && (peer == NULL || !g_tls_certificate_is_same (peer, data->pinned)))
    return connect_fail (task, g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                            "websocket: the certificate of %s is not the "
                                            "pinned one", data->url));

  send_request (g_steal_pointer (&task));
}

static void
start_tls (GTask *task)
{
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GSocketConnectable) identity = g_network_address_new (data->host, data->port);
  g_autoptr(GIOStream) base = g_steal_pointer (&data->stream);
  GError *error = NULL;

  data->stream = g_tls_client_connection_new (base, identity, &error);
  if (data->stream == NULL)
    return connect_fail (task, error);

  if (data->pinned != NULL)
    data->accept_id = g_signal_connect (data->stream, "accept-certificate",
                                        G_CALLBACK (accept_pinned_cb), data);

  g_main_context_push_thread_default (data->context);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (data->stream), G_PRIORITY_DEFAULT,
                                    data->cancellable, tls_handshake_cb, task);
  g_main_context_pop_thread_default (data->context);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->stream = G_IO_STREAM (g_socket_client_connect_finish (G_SOCKET_CLIENT (object),
                                                              result, &error));
  if (data->stream == NULL)
    return connect_fail (task, error);

  connect_start_timer (data, "handshake", HANDSHAKE_TIMEOUT_S);
  _ms_ws_socket_set_no_delay (g_socket_connection_get_socket (G_SOCKET_CONNECTION (data->stream)));
  if (data->use_tls)
    start_tls (g_steal_pointer (&task));
  else
    send_request (g_steal_pointer (&task));
}

/* ws://HOST[:PORT][/PATH] or wss://...; the path defaults to "/". */
static gboolean
parse_url (ConnectData  *data,
           const char   *url,
           GError      **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  gint port;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, error);
  if (uri == NULL)
    {
      g_prefix_error (error, "websocket: ");
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  data->use_tls = g_ascii_strcasecmp (scheme, "wss") == 0;
  if ((!data->use_tls && g_ascii_strcasecmp (scheme, "ws") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' || g_uri_get_port (uri) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "websocket: '%s' is not a ws:// or wss:// URL with a host", url);
      return FALSE;
    }

  port = g_uri_get_port (uri);
  data->url = g_strdup (url);
  data->host = g_strdup (g_uri_get_host (uri));
  data->port = port > 0 ? port : data->use_tls ? 443 : 80;
  data->path = g_strdup (*g_uri_get_path (uri) != '\0' ? g_uri_get_path (uri) : "/");
  if (g_uri_get_query (uri) != NULL)
    {
      g_autofree char *path = g_steal_pointer (&data->path);

      data->path = g_strconcat (path, "?", g_uri_get_query (uri), NULL);
    }
  return TRUE;
}

/**
 * ms_ws_connect_async:
 * @url: ws://HOST:PORT or wss://HOST:PORT (path "/" unless given)
 * @pinned_certificate: (nullable): for wss, the one certificate the server
 *   must present, accepted even when self-signed; NULL checks the server
 *   against the system CAs
 * @cancellable: (nullable): a cancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Opens a WebSocket client connection: TCP within 10 s, then TLS and the
 * opening handshake within 30 s (PROTOCOL.md 9.4).
 */
void
ms_ws_connect_async (const char          *url,
                     GTlsCertificate     *pinned_certificate,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  ConnectData *data;
  GError *error = NULL;

  g_return_if_fail (url != NULL);
  g_return_if_fail (pinned_certificate == NULL || G_IS_TLS_CERTIFICATE (pinned_certificate));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_ws_connect_async);

  data = g_new0 (ConnectData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);
  if (!parse_url (data, url, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data->context = g_main_context_ref_thread_default ();
  data->pinned = pinned_certificate != NULL ? g_object_ref (pinned_certificate) : NULL;
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->outer = g_object_ref (cancellable);
      data->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (outer_cancelled_cb),
                                              data->cancellable, NULL);
    }

  connect_start_timer (data, "connecting", CONNECT_TIMEOUT_S);
  data->client = g_socket_client_new ();
  address = g_network_address_new (data->host, data->port);
  g_socket_client_connect_async (data->client, address, data->cancellable, connected_cb,
                                 g_steal_pointer (&task));
}

MsWsConnection *
ms_ws_connect_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_ws_connect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
