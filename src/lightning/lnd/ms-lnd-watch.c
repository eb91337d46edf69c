/* ms-lnd-watch.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-error.h"
#include "ms-lnd-watch-private.h"

#define DEFAULT_INITIAL_MS 1000
#define DEFAULT_MAX_MS     30000
#define LIST_PAGE          100

/*
 * One try at following the node: getinfo, then (from index 0) the invoice
 * list, then the subscription. Callbacks still in flight when the watch
 * moves on find @watch NULL and let go.
 */
typedef struct
{
  MsLndWatch   *watch;
  GCancellable *cancellable;
  GPtrArray    *backlog;
  guint64       list_offset;
  guint64       skipped_index;
  gint64        started_us;
  gboolean      got_line;
  gboolean      needs_sweep;       /* subscribed from index 0: the list is read again */
  gboolean      sweeping;          /* listing again for the gap before the stream was live */
  guint64       first_live_index;  /* the first settlement the stream itself delivered */
} Attempt;

struct _MsLndWatch
{
  MsLndRest        *rest;
  MsLndSettledFunc  settled;
  MsLndLostFunc     lost;
  gpointer          user_data;

  Attempt          *attempt;
  guint64           settle_index;
  guint             retry_id;
  guint             probe_id;
  guint             sweep_id;
  guint             delay_ms;
  guint             initial_ms;
  guint             max_ms;
};

static void connect_now (MsLndWatch *watch);

static void
attempt_clear (gpointer data)
{
  Attempt *attempt = data;

  g_clear_object (&attempt->cancellable);
  g_clear_pointer (&attempt->backlog, g_ptr_array_unref);
}

static void
attempt_release (Attempt *attempt)
{
  g_rc_box_release_full (attempt, attempt_clear);
}

static Attempt *
attempt_new (MsLndWatch *watch)
{
  Attempt *attempt = g_rc_box_new0 (Attempt);

  attempt->watch = watch;
  attempt->cancellable = g_cancellable_new ();
  attempt->backlog = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_ln_settlement_free);
  return attempt;
}

/* Lets go of the current attempt: whatever it still has in flight is cancelled. */
static void
drop_attempt (MsLndWatch *watch)
{
  Attempt *attempt = g_steal_pointer (&watch->attempt);

  g_clear_handle_id (&watch->probe_id, g_source_remove);
  g_clear_handle_id (&watch->sweep_id, g_source_remove);
  if (attempt == NULL)
    return;

  attempt->watch = NULL;
  g_cancellable_cancel (attempt->cancellable);
  attempt_release (attempt);
}

MsLndWatch *
_ms_lnd_watch_new (MsLndRest        *rest,
                   MsLndSettledFunc  settled,
                   MsLndLostFunc     lost,
                   gpointer          user_data)
{
  MsLndWatch *watch;

  g_return_val_if_fail (MS_IS_LND_REST (rest), NULL);
  g_return_val_if_fail (settled != NULL, NULL);
  g_return_val_if_fail (lost != NULL, NULL);

  watch = g_new0 (MsLndWatch, 1);
  watch->rest = g_object_ref (rest);
  watch->settled = settled;
  watch->lost = lost;
  watch->user_data = user_data;
  watch->initial_ms = DEFAULT_INITIAL_MS;
  watch->max_ms = DEFAULT_MAX_MS;
  watch->delay_ms = DEFAULT_INITIAL_MS;
  return watch;
}

void
_ms_lnd_watch_free (MsLndWatch *watch)
{
  if (watch == NULL)
    return;

  _ms_lnd_watch_stop (watch);
  g_clear_object (&watch->rest);
  g_free (watch);
}

/* Reconnects wait @initial_ms, doubling up to @max_ms; a live stream is probed every @max_ms. */
void
_ms_lnd_watch_set_delays (MsLndWatch *watch,
                          guint       initial_ms,
                          guint       max_ms)
{
  g_return_if_fail (watch != NULL);
  g_return_if_fail (initial_ms > 0 && initial_ms <= max_ms);

  watch->initial_ms = initial_ms;
  watch->max_ms = max_ms;
  watch->delay_ms = initial_ms;
}

void
_ms_lnd_watch_start (MsLndWatch *watch,
                     guint64     after_index)
{
  g_return_if_fail (watch != NULL);

  _ms_lnd_watch_stop (watch);
  watch->settle_index = after_index;
  watch->delay_ms = watch->initial_ms;
  connect_now (watch);
}

void
_ms_lnd_watch_stop (MsLndWatch *watch)
{
  g_return_if_fail (watch != NULL);

  g_clear_handle_id (&watch->retry_id, g_source_remove);
  drop_attempt (watch);
}

static gboolean
retry_cb (gpointer user_data)
{
  MsLndWatch *watch = user_data;

  watch->retry_id = 0;
  connect_now (watch);
  return G_SOURCE_REMOVE;
}

/*
 * 1 s doubling to 30 s between tries; a stream that delivered something,
 * or lived longer than the longest wait, starts the series again.
 */
static guint
next_delay (MsLndWatch *watch,
            Attempt    *attempt)
{
  gint64 lived_ms = 0;
  guint delay;

  if (attempt->started_us != 0)
    lived_ms = (g_get_monotonic_time () - attempt->started_us) / 1000;
  if (attempt->got_line || lived_ms >= watch->max_ms)
    watch->delay_ms = watch->initial_ms;

  delay = watch->delay_ms;
  watch->delay_ms = MIN (watch->delay_ms * 2, watch->max_ms);
  return delay;
}

/* The attempt failed: try again later, and say so (the listener may stop us). */
static void
attempt_failed (Attempt      *attempt,
                const GError *error)
{
  MsLndWatch *watch = attempt->watch;

  if (watch == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("lnd: settlement feed lost: %s", error->message);
  watch->retry_id = g_timeout_add (next_delay (watch, attempt), retry_cb, watch);
  drop_attempt (watch);
  watch->lost (error, watch->user_data);
}

/* Hands one settlement over, once, in order; FALSE when the listener stopped us. */
static gboolean
deliver (Attempt              *attempt,
         const MsLnSettlement *settlement)
{
  MsLndWatch *watch = attempt->watch;

  if (settlement->settle_index <= watch->settle_index)
    return TRUE;

  watch->settle_index = settlement->settle_index;
  watch->settled (settlement, watch->user_data);
  return attempt->watch != NULL;
}

static gboolean
probe_cb (gpointer user_data);

/* SubscribeInvoices: one lnrpc.Invoice per line, settled ones with their settle_index. */
static gboolean
invoice_line_cb (JsonObject  *result,
                 gpointer     user_data,
                 GError     **error)
{
  Attempt *attempt = user_data;
  g_autoptr(MsLnSettlement) settlement = NULL;
  MsLndInvoiceState state;
  gboolean is_amp;

  if (attempt->watch == NULL)
    return FALSE;
  if (!(settlement = _ms_lnd_invoice_parse (result, &state, &is_amp, error)))
    return FALSE;

  attempt->got_line = TRUE;
  if (state != MS_LND_INVOICE_SETTLED)
    return TRUE;

  /* No preimage of its own: nothing the terminus can have issued. */
  if (is_amp)
    {
      attempt->watch->settle_index = MAX (attempt->watch->settle_index, settlement->settle_index);
      return TRUE;
    }
  if (attempt->first_live_index == 0)
    attempt->first_live_index = settlement->settle_index;
  return deliver (attempt, settlement);
}

static void
subscribe_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Attempt *attempt = user_data;
  g_autoptr(GError) error = NULL;

  /* Success means the line callback stopped the stream: only for an attempt let go of. */
  if (!_ms_lnd_rest_stream_finish (MS_LND_REST (object), result, NULL, &error))
    attempt_failed (attempt, error);

  attempt_release (attempt);
}

/*
 * GET /v1/invoices/subscribe?settle_index=N first replays every settlement
 * after N, then follows live ones (lightning.swagger.json, SubscribeInvoices).
 */
static gboolean sweep_cb (gpointer user_data);

static void
subscribe (Attempt *attempt)
{
  MsLndWatch *watch = attempt->watch;
  g_autofree char *path = g_strdup_printf ("/v1/invoices/subscribe?settle_index=%" G_GUINT64_FORMAT,
                                           watch->settle_index);

  attempt->started_us = g_get_monotonic_time ();
  _ms_lnd_rest_stream_async (watch->rest, "GET", path, NULL, invoice_line_cb, attempt,
                             attempt->cancellable, subscribe_cb, g_rc_box_acquire (attempt));
  watch->probe_id = g_timeout_add (watch->max_ms, probe_cb, watch);
  attempt->needs_sweep = watch->settle_index == 0;
  if (attempt->needs_sweep)
    watch->sweep_id = g_timeout_add (watch->initial_ms, sweep_cb, watch);
}

static gint
compare_settle_index (gconstpointer a,
                      gconstpointer b)
{
  const MsLnSettlement *sa = *(const MsLnSettlement * const *) a;
  const MsLnSettlement *sb = *(const MsLnSettlement * const *) b;

  return sa->settle_index < sb->settle_index ? -1 : sa->settle_index > sb->settle_index;
}

/* The list came in add order; settlements go out in settle order, then the stream takes over. */
static void
finish_catch_up (Attempt *attempt)
{
  g_ptr_array_sort (attempt->backlog, compare_settle_index);

  for (guint i = 0; i < attempt->backlog->len; i++)
    if (!deliver (attempt, g_ptr_array_index (attempt->backlog, i)))
      return;

  attempt->watch->settle_index = MAX (attempt->watch->settle_index, attempt->skipped_index);
  subscribe (attempt);
}

/*
 * Subscribed from index 0, the stream replays nothing, and nothing tells
 * when it is live (LND sends a stream's headers with its first message):
 * an invoice paid between the list and that moment would be missed. So the
 * list is read again, soon after subscribing and then with every probe,
 * until the question is settled:
 * - the list shows a settlement the stream has not delivered: it goes out,
 *   and the subscription starts over from its index, which the node replays
 *   from, so nothing after it can be missed;
 * - the stream delivered one: it is live, and this list held everything
 *   before it.
 */
static void
finish_sweep (Attempt *attempt)
{
  MsLndWatch *watch = attempt->watch;
  guint n_delivered = 0;

  attempt->sweeping = FALSE;
  g_ptr_array_sort (attempt->backlog, compare_settle_index);
  for (guint i = 0; i < attempt->backlog->len; i++)
    {
      const MsLnSettlement *settlement = g_ptr_array_index (attempt->backlog, i);

      if (attempt->first_live_index != 0 && settlement->settle_index >= attempt->first_live_index)
        break;

      watch->settle_index = MAX (watch->settle_index, settlement->settle_index);
      n_delivered++;
      watch->settled (settlement, watch->user_data);
      if (attempt->watch == NULL)
        return;
    }
  g_ptr_array_set_size (attempt->backlog, 0);
  watch->settle_index = MAX (watch->settle_index, attempt->skipped_index);

  if (attempt->first_live_index != 0)
    attempt->needs_sweep = FALSE;
  else if (n_delivered > 0)
    {
      drop_attempt (watch);
      connect_now (watch);
    }
}

static gboolean
take_listed_invoice (Attempt   *attempt,
                     JsonNode  *node,
                     GError   **error)
{
  g_autoptr(MsLnSettlement) settlement = NULL;
  MsLndInvoiceState state;
  gboolean is_amp;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND listed an invoice that is not an object");
      return FALSE;
    }
  if (!(settlement = _ms_lnd_invoice_parse (json_node_get_object (node), &state, &is_amp, error)))
    return FALSE;

  if (state == MS_LND_INVOICE_SETTLED && is_amp)
    attempt->skipped_index = MAX (attempt->skipped_index, settlement->settle_index);
  else if (state == MS_LND_INVOICE_SETTLED)
    g_ptr_array_add (attempt->backlog, g_steal_pointer (&settlement));
  return TRUE;
}

static void list_page (Attempt *attempt);

/* lnrpc.ListInvoiceResponse: a page of invoices and the offset of the next one. */
static gboolean
take_list_page (Attempt     *attempt,
                JsonObject  *page,
                gboolean    *more,
                GError     **error)
{
  JsonNode *invoices = json_object_get_member (page, "invoices");
  guint64 next_offset;
  JsonArray *array;

  if (invoices == NULL || !JSON_NODE_HOLDS_ARRAY (invoices))
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND sent an invoice list without invoices");
      return FALSE;
    }
  if (!_ms_lnd_get_uint64 (page, "last_index_offset", &next_offset, error))
    return FALSE;

  array = json_node_get_array (invoices);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!take_listed_invoice (attempt, json_array_get_element (array, i), error))
      return FALSE;

  /* A short page is the last; an offset that does not move would page forever. */
  *more = json_array_get_length (array) >= LIST_PAGE && next_offset > attempt->list_offset;
  attempt->list_offset = next_offset;
  return TRUE;
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Attempt *attempt = user_data;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(GError) error = NULL;
  gboolean more = FALSE;

  page = _ms_lnd_rest_call_finish (MS_LND_REST (object), result, NULL, &error);
  if (attempt->watch == NULL)
    ;
  else if (page == NULL || !take_list_page (attempt, page, &more, &error))
    attempt_failed (attempt, error);
  else if (more)
    list_page (attempt);
  else if (attempt->sweeping)
    finish_sweep (attempt);
  else
    finish_catch_up (attempt);

  attempt_release (attempt);
}

/*
 * SubscribeInvoices replays nothing for settle_index 0 (lnd issue #2469):
 * from the very start we list every invoice, in pages by add index.
 */
static void
list_page (Attempt *attempt)
{
  g_autofree char *path = g_strdup_printf ("/v1/invoices?index_offset=%" G_GUINT64_FORMAT
                                           "&num_max_invoices=%d",
                                           attempt->list_offset, LIST_PAGE);

  _ms_lnd_rest_call_async (attempt->watch->rest, "GET", path, NULL, attempt->cancellable,
                           list_cb, g_rc_box_acquire (attempt));
}

static void
getinfo_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Attempt *attempt = user_data;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;

  info = _ms_lnd_rest_call_finish (MS_LND_REST (object), result, NULL, &error);
  if (attempt->watch == NULL)
    ;
  else if (info == NULL)
    attempt_failed (attempt, error);
  else if (attempt->watch->settle_index == 0)
    list_page (attempt);
  else
    subscribe (attempt);

  attempt_release (attempt);
}

/*
 * A getinfo first: LND sends a stream's headers only with its first message,
 * so a quiet subscription says nothing about whether the node is there.
 */
static void
connect_now (MsLndWatch *watch)
{
  Attempt *attempt = attempt_new (watch);

  watch->attempt = attempt;
  _ms_lnd_rest_call_async (watch->rest, "GET", "/v1/getinfo", NULL, attempt->cancellable,
                           getinfo_cb, g_rc_box_acquire (attempt));
}

static void
probe_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Attempt *attempt = user_data;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;

  info = _ms_lnd_rest_call_finish (MS_LND_REST (object), result, NULL, &error);
  if (info == NULL &&
      (g_error_matches (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE) ||
       g_error_matches (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED)))
    attempt_failed (attempt, error);

  attempt_release (attempt);
}

static void
start_sweep (Attempt *attempt)
{
  attempt->sweeping = TRUE;
  attempt->list_offset = 0;
  g_ptr_array_set_size (attempt->backlog, 0);
  list_page (attempt);
}

static gboolean
sweep_cb (gpointer user_data)
{
  MsLndWatch *watch = user_data;

  watch->sweep_id = 0;
  if (!watch->attempt->sweeping)
    start_sweep (watch->attempt);
  return G_SOURCE_REMOVE;
}

/* A stream over a dead path never ends by itself: ask the node now and then. */
static gboolean
probe_cb (gpointer user_data)
{
  MsLndWatch *watch = user_data;
  Attempt *attempt = watch->attempt;

  _ms_lnd_rest_call_async (watch->rest, "GET", "/v1/getinfo", NULL, attempt->cancellable,
                           probe_done_cb, g_rc_box_acquire (attempt));
  if (attempt->needs_sweep && !attempt->sweeping && watch->sweep_id == 0)
    start_sweep (attempt);
  return G_SOURCE_CONTINUE;
}
