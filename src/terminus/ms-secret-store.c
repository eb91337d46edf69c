/* ms-secret-store.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "ms-crypto.h"
#include "ms-error.h"
#include "ms-secret-store.h"

#define FILE_GROUP "secrets"

struct _MsSecretStore
{
  GObject   parent_instance;

  char     *path;      /* NULL: the Secret Service */
  GKeyFile *file;      /* the file's contents, kept in memory */
};

G_DEFINE_FINAL_TYPE (MsSecretStore, ms_secret_store, G_TYPE_OBJECT)

static const SecretSchema schema = {
  .name = "money.socket.Terminus",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { .name = "key", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = NULL },
  },
};

static void
ms_secret_store_finalize (GObject *object)
{
  MsSecretStore *self = MS_SECRET_STORE (object);

  g_clear_pointer (&self->file, g_key_file_unref);
  g_free (self->path);

  G_OBJECT_CLASS (ms_secret_store_parent_class)->finalize (object);
}

static void
ms_secret_store_class_init (MsSecretStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_secret_store_finalize;
}

static void
ms_secret_store_init (MsSecretStore *self)
{
}

MsSecretStore *
ms_secret_store_new_keyring (void)
{
  return g_object_new (MS_TYPE_SECRET_STORE, NULL);
}

/*
 * A secrets file is refused unless it is a regular file owned by us that
 * nobody else can read or write (mode 0600 or stricter).
 */
gboolean
ms_secret_file_check (const char  *path,
                      GError     **error)
{
  struct stat st;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "credentials file %s: %s", path, g_strerror (saved));
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   "credentials file %s is not a regular file", path);
      return FALSE;
    }

  if (st.st_uid != getuid ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "credentials file %s belongs to another user", path);
      return FALSE;
    }

  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "credentials file %s has mode %04o; only its owner may read it "
                   "(chmod 600 %s)", path, st.st_mode & 07777, path);
      return FALSE;
    }

  return TRUE;
}

/* Opens (or creates, mode 0600) a secrets file; see ms_secret_file_check(). */
MsSecretStore *
ms_secret_store_new_file (const char  *path,
                          GError     **error)
{
  g_autoptr(MsSecretStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MS_TYPE_SECRET_STORE, NULL);
  self->path = g_strdup (path);
  self->file = g_key_file_new ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!g_file_set_contents_full (path, "", 0, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
        return NULL;
      return g_steal_pointer (&self);
    }

  if (!ms_secret_file_check (path, error) ||
      !g_key_file_load_from_file (self->file, path, G_KEY_FILE_NONE, error))
    {
      g_prefix_error (error, "secrets: ");
      return NULL;
    }

  return g_steal_pointer (&self);
}

gboolean
ms_secret_store_is_file (MsSecretStore *self)
{
  g_return_val_if_fail (MS_IS_SECRET_STORE (self), FALSE);

  return self->path != NULL;
}

/* Rewrites the whole file atomically, mode 0600, after each change. */
static gboolean
save_file (MsSecretStore  *self,
           GError        **error)
{
  gsize len;
  g_autofree char *data = g_key_file_to_data (self->file, &len, NULL);
  gboolean ok = g_file_set_contents_full (self->path, data, len, G_FILE_SET_CONTENTS_CONSISTENT,
                                          0600, error);

  ms_wipe (data, len);
  return ok;
}

static void
keyring_store_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
ms_secret_store_store_async (MsSecretStore       *self,
                             const char          *key,
                             const char          *label,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MS_IS_SECRET_STORE (self));
  g_return_if_fail (key != NULL && secret != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_secret_store_store_async);

  if (self->path == NULL)
    {
      secret_password_store (&schema, SECRET_COLLECTION_DEFAULT, label != NULL ? label : key,
                             secret, cancellable, keyring_store_cb, g_steal_pointer (&task),
                             "key", key, NULL);
      return;
    }

  g_key_file_set_string (self->file, FILE_GROUP, key, secret);
  if (!save_file (self, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

gboolean
ms_secret_store_store_finish (MsSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
free_secret (gpointer secret)
{
  if (secret != NULL)
    ms_wipe (secret, strlen (secret));
  g_free (secret);
}

static void
keyring_lookup_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    {
      char *copy = g_strdup (secret);

      secret_password_free (secret);
      g_task_return_pointer (task, copy, free_secret);
    }
}

/* Completes with the secret, or NULL (and no error) when there is none. */
void
ms_secret_store_lookup_async (MsSecretStore       *self,
                              const char          *key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_SECRET_STORE (self));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_secret_store_lookup_async);

  if (self->path == NULL)
    {
      secret_password_lookup (&schema, cancellable, keyring_lookup_cb, g_steal_pointer (&task),
                              "key", key, NULL);
      return;
    }

  g_task_return_pointer (task, g_key_file_get_string (self->file, FILE_GROUP, key, NULL),
                         free_secret);
}

char *
ms_secret_store_lookup_finish (MsSecretStore  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
keyring_clear_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
ms_secret_store_clear_async (MsSecretStore       *self,
                             const char          *key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MS_IS_SECRET_STORE (self));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_secret_store_clear_async);

  if (self->path == NULL)
    {
      secret_password_clear (&schema, cancellable, keyring_clear_cb, g_steal_pointer (&task),
                             "key", key, NULL);
      return;
    }

  g_key_file_remove_key (self->file, FILE_GROUP, key, NULL);
  if (!save_file (self, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

gboolean
ms_secret_store_clear_finish (MsSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
