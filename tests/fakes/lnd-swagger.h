/* lnd-swagger.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * LND's REST contract, read from the swagger files it publishes
 * (lnrpc/lightning.swagger.json, routerrpc/router.swagger.json,
 * invoicesrpc/invoices.swagger.json), checked the way LND's gateway reads
 * requests and writes answers: protojson with proto names, int64/uint64 as
 * strings, bytes as base64, enums by name, unknown fields refused.
 *
 * Errors are G_IO_ERROR: NOT_FOUND for a path LND does not serve,
 * NOT_SUPPORTED for a method it does not take there, INVALID_DATA for a
 * parameter, body or answer that does not fit.
 */

typedef struct _LndSwagger LndSwagger;

/**
 * LndSwaggerMatch:
 * @operation_id: the gRPC method behind the path, e.g. "Router_SendPaymentV2"
 * @template: the swagger path it matched, e.g. "/v2/router/track/{payment_hash}"
 * @path_params: parameter name → its (still encoded) text in the path
 * @streaming: the answer is a stream of {"result": …} / {"error": …} lines
 */
typedef struct
{
  const char *operation_id;
  const char *template;
  GHashTable *path_params;
  gboolean    streaming;
} LndSwaggerMatch;

LndSwagger *lnd_swagger_load               (const char       *dir,
                                            GError          **error);
void        lnd_swagger_free               (LndSwagger       *swagger);

gboolean    lnd_swagger_match              (LndSwagger       *swagger,
                                            const char       *method,
                                            const char       *path,
                                            LndSwaggerMatch  *match,
                                            GError          **error);
void        lnd_swagger_match_clear        (LndSwaggerMatch  *match);
gboolean    lnd_swagger_validate_request   (LndSwagger       *swagger,
                                            const char       *method,
                                            const char       *path,
                                            GHashTable       *query,
                                            const char       *body,
                                            gsize             body_len,
                                            JsonNode        **body_out,
                                            GError          **error);
gboolean    lnd_swagger_validate_answer    (LndSwagger       *swagger,
                                            const char       *method,
                                            const char       *path,
                                            guint             http_status,
                                            JsonNode         *body,
                                            GError          **error);
gboolean    lnd_swagger_validate_message   (LndSwagger       *swagger,
                                            const char       *definition,
                                            JsonNode         *value,
                                            GError          **error);
void        lnd_swagger_fill_defaults      (LndSwagger       *swagger,
                                            const char       *definition,
                                            JsonObject       *object);
gboolean    lnd_swagger_bytes_valid        (const char       *text,
                                            gboolean          response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LndSwagger, lnd_swagger_free)

G_END_DECLS
