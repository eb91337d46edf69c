/* fuzz-json.c: ms_json_document_parse on arbitrary bytes
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "moneysocket.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* Touches every value, so that a bad pointer or length shows up. */
static gsize
walk (const MsJsonValue *value)
{
  gsize sum = 0;
  const char *text;
  gsize len;

  text = ms_json_value_get_raw (value, &len);
  g_assert (len > 0 && text[0] != ' ' && text[len - 1] != ' ');

  switch (ms_json_value_get_value_type (value))
    {
    case MS_JSON_NULL:
    case MS_JSON_BOOLEAN:
    case MS_JSON_INTEGER:
    case MS_JSON_DOUBLE:
      return 1;
    case MS_JSON_STRING:
      text = ms_json_value_get_string (value, &len);
      g_assert (text[len] == '\0');
      g_assert (ms_json_utf8_validate (text, len));
      return len;
    case MS_JSON_ARRAY:
      for (guint i = 0; i < ms_json_value_get_length (value); i++)
        sum += walk (ms_json_array_get_element (value, i));
      return sum;
    case MS_JSON_OBJECT:
      for (guint i = 0; i < ms_json_value_get_length (value); i++)
        {
          text = ms_json_object_get_key (value, i, &len);
          g_assert (ms_json_object_get_member_len (value, text, len) != NULL);
          sum += walk (ms_json_object_get_value_at (value, i));
        }
      return sum;
    }
  g_assert_not_reached ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsJsonDocument) doc = ms_json_document_parse ((const char *) data, size, &error);

  if (doc == NULL)
    {
      g_assert (error != NULL);
      g_assert (!ms_json_is_valid ((const char *) data, size));
      return 0;
    }

  /* Whatever parses is valid UTF-8 throughout. */
  g_assert (ms_json_utf8_validate ((const char *) data, size));
  walk (ms_json_document_get_root (doc));
  return 0;
}
