/* main.c: moneysocket-relay
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <sys/resource.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "moneysocket.h"

#define DEFAULT_PORT        11060
#define STATS_INTERVAL_S    60
#define DEFAULT_PER_ADDRESS 256

typedef struct
{
  GMainLoop    *loop;
  MsWsListener *listener;
  MsMatchmaker *matchmaker;
  gsize         max_frame;
  guint         max_connections;
  guint         idle_timeout;
  guint64       n_refused_full;
} Relay;

/*
 * Logs never carry frame contents or whole rendezvous ids: only counts. The
 * fields are separate so journald can index them.
 */
static void
log_stats (Relay      *relay,
           const char *what)
{
  g_autofree char *sockets = g_strdup_printf ("%u", ms_matchmaker_get_n_channels (relay->matchmaker));
  g_autofree char *waiting = g_strdup_printf ("%u", ms_matchmaker_get_n_waiting (relay->matchmaker));
  g_autofree char *pairs = g_strdup_printf ("%u", ms_matchmaker_get_n_pairs (relay->matchmaker));
  g_autofree char *pairings = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                               ms_matchmaker_get_n_pairings (relay->matchmaker));
  g_autofree char *forwarded = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                ms_matchmaker_get_n_forwarded (relay->matchmaker));
  g_autofree char *refused = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                              ms_matchmaker_get_n_refused (relay->matchmaker) +
                                              ms_ws_listener_get_n_refused (relay->listener) +
                                              relay->n_refused_full);
  g_autofree char *dropped = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                              ms_matchmaker_get_n_dropped (relay->matchmaker));

  g_log_structured ("moneysocket-relay", G_LOG_LEVEL_MESSAGE,
                    "MESSAGE", "%s: sockets=%s waiting=%s pairs=%s pairings=%s forwarded=%s "
                    "refused=%s dropped=%s", what, sockets, waiting, pairs, pairings, forwarded,
                    refused, dropped,
                    "MS_SOCKETS", sockets,
                    "MS_WAITING", waiting,
                    "MS_PAIRS", pairs,
                    "MS_PAIRINGS", pairings,
                    "MS_FORWARDED", forwarded,
                    "MS_REFUSED", refused,
                    "MS_DROPPED", dropped);
}

static gboolean
stats_cb (gpointer user_data)
{
  log_stats (user_data, "stats");
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
shutdown_cb (gpointer user_data)
{
  Relay *relay = user_data;

  /* SIGTERM: stop accepting, tell every paired peer the other side left,
   * and let the close handshakes go out before quitting. */
  ms_ws_listener_stop (relay->listener);
  log_stats (relay, "shutting down");
  ms_matchmaker_close_all (relay->matchmaker);
  g_timeout_add (200, quit_cb, relay->loop);

  return G_SOURCE_REMOVE;
}

static void
connection_cb (MsWsListener   *listener,
               MsWsConnection *connection,
               Relay          *relay)
{
  g_autoptr(MsChannel) channel = NULL;

  if (relay->max_connections > 0 &&
      ms_matchmaker_get_n_channels (relay->matchmaker) >= relay->max_connections)
    {
      relay->n_refused_full++;
      ms_ws_connection_close (connection, MS_WS_CLOSE_POLICY_VIOLATION, "relay full");
      return;
    }

  /* PROTOCOL.md 5.1: Moneysocket is binary only; a text frame drops that socket. */
  ms_ws_connection_set_close_on_text (connection, TRUE);
  ms_ws_connection_set_max_payload (connection, relay->max_frame);
  if (relay->idle_timeout > 0)
    ms_ws_connection_set_idle_timeout (connection, relay->idle_timeout);

  channel = ms_channel_new_for_connection (connection);
  ms_matchmaker_add_channel (relay->matchmaker, channel);
}

/* Ten thousand sockets need more descriptors than the usual soft limit. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_warning ("could not raise the open file limit to %lu", (unsigned long) limit.rlim_max);
    }
}

static guint
default_max_connections (void)
{
  struct rlimit limit;

  /* Leave room for the listening socket, logs and the odd file. */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      limit.rlim_cur > 64)
    return (guint) MIN (limit.rlim_cur - 32, G_MAXUINT);

  return 0;
}

static gboolean
load_certificate (const char       *cert_file,
                  const char       *key_file,
                  GTlsCertificate **certificate,
                  GError          **error)
{
  if (cert_file == NULL && key_file == NULL)
    return TRUE;

  if (cert_file == NULL || key_file == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("--tls-cert and --tls-key go together"));
      return FALSE;
    }

  *certificate = g_tls_certificate_new_from_files (cert_file, key_file, error);
  if (*certificate == NULL)
    {
      g_prefix_error (error, _("cannot load the TLS certificate: "));
      return FALSE;
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *bind = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  gint port = DEFAULT_PORT;
  gint64 max_frame = MS_WS_DEFAULT_MAX_PAYLOAD;
  gint max_connections = -1;
  gint max_per_address = DEFAULT_PER_ADDRESS;
  gint idle_timeout = 0;
  const GOptionEntry entries[] = {
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &bind,
      N_("Address to listen on (default 127.0.0.1)"), N_("HOST") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Port to listen on (default 11060; 0 picks one)"), N_("PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      N_("PEM certificate (chain) for wss://"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      N_("PEM private key for wss://"), N_("FILE") },
    { "max-frame", 0, 0, G_OPTION_ARG_INT64, &max_frame,
      N_("Largest frame accepted; a bigger one drops that socket (default 1 MiB)"), N_("BYTES") },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections,
      N_("Most sockets open at once (default: what the file limit allows)"), N_("N") },
    { "max-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address,
      N_("Most sockets from one IP address (default 256; 0 = no limit)"), N_("N") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      N_("Close sockets silent for this long (default 0 = never)"), N_("SECONDS") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  Relay relay = { 0 };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Pair Moneysocket peers that present the same rendezvous id "
                                  "and forward their frames."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("error: %s\n", error->message);
      return 64;
    }

  if (port < 0 || port > G_MAXUINT16 || max_frame < 1024 || max_frame > G_MAXINT32 ||
      max_per_address < 0 || idle_timeout < 0 || max_connections < -1)
    {
      g_printerr ("error: %s\n", _("an option is out of range; see --help"));
      return 64;
    }

  if (!load_certificate (tls_cert, tls_key, &certificate, &error))
    {
      g_printerr ("error: %s\n", error->message);
      return 1;
    }

  raise_fd_limit ();

  relay.loop = g_main_loop_new (NULL, FALSE);
  relay.matchmaker = ms_matchmaker_new ();
  relay.listener = ms_ws_listener_new ();
  relay.max_frame = (gsize) max_frame;
  relay.max_connections = max_connections >= 0 ? (guint) max_connections
                                               : default_max_connections ();
  relay.idle_timeout = (guint) idle_timeout;

  ms_ws_listener_set_tls_certificate (relay.listener, certificate);
  ms_ws_listener_set_max_payload (relay.listener, relay.max_frame);
  ms_ws_listener_set_max_connections_per_address (relay.listener, (guint) max_per_address);
  g_signal_connect (relay.listener, "connection", G_CALLBACK (connection_cb), &relay);

  if (!ms_ws_listener_listen (relay.listener, bind != NULL ? bind : "127.0.0.1", (guint16) port,
                              &error))
    {
      g_printerr ("error: %s\n", error->message);
      g_object_unref (relay.listener);
      g_object_unref (relay.matchmaker);
      g_main_loop_unref (relay.loop);
      return 1;
    }

  /* The one line a supervisor or test waits for; the port matters with --port 0. */
  printf ("listening on %s://%s:%u\n", certificate != NULL ? "wss" : "ws",
          bind != NULL ? bind : "127.0.0.1", ms_ws_listener_get_port (relay.listener));
  fflush (stdout);

  g_unix_signal_add (SIGTERM, shutdown_cb, &relay);
  g_unix_signal_add (SIGINT, shutdown_cb, &relay);
  g_timeout_add_seconds (STATS_INTERVAL_S, stats_cb, &relay);

  g_main_loop_run (relay.loop);

  log_stats (&relay, "stopped");
  g_object_unref (relay.listener);
  g_object_unref (relay.matchmaker);
  g_main_loop_unref (relay.loop);

  return 0;
}
