/* ms-json-stream.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Cuts a byte stream into whole JSON objects, whatever whitespace (or none)
 * lies between them: lightningd talks to its plugins this way, ending each
 * message with a blank line it does not promise.
 */

typedef struct _MsJsonStream MsJsonStream;

MsJsonStream *ms_json_stream_new  (gsize          max_message) G_GNUC_WARN_UNUSED_RESULT;
void          ms_json_stream_free (MsJsonStream  *self);
gboolean      ms_json_stream_push (MsJsonStream  *self,
                                   const guint8  *data,
                                   gsize          len,
                                   GError       **error);
char         *ms_json_stream_pop  (MsJsonStream  *self,
                                   gsize         *len,
                                   GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsJsonStream, ms_json_stream_free)

/* JSON-RPC 2.0 error codes. */
#define MS_JSONRPC_PARSE_ERROR      -32700
#define MS_JSONRPC_INVALID_REQUEST  -32600
#define MS_JSONRPC_METHOD_NOT_FOUND -32601
#define MS_JSONRPC_INVALID_PARAMS   -32602
#define MS_JSONRPC_APP_ERROR        -32000

/* JSON-RPC 2.0 answers to the request @id (NULL: the id was unreadable). */
JsonNode     *ms_jsonrpc_result_new        (JsonNode      *id,
                                            JsonNode      *result) G_GNUC_WARN_UNUSED_RESULT;
JsonNode     *ms_jsonrpc_error_new         (JsonNode      *id,
                                            int            code,
                                            const char    *message) G_GNUC_WARN_UNUSED_RESULT;

/* Members of a request that may be absent or of the wrong type: NULL then, never a warning. */
JsonObject   *ms_json_object_member_object (JsonObject    *object,
                                            const char    *name);
JsonArray    *ms_json_object_member_array  (JsonObject    *object,
                                            const char    *name);
const char   *ms_json_object_member_string (JsonObject    *object,
                                            const char    *name);
gint64        ms_json_object_member_int    (JsonObject    *object,
                                            const char    *name,
                                            gint64         fallback);
gboolean      ms_json_object_member_boolean (JsonObject   *object,
                                            const char    *name,
                                            gboolean       fallback);

G_END_DECLS
