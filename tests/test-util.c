/* test-util.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "moneysocket.h"
#include "test-util.h"

static GLogFunc default_handler;

static void
log_handler_cb (const char     *log_domain,
                GLogLevelFlags  log_level,
                const char     *message,
                gpointer        user_data)
{
  /* g_test_init() prints every g_debug(); libsoup logs each frame, which
   * slows socket tests several-fold. Keep messages and worse only. */
  if (log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return;

  default_handler (log_domain, log_level, message, user_data);
}

void
ms_test_init (int    *argc,
              char ***argv)
{
  /* G_TEST_OPTION_ISOLATE_DIRS hides the GSettings schemas that GNOME's proxy
   * resolver module aborts without; loopback sockets need no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  default_handler = g_log_set_default_handler (log_handler_cb, NULL);
}

static const char *
vectors_dir (void)
{
  const char *dir = g_getenv ("MS_VECTORS_DIR");

  return dir != NULL ? dir : "../shared/vectors";
}

/*
 * Loads a vector file from the shared vectors directory. When the directory
 * is missing the whole test program is skipped with a TAP plan of 0 (meson
 * reads exit code 77 as an error for TAP tests).
 */
JsonObject *
ms_test_load_vector_file (const char *relative_path)
{
  g_autofree char *path = g_build_filename (vectors_dir (), relative_path, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_print ("1..0 # SKIP vector file %s not found; point -Dvectors_dir at the shared "
               "Moneysocket vectors\n", path);
      exit (0);
    }

  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("cannot parse %s: %s", path, error->message);

  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

typedef struct
{
  JsonObject       *root;
  JsonObject       *vector;
  MsVectorTestFunc  func;
} VectorCase;

static void
vector_case_free (gpointer data)
{
  VectorCase *vc = data;

  json_object_unref (vc->root);
  json_object_unref (vc->vector);
  g_free (vc);
}

static void
vector_case_run (gconstpointer data)
{
  const VectorCase *vc = data;

  vc->func (vc->root, vc->vector);
}

static char *
test_name_for (guint       index,
               JsonObject *vector)
{
  const char *name = NULL;
  GString *out = g_string_new (NULL);

  if (json_object_has_member (vector, "name"))
    name = json_object_get_string_member (vector, "name");
  else if (json_object_has_member (vector, "title"))
    name = json_object_get_string_member (vector, "title");

  g_string_append_printf (out, "%03u", index);
  if (name != NULL)
    {
      g_string_append_c (out, '-');
      for (const char *p = name; *p && out->len < 72; p++)
        {
          if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.')
            g_string_append_c (out, *p);
          else if (out->str[out->len - 1] != '-')
            g_string_append_c (out, '-');
        }
    }

  return g_string_free (out, FALSE);
}

/* Registers one test per entry of the file's "vectors" array, named after it. */
void
ms_test_add_vectors (const char       *prefix,
                     const char       *relative_path,
                     MsVectorTestFunc  func)
{
  g_autoptr(JsonObject) root = ms_test_load_vector_file (relative_path);
  JsonArray *vectors = json_object_get_array_member (root, "vectors");

  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *vector = json_array_get_object_element (vectors, i);
      g_autofree char *name = test_name_for (i, vector);
      g_autofree char *path = g_strdup_printf ("%s/%s", prefix, name);
      VectorCase *vc = g_new0 (VectorCase, 1);

      vc->root = json_object_ref (root);
      vc->vector = json_object_ref (vector);
      vc->func = func;
      g_test_add_data_func_full (path, vc, vector_case_run, vector_case_free);
    }
}

GBytes *
ms_test_hex_bytes (const char *hex)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = ms_hex_decode (hex, strlen (hex), &error);

  g_assert_no_error (error);
  return bytes;
}

void
ms_test_assert_hex (const guint8 *data,
                    gsize         len,
                    const char   *expected_hex)
{
  g_autofree char *hex = ms_hex_encode (data, len);

  g_assert_cmpstr (hex, ==, expected_hex);
}

/* A string member, or NULL when it is absent or null. */
const char *
ms_test_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return json_node_get_string (node);
}

gboolean
ms_test_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
ms_test_run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
ms_test_run_clear (MsTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/*
 * Runs @args (a program and its arguments; a NULL is added) to its end,
 * with @stdin_path as its standard input if given, without blocking the
 * main loop: a server the program talks to may live in this process.
 */
void
ms_test_run_argv (MsTestRun  *run,
                  GPtrArray  *args,
                  const char *stdin_path)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (args, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (stdin_path != NULL)
    g_subprocess_launcher_set_stdin_file_path (launcher, stdin_path);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_cb, &result);
  MS_TEST_WAIT_UNTIL (result != NULL, 30000);
  g_assert_true (g_subprocess_communicate_utf8_finish (process, result, &run->out, &run->err,
                                                       &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

/* rm -r, for the temporary directories tests make. */
void
ms_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        ms_test_remove_tree (child);
      }
  g_remove (path);
}

/* Whether something accepts connections on the unix socket @path. */
gboolean
ms_test_socket_answers (const char *path)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, NULL);
  return connection != NULL;
}
