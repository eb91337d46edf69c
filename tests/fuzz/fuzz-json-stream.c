/* fuzz-json-stream.c: lightningd's plugin stream, cut into messages
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ms-json-stream.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* What the plugin does with a message: parse it and read its members. */
static void
take_message (const char *text,
              gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonObject *params;

  /* Every message starts with "{" and ends with its matching "}". */
  g_assert (len >= 2 && text[0] == '{' && text[len - 1] == '}');
  if (!json_parser_load_from_data (parser, text, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;

  object = json_node_get_object (json_parser_get_root (parser));
  (void) ms_json_object_member_string (object, "method");
  (void) ms_json_object_member_int (object, "id", 0);
  params = ms_json_object_member_object (object, "params");
  (void) ms_json_object_member_array (params, "accounts");
  (void) ms_json_object_member_boolean (params, "csv", FALSE);
  (void) ms_json_object_member_string (ms_json_object_member_object (params, "invoice_payment"),
                                       "preimage");
}

/* The first byte sets the chunk size, as reads from a pipe would cut it. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(MsJsonStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gsize chunk;
  gsize total = 0;

  if (size == 0)
    return 0;

  chunk = data[0] == 0 ? size : data[0];
  data++;
  size--;
  stream = ms_json_stream_new (4096);

  for (gsize at = 0; at < size && error == NULL; at += chunk)
    {
      char *message;
      gsize len;

      if (!ms_json_stream_push (stream, data + at, MIN (chunk, size - at), &error))
        break;
      while ((message = ms_json_stream_pop (stream, &len, &error)) != NULL)
        {
          g_assert (len <= 4096);
          total += len;
          take_message (message, len);
          g_free (message);
        }
    }

  /* Never more out than in; a broken stream stays broken. */
  g_assert (total <= size);
  if (error != NULL)
    {
      g_clear_error (&error);
      g_assert (!ms_json_stream_push (stream, (const guint8 *) "{}", 2, &error));
    }
  return 0;
}
