/* cln-schema.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

#include "ms-json.h"

G_BEGIN_DECLS

/*
 * JSON Schema (draft-07) for the subset Core Lightning's doc/schemas use:
 * type (with CLN's own types: msat, u64, hex, pubkey, short_channel_id, ...),
 * properties, required, additionalProperties, enum, const, items, allOf,
 * anyOf, oneOf, not, if/then/else, minLength/maxLength. Any other keyword
 * is refused rather than ignored, so that nothing goes unchecked. Failures
 * are G_IO_ERROR_INVALID_DATA errors naming the JSON path ("$.pays[0].status").
 */

typedef enum
{
  CLN_SCHEMA_REQUEST,   /* msat may be "10sat", "1000msat", "0.1btc" or an integer */
  CLN_SCHEMA_RESPONSE,  /* msat is an integer */
} ClnSchemaDirection;

typedef struct _ClnSchema ClnSchema;

ClnSchema         *cln_schema_load              (const char          *path,
                                                 GError             **error);
ClnSchema         *cln_schema_new_from_data     (const char          *text,
                                                 gsize                len,
                                                 GError             **error);
void               cln_schema_free              (ClnSchema           *schema);
const char        *cln_schema_get_method        (ClnSchema           *schema);
const MsJsonValue *cln_schema_get_request       (ClnSchema           *schema);
const MsJsonValue *cln_schema_get_response      (ClnSchema           *schema);
const MsJsonValue *cln_schema_get_examples      (ClnSchema           *schema);
gboolean           cln_schema_validate_request  (ClnSchema           *schema,
                                                 const MsJsonValue   *params,
                                                 GError             **error);
gboolean           cln_schema_validate_response (ClnSchema           *schema,
                                                 const MsJsonValue   *result,
                                                 GError             **error);
gboolean           cln_schema_validate          (const MsJsonValue   *schema,
                                                 const MsJsonValue   *instance,
                                                 ClnSchemaDirection   direction,
                                                 GError             **error);
gboolean           cln_schema_json_equal        (const MsJsonValue   *a,
                                                 const MsJsonValue   *b);
gboolean           cln_schema_parse_msat        (const MsJsonValue   *value,
                                                 guint64             *msat);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClnSchema, cln_schema_free)

G_END_DECLS
