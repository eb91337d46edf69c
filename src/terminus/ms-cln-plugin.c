/* ms-cln-plugin.c: moneysocket-terminus as a Core Lightning plugin
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ms-cln-backend.h"
#include "ms-cln-plugin.h"
#include "ms-json-stream.h"
#include "ms-terminus-service.h"

/*
 * lightningd starts the plugin with LIGHTNINGD_PLUGIN=1 and talks JSON-RPC
 * 2.0 over its stdin and stdout: getmanifest, then init with the options
 * and where its RPC socket is, then notifications. Standard output belongs
 * to that conversation alone, so logs go out as "log" notifications.
 */

#define MAX_MESSAGE (4 * 1024 * 1024)
#define OPT_PREFIX  "moneysocket-"

typedef struct
{
  GMainLoop         *loop;
  GInputStream      *in;
  GOutputStream     *out;
  MsJsonStream      *stream;
  MsTerminusService *service;
  MsClnBackend      *backend;
  JsonNode          *init_id;
  guint8             chunk[16384];
  int                status;
} Plugin;

static const struct
{
  const char *name;
  const char *fallback;
  const char *description;
} plugin_options[] = {
  { OPT_PREFIX "data-dir", "",
    N_("Where the terminus keeps its accounts (default: LIGHTNING-DIR/moneysocket)") },
  { OPT_PREFIX "listen", MS_TERMINUS_DEFAULT_LISTEN,
    N_("HOST:PORT of the embedded relay that listen beacons point at (empty: none)") },
  { OPT_PREFIX "advertise", "",
    N_("Relay URL written into listen beacons, when apps reach it by another address") },
  { OPT_PREFIX "relay", "",
    N_("External relay URL for listen beacons instead of the embedded one") },
  { OPT_PREFIX "rpc-socket", "",
    N_("Control socket for moneysocket-cli (default: LIGHTNING-DIR/moneysocket-terminus.sock)") },
  { OPT_PREFIX "config", "",
    N_("Key file with a [terminus] group for the other settings") },
};

/* -- output --------------------------------------------------------------- */

static void
send_node (Plugin   *plugin,
           JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &len);

  /* lightningd reads a blank line as the end of a message. */
  if (!g_output_stream_write_all (plugin->out, text, len, NULL, NULL, &error) ||
      !g_output_stream_write_all (plugin->out, "\n\n", 2, NULL, NULL, &error) ||
      !g_output_stream_flush (plugin->out, NULL, &error))
    {
      /* lightningd is gone; there is no one left to serve. */
      plugin->status = EXIT_FAILURE;
      g_main_loop_quit (plugin->loop);
    }
}

static void
respond (Plugin   *plugin,
         JsonNode *id,
         JsonNode *result)
{
  g_autoptr(JsonNode) root = ms_jsonrpc_result_new (id, result);

  send_node (plugin, root);
}

static void
respond_error (Plugin     *plugin,
               JsonNode   *id,
               int         code,
               const char *message)
{
  g_autoptr(JsonNode) root = ms_jsonrpc_error_new (id, code, message);

  send_node (plugin, root);
}

static const char *
cln_log_level (GLogLevelFlags level)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return "broken";
  if (level & G_LOG_LEVEL_WARNING)
    return "unusual";
  if (level & G_LOG_LEVEL_DEBUG)
    return "debug";
  return "info";
}

/* Logs become lightningd "log" notifications; nothing else may reach stdout. */
static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  Plugin *plugin = user_data;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *message = NULL;

  if ((level & G_LOG_LEVEL_DEBUG) && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    return G_LOG_WRITER_HANDLED;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      message = fields[i].value;
  if (message == NULL || plugin->out == NULL)
    return g_log_writer_standard_streams (level, fields, n_fields, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jsonrpc");
  json_builder_add_string_value (builder, "2.0");
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, "log");
  json_builder_set_member_name (builder, "params");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "level");
  json_builder_add_string_value (builder, cln_log_level (level));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  send_node (plugin, root);

  return G_LOG_WRITER_HANDLED;
}

/* -- getmanifest ------------------------------------------------------------ */

static void
handle_getmanifest (Plugin   *plugin,
                    JsonNode *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "options");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (plugin_options); i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, plugin_options[i].name);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "string");
      json_builder_set_member_name (builder, "default");
      json_builder_add_string_value (builder, plugin_options[i].fallback);
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, _(plugin_options[i].description));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "rpcmethods");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "subscriptions");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "invoice_payment");
  json_builder_add_string_value (builder, "shutdown");
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "hooks");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);

  /* Accounts and open payments cannot be handed over while running. */
  json_builder_set_member_name (builder, "dynamic");
  json_builder_add_boolean_value (builder, FALSE);

  json_builder_end_object (builder);
  respond (plugin, id, json_builder_get_root (builder));
}

/* -- init --------------------------------------------------------------------- */

/* An option value from init: a string, or absent/empty for the default. */
static const char *
option_value (JsonObject *options,
              const char *name)
{
  JsonNode *node = options != NULL ? json_object_get_member (options, name) : NULL;
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);
  return *value != '\0' ? value : NULL;
}

static void
set_field (char       **field,
           const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
init_failed (Plugin     *plugin,
             const char *why)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  /* "disable" makes lightningd stop the plugin and carry on without it. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "disable");
  json_builder_add_string_value (builder, why);
  json_builder_end_object (builder);
  respond (plugin, plugin->init_id, json_builder_get_root (builder));
  g_clear_pointer (&plugin->init_id, json_node_unref);
  plugin->status = EXIT_FAILURE;
}

static void
service_started_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Plugin *plugin = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) empty = NULL;

  if (!ms_terminus_service_start_finish (MS_TERMINUS_SERVICE (source), result, &error))
    {
      init_failed (plugin, error->message);
      return;
    }

  empty = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (empty, json_object_new ());
  respond (plugin, plugin->init_id, json_node_copy (empty));
  g_clear_pointer (&plugin->init_id, json_node_unref);
  g_message ("moneysocket terminus ready (embedded relay port %u)",
             ms_terminus_service_get_listen_port (plugin->service));
}

static void
handle_init (Plugin     *plugin,
             JsonNode   *id,
             JsonObject *params)
{
  JsonObject *options = ms_json_object_member_object (params, "options");
  JsonObject *configuration = ms_json_object_member_object (params, "configuration");
  const char *lightning_dir = NULL;
  const char *rpc_file = NULL;
  const char *value;
  g_autoptr(MsTerminusConfig) config = ms_terminus_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *rpc_path = NULL;

  plugin->init_id = json_node_copy (id);

  if (configuration != NULL)
    {
      lightning_dir = ms_json_object_member_string (configuration, "lightning-dir");
      rpc_file = ms_json_object_member_string (configuration, "rpc-file");
    }
  if (lightning_dir == NULL || rpc_file == NULL)
    {
      init_failed (plugin, "init did not say where lightning-dir and rpc-file are");
      return;
    }

  if ((value = option_value (options, OPT_PREFIX "config")) != NULL &&
      !ms_terminus_config_load_file (config, value, &error))
    {
      init_failed (plugin, error->message);
      return;
    }

  /* Defaults live next to the node's own files. */
  g_free (config->data_dir);
  config->data_dir = g_build_filename (lightning_dir, "moneysocket", NULL);
  g_free (config->rpc_socket);
  config->rpc_socket = g_build_filename (lightning_dir, "moneysocket-terminus.sock", NULL);

  if ((value = option_value (options, OPT_PREFIX "data-dir")) != NULL)
    set_field (&config->data_dir, value);
  if ((value = option_value (options, OPT_PREFIX "rpc-socket")) != NULL)
    set_field (&config->rpc_socket, value);
  set_field (&config->listen, option_value (options, OPT_PREFIX "listen"));
  if ((value = option_value (options, OPT_PREFIX "advertise")) != NULL)
    set_field (&config->advertise, value);
  if ((value = option_value (options, OPT_PREFIX "relay")) != NULL)
    set_field (&config->relay, value);

  /* The node is the one that started us, through the socket it names. */
  config->backend = MS_BACKEND_KIND_CLN_RPC;
  rpc_path = g_path_is_absolute (rpc_file) ? g_strdup (rpc_file)
                                           : g_build_filename (lightning_dir, rpc_file, NULL);
  set_field (&config->cln_rpc, rpc_path);

  plugin->backend = ms_cln_backend_new_rpc (rpc_path);
  ms_cln_backend_set_reconnect_delays (plugin->backend, config->retry_first_ms,
                                       config->retry_max_ms);
  plugin->service = ms_terminus_service_new (config);
  ms_terminus_service_set_backend (plugin->service, MS_LIGHTNING (plugin->backend));
  ms_terminus_service_start_async (plugin->service, NULL, service_started_cb, plugin);
}

/* -- notifications -------------------------------------------------------- */

/* "msat" is a number in current releases, "1000msat" in older ones. */
static gboolean
read_msat (JsonNode *node,
           guint64  *msat)
{
  const char *text;
  const char *end = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);

      *msat = (guint64) v;
      return v >= 0;
    }
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  text = json_node_get_string (node);
  *msat = g_ascii_strtoull (text, (char **) &end, 10);
  return end != text && g_ascii_isdigit (text[0]) && (*end == '\0' || g_str_equal (end, "msat"));
}

static void
handle_invoice_payment (Plugin     *plugin,
                        JsonObject *params)
{
  JsonObject *payment = ms_json_object_member_object (params, "invoice_payment");
  const char *label = NULL;
  const char *preimage_hex = NULL;
  guint8 preimage[MS_LN_HASH_LEN];
  MsLnSettlement settlement;
  guint64 msat = 0;

  if (payment != NULL)
    {
      label = ms_json_object_member_string (payment, "label");
      preimage_hex = ms_json_object_member_string (payment, "preimage");
    }

  if (plugin->backend == NULL || label == NULL || preimage_hex == NULL ||
      !ms_hex_decode_into (preimage_hex, strlen (preimage_hex), preimage, sizeof preimage, NULL) ||
      !read_msat (json_object_get_member (payment, "msat"), &msat))
    {
      g_warning ("ignoring a malformed invoice_payment notification");
      return;
    }

  /*
   * Into the backend's settlement stream, with no settle index: the
   * terminus credits an invoice it has not credited yet and leaves its
   * waitanyinvoice cursor alone, so nothing before this one is skipped.
   */
  memset (&settlement, 0, sizeof settlement);
  memcpy (settlement.preimage, preimage, sizeof preimage);
  ms_sha256 (preimage, sizeof preimage, settlement.payment_hash);
  settlement.amount_received_msat = msat;
  settlement.label = (char *) label;
  g_signal_emit_by_name (plugin->backend, "invoice-settled", &settlement);
  ms_wipe (preimage, sizeof preimage);
  ms_wipe (settlement.preimage, sizeof settlement.preimage);
}

static void
handle_message (Plugin     *plugin,
                const char *text,
                gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *message;
  JsonNode *id;
  JsonNode *params_node;
  JsonObject *params = NULL;
  const char *method;

  if (!json_parser_load_from_data (parser, text, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("lightningd sent something that is not a JSON object");
      return;
    }

  message = json_node_get_object (json_parser_get_root (parser));
  id = json_object_get_member (message, "id");
  method = ms_json_object_member_string (message, "method");
  params_node = json_object_get_member (message, "params");
  if (params_node != NULL && JSON_NODE_HOLDS_OBJECT (params_node))
    params = json_node_get_object (params_node);

  if (method == NULL)
    {
      g_warning ("lightningd sent a message with no method");
      return;
    }

  if (g_str_equal (method, "getmanifest") && id != NULL)
    handle_getmanifest (plugin, id);
  else if (g_str_equal (method, "init") && id != NULL && params != NULL &&
           plugin->service == NULL && plugin->init_id == NULL)
    handle_init (plugin, id, params);
  else if (g_str_equal (method, "invoice_payment") && params != NULL)
    handle_invoice_payment (plugin, params);
  else if (g_str_equal (method, "shutdown"))
    g_main_loop_quit (plugin->loop);
  else if (id != NULL)
    respond_error (plugin, id, MS_JSONRPC_METHOD_NOT_FOUND, "unknown method");
}

/* -- input -------------------------------------------------------------------- */

static void read_more (Plugin *plugin);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Plugin *plugin = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  char *message;
  gsize len;

  if (n <= 0)
    {
      /* lightningd closed our stdin: it is shutting down. */
      g_main_loop_quit (plugin->loop);
      return;
    }

  if (!ms_json_stream_push (plugin->stream, plugin->chunk, n, &error))
    goto broken;
  while ((message = ms_json_stream_pop (plugin->stream, &len, &error)) != NULL)
    {
      handle_message (plugin, message, len);
      g_free (message);
    }
  if (error != NULL)
    goto broken;

  read_more (plugin);
  return;

broken:
  g_critical ("cannot follow lightningd any more: %s", error->message);
  plugin->status = EXIT_FAILURE;
  g_main_loop_quit (plugin->loop);
}

static void
read_more (Plugin *plugin)
{
  g_input_stream_read_async (plugin->in, plugin->chunk, sizeof plugin->chunk, G_PRIORITY_DEFAULT,
                             NULL, read_cb, plugin);
}

int
ms_cln_plugin_run (void)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Plugin plugin = { 0 };

  plugin.loop = loop;
  plugin.in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  plugin.out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  plugin.stream = ms_json_stream_new (MAX_MESSAGE);
  plugin.status = EXIT_SUCCESS;
  g_log_set_writer_func (log_writer, &plugin, NULL);

  read_more (&plugin);
  g_main_loop_run (loop);

  if (plugin.service != NULL)
    ms_terminus_service_stop (plugin.service);
  g_clear_object (&plugin.service);
  g_clear_object (&plugin.backend);
  g_clear_pointer (&plugin.init_id, json_node_unref);
  ms_json_stream_free (plugin.stream);
  g_object_unref (plugin.in);
  g_object_unref (plugin.out);
  return plugin.status;
}
