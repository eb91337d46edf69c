/* ms-secret-store.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Where secrets live: node credentials (runes, macaroons) and the seeds of
 * beacons. By default the desktop's Secret Service (gnome-keyring); on
 * headless servers, when asked explicitly, a file that must be mode 0600
 * and owned by the user. Secrets are text (hex or base64); they never go to
 * logs or error messages.
 */

#define MS_TYPE_SECRET_STORE (ms_secret_store_get_type ())

G_DECLARE_FINAL_TYPE (MsSecretStore, ms_secret_store, MS, SECRET_STORE, GObject)

MsSecretStore *ms_secret_store_new_keyring  (void) G_GNUC_WARN_UNUSED_RESULT;
MsSecretStore *ms_secret_store_new_file     (const char           *path,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean       ms_secret_store_is_file      (MsSecretStore        *self);

void           ms_secret_store_store_async  (MsSecretStore        *self,
                                             const char           *key,
                                             const char           *label,
                                             const char           *secret,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       ms_secret_store_store_finish (MsSecretStore        *self,
                                             GAsyncResult         *result,
                                             GError              **error);
void           ms_secret_store_lookup_async (MsSecretStore        *self,
                                             const char           *key,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
char          *ms_secret_store_lookup_finish (MsSecretStore       *self,
                                             GAsyncResult         *result,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void           ms_secret_store_clear_async  (MsSecretStore        *self,
                                             const char           *key,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       ms_secret_store_clear_finish (MsSecretStore        *self,
                                             GAsyncResult         *result,
                                             GError              **error);

gboolean       ms_secret_file_check         (const char           *path,
                                             GError              **error);

G_END_DECLS
