/* test-util.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef void (*MsVectorTestFunc) (JsonObject *root,
                                  JsonObject *vector);

void        ms_test_init               (int              *argc,
                                        char           ***argv);
JsonObject *ms_test_load_vector_file   (const char       *relative_path);
void        ms_test_add_vectors        (const char       *prefix,
                                        const char       *relative_path,
                                        MsVectorTestFunc  func);
GBytes     *ms_test_hex_bytes          (const char       *hex);
void        ms_test_assert_hex         (const guint8     *data,
                                        gsize             len,
                                        const char       *expected_hex);
const char *ms_test_get_string         (JsonObject       *object,
                                        const char       *member);

gboolean    ms_test_tick_cb            (gpointer          user_data);

/*
 * Iterates the default main context until @cond holds, failing the test
 * after @timeout_ms: every wait in a test has a time cap.
 */
#define MS_TEST_WAIT_UNTIL(cond, timeout_ms)                                        \
  G_STMT_START {                                                                    \
    gint64 ms_test_deadline_ = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000; \
    guint ms_test_tick_ = g_timeout_add (5, ms_test_tick_cb, NULL);                 \
    while (!(cond) && g_get_monotonic_time () < ms_test_deadline_)                  \
      g_main_context_iteration (NULL, TRUE);                                        \
    g_source_remove (ms_test_tick_);                                                \
    if (!(cond))                                                                    \
      g_error ("%s:%d: timed out after %d ms waiting for %s",                       \
               __FILE__, __LINE__, (int) (timeout_ms), #cond);                      \
  } G_STMT_END

/* Runs the main context for @ms milliseconds (to see that nothing happens). */
void        ms_test_run_for            (guint             ms);

/* A program run to its end: exit status and everything it printed. */
typedef struct
{
  int    status;
  char  *out;
  char  *err;
} MsTestRun;

void        ms_test_run_clear          (MsTestRun        *run);
void        ms_test_run_argv           (MsTestRun        *run,
                                        GPtrArray        *args,
                                        const char       *stdin_path);
void        ms_test_remove_tree        (const char       *path);
gboolean    ms_test_socket_answers     (const char       *path);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsTestRun, ms_test_run_clear)

G_END_DECLS
