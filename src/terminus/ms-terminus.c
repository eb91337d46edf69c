/* ms-terminus.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "ms-account-private.h"
#include "ms-terminus.h"

/* CLN's xpay default: "5000msat, or 1% (whatever is greater)". */
#define DEFAULT_MIN_FEE_MSAT 5000
#define DEFAULT_FEE_PPM      10000
#define RECONCILE_FIRST_MS   1000
#define RECONCILE_MAX_MS     60000

typedef struct
{
  char      *request_uuid;
  char      *payment_hash;
  GPtrArray *waiters;        /* GTask waiting for the same request uuid */
  guint      calling : 1;    /* a pay call to the node is under way */
  guint      retry_ms;
} InFlight;

struct _MsTerminus
{
  GObject         parent_instance;

  MsLightning    *backend;
  MsAccountStore *store;
  MsSecretStore  *secrets;
  MsMatchmaker   *matchmaker;
  MsLocation     *advertised;
  MsLocation     *external_relay;
  GListStore     *accounts;
  GHashTable     *inflight;      /* request uuid → InFlight */
  MsLnNodeInfo   *node;
  GCancellable   *cancellable;

  guint64         min_fee_msat;
  guint           fee_ppm;
  guint           invoice_expiry_s;
  guint           first_retry_ms;
  guint           max_retry_ms;
  gulong          settled_handler;
};

G_DEFINE_FINAL_TYPE (MsTerminus, ms_terminus, G_TYPE_OBJECT)

static void in_flight_free (gpointer data);

void
ms_terminus_info_free (MsTerminusInfo *info)
{
  if (info == NULL)
    return;

  g_clear_pointer (&info->node, ms_ln_node_info_free);
  g_free (info);
}

static void
ms_terminus_dispose (GObject *object)
{
  MsTerminus *self = MS_TERMINUS (object);

  ms_terminus_stop (self);
  g_clear_object (&self->backend);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_object (&self->matchmaker);
  g_clear_pointer (&self->advertised, ms_location_unref);
  g_clear_pointer (&self->external_relay, ms_location_unref);
  g_clear_object (&self->accounts);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ms_terminus_parent_class)->dispose (object);
}

static void
ms_terminus_finalize (GObject *object)
{
  MsTerminus *self = MS_TERMINUS (object);

  g_clear_pointer (&self->inflight, g_hash_table_unref);
  g_clear_pointer (&self->node, ms_ln_node_info_free);

  G_OBJECT_CLASS (ms_terminus_parent_class)->finalize (object);
}

static void
ms_terminus_class_init (MsTerminusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_terminus_dispose;
  object_class->finalize = ms_terminus_finalize;
}

static void
ms_terminus_init (MsTerminus *self)
{
  self->accounts = g_list_store_new (MS_TYPE_ACCOUNT);
  self->inflight = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, in_flight_free);
  self->cancellable = g_cancellable_new ();
  self->min_fee_msat = DEFAULT_MIN_FEE_MSAT;
  self->fee_ppm = DEFAULT_FEE_PPM;
  self->invoice_expiry_s = MS_TERMINUS_DEFAULT_INVOICE_EXPIRY_S;
  self->first_retry_ms = 1000;
  self->max_retry_ms = 30000;
}

MsTerminus *
ms_terminus_new (MsLightning    *backend,
                 MsAccountStore *store,
                 MsSecretStore  *secrets)
{
  MsTerminus *self;

  g_return_val_if_fail (MS_IS_LIGHTNING (backend), NULL);
  g_return_val_if_fail (MS_IS_ACCOUNT_STORE (store), NULL);
  g_return_val_if_fail (MS_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (MS_TYPE_TERMINUS, NULL);
  self->backend = g_object_ref (backend);
  self->store = g_object_ref (store);
  self->secrets = g_object_ref (secrets);
  return self;
}

/* `listen` beacons: a matchmaker embedded in this process, reachable at @advertised. */
void
ms_terminus_set_listen_location (MsTerminus   *self,
                                 MsMatchmaker *matchmaker,
                                 MsLocation   *advertised)
{
  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (MS_IS_MATCHMAKER (matchmaker));
  g_return_if_fail (advertised != NULL);

  g_set_object (&self->matchmaker, matchmaker);
  g_clear_pointer (&self->advertised, ms_location_unref);
  self->advertised = ms_location_ref (advertised);
}

/* With a relay set, `listen` beacons point at it instead of the embedded one. */
void
ms_terminus_set_external_relay (MsTerminus *self,
                                MsLocation *relay)
{
  g_return_if_fail (MS_IS_TERMINUS (self));

  g_clear_pointer (&self->external_relay, ms_location_unref);
  if (relay != NULL)
    self->external_relay = ms_location_ref (relay);
}

void
ms_terminus_set_fee_policy (MsTerminus *self,
                            guint64     min_fee_msat,
                            guint       fee_ppm)
{
  g_return_if_fail (MS_IS_TERMINUS (self));

  self->min_fee_msat = min_fee_msat;
  self->fee_ppm = fee_ppm;
}

void
ms_terminus_set_invoice_expiry (MsTerminus *self,
                                guint       seconds)
{
  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (seconds > 0);

  self->invoice_expiry_s = seconds;
}

void
ms_terminus_set_reconnect_delays (MsTerminus *self,
                                  guint       first_ms,
                                  guint       max_ms)
{
  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (first_ms > 0 && first_ms <= max_ms);

  self->first_retry_ms = first_ms;
  self->max_retry_ms = max_ms;
}

GListModel *
ms_terminus_get_accounts (MsTerminus *self)
{
  g_return_val_if_fail (MS_IS_TERMINUS (self), NULL);

  return G_LIST_MODEL (self->accounts);
}

MsLightning *
ms_terminus_get_backend (MsTerminus *self)
{
  g_return_val_if_fail (MS_IS_TERMINUS (self), NULL);

  return self->backend;
}

MsAccountStore *
ms_terminus_get_store (MsTerminus *self)
{
  g_return_val_if_fail (MS_IS_TERMINUS (self), NULL);

  return self->store;
}

/* By name or uuid; NULL when there is no such account. */
MsAccount *
ms_terminus_lookup_account (MsTerminus *self,
                            const char *name_or_uuid)
{
  GListModel *model;

  g_return_val_if_fail (MS_IS_TERMINUS (self), NULL);
  g_return_val_if_fail (name_or_uuid != NULL, NULL);

  model = G_LIST_MODEL (self->accounts);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MsAccount) account = g_list_model_get_item (model, i);

      if (g_str_equal (ms_account_get_name (account), name_or_uuid) ||
          g_str_equal (ms_account_get_uuid (account), name_or_uuid))
        return account;
    }

  return NULL;
}

static MsAccount *
account_by_id (MsTerminus *self,
               gint64      id)
{
  GListModel *model = G_LIST_MODEL (self->accounts);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MsAccount) account = g_list_model_get_item (model, i);

      if (ms_account_get_id (account) == id)
        return account;
    }

  return NULL;
}

/* The fee budget held back with every payment: max (minimum, ppm of the amount). */
guint64
ms_terminus_fee_reserve_for (MsTerminus *self,
                             guint64     amount_msat)
{
  guint64 proportional;

  g_return_val_if_fail (MS_IS_TERMINUS (self), 0);

  proportional = amount_msat / 1000000 * self->fee_ppm +
                 (amount_msat % 1000000) * self->fee_ppm / 1000000;
  return MAX (self->min_fee_msat, proportional);
}

/* -- settlements ------------------------------------------------------- */

static void
hex32 (const guint8 *bytes,
       char          out[65])
{
  ms_hex_encode_into (bytes, 32, out);
}

typedef struct
{
  MsTerminus *self;
  char        preimage[65];
} SettleClosure;

static void
settled_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree SettleClosure *closure = user_data;
  g_autoptr(MsTerminus) self = closure->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSettleResult) settle = NULL;
  MsAccount *account;

  settle = ms_account_store_settle_invoice_finish (MS_ACCOUNT_STORE (source), result, &error);
  if (settle == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("cannot record an incoming payment: %s", error->message);
      return;
    }

  if (!settle->credited || (account = account_by_id (self, settle->account_id)) == NULL)
    return;

  /* NOTIFY_PREIMAGE first, then the new balance (PROTOCOL.md 11.4 order). */
  _ms_account_broadcast_preimage (account, closure->preimage);
  _ms_account_set_balance (account, settle->balance_msat, ms_account_get_reserved_msat (account));
}

/*
 * PROTOCOL.md 11.4 "Incoming payment": the node reports a settled invoice;
 * the account whose invoice it was is credited with what the node received.
 */
static void
invoice_settled_cb (MsLightning    *backend,
                    MsLnSettlement *settlement,
                    MsTerminus     *self)
{
  SettleClosure *closure = g_new0 (SettleClosure, 1);
  char hash[65];

  closure->self = g_object_ref (self);
  hex32 (settlement->payment_hash, hash);
  hex32 (settlement->preimage, closure->preimage);
  ms_account_store_settle_invoice_async (self->store, hash, closure->preimage,
                                         settlement->amount_received_msat,
                                         settlement->settle_index, self->cancellable, settled_cb,
                                         closure);
}

/* -- payments ------------------------------------------------------------ */

static void
in_flight_free (gpointer data)
{
  InFlight *flight = data;

  g_free (flight->request_uuid);
  g_free (flight->payment_hash);
  g_ptr_array_unref (flight->waiters);
  g_free (flight);
}

static InFlight *
in_flight_get (MsTerminus *self,
               const char *request_uuid,
               const char *payment_hash)
{
  InFlight *flight = g_hash_table_lookup (self->inflight, request_uuid);

  if (flight == NULL)
    {
      flight = g_new0 (InFlight, 1);
      flight->request_uuid = g_strdup (request_uuid);
      flight->payment_hash = g_strdup (payment_hash);
      flight->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      flight->retry_ms = RECONCILE_FIRST_MS;
      g_hash_table_insert (self->inflight, flight->request_uuid, flight);
    }

  return flight;
}

/* Every caller waiting on this request uuid gets the same answer. */
static void
in_flight_finish (MsTerminus   *self,
                  const char   *request_uuid,
                  const char   *preimage,
                  const char   *error_text)
{
  InFlight *flight = g_hash_table_lookup (self->inflight, request_uuid);
  g_autoptr(GPtrArray) waiters = NULL;

  if (flight == NULL)
    return;

  waiters = g_ptr_array_ref (flight->waiters);
  g_hash_table_remove (self->inflight, request_uuid);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (preimage != NULL)
        g_task_return_pointer (task, g_strdup (preimage), g_free);
      else
        g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT, "%s",
                                 error_text);
    }
}

typedef struct
{
  MsTerminus *self;
  char       *request_uuid;
  char       *preimage;
  char       *error_text;
} Completion;

static void
completion_free (Completion *c)
{
  g_object_unref (c->self);
  g_free (c->request_uuid);
  g_free (c->preimage);
  g_free (c->error_text);
  g_free (c);
}

static void
completed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Completion *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsAccountRecord) record = NULL;
  MsAccount *account;

  record = ms_account_store_complete_payment_finish (MS_ACCOUNT_STORE (source), result, &error);
  if (record == NULL)
    {
      /* The outcome is known but not written: leave the payment pending so
       * that reconciliation writes it later; the caller learns nothing yet. */
      g_warning ("cannot record the outcome of payment %s: %s", c->request_uuid, error->message);
      completion_free (c);
      return;
    }

  in_flight_finish (c->self, c->request_uuid, c->preimage, c->error_text);
  if ((account = account_by_id (c->self, record->id)) != NULL)
    _ms_account_update (account, record);

  completion_free (c);
}

static void
complete_payment (MsTerminus *self,
                  const char *request_uuid,
                  gboolean    succeeded,
                  const char *preimage,
                  guint64     fee_msat,
                  const char *error_text)
{
  Completion *c = g_new0 (Completion, 1);

  c->self = g_object_ref (self);
  c->request_uuid = g_strdup (request_uuid);
  c->preimage = g_strdup (preimage);
  c->error_text = g_strdup (error_text);
  ms_account_store_complete_payment_async (self->store, request_uuid, succeeded, preimage,
                                           fee_msat, error_text, NULL, completed_cb, c);
}

static void reconcile (MsTerminus *self, InFlight *flight);

typedef struct
{
  MsTerminus *self;
  char       *request_uuid;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->self);
  g_free (lookup->request_uuid);
  g_free (lookup);
}

static gboolean
reconcile_again_cb (gpointer user_data)
{
  Lookup *lookup = user_data;
  InFlight *flight = g_hash_table_lookup (lookup->self->inflight, lookup->request_uuid);

  if (flight != NULL)
    reconcile (lookup->self, flight);
  lookup_free (lookup);
  return G_SOURCE_REMOVE;
}

static void
reconcile_later (MsTerminus *self,
                 InFlight   *flight)
{
  Lookup *lookup = g_new0 (Lookup, 1);

  lookup->self = g_object_ref (self);
  lookup->request_uuid = g_strdup (flight->request_uuid);
  g_timeout_add (flight->retry_ms, reconcile_again_cb, lookup);
  flight->retry_ms = MIN (flight->retry_ms * 2, RECONCILE_MAX_MS);
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Lookup *lookup = user_data;
  MsTerminus *self = lookup->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  InFlight *flight = g_hash_table_lookup (self->inflight, lookup->request_uuid);
  char preimage[65];

  payment = ms_lightning_lookup_payment_finish (MS_LIGHTNING (source), result, &error);
  if (flight == NULL)
    {
      lookup_free (lookup);
      return;
    }

  if (payment == NULL)
    {
      /* The node is away: ask again later; the money stays held. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        reconcile_later (self, flight);
      lookup_free (lookup);
      return;
    }

  switch (payment->status)
    {
    case MS_LN_PAYMENT_SUCCEEDED:
      hex32 (payment->preimage, preimage);
      complete_payment (self, flight->request_uuid, TRUE, preimage, payment->fee_msat, NULL);
      break;
    case MS_LN_PAYMENT_FAILED:
    case MS_LN_PAYMENT_UNKNOWN:
      /* The node never sent it, or it failed for good: everything comes back. */
      complete_payment (self, flight->request_uuid, FALSE, NULL, 0, "payment failed");
      break;
    case MS_LN_PAYMENT_PENDING:
      reconcile_later (self, flight);
      break;
    }

  lookup_free (lookup);
}

/* Asks the node how a payment whose answer we lost ended (a crash, the node away). */
static void
reconcile (MsTerminus *self,
           InFlight   *flight)
{
  Lookup *lookup = g_new0 (Lookup, 1);
  guint8 hash[32];

  if (flight->calling || !ms_hex_decode_into (flight->payment_hash, 64, hash, sizeof hash, NULL))
    {
      g_free (lookup);
      return;
    }

  lookup->self = g_object_ref (self);
  lookup->request_uuid = g_strdup (flight->request_uuid);
  ms_lightning_lookup_payment_async (self->backend, hash, self->cancellable, looked_up_cb, lookup);
}

static void
paid_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Lookup *lookup = user_data;
  MsTerminus *self = lookup->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  InFlight *flight = g_hash_table_lookup (self->inflight, lookup->request_uuid);
  char preimage[65];

  payment = ms_lightning_pay_finish (MS_LIGHTNING (source), result, &error);
  if (flight != NULL)
    flight->calling = FALSE;

  if (payment != NULL && payment->status == MS_LN_PAYMENT_SUCCEEDED)
    {
      hex32 (payment->preimage, preimage);
      complete_payment (self, lookup->request_uuid, TRUE, preimage, payment->fee_msat, NULL);
    }
  else if (payment == NULL &&
           (g_error_matches (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PAYMENT_FAILED) ||
            g_error_matches (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED) ||
            g_error_matches (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED)))
    {
      /* Nothing left the node: the amount and the fee reserve come back. */
      complete_payment (self, lookup->request_uuid, FALSE, NULL, 0, error->message);
    }
  else if (flight != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The node may or may not have paid: keep the money held and ask it. */
      g_message ("payment %s: outcome unknown (%s); asking the node",
                 lookup->request_uuid, error != NULL ? error->message : "no answer");
      reconcile_later (self, flight);
    }

  lookup_free (lookup);
}

typedef struct
{
  MsAccount *account;
  char      *bolt11;
  char      *request_uuid;
  gint64     session_id;
  guint64    amount_msat;
  guint64    reserve_msat;
} PayData;

static void
pay_data_free (gpointer data)
{
  PayData *d = data;

  g_object_unref (d->account);
  g_free (d->bolt11);
  g_free (d->request_uuid);
  g_free (d);
}

static void
cancelled_on_node_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ms_lightning_cancel_invoice_finish (MS_LIGHTNING (source), result, &error))
    g_debug ("could not cancel a settled invoice on the node: %s", error->message);
}

static void
reserved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  PayData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsPayReservation) r = NULL;
  MsAccount *payee;
  InFlight *flight;
  Lookup *lookup;
  guint8 hash[32];

  r = ms_account_store_reserve_payment_finish (MS_ACCOUNT_STORE (source), result, &error);
  if (r == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (r->outcome)
    {
    case MS_PAY_INTERNAL:
      /* The payer's answer first, then both balances (PROTOCOL.md 11.4 order). */
      g_task_return_pointer (task, g_strdup (r->preimage), g_free);
      _ms_account_set_balance (d->account, r->payer_balance_msat,
                               ms_account_get_reserved_msat (d->account));
      if ((payee = account_by_id (self, r->payee_id)) != NULL)
        {
          _ms_account_broadcast_preimage (payee, r->preimage);
          _ms_account_set_balance (payee, r->payee_balance_msat,
                                   ms_account_get_reserved_msat (payee));
        }
      /* The node must not be paid for it as well. */
      if (ms_hex_decode_into (r->payment_hash, 64, hash, sizeof hash, NULL))
        ms_lightning_cancel_invoice_async (self->backend, hash, NULL, cancelled_on_node_cb, NULL);
      return;

    case MS_PAY_REPLAY_SUCCEEDED:
      g_task_return_pointer (task, g_strdup (r->preimage), g_free);
      return;

    case MS_PAY_REPLAY_FAILED:
      g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT, "%s",
                               r->error != NULL ? r->error : "payment failed");
      return;

    case MS_PAY_REPLAY_PENDING:
      /* A replay while the first one is still paying: it gets the same answer. */
      flight = in_flight_get (self, d->request_uuid, r->payment_hash);
      g_ptr_array_add (flight->waiters, g_steal_pointer (&task));
      if (!flight->calling)
        reconcile (self, flight);
      return;

    case MS_PAY_RESERVED:
      break;
    }

  _ms_account_set_balance (d->account, r->payer_balance_msat, r->payer_reserved_msat);
  flight = in_flight_get (self, d->request_uuid, r->payment_hash);
  flight->calling = TRUE;
  g_ptr_array_add (flight->waiters, g_steal_pointer (&task));

  lookup = g_new0 (Lookup, 1);
  lookup->self = g_object_ref (self);
  lookup->request_uuid = g_strdup (d->request_uuid);
  ms_lightning_pay_async (self->backend, d->bolt11, 0, d->reserve_msat, NULL, paid_cb, lookup);
}

/*
 * REQUEST_PAY (PROTOCOL.md 11.4), with the refusals a consumer must get in
 * words: no amount, expired, another network, not enough balance. A request
 * uuid is paid at most once: a replay gets the first answer.
 */
void
ms_terminus_request_pay_async (MsTerminus          *self,
                               MsAccount           *account,
                               const char          *bolt11,
                               const char          *request_uuid,
                               gint64               session_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(MsBolt11) invoice = NULL;
  g_autoptr(GError) error = NULL;
  PayData *d;

  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (MS_IS_ACCOUNT (account));
  g_return_if_fail (bolt11 != NULL && request_uuid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_request_pay_async);

  invoice = ms_bolt11_decode (bolt11, strlen (bolt11), MS_BOLT11_DECODE_NONE, &error);
  if (invoice == NULL)
    {
      g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                               "invalid invoice: %s", error->message);
      return;
    }
  if (!ms_bolt11_has_amount (invoice))
    {
      /* Sent as a string: the Python terminus's one-element array is a bug (14). */
      g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                               "bolt11 does not specify amount");
      return;
    }
  if (ms_bolt11_is_expired (invoice, g_get_real_time () / G_USEC_PER_SEC))
    {
      g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT, "invoice expired");
      return;
    }
  if (self->node != NULL && self->node->network != NULL &&
      g_strcmp0 (ms_bolt11_get_network (invoice), self->node->network) != 0)
    {
      g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                               "invoice is for %s but this node is on %s",
                               ms_bolt11_get_network (invoice), self->node->network);
      return;
    }

  d = g_new0 (PayData, 1);
  d->account = g_object_ref (account);
  d->bolt11 = g_strdup (bolt11);
  d->request_uuid = g_strdup (request_uuid);
  d->session_id = session_id;
  d->amount_msat = ms_bolt11_get_amount_msat (invoice);
  d->reserve_msat = ms_terminus_fee_reserve_for (self, d->amount_msat);
  g_task_set_task_data (task, d, pay_data_free);

  ms_account_store_reserve_payment_async (self->store, ms_account_get_id (account), session_id,
                                          request_uuid, bolt11,
                                          ms_bolt11_get_payment_hash_hex (invoice),
                                          d->amount_msat, d->reserve_msat, NULL, reserved_cb,
                                          g_steal_pointer (&task));
}

/* Completes with the preimage (hex), or an error whose message is the NOTIFY_ERROR text. */
char *
ms_terminus_request_pay_finish (MsTerminus    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- invoices ---------------------------------------------------------- */

typedef struct
{
  MsAccount   *account;
  char        *request_uuid;
  gint64       session_id;
  guint64      amount_msat;
  guint8       preimage[32];
  MsLnInvoice *invoice;
} InvoiceData;

static void
invoice_data_free (gpointer data)
{
  InvoiceData *d = data;

  ms_wipe (d->preimage, sizeof d->preimage);
  g_object_unref (d->account);
  g_free (d->request_uuid);
  g_clear_pointer (&d->invoice, ms_ln_invoice_free);
  g_free (d);
}

static void
invoice_recorded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  InvoiceData *d = g_task_get_task_data (task);
  GError *error = NULL;

  if (!ms_account_store_record_invoice_finish (MS_ACCOUNT_STORE (source), result, &error))
    {
      /* Not ours after all (the cap was reached meanwhile): take it off the node. */
      ms_lightning_cancel_invoice_async (self->backend, d->invoice->payment_hash, NULL,
                                         cancelled_on_node_cb, NULL);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_strdup (d->invoice->bolt11), g_free);
}

static void
invoice_created_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  InvoiceData *d = g_task_get_task_data (task);
  GError *error = NULL;
  guint8 expected[32];
  char hash[65], preimage[65];

  d->invoice = ms_lightning_create_invoice_finish (MS_LIGHTNING (source), result, &error);
  if (d->invoice == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The node must have used our preimage, or internal settlement would hand
   * out a preimage that does not match the invoice. */
  ms_sha256 (d->preimage, sizeof d->preimage, expected);
  if (memcmp (expected, d->invoice->payment_hash, sizeof expected) != 0)
    {
      g_task_return_new_error (task, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                               "the node made an invoice with another preimage");
      return;
    }

  hex32 (d->invoice->payment_hash, hash);
  hex32 (d->preimage, preimage);
  ms_account_store_record_invoice_async (self->store, ms_account_get_id (d->account),
                                         d->session_id, d->request_uuid, hash, preimage,
                                         d->invoice->bolt11, d->amount_msat,
                                         d->invoice->expires_at, NULL, invoice_recorded_cb,
                                         g_steal_pointer (&task));
  ms_wipe (preimage, sizeof preimage);
}

static void
receive_checked_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  InvoiceData *d = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!ms_account_store_check_receive_finish (MS_ACCOUNT_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Our own preimage: needed to settle payments between our accounts. */
  ms_random_key_bytes (d->preimage, sizeof d->preimage);
  cancellable = g_task_get_cancellable (task);
  ms_lightning_create_invoice_async (self->backend, d->amount_msat, "", self->invoice_expiry_s,
                                     d->preimage, cancellable, invoice_created_cb,
                                     g_steal_pointer (&task));
}

/* REQUEST_INVOICE: an invoice on the node bound to @account (PROTOCOL.md 11.4). */
void
ms_terminus_request_invoice_async (MsTerminus          *self,
                                   MsAccount           *account,
                                   guint64              amount_msat,
                                   const char          *request_uuid,
                                   gint64               session_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  InvoiceData *d;

  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (MS_IS_ACCOUNT (account));
  g_return_if_fail (amount_msat > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_request_invoice_async);

  d = g_new0 (InvoiceData, 1);
  d->account = g_object_ref (account);
  d->request_uuid = g_strdup (request_uuid);
  d->session_id = session_id;
  d->amount_msat = amount_msat;
  g_task_set_task_data (task, d, invoice_data_free);

  ms_account_store_check_receive_async (self->store, ms_account_get_id (account), amount_msat,
                                        NULL, receive_checked_cb, g_steal_pointer (&task));
}

char *
ms_terminus_request_invoice_finish (MsTerminus    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- beacons ----------------------------------------------------------- */

static char *
beacons_key (MsAccount *account)
{
  return g_strdup_printf ("beacons:%s", ms_account_get_uuid (account));
}

static void
beacons_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!ms_secret_store_store_finish (MS_SECRET_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The beacons carry seeds: they go to the secret store, never to the database. */
static void
save_beacons (MsTerminus *self,
              MsAccount  *account,
              GTask      *task)
{
  g_autofree char *key = beacons_key (account);
  g_autofree char *label = g_strdup_printf ("Moneysocket beacons of account %s",
                                            ms_account_get_name (account));
  g_autofree char *json = _ms_account_serialize_beacons (account);

  ms_secret_store_store_async (self->secrets, key, label, json, NULL, beacons_saved_cb, task);
  ms_wipe (json, strlen (json));
}

static MsProviderStack *
new_stack (MsTerminus *self)
{
  MsProviderStack *stack = ms_provider_stack_new (NULL);

  ms_stack_set_reconnect_delays (MS_STACK (stack), self->first_retry_ms, self->max_retry_ms);
  return stack;
}

/* Serves @account to a consumer that will come with @beacon (listen), or at @beacon (connect). */
static gboolean
serve_beacon (MsTerminus    *self,
              MsAccount     *account,
              MsBeaconKind   kind,
              MsBeacon      *beacon,
              GError       **error)
{
  g_autoptr(MsProviderStack) stack = new_stack (self);
  g_autoptr(MsBeacon) served = NULL;
  g_autofree char *str = NULL;

  if (kind == MS_BEACON_KIND_LISTEN && self->external_relay == NULL)
    {
      if (self->matchmaker == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "this terminus does not listen: give it a listen address "
                               "or an external relay");
          return FALSE;
        }
      served = ms_stack_listen (MS_STACK (stack), self->matchmaker,
                                ms_beacon_get_location (beacon, 0),
                                ms_beacon_get_shared_seed (beacon));
    }
  else
    {
      if (!ms_stack_connect (MS_STACK (stack), beacon, error))
        return FALSE;
      served = ms_beacon_ref (beacon);
    }

  str = ms_beacon_encode (served);
  _ms_account_add_stack (account, stack, kind, str);
  ms_wipe (str, strlen (str));
  return TRUE;
}

/*
 * `listen`: a new beacon (fresh seed unless @seed) at the embedded relay or
 * the configured external relay; a consumer given it reaches this account.
 */
void
ms_terminus_listen_async (MsTerminus          *self,
                          MsAccount           *account,
                          const MsSharedSeed  *seed,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(MsBeacon) beacon = NULL;
  GError *error = NULL;
  MsLocation *location;

  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (MS_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_listen_async);

  if (ms_account_get_n_beacons (account, MS_BEACON_KIND_LISTEN) >=
      MS_TERMINUS_DEFAULT_MAX_LISTEN_BEACONS)
    {
      g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                               "account %s already has %u listen beacons; clear it first",
                               ms_account_get_name (account),
                               MS_TERMINUS_DEFAULT_MAX_LISTEN_BEACONS);
      return;
    }

  location = self->external_relay != NULL ? self->external_relay : self->advertised;
  if (location == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "this terminus does not listen: give it a listen address or an "
                               "external relay");
      return;
    }

  beacon = ms_beacon_new (seed);
  ms_beacon_add_location (beacon, location);
  if (!serve_beacon (self, account, MS_BEACON_KIND_LISTEN, beacon, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_set_task_data (task, ms_beacon_ref (beacon), (GDestroyNotify) ms_beacon_unref);
  save_beacons (self, account, g_steal_pointer (&task));
}

/* The beacon to hand to the consumer (it carries the seed: show it, do not log it). */
MsBeacon *
ms_terminus_listen_finish (MsTerminus    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  return ms_beacon_ref (g_task_get_task_data (G_TASK (result)));
}

/* `connect`: serves @account to whoever generated @beacon (PROTOCOL.md 11.2). */
void
ms_terminus_connect_async (MsTerminus          *self,
                           MsAccount           *account,
                           MsBeacon            *beacon,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (MS_IS_ACCOUNT (account));
  g_return_if_fail (beacon != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_connect_async);

  if (ms_account_get_n_beacons (account, MS_BEACON_KIND_CONNECT) >=
      MS_TERMINUS_DEFAULT_MAX_CONNECT_BEACONS)
    {
      g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                               "account %s already connects to %u beacons; clear it first",
                               ms_account_get_name (account),
                               MS_TERMINUS_DEFAULT_MAX_CONNECT_BEACONS);
      return;
    }

  if (!serve_beacon (self, account, MS_BEACON_KIND_CONNECT, beacon, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  save_beacons (self, account, g_steal_pointer (&task));
}

gboolean
ms_terminus_connect_finish (MsTerminus    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
beacons_cleared_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!ms_secret_store_clear_finish (MS_SECRET_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* `clear`: drops every connection and beacon of @account. */
void
ms_terminus_clear_async (MsTerminus          *self,
                         MsAccount           *account,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;

  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (MS_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_clear_async);

  _ms_account_clear_stacks (account);
  key = beacons_key (account);
  ms_secret_store_clear_async (self->secrets, key, NULL, beacons_cleared_cb,
                               g_steal_pointer (&task));
}

gboolean
ms_terminus_clear_finish (MsTerminus    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* After a restart every account serves its beacons again. */
static void
restore_beacons (MsTerminus *self,
                 MsAccount  *account,
                 const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_warning ("the stored beacons of account %s are unreadable; they are not served",
                 ms_account_get_name (account));
      return;
    }

  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);
      const char *kind = json_object_get_string_member_with_default (item, "kind", "");
      const char *str = json_object_get_string_member_with_default (item, "beacon", "");
      g_autoptr(MsBeacon) beacon = ms_beacon_decode (str, strlen (str), NULL);
      g_autoptr(GError) error = NULL;

      if (beacon == NULL ||
          !serve_beacon (self, account, g_str_equal (kind, "listen") ? MS_BEACON_KIND_LISTEN
                                                                      : MS_BEACON_KIND_CONNECT,
                         beacon, &error))
        g_warning ("a stored beacon of account %s cannot be served: %s",
                   ms_account_get_name (account), error != NULL ? error->message : "unreadable");
    }
}

/* -- start and stop ------------------------------------------------------ */

typedef struct
{
  guint pending_lookups;
} StartData;

static void start_recover (GTask *task);

static void
node_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  MsLnNodeInfo *info = ms_lightning_get_info_finish (MS_LIGHTNING (source), result, &error);

  /* An unreachable node does not stop the terminus: the backend retries, and
   * payments wait for it. */
  if (info == NULL)
    g_warning ("the Lightning node does not answer yet: %s", error->message);
  else
    {
      g_clear_pointer (&self->node, ms_ln_node_info_free);
      self->node = info;
    }

  g_task_return_boolean (task, TRUE);
}

static void
settle_index_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  GError *error = NULL;
  guint64 index = ms_account_store_get_settle_index_finish (MS_ACCOUNT_STORE (source), result,
                                                            &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Settlements the node made while we were away come first, exactly once. */
  self->settled_handler = g_signal_connect (self->backend, "invoice-settled",
                                            G_CALLBACK (invoice_settled_cb), self);
  ms_lightning_watch_settlements (self->backend, index);
  ms_lightning_get_info_async (self->backend, self->cancellable, node_info_cb,
                               g_steal_pointer (&task));
}

static void
pending_listed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) pending = NULL;
  GError *error = NULL;

  pending = ms_account_store_list_pending_finish (MS_ACCOUNT_STORE (source), result, &error);
  if (pending == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Payments cut short by a crash: the node knows how they ended. */
  for (guint i = 0; i < pending->len; i++)
    {
      MsPendingPayment *p = g_ptr_array_index (pending, i);

      reconcile (self, in_flight_get (self, p->request_uuid, p->payment_hash));
    }

  ms_account_store_get_settle_index_async (self->store, self->cancellable, settle_index_cb,
                                           g_steal_pointer (&task));
}

static void
start_recover (GTask *task)
{
  MsTerminus *self = g_task_get_source_object (task);

  ms_account_store_list_pending_async (self->store, self->cancellable, pending_listed_cb, task);
}

typedef struct
{
  GTask     *task;
  MsAccount *account;
} BeaconLookup;

static void
beacons_looked_up_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  BeaconLookup *lookup = user_data;
  MsTerminus *self = g_task_get_source_object (lookup->task);
  StartData *data = g_task_get_task_data (lookup->task);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = ms_secret_store_lookup_finish (MS_SECRET_STORE (source), result,
                                                         &error);

  if (error != NULL)
    g_warning ("cannot read the beacons of account %s: %s",
               ms_account_get_name (lookup->account), error->message);
  else if (json != NULL)
    {
      restore_beacons (self, lookup->account, json);
      ms_wipe (json, strlen (json));
    }

  if (--data->pending_lookups == 0)
    start_recover (lookup->task);
  else
    g_object_unref (lookup->task);

  g_object_unref (lookup->account);
  g_free (lookup);
}

static void
accounts_listed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  StartData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;

  records = ms_account_store_list_accounts_finish (MS_ACCOUNT_STORE (source), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(MsAccount) account = _ms_account_new (self, g_ptr_array_index (records, i));

      g_list_store_append (self->accounts, account);
    }

  if (records->len == 0)
    {
      start_recover (g_steal_pointer (&task));
      return;
    }

  data->pending_lookups = records->len;
  for (guint i = 0; i < records->len; i++)
    {
      BeaconLookup *lookup = g_new0 (BeaconLookup, 1);
      g_autofree char *key = NULL;

      lookup->task = g_object_ref (task);
      lookup->account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      key = beacons_key (lookup->account);
      ms_secret_store_lookup_async (self->secrets, key, self->cancellable, beacons_looked_up_cb,
                                    lookup);
    }
}

static void
store_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!ms_account_store_open_finish (MS_ACCOUNT_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  ms_account_store_list_accounts_async (self->store, self->cancellable, accounts_listed_cb,
                                        g_steal_pointer (&task));
}

/*
 * Opens the store, brings back every account and its beacons, settles the
 * payments a crash left open, and follows the node's settlements from where
 * the store stopped.
 */
void
ms_terminus_start_async (MsTerminus          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_TERMINUS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_start_async);
  g_task_set_task_data (task, g_new0 (StartData, 1), g_free);
  ms_account_store_open_async (self->store, self->cancellable, store_opened_cb,
                               g_steal_pointer (&task));
}

gboolean
ms_terminus_start_finish (MsTerminus    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/*
 * Callers still waiting on a payment hear that the terminus stopped; the
 * payment stays held in the store and is settled from the node's books at
 * the next start.
 */
static void
stop_in_flight (MsTerminus *self)
{
  g_autoptr(GPtrArray) waiters = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  InFlight *flight;

  if (self->inflight == NULL)
    return;

  g_hash_table_iter_init (&iter, self->inflight);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &flight))
    while (flight->waiters->len > 0)
      g_ptr_array_add (waiters, g_ptr_array_steal_index (flight->waiters, 0));
  g_hash_table_remove_all (self->inflight);

  for (guint i = 0; i < waiters->len; i++)
    g_task_return_new_error (g_ptr_array_index (waiters, i), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "the terminus stopped; the payment is settled when it starts again");
}

/* Stops serving: connections close, the node is no longer followed. */
void
ms_terminus_stop (MsTerminus *self)
{
  GListModel *model;

  g_return_if_fail (MS_IS_TERMINUS (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  stop_in_flight (self);
  if (self->backend != NULL)
    {
      g_clear_signal_handler (&self->settled_handler, self->backend);
      ms_lightning_stop (self->backend);
    }

  if (self->accounts != NULL)
    {
      model = G_LIST_MODEL (self->accounts);
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(MsAccount) account = g_list_model_get_item (model, i);

          _ms_account_clear_stacks (account);
        }
    }
}

/* -- info and accounts --------------------------------------------------- */

static void
totals_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminusInfo *info = g_task_get_task_data (task);
  MsStoreTotals totals;
  GError *error = NULL;

  if (!ms_account_store_get_totals_finish (MS_ACCOUNT_STORE (source), result, &totals, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  info->allocated_msat = totals.balance_msat + totals.reserved_msat;
  info->reserved_msat = totals.reserved_msat;
  info->n_accounts = totals.n_accounts;

  /* The "report when the sum of account balances exceeds what the
   * node can really spend": the node may have spent outside the terminus. */
  if (info->node != NULL && info->allocated_msat > info->node->spendable_msat)
    {
      info->over_allocated_msat = info->allocated_msat - info->node->spendable_msat;
      g_warning ("accounts hold %" G_GUINT64_FORMAT " msat but the node can spend only %"
                 G_GUINT64_FORMAT " msat", info->allocated_msat, info->node->spendable_msat);
    }

  g_task_return_pointer (task, g_task_get_task_data (task), NULL);
}

static void
info_node_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  MsTerminusInfo *info = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  info->node = ms_lightning_get_info_finish (MS_LIGHTNING (source), result, &error);
  if (info->node != NULL)
    {
      g_clear_pointer (&self->node, ms_ln_node_info_free);
      self->node = ms_ln_node_info_copy (info->node);
    }

  ms_account_store_get_totals_async (self->store, NULL, totals_cb, g_steal_pointer (&task));
}

/* The node (NULL when it does not answer) and what the accounts hold of it. */
void
ms_terminus_get_info_async (MsTerminus          *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_TERMINUS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_get_info_async);
  g_task_set_task_data (task, g_new0 (MsTerminusInfo, 1), NULL);
  ms_lightning_get_info_async (self->backend, cancellable, info_node_cb, g_steal_pointer (&task));
}

MsTerminusInfo *
ms_terminus_get_info_finish (MsTerminus    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  MsTerminusInfo *info;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  info = g_task_propagate_pointer (G_TASK (result), error);
  if (info == NULL)
    ms_terminus_info_free (g_task_get_task_data (G_TASK (result)));
  return info;
}

typedef struct
{
  char    *name;
  guint64  balance_msat;
  guint64  cap_msat;
} CreateData;

static void
create_data_free (gpointer data)
{
  CreateData *d = data;

  g_free (d->name);
  g_free (d);
}

static void
account_created_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  g_autoptr(MsAccountRecord) record = NULL;
  g_autoptr(MsAccount) account = NULL;
  GError *error = NULL;

  record = ms_account_store_create_account_finish (MS_ACCOUNT_STORE (source), result, &error);
  if (record == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  account = _ms_account_new (self, record);
  g_list_store_append (self->accounts, account);
  g_task_return_pointer (task, g_steal_pointer (&account), g_object_unref);
}

static void
create_node_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  CreateData *d = g_task_get_task_data (task);
  g_autoptr(MsLnNodeInfo) node = NULL;
  GError *error = NULL;

  /* An account is carved out of the node's spendable balance: without an
   * answer from the node we cannot know it is there. */
  node = ms_lightning_get_info_finish (MS_LIGHTNING (source), result, &error);
  if (node == NULL)
    {
      g_prefix_error (&error, "cannot check the node's balance: ");
      g_task_return_error (task, error);
      return;
    }

  ms_account_store_create_account_async (self->store, d->name, d->balance_msat, d->cap_msat,
                                         node->spendable_msat, NULL, account_created_cb,
                                         g_steal_pointer (&task));
}

void
ms_terminus_create_account_async (MsTerminus          *self,
                                  const char          *name,
                                  guint64              balance_msat,
                                  guint64              cap_msat,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CreateData *d;

  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (name != NULL && *name != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_create_account_async);
  d = g_new0 (CreateData, 1);
  d->name = g_strdup (name);
  d->balance_msat = balance_msat;
  d->cap_msat = cap_msat;
  g_task_set_task_data (task, d, create_data_free);

  ms_lightning_get_info_async (self->backend, cancellable, create_node_cb,
                               g_steal_pointer (&task));
}

MsAccount *
ms_terminus_create_account_finish (MsTerminus    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
account_updated_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsAccount *account = g_task_get_task_data (task);
  g_autoptr(MsAccountRecord) record = NULL;
  GError *error = NULL;

  record = ms_account_store_update_account_finish (MS_ACCOUNT_STORE (source), result, &error);
  if (record == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  _ms_account_update (account, record);
  g_task_return_boolean (task, TRUE);
}

/*
 * `set`: renames @account, sets its receive cap, or whether apps may pay
 * from it or receive into it. The account's properties change and its
 * connected apps get new provider info (payer, payee) when the call succeeds.
 */
void
ms_terminus_update_account_async (MsTerminus             *self,
                                  MsAccount              *account,
                                  const MsAccountChanges *changes,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  MsAccount *other;

  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (MS_IS_ACCOUNT (account));
  g_return_if_fail (changes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_update_account_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);

  if (changes->what & MS_ACCOUNT_CHANGE_NAME)
    {
      if (changes->name == NULL || *changes->name == '\0')
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   "an account name may not be empty");
          return;
        }
      /* Accounts are named by name or uuid: a name may not be another's uuid. */
      other = ms_terminus_lookup_account (self, changes->name);
      if (other != NULL && other != account)
        {
          g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                                   "“%s” already names account %s", changes->name,
                                   ms_account_get_uuid (other));
          return;
        }
    }
  if ((changes->what & MS_ACCOUNT_CHANGE_CAP) && changes->cap_msat > G_MAXINT64)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "a cap of %" G_GUINT64_FORMAT " msat is out of range",
                               changes->cap_msat);
      return;
    }

  ms_account_store_update_account_async (self->store, ms_account_get_id (account), changes, NULL,
                                         account_updated_cb, g_steal_pointer (&task));
}

gboolean
ms_terminus_update_account_finish (MsTerminus    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
account_removed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminus *self = g_task_get_source_object (task);
  MsAccount *account = g_task_get_task_data (task);
  GError *error = NULL;
  guint position;

  if (!ms_account_store_remove_account_finish (MS_ACCOUNT_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_list_store_find (self->accounts, account, &position))
    g_list_store_remove (self->accounts, position);
  g_task_return_boolean (task, TRUE);
}

/* `rm`: refused while the account has beacons (PROTOCOL.md 11.2) or money in flight. */
void
ms_terminus_remove_account_async (MsTerminus          *self,
                                  MsAccount           *account,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_TERMINUS (self));
  g_return_if_fail (MS_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_remove_account_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);

  if (ms_account_get_n_beacons (account, MS_BEACON_KIND_LISTEN) > 0 ||
      ms_account_get_n_beacons (account, MS_BEACON_KIND_CONNECT) > 0)
    {
      g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                               "account %s still has beacons; clear it first",
                               ms_account_get_name (account));
      return;
    }

  ms_account_store_remove_account_async (self->store, ms_account_get_id (account), NULL,
                                         account_removed_cb, g_steal_pointer (&task));
}

gboolean
ms_terminus_remove_account_finish (MsTerminus    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
