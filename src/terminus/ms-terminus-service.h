/* ms-terminus-service.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-terminus.h"

G_BEGIN_DECLS

/*
 * A whole terminus as one object: the node backend chosen by configuration,
 * the account database, the secret store, the embedded relay that `listen`
 * beacons point at, and the control socket. The daemon, the Core Lightning
 * plugin and the wallet all run one.
 */

/* Secret store keys of the node credentials. */
#define MS_SECRET_CLN_REST_RUNE "cln-rest-rune"
#define MS_SECRET_LND_MACAROON  "lnd-macaroon"

#define MS_TERMINUS_DEFAULT_LISTEN "127.0.0.1:11033"

typedef enum
{
  MS_BACKEND_KIND_DEMO,
  MS_BACKEND_KIND_CLN_RPC,
  MS_BACKEND_KIND_CLN_REST,
  MS_BACKEND_KIND_LND_REST,
} MsBackendKind;

typedef struct
{
  char          *data_dir;          /* accounts and the demo ledger */
  MsBackendKind  backend;
  char          *listen;            /* HOST:PORT of the embedded relay; NULL: none */
  char          *advertise;         /* ws(s):// URL put into listen beacons */
  char          *relay;             /* ws(s):// URL of an external relay for listen beacons */
  char          *listen_tls_cert;   /* PEM files: the embedded relay speaks wss:// */
  char          *listen_tls_key;
  char          *rpc_socket;        /* control socket; NULL: none */
  char          *secrets_file;      /* NULL: the Secret Service */
  char          *cln_rpc;           /* lightning-rpc socket */
  char          *node_url;          /* CLNRest or LND REST base URL */
  char          *node_cert;         /* the node's TLS certificate, pinned */
  guint64        demo_balance_msat; /* what a new demo ledger starts with */
  guint64        min_fee_msat;      /* fee reserve: max (min_fee_msat, amount * fee_ppm) */
  guint          fee_ppm;
  guint          retry_first_ms;    /* backoff while the node or a relay is down */
  guint          retry_max_ms;
} MsTerminusConfig;

MsTerminusConfig *ms_terminus_config_new          (void) G_GNUC_WARN_UNUSED_RESULT;
void              ms_terminus_config_free         (MsTerminusConfig  *config);
gboolean          ms_terminus_config_load_file    (MsTerminusConfig  *config,
                                                   const char        *path,
                                                   GError           **error);
gboolean          ms_terminus_config_set_backend  (MsTerminusConfig  *config,
                                                   const char        *name,
                                                   GError           **error);
const char       *ms_backend_kind_to_string       (MsBackendKind      kind);
char             *ms_terminus_default_config_path (void) G_GNUC_WARN_UNUSED_RESULT;
char             *ms_terminus_default_data_dir    (void) G_GNUC_WARN_UNUSED_RESULT;
gboolean          ms_parse_host_port              (const char        *text,
                                                   char             **host,
                                                   guint16           *port,
                                                   GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsTerminusConfig, ms_terminus_config_free)

#define MS_TYPE_TERMINUS_SERVICE (ms_terminus_service_get_type ())

G_DECLARE_FINAL_TYPE (MsTerminusService, ms_terminus_service, MS, TERMINUS_SERVICE, GObject)

MsTerminusService *ms_terminus_service_new             (const MsTerminusConfig *config) G_GNUC_WARN_UNUSED_RESULT;
void               ms_terminus_service_set_backend     (MsTerminusService      *self,
                                                        MsLightning            *backend);
void               ms_terminus_service_start_async     (MsTerminusService      *self,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
gboolean           ms_terminus_service_start_finish    (MsTerminusService      *self,
                                                        GAsyncResult           *result,
                                                        GError                **error);
void               ms_terminus_service_stop            (MsTerminusService      *self);
MsTerminus        *ms_terminus_service_get_terminus    (MsTerminusService      *self);
MsLightning       *ms_terminus_service_get_backend     (MsTerminusService      *self);
MsSecretStore     *ms_terminus_service_get_secrets     (MsTerminusService      *self);
guint16            ms_terminus_service_get_listen_port (MsTerminusService      *self);

MsSecretStore     *ms_terminus_config_open_secrets     (const MsTerminusConfig *config,
                                                        GError                **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
