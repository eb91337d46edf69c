/* test-util.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>
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

G_END_DECLS
