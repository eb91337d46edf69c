/* ms-json.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A small strict RFC 8259 JSON reader and writer for the message hot path
 * (json-glib is used elsewhere). A document owns all of its values; values
 * are borrowed and live as long as the document.
 */

typedef enum
{
  MS_JSON_NULL,
  MS_JSON_BOOLEAN,
  MS_JSON_INTEGER,   /* a number literal without fraction or exponent that fits gint64 */
  MS_JSON_DOUBLE,    /* any other number literal */
  MS_JSON_STRING,
  MS_JSON_ARRAY,
  MS_JSON_OBJECT,
} MsJsonType;

#define MS_JSON_MAX_DEPTH 64

typedef struct _MsJsonValue    MsJsonValue;
typedef struct _MsJsonDocument MsJsonDocument;

MsJsonDocument    *ms_json_document_parse      (const char           *text,
                                                gsize                 len,
                                                GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void               ms_json_document_free       (MsJsonDocument       *doc);
const MsJsonValue *ms_json_document_get_root   (const MsJsonDocument *doc);
gboolean           ms_json_is_valid            (const char           *text,
                                                gsize                 len);

MsJsonType         ms_json_value_get_value_type (const MsJsonValue   *value);
gboolean           ms_json_value_get_boolean   (const MsJsonValue    *value);
gint64             ms_json_value_get_integer   (const MsJsonValue    *value);
gdouble            ms_json_value_get_double    (const MsJsonValue    *value);
const char        *ms_json_value_get_string    (const MsJsonValue    *value,
                                                gsize                *len);
const char        *ms_json_value_get_raw       (const MsJsonValue    *value,
                                                gsize                *len);
guint              ms_json_value_get_length    (const MsJsonValue    *value);
const MsJsonValue *ms_json_array_get_element   (const MsJsonValue    *array,
                                                guint                 index);
const char        *ms_json_object_get_key      (const MsJsonValue    *object,
                                                guint                 index,
                                                gsize                *len);
const MsJsonValue *ms_json_object_get_value_at (const MsJsonValue    *object,
                                                guint                 index);
const MsJsonValue *ms_json_object_get_member   (const MsJsonValue    *object,
                                                const char           *key);
const MsJsonValue *ms_json_object_get_member_len (const MsJsonValue  *object,
                                                const char           *key,
                                                gsize                 key_len);

void               ms_json_append_string       (GString              *out,
                                                const char           *str,
                                                gssize                len);
void               ms_json_append_double       (GString              *out,
                                                gdouble               value);
void               ms_json_append_int64        (GString              *out,
                                                gint64                value);
void               ms_json_append_uint64       (GString              *out,
                                                guint64               value);
void               ms_json_append_timestamp    (GString              *out,
                                                gdouble               seconds);

gboolean           ms_json_utf8_validate       (const char           *str,
                                                gsize                 len);
gsize              ms_json_utf8_n_chars        (const char           *str,
                                                gsize                 len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsJsonDocument, ms_json_document_free)

G_END_DECLS
