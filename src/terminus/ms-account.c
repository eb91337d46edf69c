/* ms-account.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "ms-account-private.h"
#include "ms-terminus.h"

typedef struct
{
  MsAccount       *account;
  MsProviderStack *stack;
  MsBeaconKind     kind;
  char            *beacon;
  gint64           session_id;
  gboolean         in_session;
  gboolean         dropped;       /* no longer served; a pending session start ends at once */
  MsAccountStore  *store;
} Entry;

struct _MsAccount
{
  GObject     parent_instance;

  MsTerminus *terminus;      /* weak: the terminus owns its accounts */
  gint64      id;
  char       *uuid;
  char       *name;
  guint64     balance_msat;
  guint64     reserved_msat;
  guint64     cap_msat;
  gint64      created_at;
  guint       may_pay : 1;
  guint       may_receive : 1;

  GPtrArray  *entries;       /* Entry, one per beacon served */
  GListStore *stacks;        /* the same stacks, for UIs */
  guint       n_connections;
};

static void provider_handler_iface_init (MsProviderHandlerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MsAccount, ms_account, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MS_TYPE_PROVIDER_HANDLER,
                                                      provider_handler_iface_init))

enum {
  PROP_0,
  PROP_ID,
  PROP_UUID,
  PROP_NAME,
  PROP_BALANCE_MSAT,
  PROP_RESERVED_MSAT,
  PROP_CAP_MSAT,
  PROP_MAY_PAY,
  PROP_MAY_RECEIVE,
  PROP_CREATED_AT,
  PROP_N_CONNECTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_object_unref (entry->stack);
  g_object_unref (entry->store);
  g_free (entry->beacon);
}

static Entry *
entry_ref (Entry *entry)
{
  return g_rc_box_acquire (entry);
}

static void
entry_unref (Entry *entry)
{
  g_rc_box_release_full (entry, entry_clear);
}

static void
session_ended_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ms_account_store_end_session_finish (MS_ACCOUNT_STORE (source), result, &error))
    g_warning ("cannot record a session end: %s", error->message);
}

static void
end_session (Entry *entry)
{
  if (entry->session_id != 0)
    ms_account_store_end_session_async (entry->store, entry->session_id, NULL, session_ended_cb,
                                        NULL);
  entry->session_id = 0;
}

/* Stops serving the beacon; its session, if one is open, is recorded as ended. */
static void
entry_drop (gpointer data)
{
  Entry *entry = data;

  entry->dropped = TRUE;
  g_signal_handlers_disconnect_by_data (entry->stack, entry);
  ms_stack_disconnect (MS_STACK (entry->stack));
  if (entry->in_session)
    end_session (entry);
  entry->in_session = FALSE;
  entry_unref (entry);
}

/* PROTOCOL.md 11.4: "payer: true, payee: true, wad: <account balance>". */
static MsProviderInfo *
provider_info (MsAccount *self)
{
  g_autoptr(MsWad) wad = ms_wad_new_bitcoin (self->balance_msat);

  return ms_provider_info_new (self->uuid, self->may_pay, self->may_receive, wad);
}

static void
push_provider_info (MsAccount *self)
{
  g_autoptr(MsProviderInfo) info = provider_info (self);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      ms_provider_stack_set_provider_info (entry->stack, info);
    }
}

static void
session_started_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Entry *entry = user_data;
  g_autoptr(GError) error = NULL;
  gint64 session_id = ms_account_store_start_session_finish (MS_ACCOUNT_STORE (source), result,
                                                             &error);

  if (error != NULL)
    g_warning ("cannot record a session start: %s", error->message);
  else
    {
      entry->session_id = session_id;
      /* The consumer left (or the beacon was dropped) while the start was being written. */
      if (entry->dropped || !entry->in_session)
        end_session (entry);
    }
  entry_unref (entry);
}

static void
set_n_connections (MsAccount *self,
                   guint      n)
{
  if (self->n_connections == n)
    return;

  self->n_connections = n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CONNECTIONS]);
}

/* A session (PROTOCOL.md 11.5) is a consumer connected through one beacon. */
static void
stack_state_cb (MsStack    *stack,
                GParamSpec *pspec,
                Entry      *entry)
{
  MsAccount *self = entry->account;
  MsAccountStore *store = ms_terminus_get_store (self->terminus);
  gboolean ready = ms_stack_get_state (stack) == MS_STACK_STATE_READY;
  guint n = 0;

  if (ready && !entry->in_session)
    {
      entry->in_session = TRUE;
      entry->session_id = 0;
      ms_account_store_start_session_async (store, self->id,
                                            entry->kind == MS_BEACON_KIND_LISTEN ? "listen"
                                                                                 : "connect",
                                            NULL, session_started_cb, entry_ref (entry));
    }
  else if (!ready && entry->in_session)
    {
      entry->in_session = FALSE;
      end_session (entry);
    }

  for (guint i = 0; i < self->entries->len; i++)
    if (((Entry *) g_ptr_array_index (self->entries, i))->in_session)
      n++;
  set_n_connections (self, n);
}

static void
ms_account_dispose (GObject *object)
{
  MsAccount *self = MS_ACCOUNT (object);

  if (self->entries != NULL)
    g_ptr_array_set_size (self->entries, 0);
  g_clear_weak_pointer (&self->terminus);

  G_OBJECT_CLASS (ms_account_parent_class)->dispose (object);
}

static void
ms_account_finalize (GObject *object)
{
  MsAccount *self = MS_ACCOUNT (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_object (&self->stacks);
  g_free (self->uuid);
  g_free (self->name);

  G_OBJECT_CLASS (ms_account_parent_class)->finalize (object);
}

static void
ms_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MsAccount *self = MS_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_BALANCE_MSAT:
      g_value_set_uint64 (value, self->balance_msat);
      break;
    case PROP_RESERVED_MSAT:
      g_value_set_uint64 (value, self->reserved_msat);
      break;
    case PROP_CAP_MSAT:
      g_value_set_uint64 (value, self->cap_msat);
      break;
    case PROP_MAY_PAY:
      g_value_set_boolean (value, self->may_pay);
      break;
    case PROP_MAY_RECEIVE:
      g_value_set_boolean (value, self->may_receive);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_N_CONNECTIONS:
      g_value_set_uint (value, self->n_connections);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_account_class_init (MsAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ms_account_dispose;
  object_class->finalize = ms_account_finalize;
  object_class->get_property = ms_account_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  /* What the account can spend now (payments in flight excluded). */
  properties[PROP_BALANCE_MSAT] =
    g_param_spec_uint64 ("balance-msat", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_RESERVED_MSAT] =
    g_param_spec_uint64 ("reserved-msat", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_CAP_MSAT] = g_param_spec_uint64 ("cap-msat", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_MAY_PAY] = g_param_spec_boolean ("may-pay", NULL, NULL, TRUE, ro);
  properties[PROP_MAY_RECEIVE] = g_param_spec_boolean ("may-receive", NULL, NULL, TRUE, ro);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  /* Consumers connected now, over all of the account's beacons. */
  properties[PROP_N_CONNECTIONS] =
    g_param_spec_uint ("n-connections", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ms_account_init (MsAccount *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_drop);
  self->stacks = g_list_store_new (MS_TYPE_PROVIDER_STACK);
}

/* -- MsProviderHandler: every request goes to the terminus --------------- */

static void
handler_request_invoice_async (MsProviderHandler   *handler,
                               MsProviderStack     *stack,
                               guint64              msats,
                               const char          *request_uuid,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  MsAccount *self = MS_ACCOUNT (handler);

  ms_terminus_request_invoice_async (self->terminus, self, msats, request_uuid,
                                     _ms_account_get_session (self, stack), cancellable, callback,
                                     user_data);
}

static char *
handler_request_invoice_finish (MsProviderHandler  *handler,
                                GAsyncResult       *result,
                                GError            **error)
{
  MsTerminus *terminus = MS_TERMINUS (g_task_get_source_object (G_TASK (result)));

  return ms_terminus_request_invoice_finish (terminus, result, error);
}

static void
handler_request_pay_async (MsProviderHandler   *handler,
                           MsProviderStack     *stack,
                           const char          *bolt11,
                           const char          *request_uuid,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  MsAccount *self = MS_ACCOUNT (handler);

  ms_terminus_request_pay_async (self->terminus, self, bolt11, request_uuid,
                                 _ms_account_get_session (self, stack), cancellable, callback,
                                 user_data);
}

static char *
handler_request_pay_finish (MsProviderHandler  *handler,
                            GAsyncResult       *result,
                            GError            **error)
{
  MsTerminus *terminus = MS_TERMINUS (g_task_get_source_object (G_TASK (result)));

  return ms_terminus_request_pay_finish (terminus, result, error);
}

static void
provider_handler_iface_init (MsProviderHandlerInterface *iface)
{
  iface->request_invoice_async = handler_request_invoice_async;
  iface->request_invoice_finish = handler_request_invoice_finish;
  iface->request_pay_async = handler_request_pay_async;
  iface->request_pay_finish = handler_request_pay_finish;
}

/* -- private API ------------------------------------------------------- */

MsAccount *
_ms_account_new (MsTerminus            *terminus,
                 const MsAccountRecord *record)
{
  MsAccount *self = g_object_new (MS_TYPE_ACCOUNT, NULL);

  g_set_weak_pointer (&self->terminus, terminus);
  self->id = record->id;
  self->uuid = g_strdup (record->uuid);
  self->name = g_strdup (record->name);
  self->balance_msat = record->balance_msat;
  self->reserved_msat = record->reserved_msat;
  self->cap_msat = record->cap_msat;
  self->may_pay = record->may_pay;
  self->may_receive = record->may_receive;
  self->created_at = record->created_at;

  return self;
}

void
_ms_account_update (MsAccount             *self,
                    const MsAccountRecord *record)
{
  gboolean roles_changed = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->name, record->name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (record->name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
    }
  if (self->cap_msat != record->cap_msat)
    {
      self->cap_msat = record->cap_msat;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAP_MSAT]);
    }
  if (!self->may_pay != !record->may_pay)
    {
      self->may_pay = record->may_pay;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAY_PAY]);
      roles_changed = TRUE;
    }
  if (!self->may_receive != !record->may_receive)
    {
      self->may_receive = record->may_receive;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAY_RECEIVE]);
      roles_changed = TRUE;
    }
  /* Apps learn what they may now do (payer, payee) as they learn a new balance. */
  if (!_ms_account_set_balance (self, record->balance_msat, record->reserved_msat) &&
      roles_changed)
    push_provider_info (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* A balance change goes to every connected consumer as NOTIFY_PROVIDER; TRUE when it did. */
gboolean
_ms_account_set_balance (MsAccount *self,
                         guint64    balance_msat,
                         guint64    reserved_msat)
{
  gboolean changed = FALSE;

  if (self->balance_msat != balance_msat)
    {
      self->balance_msat = balance_msat;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BALANCE_MSAT]);
      changed = TRUE;
    }
  if (self->reserved_msat != reserved_msat)
    {
      self->reserved_msat = reserved_msat;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESERVED_MSAT]);
    }

  if (changed)
    push_provider_info (self);
  return changed;
}

void
_ms_account_add_stack (MsAccount       *self,
                       MsProviderStack *stack,
                       MsBeaconKind     kind,
                       const char      *beacon)
{
  g_autoptr(MsProviderInfo) info = provider_info (self);
  Entry *entry = g_rc_box_new0 (Entry);

  entry->account = self;
  entry->store = g_object_ref (ms_terminus_get_store (self->terminus));
  entry->stack = g_object_ref (stack);
  entry->kind = kind;
  entry->beacon = g_strdup (beacon);
  g_ptr_array_add (self->entries, entry);

  ms_provider_stack_set_handler (stack, MS_PROVIDER_HANDLER (self));
  ms_provider_stack_set_provider_info (stack, info);
  g_signal_connect (stack, "notify::state", G_CALLBACK (stack_state_cb), entry);
  g_list_store_append (self->stacks, stack);
}

/* Drops every connection and beacon of the account (`clear`). */
void
_ms_account_clear_stacks (MsAccount *self)
{
  g_list_store_remove_all (self->stacks);
  g_ptr_array_set_size (self->entries, 0);
  set_n_connections (self, 0);
}

/*
 * PROTOCOL.md 16 (terminus): an incoming payment is reported "with a
 * null-referenced NOTIFY_PREIMAGE followed by NOTIFY_PROVIDER"; we send it
 * on every connection of the account, as the Python terminus does.
 */
void
_ms_account_broadcast_preimage (MsAccount  *self,
                                const char *preimage)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      ms_provider_stack_notify_preimage (entry->stack, NULL, preimage);
    }
}

gint64
_ms_account_get_session (MsAccount       *self,
                         MsProviderStack *stack)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->stack == stack)
        return entry->session_id;
    }

  return 0;
}

/* The beacons as JSON, for the secret store: they carry the seeds. */
char *
_ms_account_serialize_beacons (MsAccount *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder,
                                     entry->kind == MS_BEACON_KIND_LISTEN ? "listen" : "connect");
      json_builder_set_member_name (builder, "beacon");
      json_builder_add_string_value (builder, entry->beacon);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* -- public getters ----------------------------------------------------- */

gint64
ms_account_get_id (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), 0);
  return self->id;
}

const char *
ms_account_get_uuid (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), NULL);
  return self->uuid;
}

const char *
ms_account_get_name (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), NULL);
  return self->name;
}

guint64
ms_account_get_balance_msat (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), 0);
  return self->balance_msat;
}

guint64
ms_account_get_reserved_msat (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), 0);
  return self->reserved_msat;
}

guint64
ms_account_get_cap_msat (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), 0);
  return self->cap_msat;
}

gboolean
ms_account_get_may_pay (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), FALSE);
  return self->may_pay;
}

gboolean
ms_account_get_may_receive (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), FALSE);
  return self->may_receive;
}

gint64
ms_account_get_created_at (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), 0);
  return self->created_at;
}

guint
ms_account_get_n_connections (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), 0);
  return self->n_connections;
}

guint
ms_account_get_n_beacons (MsAccount    *self,
                          MsBeaconKind  kind)
{
  guint n = 0;

  g_return_val_if_fail (MS_IS_ACCOUNT (self), 0);

  for (guint i = 0; i < self->entries->len; i++)
    if (((Entry *) g_ptr_array_index (self->entries, i))->kind == kind)
      n++;
  return n;
}

/* The beacons of one kind, as strings (they carry seeds: do not log them). */
GStrv
ms_account_dup_beacons (MsAccount    *self,
                        MsBeaconKind  kind)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MS_IS_ACCOUNT (self), NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->kind == kind)
        g_strv_builder_add (builder, entry->beacon);
    }
  return g_strv_builder_end (builder);
}

/* The provider stacks serving the account (a GListModel of MsProviderStack). */
GListModel *
ms_account_get_stacks (MsAccount *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT (self), NULL);
  return G_LIST_MODEL (self->stacks);
}
