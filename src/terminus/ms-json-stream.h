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
