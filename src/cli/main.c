/* main.c: moneysocket-cli
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ms-cli.h"

static const MsCliCommand commands[] = {
  /* Translators: summary of the "beacon" command in --help */
  { "beacon", N_("Encode, generate and decode Moneysocket beacons"), ms_cli_beacon },
  /* Translators: summary of the "bolt11" command in --help */
  { "bolt11", N_("Decode and verify BOLT #11 Lightning invoices"), ms_cli_bolt11 },
  /* Translators: summary of the "probe" command in --help */
  { "probe", N_("Connect to a provider as a consumer and report each step"), ms_cli_probe },
  /* Translators: summary of the "getinfo" command in --help */
  { "getinfo", N_("Show the terminus’ node and accounts"), ms_cli_getinfo },
  /* Translators: summary of the "getaccountinfo" command in --help */
  { "getaccountinfo", N_("Show accounts with their beacons"), ms_cli_getaccountinfo },
  /* Translators: summary of the "getaccountreceipts" command in --help */
  { "getaccountreceipts", N_("List an account’s receipts (--csv to export)"), ms_cli_getaccountreceipts },
  /* Translators: summary of the "create" command in --help */
  { "create", N_("Create an account from the node’s balance"), ms_cli_create },
  /* Translators: summary of the "rm" command in --help */
  { "rm", N_("Remove an account"), ms_cli_rm },
  /* Translators: summary of the "set" command in --help */
  { "set", N_("Rename an account, set its cap or what apps may do"), ms_cli_set },
  /* Translators: summary of the "listen" command in --help */
  { "listen", N_("Make a beacon that reaches an account"), ms_cli_listen },
  /* Translators: summary of the "connect" command in --help */
  { "connect", N_("Serve an account to an app’s beacon"), ms_cli_connect },
  /* Translators: summary of the "clear" command in --help */
  { "clear", N_("Drop an account’s connections and beacons"), ms_cli_clear },
  /* Translators: summary of the "invoice" command in --help */
  { "invoice", N_("Make an invoice that credits an account"), ms_cli_invoice },
  /* Translators: summary of the "pay" command in --help */
  { "pay", N_("Pay an invoice from an account"), ms_cli_pay },
  { NULL }
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s", _("Usage: moneysocket-cli [--rpc-socket PATH] [--json] COMMAND [ARGS…]\n"
                           "\n"
                           "A debugging tool for Moneysocket app developers and node operators.\n"
                           "Results are JSON on standard output; errors are one line on standard\n"
                           "error with a non-zero exit status.\n"
                           "\n"
                           "Commands:\n"));
  for (const MsCliCommand *c = commands; c->name != NULL; c++)
    fprintf (stream, "  %-19s %s\n", c->name, _(c->summary));
  fprintf (stream, "%s", _("\nRun “moneysocket-cli COMMAND --help” for a command’s options.\n"));
}

int
main (int   argc,
      char *argv[])
{
  MsCliGlobal global = { 0 };
  int i;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Global options come before the command; the command parses the rest. */
  for (i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--json"))
        global.json = TRUE;
      else if (g_str_equal (argv[i], "--rpc-socket") && i + 1 < argc)
        global.rpc_socket = argv[++i];
      else if (g_str_has_prefix (argv[i], "--rpc-socket="))
        global.rpc_socket = argv[i] + strlen ("--rpc-socket=");
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_usage (stdout);
          return MS_CLI_EXIT_OK;
        }
      else if (g_str_equal (argv[i], "--version"))
        {
          printf ("moneysocket-cli %s\n", PACKAGE_VERSION);
          return MS_CLI_EXIT_OK;
        }
      else if (argv[i][0] == '-')
        {
          ms_cli_fail (_("unknown option “%s”; see “moneysocket-cli --help”"), argv[i]);
          return MS_CLI_EXIT_USAGE;
        }
      else
        break;
    }

  if (i >= argc)
    {
      print_usage (stderr);
      return MS_CLI_EXIT_USAGE;
    }

  for (const MsCliCommand *c = commands; c->name != NULL; c++)
    if (g_str_equal (c->name, argv[i]))
      return c->func (&global, argc - i, argv + i);

  ms_cli_fail (_("unknown command “%s”; see “moneysocket-cli --help”"), argv[i]);
  return MS_CLI_EXIT_USAGE;
}
