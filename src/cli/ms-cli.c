/* ms-cli.c: what every subcommand shares
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ms-cli.h"

/*
 * Errors are one line "error: ..." on stderr; nothing goes to stdout, so a
 * script reading stdout never mistakes an error for a result.
 */
int
ms_cli_fail (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Keep it on one line whatever the message holds. */
  g_strdelimit (message, "\r\n", ' ');
  fprintf (stderr, "error: %s\n", message);
  return MS_CLI_EXIT_ERROR;
}

int
ms_cli_fail_error (const GError *error)
{
  return ms_cli_fail ("%s", error->message);
}

/* Parses options; on failure prints one error line and returns the usage status. */
int
ms_cli_parse_options (GOptionContext   *context,
                      int              *argc,
                      char           ***argv)
{
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      ms_cli_fail ("%s", error->message);
      return MS_CLI_EXIT_USAGE;
    }

  return MS_CLI_EXIT_OK;
}

void
ms_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}

static void
print_commands (FILE               *stream,
                const char         *parameter_string,
                const MsCliCommand *commands)
{
  fprintf (stream, _("Usage: moneysocket-cli %s COMMAND [OPTION…]\n\nCommands:\n"),
           parameter_string);
  for (const MsCliCommand *c = commands; c->name != NULL; c++)
    fprintf (stream, "  %-12s %s\n", c->name, _(c->summary));
  fprintf (stream, _("\nRun “moneysocket-cli %s COMMAND --help” for a command’s options.\n"),
           parameter_string);
}

/* Dispatches argv[1] to one of @commands; argv[0] is the group name. */
int
ms_cli_run_subcommand (const char         *parameter_string,
                       const MsCliCommand *commands,
                       MsCliGlobal        *global,
                       int                 argc,
                       char              **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_commands (argc < 2 ? stderr : stdout, parameter_string, commands);
      return argc < 2 ? MS_CLI_EXIT_USAGE : MS_CLI_EXIT_OK;
    }

  for (const MsCliCommand *c = commands; c->name != NULL; c++)
    {
      if (g_str_equal (c->name, argv[1]))
        {
          g_autofree char *prgname = g_strdup_printf ("moneysocket-cli %s %s",
                                                      parameter_string, c->name);

          /* So that --help shows the whole command line to type. */
          g_set_prgname (prgname);
          return c->func (global, argc - 1, argv + 1);
        }
    }

  ms_cli_fail (_("unknown command “%s %s”; see “moneysocket-cli %s --help”"),
               parameter_string, argv[1], parameter_string);
  return MS_CLI_EXIT_USAGE;
}
