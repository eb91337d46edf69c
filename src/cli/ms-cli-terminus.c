/* ms-cli-terminus.c: controlling a running moneysocket-terminus
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gi18n.h>

#include "ms-cli.h"

/*
 * Each command is one JSON-RPC 2.0 call over the terminus' control socket
 * (one request line, one response line). With --json the result is printed
 * as it came; otherwise as a table a person can read.
 */

#define MAX_RESPONSE (64 * 1024 * 1024)

/* json-glib warns about absent members; answers may leave some out. */
static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static char *
default_socket (void)
{
  return g_build_filename (g_get_user_runtime_dir (), "moneysocket-terminus.sock", NULL);
}

/* Sends one call and returns its result, or NULL with the terminus' error. */
static JsonNode *
call (MsCliGlobal  *global,
      const char   *method,
      JsonNode     *params,
      GError      **error)
{
  g_autofree char *path = global->rpc_socket != NULL ? g_strdup (global->rpc_socket)
                                                     : default_socket ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  JsonObject *response;
  JsonObject *failure;
  gsize len = 0;

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, error);
  if (connection == NULL)
    {
      g_prefix_error (error, _("cannot reach the terminus at %s (is moneysocket-terminus "
                               "running? see --rpc-socket): "), path);
      return NULL;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jsonrpc");
  json_builder_add_string_value (builder, "2.0");
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, method);
  json_builder_set_member_name (builder, "params");
  json_builder_add_value (builder, params);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  json_generator_set_root (generator, request);
  text = json_generator_to_data (generator, &len);

  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  text, len, NULL, NULL, error) ||
      !g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  "\n", 1, NULL, NULL, error))
    return NULL;

  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  line = g_data_input_stream_read_line (in, &len, NULL, error);
  if (line == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                     _("the terminus closed the connection without answering"));
      return NULL;
    }
  if (len > MAX_RESPONSE || !json_parser_load_from_data (parser, line, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the terminus answered something that is not JSON-RPC"));
      return NULL;
    }

  response = json_node_get_object (json_parser_get_root (parser));
  failure = object_member (response, "error");
  if (failure != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           json_object_get_string_member_with_default (failure, "message",
                                                                       _("unknown error")));
      return NULL;
    }
  if (!json_object_has_member (response, "result"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the terminus answered with neither a result nor an error"));
      return NULL;
    }

  return json_node_copy (json_object_get_member (response, "result"));
}

/*
 * PROTOCOL.md 11.2: amounts are "123" or "123msat(s)" in millisatoshis, or
 * "10sat(s)" in satoshis.
 */
static gboolean
parse_msat (const char  *text,
            guint64     *msat,
            GError     **error)
{
  const char *end = text;
  guint64 value;
  guint64 unit = 1;

  while (g_ascii_isdigit (*end))
    end++;
  if (end == text || end - text > 19)
    goto invalid;

  if (g_str_equal (end, "sat") || g_str_equal (end, "sats"))
    unit = 1000;
  else if (*end != '\0' && !g_str_equal (end, "msat") && !g_str_equal (end, "msats"))
    goto invalid;

  value = g_ascii_strtoull (text, NULL, 10);
  if (value > G_MAXINT64 / unit)
    goto invalid;
  *msat = value * unit;
  return TRUE;

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not an amount (123, 123msat or 10sat)"), text);
  return FALSE;
}

/* A receive cap: an amount, or "none" (0: no cap). */
static gboolean
parse_cap (const char  *text,
           guint64     *msat,
           GError     **error)
{
  if (g_str_equal (text, "none"))
    {
      *msat = 0;
      return TRUE;
    }
  return parse_msat (text, msat, error);
}

/* 1234567 → "1,234,567" */
static char *
group_digits (gint64 value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                             (guint64) (value < 0 ? -value : value));
  GString *out = g_string_new (value < 0 ? "-" : "");
  gsize n = strlen (digits);

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static gint64
int_member (JsonObject *o,
            const char *name)
{
  return json_object_get_int_member_with_default (o, name, 0);
}

static const char *
string_member (JsonObject *o,
               const char *name)
{
  return json_object_get_string_member_with_default (o, name, "");
}

/* An account's receive cap, grouped, or "none". */
static char *
format_cap (JsonObject *account)
{
  gint64 cap = int_member (account, "cap_msat");

  return cap != 0 ? group_digits (cap) : g_strdup (_("none"));
}

static void
print_accounts_table (JsonArray *accounts,
                      gboolean   with_beacons)
{
  guint n = accounts != NULL ? json_array_get_length (accounts) : 0;

  if (n == 0)
    {
      printf ("%s\n", _("No accounts."));
      return;
    }

  printf ("%-20s %22s %22s %22s %5s %5s\n", _("ACCOUNT"), _("BALANCE (msat)"),
          _("RESERVED (msat)"), _("CAP (msat)"), _("CONN"), _("BCNS"));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *a = json_array_get_object_element (accounts, i);
      JsonArray *listen = array_member (a, "listen_beacons");
      JsonArray *connect = array_member (a, "connect_beacons");
      guint n_listen = listen != NULL ? json_array_get_length (listen) : 0;
      guint n_connect = connect != NULL ? json_array_get_length (connect) : 0;
      g_autofree char *balance = group_digits (int_member (a, "balance_msat"));
      g_autofree char *reserved = group_digits (int_member (a, "reserved_msat"));
      g_autofree char *cap = format_cap (a);

      printf ("%-20s %22s %22s %22s %5" G_GINT64_FORMAT " %5u\n", string_member (a, "name"),
              balance, reserved, cap, int_member (a, "connections"), n_listen + n_connect);

      if (!with_beacons)
        continue;
      printf ("  %s %s\n", _("uuid"), string_member (a, "uuid"));
      for (guint j = 0; j < n_listen; j++)
        printf ("  %s %s\n", _("listen "), json_array_get_string_element (listen, j));
      for (guint j = 0; j < n_connect; j++)
        printf ("  %s %s\n", _("connect"), json_array_get_string_element (connect, j));
    }
}

/* Runs @method and prints its result: as JSON, or through @print. */
static int
run_call (MsCliGlobal  *global,
          const char   *method,
          JsonNode     *params,
          void        (*print) (JsonObject *result))
{
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;

  result = call (global, method, params, &error);
  if (result == NULL)
    return ms_cli_fail_error (error);

  if (global->json || print == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    ms_cli_print_json (result);
  else
    print (json_node_get_object (result));
  return MS_CLI_EXIT_OK;
}

static JsonNode *
params_new (const char *first_member,
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
array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

static JsonNode *
str (const char *value)
{
  return json_node_init_string (json_node_alloc (), value);
}

static JsonNode *
num (guint64 value)
{
  return json_node_init_int (json_node_alloc (), (gint64) value);
}

/* Parses the options of a command that takes exactly @n_args words. */
static int
parse_command (const char         *parameters,
               const char         *summary,
               const GOptionEntry *entries,
               int                 n_args,
               gboolean            more_allowed,
               int                *argc,
               char             ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autofree char *prgname = g_strdup_printf ("moneysocket-cli %s", (*argv)[0]);
  int status;

  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = ms_cli_parse_options (context, argc, argv)) != MS_CLI_EXIT_OK)
    return status;

  if (*argc - 1 < n_args || (!more_allowed && *argc - 1 > n_args))
    {
      ms_cli_fail (_("%s takes %s; see --help"), (*argv)[0],
                   *parameters != '\0' ? parameters : _("no arguments"));
      return MS_CLI_EXIT_USAGE;
    }
  return MS_CLI_EXIT_OK;
}

/* -- getinfo -------------------------------------------------------------- */

static void
print_getinfo (JsonObject *result)
{
  JsonObject *node = object_member (result, "node");
  g_autofree char *allocated = group_digits (int_member (result, "allocated_msat"));
  g_autofree char *reserved = group_digits (int_member (result, "reserved_msat"));

  if (node != NULL)
    {
      g_autofree char *spendable = group_digits (int_member (node, "spendable_msat"));
      g_autofree char *receivable = group_digits (int_member (node, "receivable_msat"));

      printf ("%-12s %s (%s)%s\n", _("Node"), string_member (node, "alias"),
              string_member (node, "network"),
              json_object_get_boolean_member_with_default (node, "demo", FALSE)
              ? _("  DEMO LEDGER: no real funds") : "");
      printf ("%-12s %s\n", _("Node id"), string_member (node, "node_id"));
      printf ("%-12s %s msat\n", _("Spendable"), spendable);
      printf ("%-12s %s msat\n", _("Receivable"), receivable);
    }
  else
    printf ("%-12s %s\n", _("Node"), _("not reachable (the terminus keeps retrying)"));

  printf ("%-12s %s msat (%s msat held for payments in flight)\n", _("Allocated"), allocated,
          reserved);
  if (int_member (result, "over_allocated_msat") > 0)
    {
      g_autofree char *over = group_digits (int_member (result, "over_allocated_msat"));

      printf (_("WARNING: accounts hold %s msat more than the node can spend\n"), over);
    }
  printf ("\n");
  print_accounts_table (array_member (result, "accounts"), FALSE);
}

int
ms_cli_getinfo (MsCliGlobal  *global,
                int           argc,
                char        **argv)
{
  int status = parse_command ("", _("Show the node, what the accounts hold, and the accounts."),
                              NULL, 0, FALSE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;
  return run_call (global, "getinfo", params_new (NULL), print_getinfo);
}

/* -- getaccountinfo ------------------------------------------------------- */

static void
print_accountinfo (JsonObject *result)
{
  print_accounts_table (array_member (result, "accounts"), TRUE);
}

int
ms_cli_getaccountinfo (MsCliGlobal  *global,
                       int           argc,
                       char        **argv)
{
  JsonArray *names;
  int status = parse_command (_("[ACCOUNT…]"),
                              _("Show accounts (all of them when none is named) with their "
                                "beacons."), NULL, 0, TRUE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;

  names = json_array_new ();
  for (int i = 1; i < argc; i++)
    json_array_add_string_element (names, argv[i]);
  return run_call (global, "getaccountinfo",
                   params_new ("accounts", array_node (names), NULL),
                   print_accountinfo);
}

/* -- getaccountreceipts --------------------------------------------------- */

static void
print_receipts (JsonObject *result)
{
  JsonArray *receipts = array_member (result, "receipts");
  guint n = receipts != NULL ? json_array_get_length (receipts) : 0;

  if (json_object_has_member (result, "csv"))
    {
      fputs (string_member (result, "csv"), stdout);
      return;
    }

  printf ("%-19s %7s %-16s %18s %10s %18s  %s\n", _("TIME (UTC)"), _("SESSION"), _("TYPE"),
          _("AMOUNT (msat)"), _("FEE"), _("BALANCE (msat)"), _("DETAIL"));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *r = json_array_get_object_element (receipts, i);
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (int_member (r, "time"));
      g_autofree char *when = time != NULL ? g_date_time_format (time, "%F %T") : g_strdup ("?");
      g_autofree char *amount = group_digits (int_member (r, "amount_msat"));
      g_autofree char *fee = group_digits (int_member (r, "fee_msat"));
      g_autofree char *balance = group_digits (int_member (r, "balance_msat"));
      const char *detail = string_member (r, "detail");

      if (*detail == '\0')
        detail = string_member (r, "payment_hash");
      printf ("%-19s %7" G_GINT64_FORMAT " %-16s %18s %10s %18s  %s\n", when,
              int_member (r, "session"), string_member (r, "type"), amount, fee, balance, detail);
    }
}

int
ms_cli_getaccountreceipts (MsCliGlobal  *global,
                           int           argc,
                           char        **argv)
{
  gboolean csv = FALSE;
  const GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print CSV, for a spreadsheet"), NULL },
    { NULL }
  };
  int status = parse_command (_("ACCOUNT"),
                              _("List an account’s receipts: sessions, requests, payments, "
                                "preimages and errors."), entries, 1, FALSE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;

  return run_call (global, "getaccountreceipts",
                   params_new ("account", str (argv[1]),
                               "csv", json_node_init_boolean (json_node_alloc (), csv), NULL),
                   print_receipts);
}

/* -- create / rm ---------------------------------------------------------- */

static void
print_created (JsonObject *result)
{
  g_autofree char *balance = group_digits (int_member (result, "balance_msat"));

  printf (_("created %s (%s) holding %s msat\n"), string_member (result, "name"),
          string_member (result, "uuid"), balance);
}

int
ms_cli_create (MsCliGlobal  *global,
               int           argc,
               char        **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *cap_text = NULL;
  const GOptionEntry entries[] = {
    { "account-name", 'a', 0, G_OPTION_ARG_STRING, &name,
      N_("Account name (default: account-N, the first N not taken)"), N_("NAME") },
    { "cap", 'c', 0, G_OPTION_ARG_STRING, &cap_text,
      N_("Most the account may hold from receiving (“none”: no limit)"), N_("AMOUNT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  guint64 msat = 0;
  guint64 cap = 0;
  JsonNode *params;
  int status = parse_command (_("AMOUNT"),
                              _("Create an account holding AMOUNT (123, 123msat or 10sat) of the "
                                "node’s spendable balance."), entries, 1, FALSE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;

  if (!parse_msat (argv[1], &msat, &error) ||
      (cap_text != NULL && !parse_cap (cap_text, &cap, &error)))
    {
      ms_cli_fail_error (error);
      return MS_CLI_EXIT_USAGE;
    }

  params = params_new ("msat", num (msat), "cap_msat", num (cap), NULL);
  if (name != NULL)
    json_object_set_string_member (json_node_get_object (params), "name", name);
  return run_call (global, "create", params, print_created);
}

static void
print_removed (JsonObject *result)
{
  printf (_("removed %s\n"), string_member (result, "removed"));
}

int
ms_cli_rm (MsCliGlobal  *global,
           int           argc,
           char        **argv)
{
  int status = parse_command (_("ACCOUNT"),
                              _("Remove an account; its balance returns to the node. Refused "
                                "while it has beacons or payments in flight."),
                              NULL, 1, FALSE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;
  return run_call (global, "rm", params_new ("account", str (argv[1]), NULL), print_removed);
}

/* -- set ------------------------------------------------------------------ */

static void
print_set (JsonObject *result)
{
  g_autofree char *cap = format_cap (result);
  gboolean may_pay = json_object_get_boolean_member_with_default (result, "may_pay", FALSE);
  gboolean may_receive = json_object_get_boolean_member_with_default (result, "may_receive",
                                                                      FALSE);

  printf ("%-12s %s (%s)\n", _("Account"), string_member (result, "name"),
          string_member (result, "uuid"));
  printf ("%-12s %s%s\n", _("Cap"), cap, int_member (result, "cap_msat") != 0 ? " msat" : "");
  printf ("%-12s %s\n", _("May pay"), may_pay ? _("yes") : _("no"));
  printf ("%-12s %s\n", _("May receive"), may_receive ? _("yes") : _("no"));
}

/* "yes"/"no" (and true/false, on/off) for a flag option. */
static gboolean
parse_yes_no (const char  *option,
              const char  *text,
              gboolean    *value,
              GError     **error)
{
  if (g_ascii_strcasecmp (text, "yes") == 0 || g_ascii_strcasecmp (text, "true") == 0 ||
      g_ascii_strcasecmp (text, "on") == 0)
    *value = TRUE;
  else if (g_ascii_strcasecmp (text, "no") == 0 || g_ascii_strcasecmp (text, "false") == 0 ||
           g_ascii_strcasecmp (text, "off") == 0)
    *value = FALSE;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s takes yes or no, not “%s”"), option, text);
      return FALSE;
    }
  return TRUE;
}

int
ms_cli_set (MsCliGlobal  *global,
            int           argc,
            char        **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *cap_text = NULL;
  g_autofree char *may_pay_text = NULL;
  g_autofree char *may_receive_text = NULL;
  const GOptionEntry entries[] = {
    { "account-name", 'a', 0, G_OPTION_ARG_STRING, &name,
      N_("Rename the account"), N_("NAME") },
    { "cap", 'c', 0, G_OPTION_ARG_STRING, &cap_text,
      N_("Most the account may hold from receiving (“none”: no limit)"), N_("AMOUNT") },
    { "may-pay", 0, 0, G_OPTION_ARG_STRING, &may_pay_text,
      N_("Whether apps may pay invoices from the account"), N_("yes|no") },
    { "may-receive", 0, 0, G_OPTION_ARG_STRING, &may_receive_text,
      N_("Whether apps may ask for invoices that credit the account"), N_("yes|no") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonNode *params;
  guint64 cap = 0;
  gboolean may_pay = TRUE;
  gboolean may_receive = TRUE;
  int status = parse_command (_("ACCOUNT"),
                              _("Rename an account, set its receive cap, or whether apps may pay "
                                "from it or receive into it. Connected apps are told at once."),
                              entries, 1, FALSE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;

  if ((cap_text != NULL && !parse_cap (cap_text, &cap, &error)) ||
      (may_pay_text != NULL && !parse_yes_no ("--may-pay", may_pay_text, &may_pay, &error)) ||
      (may_receive_text != NULL &&
       !parse_yes_no ("--may-receive", may_receive_text, &may_receive, &error)))
    {
      ms_cli_fail_error (error);
      return MS_CLI_EXIT_USAGE;
    }
  if (name == NULL && cap_text == NULL && may_pay_text == NULL && may_receive_text == NULL)
    {
      ms_cli_fail (_("set needs at least one of --account-name, --cap, --may-pay, "
                     "--may-receive; see --help"));
      return MS_CLI_EXIT_USAGE;
    }
  if (name != NULL && *name == '\0')
    {
      ms_cli_fail (_("an account name may not be empty"));
      return MS_CLI_EXIT_USAGE;
    }

  params = params_new ("account", str (argv[1]), NULL);
  object = json_node_get_object (params);
  if (name != NULL)
    json_object_set_string_member (object, "name", name);
  if (cap_text != NULL)
    json_object_set_int_member (object, "cap_msat", (gint64) cap);
  if (may_pay_text != NULL)
    json_object_set_boolean_member (object, "may_pay", may_pay);
  if (may_receive_text != NULL)
    json_object_set_boolean_member (object, "may_receive", may_receive);
  return run_call (global, "set", params, print_set);
}

/* -- listen / connect / clear --------------------------------------------- */

static void
print_beacon (JsonObject *result)
{
  printf ("%s\n", string_member (result, "beacon"));
}

int
ms_cli_listen (MsCliGlobal  *global,
               int           argc,
               char        **argv)
{
  g_autofree char *seed = NULL;
  const GOptionEntry entries[] = {
    { "shared-seed", 's', 0, G_OPTION_ARG_STRING, &seed,
      N_("Use this shared seed (32 hex digits) instead of a random one"), N_("HEX") },
    { NULL }
  };
  JsonNode *params;
  int status = parse_command (_("ACCOUNT"),
                              _("Make a beacon an app can use to reach ACCOUNT, and print it."),
                              entries, 1, FALSE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;

  params = params_new ("account", str (argv[1]), NULL);
  if (seed != NULL)
    json_object_set_string_member (json_node_get_object (params), "seed", seed);
  return run_call (global, "listen", params, print_beacon);
}

static void
print_account_done (JsonObject *result)
{
  printf ("%s\n", string_member (result, "account"));
}

int
ms_cli_connect (MsCliGlobal  *global,
                int           argc,
                char        **argv)
{
  int status = parse_command (_("ACCOUNT BEACON"),
                              _("Serve ACCOUNT to the app that made BEACON (at most three "
                                "per account)."), NULL, 2, FALSE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;
  return run_call (global, "connect",
                   params_new ("account", str (argv[1]), "beacon", str (argv[2]), NULL),
                   print_account_done);
}

int
ms_cli_clear (MsCliGlobal  *global,
              int           argc,
              char        **argv)
{
  int status = parse_command (_("ACCOUNT"),
                              _("Close every connection of ACCOUNT and forget its beacons."),
                              NULL, 1, FALSE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;
  return run_call (global, "clear", params_new ("account", str (argv[1]), NULL),
                   print_account_done);
}

/* -- invoice / pay -------------------------------------------------------- */

static void
print_invoice (JsonObject *result)
{
  printf ("%s\n", string_member (result, "bolt11"));
}

int
ms_cli_invoice (MsCliGlobal  *global,
                int           argc,
                char        **argv)
{
  g_autoptr(GError) error = NULL;
  guint64 msat = 0;
  int status = parse_command (_("ACCOUNT AMOUNT"),
                              _("Make an invoice that credits ACCOUNT when paid, and print it."),
                              NULL, 2, FALSE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;
  if (!parse_msat (argv[2], &msat, &error))
    {
      ms_cli_fail_error (error);
      return MS_CLI_EXIT_USAGE;
    }
  return run_call (global, "invoice",
                   params_new ("account", str (argv[1]), "msat", num (msat), NULL),
                   print_invoice);
}

static void
print_paid (JsonObject *result)
{
  printf (_("paid; preimage %s\n"), string_member (result, "preimage"));
}

int
ms_cli_pay (MsCliGlobal  *global,
            int           argc,
            char        **argv)
{
  g_autofree char *request = NULL;
  const GOptionEntry entries[] = {
    { "request-uuid", 'r', 0, G_OPTION_ARG_STRING, &request,
      N_("Idempotency key: repeating a payment with the same one never pays twice"), N_("UUID") },
    { NULL }
  };
  JsonNode *params;
  int status = parse_command (_("ACCOUNT BOLT11"), _("Pay an invoice from ACCOUNT."), entries, 2,
                              FALSE, &argc, &argv);

  if (status != MS_CLI_EXIT_OK)
    return status;

  params = params_new ("account", str (argv[1]), "bolt11", str (argv[2]), NULL);
  if (request != NULL)
    json_object_set_string_member (json_node_get_object (params), "request_uuid", request);
  return run_call (global, "pay", params, print_paid);
}
