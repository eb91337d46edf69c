/* ms-cln-backend.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-bolt11.h"
#include "ms-cln-backend.h"
#include "ms-cln-private.h"
#include "ms-crypto.h"
#include "ms-error.h"
#include "ms-hex.h"

/*
 * The method logic shared by both transports. Every call names its
 * parameters (an object, as lightningd-rpc.7 prefers); CLNRest takes the
 * same object as its body. Settlements are followed with waitanyinvoice on
 * a connection of their own, probing the node with getinfo after every
 * failure, with a backoff of 1 s doubling to 30 s.
 */

#define DEFAULT_FIRST_RETRY_MS  1000
#define DEFAULT_MAX_RETRY_MS    30000
/* A long poll that returns now and then also notices a node that went silent. */
#define DEFAULT_POLL_TIMEOUT_S  600
/* How long a call but a payment may take before the node counts as unreachable. */
#define DEFAULT_CALL_DEADLINE_S 60
#define LABEL_PREFIX            "moneysocket-"
/* waitanyinvoice: "904: The timeout was reached without an invoice being paid." */
#define CODE_WAIT_TIMEOUT       904

typedef struct _Watch Watch;

struct _MsClnBackend
{
  GObject    parent_instance;

  /* owned */
  MsClnRpc  *rpc;         /* JSON-RPC calls */
  MsClnRpc  *rpc_poll;    /* JSON-RPC long poll, on its own connection */
  MsClnRest *rest;        /* CLNRest, for both */
  char      *location;
  Watch     *watch;

  guint      first_retry_ms;
  guint      max_retry_ms;
  guint      poll_timeout_s;
  guint      call_deadline_s;
  guint64    settle_index;
  guint      online : 1;
  guint      no_xpay : 1;
};

static void ms_cln_backend_lightning_init (MsLightningInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MsClnBackend, ms_cln_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MS_TYPE_LIGHTNING,
                                                      ms_cln_backend_lightning_init))

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_ONLINE,
  PROP_SETTLE_INDEX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_online (MsClnBackend *self,
            gboolean      online,
            const char   *why)
{
  if (self->online == !!online)
    return;

  self->online = !!online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
  g_signal_emit_by_name (self, "connection-changed", online, online ? NULL : why);
}

/* Named parameters, written as JSON. */

static GString *
params_new (void)
{
  return g_string_new ("{");
}

static void
param_name (GString    *params,
            const char *name)
{
  if (params->len > 1)
    g_string_append_c (params, ',');
  ms_json_append_string (params, name, -1);
  g_string_append_c (params, ':');
}

static void
param_string (GString    *params,
              const char *name,
              const char *value)
{
  param_name (params, name);
  ms_json_append_string (params, value, -1);
}

static void
param_u64 (GString    *params,
           const char *name,
           guint64     value)
{
  param_name (params, name);
  ms_json_append_uint64 (params, value);
}

static void
param_hex (GString      *params,
           const char   *name,
           const guint8 *data)
{
  char hex[2 * MS_LN_HASH_LEN + 1];

  ms_hex_encode_into (data, MS_LN_HASH_LEN, hex);
  hex[2 * MS_LN_HASH_LEN] = '\0';
  param_string (params, name, hex);
  ms_wipe (hex, sizeof hex);
}

static char *
params_end (GString *params)
{
  g_string_append_c (params, '}');
  return g_string_free (params, FALSE);
}

/* Calls. */

typedef enum
{
  CALL_DEFAULT     = 0,
  CALL_READ_ONLY   = 1 << 0,  /* may be repeated, so it may share a connection */
  CALL_LONG_POLL   = 1 << 1,  /* on the connection that waits for settlements */
  CALL_NO_DEADLINE = 1 << 2,  /* a payment: it takes what it takes, and is looked up after */
} CallFlags;

/*
 * A node that takes the connection and never answers must not hang whoever
 * asked: every call but a payment gives up after the deadline (a long poll
 * after its own timeout plus the deadline) and the node counts as unreachable.
 */
typedef struct
{
  GCancellable        *cancellable;   /* the transport's: cancelled by the caller or the clock */
  GCancellable        *caller;
  gulong               caller_handler;
  guint                seconds;
  guint                timeout_id;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
} Deadline;

#define DEADLINE_EXPIRED "ms-cln-deadline-expired"

static void
deadline_free (Deadline *deadline)
{
  g_clear_handle_id (&deadline->timeout_id, g_source_remove);
  if (deadline->caller_handler != 0)
    g_signal_handler_disconnect (deadline->caller, deadline->caller_handler);
  g_clear_object (&deadline->caller);
  g_clear_object (&deadline->cancellable);
  g_free (deadline);
}

static gboolean
deadline_expired_cb (gpointer user_data)
{
  Deadline *deadline = user_data;

  deadline->timeout_id = 0;
  g_object_set_data (G_OBJECT (deadline->cancellable), DEADLINE_EXPIRED,
                     GUINT_TO_POINTER (deadline->seconds));
  g_cancellable_cancel (deadline->cancellable);
  return G_SOURCE_REMOVE;
}

static void
deadline_caller_cancelled_cb (GCancellable *caller,
                              Deadline     *deadline)
{
  g_cancellable_cancel (deadline->cancellable);
}

static void
deadline_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Deadline *deadline = user_data;

  deadline->callback (source, result, deadline->user_data);
  deadline_free (deadline);
}

static Deadline *
deadline_new (guint                seconds,
              GCancellable        *caller,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  Deadline *deadline = g_new0 (Deadline, 1);

  deadline->cancellable = g_cancellable_new ();
  deadline->callback = callback;
  deadline->user_data = user_data;
  deadline->seconds = seconds;
  deadline->timeout_id = g_timeout_add (seconds * 1000, deadline_expired_cb, deadline);
  if (caller != NULL)
    {
      deadline->caller = g_object_ref (caller);
      if (g_cancellable_is_cancelled (caller))
        g_cancellable_cancel (deadline->cancellable);
      else
        deadline->caller_handler = g_signal_connect (caller, "cancelled",
                                                     G_CALLBACK (deadline_caller_cancelled_cb),
                                                     deadline);
    }
  return deadline;
}

/* Completes @callback with an MsClnReply, via the transport's own GTask. */
static void
node_call (MsClnBackend        *self,
           const char          *method,
           GString             *params,
           CallFlags            flags,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autofree char *text = params_end (params);

  if (!(flags & CALL_NO_DEADLINE) && self->call_deadline_s > 0)
    {
      guint seconds = self->call_deadline_s + ((flags & CALL_LONG_POLL) ? self->poll_timeout_s : 0);
      Deadline *deadline = deadline_new (seconds, cancellable, callback, user_data);

      cancellable = deadline->cancellable;
      callback = deadline_done_cb;
      user_data = deadline;
    }

  if (self->rest != NULL)
    _ms_cln_rest_call_async (self->rest, method, text, (flags & CALL_READ_ONLY) != 0,
                             cancellable, callback, user_data);
  else
    _ms_cln_rpc_call_async ((flags & CALL_LONG_POLL) ? self->rpc_poll : self->rpc, method,
                            text, cancellable, callback, user_data);

  /* It may hold the caller's preimage; the transports wipe their copies too. */
  ms_wipe (text, strlen (text));
}

static MsClnReply *
transport_finish (GAsyncResult  *result,
                  GError       **error)
{
  gpointer source = g_task_get_source_object (G_TASK (result));

  if (MS_IS_CLN_REST (source))
    return _ms_cln_rest_call_finish (source, result, error);
  return _ms_cln_rpc_call_finish (source, result, error);
}

/* The node's reply, result or error; what a failing transport says is the node's state. */
static MsClnReply *
node_call_finish (MsClnBackend  *self,
                  GAsyncResult  *result,
                  GError       **error)
{
  g_autoptr(GError) local = NULL;
  MsClnReply *reply = transport_finish (result, &local);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  guint waited_s;

  if (reply != NULL)
    {
      set_online (self, TRUE, NULL);
      return reply;
    }

  /* Cancelled by the clock, not by the caller: the node is not answering. */
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) && cancellable != NULL &&
      (waited_s = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cancellable),
                                                       DEADLINE_EXPIRED))) > 0)
    {
      g_clear_error (&local);
      g_set_error (&local, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                   "Core Lightning at %s did not answer within %u s", self->location, waited_s);
    }

  if (g_error_matches (local, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE))
    set_online (self, FALSE, local->message);
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

/* Only a result: the node's error becomes an MS_LIGHTNING_ERROR. */
static MsClnReply *
node_call_finish_result (MsClnBackend  *self,
                         GAsyncResult  *result,
                         const char    *method,
                         GError       **error)
{
  g_autoptr(MsClnReply) reply = node_call_finish (self, result, error);

  if (reply == NULL)
    return NULL;
  if (reply->kind != MS_CLN_REPLY_RESULT)
    {
      g_propagate_error (error, _ms_cln_reply_to_error (method, reply));
      return NULL;
    }
  return g_steal_pointer (&reply);
}

/* get_info: getinfo, then listpeerchannels for the balances. */

static void
channels_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsClnBackend *self = g_task_get_source_object (task);
  MsLnNodeInfo *info = g_task_get_task_data (task);
  g_autoptr(MsClnReply) reply = NULL;
  GError *error = NULL;

  reply = node_call_finish_result (self, result, "listpeerchannels", &error);
  if (reply == NULL || !_ms_cln_node_info_add_channels (info, reply->result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, ms_ln_node_info_copy (info), (GDestroyNotify) ms_ln_node_info_free);
}

static void
getinfo_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsClnBackend *self = g_task_get_source_object (task);
  g_autoptr(MsClnReply) reply = NULL;
  MsLnNodeInfo *info = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  reply = node_call_finish_result (self, result, "getinfo", &error);
  if (reply == NULL || (info = _ms_cln_node_info_from_result (reply->result, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_set_task_data (task, info, (GDestroyNotify) ms_ln_node_info_free);
  cancellable = g_task_get_cancellable (task);
  node_call (self, "listpeerchannels", params_new (), CALL_READ_ONLY, cancellable, channels_cb,
             g_steal_pointer (&task));
}

static void
ms_cln_backend_get_info_async (MsLightning         *lightning,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  MsClnBackend *self = MS_CLN_BACKEND (lightning);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ms_cln_backend_get_info_async);
  node_call (self, "getinfo", params_new (), CALL_READ_ONLY, cancellable, getinfo_cb, task);
}

static MsLnNodeInfo *
ms_cln_backend_get_info_finish (MsLightning   *lightning,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* create_invoice */

typedef struct
{
  guint8   payment_hash[MS_LN_HASH_LEN];
  gboolean has_preimage;
} InvoiceData;

static void
invoice_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsClnBackend *self = g_task_get_source_object (task);
  InvoiceData *data = g_task_get_task_data (task);
  g_autoptr(MsClnReply) reply = NULL;
  g_autoptr(MsLnInvoice) invoice = NULL;
  GError *error = NULL;

  reply = node_call_finish_result (self, result, "invoice", &error);
  if (reply == NULL || (invoice = _ms_cln_invoice_from_result (reply->result, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (data->has_preimage &&
      memcmp (invoice->payment_hash, data->payment_hash, MS_LN_HASH_LEN) != 0)
    {
      g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                               "invoice: the node's payment hash is not the one of our "
                               "preimage");
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&invoice), (GDestroyNotify) ms_ln_invoice_free);
}

/*
 * Labels are unique per node: "moneysocket-" and the payment hash when we
 * know it (our preimage), else a random uuid.
 */
static char *
invoice_label (InvoiceData *data)
{
  g_autofree char *uuid = NULL;
  g_autofree char *hex = NULL;

  if (data->has_preimage)
    {
      hex = ms_hex_encode (data->payment_hash, MS_LN_HASH_LEN);
      return g_strconcat (LABEL_PREFIX, hex, NULL);
    }

  uuid = ms_uuid_new ();
  return g_strconcat (LABEL_PREFIX, uuid, NULL);
}

static void
ms_cln_backend_create_invoice_async (MsLightning         *lightning,
                                     guint64              amount_msat,
                                     const char          *description,
                                     guint                expiry_s,
                                     const guint8        *preimage,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  MsClnBackend *self = MS_CLN_BACKEND (lightning);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  InvoiceData *data = g_new0 (InvoiceData, 1);
  g_autofree char *label = NULL;
  GString *params = params_new ();

  g_task_set_source_tag (task, ms_cln_backend_create_invoice_async);
  g_task_set_task_data (task, data, g_free);
  if (preimage != NULL)
    {
      data->has_preimage = TRUE;
      ms_sha256 (preimage, MS_LN_HASH_LEN, data->payment_hash);
    }

  label = invoice_label (data);
  param_u64 (params, "amount_msat", amount_msat);
  param_string (params, "label", label);
  param_string (params, "description", description);
  if (expiry_s > 0)
    param_u64 (params, "expiry", expiry_s);
  if (preimage != NULL)
    param_hex (params, "preimage", preimage);

  node_call (self, "invoice", params, CALL_DEFAULT, cancellable, invoice_cb, task);
}

static MsLnInvoice *
ms_cln_backend_create_invoice_finish (MsLightning   *lightning,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* pay: xpay, or pay on nodes that lack it; "already paid" is looked up. */

typedef struct
{
  char       *bolt11;
  char       *failure;       /* the node's "already paid" message */
  guint64     amount_msat;   /* only for invoices without an amount */
  guint64     max_fee_msat;
  const char *method;
  guint8      payment_hash[MS_LN_HASH_LEN];
  gboolean    has_hash;
} PayData;

static void
pay_data_free (PayData *data)
{
  g_free (data->bolt11);
  g_free (data->failure);
  g_free (data);
}

static void start_pay (GTask *task);

static void
already_paid_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsClnBackend *self = g_task_get_source_object (task);
  PayData *data = g_task_get_task_data (task);
  g_autoptr(MsClnReply) reply = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  GError *error = NULL;

  reply = node_call_finish_result (self, result, "listpays", &error);
  if (reply == NULL ||
      (payment = _ms_cln_payment_from_listpays (reply->result, data->payment_hash, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (payment->status == MS_LN_PAYMENT_SUCCEEDED)
    g_task_return_pointer (task, g_steal_pointer (&payment), (GDestroyNotify) ms_ln_payment_free);
  else
    g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                             "%s: the invoice was already paid, but not by this node: %s",
                             data->method, data->failure);
}

/*
 * xpay 219 / pay 201: this hash was paid before. When this node paid it,
 * listpays has the preimage, and the payment is not made twice.
 */
static void
look_up_earlier_payment (GTask            *task,
                         const MsClnReply *reply)
{
  MsClnBackend *self = g_task_get_source_object (task);
  PayData *data = g_task_get_task_data (task);
  GString *params = params_new ();

  data->failure = g_strdup (reply->message);
  if (!data->has_hash)
    {
      g_task_return_error (task, _ms_cln_reply_to_error (data->method, reply));
      g_object_unref (task);
      return;
    }

  param_hex (params, "payment_hash", data->payment_hash);
  node_call (self, "listpays", params, CALL_READ_ONLY, g_task_get_cancellable (task),
             already_paid_cb, task);
}

static void
pay_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsClnBackend *self = g_task_get_source_object (task);
  PayData *data = g_task_get_task_data (task);
  g_autoptr(MsClnReply) reply = NULL;
  MsLnPayment *payment;
  GError *error = NULL;

  reply = node_call_finish (self, result, &error);
  if (reply == NULL)
    return g_task_return_error (task, error);

  if (reply->kind == MS_CLN_REPLY_RESULT)
    {
      payment = _ms_cln_payment_from_result (reply->result,
                                             data->has_hash ? data->payment_hash : NULL, &error);
      if (payment == NULL)
        return g_task_return_error (task, error);
      return g_task_return_pointer (task, payment, (GDestroyNotify) ms_ln_payment_free);
    }

  /* Nodes before xpay (v24.11) answer "Unknown command": pay takes the same invoice. */
  if (reply->code == MS_CLN_CODE_METHOD_NOT_FOUND && strcmp (data->method, "xpay") == 0)
    {
      g_debug ("cln: %s has no xpay; using pay", self->location);
      self->no_xpay = TRUE;
      return start_pay (g_steal_pointer (&task));
    }

  if (reply->code == MS_CLN_CODE_PAY_ALREADY_PAID || reply->code == MS_CLN_CODE_PAY_RHASH_USED)
    return look_up_earlier_payment (g_steal_pointer (&task), reply);

  g_task_return_error (task, _ms_cln_reply_to_error (data->method, reply));
}

/* xpay {invstring, amount_msat, maxfee} or pay {bolt11, amount_msat, maxfee}. */
static void
start_pay (GTask *task)
{
  MsClnBackend *self = g_task_get_source_object (task);
  PayData *data = g_task_get_task_data (task);
  GString *params = params_new ();

  data->method = self->no_xpay ? "pay" : "xpay";
  param_string (params, self->no_xpay ? "bolt11" : "invstring", data->bolt11);
  if (data->amount_msat > 0)
    param_u64 (params, "amount_msat", data->amount_msat);
  param_u64 (params, "maxfee", data->max_fee_msat);

  node_call (self, data->method, params, CALL_NO_DEADLINE, g_task_get_cancellable (task), pay_cb,
             task);
}

/*
 * The payment hash comes from the invoice, to check the preimage and to
 * look up an earlier payment. An amount is sent only for an invoice
 * without one (xpay.json: "Only possible for a bolt11 invoice which does
 * not have an amount").
 */
static gboolean
read_invoice (PayData  *data,
              guint64   amount_msat,
              GError  **error)
{
  g_autoptr(MsBolt11) invoice = NULL;

  invoice = ms_bolt11_decode (data->bolt11, strlen (data->bolt11), MS_BOLT11_DECODE_NONE, NULL);
  if (invoice == NULL)
    {
      /* Offers and invoices we cannot read are the node's to judge. */
      data->amount_msat = amount_msat;
      return TRUE;
    }

  data->has_hash = TRUE;
  memcpy (data->payment_hash, ms_bolt11_get_payment_hash (invoice), MS_LN_HASH_LEN);
  if (!ms_bolt11_has_amount (invoice))
    {
      data->amount_msat = amount_msat;
      if (amount_msat > 0)
        return TRUE;
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                   "pay: the invoice has no amount and none was given");
      return FALSE;
    }

  if (amount_msat > 0 && amount_msat != ms_bolt11_get_amount_msat (invoice))
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                   "pay: the invoice asks for %" G_GUINT64_FORMAT " msat, not %"
                   G_GUINT64_FORMAT, ms_bolt11_get_amount_msat (invoice), amount_msat);
      return FALSE;
    }
  return TRUE;
}

static void
ms_cln_backend_pay_async (MsLightning         *lightning,
                          const char          *bolt11,
                          guint64              amount_msat,
                          guint64              max_fee_msat,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  MsClnBackend *self = MS_CLN_BACKEND (lightning);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PayData *data = g_new0 (PayData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, ms_cln_backend_pay_async);
  g_task_set_task_data (task, data, (GDestroyNotify) pay_data_free);
  data->bolt11 = g_strstrip (g_strdup (bolt11));
  data->max_fee_msat = max_fee_msat;

  if (!read_invoice (data, amount_msat, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  start_pay (task);
}

static MsLnPayment *
ms_cln_backend_pay_finish (MsLightning   *lightning,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* lookup_payment: listpays by payment hash. */

static void
listpays_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsClnBackend *self = g_task_get_source_object (task);
  const guint8 *payment_hash = g_task_get_task_data (task);
  g_autoptr(MsClnReply) reply = NULL;
  MsLnPayment *payment = NULL;
  GError *error = NULL;

  reply = node_call_finish_result (self, result, "listpays", &error);
  if (reply == NULL ||
      (payment = _ms_cln_payment_from_listpays (reply->result, payment_hash, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, payment, (GDestroyNotify) ms_ln_payment_free);
}

static void
ms_cln_backend_lookup_payment_async (MsLightning         *lightning,
                                     const guint8        *payment_hash,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  MsClnBackend *self = MS_CLN_BACKEND (lightning);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GString *params = params_new ();

  g_task_set_source_tag (task, ms_cln_backend_lookup_payment_async);
  g_task_set_task_data (task, g_memdup2 (payment_hash, MS_LN_HASH_LEN), g_free);
  param_hex (params, "payment_hash", payment_hash);
  node_call (self, "listpays", params, CALL_READ_ONLY, cancellable, listpays_cb, task);
}

static MsLnPayment *
ms_cln_backend_lookup_payment_finish (MsLightning   *lightning,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * cancel_invoice: the label comes from listinvoices (an invoice made with
 * the node's preimage is labelled with a uuid), then delinvoice with the
 * status we saw: an invoice paid meanwhile is not deleted (error 906).
 */

static void
delinvoice_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsClnBackend *self = g_task_get_source_object (task);
  g_autoptr(MsClnReply) reply = NULL;
  GError *error = NULL;

  reply = node_call_finish (self, result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else if (reply->kind == MS_CLN_REPLY_RESULT || reply->code == MS_CLN_CODE_INVOICE_NOT_FOUND)
    g_task_return_boolean (task, TRUE);
  else if (reply->code == MS_CLN_CODE_INVOICE_STATUS)
    g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                             "delinvoice: the invoice changed meanwhile (it was probably "
                             "paid): %s", reply->message);
  else
    g_task_return_error (task, _ms_cln_reply_to_error ("delinvoice", reply));
}

static gboolean
check_deletable (const char  *label,
                 const char  *status,
                 GError     **error)
{
  if (!g_str_has_prefix (label, LABEL_PREFIX))
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                   "delinvoice: invoice '%s' was not made by Moneysocket", label);
      return FALSE;
    }
  if (strcmp (status, "unpaid") != 0 && strcmp (status, "expired") != 0)
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                   "delinvoice: invoice '%s' is %s and stays", label, status);
      return FALSE;
    }
  return TRUE;
}

static void
listinvoices_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsClnBackend *self = g_task_get_source_object (task);
  g_autoptr(MsClnReply) reply = NULL;
  g_autofree char *label = NULL;
  g_autofree char *status = NULL;
  GCancellable *cancellable;
  GString *params;
  GError *error = NULL;

  reply = node_call_finish_result (self, result, "listinvoices", &error);
  if (reply == NULL || !_ms_cln_invoice_find (reply->result, g_task_get_task_data (task),
                                              &label, &status, &error))
    return g_task_return_error (task, error);

  /* Nothing to delete: it is gone already. */
  if (label == NULL)
    return g_task_return_boolean (task, TRUE);
  if (!check_deletable (label, status, &error))
    return g_task_return_error (task, error);

  params = params_new ();
  param_string (params, "label", label);
  param_string (params, "status", status);
  cancellable = g_task_get_cancellable (task);
  node_call (self, "delinvoice", params, CALL_DEFAULT, cancellable, delinvoice_cb,
             g_steal_pointer (&task));
}

static void
ms_cln_backend_cancel_invoice_async (MsLightning         *lightning,
                                     const guint8        *payment_hash,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  MsClnBackend *self = MS_CLN_BACKEND (lightning);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GString *params = params_new ();

  g_task_set_source_tag (task, ms_cln_backend_cancel_invoice_async);
  g_task_set_task_data (task, g_memdup2 (payment_hash, MS_LN_HASH_LEN), g_free);
  param_hex (params, "payment_hash", payment_hash);
  node_call (self, "listinvoices", params, CALL_READ_ONLY, cancellable, listinvoices_cb, task);
}

static gboolean
ms_cln_backend_cancel_invoice_finish (MsLightning   *lightning,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/*
 * Settlements. waitanyinvoice.json: "This is usually called iteratively:
 * once with no arguments, then repeatedly with the returned pay_index
 * entry. This ensures that no paid invoice is missed." The watch holds no
 * reference on the backend, which may go away while a long poll waits.
 */

struct _Watch
{
  grefcount     ref_count;
  MsClnBackend *self;         /* NULL once stopped */
  GCancellable *cancellable;
  guint         retry_source;
  guint         next_retry_ms;
};

static Watch *
watch_ref (Watch *watch)
{
  g_ref_count_inc (&watch->ref_count);
  return watch;
}

static void
watch_unref (Watch *watch)
{
  if (!g_ref_count_dec (&watch->ref_count))
    return;

  g_clear_object (&watch->cancellable);
  g_free (watch);
}

static void
watch_stop (Watch *watch)
{
  watch->self = NULL;
  g_cancellable_cancel (watch->cancellable);
  g_clear_handle_id (&watch->retry_source, g_source_remove);
  watch_unref (watch);
}

static void watch_probe (Watch *watch);
static void watch_wait (Watch *watch);

static gboolean
retry_cb (gpointer user_data)
{
  Watch *watch = user_data;

  watch->retry_source = 0;
  watch_probe (watch);
  return G_SOURCE_REMOVE;
}

/* The node cannot be followed now: try again later, and say so. */
static void
watch_failed (Watch        *watch,
              const GError *error)
{
  g_autoptr(MsClnBackend) self = g_object_ref (watch->self);
  guint delay = watch->next_retry_ms;

  g_debug ("cln: following settlements on %s failed: %s; retrying in %u ms", self->location,
           error->message, delay);

  watch->next_retry_ms = MIN (delay * 2, self->max_retry_ms);
  g_clear_handle_id (&watch->retry_source, g_source_remove);
  watch->retry_source = g_timeout_add_full (G_PRIORITY_DEFAULT, delay, retry_cb,
                                            watch_ref (watch), (GDestroyNotify) watch_unref);
  set_online (self, FALSE, error->message);
}

/* The watch's reply, or NULL when it was stopped meanwhile (or failed, then retrying). */
static MsClnReply *
watch_finish (Watch        *watch,
              GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  MsClnReply *reply = transport_finish (result, &error);

  if (watch->self == NULL)
    g_clear_pointer (&reply, _ms_cln_reply_free);
  else if (reply == NULL)
    watch_failed (watch, error);
  return reply;
}

static void
emit_settlement (Watch          *watch,
                 MsLnSettlement *settlement)
{
  g_autoptr(MsClnBackend) self = g_object_ref (watch->self);

  /* Replays after a reconnect may repeat what was emitted: keep each once. */
  if (settlement->settle_index <= self->settle_index)
    return;

  self->settle_index = settlement->settle_index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTLE_INDEX]);
  g_signal_emit_by_name (self, "invoice-settled", settlement);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Watch *watch = user_data;
  g_autoptr(MsClnReply) reply = watch_finish (watch, result);
  g_autoptr(MsLnSettlement) settlement = NULL;
  g_autoptr(GError) error = NULL;

  if (reply == NULL)
    return watch_unref (watch);

  if (reply->kind == MS_CLN_REPLY_ERROR && reply->code == CODE_WAIT_TIMEOUT)
    watch_wait (watch);
  else if (reply->kind == MS_CLN_REPLY_ERROR)
    {
      error = _ms_cln_reply_to_error ("waitanyinvoice", reply);
      watch_failed (watch, error);
    }
  else if ((settlement = _ms_cln_settlement_from_result (reply->result, &error)) == NULL)
    watch_failed (watch, error);
  else
    {
      emit_settlement (watch, settlement);
      if (watch->self != NULL)
        watch_wait (watch);
    }

  watch_unref (watch);
}

static void
watch_wait (Watch *watch)
{
  MsClnBackend *self = watch->self;
  GString *params = params_new ();

  if (self->settle_index > 0)
    param_u64 (params, "lastpay_index", self->settle_index);
  param_u64 (params, "timeout", self->poll_timeout_s);
  node_call (self, "waitanyinvoice", params, CALL_LONG_POLL, watch->cancellable, wait_cb,
             watch_ref (watch));
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Watch *watch = user_data;
  g_autoptr(MsClnReply) reply = watch_finish (watch, result);
  g_autoptr(MsClnBackend) self = NULL;
  g_autoptr(GError) error = NULL;

  if (reply == NULL)
    return watch_unref (watch);

  if (reply->kind == MS_CLN_REPLY_ERROR)
    {
      error = _ms_cln_reply_to_error ("getinfo", reply);
      watch_failed (watch, error);
      return watch_unref (watch);
    }

  self = g_object_ref (watch->self);
  watch->next_retry_ms = self->first_retry_ms;
  set_online (self, TRUE, NULL);
  if (watch->self != NULL)
    watch_wait (watch);
  watch_unref (watch);
}

/* getinfo first: a long poll that is merely waiting says nothing about the node. */
static void
watch_probe (Watch *watch)
{
  node_call (watch->self, "getinfo", params_new (), CALL_LONG_POLL | CALL_READ_ONLY,
             watch->cancellable, probe_cb, watch_ref (watch));
}

static void
ms_cln_backend_watch_settlements (MsLightning *lightning,
                                  guint64      after_index)
{
  MsClnBackend *self = MS_CLN_BACKEND (lightning);
  Watch *watch;

  g_clear_pointer (&self->watch, watch_stop);
  if (self->rpc_poll != NULL)
    _ms_cln_rpc_close (self->rpc_poll);

  self->settle_index = after_index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTLE_INDEX]);

  watch = g_new0 (Watch, 1);
  g_ref_count_init (&watch->ref_count);
  watch->self = self;
  watch->cancellable = g_cancellable_new ();
  watch->next_retry_ms = self->first_retry_ms;
  self->watch = watch;
  watch_probe (watch);
}

static void
ms_cln_backend_stop (MsLightning *lightning)
{
  MsClnBackend *self = MS_CLN_BACKEND (lightning);

  g_clear_pointer (&self->watch, watch_stop);
  if (self->rest != NULL)
    _ms_cln_rest_close (self->rest);
  if (self->rpc != NULL)
    _ms_cln_rpc_close (self->rpc);
  if (self->rpc_poll != NULL)
    _ms_cln_rpc_close (self->rpc_poll);
}

static void
ms_cln_backend_lightning_init (MsLightningInterface *iface)
{
  iface->get_info_async = ms_cln_backend_get_info_async;
  iface->get_info_finish = ms_cln_backend_get_info_finish;
  iface->create_invoice_async = ms_cln_backend_create_invoice_async;
  iface->create_invoice_finish = ms_cln_backend_create_invoice_finish;
  iface->pay_async = ms_cln_backend_pay_async;
  iface->pay_finish = ms_cln_backend_pay_finish;
  iface->lookup_payment_async = ms_cln_backend_lookup_payment_async;
  iface->lookup_payment_finish = ms_cln_backend_lookup_payment_finish;
  iface->cancel_invoice_async = ms_cln_backend_cancel_invoice_async;
  iface->cancel_invoice_finish = ms_cln_backend_cancel_invoice_finish;
  iface->watch_settlements = ms_cln_backend_watch_settlements;
  iface->stop = ms_cln_backend_stop;
}

/**
 * ms_cln_backend_new_rpc:
 * @socket_path: the node's `lightning-rpc` file, in its network directory
 *
 * Returns: (transfer full): a backend speaking JSON-RPC over the unix socket
 */
MsClnBackend *
ms_cln_backend_new_rpc (const char *socket_path)
{
  MsClnBackend *self;

  g_return_val_if_fail (socket_path != NULL && *socket_path != '\0', NULL);

  self = g_object_new (MS_TYPE_CLN_BACKEND, NULL);
  self->rpc = _ms_cln_rpc_new (socket_path);
  self->rpc_poll = _ms_cln_rpc_new (socket_path);
  self->location = g_strdup (socket_path);
  return self;
}

/**
 * ms_cln_backend_new_rest:
 * @base_url: CLNRest's address, e.g. https://127.0.0.1:3010
 * @rune: the rune to send with every call; it is wiped when the backend goes
 * @pinned: (nullable): the certificate CLNRest must present (it makes a
 *   self-signed one); NULL checks it against the system CAs instead
 *
 * Returns: (transfer full): a backend speaking to CLNRest
 */
MsClnBackend *
ms_cln_backend_new_rest (const char      *base_url,
                         const char      *rune,
                         GTlsCertificate *pinned)
{
  MsClnBackend *self;

  g_return_val_if_fail (base_url != NULL && *base_url != '\0', NULL);
  g_return_val_if_fail (rune != NULL, NULL);
  g_return_val_if_fail (pinned == NULL || G_IS_TLS_CERTIFICATE (pinned), NULL);

  self = g_object_new (MS_TYPE_CLN_BACKEND, NULL);
  self->rest = _ms_cln_rest_new (base_url, rune, pinned);
  self->location = g_strdup (base_url);
  return self;
}

/* The socket path or the CLNRest URL. */
const char *
ms_cln_backend_get_location (MsClnBackend *self)
{
  g_return_val_if_fail (MS_IS_CLN_BACKEND (self), NULL);

  return self->location;
}

/* Whether the last exchange with the node went through. */
gboolean
ms_cln_backend_get_online (MsClnBackend *self)
{
  g_return_val_if_fail (MS_IS_CLN_BACKEND (self), FALSE);

  return self->online;
}

/* The pay_index of the last settlement emitted (or the one watching started after). */
guint64
ms_cln_backend_get_settle_index (MsClnBackend *self)
{
  g_return_val_if_fail (MS_IS_CLN_BACKEND (self), 0);

  return self->settle_index;
}

/* How long to wait before probing the node again: @first_ms, doubling up to @max_ms. */
void
ms_cln_backend_set_reconnect_delays (MsClnBackend *self,
                                     guint         first_ms,
                                     guint         max_ms)
{
  g_return_if_fail (MS_IS_CLN_BACKEND (self));
  g_return_if_fail (first_ms > 0 && first_ms <= max_ms);

  self->first_retry_ms = first_ms;
  self->max_retry_ms = max_ms;
  if (self->watch != NULL)
    self->watch->next_retry_ms = first_ms;
}

/* The timeout of each waitanyinvoice long poll; it is then simply asked again. */
void
ms_cln_backend_set_poll_timeout (MsClnBackend *self,
                                 guint         seconds)
{
  g_return_if_fail (MS_IS_CLN_BACKEND (self));
  g_return_if_fail (seconds > 0);

  self->poll_timeout_s = seconds;
}

/* Calls other than payments give up after @seconds (a long poll after its timeout plus these). */
void
ms_cln_backend_set_call_deadline (MsClnBackend *self,
                                  guint         seconds)
{
  g_return_if_fail (MS_IS_CLN_BACKEND (self));
  g_return_if_fail (seconds > 0);

  self->call_deadline_s = seconds;
}

static void
ms_cln_backend_dispose (GObject *object)
{
  MsClnBackend *self = MS_CLN_BACKEND (object);

  ms_cln_backend_stop (MS_LIGHTNING (self));
  g_clear_object (&self->rpc);
  g_clear_object (&self->rpc_poll);
  g_clear_object (&self->rest);

  G_OBJECT_CLASS (ms_cln_backend_parent_class)->dispose (object);
}

static void
ms_cln_backend_finalize (GObject *object)
{
  MsClnBackend *self = MS_CLN_BACKEND (object);

  g_free (self->location);

  G_OBJECT_CLASS (ms_cln_backend_parent_class)->finalize (object);
}

static void
ms_cln_backend_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MsClnBackend *self = MS_CLN_BACKEND (object);

  switch (prop_id)
    {
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    case PROP_SETTLE_INDEX:
      g_value_set_uint64 (value, self->settle_index);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_cln_backend_class_init (MsClnBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_cln_backend_dispose;
  object_class->finalize = ms_cln_backend_finalize;
  object_class->get_property = ms_cln_backend_get_property;

  properties[PROP_LOCATION] =
    g_param_spec_string ("location", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SETTLE_INDEX] =
    g_param_spec_uint64 ("settle-index", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ms_cln_backend_init (MsClnBackend *self)
{
  self->first_retry_ms = DEFAULT_FIRST_RETRY_MS;
  self->max_retry_ms = DEFAULT_MAX_RETRY_MS;
  self->poll_timeout_s = DEFAULT_POLL_TIMEOUT_S;
  self->call_deadline_s = DEFAULT_CALL_DEADLINE_S;
}
