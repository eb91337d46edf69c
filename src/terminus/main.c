/* main.c: moneysocket-terminus
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "ms-cln-plugin.h"
#include "ms-terminus-daemon.h"

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* lightningd starts its plugins with this set: speak the plugin protocol. */
  if (g_strcmp0 (g_getenv ("LIGHTNINGD_PLUGIN"), "1") == 0)
    return ms_cln_plugin_run ();

  return ms_terminus_daemon_main (argc, argv);
}
