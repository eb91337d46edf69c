/* test-json-stream.c: cutting lightningd's plugin stream into messages
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "ms-json-stream.h"
#include "test-util.h"

static GPtrArray *
feed (MsJsonStream *stream,
      const char   *text,
      gsize         chunk,
      GError      **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  gsize len = strlen (text);

  for (gsize at = 0; at < len; at += chunk)
    {
      char *message;
      gsize n;

      if (!ms_json_stream_push (stream, (const guint8 *) text + at, MIN (chunk, len - at), error))
        return out;
      while ((message = ms_json_stream_pop (stream, &n, error)) != NULL)
        {
          g_assert_cmpuint (strlen (message), ==, n);
          g_ptr_array_add (out, message);
        }
      if (error != NULL && *error != NULL)
        return out;
    }
  return out;
}

/* Any cut, any whitespace between, braces and quotes inside strings. */
static void
test_split (void)
{
  const char *text = "{\"id\":1,\"method\":\"getmanifest\"}\n\n"
                     "  {\"s\":\"a } { \\\" ] [\",\"o\":{\"a\":[1,{\"b\":2}]}}"
                     "{\"x\":\"\\\\\"}\n\n";

  for (gsize chunk = 1; chunk <= strlen (text); chunk++)
    {
      g_autoptr(MsJsonStream) stream = ms_json_stream_new (1024);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) messages = feed (stream, text, chunk, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (messages->len, ==, 3);
      g_assert_cmpstr (g_ptr_array_index (messages, 0), ==, "{\"id\":1,\"method\":\"getmanifest\"}");
      g_assert_cmpstr (g_ptr_array_index (messages, 1), ==,
                       "{\"s\":\"a } { \\\" ] [\",\"o\":{\"a\":[1,{\"b\":2}]}}");
      g_assert_cmpstr (g_ptr_array_index (messages, 2), ==, "{\"x\":\"\\\\\"}");
    }
}

/* An unfinished message waits for more, and gives nothing yet. */
static void
test_partial (void)
{
  g_autoptr(MsJsonStream) stream = ms_json_stream_new (1024);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = feed (stream, "{\"a\":{\"b\":\"}", 4, &error);
  g_autoptr(GPtrArray) second = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 0);
  second = feed (stream, "\"}}", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (second, 0), ==, "{\"a\":{\"b\":\"}\"}}");
}

static void
test_errors (void)
{
  struct { const char *text; const char *message; } cases[] = {
    { "[1,2]", "does not start with" },
    { "garbage{}", "does not start with" },
    { "{\"a\":1}}", "does not start with" },
    { "{\"a\":1]]", "unbalanced" },
    { "{\"long\":\"..................................................................\"}",
      "too long" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MsJsonStream) stream = ms_json_stream_new (64);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) after = NULL;
      g_autoptr(GPtrArray) messages = feed (stream, cases[i].text, 3, &error);

      g_assert_cmpuint (messages->len, <=, 1);

      g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      /* Once broken, nothing more is trusted. */
      g_assert_false (ms_json_stream_push (stream, (const guint8 *) "{}", 2, &after));
      g_assert_nonnull (after);
    }
}

static void
test_too_deep (void)
{
  g_autoptr(MsJsonStream) stream = ms_json_stream_new (4096);
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = g_strnfill (600, '[');
  g_autoptr(GPtrArray) messages = NULL;

  deep[0] = '{';
  messages = feed (stream, deep, 100, &error);
  g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
}

static void
test_nul (void)
{
  g_autoptr(MsJsonStream) stream = ms_json_stream_new (4096);
  g_autoptr(GError) error = NULL;
  static const guint8 text[] = { '{', '"', 'a', '"', ':', '1', 0, '}' };

  g_assert_true (ms_json_stream_push (stream, text, sizeof text, &error));
  g_assert_null (ms_json_stream_pop (stream, NULL, &error));
  g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON);
  g_assert_nonnull (strstr (error->message, "NUL"));
}

static void
test_members (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  g_assert_true (json_parser_load_from_data (parser, "{\"s\":\"x\",\"i\":7,\"b\":true,\"o\":{},"
                                             "\"a\":[],\"n\":null,\"f\":1.5}", -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (ms_json_object_member_string (o, "s"), ==, "x");
  g_assert_null (ms_json_object_member_string (o, "i"));
  g_assert_null (ms_json_object_member_string (o, "o"));
  g_assert_null (ms_json_object_member_string (o, "missing"));
  g_assert_cmpint (ms_json_object_member_int (o, "i", -1), ==, 7);
  g_assert_cmpint (ms_json_object_member_int (o, "s", -1), ==, -1);
  g_assert_cmpint (ms_json_object_member_int (o, "f", -1), ==, -1);
  g_assert_cmpint (ms_json_object_member_int (o, "n", -1), ==, -1);
  g_assert_true (ms_json_object_member_boolean (o, "b", FALSE));
  g_assert_false (ms_json_object_member_boolean (o, "i", FALSE));
  g_assert_nonnull (ms_json_object_member_object (o, "o"));
  g_assert_null (ms_json_object_member_object (o, "a"));
  g_assert_nonnull (ms_json_object_member_array (o, "a"));
  g_assert_null (ms_json_object_member_array (o, "n"));
  g_assert_null (ms_json_object_member_object (NULL, "o"));
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/json-stream/split", test_split);
  g_test_add_func ("/ms/json-stream/partial", test_partial);
  g_test_add_func ("/ms/json-stream/errors", test_errors);
  g_test_add_func ("/ms/json-stream/too-deep", test_too_deep);
  g_test_add_func ("/ms/json-stream/nul", test_nul);
  g_test_add_func ("/ms/json-stream/members", test_members);

  return g_test_run ();
}
