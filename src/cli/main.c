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
    fprintf (stream, "  %-12s %s\n", c->name, _(c->summary));
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
