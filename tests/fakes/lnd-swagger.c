/* lnd-swagger.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * The subset of Swagger 2.0 the LND definitions use: type, format,
 * properties, additionalProperties, items, enum, default and $ref into
 * #/definitions, plus path, query and body parameters.
 */

#include "config.h"

#include <string.h>

#include "lnd-swagger.h"

static const char *documents[] = {
  "lightning.swagger.json",
  "router.swagger.json",
  "invoices.swagger.json",
};

typedef struct
{
  JsonNode   *root;
  JsonObject *definitions;
} Doc;

typedef struct
{
  Doc        *doc;
  char       *template;
  char      **segments;
  JsonObject *methods;
} PathEntry;

struct _LndSwagger
{
  GPtrArray *docs;
  GPtrArray *paths;
};

/* How strictly to read: requests as LND's decoder does, answers as its encoder writes them. */
typedef struct
{
  Doc      *doc;
  gboolean  answer;
} Ctx;

/* A member holding an object, or NULL (json-glib complains about absent members). */
static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
doc_free (gpointer data)
{
  Doc *doc = data;

  json_node_unref (doc->root);
  g_free (doc);
}

static void
path_entry_free (gpointer data)
{
  PathEntry *entry = data;

  g_free (entry->template);
  g_strfreev (entry->segments);
  g_free (entry);
}

void
lnd_swagger_free (LndSwagger *swagger)
{
  if (swagger == NULL)
    return;

  g_ptr_array_unref (swagger->paths);
  g_ptr_array_unref (swagger->docs);
  g_free (swagger);
}

static gboolean
load_document (LndSwagger  *swagger,
               const char  *path,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonObject *paths;
  g_autoptr(GList) names = NULL;
  Doc *doc;

  if (!json_parser_load_from_file (parser, path, error))
    return FALSE;

  doc = g_new0 (Doc, 1);
  doc->root = json_node_ref (json_parser_get_root (parser));
  root = json_node_get_object (doc->root);
  doc->definitions = get_object (root, "definitions");
  g_ptr_array_add (swagger->docs, doc);

  paths = get_object (root, "paths");
  names = json_object_get_members (paths);
  for (GList *l = names; l != NULL; l = l->next)
    {
      PathEntry *entry = g_new0 (PathEntry, 1);

      entry->doc = doc;
      entry->template = g_strdup (l->data);
      entry->segments = g_strsplit (l->data, "/", -1);
      entry->methods = get_object (paths, l->data);
      g_ptr_array_add (swagger->paths, entry);
    }

  return TRUE;
}

LndSwagger *
lnd_swagger_load (const char  *dir,
                  GError     **error)
{
  g_autoptr(LndSwagger) swagger = g_new0 (LndSwagger, 1);

  swagger->docs = g_ptr_array_new_with_free_func (doc_free);
  swagger->paths = g_ptr_array_new_with_free_func (path_entry_free);

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autofree char *path = g_build_filename (dir, documents[i], NULL);

      if (!load_document (swagger, path, error))
        return NULL;
    }

  return g_steal_pointer (&swagger);
}

static gboolean
is_template_segment (const char *segment)
{
  gsize len = strlen (segment);

  return len > 2 && segment[0] == '{' && segment[len - 1] == '}';
}

/* How well @segments fits @entry: -1 not at all, else the number of literal segments. */
static int
match_score (PathEntry  *entry,
             char      **segments)
{
  int score = 0;

  if (g_strv_length (entry->segments) != g_strv_length (segments))
    return -1;

  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (is_template_segment (entry->segments[i]))
        {
          if (segments[i][0] == '\0')
            return -1;
        }
      else if (strcmp (entry->segments[i], segments[i]) != 0)
        return -1;
      else
        score++;
    }

  return score;
}

static PathEntry *
find_path (LndSwagger *swagger,
           char      **segments)
{
  PathEntry *best = NULL;
  int best_score = -1;

  for (guint i = 0; i < swagger->paths->len; i++)
    {
      PathEntry *entry = g_ptr_array_index (swagger->paths, i);
      int score = match_score (entry, segments);

      if (score > best_score)
        {
          best = entry;
          best_score = score;
        }
    }

  return best;
}

static JsonObject *
find_operation (LndSwagger  *swagger,
                const char  *method,
                const char  *path,
                PathEntry  **entry_out,
                GError     **error)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  g_autofree char *lower = g_ascii_strdown (method, -1);
  PathEntry *entry = find_path (swagger, segments);

  if (entry == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no LND REST path %s", path);
      return NULL;
    }
  if (!json_object_has_member (entry->methods, lower))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s does not take %s",
                   entry->template, method);
      return NULL;
    }

  if (entry_out != NULL)
    *entry_out = entry;
  return get_object (entry->methods, lower);
}

static JsonObject *
success_schema (JsonObject *operation)
{
  JsonObject *responses = get_object (operation, "responses");
  JsonObject *ok = get_object (responses, "200");

  return get_object (ok, "schema");
}

static gboolean
operation_streams (JsonObject *operation)
{
  JsonObject *responses = get_object (operation, "responses");
  JsonObject *ok = get_object (responses, "200");
  const char *description = json_object_get_string_member_with_default (ok, "description", "");

  return strstr (description, "(streaming responses)") != NULL;
}

gboolean
lnd_swagger_match (LndSwagger       *swagger,
                   const char       *method,
                   const char       *path,
                   LndSwaggerMatch  *match,
                   GError          **error)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  PathEntry *entry = NULL;
  JsonObject *operation;

  memset (match, 0, sizeof *match);
  if (!(operation = find_operation (swagger, method, path, &entry, error)))
    return FALSE;

  match->operation_id = json_object_get_string_member (operation, "operationId");
  match->template = entry->template;
  match->streaming = operation_streams (operation);
  match->path_params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; segments[i] != NULL; i++)
    if (is_template_segment (entry->segments[i]))
      g_hash_table_insert (match->path_params,
                           g_strndup (entry->segments[i] + 1, strlen (entry->segments[i]) - 2),
                           g_strdup (segments[i]));
  return TRUE;
}

void
lnd_swagger_match_clear (LndSwaggerMatch *match)
{
  g_clear_pointer (&match->path_params, g_hash_table_unref);
}

static int
base64_char (char     c,
             gboolean url)
{
  if (g_ascii_isalnum (c))
    return 1;
  if (c == (url ? '-' : '+') || c == (url ? '_' : '/'))
    return 1;
  return 0;
}

/* Go's base64: @padded is StdEncoding/URLEncoding, otherwise the Raw variants. */
static gboolean
base64_ok (const char *text,
           gboolean    url,
           gboolean    padded)
{
  gsize len = strlen (text);
  gsize pad = 0;

  if (padded)
    {
      if (len % 4 != 0)
        return FALSE;
      while (pad < 2 && pad < len && text[len - 1 - pad] == '=')
        pad++;
    }
  else if (len % 4 == 1)
    return FALSE;

  for (gsize i = 0; i < len - pad; i++)
    if (!base64_char (text[i], url))
      return FALSE;
  return TRUE;
}

/*
 * Bytes as LND writes them (StdEncoding) or, with @answer FALSE, as
 * protojson reads them: standard or URL-safe, padded or not.
 */
gboolean
lnd_swagger_bytes_valid (const char *text,
                         gboolean    answer)
{
  gsize len = strlen (text);

  if (answer)
    return base64_ok (text, FALSE, TRUE);

  return base64_ok (text, FALSE, len % 4 == 0) || base64_ok (text, TRUE, len % 4 == 0);
}

/* grpc-gateway runtime.Bytes: StdEncoding, else URLEncoding, both padded. */
static gboolean
path_bytes_valid (const char *text)
{
  return base64_ok (text, FALSE, TRUE) || base64_ok (text, TRUE, TRUE);
}

static gboolean
fail (GError     **error,
      const char  *where,
      const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", where, what);
  return FALSE;
}

static JsonObject *
resolve (Ctx        *ctx,
         JsonObject *schema)
{
  for (guint depth = 0; depth < 16 && json_object_has_member (schema, "$ref"); depth++)
    {
      const char *ref = json_object_get_string_member (schema, "$ref");

      g_assert (g_str_has_prefix (ref, "#/definitions/"));
      schema = get_object (ctx->doc->definitions, ref + strlen ("#/definitions/"));
      g_assert (schema != NULL);
    }
  return schema;
}

static gboolean
is_message_schema (JsonObject *schema)
{
  const char *type = json_object_get_string_member_with_default (schema, "type", "");

  return json_object_has_member (schema, "properties") ||
         (g_str_equal (type, "object") && !json_object_has_member (schema, "additionalProperties"));
}

static gboolean check_value (Ctx         *ctx,
                             JsonObject  *schema,
                             JsonNode    *value,
                             const char  *where,
                             GError     **error);

/* Decimal text of a 64-bit integer, as protojson writes and reads it. */
static gboolean
int64_text_ok (const char *text,
               gboolean    is_unsigned)
{
  if (is_unsigned)
    return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, NULL, NULL) && text[0] != '+';
  return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, NULL, NULL) && text[0] != '+';
}

static gboolean
check_string (Ctx         *ctx,
              JsonObject  *schema,
              JsonNode    *value,
              const char  *where,
              GError     **error)
{
  const char *format = json_object_get_string_member_with_default (schema, "format", "");
  const char *text;

  if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
    return fail (error, where, g_str_equal (format, "int64") || g_str_equal (format, "uint64")
                               ? "a 64-bit integer must be a JSON string"
                               : "expected a string");

  text = json_node_get_string (value);
  if ((g_str_equal (format, "int64") || g_str_equal (format, "uint64")) &&
      !int64_text_ok (text, g_str_equal (format, "uint64")))
    return fail (error, where, "not a decimal integer in range");
  if (g_str_equal (format, "byte") && !lnd_swagger_bytes_valid (text, ctx->answer))
    return fail (error, where, ctx->answer ? "bytes must be padded standard base64"
                                           : "bytes must be base64");
  return TRUE;
}

static gboolean
check_integer (JsonObject  *schema,
               JsonNode    *value,
               const char  *where,
               GError     **error)
{
  const char *format = json_object_get_string_member_with_default (schema, "format", "");
  gint64 number;

  if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64)
    return fail (error, where, "expected a JSON integer");

  number = json_node_get_int (value);
  if (g_str_equal (format, "int32") && (number < G_MININT32 || number > G_MAXINT32))
    return fail (error, where, "out of int32 range");
  if (g_str_equal (format, "uint32") && (number < 0 || number > G_MAXUINT32))
    return fail (error, where, "out of uint32 range");
  return TRUE;
}

static gboolean
check_enum (JsonObject  *schema,
            JsonNode    *value,
            const char  *where,
            GError     **error)
{
  JsonArray *names = json_object_get_array_member (schema, "enum");

  if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
    return fail (error, where, "an enum must be given by name");

  for (guint i = 0; i < json_array_get_length (names); i++)
    if (g_strcmp0 (json_array_get_string_element (names, i), json_node_get_string (value)) == 0)
      return TRUE;

  return fail (error, where, "not a name of this enum");
}

static gboolean
check_array (Ctx         *ctx,
             JsonObject  *schema,
             JsonNode    *value,
             const char  *where,
             GError     **error)
{
  JsonObject *items = get_object (schema, "items");
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return fail (error, where, "expected an array");

  array = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_where = g_strdup_printf ("%s[%u]", where, i);

      if (!check_value (ctx, items, json_array_get_element (array, i), item_where, error))
        return FALSE;
    }
  return TRUE;
}

/* protojson: unknown fields are refused; LND's encoder (EmitUnpopulated) writes every field. */
static gboolean
check_object (Ctx         *ctx,
              JsonObject  *schema,
              JsonNode    *value,
              const char  *where,
              GError     **error)
{
  JsonObject *properties = get_object (schema, "properties");
  JsonObject *extra = get_object (schema, "additionalProperties");
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    return fail (error, where, "expected an object");

  object = json_node_get_object (value);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *member_where = g_strdup_printf ("%s.%s", where, (char *) l->data);
      JsonObject *member_schema = properties != NULL ? get_object (properties, l->data)
                                                     : NULL;

      if (member_schema == NULL)
        member_schema = extra;
      if (member_schema == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "proto: %s: unknown field \"%s\"", where, (char *) l->data);
          return FALSE;
        }
      if (!check_value (ctx, member_schema, json_object_get_member (object, l->data), member_where,
                        error))
        return FALSE;
    }

  if (ctx->answer && properties != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (properties);

      for (GList *l = names; l != NULL; l = l->next)
        if (!json_object_has_member (object, l->data))
          {
            g_autofree char *what = g_strdup_printf ("field \"%s\" missing (lnd emits every field)",
                                                     (char *) l->data);
            return fail (error, where, what);
          }
    }
  return TRUE;
}

static gboolean
check_value (Ctx         *ctx,
             JsonObject  *schema,
             JsonNode    *value,
             const char  *where,
             GError     **error)
{
  const char *type;

  schema = resolve (ctx, schema);

  /* EmitUnpopulated writes an unset message field as null; requests have no business with null. */
  if (JSON_NODE_HOLDS_NULL (value))
    return (ctx->answer && is_message_schema (schema)) || fail (error, where, "unexpected null");

  if (json_object_has_member (schema, "enum"))
    return check_enum (schema, value, where, error);

  type = json_object_get_string_member_with_default (schema, "type", NULL);
  if (type == NULL && json_object_has_member (schema, "properties"))
    type = "object";
  if (type == NULL)
    return TRUE;

  if (g_str_equal (type, "object"))
    return check_object (ctx, schema, value, where, error);
  if (g_str_equal (type, "array"))
    return check_array (ctx, schema, value, where, error);
  if (g_str_equal (type, "string"))
    return check_string (ctx, schema, value, where, error);
  if (g_str_equal (type, "integer"))
    return check_integer (schema, value, where, error);
  if (g_str_equal (type, "number"))
    return JSON_NODE_HOLDS_VALUE (value) && (json_node_get_value_type (value) == G_TYPE_INT64 ||
                                             json_node_get_value_type (value) == G_TYPE_DOUBLE)
           ? TRUE : fail (error, where, "expected a number");
  if (g_str_equal (type, "boolean"))
    return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN
           ? TRUE : fail (error, where, "expected true or false");

  return fail (error, where, "a type this validator does not know");
}

/* strconv.ParseBool, which grpc-gateway uses for boolean query parameters. */
static gboolean
query_bool_ok (const char *text)
{
  static const char *accepted[] = { "1", "t", "T", "TRUE", "true", "True",
                                    "0", "f", "F", "FALSE", "false", "False" };

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    if (g_str_equal (text, accepted[i]))
      return TRUE;
  return FALSE;
}

/* A path or query parameter, as text. */
static gboolean
check_parameter_text (JsonObject  *parameter,
                      const char  *text,
                      gboolean     in_path,
                      GError     **error)
{
  const char *name = json_object_get_string_member (parameter, "name");
  const char *type = json_object_get_string_member_with_default (parameter, "type", "string");
  const char *format = json_object_get_string_member_with_default (parameter, "format", "");
  gboolean ok = TRUE;

  if (g_str_equal (type, "boolean"))
    ok = query_bool_ok (text);
  else if (g_str_equal (type, "integer") || g_str_equal (format, "int64") ||
           g_str_equal (format, "uint64"))
    ok = int64_text_ok (text, g_str_equal (format, "uint64"));
  else if (g_str_equal (format, "byte"))
    ok = in_path ? path_bytes_valid (text) : lnd_swagger_bytes_valid (text, FALSE);
  else if (g_str_equal (type, "number"))
    ok = g_ascii_strtod (text, NULL) == g_ascii_strtod (text, NULL) && text[0] != '\0';

  if (!ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "parameter %s: \"%s\" is not a valid %s%s%s", name, text, type,
                   *format ? "/" : "", format);
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
find_parameter (JsonArray  *parameters,
                const char *in,
                const char *name)
{
  for (guint i = 0; parameters != NULL && i < json_array_get_length (parameters); i++)
    {
      JsonObject *parameter = json_array_get_object_element (parameters, i);

      if (g_str_equal (json_object_get_string_member (parameter, "in"), in) &&
          g_str_equal (json_object_get_string_member (parameter, "name"), name))
        return parameter;
    }
  return NULL;
}

static gboolean
check_path_params (JsonArray   *parameters,
                   GHashTable  *values,
                   GError     **error)
{
  GHashTableIter iter;
  gpointer name, text;

  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &name, &text))
    {
      JsonObject *parameter = find_parameter (parameters, "path", name);
      g_autofree char *decoded = g_uri_unescape_string (text, NULL);

      if (parameter == NULL || decoded == NULL)
        return fail (error, name, "not a path parameter of this operation");
      if (!check_parameter_text (parameter, decoded, TRUE, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_query (JsonArray   *parameters,
             GHashTable  *query,
             GError     **error)
{
  GHashTableIter iter;
  gpointer name, text;

  if (query == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &name, &text))
    {
      JsonObject *parameter = find_parameter (parameters, "query", name);

      if (parameter == NULL)
        return fail (error, name, "not a query parameter of this operation");
      if (!check_parameter_text (parameter, text, FALSE, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_body (Ctx         *ctx,
            JsonArray   *parameters,
            const char  *body,
            gsize        body_len,
            JsonNode   **body_out,
            GError     **error)
{
  JsonObject *parameter = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  for (guint i = 0; parameters != NULL && i < json_array_get_length (parameters); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (parameters, i),
                                                    "in"), "body"))
      parameter = json_array_get_object_element (parameters, i);

  if (parameter == NULL)
    return body_len == 0 ? TRUE : fail (error, "body", "this operation takes no body");

  /* grpc-gateway decodes an empty body as an empty message. */
  if (body_len == 0)
    {
      body = "{}";
      body_len = 2;
    }
  if (!json_parser_load_from_data (parser, body, (gssize) body_len, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !check_value (ctx, get_object (parameter, "schema"), root,
                                    "body", error))
    return root == NULL ? fail (error, "body", "empty") : FALSE;

  if (body_out != NULL)
    *body_out = json_node_ref (root);
  return TRUE;
}

gboolean
lnd_swagger_validate_request (LndSwagger  *swagger,
                              const char  *method,
                              const char  *path,
                              GHashTable  *query,
                              const char  *body,
                              gsize        body_len,
                              JsonNode   **body_out,
                              GError     **error)
{
  LndSwaggerMatch match;
  PathEntry *entry = NULL;
  JsonObject *operation;
  JsonArray *parameters;
  Ctx ctx = { NULL, FALSE };
  gboolean ok;

  if (!(operation = find_operation (swagger, method, path, &entry, error)))
    return FALSE;
  if (!lnd_swagger_match (swagger, method, path, &match, error))
    return FALSE;

  ctx.doc = entry->doc;
  parameters = json_object_has_member (operation, "parameters")
               ? json_object_get_array_member (operation, "parameters") : NULL;
  ok = check_path_params (parameters, match.path_params, error) &&
       check_query (parameters, query, error) &&
       check_body (&ctx, parameters, body, body_len, body_out, error);
  lnd_swagger_match_clear (&match);
  return ok;
}

/* A stream line, or the body of a stream that failed at once: exactly one of result and error. */
static gboolean
check_stream_line (Ctx         *ctx,
                   JsonObject  *wrapper,
                   JsonNode    *line,
                   GError     **error)
{
  JsonObject *properties = get_object (wrapper, "properties");
  JsonObject *object;
  const char *member;

  if (!JSON_NODE_HOLDS_OBJECT (line) || json_object_get_size (json_node_get_object (line)) != 1)
    return fail (error, "line", "a stream line holds exactly one of result and error");

  object = json_node_get_object (line);
  member = json_object_has_member (object, "result") ? "result" : "error";
  if (!json_object_has_member (object, member))
    return fail (error, "line", "neither result nor error");

  return check_value (ctx, get_object (properties, member),
                      json_object_get_member (object, member), member, error);
}

/*
 * What LND answers @method @path with: the 200 schema or rpcStatus for a
 * unary call; for a stream, one line (or a failed stream's whole body).
 */
gboolean
lnd_swagger_validate_answer (LndSwagger  *swagger,
                             const char  *method,
                             const char  *path,
                             guint        http_status,
                             JsonNode    *body,
                             GError     **error)
{
  PathEntry *entry = NULL;
  JsonObject *operation;
  JsonObject *responses;
  Ctx ctx = { NULL, TRUE };

  if (!(operation = find_operation (swagger, method, path, &entry, error)))
    return FALSE;

  ctx.doc = entry->doc;
  if (operation_streams (operation))
    return check_stream_line (&ctx, success_schema (operation), body, error);

  responses = get_object (operation, "responses");
  if (http_status == 200)
    return check_value (&ctx, success_schema (operation), body, "answer", error);
  return check_value (&ctx, get_object (get_object (responses, "default"), "schema"), body,
                      "answer", error);
}

static Doc *
find_definition (LndSwagger  *swagger,
                 const char  *definition,
                 JsonObject **schema)
{
  for (guint i = 0; i < swagger->docs->len; i++)
    {
      Doc *doc = g_ptr_array_index (swagger->docs, i);

      if (json_object_has_member (doc->definitions, definition))
        {
          *schema = get_object (doc->definitions, definition);
          return doc;
        }
    }
  g_error ("no swagger definition %s", definition);
}

/* One answer message, e.g. "rpcStatus" for the gateway's own 404. */
gboolean
lnd_swagger_validate_message (LndSwagger  *swagger,
                              const char  *definition,
                              JsonNode    *value,
                              GError     **error)
{
  JsonObject *schema = NULL;
  Ctx ctx = { NULL, TRUE };

  ctx.doc = find_definition (swagger, definition, &schema);
  return check_value (&ctx, schema, value, definition, error);
}

static void fill_object (Ctx        *ctx,
                         JsonObject *schema,
                         JsonObject *object);

/* What protojson's EmitUnpopulated writes for a field that is not set. */
static JsonNode *
zero_value (Ctx        *ctx,
            JsonObject *schema)
{
  const char *type;
  const char *format;

  schema = resolve (ctx, schema);
  if (json_object_has_member (schema, "enum"))
    return json_node_init_string (json_node_alloc (),
                                  json_object_get_string_member_with_default (
                                    schema, "default",
                                    json_array_get_string_element (
                                      json_object_get_array_member (schema, "enum"), 0)));

  type = json_object_get_string_member_with_default (schema, "type", "object");
  format = json_object_get_string_member_with_default (schema, "format", "");
  if (g_str_equal (type, "string"))
    return json_node_init_string (json_node_alloc (),
                                  g_str_equal (format, "int64") || g_str_equal (format, "uint64")
                                  ? "0" : "");
  if (g_str_equal (type, "integer"))
    return json_node_init_int (json_node_alloc (), 0);
  if (g_str_equal (type, "number"))
    return json_node_init_double (json_node_alloc (), 0);
  if (g_str_equal (type, "boolean"))
    return json_node_init_boolean (json_node_alloc (), FALSE);
  if (g_str_equal (type, "array"))
    {
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      json_node_take_array (node, json_array_new ());
      return node;
    }
  if (is_message_schema (schema))
    return json_node_init_null (json_node_alloc ());
  {
    JsonNode *node = json_node_new (JSON_NODE_OBJECT);

    json_node_take_object (node, json_object_new ());
    return node;
  }
}

static void
fill_node (Ctx        *ctx,
           JsonObject *schema,
           JsonNode   *node)
{
  schema = resolve (ctx, schema);

  if (JSON_NODE_HOLDS_OBJECT (node) && json_object_has_member (schema, "properties"))
    fill_object (ctx, schema, json_node_get_object (node));
  else if (JSON_NODE_HOLDS_ARRAY (node) && json_object_has_member (schema, "items"))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
      fill_node (ctx, get_object (schema, "items"),
                 json_array_get_element (json_node_get_array (node), i));
}

static void
fill_object (Ctx        *ctx,
             JsonObject *schema,
             JsonObject *object)
{
  JsonObject *properties = get_object (schema, "properties");
  g_autoptr(GList) names = json_object_get_members (properties);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *property = get_object (properties, l->data);

      if (!json_object_has_member (object, l->data))
        json_object_set_member (object, l->data, zero_value (ctx, property));
      else
        fill_node (ctx, property, json_object_get_member (object, l->data));
    }
}

/* Adds every field of @definition that @object lacks, as LND's marshaler would. */
void
lnd_swagger_fill_defaults (LndSwagger *swagger,
                           const char *definition,
                           JsonObject *object)
{
  JsonObject *schema = NULL;
  Ctx ctx = { NULL, TRUE };

  ctx.doc = find_definition (swagger, definition, &schema);
  fill_object (&ctx, schema, object);
}
