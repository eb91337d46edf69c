/* ms-json-stream.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-error.h"
#include "ms-json-stream.h"

/* lightningd's messages are a few levels deep; json-glib would refuse far less than this. */
#define MAX_DEPTH 512

struct _MsJsonStream
{
  GByteArray *buffer;
  gsize       max_message;
  gsize       scanned;      /* bytes of the current object already scanned */
  GString    *closers;      /* the brackets still open, as the characters that close them */
  gboolean    in_string;
  gboolean    escaped;
  gboolean    broken;       /* a framing error happened: nothing more is trusted */
};

MsJsonStream *
ms_json_stream_new (gsize max_message)
{
  MsJsonStream *self = g_new0 (MsJsonStream, 1);

  g_return_val_if_fail (max_message > 0, NULL);

  self->buffer = g_byte_array_new ();
  self->closers = g_string_new (NULL);
  self->max_message = max_message;
  return self;
}

void
ms_json_stream_free (MsJsonStream *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->buffer);
  g_string_free (self->closers, TRUE);
  g_free (self);
}

gboolean
ms_json_stream_push (MsJsonStream  *self,
                     const guint8  *data,
                     gsize          len,
                     GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (self->broken)
    {
      g_set_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON,
                   "the stream broke earlier");
      return FALSE;
    }
  if (len > 0)
    g_byte_array_append (self->buffer, data, len);
  return TRUE;
}

static gboolean
fail (MsJsonStream  *self,
      GError       **error,
      const char    *message)
{
  self->broken = TRUE;
  g_set_error_literal (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON, message);
  return FALSE;
}

static void
drop_front (MsJsonStream *self,
            gsize         n)
{
  g_byte_array_remove_range (self->buffer, 0, n);
  self->scanned = 0;
}

/*
 * The next whole top-level object, NUL-terminated, or NULL: with no error
 * when more bytes are needed; with an error when the stream is not a
 * sequence of objects or one is larger than allowed (then the stream is
 * done for). Strings are followed so braces inside them do not count.
 */
char *
ms_json_stream_pop (MsJsonStream  *self,
                    gsize         *len,
                    GError       **error)
{
  const guint8 *p;
  gsize i;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->broken)
    {
      fail (self, error, "the stream broke earlier");
      return NULL;
    }

  /* Whitespace between objects. */
  if (self->scanned == 0)
    {
      gsize skip = 0;

      while (skip < self->buffer->len && strchr (" \t\r\n", self->buffer->data[skip]) != NULL &&
             self->buffer->data[skip] != '\0')
        skip++;
      if (skip > 0)
        drop_front (self, skip);
      if (self->buffer->len == 0)
        return NULL;
      if (self->buffer->data[0] != '{')
        {
          fail (self, error, "a message does not start with “{”");
          return NULL;
        }
    }

  p = self->buffer->data;
  for (i = self->scanned; i < self->buffer->len; i++)
    {
      guint8 c = p[i];

      if (i >= self->max_message)
        {
          fail (self, error, "a message is too long");
          return NULL;
        }

      /* Messages come out as C strings: a NUL inside would cut one short. */
      if (c == '\0')
        {
          fail (self, error, "a message holds a NUL byte");
          return NULL;
        }

      if (self->in_string)
        {
          if (self->escaped)
            self->escaped = FALSE;
          else if (c == '\\')
            self->escaped = TRUE;
          else if (c == '"')
            self->in_string = FALSE;
          continue;
        }

      if (c == '"')
        self->in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (self->closers->len >= MAX_DEPTH)
            {
              fail (self, error, "a message is nested too deeply");
              return NULL;
            }
          g_string_append_c (self->closers, c == '{' ? '}' : ']');
        }
      else if (c == '}' || c == ']')
        {
          if (self->closers->len == 0 || self->closers->str[self->closers->len - 1] != (char) c)
            {
              fail (self, error, "unbalanced “}” or “]”");
              return NULL;
            }
          g_string_truncate (self->closers, self->closers->len - 1);
          if (self->closers->len == 0)
            {
              char *message = g_strndup ((const char *) p, i + 1);

              if (len != NULL)
                *len = i + 1;
              drop_front (self, i + 1);
              return message;
            }
        }
    }

  self->scanned = i;
  return NULL;
}

JsonObject *
ms_json_object_member_object (JsonObject *object,
                              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
ms_json_object_member_array (JsonObject *object,
                             const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonNode *
value_member (JsonObject *object,
              const char *name,
              GType       type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

const char *
ms_json_object_member_string (JsonObject *object,
                              const char *name)
{
  JsonNode *node = value_member (object, name, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

/* An integer member, or @fallback when it is absent or not an integer. */
gint64
ms_json_object_member_int (JsonObject *object,
                           const char *name,
                           gint64      fallback)
{
  JsonNode *node = value_member (object, name, G_TYPE_INT64);

  return node != NULL ? json_node_get_int (node) : fallback;
}

gboolean
ms_json_object_member_boolean (JsonObject *object,
                               const char *name,
                               gboolean    fallback)
{
  JsonNode *node = value_member (object, name, G_TYPE_BOOLEAN);

  return node != NULL ? json_node_get_boolean (node) : fallback;
}

static void
begin_answer (JsonBuilder *builder,
              JsonNode    *id)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jsonrpc");
  json_builder_add_string_value (builder, "2.0");
  json_builder_set_member_name (builder, "id");
  json_builder_add_value (builder, id != NULL ? json_node_copy (id)
                                              : json_node_new (JSON_NODE_NULL));
}

/* Takes @result. */
JsonNode *
ms_jsonrpc_result_new (JsonNode *id,
                       JsonNode *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (result != NULL, NULL);

  begin_answer (builder, id);
  json_builder_set_member_name (builder, "result");
  json_builder_add_value (builder, result);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
ms_jsonrpc_error_new (JsonNode   *id,
                      int         code,
                      const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (message != NULL, NULL);

  begin_answer (builder, id);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
