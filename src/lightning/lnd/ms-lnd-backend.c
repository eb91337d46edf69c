/* ms-lnd-backend.c
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
#include "ms-lnd-backend.h"
#include "ms-lnd-rest-private.h"
#include "ms-lnd-watch-private.h"

/* routerrpc SendPaymentRequest.timeout_seconds, the time to find a first route: "If the
 * field is not set or is explicitly set to zero, the default value of 60 seconds will be
 * applied." Sent explicitly all the same. */
#define PAY_TIMEOUT_S 60

typedef enum
{
  REACH_UNKNOWN,
  REACH_ONLINE,
  REACH_OFFLINE,
} Reach;

struct _MsLndBackend
{
  GObject     parent_instance;

  MsLndRest  *rest;
  MsLndWatch *watch;
  Reach       reach;
};

static void ms_lnd_backend_lightning_init (MsLightningInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MsLndBackend, ms_lnd_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MS_TYPE_LIGHTNING,
                                                      ms_lnd_backend_lightning_init))

static void
set_reachable (MsLndBackend *self,
               gboolean      reachable,
               const char   *why)
{
  Reach reach = reachable ? REACH_ONLINE : REACH_OFFLINE;

  if (self->reach == reach)
    return;

  self->reach = reach;
  g_signal_emit_by_name (self, "connection-changed", reachable, why);
}

static void
reachable_cb (gboolean      reachable,
              const GError *error,
              gpointer      user_data)
{
  set_reachable (user_data, reachable, error != NULL ? error->message : NULL);
}

static void
settled_cb (const MsLnSettlement *settlement,
            gpointer              user_data)
{
  g_signal_emit_by_name (user_data, "invoice-settled", settlement);
}

/* The settlement feed broke: whatever the node answers, for us it is gone until it is back. */
static void
lost_cb (const GError *error,
         gpointer      user_data)
{
  set_reachable (user_data, FALSE, error->message);
}

static void
ms_lnd_backend_dispose (GObject *object)
{
  MsLndBackend *self = MS_LND_BACKEND (object);

  g_clear_pointer (&self->watch, _ms_lnd_watch_free);
  if (self->rest != NULL)
    {
      _ms_lnd_rest_set_reachable_func (self->rest, NULL, NULL);
      _ms_lnd_rest_cancel_all (self->rest);
    }
  g_clear_object (&self->rest);

  G_OBJECT_CLASS (ms_lnd_backend_parent_class)->dispose (object);
}

static void
ms_lnd_backend_class_init (MsLndBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_lnd_backend_dispose;
}

static void
ms_lnd_backend_init (MsLndBackend *self)
{
}

/*
 * @base_url: LND's REST address, https://host:8080 by default
 * @macaroon: the bytes of a macaroon file (admin.macaroon, or one baked with
 *   info:read offchain:read offchain:write invoices:read invoices:write)
 * @tls_cert: LND's tls.cert, the only certificate accepted; NULL trusts the
 *   system's CAs instead (LND behind a proxy with a public certificate)
 */
MsLndBackend *
ms_lnd_backend_new (const char      *base_url,
                    GBytes          *macaroon,
                    GTlsCertificate *tls_cert)
{
  MsLndBackend *self;
  MsLndRest *rest;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (macaroon != NULL && g_bytes_get_size (macaroon) > 0, NULL);
  g_return_val_if_fail (tls_cert == NULL || G_IS_TLS_CERTIFICATE (tls_cert), NULL);

  if (!(rest = _ms_lnd_rest_new (base_url, macaroon, tls_cert)))
    return NULL;

  self = g_object_new (MS_TYPE_LND_BACKEND, NULL);
  self->rest = rest;
  _ms_lnd_rest_set_reachable_func (self->rest, reachable_cb, self);
  self->watch = _ms_lnd_watch_new (self->rest, settled_cb, lost_cb, self);
  return self;
}

/*
 * Waits between reconnects of the settlement feed: @initial_ms doubling up
 * to @max_ms (1 s and 30 s by default). While the feed is up, the node is
 * asked for its info every @max_ms, since a stream over a dead path never
 * ends by itself.
 */
void
ms_lnd_backend_set_reconnect_delays (MsLndBackend *self,
                                     guint         initial_ms,
                                     guint         max_ms)
{
  g_return_if_fail (MS_IS_LND_BACKEND (self));
  g_return_if_fail (initial_ms > 0 && initial_ms <= max_ms);

  _ms_lnd_watch_set_delays (self->watch, initial_ms, max_ms);
}

/* get_info: GET /v1/getinfo, then GET /v1/balance/channels. */

static void
balance_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) balance = NULL;
  g_autoptr(GError) error = NULL;
  MsLnNodeInfo *info;

  balance = _ms_lnd_rest_call_finish (MS_LND_REST (object), result, NULL, &error);
  if (balance == NULL)
    return g_task_return_error (task, g_steal_pointer (&error));

  info = _ms_lnd_node_info_parse (g_task_get_task_data (task), balance, &error);
  if (info == NULL)
    return g_task_return_error (task, g_steal_pointer (&error));

  g_task_return_pointer (task, info, (GDestroyNotify) ms_ln_node_info_free);
}

static void
getinfo_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  JsonObject *getinfo;
  g_autoptr(GError) error = NULL;

  getinfo = _ms_lnd_rest_call_finish (MS_LND_REST (object), result, NULL, &error);
  if (getinfo == NULL)
    return g_task_return_error (task, g_steal_pointer (&error));

  g_task_set_task_data (task, getinfo, (GDestroyNotify) json_object_unref);
  _ms_lnd_rest_call_async (MS_LND_REST (object), "GET", "/v1/balance/channels", NULL,
                           cancellable, balance_cb, g_steal_pointer (&task));
}

static void
ms_lnd_backend_get_info_async (MsLightning         *lightning,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  MsLndBackend *self = MS_LND_BACKEND (lightning);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ms_lnd_backend_get_info_async);
  _ms_lnd_rest_call_async (self->rest, "GET", "/v1/getinfo", NULL, cancellable, getinfo_cb,
                           g_steal_pointer (&task));
}

static MsLnNodeInfo *
ms_lnd_backend_get_info_finish (MsLightning   *lightning,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* create_invoice: POST /v1/invoices with an lnrpc.Invoice. */

typedef struct
{
  gboolean has_preimage;
  guint8   hash[MS_LN_HASH_LEN];
} InvoiceData;

static JsonNode *
invoice_body (guint64       amount_msat,
              const char   *description,
              guint         expiry_s,
              const guint8 *preimage)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *value = g_strdup_printf ("%" G_GUINT64_FORMAT, amount_msat);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "memo");
  json_builder_add_string_value (builder, description);
  json_builder_set_member_name (builder, "value_msat");
  json_builder_add_string_value (builder, value);
  if (expiry_s > 0)
    {
      g_autofree char *expiry = g_strdup_printf ("%u", expiry_s);

      json_builder_set_member_name (builder, "expiry");
      json_builder_add_string_value (builder, expiry);
    }
  /* Route hints for private channels: a small node often has nothing else. */
  json_builder_set_member_name (builder, "private");
  json_builder_add_boolean_value (builder, TRUE);
  if (preimage != NULL)
    {
      g_autofree char *base64 = g_base64_encode (preimage, MS_LN_HASH_LEN);

      json_builder_set_member_name (builder, "r_preimage");
      json_builder_add_string_value (builder, base64);
      ms_wipe (base64, strlen (base64));
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
add_invoice_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InvoiceData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(GError) error = NULL;

  answer = _ms_lnd_rest_call_finish (MS_LND_REST (object), result, NULL, &error);
  if (answer == NULL || !(invoice = _ms_lnd_add_invoice_parse (answer, &error)))
    return g_task_return_error (task, g_steal_pointer (&error));

  if (data->has_preimage && memcmp (data->hash, invoice->payment_hash, MS_LN_HASH_LEN) != 0)
    return g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                                    "LND made an invoice for another preimage than ours");

  g_task_return_pointer (task, g_steal_pointer (&invoice), (GDestroyNotify) ms_ln_invoice_free);
}

static void
ms_lnd_backend_create_invoice_async (MsLightning         *lightning,
                                     guint64              amount_msat,
                                     const char          *description,
                                     guint                expiry_s,
                                     const guint8        *preimage,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  MsLndBackend *self = MS_LND_BACKEND (lightning);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonNode) body = NULL;
  InvoiceData *data = g_new0 (InvoiceData, 1);

  g_task_set_source_tag (task, ms_lnd_backend_create_invoice_async);
  g_task_set_task_data (task, data, g_free);

  if (amount_msat > G_MAXINT64)
    return g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                                    "LND cannot make an invoice for %" G_GUINT64_FORMAT " msat",
                                    amount_msat);
  if (preimage != NULL)
    {
      data->has_preimage = TRUE;
      ms_sha256 (preimage, MS_LN_HASH_LEN, data->hash);
    }

  body = invoice_body (amount_msat, description, expiry_s, preimage);
  _ms_lnd_rest_call_async (self->rest, "POST", "/v1/invoices", body, cancellable,
                           add_invoice_cb, g_steal_pointer (&task));
}

static MsLnInvoice *
ms_lnd_backend_create_invoice_finish (MsLightning   *lightning,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * Payments: POST /v2/router/send (SendPaymentV2) streams lnrpc.Payment
 * updates until SUCCEEDED or FAILED; GET /v2/router/track/{hash}
 * (TrackPaymentV2) does the same for a payment already made.
 */

typedef struct
{
  guint8       hash[MS_LN_HASH_LEN];
  MsLnPayment  payment;
  const char  *failure;
  gboolean     seen;
  gboolean     until_final;
} PayData;

/* Each update of the payment; with @until_final the stream is read to its end state. */
static gboolean
payment_line_cb (JsonObject  *result,
                 gpointer     user_data,
                 GError     **error)
{
  PayData *data = user_data;

  if (!_ms_lnd_payment_parse (result, &data->payment, &data->failure, error))
    return FALSE;

  if (memcmp (data->payment.payment_hash, data->hash, MS_LN_HASH_LEN) != 0)
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "LND reported on another payment than the one asked for");
      return FALSE;
    }

  data->seen = TRUE;
  return data->until_final && data->payment.status == MS_LN_PAYMENT_PENDING;
}

static char *
track_path (const guint8 *hash)
{
  g_autofree char *encoded = _ms_lnd_base64url_encode (hash, MS_LN_HASH_LEN);

  return g_strdup_printf ("/v2/router/track/%s", encoded);
}

/* The stream ended on a final state: SUCCEEDED, or FAILED with nothing sent. */
static void
pay_return_final (GTask *task)
{
  PayData *data = g_task_get_task_data (task);

  if (data->payment.status == MS_LN_PAYMENT_FAILED)
    return g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PAYMENT_FAILED,
                                    "LND could not pay: %s", data->failure);

  g_assert (data->payment.status == MS_LN_PAYMENT_SUCCEEDED);
  g_task_return_pointer (task, ms_ln_payment_copy (&data->payment),
                         (GDestroyNotify) ms_ln_payment_free);
}

static void
track_to_end_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!_ms_lnd_rest_stream_finish (MS_LND_REST (object), result, NULL, &error))
    return g_task_return_error (task, g_steal_pointer (&error));

  pay_return_final (task);
}

/*
 * SendPaymentV2 answers AlreadyExists for a hash LND paid or is paying
 * (routerrpc/router_server.go: ErrAlreadyPaid, ErrPaymentInFlight): follow
 * that payment instead of making a second one.
 */
static void
follow_existing_payment (GTask *task)
{
  MsLndBackend *self = g_task_get_source_object (task);
  PayData *data = g_task_get_task_data (task);
  g_autofree char *path = track_path (data->hash);

  data->seen = FALSE;
  _ms_lnd_rest_stream_async (self->rest, "GET", path, NULL, payment_line_cb, data,
                             g_task_get_cancellable (task), track_to_end_cb, task);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PayData *data = g_task_get_task_data (task);
  MsLndStatus status = { 0, -1, NULL, FALSE };
  g_autoptr(GError) error = NULL;

  if (_ms_lnd_rest_stream_finish (MS_LND_REST (object), result, &status, &error))
    return pay_return_final (task);

  if (status.code == MS_LND_GRPC_ALREADY_EXISTS && !data->seen)
    follow_existing_payment (g_steal_pointer (&task));
  else if (data->seen && g_error_matches (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED))
    /* Once LND took the payment, an error says nothing about its outcome. */
    g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                             "LND stopped reporting on the payment, its outcome is unknown: %s",
                             error->message);
  else
    g_task_return_error (task, g_steal_pointer (&error));

  _ms_lnd_status_clear (&status);
}

/* What LND needs beside the invoice; FALSE when the amount does not fit the invoice. */
static gboolean
check_pay_amount (const MsBolt11  *bolt11,
                  guint64         *amount_msat,
                  GError         **error)
{
  if (ms_bolt11_has_amount (bolt11))
    {
      if (*amount_msat != 0 && *amount_msat != ms_bolt11_get_amount_msat (bolt11))
        {
          g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                       "the invoice asks for %" G_GUINT64_FORMAT " msat, not %" G_GUINT64_FORMAT,
                       ms_bolt11_get_amount_msat (bolt11), *amount_msat);
          return FALSE;
        }
      /* routerrpc refuses an amount for an invoice that has one. */
      *amount_msat = 0;
      return TRUE;
    }

  if (*amount_msat == 0 || *amount_msat > G_MAXINT64)
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                   "the invoice has no amount: give one");
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
pay_body (const char *bolt11,
          guint64     amount_msat,
          guint64     max_fee_msat)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *fee = g_strdup_printf ("%" G_GUINT64_FORMAT, MIN (max_fee_msat, G_MAXINT64));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "payment_request");
  json_builder_add_string_value (builder, bolt11);
  if (amount_msat > 0)
    {
      g_autofree char *amount = g_strdup_printf ("%" G_GUINT64_FORMAT, amount_msat);

      json_builder_set_member_name (builder, "amt_msat");
      json_builder_add_string_value (builder, amount);
    }
  /* "If this field is left to the default value of 0, only zero-fee routes will be considered." */
  json_builder_set_member_name (builder, "fee_limit_msat");
  json_builder_add_string_value (builder, fee);
  json_builder_set_member_name (builder, "timeout_seconds");
  json_builder_add_int_value (builder, PAY_TIMEOUT_S);
  /* The terminus may pay an invoice of its own node. */
  json_builder_set_member_name (builder, "allow_self_payment");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
ms_lnd_backend_pay_async (MsLightning         *lightning,
                          const char          *bolt11,
                          guint64              amount_msat,
                          guint64              max_fee_msat,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  MsLndBackend *self = MS_LND_BACKEND (lightning);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(MsBolt11) invoice = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  PayData *data = g_new0 (PayData, 1);

  g_task_set_source_tag (task, ms_lnd_backend_pay_async);
  g_task_set_task_data (task, data, g_free);
  data->until_final = TRUE;

  if (!(invoice = ms_bolt11_decode (bolt11, strlen (bolt11), MS_BOLT11_DECODE_NONE, &error)))
    return g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED,
                                    "cannot pay this invoice: %s", error->message);
  if (!check_pay_amount (invoice, &amount_msat, &error))
    return g_task_return_error (task, g_steal_pointer (&error));

  memcpy (data->hash, ms_bolt11_get_payment_hash (invoice), MS_LN_HASH_LEN);
  body = pay_body (bolt11, amount_msat, max_fee_msat);
  _ms_lnd_rest_stream_async (self->rest, "POST", "/v2/router/send", body, payment_line_cb, data,
                             cancellable, send_cb, g_steal_pointer (&task));
}

static MsLnPayment *
ms_lnd_backend_pay_finish (MsLightning   *lightning,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* lookup_payment: the first state TrackPaymentV2 reports; NotFound means never seen. */

static void
track_first_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PayData *data = g_task_get_task_data (task);
  MsLndStatus status = { 0, -1, NULL, FALSE };
  g_autoptr(GError) error = NULL;

  if (_ms_lnd_rest_stream_finish (MS_LND_REST (object), result, &status, &error))
    return g_task_return_pointer (task, ms_ln_payment_copy (&data->payment),
                                  (GDestroyNotify) ms_ln_payment_free);

  /* paymentsdb.ErrPaymentNotInitiated → codes.NotFound, as the stream's first message. */
  if (status.code == MS_LND_GRPC_NOT_FOUND && status.in_stream)
    {
      memset (&data->payment, 0, sizeof data->payment);
      data->payment.status = MS_LN_PAYMENT_UNKNOWN;
      memcpy (data->payment.payment_hash, data->hash, MS_LN_HASH_LEN);
      g_task_return_pointer (task, ms_ln_payment_copy (&data->payment),
                             (GDestroyNotify) ms_ln_payment_free);
    }
  else
    g_task_return_error (task, g_steal_pointer (&error));

  _ms_lnd_status_clear (&status);
}

static void
ms_lnd_backend_lookup_payment_async (MsLightning         *lightning,
                                     const guint8        *payment_hash,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  MsLndBackend *self = MS_LND_BACKEND (lightning);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PayData *data = g_new0 (PayData, 1);
  g_autofree char *path = track_path (payment_hash);

  g_task_set_source_tag (task, ms_lnd_backend_lookup_payment_async);
  g_task_set_task_data (task, data, g_free);
  memcpy (data->hash, payment_hash, MS_LN_HASH_LEN);

  _ms_lnd_rest_stream_async (self->rest, "GET", path, NULL, payment_line_cb, data, cancellable,
                             track_first_cb, g_steal_pointer (&task));
}

static MsLnPayment *
ms_lnd_backend_lookup_payment_finish (MsLightning   *lightning,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* cancel_invoice: POST /v2/invoices/cancel (invoicesrpc.CancelInvoice). */

static void
cancel_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) answer = NULL;
  MsLndStatus status = { 0, -1, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  const char *message;

  answer = _ms_lnd_rest_call_finish (MS_LND_REST (object), result, &status, &error);
  message = status.message != NULL ? status.message : "";

  /* invpkg errors: ErrInvoiceNotFound "unable to locate invoice", ErrInvoiceAlreadySettled,
   * ErrInvoiceAlreadyCanceled (older releases). */
  if (answer != NULL || strstr (message, "unable to locate invoice") != NULL ||
      strstr (message, "already canceled") != NULL)
    g_task_return_boolean (task, TRUE);
  else if (strstr (message, "already settled") != NULL)
    g_task_return_boolean (task, FALSE);
  else
    g_task_return_error (task, g_steal_pointer (&error));

  _ms_lnd_status_clear (&status);
}

static void
ms_lnd_backend_cancel_invoice_async (MsLightning         *lightning,
                                     const guint8        *payment_hash,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  MsLndBackend *self = MS_LND_BACKEND (lightning);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *hash = g_base64_encode (payment_hash, MS_LN_HASH_LEN);

  g_task_set_source_tag (task, ms_lnd_backend_cancel_invoice_async);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "payment_hash");
  json_builder_add_string_value (builder, hash);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  _ms_lnd_rest_call_async (self->rest, "POST", "/v2/invoices/cancel", body, cancellable,
                           cancel_cb, g_steal_pointer (&task));
}

static gboolean
ms_lnd_backend_cancel_invoice_finish (MsLightning   *lightning,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
ms_lnd_backend_watch_settlements (MsLightning *lightning,
                                  guint64      after_index)
{
  MsLndBackend *self = MS_LND_BACKEND (lightning);

  _ms_lnd_watch_start (self->watch, after_index);
}

static void
ms_lnd_backend_stop (MsLightning *lightning)
{
  MsLndBackend *self = MS_LND_BACKEND (lightning);

  _ms_lnd_watch_stop (self->watch);
  _ms_lnd_rest_cancel_all (self->rest);
}

static void
ms_lnd_backend_lightning_init (MsLightningInterface *iface)
{
  iface->get_info_async = ms_lnd_backend_get_info_async;
  iface->get_info_finish = ms_lnd_backend_get_info_finish;
  iface->create_invoice_async = ms_lnd_backend_create_invoice_async;
  iface->create_invoice_finish = ms_lnd_backend_create_invoice_finish;
  iface->pay_async = ms_lnd_backend_pay_async;
  iface->pay_finish = ms_lnd_backend_pay_finish;
  iface->lookup_payment_async = ms_lnd_backend_lookup_payment_async;
  iface->lookup_payment_finish = ms_lnd_backend_lookup_payment_finish;
  iface->cancel_invoice_async = ms_lnd_backend_cancel_invoice_async;
  iface->cancel_invoice_finish = ms_lnd_backend_cancel_invoice_finish;
  iface->watch_settlements = ms_lnd_backend_watch_settlements;
  iface->stop = ms_lnd_backend_stop;
}
