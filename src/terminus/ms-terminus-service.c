/* ms-terminus-service.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ms-cln-backend.h"
#include "ms-control-server.h"
#include "ms-demo-ledger.h"
#include "ms-lnd-backend.h"
#include "ms-terminus-service.h"

#define CONFIG_GROUP "terminus"

/* -- configuration -------------------------------------------------------- */

MsTerminusConfig *
ms_terminus_config_new (void)
{
  MsTerminusConfig *config = g_new0 (MsTerminusConfig, 1);

  config->data_dir = ms_terminus_default_data_dir ();
  config->backend = MS_BACKEND_KIND_DEMO;
  config->listen = g_strdup (MS_TERMINUS_DEFAULT_LISTEN);
  config->rpc_socket = ms_control_default_socket_path ();
  config->demo_balance_msat = MS_DEMO_LEDGER_DEFAULT_BALANCE_MSAT;
  config->min_fee_msat = 5000;
  config->fee_ppm = 10000;
  config->retry_first_ms = 1000;
  config->retry_max_ms = 60000;
  return config;
}

void
ms_terminus_config_free (MsTerminusConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->data_dir);
  g_free (config->listen);
  g_free (config->advertise);
  g_free (config->relay);
  g_free (config->listen_tls_cert);
  g_free (config->listen_tls_key);
  g_free (config->rpc_socket);
  g_free (config->secrets_file);
  g_free (config->cln_rpc);
  g_free (config->node_url);
  g_free (config->node_cert);
  g_free (config);
}

static const char * const backend_names[] = {
  [MS_BACKEND_KIND_DEMO] = "demo",
  [MS_BACKEND_KIND_CLN_RPC] = "cln-rpc",
  [MS_BACKEND_KIND_CLN_REST] = "cln-rest",
  [MS_BACKEND_KIND_LND_REST] = "lnd-rest",
};

const char *
ms_backend_kind_to_string (MsBackendKind kind)
{
  g_return_val_if_fail (kind <= MS_BACKEND_KIND_LND_REST, NULL);

  return backend_names[kind];
}

gboolean
ms_terminus_config_set_backend (MsTerminusConfig  *config,
                                const char        *name,
                                GError           **error)
{
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (backend_names); i++)
    if (g_str_equal (backend_names[i], name))
      {
        config->backend = i;
        return TRUE;
      }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "unknown backend “%s” (demo, cln-rpc, cln-rest or lnd-rest)", name);
  return FALSE;
}

/* $XDG_CONFIG_HOME/moneysocket/terminus.conf */
char *
ms_terminus_default_config_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "moneysocket", "terminus.conf", NULL);
}

/* $XDG_DATA_HOME/moneysocket/terminus */
char *
ms_terminus_default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "moneysocket", "terminus", NULL);
}

/* HOST:PORT, with [v6-address]:PORT for IPv6. */
gboolean
ms_parse_host_port (const char  *text,
                    char       **host,
                    guint16     *port,
                    GError     **error)
{
  const char *colon;
  guint64 value;
  g_autofree char *h = NULL;

  g_return_val_if_fail (text != NULL, FALSE);

  colon = strrchr (text, ':');
  if (colon == NULL || colon == text ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT16, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not HOST:PORT (a port up to 65535; 0 picks a free one)", text);
      return FALSE;
    }

  if (text[0] == '[' && colon[-1] == ']')
    h = g_strndup (text + 1, colon - text - 2);
  else
    h = g_strndup (text, colon - text);

  if (*h == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” has no host", text);
      return FALSE;
    }

  *host = g_steal_pointer (&h);
  *port = value;
  return TRUE;
}

static gboolean
key_string (GKeyFile    *file,
            const char  *group,
            const char  *key,
            char       **value,
            gboolean     may_be_empty)
{
  g_autofree char *text = g_key_file_get_string (file, group, key, NULL);

  if (text == NULL)
    return FALSE;

  g_strstrip (text);
  g_free (*value);
  *value = (*text == '\0' && may_be_empty) ? NULL : g_steal_pointer (&text);
  return TRUE;
}

static gboolean
key_uint (GKeyFile    *file,
          const char  *key,
          guint64      max,
          guint64     *value,
          GError     **error)
{
  g_autofree char *text = g_key_file_get_string (file, CONFIG_GROUP, key, NULL);

  if (text == NULL)
    return TRUE;

  g_strstrip (text);
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s is not a whole number up to %" G_GUINT64_FORMAT, key, max);
      return FALSE;
    }
  return TRUE;
}

/*
 * Reads [terminus] from a key file. Keys are the command line options'
 * names; an empty `listen` or `rpc-socket` turns that part off. Keys the
 * file does not have keep their current values.
 */
gboolean
ms_terminus_config_load_file (MsTerminusConfig  *config,
                              const char        *path,
                              GError           **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *backend = NULL;
  guint64 value;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }

  key_string (file, CONFIG_GROUP, "data-dir", &config->data_dir, FALSE);
  key_string (file, CONFIG_GROUP, "listen", &config->listen, TRUE);
  key_string (file, CONFIG_GROUP, "advertise", &config->advertise, TRUE);
  key_string (file, CONFIG_GROUP, "relay", &config->relay, TRUE);
  key_string (file, CONFIG_GROUP, "listen-tls-cert", &config->listen_tls_cert, TRUE);
  key_string (file, CONFIG_GROUP, "listen-tls-key", &config->listen_tls_key, TRUE);
  key_string (file, CONFIG_GROUP, "rpc-socket", &config->rpc_socket, TRUE);
  key_string (file, CONFIG_GROUP, "secrets-file", &config->secrets_file, TRUE);
  key_string (file, CONFIG_GROUP, "lightning-rpc", &config->cln_rpc, TRUE);
  key_string (file, CONFIG_GROUP, "node-url", &config->node_url, TRUE);
  key_string (file, CONFIG_GROUP, "node-cert", &config->node_cert, TRUE);

  if (key_string (file, CONFIG_GROUP, "backend", &backend, FALSE) &&
      !ms_terminus_config_set_backend (config, backend, error))
    goto invalid;

  value = config->demo_balance_msat;
  if (!key_uint (file, "demo-balance-msat", G_MAXINT64, &value, error))
    goto invalid;
  config->demo_balance_msat = value;

  value = config->min_fee_msat;
  if (!key_uint (file, "min-fee-msat", G_MAXINT64, &value, error))
    goto invalid;
  config->min_fee_msat = value;

  value = config->fee_ppm;
  if (!key_uint (file, "fee-ppm", 1000000, &value, error))
    goto invalid;
  config->fee_ppm = value;

  value = config->retry_first_ms;
  if (!key_uint (file, "retry-first-ms", G_MAXUINT, &value, error))
    goto invalid;
  config->retry_first_ms = value;

  value = config->retry_max_ms;
  if (!key_uint (file, "retry-max-ms", G_MAXUINT, &value, error))
    goto invalid;
  config->retry_max_ms = value;

  return TRUE;

invalid:
  g_prefix_error (error, "%s: ", path);
  return FALSE;
}

/* The Secret Service, or the named file when it is owner-only (0600). */
MsSecretStore *
ms_terminus_config_open_secrets (const MsTerminusConfig  *config,
                                 GError                 **error)
{
  g_return_val_if_fail (config != NULL, NULL);

  if (config->secrets_file != NULL)
    return ms_secret_store_new_file (config->secrets_file, error);
  return ms_secret_store_new_keyring ();
}

/* -- the service -------------------------------------------------------- */

struct _MsTerminusService
{
  GObject           parent_instance;

  MsTerminusConfig *config;
  int               lock_fd;
  MsSecretStore    *secrets;
  MsLightning      *backend;
  MsAccountStore   *store;
  MsTerminus       *terminus;
  MsMatchmaker     *matchmaker;
  MsWsListener     *listener;
  MsControlServer  *control;
};

G_DEFINE_FINAL_TYPE (MsTerminusService, ms_terminus_service, G_TYPE_OBJECT)

static MsTerminusConfig *
config_copy (const MsTerminusConfig *config)
{
  MsTerminusConfig *copy = g_memdup2 (config, sizeof *config);

  copy->data_dir = g_strdup (config->data_dir);
  copy->listen = g_strdup (config->listen);
  copy->advertise = g_strdup (config->advertise);
  copy->relay = g_strdup (config->relay);
  copy->listen_tls_cert = g_strdup (config->listen_tls_cert);
  copy->listen_tls_key = g_strdup (config->listen_tls_key);
  copy->rpc_socket = g_strdup (config->rpc_socket);
  copy->secrets_file = g_strdup (config->secrets_file);
  copy->cln_rpc = g_strdup (config->cln_rpc);
  copy->node_url = g_strdup (config->node_url);
  copy->node_cert = g_strdup (config->node_cert);
  return copy;
}

static void
ms_terminus_service_dispose (GObject *object)
{
  MsTerminusService *self = MS_TERMINUS_SERVICE (object);

  ms_terminus_service_stop (self);
  g_clear_object (&self->control);
  g_clear_object (&self->terminus);
  g_clear_object (&self->listener);
  g_clear_object (&self->matchmaker);
  g_clear_object (&self->store);
  g_clear_object (&self->backend);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (ms_terminus_service_parent_class)->dispose (object);
}

static void
ms_terminus_service_finalize (GObject *object)
{
  MsTerminusService *self = MS_TERMINUS_SERVICE (object);

  if (self->lock_fd >= 0)
    close (self->lock_fd);
  ms_terminus_config_free (self->config);

  G_OBJECT_CLASS (ms_terminus_service_parent_class)->finalize (object);
}

static void
ms_terminus_service_class_init (MsTerminusServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_terminus_service_dispose;
  object_class->finalize = ms_terminus_service_finalize;
}

static void
ms_terminus_service_init (MsTerminusService *self)
{
  self->lock_fd = -1;
}

MsTerminusService *
ms_terminus_service_new (const MsTerminusConfig *config)
{
  MsTerminusService *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->data_dir != NULL, NULL);

  self = g_object_new (MS_TYPE_TERMINUS_SERVICE, NULL);
  self->config = config_copy (config);
  return self;
}

/*
 * Uses @backend instead of the configured one (the Core Lightning plugin
 * builds its own from what lightningd hands it). Call before starting.
 */
void
ms_terminus_service_set_backend (MsTerminusService *self,
                                 MsLightning       *backend)
{
  g_return_if_fail (MS_IS_TERMINUS_SERVICE (self));
  g_return_if_fail (MS_IS_LIGHTNING (backend));
  g_return_if_fail (self->terminus == NULL);

  g_set_object (&self->backend, backend);
}

/* One terminus per data directory: two would spend the same balances. */
static gboolean
lock_data_dir (MsTerminusService  *self,
               GError            **error)
{
  const char *dir = self->config->data_dir;
  g_autofree char *path = NULL;
  int saved_errno;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create the data directory %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  path = g_build_filename (dir, "lock", NULL);
  self->lock_fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0 || flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      saved_errno = errno;
      if (saved_errno == EWOULDBLOCK)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                     "another terminus is using the data directory %s", dir);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     "cannot lock the data directory %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static GTlsCertificate *
load_node_cert (const char  *path,
                GError     **error)
{
  GTlsCertificate *cert = g_tls_certificate_new_from_file (path, error);

  if (cert == NULL)
    g_prefix_error (error, "node certificate: ");
  return cert;
}

static char *
default_cln_rpc (void)
{
  return g_build_filename (g_get_home_dir (), ".lightning", "bitcoin", "lightning-rpc", NULL);
}

/* Makes the backend that needs no secret; the others wait for their credential. */
static gboolean
make_backend (MsTerminusService  *self,
              const char         *credential,
              GError            **error)
{
  MsTerminusConfig *config = self->config;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autofree char *path = NULL;

  switch (config->backend)
    {
    case MS_BACKEND_KIND_DEMO:
      path = g_build_filename (config->data_dir, "demo-ledger.sqlite", NULL);
      self->backend = (MsLightning *) ms_demo_ledger_new (path, config->demo_balance_msat, error);
      break;

    case MS_BACKEND_KIND_CLN_RPC:
      path = config->cln_rpc != NULL ? g_strdup (config->cln_rpc) : default_cln_rpc ();
      self->backend = (MsLightning *) ms_cln_backend_new_rpc (path);
      ms_cln_backend_set_reconnect_delays (MS_CLN_BACKEND (self->backend),
                                           config->retry_first_ms, config->retry_max_ms);
      break;

    case MS_BACKEND_KIND_CLN_REST:
      if (config->node_cert != NULL && (cert = load_node_cert (config->node_cert, error)) == NULL)
        return FALSE;
      self->backend = (MsLightning *) ms_cln_backend_new_rest (config->node_url, credential, cert);
      ms_cln_backend_set_reconnect_delays (MS_CLN_BACKEND (self->backend),
                                           config->retry_first_ms, config->retry_max_ms);
      break;

    case MS_BACKEND_KIND_LND_REST:
      {
        gsize len = strlen (credential);
        g_autofree guint8 *raw = g_malloc (len / 2 + 1);
        g_autoptr(GBytes) macaroon = NULL;

        if (len % 2 != 0 || !ms_hex_decode_into (credential, len, raw, len / 2, NULL))
          {
            ms_wipe (raw, len / 2 + 1);
            g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED,
                         "the stored %s is not hex; store it again with --set-secret",
                         MS_SECRET_LND_MACAROON);
            return FALSE;
          }
        macaroon = g_bytes_new (raw, len / 2);
        ms_wipe (raw, len / 2);

        path = config->node_cert != NULL
          ? g_strdup (config->node_cert)
          : g_build_filename (g_get_home_dir (), ".lnd", "tls.cert", NULL);
        if ((cert = load_node_cert (path, error)) == NULL)
          return FALSE;
        self->backend = (MsLightning *) ms_lnd_backend_new (config->node_url, macaroon, cert);
        ms_lnd_backend_set_reconnect_delays (MS_LND_BACKEND (self->backend),
                                             config->retry_first_ms, config->retry_max_ms);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  return self->backend != NULL;
}

static gboolean
start_relay (MsTerminusService  *self,
             GError            **error)
{
  MsTerminusConfig *config = self->config;
  g_autoptr(MsLocation) advertised = NULL;
  g_autofree char *host = NULL;
  guint16 port;
  gboolean tls = config->listen_tls_cert != NULL;

  if (config->listen == NULL)
    return TRUE;

  if (!ms_parse_host_port (config->listen, &host, &port, error))
    return FALSE;

  self->matchmaker = ms_matchmaker_new ();
  self->listener = ms_ws_listener_new ();

  if (tls)
    {
      g_autoptr(GTlsCertificate) cert = NULL;

      cert = g_tls_certificate_new_from_files (config->listen_tls_cert,
                                               config->listen_tls_key != NULL
                                               ? config->listen_tls_key
                                               : config->listen_tls_cert, error);
      if (cert == NULL)
        {
          g_prefix_error (error, "listen certificate: ");
          return FALSE;
        }
      ms_ws_listener_set_tls_certificate (self->listener, cert);
    }

  if (!ms_ws_listener_listen (self->listener, host, port, error))
    {
      g_prefix_error (error, "cannot listen on %s: ", config->listen);
      return FALSE;
    }
  ms_matchmaker_attach_listener (self->matchmaker, self->listener);

  if (config->advertise != NULL)
    {
      if ((advertised = ms_location_new_from_url (config->advertise, error)) == NULL)
        {
          g_prefix_error (error, "advertise: ");
          return FALSE;
        }
    }
  else
    advertised = ms_location_new_websocket (host, ms_ws_listener_get_port (self->listener), tls);

  ms_terminus_set_listen_location (self->terminus, self->matchmaker, advertised);
  return TRUE;
}

static void
terminus_started_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTerminusService *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!ms_terminus_start_finish (MS_TERMINUS (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->config->rpc_socket != NULL)
    {
      self->control = ms_control_server_new (self->terminus);
      if (!ms_control_server_listen (self->control, self->config->rpc_socket, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_boolean (task, TRUE);
}

/* Says when the node goes away and comes back; the backend retries meanwhile. */
static void
connection_changed_cb (MsLightning       *backend,
                       gboolean           online,
                       const char        *message,
                       MsTerminusService *self)
{
  if (online)
    g_message ("the %s node answers", ms_backend_kind_to_string (self->config->backend));
  else
    g_warning ("the %s node does not answer (%s); retrying with backoff",
               ms_backend_kind_to_string (self->config->backend),
               message != NULL ? message : "no reason given");
}

static void
build_terminus (GTask *task)
{
  MsTerminusService *self = g_task_get_source_object (task);
  MsTerminusConfig *config = self->config;
  g_autofree char *db = g_build_filename (config->data_dir, "terminus.sqlite", NULL);
  GError *error = NULL;

  g_signal_connect_object (self->backend, "connection-changed",
                           G_CALLBACK (connection_changed_cb), self, 0);
  self->store = ms_account_store_new (db);
  self->terminus = ms_terminus_new (self->backend, self->store, self->secrets);
  ms_terminus_set_fee_policy (self->terminus, config->min_fee_msat, config->fee_ppm);
  ms_terminus_set_reconnect_delays (self->terminus, config->retry_first_ms, config->retry_max_ms);

  if (config->relay != NULL)
    {
      g_autoptr(MsLocation) relay = ms_location_new_from_url (config->relay, &error);

      if (relay == NULL)
        {
          g_prefix_error (&error, "relay: ");
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      ms_terminus_set_external_relay (self->terminus, relay);
    }

  if (!start_relay (self, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  ms_terminus_start_async (self->terminus, g_task_get_cancellable (task), terminus_started_cb,
                           task);
}

static void
credential_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  MsTerminusService *self = g_task_get_source_object (task);
  const char *key = g_task_get_task_data (task);
  g_autofree char *credential = NULL;
  GError *error = NULL;
  gboolean ok;

  credential = ms_secret_store_lookup_finish (MS_SECRET_STORE (source), result, &error);
  if (credential == NULL)
    {
      if (error == NULL)
        g_set_error (&error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNAUTHORIZED,
                     "no %s in the %s; store it with “moneysocket-terminus --set-secret %s”",
                     key, self->config->secrets_file != NULL ? "secrets file" : "Secret Service",
                     key);
      else
        g_prefix_error (&error, "cannot read the %s: ", key);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  ok = make_backend (self, credential, &error);
  ms_wipe (credential, strlen (credential));
  if (!ok)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  build_terminus (task);
}

/*
 * Takes the data directory, reads the node credential if the backend needs
 * one, starts the embedded relay and the terminus, then opens the control
 * socket. Fails with a message a user can act on; a node that is down is
 * not a failure (the backend keeps retrying and says so).
 */
void
ms_terminus_service_start_async (MsTerminusService   *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  MsTerminusConfig *config;
  GTask *task;
  GError *error = NULL;
  const char *key = NULL;

  g_return_if_fail (MS_IS_TERMINUS_SERVICE (self));
  g_return_if_fail (self->terminus == NULL);

  config = self->config;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_terminus_service_start_async);

  if (!lock_data_dir (self, &error) ||
      (self->secrets = ms_terminus_config_open_secrets (config, &error)) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (self->backend == NULL)
    {
      if (config->backend == MS_BACKEND_KIND_CLN_REST)
        key = MS_SECRET_CLN_REST_RUNE;
      else if (config->backend == MS_BACKEND_KIND_LND_REST)
        key = MS_SECRET_LND_MACAROON;

      if (key != NULL && config->node_url == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   "the %s backend needs --node-url",
                                   ms_backend_kind_to_string (config->backend));
          g_object_unref (task);
          return;
        }

      if (key != NULL)
        {
          g_task_set_task_data (task, (gpointer) key, NULL);
          ms_secret_store_lookup_async (self->secrets, key, cancellable, credential_cb, task);
          return;
        }

      if (!make_backend (self, NULL, &error))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
    }

  build_terminus (task);
}

gboolean
ms_terminus_service_start_finish (MsTerminusService  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Closes the control socket, every connection and the relay; releases the data directory. */
void
ms_terminus_service_stop (MsTerminusService *self)
{
  g_return_if_fail (MS_IS_TERMINUS_SERVICE (self));

  if (self->control != NULL)
    ms_control_server_stop (self->control);
  if (self->terminus != NULL)
    ms_terminus_stop (self->terminus);
  else if (self->backend != NULL)
    ms_lightning_stop (self->backend);
  if (self->listener != NULL)
    ms_ws_listener_stop (self->listener);
  if (self->matchmaker != NULL)
    ms_matchmaker_close_all (self->matchmaker);
}

MsTerminus *
ms_terminus_service_get_terminus (MsTerminusService *self)
{
  g_return_val_if_fail (MS_IS_TERMINUS_SERVICE (self), NULL);

  return self->terminus;
}

MsLightning *
ms_terminus_service_get_backend (MsTerminusService *self)
{
  g_return_val_if_fail (MS_IS_TERMINUS_SERVICE (self), NULL);

  return self->backend;
}

MsSecretStore *
ms_terminus_service_get_secrets (MsTerminusService *self)
{
  g_return_val_if_fail (MS_IS_TERMINUS_SERVICE (self), NULL);

  return self->secrets;
}

/* The embedded relay's port (useful when listening on port 0), or 0. */
guint16
ms_terminus_service_get_listen_port (MsTerminusService *self)
{
  g_return_val_if_fail (MS_IS_TERMINUS_SERVICE (self), 0);

  return self->listener != NULL ? ms_ws_listener_get_port (self->listener) : 0;
}
