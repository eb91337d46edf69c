/* ms-terminus-daemon.c: moneysocket-terminus as a stand-alone daemon
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "ms-terminus-daemon.h"
#include "ms-terminus-service.h"

#define EXIT_USAGE      64
#define MAX_SECRET_SIZE (64 * 1024)

typedef struct
{
  GMainLoop         *loop;
  MsTerminusService *service;
  int                status;
} Daemon;

typedef struct
{
  char     *config_file;
  char     *data_dir;
  char     *backend;
  char     *listen;
  char     *advertise;
  char     *relay;
  char     *listen_tls_cert;
  char     *listen_tls_key;
  char     *rpc_socket;
  char     *secrets_file;
  char     *lightning_rpc;
  char     *node_url;
  char     *node_cert;
  char     *set_secret;
  char     *clear_secret;
  gboolean  version;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->config_file);
  g_free (o->data_dir);
  g_free (o->backend);
  g_free (o->listen);
  g_free (o->advertise);
  g_free (o->relay);
  g_free (o->listen_tls_cert);
  g_free (o->listen_tls_key);
  g_free (o->rpc_socket);
  g_free (o->secrets_file);
  g_free (o->lightning_rpc);
  g_free (o->node_url);
  g_free (o->node_cert);
  g_free (o->set_secret);
  g_free (o->clear_secret);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static int
fail (int         status,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static int
fail (int         status,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "moneysocket-terminus: %s\n", message);
  return status;
}

/* An empty value or "none" turns a part off. */
static void
override (char       **field,
          const char  *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = (*value == '\0' || g_str_equal (value, "none")) ? NULL : g_strdup (value);
}

/* Defaults, then the config file, then the command line. */
static MsTerminusConfig *
build_config (Options  *o,
              GError  **error)
{
  g_autoptr(MsTerminusConfig) config = ms_terminus_config_new ();
  g_autofree char *default_path = ms_terminus_default_config_path ();

  if (o->config_file != NULL)
    {
      if (!ms_terminus_config_load_file (config, o->config_file, error))
        return NULL;
    }
  else if (g_file_test (default_path, G_FILE_TEST_EXISTS) &&
           !ms_terminus_config_load_file (config, default_path, error))
    return NULL;

  if (o->data_dir != NULL)
    {
      g_free (config->data_dir);
      config->data_dir = g_strdup (o->data_dir);
    }
  if (o->backend != NULL && !ms_terminus_config_set_backend (config, o->backend, error))
    return NULL;
  override (&config->listen, o->listen);
  override (&config->advertise, o->advertise);
  override (&config->relay, o->relay);
  override (&config->listen_tls_cert, o->listen_tls_cert);
  override (&config->listen_tls_key, o->listen_tls_key);
  override (&config->rpc_socket, o->rpc_socket);
  override (&config->secrets_file, o->secrets_file);
  override (&config->cln_rpc, o->lightning_rpc);
  override (&config->node_url, o->node_url);
  override (&config->node_cert, o->node_cert);

  return g_steal_pointer (&config);
}

/* -- --set-secret / --clear-secret --------------------------------------- */

static const struct
{
  const char *key;
  const char *label;
} secret_keys[] = {
  { MS_SECRET_CLN_REST_RUNE, N_("Moneysocket terminus: CLNRest rune") },
  { MS_SECRET_LND_MACAROON, N_("Moneysocket terminus: LND macaroon") },
};

static const char *
secret_label (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (secret_keys); i++)
    if (g_str_equal (secret_keys[i].key, key))
      return _(secret_keys[i].label);
  return NULL;
}

/*
 * Reads the credential from standard input, so it never shows in `ps` or a
 * shell history. A macaroon may come as the binary file lnd writes or as
 * hex; it is stored as hex.
 */
static char *
read_secret (const char  *key,
             GError     **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 chunk[4096];
  ssize_t n;
  char *text;

  while ((n = read (STDIN_FILENO, chunk, sizeof chunk)) > 0)
    {
      if (data->len + n > MAX_SECRET_SIZE)
        {
          ms_wipe (data->data, data->len);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       "a credential is at most %u bytes", MAX_SECRET_SIZE);
          return NULL;
        }
      g_byte_array_append (data, chunk, n);
    }
  ms_wipe (chunk, sizeof chunk);

  if (g_str_equal (key, MS_SECRET_LND_MACAROON))
    {
      g_autofree char *trimmed = g_strstrip (g_strndup ((const char *) data->data, data->len));

      if (*trimmed != '\0' && strlen (trimmed) % 2 == 0 && ms_hex_is_valid (trimmed, strlen (trimmed)))
        text = g_ascii_strdown (trimmed, -1);
      else
        text = ms_hex_encode (data->data, data->len);
      ms_wipe (trimmed, strlen (trimmed));
    }
  else
    text = g_strstrip (g_strndup ((const char *) data->data, data->len));

  ms_wipe (data->data, data->len);
  if (*text == '\0')
    {
      g_free (text);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "nothing on standard input: pipe the %s in", key);
      return NULL;
    }
  return text;
}

typedef struct
{
  GMainLoop *loop;
  GError    *error;
} SecretOp;

static void
secret_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SecretOp *op = user_data;

  ms_secret_store_store_finish (MS_SECRET_STORE (source), result, &op->error);
  g_main_loop_quit (op->loop);
}

static void
secret_cleared_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SecretOp *op = user_data;

  ms_secret_store_clear_finish (MS_SECRET_STORE (source), result, &op->error);
  g_main_loop_quit (op->loop);
}

static int
manage_secret (MsTerminusConfig *config,
               const char       *key,
               gboolean          store)
{
  g_autoptr(MsSecretStore) secrets = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  SecretOp op = { loop, NULL };

  if (secret_label (key) == NULL)
    return fail (EXIT_USAGE, _("unknown credential “%s” (%s or %s)"), key,
                 MS_SECRET_CLN_REST_RUNE, MS_SECRET_LND_MACAROON);

  if ((secrets = ms_terminus_config_open_secrets (config, &error)) == NULL)
    return fail (EXIT_FAILURE, "%s", error->message);

  if (store)
    {
      if ((secret = read_secret (key, &error)) == NULL)
        return fail (EXIT_FAILURE, "%s", error->message);
      ms_secret_store_store_async (secrets, key, secret_label (key), secret, NULL,
                                   secret_stored_cb, &op);
    }
  else
    ms_secret_store_clear_async (secrets, key, NULL, secret_cleared_cb, &op);

  g_main_loop_run (loop);
  if (secret != NULL)
    ms_wipe (secret, strlen (secret));
  if (op.error != NULL)
    {
      int status = fail (EXIT_FAILURE, "%s", op.error->message);

      g_error_free (op.error);
      return status;
    }

  fprintf (stderr, store ? _("stored %s in the %s\n") : _("removed %s from the %s\n"), key,
           config->secrets_file != NULL ? config->secrets_file : _("Secret Service"));
  return EXIT_SUCCESS;
}

/* -- running -------------------------------------------------------------- */

static gboolean
quit_cb (gpointer user_data)
{
  Daemon *daemon = user_data;

  g_message ("stopping");
  ms_terminus_service_stop (daemon->service);
  g_main_loop_quit (daemon->loop);
  return G_SOURCE_CONTINUE;
}

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;
  guint16 port;

  if (!ms_terminus_service_start_finish (MS_TERMINUS_SERVICE (source), result, &error))
    {
      daemon->status = fail (EXIT_FAILURE, "%s", error->message);
      g_main_loop_quit (daemon->loop);
      return;
    }

  port = ms_terminus_service_get_listen_port (daemon->service);
  if (port != 0)
    g_message ("embedded relay on port %u", port);
  g_message ("ready");
}

static int
run (MsTerminusConfig *config)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Daemon daemon = { loop, NULL, EXIT_SUCCESS };
  guint term_id, int_id;

  if (config->backend == MS_BACKEND_KIND_DEMO)
    g_message ("backend: the demo ledger in %s, which holds no real funds", config->data_dir);
  else
    g_message ("backend: %s", ms_backend_kind_to_string (config->backend));

  daemon.service = ms_terminus_service_new (config);
  term_id = g_unix_signal_add (SIGTERM, quit_cb, &daemon);
  int_id = g_unix_signal_add (SIGINT, quit_cb, &daemon);

  ms_terminus_service_start_async (daemon.service, NULL, started_cb, &daemon);
  g_main_loop_run (loop);

  g_source_remove (term_id);
  g_source_remove (int_id);
  ms_terminus_service_stop (daemon.service);
  g_object_unref (daemon.service);
  return daemon.status;
}

int
ms_terminus_daemon_main (int    argc,
                         char **argv)
{
  g_auto(Options) o = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(MsTerminusConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &o.config_file,
      N_("Key file with a [terminus] group (default $XDG_CONFIG_HOME/moneysocket/terminus.conf)"),
      N_("FILE") },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &o.data_dir,
      N_("Where accounts (and the demo ledger) are kept"), N_("DIR") },
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &o.backend,
      N_("demo (default), cln-rpc, cln-rest or lnd-rest"), N_("NAME") },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &o.listen,
      N_("Embedded relay address for listen beacons (default 127.0.0.1:11033; “none”: off)"),
      N_("HOST:PORT") },
    { "advertise", 0, 0, G_OPTION_ARG_STRING, &o.advertise,
      N_("Relay URL written into listen beacons, when apps reach it by another address"),
      N_("URL") },
    { "relay", 0, 0, G_OPTION_ARG_STRING, &o.relay,
      N_("Use this external relay for listen beacons instead of the embedded one"), N_("URL") },
    { "listen-tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &o.listen_tls_cert,
      N_("PEM certificate: the embedded relay speaks wss://"), N_("FILE") },
    { "listen-tls-key", 0, 0, G_OPTION_ARG_FILENAME, &o.listen_tls_key,
      N_("PEM private key of --listen-tls-cert"), N_("FILE") },
    { "rpc-socket", 's', 0, G_OPTION_ARG_FILENAME, &o.rpc_socket,
      N_("Control socket (default $XDG_RUNTIME_DIR/moneysocket-terminus.sock)"), N_("PATH") },
    { "secrets-file", 0, 0, G_OPTION_ARG_FILENAME, &o.secrets_file,
      N_("Keep node credentials in this file (mode 0600) instead of the Secret Service"),
      N_("FILE") },
    { "lightning-rpc", 0, 0, G_OPTION_ARG_FILENAME, &o.lightning_rpc,
      N_("Core Lightning RPC socket (default ~/.lightning/bitcoin/lightning-rpc)"), N_("PATH") },
    { "node-url", 0, 0, G_OPTION_ARG_STRING, &o.node_url,
      N_("CLNRest or LND REST address, https://host:port"), N_("URL") },
    { "node-cert", 0, 0, G_OPTION_ARG_FILENAME, &o.node_cert,
      N_("The node's TLS certificate, pinned (LND default ~/.lnd/tls.cert)"), N_("FILE") },
    { "set-secret", 0, 0, G_OPTION_ARG_STRING, &o.set_secret,
      N_("Store a node credential read from standard input, then exit"),
      N_("cln-rest-rune|lnd-macaroon") },
    { "clear-secret", 0, 0, G_OPTION_ARG_STRING, &o.clear_secret,
      N_("Remove a stored node credential, then exit"), N_("cln-rest-rune|lnd-macaroon") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &o.version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Serves Moneysocket accounts carved out of a Lightning node."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (EXIT_USAGE, "%s", error->message);
  if (argc > 1)
    return fail (EXIT_USAGE, _("unexpected argument “%s”; see --help"), argv[1]);
  if (o.version)
    {
      printf ("moneysocket-terminus %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if ((config = build_config (&o, &error)) == NULL)
    return fail (EXIT_USAGE, "%s", error->message);

  if (o.set_secret != NULL)
    return manage_secret (config, o.set_secret, TRUE);
  if (o.clear_secret != NULL)
    return manage_secret (config, o.clear_secret, FALSE);

  return run (config);
}
