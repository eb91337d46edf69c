/* ms-control-server.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ms-control-server.h"
#include "ms-json-stream.h"

#define MAX_LINE (1024 * 1024)


struct _MsControlServer
{
  GObject           parent_instance;

  MsTerminus       *terminus;
  GSocketService   *service;
  char             *path;
};

G_DEFINE_FINAL_TYPE (MsControlServer, ms_control_server, G_TYPE_OBJECT)

typedef struct
{
  MsControlServer   *server;
  GSocketConnection *connection;
  GDataInputStream  *in;
  GCancellable      *cancellable;
} Client;

/* One request being answered. */
typedef struct
{
  Client     *client;
  JsonNode   *id;
  JsonObject *params;
  MsAccount  *account;
} Call;

static void read_next (Client *client);

static void
client_free (Client *client)
{
  g_cancellable_cancel (client->cancellable);
  g_object_unref (client->cancellable);
  g_object_unref (client->in);
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  g_object_unref (client->connection);
  g_object_unref (client->server);
  g_free (client);
}

static void
call_free (Call *call)
{
  g_clear_pointer (&call->id, json_node_unref);
  g_clear_pointer (&call->params, json_object_unref);
  g_clear_object (&call->account);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static void
write_line (Client   *client,
            JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  line = g_strconcat (text, "\n", NULL);

  /* Answers are small and the peer is local: a blocking write is bounded. */
  g_output_stream_write_all (out, line, strlen (line), NULL, NULL, NULL);
}

static void
respond (Call     *call,
         JsonNode *result)
{
  g_autoptr(JsonNode) root = ms_jsonrpc_result_new (call->id, result);

  write_line (call->client, root);
}

static void
respond_error (Client     *client,
               JsonNode   *id,
               int         code,
               const char *message)
{
  g_autoptr(JsonNode) root = ms_jsonrpc_error_new (id, code, message);

  write_line (client, root);
}

static void
call_fail (Call         *call,
           const GError *error)
{
  respond_error (call->client, call->id, MS_JSONRPC_APP_ERROR, error->message);
}

/* -- account descriptions -------------------------------------------------- */

static void
add_beacons (JsonBuilder  *builder,
             const char   *member,
             MsAccount    *account,
             MsBeaconKind  kind)
{
  g_auto(GStrv) beacons = ms_account_dup_beacons (account, kind);

  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; beacons[i] != NULL; i++)
    json_builder_add_string_value (builder, beacons[i]);
  json_builder_end_array (builder);
}

static JsonNode *
account_to_json (MsAccount *account)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, ms_account_get_name (account));
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, ms_account_get_uuid (account));
  json_builder_set_member_name (builder, "balance_msat");
  json_builder_add_int_value (builder, (gint64) ms_account_get_balance_msat (account));
  json_builder_set_member_name (builder, "reserved_msat");
  json_builder_add_int_value (builder, (gint64) ms_account_get_reserved_msat (account));
  json_builder_set_member_name (builder, "cap_msat");
  json_builder_add_int_value (builder, (gint64) ms_account_get_cap_msat (account));
  json_builder_set_member_name (builder, "may_pay");
  json_builder_add_boolean_value (builder, ms_account_get_may_pay (account));
  json_builder_set_member_name (builder, "may_receive");
  json_builder_add_boolean_value (builder, ms_account_get_may_receive (account));
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, ms_account_get_created_at (account));
  json_builder_set_member_name (builder, "connections");
  json_builder_add_int_value (builder, ms_account_get_n_connections (account));
  add_beacons (builder, "listen_beacons", account, MS_BEACON_KIND_LISTEN);
  add_beacons (builder, "connect_beacons", account, MS_BEACON_KIND_CONNECT);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
accounts_to_json (MsTerminus *terminus)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  GListModel *model = ms_terminus_get_accounts (terminus);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MsAccount) account = g_list_model_get_item (model, i);

      json_array_add_element (array, account_to_json (account));
    }
  json_node_take_array (node, array);
  return node;
}

static JsonNode *
object_node (const char *first_member,
             ...)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  va_list args;

  va_start (args, first_member);
  for (const char *m = first_member; m != NULL; m = va_arg (args, const char *))
    json_object_set_member (object, m, va_arg (args, JsonNode *));
  va_end (args);

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

static JsonNode *
int_node (gint64 value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return node;
}

/* -- methods ------------------------------------------------------------ */

static void
getinfo_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsTerminusInfo) info = ms_terminus_get_info_finish (MS_TERMINUS (source), result,
                                                                &error);
  JsonNode *node;

  if (info == NULL)
    {
      call_fail (call, error);
      return;
    }

  if (info->node != NULL)
    node = object_node ("alias", string_node (info->node->alias != NULL ? info->node->alias : ""),
                        "node_id", string_node (info->node->node_id != NULL ? info->node->node_id : ""),
                        "network", string_node (info->node->network != NULL ? info->node->network : ""),
                        "spendable_msat", int_node ((gint64) info->node->spendable_msat),
                        "receivable_msat", int_node ((gint64) info->node->receivable_msat),
                        "block_height", int_node (info->node->block_height),
                        "version", string_node (info->node->version != NULL ? info->node->version : ""),
                        "demo", json_node_init_boolean (json_node_alloc (), info->node->is_demo),
                        NULL);
  else
    node = json_node_new (JSON_NODE_NULL);

  respond (call, object_node ("node", node,
                              "accounts", accounts_to_json (call->client->server->terminus),
                              "allocated_msat", int_node ((gint64) info->allocated_msat),
                              "reserved_msat", int_node ((gint64) info->reserved_msat),
                              "over_allocated_msat", int_node ((gint64) info->over_allocated_msat),
                              NULL));
}

static gboolean
method_getinfo (Call  *call,
                char **message)
{
  ms_terminus_get_info_async (call->client->server->terminus, call->client->cancellable,
                              getinfo_cb, call);
  return TRUE;
}

static gboolean
method_getaccountinfo (Call  *call,
                       char **message)
{
  MsTerminus *terminus = call->client->server->terminus;
  JsonArray *names = ms_json_object_member_array (call->params, "accounts");
  JsonArray *array;
  JsonNode *node;

  if (names == NULL || json_array_get_length (names) == 0)
    {
      respond (call, object_node ("accounts", accounts_to_json (terminus), NULL));
      call_free (call);
      return TRUE;
    }

  array = json_array_new ();
  for (guint i = 0; i < json_array_get_length (names); i++)
    {
      JsonNode *element = json_array_get_element (names, i);
      const char *name = JSON_NODE_HOLDS_VALUE (element) &&
                         json_node_get_value_type (element) == G_TYPE_STRING
                         ? json_node_get_string (element) : NULL;
      MsAccount *account = name != NULL ? ms_terminus_lookup_account (terminus, name) : NULL;

      if (account == NULL)
        {
          json_array_unref (array);
          *message = g_strdup_printf ("unknown account: %s", name != NULL ? name : "(not a string)");
          return FALSE;
        }
      json_array_add_element (array, account_to_json (account));
    }

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  respond (call, object_node ("accounts", node, NULL));
  call_free (call);
  return TRUE;
}

static void
receipts_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) receipts = ms_account_store_list_receipts_finish (MS_ACCOUNT_STORE (source),
                                                                         result, &error);
  JsonArray *array;
  JsonNode *node;

  if (receipts == NULL)
    {
      call_fail (call, error);
      return;
    }

  if (ms_json_object_member_boolean (call->params, "csv", FALSE))
    {
      g_autofree char *csv = ms_receipts_to_csv (receipts);

      respond (call, object_node ("account", string_node (ms_account_get_name (call->account)),
                                  "csv", string_node (csv), NULL));
      return;
    }

  array = json_array_new ();
  for (guint i = 0; i < receipts->len; i++)
    {
      MsReceipt *r = g_ptr_array_index (receipts, i);
      JsonObject *o = json_object_new ();

      json_object_set_int_member (o, "time", r->time_us / G_USEC_PER_SEC);
      json_object_set_int_member (o, "session", r->session_id);
      json_object_set_string_member (o, "type", r->type);
      if (r->request_uuid != NULL)
        json_object_set_string_member (o, "request_uuid", r->request_uuid);
      json_object_set_int_member (o, "amount_msat", r->amount_msat);
      json_object_set_int_member (o, "fee_msat", (gint64) r->fee_msat);
      json_object_set_int_member (o, "balance_msat", (gint64) r->balance_msat);
      if (r->payment_hash != NULL)
        json_object_set_string_member (o, "payment_hash", r->payment_hash);
      if (r->preimage != NULL)
        json_object_set_string_member (o, "preimage", r->preimage);
      if (r->bolt11 != NULL)
        json_object_set_string_member (o, "bolt11", r->bolt11);
      if (r->detail != NULL)
        json_object_set_string_member (o, "detail", r->detail);
      json_array_add_object_element (array, o);
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  respond (call, object_node ("account", string_node (ms_account_get_name (call->account)),
                              "receipts", node, NULL));
}

static gboolean
method_getaccountreceipts (Call  *call,
                           char **message)
{
  MsTerminus *terminus = call->client->server->terminus;

  ms_account_store_list_receipts_async (ms_terminus_get_store (terminus),
                                        ms_account_get_id (call->account), 0,
                                        call->client->cancellable, receipts_cb, call);
  return TRUE;
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsAccount) account = ms_terminus_create_account_finish (MS_TERMINUS (source), result,
                                                                    &error);

  if (account == NULL)
    call_fail (call, error);
  else
    respond (call, account_to_json (account));
}

/* PROTOCOL.md 11.2: the name is BASE-N with N the first unused integer from 0. */
static char *
free_name (MsTerminus *terminus,
           const char *base)
{
  for (guint n = 0;; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u", base, n);

      if (ms_terminus_lookup_account (terminus, name) == NULL)
        return g_steal_pointer (&name);
    }
}

static gboolean
method_create (Call  *call,
               char **message)
{
  MsTerminus *terminus = call->client->server->terminus;
  gint64 msat = ms_json_object_member_int (call->params, "msat", -1);
  gint64 cap = ms_json_object_member_int (call->params, "cap_msat", 0);
  const char *name = ms_json_object_member_string (call->params, "name");
  g_autofree char *chosen = NULL;

  if (msat < 0 || cap < 0)
    {
      *message = g_strdup ("create needs a non-negative integer msat (and cap_msat)");
      return FALSE;
    }

  chosen = name != NULL ? g_strdup (name) : free_name (terminus, "account");
  ms_terminus_create_account_async (terminus, chosen, (guint64) msat, (guint64) cap,
                                    call->client->cancellable, created_cb, call);
  return TRUE;
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_terminus_remove_account_finish (MS_TERMINUS (source), result, &error))
    call_fail (call, error);
  else
    respond (call, object_node ("removed", string_node (ms_account_get_name (call->account)),
                                NULL));
}

static void
listened_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsBeacon) beacon = ms_terminus_listen_finish (MS_TERMINUS (source), result, &error);
  g_autofree char *str = NULL;

  if (beacon == NULL)
    {
      call_fail (call, error);
      return;
    }

  str = ms_beacon_encode (beacon);
  respond (call, object_node ("account", string_node (ms_account_get_name (call->account)),
                              "beacon", string_node (str), NULL));
}

static gboolean
method_listen (Call  *call,
               char **message)
{
  MsTerminus *terminus = call->client->server->terminus;
  const char *seed_hex = ms_json_object_member_string (call->params, "seed");
  g_autoptr(MsSharedSeed) seed = NULL;
  g_autoptr(GError) error = NULL;

  /* The reference's `listen -s` crashes (PROTOCOL.md 11.2); ours takes 32 hex digits. */
  if (seed_hex != NULL &&
      (seed = ms_shared_seed_new_from_hex (seed_hex, strlen (seed_hex), &error)) == NULL)
    {
      *message = g_strdup (error->message);
      return FALSE;
    }

  ms_terminus_listen_async (terminus, call->account, seed, call->client->cancellable,
                            listened_cb, call);
  return TRUE;
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_terminus_connect_finish (MS_TERMINUS (source), result, &error))
    call_fail (call, error);
  else
    respond (call, object_node ("account", string_node (ms_account_get_name (call->account)),
                                NULL));
}

static gboolean
method_connect (Call  *call,
                char **message)
{
  const char *str = ms_json_object_member_string (call->params, "beacon");
  g_autoptr(MsBeacon) beacon = NULL;
  g_autoptr(GError) error = NULL;

  if (str == NULL || (beacon = ms_beacon_decode (str, strlen (str), &error)) == NULL)
    {
      *message = g_strdup (error != NULL ? error->message : "connect needs a beacon");
      return FALSE;
    }

  ms_terminus_connect_async (call->client->server->terminus, call->account, beacon,
                             call->client->cancellable, connected_cb, call);
  return TRUE;
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_terminus_clear_finish (MS_TERMINUS (source), result, &error))
    call_fail (call, error);
  else
    respond (call, object_node ("account", string_node (ms_account_get_name (call->account)),
                                NULL));
}

static void
invoiced_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = ms_terminus_request_invoice_finish (MS_TERMINUS (source), result,
                                                                &error);

  if (bolt11 == NULL)
    call_fail (call, error);
  else
    respond (call, object_node ("bolt11", string_node (bolt11), NULL));
}

static gboolean
method_invoice (Call  *call,
                char **message)
{
  gint64 msat = ms_json_object_member_int (call->params, "msat", 0);
  g_autofree char *uuid = ms_uuid_new ();

  if (msat <= 0)
    {
      *message = g_strdup ("invoice needs a positive integer msat");
      return FALSE;
    }

  ms_terminus_request_invoice_async (call->client->server->terminus, call->account, (guint64) msat,
                                     uuid, 0, call->client->cancellable, invoiced_cb, call);
  return TRUE;
}

static void
paid_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *preimage = ms_terminus_request_pay_finish (MS_TERMINUS (source), result,
                                                              &error);

  if (preimage == NULL)
    call_fail (call, error);
  else
    respond (call, object_node ("preimage", string_node (preimage), NULL));
}

static gboolean
method_pay (Call  *call,
            char **message)
{
  const char *bolt11 = ms_json_object_member_string (call->params, "bolt11");
  const char *uuid = ms_json_object_member_string (call->params, "request_uuid");
  g_autofree char *fresh = uuid == NULL ? ms_uuid_new () : NULL;

  if (bolt11 == NULL)
    {
      *message = g_strdup ("pay needs a bolt11 invoice");
      return FALSE;
    }

  /* A caller that repeats a request uuid is never charged twice. */
  ms_terminus_request_pay_async (call->client->server->terminus, call->account, bolt11,
                                 uuid != NULL ? uuid : fresh, 0, NULL, paid_cb, call);
  return TRUE;
}

static gboolean
method_rm (Call  *call,
           char **message)
{
  ms_terminus_remove_account_async (call->client->server->terminus, call->account,
                                    call->client->cancellable, removed_cb, call);
  return TRUE;
}

static void
updated_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_terminus_update_account_finish (MS_TERMINUS (source), result, &error))
    call_fail (call, error);
  else
    respond (call, account_to_json (call->account));
}

/* Reads an optional boolean member; FALSE when it is there but not a boolean. */
static gboolean
optional_boolean (JsonObject *params,
                  const char *name,
                  gboolean   *present,
                  gboolean   *value)
{
  JsonNode *node = json_object_get_member (params, name);

  *present = node != NULL && !JSON_NODE_HOLDS_NULL (node);
  if (!*present)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

/* `set`: any of name, cap_msat (0: none), may_pay, may_receive. */
static gboolean
method_set (Call  *call,
            char **message)
{
  MsAccountChanges changes = { 0, };
  JsonNode *name = json_object_get_member (call->params, "name");
  JsonNode *cap = json_object_get_member (call->params, "cap_msat");
  gboolean present;

  if (name != NULL && !JSON_NODE_HOLDS_NULL (name))
    {
      if (json_node_get_value_type (name) != G_TYPE_STRING ||
          *json_node_get_string (name) == '\0')
        {
          *message = g_strdup ("set: name must be a non-empty string");
          return FALSE;
        }
      changes.what |= MS_ACCOUNT_CHANGE_NAME;
      changes.name = json_node_get_string (name);
    }
  if (cap != NULL && !JSON_NODE_HOLDS_NULL (cap))
    {
      if (json_node_get_value_type (cap) != G_TYPE_INT64 || json_node_get_int (cap) < 0)
        {
          *message = g_strdup ("set: cap_msat must be a non-negative integer (0: no cap)");
          return FALSE;
        }
      changes.what |= MS_ACCOUNT_CHANGE_CAP;
      changes.cap_msat = (guint64) json_node_get_int (cap);
    }
  if (!optional_boolean (call->params, "may_pay", &present, &changes.may_pay))
    {
      *message = g_strdup ("set: may_pay must be true or false");
      return FALSE;
    }
  if (present)
    changes.what |= MS_ACCOUNT_CHANGE_MAY_PAY;
  if (!optional_boolean (call->params, "may_receive", &present, &changes.may_receive))
    {
      *message = g_strdup ("set: may_receive must be true or false");
      return FALSE;
    }
  if (present)
    changes.what |= MS_ACCOUNT_CHANGE_MAY_RECEIVE;

  if (changes.what == 0)
    {
      *message = g_strdup ("set needs one of name, cap_msat, may_pay, may_receive");
      return FALSE;
    }

  ms_terminus_update_account_async (call->client->server->terminus, call->account, &changes,
                                    call->client->cancellable, updated_cb, call);
  return TRUE;
}

static gboolean
method_clear (Call  *call,
              char **message)
{
  ms_terminus_clear_async (call->client->server->terminus, call->account,
                           call->client->cancellable, cleared_cb, call);
  return TRUE;
}

typedef gboolean (*MethodFunc) (Call  *call,
                                char **message);

/* Each method takes the call when it returns TRUE, and answers it later. */
static const struct
{
  const char *name;
  MethodFunc  func;
  gboolean    needs_account;
} methods[] = {
  { "getinfo", method_getinfo, FALSE },
  { "getaccountinfo", method_getaccountinfo, FALSE },
  { "getaccountreceipts", method_getaccountreceipts, TRUE },
  { "create", method_create, FALSE },
  { "rm", method_rm, TRUE },
  { "set", method_set, TRUE },
  { "listen", method_listen, TRUE },
  { "connect", method_connect, TRUE },
  { "clear", method_clear, TRUE },
  { "invoice", method_invoice, TRUE },
  { "pay", method_pay, TRUE },
};

static void
dispatch (Client     *client,
          JsonNode   *id,
          const char *method,
          JsonObject *params)
{
  g_autoptr(Call) call = g_new0 (Call, 1);
  MsTerminus *terminus = client->server->terminus;
  g_autofree char *message = NULL;

  call->client = client;
  call->id = id != NULL ? json_node_copy (id) : NULL;
  call->params = params != NULL ? json_object_ref (params) : json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      if (!g_str_equal (methods[i].name, method))
        continue;

      if (methods[i].needs_account)
        {
          const char *name = ms_json_object_member_string (call->params, "account");
          MsAccount *account = name != NULL ? ms_terminus_lookup_account (terminus, name) : NULL;

          if (account == NULL)
            {
              g_autofree char *text = g_strdup_printf ("unknown account: %s",
                                                       name != NULL ? name : "(none given)");

              respond_error (client, id, MS_JSONRPC_INVALID_PARAMS, text);
              return;
            }
          call->account = g_object_ref (account);
        }

      if (methods[i].func (call, &message))
        g_steal_pointer (&call);
      else
        respond_error (client, id, MS_JSONRPC_INVALID_PARAMS, message);
      return;
    }

  message = g_strdup_printf ("unknown method: %s", method);
  respond_error (client, id, MS_JSONRPC_METHOD_NOT_FOUND, message);
}

static void
handle_line (Client     *client,
             const char *line,
             gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *request;
  JsonNode *id;
  JsonNode *params;
  const char *method;

  if (!json_parser_load_from_data (parser, line, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      respond_error (client, NULL, MS_JSONRPC_PARSE_ERROR, "not a JSON object");
      return;
    }

  request = json_node_get_object (json_parser_get_root (parser));
  id = json_object_get_member (request, "id");
  params = json_object_get_member (request, "params");
  method = ms_json_object_member_string (request, "method");

  if (g_strcmp0 (ms_json_object_member_string (request, "jsonrpc"), "2.0") != 0 ||
      method == NULL || (params != NULL && !JSON_NODE_HOLDS_OBJECT (params) &&
                         !JSON_NODE_HOLDS_NULL (params)))
    {
      respond_error (client, id, MS_JSONRPC_INVALID_REQUEST,
                     "a JSON-RPC 2.0 request needs \"jsonrpc\": \"2.0\", a method and object params");
      return;
    }

  dispatch (client, id, method,
            params != NULL && JSON_NODE_HOLDS_OBJECT (params) ? json_node_get_object (params)
                                                            : NULL);
}

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Client *client = user_data;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source),
                                                                result, &len, &error);

  if (line == NULL)
    {
      /* EOF or error: the client is gone. */
      client_free (client);
      return;
    }

  if (len > MAX_LINE)
    {
      respond_error (client, NULL, MS_JSONRPC_INVALID_REQUEST, "request too long");
      client_free (client);
      return;
    }

  if (len > 0)
    handle_line (client, line, len);
  read_next (client);
}

static void
read_next (Client *client)
{
  g_data_input_stream_read_line_async (client->in, G_PRIORITY_DEFAULT, client->cancellable,
                                       line_read_cb, client);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             MsControlServer   *self)
{
  Client *client = g_new0 (Client, 1);

  client->server = g_object_ref (self);
  client->connection = g_object_ref (connection);
  client->cancellable = g_cancellable_new ();
  client->in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (client->in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  read_next (client);
  return TRUE;
}

static void
ms_control_server_dispose (GObject *object)
{
  MsControlServer *self = MS_CONTROL_SERVER (object);

  ms_control_server_stop (self);
  g_clear_object (&self->terminus);

  G_OBJECT_CLASS (ms_control_server_parent_class)->dispose (object);
}

static void
ms_control_server_finalize (GObject *object)
{
  MsControlServer *self = MS_CONTROL_SERVER (object);

  g_free (self->path);

  G_OBJECT_CLASS (ms_control_server_parent_class)->finalize (object);
}

static void
ms_control_server_class_init (MsControlServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_control_server_dispose;
  object_class->finalize = ms_control_server_finalize;
}

static void
ms_control_server_init (MsControlServer *self)
{
}

MsControlServer *
ms_control_server_new (MsTerminus *terminus)
{
  MsControlServer *self;

  g_return_val_if_fail (MS_IS_TERMINUS (terminus), NULL);

  self = g_object_new (MS_TYPE_CONTROL_SERVER, NULL);
  self->terminus = g_object_ref (terminus);
  return self;
}

/* $XDG_RUNTIME_DIR/moneysocket-terminus.sock (a private, per-user directory). */
char *
ms_control_default_socket_path (void)
{
  return g_build_filename (g_get_user_runtime_dir (), "moneysocket-terminus.sock", NULL);
}

static gboolean
socket_in_use (const char *path)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, NULL);
  return connection != NULL;
}

/* Creates the socket with mode 0600: whoever can open it controls the money. */
gboolean
ms_control_server_listen (MsControlServer  *self,
                          const char       *path,
                          GError          **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  mode_t old_umask;
  gboolean ok;

  g_return_val_if_fail (MS_IS_CONTROL_SERVER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (socket_in_use (path))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                       "another terminus is running on %s", path);
          return FALSE;
        }
      /* Left behind by a terminus that did not stop cleanly. */
      g_unlink (path);
    }

  self->service = g_socket_service_new ();
  address = g_unix_socket_address_new (path);
  old_umask = umask (0177);
  ok = g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL,
                                      error);
  umask (old_umask);
  if (!ok || g_chmod (path, 0600) != 0)
    {
      g_prefix_error (error, "control socket %s: ", path);
      g_clear_object (&self->service);
      return FALSE;
    }

  self->path = g_strdup (path);
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);
  return TRUE;
}

void
ms_control_server_stop (MsControlServer *self)
{
  g_return_if_fail (MS_IS_CONTROL_SERVER (self));

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  if (self->path != NULL)
    {
      g_unlink (self->path);
      g_clear_pointer (&self->path, g_free);
    }
}
