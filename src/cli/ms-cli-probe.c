/* ms-cli-probe.c: moneysocket-cli probe BEACON
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "moneysocket.h"
#include "ms-cli.h"

/* Exit statuses of probe, as its --help says. */
#define PROBE_EXIT_PROTOCOL 1
#define PROBE_EXIT_TIMEOUT  2

typedef struct
{
  GMainLoop       *loop;
  MsConsumerStack *stack;
  guint64          invoice_msats;
  char            *pay_bolt11;
  int              status;
  guint            timeout_source;
  guint            connected : 1;
  guint            started : 1;
} Probe;

static void
print_event (const char *event,
             ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const char *key;
  va_list args;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);

  /* Pairs of key and JsonNode (taken), NULL-terminated. */
  va_start (args, event);
  while ((key = va_arg (args, const char *)) != NULL)
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_value (builder, va_arg (args, JsonNode *));
    }
  va_end (args);

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (value != NULL ? JSON_NODE_VALUE : JSON_NODE_NULL);

  if (value != NULL)
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

static JsonNode *
bool_node (gboolean value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, value);
  return node;
}

static void
finish (Probe *probe,
        int    status)
{
  probe->status = status;
  g_main_loop_quit (probe->loop);
}

static void next_step (Probe *probe);

static void
fail_with (Probe        *probe,
           const GError *error)
{
  /* A NOTIFY_ERROR is an answer: print it as an event. Anything else is
   * the connection failing. */
  if (g_error_matches (error, MS_STACK_ERROR, MS_STACK_ERROR_PROVIDER))
    print_event ("error", "error_msg", string_node (error->message), NULL);
  else
    ms_cli_fail ("%s", error->message);

  finish (probe, PROBE_EXIT_PROTOCOL);
}

static void
pay_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *preimage = ms_consumer_stack_request_pay_finish (MS_CONSUMER_STACK (source),
                                                                    result, &error);

  if (preimage == NULL)
    {
      fail_with (probe, error);
      return;
    }

  g_clear_pointer (&probe->pay_bolt11, g_free);
  next_step (probe);
}

static void
invoice_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *bolt11 = ms_consumer_stack_request_invoice_finish (MS_CONSUMER_STACK (source),
                                                                      result, &error);

  if (bolt11 == NULL)
    {
      fail_with (probe, error);
      return;
    }

  probe->invoice_msats = 0;
  next_step (probe);
}

/* Each asked step in turn: the invoice, then the payment, then done. */
static void
next_step (Probe *probe)
{
  if (probe->invoice_msats > 0)
    ms_consumer_stack_request_invoice_async (probe->stack, probe->invoice_msats, NULL,
                                             invoice_cb, probe);
  else if (probe->pay_bolt11 != NULL)
    ms_consumer_stack_request_pay_async (probe->stack, probe->pay_bolt11, NULL, pay_cb, probe);
  else
    finish (probe, MS_CLI_EXIT_OK);
}

static void
state_cb (MsStack    *stack,
          GParamSpec *pspec,
          Probe      *probe)
{
  MsStackState state = ms_stack_get_state (stack);

  if (state >= MS_STACK_STATE_HANDSHAKE && state != MS_STACK_STATE_RECONNECT_WAIT &&
      !probe->connected)
    {
      probe->connected = TRUE;
      print_event ("connected", NULL);
    }

  if (state == MS_STACK_STATE_READY && !probe->started)
    {
      probe->started = TRUE;
      next_step (probe);
    }

  if (state == MS_STACK_STATE_DISCONNECTED || state == MS_STACK_STATE_RECONNECT_WAIT)
    {
      ms_cli_fail (_("connection failed: %s"),
                   ms_stack_get_last_error (stack) ?: _("the other side went away"));
      finish (probe, PROBE_EXIT_PROTOCOL);
    }
}

static void
provider_info_cb (MsConsumerStack *stack,
                  MsProviderInfo  *info,
                  Probe           *probe)
{
  print_event ("provider_info",
               "account_uuid", string_node (ms_provider_info_get_account_uuid (info)),
               "payer", bool_node (ms_provider_info_get_payer (info)),
               "payee", bool_node (ms_provider_info_get_payee (info)),
               "msats", int_node ((gint64) ms_provider_info_get_msats (info)),
               NULL);
}

static void
stack_invoice_cb (MsConsumerStack *stack,
                  const char      *bolt11,
                  const char      *ref,
                  Probe           *probe)
{
  print_event ("invoice", "bolt11", string_node (bolt11),
               "request_reference_uuid", string_node (ref), NULL);
}

static void
stack_preimage_cb (MsConsumerStack *stack,
                   const char      *preimage,
                   const char      *ref,
                   Probe           *probe)
{
  print_event ("preimage", "preimage", string_node (preimage),
               "request_reference_uuid", string_node (ref), NULL);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Probe *probe = user_data;

  probe->timeout_source = 0;
  ms_cli_fail (_("timed out (state: %s)"),
               ms_stack_state_to_string (ms_stack_get_state (MS_STACK (probe->stack))));
  finish (probe, PROBE_EXIT_TIMEOUT);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_amount (const char *text,
              guint64    *msats)
{
  guint64 value;
  char *end = NULL;

  if (text == NULL || !g_ascii_isdigit (text[0]))
    return FALSE;
  value = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || value == 0)
    return FALSE;

  *msats = value;
  return TRUE;
}

int
ms_cli_probe (MsCliGlobal  *global,
              int           argc,
              char        **argv)
{
  g_autofree char *invoice = NULL;
  g_autofree char *pin_cert = NULL;
  gint timeout = 30;
  Probe probe = { 0 };
  const GOptionEntry entries[] = {
    { "invoice", 0, 0, G_OPTION_ARG_STRING, &invoice,
      N_("Ask for an invoice of this many millisatoshis"), N_("MSAT") },
    { "pay", 0, 0, G_OPTION_ARG_STRING, &probe.pay_bolt11,
      N_("Ask the provider to pay this invoice"), N_("BOLT11") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      N_("Give up after this many seconds (default 30)"), N_("S") },
    { "pin-cert", 0, 0, G_OPTION_ARG_FILENAME, &pin_cert,
      N_("Accept only this PEM certificate from a wss:// relay"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(MsBeacon) beacon = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* Translators: parameter of "probe" in --help */
  context = g_option_context_new (_("BEACON"));
  g_option_context_set_summary (context,
                                _("Connect to a provider as a consumer and print what happens as "
                                  "JSON lines.\n\nExit status: 0 when every asked step succeeded, "
                                  "1 on a protocol error or NOTIFY_ERROR, 2 on timeout."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = ms_cli_parse_options (context, &argc, &argv)) != MS_CLI_EXIT_OK)
    return status;

  if (argc != 2 || timeout <= 0 ||
      (invoice != NULL && !parse_amount (invoice, &probe.invoice_msats)))
    {
      ms_cli_fail (_("probe takes one BEACON, --invoice takes a positive integer and --timeout "
                     "positive seconds; see --help"));
      return MS_CLI_EXIT_USAGE;
    }

  if (!(beacon = ms_beacon_decode (argv[1], strlen (argv[1]), &error)))
    return ms_cli_fail_error (error);

  probe.loop = g_main_loop_new (NULL, FALSE);
  probe.stack = ms_consumer_stack_new ();
  ms_stack_set_auto_reconnect (MS_STACK (probe.stack), FALSE);

  if (pin_cert != NULL)
    {
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (pin_cert, &error);

      if (certificate == NULL)
        return ms_cli_fail_error (error);
      ms_stack_set_pinned_certificate (MS_STACK (probe.stack), certificate);
    }

  g_signal_connect (probe.stack, "notify::state", G_CALLBACK (state_cb), &probe);
  g_signal_connect (probe.stack, "provider-info", G_CALLBACK (provider_info_cb), &probe);
  g_signal_connect (probe.stack, "invoice", G_CALLBACK (stack_invoice_cb), &probe);
  g_signal_connect (probe.stack, "preimage", G_CALLBACK (stack_preimage_cb), &probe);

  if (!ms_stack_connect (MS_STACK (probe.stack), beacon, &error))
    return ms_cli_fail_error (error);

  probe.timeout_source = g_timeout_add_seconds ((guint) timeout, timeout_cb, &probe);
  g_main_loop_run (probe.loop);
  g_clear_handle_id (&probe.timeout_source, g_source_remove);

  g_signal_handlers_disconnect_by_data (probe.stack, &probe);
  ms_stack_disconnect (MS_STACK (probe.stack));
  g_object_unref (probe.stack);
  g_main_loop_unref (probe.loop);
  g_free (probe.pay_bolt11);

  return probe.status;
}
