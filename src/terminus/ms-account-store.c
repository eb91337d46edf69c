/* ms-account-store.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "ms-account-store.h"
#include "ms-crypto.h"
#include "ms-error.h"

#define SCHEMA_VERSION 1

struct _MsAccountStore
{
  GObject      parent_instance;

  char        *path;
  sqlite3     *db;       /* touched only from the worker thread */
  GThreadPool *worker;   /* one thread: operations run in submission order */
};

G_DEFINE_FINAL_TYPE (MsAccountStore, ms_account_store, G_TYPE_OBJECT)

/* An operation runs on the worker with the database; it returns a result
 * (or TRUE) through its task. */
typedef gboolean (*OpFunc) (MsAccountStore  *self,
                            gpointer         data,
                            GTask           *task,
                            GError         **error);

typedef struct
{
  OpFunc         func;
  gpointer       data;
  GDestroyNotify free_data;
} Op;

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS meta ("
  "  key TEXT PRIMARY KEY,"
  "  value INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL UNIQUE,"
  "  balance_msat INTEGER NOT NULL CHECK (balance_msat >= 0),"
  "  reserved_msat INTEGER NOT NULL DEFAULT 0 CHECK (reserved_msat >= 0),"
  "  cap_msat INTEGER NOT NULL DEFAULT 0 CHECK (cap_msat >= 0),"
  "  may_pay INTEGER NOT NULL DEFAULT 1,"
  "  may_receive INTEGER NOT NULL DEFAULT 1,"
  "  created_at INTEGER NOT NULL,"
  "  removed_at INTEGER);"
  "CREATE TABLE IF NOT EXISTS sessions ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  peer TEXT,"
  "  started_us INTEGER NOT NULL,"
  "  ended_us INTEGER);"
  "CREATE TABLE IF NOT EXISTS invoices ("
  "  payment_hash TEXT PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  request_uuid TEXT,"
  "  bolt11 TEXT NOT NULL,"
  "  preimage TEXT NOT NULL,"
  "  amount_msat INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('unpaid', 'paid')),"
  "  paid_msat INTEGER,"
  "  settle_index INTEGER);"
  "CREATE TABLE IF NOT EXISTS payments ("
  "  request_uuid TEXT PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  bolt11 TEXT NOT NULL,"
  "  payment_hash TEXT NOT NULL,"
  "  amount_msat INTEGER NOT NULL,"
  "  reserve_msat INTEGER NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'internal')),"
  "  preimage TEXT,"
  "  fee_msat INTEGER,"
  "  error TEXT,"
  "  created_us INTEGER NOT NULL,"
  "  updated_us INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS payments_by_hash ON payments (payment_hash);"
  "CREATE TABLE IF NOT EXISTS receipts ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  session_id INTEGER,"
  "  time_us INTEGER NOT NULL,"
  "  type TEXT NOT NULL,"
  "  request_uuid TEXT,"
  "  amount_msat INTEGER NOT NULL DEFAULT 0,"
  "  fee_msat INTEGER NOT NULL DEFAULT 0,"
  "  balance_msat INTEGER NOT NULL,"
  "  bolt11 TEXT,"
  "  payment_hash TEXT,"
  "  preimage TEXT,"
  "  detail TEXT);"
  "CREATE INDEX IF NOT EXISTS receipts_by_account ON receipts (account_id, id);";

void
ms_account_record_free (MsAccountRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->uuid);
  g_free (record->name);
  g_free (record);
}

void
ms_receipt_free (MsReceipt *receipt)
{
  if (receipt == NULL)
    return;

  g_free (receipt->type);
  g_free (receipt->request_uuid);
  g_free (receipt->bolt11);
  g_free (receipt->payment_hash);
  g_free (receipt->preimage);
  g_free (receipt->detail);
  g_free (receipt);
}

void
ms_pay_reservation_free (MsPayReservation *reservation)
{
  if (reservation == NULL)
    return;

  g_free (reservation->preimage);
  g_free (reservation->error);
  g_free (reservation->payment_hash);
  g_free (reservation);
}

void
ms_settle_result_free (MsSettleResult *result)
{
  if (result == NULL)
    return;

  g_free (result->request_uuid);
  g_free (result->bolt11);
  g_free (result);
}

void
ms_pending_payment_free (MsPendingPayment *pending)
{
  if (pending == NULL)
    return;

  g_free (pending->request_uuid);
  g_free (pending->bolt11);
  g_free (pending->payment_hash);
  g_free (pending);
}

/* -- SQL helpers (worker thread only) ----------------------------------- */

static gboolean
sql_fail (MsAccountStore  *self,
          const char      *what,
          GError         **error)
{
  g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_IO, "store: %s: %s", what,
               self->db != NULL ? sqlite3_errmsg (self->db) : "no database");
  return FALSE;
}

static gboolean
sql_exec (MsAccountStore  *self,
          const char      *sql,
          GError         **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return sql_fail (self, sql, error);
  return TRUE;
}

/* Prepares @sql and binds the arguments: 'i' gint64, 's' string (NULL ok). */
static sqlite3_stmt *
sql_prepare (MsAccountStore  *self,
             GError         **error,
             const char      *sql,
             const char      *types,
             ...)
{
  sqlite3_stmt *stmt = NULL;
  va_list args;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_fail (self, "prepare", error);
      return NULL;
    }

  va_start (args, types);
  for (int i = 0; types[i] != '\0'; i++)
    {
      if (types[i] == 'i')
        sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
      else
        {
          const char *s = va_arg (args, const char *);

          if (s != NULL)
            sqlite3_bind_text (stmt, i + 1, s, -1, SQLITE_TRANSIENT);
          else
            sqlite3_bind_null (stmt, i + 1);
        }
    }
  va_end (args);

  return stmt;
}

/* Runs a statement that returns no rows. */
static gboolean
sql_step_done (MsAccountStore  *self,
               sqlite3_stmt    *stmt,
               GError         **error)
{
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_fail (self, "step", error);
  return TRUE;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static gboolean
begin (MsAccountStore  *self,
       GError         **error)
{
  /* IMMEDIATE: take the write lock now, so a check and its write are atomic. */
  return sql_exec (self, "BEGIN IMMEDIATE", error);
}

static gboolean
commit (MsAccountStore  *self,
        GError         **error)
{
  return sql_exec (self, "COMMIT", error);
}

static void
rollback (MsAccountStore *self)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

#define ACCOUNT_COLUMNS \
  "id, uuid, name, balance_msat, reserved_msat, cap_msat, may_pay, may_receive, created_at"

static MsAccountRecord *
read_account_row (sqlite3_stmt *stmt)
{
  MsAccountRecord *record = g_new0 (MsAccountRecord, 1);

  record->id = sqlite3_column_int64 (stmt, 0);
  record->uuid = column_dup (stmt, 1);
  record->name = column_dup (stmt, 2);
  record->balance_msat = (guint64) sqlite3_column_int64 (stmt, 3);
  record->reserved_msat = (guint64) sqlite3_column_int64 (stmt, 4);
  record->cap_msat = (guint64) sqlite3_column_int64 (stmt, 5);
  record->may_pay = sqlite3_column_int (stmt, 6) != 0;
  record->may_receive = sqlite3_column_int (stmt, 7) != 0;
  record->created_at = sqlite3_column_int64 (stmt, 8);
  return record;
}

static MsAccountRecord *
load_account (MsAccountStore  *self,
              gint64           account_id,
              GError         **error)
{
  sqlite3_stmt *stmt = sql_prepare (self, error,
                                    "SELECT " ACCOUNT_COLUMNS " FROM accounts "
                                    "WHERE id = ? AND removed_at IS NULL", "i", account_id);
  MsAccountRecord *record = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = read_account_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_NOT_FOUND,
                 "store: no account %" G_GINT64_FORMAT, account_id);
  else
    sql_fail (self, "load account", error);
  sqlite3_finalize (stmt);

  return record;
}

/* Moves @delta (signed) between balance and nothing, and @reserved_delta into reserve. */
static gboolean
adjust_account (MsAccountStore  *self,
                gint64           account_id,
                gint64           balance_delta,
                gint64           reserved_delta,
                GError         **error)
{
  return sql_step_done (self,
                        sql_prepare (self, error,
                                     "UPDATE accounts SET balance_msat = balance_msat + ?, "
                                     "reserved_msat = reserved_msat + ? WHERE id = ?",
                                     "iii", balance_delta, reserved_delta, account_id),
                        error);
}

static gboolean
add_receipt (MsAccountStore  *self,
             gint64           account_id,
             gint64           session_id,
             const char      *type,
             const char      *request_uuid,
             gint64           amount_msat,
             guint64          fee_msat,
             const char      *bolt11,
             const char      *payment_hash,
             const char      *preimage,
             const char      *detail,
             GError         **error)
{
  /* The balance column is read back inside the same transaction. */
  return sql_step_done (self,
                        sql_prepare (self, error,
                                     "INSERT INTO receipts (account_id, session_id, time_us, type, "
                                     "request_uuid, amount_msat, fee_msat, balance_msat, bolt11, "
                                     "payment_hash, preimage, detail) "
                                     "SELECT ?, ?, ?, ?, ?, ?, ?, balance_msat, ?, ?, ?, ? "
                                     "FROM accounts WHERE id = ?",
                                     "iiissiissssi", account_id,
                                     session_id > 0 ? session_id : (gint64) 0,
                                     g_get_real_time (), type, request_uuid, amount_msat,
                                     (gint64) fee_msat, bolt11, payment_hash, preimage, detail,
                                     account_id),
                        error);
}

/* -- the worker -------------------------------------------------------- */

static void
op_free (gpointer data)
{
  Op *op = data;

  if (op->free_data != NULL)
    op->free_data (op->data);
  g_free (op);
}

static void
worker_func (gpointer data,
             gpointer user_data)
{
  GTask *task = data;
  MsAccountStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    ;
  else if (self->db == NULL && g_task_get_source_tag (task) != ms_account_store_open_async)
    g_task_return_new_error (task, MS_STORE_ERROR, MS_STORE_ERROR_IO, "store: not open");
  else if (!op->func (self, op->data, task, &error))
    g_task_return_error (task, error);

  g_object_unref (task);
}

static void
run_op (MsAccountStore      *self,
        gpointer             source_tag,
        OpFunc               func,
        gpointer             data,
        GDestroyNotify       free_data,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  op->func = func;
  op->data = data;
  op->free_data = free_data;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, op_free);
  g_thread_pool_push (self->worker, task, NULL);
}

static void
ms_account_store_finalize (GObject *object)
{
  MsAccountStore *self = MS_ACCOUNT_STORE (object);

  /* Every queued task holds a reference, so the queue is empty here. */
  g_thread_pool_free (self->worker, FALSE, TRUE);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (ms_account_store_parent_class)->finalize (object);
}

static void
ms_account_store_class_init (MsAccountStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_account_store_finalize;
}

static void
ms_account_store_init (MsAccountStore *self)
{
  self->worker = g_thread_pool_new (worker_func, self, 1, FALSE, NULL);
}

MsAccountStore *
ms_account_store_new (const char *path)
{
  MsAccountStore *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (MS_TYPE_ACCOUNT_STORE, NULL);
  self->path = g_strdup (path);
  return self;
}

const char *
ms_account_store_get_path (MsAccountStore *self)
{
  g_return_val_if_fail (MS_IS_ACCOUNT_STORE (self), NULL);

  return self->path;
}

/* -- open ---------------------------------------------------------------- */

static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  struct stat st;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_IO, "store: cannot open %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }

  /* Balances and preimages: nobody else may read them. */
  if (fstat (fd, &st) == 0 && (st.st_mode & 077) != 0 && fchmod (fd, 0600) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_IO,
                   "store: %s is readable by others and cannot be fixed: %s", path,
                   g_strerror (saved));
      return FALSE;
    }

  close (fd);
  return TRUE;
}

static gboolean
open_op (MsAccountStore  *self,
         gpointer         data,
         GTask           *task,
         GError         **error)
{
  sqlite3_stmt *stmt;
  int version = 0;

  if (self->db != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return TRUE;
    }

  if (!create_private_file (self->path, error))
    return FALSE;

  if (sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      sql_fail (self, "open", error);
      sqlite3_close (self->db);
      self->db = NULL;
      return FALSE;
    }

  sqlite3_busy_timeout (self->db, 5000);

  /* WAL + FULL: a committed transaction survives a crash of the process or
   * of the machine. */
  if (!sql_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !sql_exec (self, "PRAGMA synchronous = FULL", error) ||
      !sql_exec (self, "PRAGMA foreign_keys = ON", error))
    goto fail;

  stmt = sql_prepare (self, error, "PRAGMA user_version", "");
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_IO,
                   "store: %s was written by a newer version (schema %d, we know %d)",
                   self->path, version, SCHEMA_VERSION);
      goto fail;
    }

  if (!begin (self, error))
    goto fail;
  if (!sql_exec (self, schema, error) ||
      !sql_exec (self, "PRAGMA user_version = 1", error) ||
      !sql_exec (self, "INSERT OR IGNORE INTO meta (key, value) VALUES ('settle_index', 0)",
                 error) ||
      !commit (self, error))
    {
      rollback (self);
      goto fail;
    }

  g_task_return_boolean (task, TRUE);
  return TRUE;

fail:
  sqlite3_close (self->db);
  self->db = NULL;
  return FALSE;
}

void
ms_account_store_open_async (MsAccountStore      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));

  run_op (self, ms_account_store_open_async, open_op, NULL, NULL, cancellable, callback,
          user_data);
}

gboolean
ms_account_store_open_finish (MsAccountStore  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- accounts ---------------------------------------------------------- */

static gboolean
list_accounts_op (MsAccountStore  *self,
                  gpointer         data,
                  GTask           *task,
                  GError         **error)
{
  sqlite3_stmt *stmt = sql_prepare (self, error, "SELECT " ACCOUNT_COLUMNS " FROM accounts "
                                    "WHERE removed_at IS NULL ORDER BY id", "");
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_account_record_free);
  int rc;

  if (stmt == NULL)
    {
      g_ptr_array_unref (records);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (records, read_account_row (stmt));
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      g_ptr_array_unref (records);
      return sql_fail (self, "list accounts", error);
    }

  g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

void
ms_account_store_list_accounts_async (MsAccountStore      *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));

  run_op (self, ms_account_store_list_accounts_async, list_accounts_op, NULL, NULL, cancellable,
          callback, user_data);
}

/* An array of MsAccountRecord, oldest first. */
GPtrArray *
ms_account_store_list_accounts_finish (MsAccountStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char    *name;
  guint64  balance_msat;
  guint64  cap_msat;
  guint64  allocatable_msat;
} CreateData;

static void
create_data_free (gpointer data)
{
  CreateData *d = data;

  g_free (d->name);
  g_free (d);
}

static gboolean
allocated_msat (MsAccountStore  *self,
                guint64         *total,
                GError         **error)
{
  sqlite3_stmt *stmt = sql_prepare (self, error,
                                    "SELECT COALESCE (SUM (balance_msat + reserved_msat), 0) "
                                    "FROM accounts WHERE removed_at IS NULL", "");

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      return sql_fail (self, "sum balances", error);
    }
  *total = (guint64) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
name_taken (MsAccountStore *self,
            const char     *name)
{
  sqlite3_stmt *stmt = sql_prepare (self, NULL, "SELECT 1 FROM accounts WHERE name = ?", "s",
                                    name);
  gboolean taken = stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW;

  if (stmt != NULL)
    sqlite3_finalize (stmt);
  return taken;
}

static gboolean
create_account_op (MsAccountStore  *self,
                   gpointer         data,
                   GTask           *task,
                   GError         **error)
{
  CreateData *d = data;
  g_autofree char *uuid = ms_uuid_new ();
  guint64 allocated = 0;
  MsAccountRecord *record;

  if (!begin (self, error))
    return FALSE;

  if (!allocated_msat (self, &allocated, error))
    goto fail;

  /* An account is carved out of what the node can spend and nobody else holds. */
  if (d->allocatable_msat > 0 &&
      (allocated > d->allocatable_msat || d->balance_msat > d->allocatable_msat - allocated))
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_INSUFFICIENT_FUNDS,
                   "store: the node can spend %" G_GUINT64_FORMAT " msat and %" G_GUINT64_FORMAT
                   " are already allocated to accounts; %" G_GUINT64_FORMAT " more do not fit",
                   d->allocatable_msat, allocated, d->balance_msat);
      goto fail;
    }

  if (name_taken (self, d->name))
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                   "store: an account named “%s” exists already", d->name);
      goto fail;
    }

  if (!sql_step_done (self,
                      sql_prepare (self, error,
                                   "INSERT INTO accounts (uuid, name, balance_msat, cap_msat, "
                                   "created_at) VALUES (?, ?, ?, ?, ?)", "ssiii", uuid, d->name,
                                   (gint64) d->balance_msat, (gint64) d->cap_msat,
                                   g_get_real_time () / G_USEC_PER_SEC),
                      error))
    goto fail;

  record = load_account (self, sqlite3_last_insert_rowid (self->db), error);
  if (record == NULL ||
      !add_receipt (self, record->id, 0, "created", NULL, (gint64) d->balance_msat, 0, NULL, NULL,
                    NULL, NULL, error) ||
      !commit (self, error))
    {
      ms_account_record_free (record);
      goto fail;
    }

  g_task_return_pointer (task, record, (GDestroyNotify) ms_account_record_free);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/*
 * Creates an account holding @balance_msat. With @allocatable_msat non-zero
 * (what the node can spend) the sum of all accounts may not exceed it.
 */
void
ms_account_store_create_account_async (MsAccountStore      *self,
                                       const char          *name,
                                       guint64              balance_msat,
                                       guint64              cap_msat,
                                       guint64              allocatable_msat,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  CreateData *d;

  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));
  g_return_if_fail (name != NULL && *name != '\0');
  g_return_if_fail (balance_msat <= G_MAXINT64 && cap_msat <= G_MAXINT64);

  d = g_new0 (CreateData, 1);
  d->name = g_strdup (name);
  d->balance_msat = balance_msat;
  d->cap_msat = cap_msat;
  d->allocatable_msat = allocatable_msat;
  run_op (self, ms_account_store_create_account_async, create_account_op, d, create_data_free,
          cancellable, callback, user_data);
}

MsAccountRecord *
ms_account_store_create_account_finish (MsAccountStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  gint64           account_id;
  MsAccountChanges changes;
  char            *name;
} UpdateData;

static void
update_data_free (gpointer data)
{
  UpdateData *d = data;

  g_free (d->name);
  g_free (d);
}

static const char *
yes_no (gboolean value)
{
  return value ? "yes" : "no";
}

static char *
describe_cap (guint64 cap_msat)
{
  return cap_msat == 0 ? g_strdup ("none") : g_strdup_printf ("%" G_GUINT64_FORMAT " msat",
                                                             cap_msat);
}

static void describe_change (GString    *detail,
                             const char *format,
                             ...) G_GNUC_PRINTF (2, 3);

/* One "what old → new" item of a change receipt, after a "; " when not the first. */
static void
describe_change (GString    *detail,
                 const char *format,
                 ...)
{
  va_list args;

  if (detail->len > 0)
    g_string_append (detail, "; ");
  va_start (args, format);
  g_string_append_vprintf (detail, format, args);
  va_end (args);
}

/* Changes that are no change are left out of the receipt. */
static gboolean
update_account_op (MsAccountStore  *self,
                   gpointer         data,
                   GTask           *task,
                   GError         **error)
{
  UpdateData *d = data;
  const MsAccountChanges *c = &d->changes;
  g_autoptr(MsAccountRecord) record = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);

  if (!begin (self, error))
    return FALSE;

  if ((record = load_account (self, d->account_id, error)) == NULL)
    goto fail;

  if ((c->what & MS_ACCOUNT_CHANGE_NAME) && !g_str_equal (c->name, record->name))
    {
      if (name_taken (self, c->name))
        {
          g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                       "store: an account named “%s” exists already", c->name);
          goto fail;
        }
      describe_change (detail, "name “%s” → “%s”", record->name, c->name);
      g_free (record->name);
      record->name = g_strdup (c->name);
    }
  if ((c->what & MS_ACCOUNT_CHANGE_CAP) && c->cap_msat != record->cap_msat)
    {
      g_autofree char *before = describe_cap (record->cap_msat);
      g_autofree char *after = describe_cap (c->cap_msat);

      describe_change (detail, "cap %s → %s", before, after);
      record->cap_msat = c->cap_msat;
    }
  if ((c->what & MS_ACCOUNT_CHANGE_MAY_PAY) && !c->may_pay != !record->may_pay)
    {
      describe_change (detail, "may pay %s → %s", yes_no (record->may_pay), yes_no (c->may_pay));
      record->may_pay = c->may_pay;
    }
  if ((c->what & MS_ACCOUNT_CHANGE_MAY_RECEIVE) && !c->may_receive != !record->may_receive)
    {
      describe_change (detail, "may receive %s → %s", yes_no (record->may_receive),
                       yes_no (c->may_receive));
      record->may_receive = c->may_receive;
    }

  /* The record now holds what the row will: it is the answer either way. */
  if (detail->len == 0)
    rollback (self);
  else if (!sql_step_done (self,
                           sql_prepare (self, error,
                                        "UPDATE accounts SET name = ?, cap_msat = ?, may_pay = ?, "
                                        "may_receive = ? WHERE id = ?", "siiii", record->name,
                                        (gint64) record->cap_msat, (gint64) record->may_pay,
                                        (gint64) record->may_receive, d->account_id),
                           error) ||
           !add_receipt (self, d->account_id, 0, "changed", NULL, 0, 0, NULL, NULL, NULL,
                         detail->str, error) ||
           !commit (self, error))
    goto fail;

  g_task_return_pointer (task, g_steal_pointer (&record), (GDestroyNotify) ms_account_record_free);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/*
 * Renames an account, sets its receive cap or what it may do, in one
 * transaction with a "changed" receipt saying what changed.
 */
void
ms_account_store_update_account_async (MsAccountStore         *self,
                                       gint64                  account_id,
                                       const MsAccountChanges *changes,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  UpdateData *d;

  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));
  g_return_if_fail (changes != NULL);
  g_return_if_fail (!(changes->what & MS_ACCOUNT_CHANGE_NAME) ||
                    (changes->name != NULL && *changes->name != '\0'));
  g_return_if_fail (changes->cap_msat <= G_MAXINT64);

  d = g_new0 (UpdateData, 1);
  d->account_id = account_id;
  d->changes = *changes;
  d->name = g_strdup (changes->name);
  d->changes.name = d->name;
  run_op (self, ms_account_store_update_account_async, update_account_op, d, update_data_free,
          cancellable, callback, user_data);
}

MsAccountRecord *
ms_account_store_update_account_finish (MsAccountStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
remove_account_op (MsAccountStore  *self,
                   gpointer         data,
                   GTask           *task,
                   GError         **error)
{
  gint64 account_id = *(gint64 *) data;
  g_autoptr(MsAccountRecord) record = NULL;

  if (!begin (self, error))
    return FALSE;

  if ((record = load_account (self, account_id, error)) == NULL)
    goto fail;

  /* Money in flight must land before the account can go. */
  if (record->reserved_msat > 0)
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                   "store: account “%s” has %" G_GUINT64_FORMAT " msat in payments in flight",
                   record->name, record->reserved_msat);
      goto fail;
    }

  /* The balance goes back to the node's unallocated funds; receipts stay. */
  if (!add_receipt (self, account_id, 0, "removed", NULL, -(gint64) record->balance_msat, 0, NULL,
                    NULL, NULL, NULL, error) ||
      !sql_step_done (self,
                      sql_prepare (self, error,
                                   "UPDATE accounts SET removed_at = ?, balance_msat = 0, "
                                   "name = name || ' (removed ' || uuid || ')' WHERE id = ?",
                                   "ii", g_get_real_time () / G_USEC_PER_SEC, account_id),
                      error) ||
      !commit (self, error))
    goto fail;

  g_task_return_boolean (task, TRUE);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

void
ms_account_store_remove_account_async (MsAccountStore      *self,
                                       gint64               account_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));

  run_op (self, ms_account_store_remove_account_async, remove_account_op,
          g_memdup2 (&account_id, sizeof account_id), g_free, cancellable, callback, user_data);
}

gboolean
ms_account_store_remove_account_finish (MsAccountStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- receiving --------------------------------------------------------- */

typedef struct
{
  gint64   account_id;
  gint64   session_id;
  char    *request_uuid;
  char    *payment_hash;
  char    *preimage;
  char    *bolt11;
  char    *error_text;
  guint64  amount_msat;
  guint64  reserve_msat;
  guint64  settle_index;
  gint64   expires_at;
  gboolean succeeded;
} MoneyData;

static void
money_data_free (gpointer data)
{
  MoneyData *d = data;

  g_free (d->request_uuid);
  g_free (d->payment_hash);
  g_free (d->preimage);
  g_free (d->bolt11);
  g_free (d->error_text);
  g_free (d);
}

/*
 * PROTOCOL.md 11.4: "if cap.msats ≠ 0 and msats + balance > cap → NOTIFY_ERROR
 * 'account cap exceeded'". We count unpaid, unexpired invoices too: they
 * may all be paid.
 */
static gboolean
check_cap (MsAccountStore   *self,
           MsAccountRecord  *record,
           guint64           amount_msat,
           GError          **error)
{
  sqlite3_stmt *stmt;
  guint64 pending = 0;

  if (!record->may_receive)
    {
      g_set_error_literal (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                           "receive not authorized");
      return FALSE;
    }

  if (record->cap_msat == 0)
    return TRUE;

  stmt = sql_prepare (self, error, "SELECT COALESCE (SUM (amount_msat), 0) FROM invoices "
                      "WHERE account_id = ? AND state = 'unpaid' AND expires_at > ?", "ii",
                      record->id, g_get_real_time () / G_USEC_PER_SEC);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    pending = (guint64) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (amount_msat > record->cap_msat ||
      record->balance_msat + record->reserved_msat + pending > record->cap_msat - amount_msat)
    {
      g_set_error_literal (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT, "account cap exceeded");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_receive_op (MsAccountStore  *self,
                  gpointer         data,
                  GTask           *task,
                  GError         **error)
{
  MoneyData *d = data;
  g_autoptr(MsAccountRecord) record = load_account (self, d->account_id, error);

  if (record == NULL || !check_cap (self, record, d->amount_msat, error))
    return FALSE;

  g_task_return_boolean (task, TRUE);
  return TRUE;
}

void
ms_account_store_check_receive_async (MsAccountStore      *self,
                                      gint64               account_id,
                                      guint64              amount_msat,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  MoneyData *d;

  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));

  d = g_new0 (MoneyData, 1);
  d->account_id = account_id;
  d->amount_msat = amount_msat;
  run_op (self, ms_account_store_check_receive_async, check_receive_op, d, money_data_free,
          cancellable, callback, user_data);
}

gboolean
ms_account_store_check_receive_finish (MsAccountStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
record_invoice_op (MsAccountStore  *self,
                   gpointer         data,
                   GTask           *task,
                   GError         **error)
{
  MoneyData *d = data;
  g_autoptr(MsAccountRecord) record = NULL;

  if (!begin (self, error))
    return FALSE;

  /* Checked again inside the write: two requests may have raced. */
  if ((record = load_account (self, d->account_id, error)) == NULL ||
      !check_cap (self, record, d->amount_msat, error))
    goto fail;

  if (!sql_step_done (self,
                      sql_prepare (self, error,
                                   "INSERT INTO invoices (payment_hash, account_id, request_uuid, "
                                   "bolt11, preimage, amount_msat, expires_at, state) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, 'unpaid')", "sisssii",
                                   d->payment_hash, d->account_id, d->request_uuid, d->bolt11,
                                   d->preimage, (gint64) d->amount_msat, d->expires_at),
                      error) ||
      !add_receipt (self, d->account_id, d->session_id, "invoice", d->request_uuid, 0, 0,
                    d->bolt11, d->payment_hash, NULL, NULL, error) ||
      !commit (self, error))
    goto fail;

  g_task_return_boolean (task, TRUE);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* Records an invoice issued for an account; fails if the cap would be exceeded. */
void
ms_account_store_record_invoice_async (MsAccountStore      *self,
                                       gint64               account_id,
                                       gint64               session_id,
                                       const char          *request_uuid,
                                       const char          *payment_hash,
                                       const char          *preimage,
                                       const char          *bolt11,
                                       guint64              amount_msat,
                                       gint64               expires_at,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  MoneyData *d;

  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));
  g_return_if_fail (payment_hash != NULL && preimage != NULL && bolt11 != NULL);

  d = g_new0 (MoneyData, 1);
  d->account_id = account_id;
  d->session_id = session_id;
  d->request_uuid = g_strdup (request_uuid);
  d->payment_hash = g_strdup (payment_hash);
  d->preimage = g_strdup (preimage);
  d->bolt11 = g_strdup (bolt11);
  d->amount_msat = amount_msat;
  d->expires_at = expires_at;
  run_op (self, ms_account_store_record_invoice_async, record_invoice_op, d, money_data_free,
          cancellable, callback, user_data);
}

gboolean
ms_account_store_record_invoice_finish (MsAccountStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
advance_settle_index (MsAccountStore  *self,
                      guint64          settle_index,
                      GError         **error)
{
  return sql_step_done (self,
                        sql_prepare (self, error,
                                     "UPDATE meta SET value = MAX (value, ?) "
                                     "WHERE key = 'settle_index'", "i", (gint64) settle_index),
                        error);
}

/*
 * PROTOCOL.md 11.4 "Incoming payment": credit the account whose invoice it
 * was with what the node received. The settle index advances in the same
 * transaction, so a settlement is counted exactly once across restarts.
 */
static gboolean
settle_invoice_op (MsAccountStore  *self,
                   gpointer         data,
                   GTask           *task,
                   GError         **error)
{
  MoneyData *d = data;
  MsSettleResult *result = g_new0 (MsSettleResult, 1);
  sqlite3_stmt *stmt;
  g_autofree char *state = NULL;
  gboolean settled_by_node = FALSE;
  gint64 cursor = 0;

  if (!begin (self, error))
    {
      ms_settle_result_free (result);
      return FALSE;
    }

  stmt = sql_prepare (self, error, "SELECT value FROM meta WHERE key = 'settle_index'", "");
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    cursor = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  stmt = sql_prepare (self, error, "SELECT account_id, state, request_uuid, bolt11, "
                      "settle_index IS NOT NULL FROM invoices WHERE payment_hash = ?", "s",
                      d->payment_hash);
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      result->account_id = sqlite3_column_int64 (stmt, 0);
      state = column_dup (stmt, 1);
      result->request_uuid = column_dup (stmt, 2);
      result->bolt11 = column_dup (stmt, 3);
      settled_by_node = sqlite3_column_int (stmt, 4) != 0;
    }
  sqlite3_finalize (stmt);

  /*
   * Credit once per real settlement: events at or below the cursor were
   * counted before a restart. An invoice settled between two accounts and
   * then paid on the node as well brought real money in: credit that too.
   * A settle index of 0 is a notice outside the node's ordered stream (the
   * Core Lightning plugin's invoice_payment): it credits an invoice not yet
   * credited and leaves the cursor alone, so the stream still delivers
   * everything before it.
   */
  if (result->account_id != 0 && (d->settle_index == 0 || (gint64) d->settle_index > cursor) &&
      !settled_by_node &&
      (g_strcmp0 (state, "unpaid") == 0 || g_strcmp0 (state, "paid") == 0))
    {
      result->credited = TRUE;
      if (!sql_step_done (self,
                          sql_prepare (self, error,
                                       "UPDATE invoices SET state = 'paid', paid_msat = ?, "
                                       "settle_index = ? WHERE payment_hash = ?", "iis",
                                       (gint64) d->amount_msat, (gint64) d->settle_index,
                                       d->payment_hash),
                          error) ||
          !adjust_account (self, result->account_id, (gint64) d->amount_msat, 0, error) ||
          !add_receipt (self, result->account_id, 0, "received", result->request_uuid,
                        (gint64) d->amount_msat, 0, result->bolt11, d->payment_hash, d->preimage,
                        NULL, error))
        goto fail;
    }

  if (!advance_settle_index (self, d->settle_index, error) || !commit (self, error))
    goto fail;

  if (result->account_id != 0)
    {
      g_autoptr(MsAccountRecord) record = load_account (self, result->account_id, NULL);

      result->balance_msat = record != NULL ? record->balance_msat : 0;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) ms_settle_result_free);
  return TRUE;

fail:
  rollback (self);
  ms_settle_result_free (result);
  return FALSE;
}

void
ms_account_store_settle_invoice_async (MsAccountStore      *self,
                                       const char          *payment_hash,
                                       const char          *preimage,
                                       guint64              amount_received_msat,
                                       guint64              settle_index,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  MoneyData *d;

  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));
  g_return_if_fail (payment_hash != NULL);

  d = g_new0 (MoneyData, 1);
  d->payment_hash = g_strdup (payment_hash);
  d->preimage = g_strdup (preimage);
  d->amount_msat = amount_received_msat;
  d->settle_index = settle_index;
  run_op (self, ms_account_store_settle_invoice_async, settle_invoice_op, d, money_data_free,
          cancellable, callback, user_data);
}

MsSettleResult *
ms_account_store_settle_invoice_finish (MsAccountStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- paying ------------------------------------------------------------ */

/* A request uuid seen before gets its first answer again, never a second payment. */
static gboolean
replay (MsAccountStore    *self,
        MoneyData         *d,
        MsPayReservation **out,
        GError           **error)
{
  sqlite3_stmt *stmt = sql_prepare (self, error, "SELECT state, preimage, error, account_id, "
                                    "payment_hash FROM payments WHERE request_uuid = ?", "s",
                                    d->request_uuid);
  MsPayReservation *r;
  g_autofree char *state = NULL;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      return TRUE;
    }

  r = g_new0 (MsPayReservation, 1);
  state = column_dup (stmt, 0);
  r->preimage = column_dup (stmt, 1);
  r->error = column_dup (stmt, 2);
  r->payer_id = sqlite3_column_int64 (stmt, 3);
  r->payment_hash = column_dup (stmt, 4);
  sqlite3_finalize (stmt);

  if (g_str_equal (state, "pending"))
    r->outcome = MS_PAY_REPLAY_PENDING;
  else if (g_str_equal (state, "failed"))
    r->outcome = MS_PAY_REPLAY_FAILED;
  else
    r->outcome = MS_PAY_REPLAY_SUCCEEDED;

  *out = r;
  return TRUE;
}

static gboolean
hash_in_use (MsAccountStore  *self,
             const char      *payment_hash,
             gboolean        *in_use,
             GError         **error)
{
  sqlite3_stmt *stmt = sql_prepare (self, error, "SELECT 1 FROM payments WHERE payment_hash = ? "
                                    "AND state != 'failed'", "s", payment_hash);

  if (stmt == NULL)
    return FALSE;
  *in_use = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
insert_payment (MsAccountStore  *self,
                MoneyData       *d,
                const char      *state,
                const char      *preimage,
                GError         **error)
{
  gint64 now = g_get_real_time ();

  return sql_step_done (self,
                        sql_prepare (self, error,
                                     "INSERT INTO payments (request_uuid, account_id, bolt11, "
                                     "payment_hash, amount_msat, reserve_msat, state, preimage, "
                                     "fee_msat, created_us, updated_us) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)", "sissiissii",
                                     d->request_uuid, d->account_id, d->bolt11, d->payment_hash,
                                     (gint64) d->amount_msat, (gint64) d->reserve_msat, state,
                                     preimage, now, now),
                        error);
}

/*
 * The invoice is one of ours: move the money between the two accounts in
 * this transaction, with no node payment and no fee (issue: "settle
 * internally").
 */
static gboolean
settle_internally (MsAccountStore   *self,
                   MoneyData        *d,
                   MsAccountRecord  *payer,
                   MsPayReservation *r,
                   GError          **error)
{
  sqlite3_stmt *stmt = sql_prepare (self, error, "SELECT account_id, state, preimage, amount_msat,"
                                    " expires_at FROM invoices WHERE payment_hash = ?", "s",
                                    d->payment_hash);
  g_autofree char *state = NULL;
  gint64 payee_id;
  guint64 amount;
  gint64 expires_at;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      return TRUE;
    }

  payee_id = sqlite3_column_int64 (stmt, 0);
  state = column_dup (stmt, 1);
  r->preimage = column_dup (stmt, 2);
  amount = (guint64) sqlite3_column_int64 (stmt, 3);
  expires_at = sqlite3_column_int64 (stmt, 4);
  sqlite3_finalize (stmt);

  if (payee_id == payer->id)
    {
      g_set_error_literal (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                           "this invoice was issued by the same account");
      return FALSE;
    }
  if (!g_str_equal (state, "unpaid"))
    {
      g_set_error_literal (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                           "invoice already paid");
      return FALSE;
    }
  if (expires_at <= g_get_real_time () / G_USEC_PER_SEC)
    {
      g_set_error_literal (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT, "invoice expired");
      return FALSE;
    }
  if (payer->balance_msat < amount)
    {
      g_set_error_literal (error, MS_STORE_ERROR, MS_STORE_ERROR_INSUFFICIENT_FUNDS,
                           "insufficient account balance");
      return FALSE;
    }

  d->amount_msat = amount;
  d->reserve_msat = 0;
  if (!insert_payment (self, d, "internal", r->preimage, error) ||
      !sql_step_done (self,
                      sql_prepare (self, error, "UPDATE invoices SET state = 'paid', "
                                   "paid_msat = ? WHERE payment_hash = ?", "is", (gint64) amount,
                                   d->payment_hash),
                      error) ||
      !adjust_account (self, payer->id, -(gint64) amount, 0, error) ||
      !adjust_account (self, payee_id, (gint64) amount, 0, error) ||
      !add_receipt (self, payer->id, d->session_id, "paid", d->request_uuid, -(gint64) amount, 0,
                    d->bolt11, d->payment_hash, r->preimage, "internal", error) ||
      !add_receipt (self, payee_id, 0, "received", d->request_uuid, (gint64) amount, 0, d->bolt11,
                    d->payment_hash, r->preimage, "internal", error))
    return FALSE;

  r->outcome = MS_PAY_INTERNAL;
  r->payee_id = payee_id;
  return TRUE;
}

static gboolean
reserve_payment_op (MsAccountStore  *self,
                    gpointer         data,
                    GTask           *task,
                    GError         **error)
{
  MoneyData *d = data;
  g_autoptr(MsPayReservation) r = NULL;
  g_autoptr(MsAccountRecord) payer = NULL;
  gboolean in_use = FALSE;

  if (!begin (self, error))
    return FALSE;

  if (!replay (self, d, &r, error))
    goto fail;
  if (r != NULL)
    {
      rollback (self);
      g_task_return_pointer (task, g_steal_pointer (&r), (GDestroyNotify) ms_pay_reservation_free);
      return TRUE;
    }

  if ((payer = load_account (self, d->account_id, error)) == NULL)
    goto fail;
  if (!payer->may_pay)
    {
      g_set_error_literal (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT, "send not authorized");
      goto fail;
    }

  /* The same invoice twice under two request uuids is refused (costanza's rule). */
  if (!hash_in_use (self, d->payment_hash, &in_use, error))
    goto fail;
  if (in_use)
    {
      g_set_error_literal (error, MS_STORE_ERROR, MS_STORE_ERROR_CONFLICT,
                           "duplicate payment_hash");
      goto fail;
    }

  r = g_new0 (MsPayReservation, 1);
  r->payer_id = payer->id;
  r->payment_hash = g_strdup (d->payment_hash);

  if (!settle_internally (self, d, payer, r, error))
    goto fail;

  if (r->outcome != MS_PAY_INTERNAL)
    {
      /* Amount and fee reserve leave the balance in the same transaction as
       * the record of the payment: a crash after this commit is recovered by
       * asking the node how the payment ended. */
      if (d->amount_msat > payer->balance_msat ||
          d->reserve_msat > payer->balance_msat - d->amount_msat)
        {
          g_set_error_literal (error, MS_STORE_ERROR, MS_STORE_ERROR_INSUFFICIENT_FUNDS,
                               "insufficient account balance");
          goto fail;
        }

      if (!insert_payment (self, d, "pending", NULL, error) ||
          !adjust_account (self, payer->id, -(gint64) (d->amount_msat + d->reserve_msat),
                           (gint64) (d->amount_msat + d->reserve_msat), error) ||
          !add_receipt (self, payer->id, d->session_id, "pay_request", d->request_uuid,
                        -(gint64) (d->amount_msat + d->reserve_msat), 0, d->bolt11,
                        d->payment_hash, NULL, "amount and fee reserve held", error))
        goto fail;
      r->outcome = MS_PAY_RESERVED;
    }

  if (!commit (self, error))
    goto fail;

  {
    g_autoptr(MsAccountRecord) after = load_account (self, payer->id, NULL);

    r->payer_balance_msat = after != NULL ? after->balance_msat : 0;
    r->payer_reserved_msat = after != NULL ? after->reserved_msat : 0;
    if (r->payee_id != 0)
      {
        g_autoptr(MsAccountRecord) payee = load_account (self, r->payee_id, NULL);

        r->payee_balance_msat = payee != NULL ? payee->balance_msat : 0;
      }
  }

  g_task_return_pointer (task, g_steal_pointer (&r), (GDestroyNotify) ms_pay_reservation_free);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/*
 * The first step of every REQUEST_PAY: replayed request uuids get their
 * first outcome back; an invoice of another account of this store is
 * settled at once; otherwise amount + @reserve_msat (the fee budget) are
 * held. Refusals are MS_STORE_ERROR with the text to send as NOTIFY_ERROR.
 */
void
ms_account_store_reserve_payment_async (MsAccountStore      *self,
                                        gint64               account_id,
                                        gint64               session_id,
                                        const char          *request_uuid,
                                        const char          *bolt11,
                                        const char          *payment_hash,
                                        guint64              amount_msat,
                                        guint64              reserve_msat,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  MoneyData *d;

  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));
  g_return_if_fail (request_uuid != NULL && bolt11 != NULL && payment_hash != NULL);
  g_return_if_fail (amount_msat <= G_MAXINT64 / 2 && reserve_msat <= G_MAXINT64 / 2);

  d = g_new0 (MoneyData, 1);
  d->account_id = account_id;
  d->session_id = session_id;
  d->request_uuid = g_strdup (request_uuid);
  d->bolt11 = g_strdup (bolt11);
  d->payment_hash = g_strdup (payment_hash);
  d->amount_msat = amount_msat;
  d->reserve_msat = reserve_msat;
  run_op (self, ms_account_store_reserve_payment_async, reserve_payment_op, d, money_data_free,
          cancellable, callback, user_data);
}

MsPayReservation *
ms_account_store_reserve_payment_finish (MsAccountStore  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
complete_payment_op (MsAccountStore  *self,
                     gpointer         data,
                     GTask           *task,
                     GError         **error)
{
  MoneyData *d = data;
  sqlite3_stmt *stmt;
  g_autofree char *state = NULL;
  g_autofree char *bolt11 = NULL;
  g_autofree char *payment_hash = NULL;
  gint64 account_id = 0;
  guint64 amount = 0, reserve = 0, held, refund, fee;
  MsAccountRecord *record;

  if (!begin (self, error))
    return FALSE;

  stmt = sql_prepare (self, error, "SELECT state, account_id, amount_msat, reserve_msat, bolt11, "
                      "payment_hash FROM payments WHERE request_uuid = ?", "s", d->request_uuid);
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      state = column_dup (stmt, 0);
      account_id = sqlite3_column_int64 (stmt, 1);
      amount = (guint64) sqlite3_column_int64 (stmt, 2);
      reserve = (guint64) sqlite3_column_int64 (stmt, 3);
      bolt11 = column_dup (stmt, 4);
      payment_hash = column_dup (stmt, 5);
    }
  sqlite3_finalize (stmt);

  if (state == NULL)
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_NOT_FOUND,
                   "store: no payment for request %s", d->request_uuid);
      goto fail;
    }

  /* Completing twice (a late answer after recovery) changes nothing. */
  if (!g_str_equal (state, "pending"))
    {
      rollback (self);
      record = load_account (self, account_id, error);
      if (record == NULL)
        return FALSE;
      g_task_return_pointer (task, record, (GDestroyNotify) ms_account_record_free);
      return TRUE;
    }

  held = amount + reserve;
  fee = d->succeeded ? MIN (d->reserve_msat, reserve) : 0;
  /* Paid: the amount and the real fee stay spent, the rest of the reserve
   * comes back. Failed: everything comes back. */
  refund = d->succeeded ? held - amount - fee : held;

  if (!sql_step_done (self,
                      sql_prepare (self, error,
                                   "UPDATE payments SET state = ?, preimage = ?, fee_msat = ?, "
                                   "error = ?, updated_us = ? WHERE request_uuid = ?", "ssisis",
                                   d->succeeded ? "succeeded" : "failed", d->preimage, (gint64) fee,
                                   d->error_text, g_get_real_time (), d->request_uuid),
                      error) ||
      !adjust_account (self, account_id, (gint64) refund, -(gint64) held, error) ||
      !add_receipt (self, account_id, 0, d->succeeded ? "paid" : "pay_failed", d->request_uuid,
                    (gint64) refund, fee, bolt11, payment_hash, d->preimage, d->error_text, error) ||
      !commit (self, error))
    goto fail;

  record = load_account (self, account_id, error);
  if (record == NULL)
    return FALSE;
  g_task_return_pointer (task, record, (GDestroyNotify) ms_account_record_free);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/*
 * Ends a reserved payment: @succeeded with its preimage and the fee the node
 * charged (at most the reserve), or failed with @error_text. Returns the
 * payer's account after the change.
 */
void
ms_account_store_complete_payment_async (MsAccountStore      *self,
                                         const char          *request_uuid,
                                         gboolean             succeeded,
                                         const char          *preimage,
                                         guint64              fee_msat,
                                         const char          *error_text,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  MoneyData *d;

  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));
  g_return_if_fail (request_uuid != NULL);
  g_return_if_fail (!succeeded || preimage != NULL);

  d = g_new0 (MoneyData, 1);
  d->request_uuid = g_strdup (request_uuid);
  d->succeeded = succeeded;
  d->preimage = g_strdup (preimage);
  d->reserve_msat = fee_msat;
  d->error_text = g_strdup (error_text);
  run_op (self, ms_account_store_complete_payment_async, complete_payment_op, d, money_data_free,
          cancellable, callback, user_data);
}

MsAccountRecord *
ms_account_store_complete_payment_finish (MsAccountStore  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
list_pending_op (MsAccountStore  *self,
                 gpointer         data,
                 GTask           *task,
                 GError         **error)
{
  sqlite3_stmt *stmt = sql_prepare (self, error, "SELECT request_uuid, account_id, bolt11, "
                                    "payment_hash, amount_msat, reserve_msat FROM payments "
                                    "WHERE state = 'pending' ORDER BY created_us", "");
  GPtrArray *pending = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_pending_payment_free);

  if (stmt == NULL)
    {
      g_ptr_array_unref (pending);
      return FALSE;
    }

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      MsPendingPayment *p = g_new0 (MsPendingPayment, 1);

      p->request_uuid = column_dup (stmt, 0);
      p->account_id = sqlite3_column_int64 (stmt, 1);
      p->bolt11 = column_dup (stmt, 2);
      p->payment_hash = column_dup (stmt, 3);
      p->amount_msat = (guint64) sqlite3_column_int64 (stmt, 4);
      p->reserve_msat = (guint64) sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (pending, p);
    }
  sqlite3_finalize (stmt);

  g_task_return_pointer (task, pending, (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

void
ms_account_store_list_pending_async (MsAccountStore      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));

  run_op (self, ms_account_store_list_pending_async, list_pending_op, NULL, NULL, cancellable,
          callback, user_data);
}

/* Payments whose outcome was not recorded (a crash, the node away): MsPendingPayment. */
GPtrArray *
ms_account_store_list_pending_finish (MsAccountStore  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
get_settle_index_op (MsAccountStore  *self,
                     gpointer         data,
                     GTask           *task,
                     GError         **error)
{
  sqlite3_stmt *stmt = sql_prepare (self, error, "SELECT value FROM meta "
                                    "WHERE key = 'settle_index'", "");
  gint64 value = 0;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  g_task_return_int (task, value);
  return TRUE;
}

void
ms_account_store_get_settle_index_async (MsAccountStore      *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));

  run_op (self, ms_account_store_get_settle_index_async, get_settle_index_op, NULL, NULL,
          cancellable, callback, user_data);
}

/* The node's settle index up to which every settlement is counted. */
guint64
ms_account_store_get_settle_index_finish (MsAccountStore  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  return (guint64) g_task_propagate_int (G_TASK (result), error);
}

/* -- sessions and receipts --------------------------------------------- */

static gboolean
start_session_op (MsAccountStore  *self,
                  gpointer         data,
                  GTask           *task,
                  GError         **error)
{
  MoneyData *d = data;
  gint64 session_id;

  if (!begin (self, error))
    return FALSE;
  if (!sql_step_done (self,
                      sql_prepare (self, error, "INSERT INTO sessions (account_id, peer, "
                                   "started_us) VALUES (?, ?, ?)", "isi", d->account_id,
                                   d->bolt11, g_get_real_time ()),
                      error))
    goto fail;
  session_id = sqlite3_last_insert_rowid (self->db);
  if (!add_receipt (self, d->account_id, session_id, "session_start", NULL, 0, 0, NULL, NULL, NULL,
                    d->bolt11, error) ||
      !commit (self, error))
    goto fail;

  g_task_return_int (task, session_id);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* A consumer finished the provider handshake on one of the account's beacons. */
void
ms_account_store_start_session_async (MsAccountStore      *self,
                                      gint64               account_id,
                                      const char          *peer,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  MoneyData *d;

  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));

  d = g_new0 (MoneyData, 1);
  d->account_id = account_id;
  d->bolt11 = g_strdup (peer);
  run_op (self, ms_account_store_start_session_async, start_session_op, d, money_data_free,
          cancellable, callback, user_data);
}

gint64
ms_account_store_start_session_finish (MsAccountStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  return g_task_propagate_int (G_TASK (result), error);
}

static gboolean
end_session_op (MsAccountStore  *self,
                gpointer         data,
                GTask           *task,
                GError         **error)
{
  gint64 session_id = *(gint64 *) data;
  sqlite3_stmt *stmt;
  gint64 account_id = 0;

  if (!begin (self, error))
    return FALSE;

  stmt = sql_prepare (self, error, "SELECT account_id FROM sessions WHERE id = ? "
                      "AND ended_us IS NULL", "i", session_id);
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    account_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (account_id != 0 &&
      (!sql_step_done (self,
                       sql_prepare (self, error, "UPDATE sessions SET ended_us = ? WHERE id = ?",
                                    "ii", g_get_real_time (), session_id),
                       error) ||
       !add_receipt (self, account_id, session_id, "session_end", NULL, 0, 0, NULL, NULL, NULL,
                     NULL, error)))
    goto fail;

  if (!commit (self, error))
    goto fail;

  g_task_return_boolean (task, TRUE);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

void
ms_account_store_end_session_async (MsAccountStore      *self,
                                    gint64               session_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));

  run_op (self, ms_account_store_end_session_async, end_session_op,
          g_memdup2 (&session_id, sizeof session_id), g_free, cancellable, callback, user_data);
}

gboolean
ms_account_store_end_session_finish (MsAccountStore  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
add_receipt_op (MsAccountStore  *self,
                gpointer         data,
                GTask           *task,
                GError         **error)
{
  MoneyData *d = data;

  if (!begin (self, error))
    return FALSE;
  if (!add_receipt (self, d->account_id, d->session_id, d->bolt11, d->request_uuid, 0, 0, NULL,
                    NULL, NULL, d->error_text, error) ||
      !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  g_task_return_boolean (task, TRUE);
  return TRUE;
}

/* A receipt that moves no money (a request refused, an invoice sent). */
void
ms_account_store_add_receipt_async (MsAccountStore      *self,
                                    gint64               account_id,
                                    gint64               session_id,
                                    const char          *type,
                                    const char          *request_uuid,
                                    const char          *detail,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  MoneyData *d;

  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));
  g_return_if_fail (type != NULL);

  d = g_new0 (MoneyData, 1);
  d->account_id = account_id;
  d->session_id = session_id;
  d->bolt11 = g_strdup (type);
  d->request_uuid = g_strdup (request_uuid);
  d->error_text = g_strdup (detail);
  run_op (self, ms_account_store_add_receipt_async, add_receipt_op, d, money_data_free,
          cancellable, callback, user_data);
}

gboolean
ms_account_store_add_receipt_finish (MsAccountStore  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
list_receipts_op (MsAccountStore  *self,
                  gpointer         data,
                  GTask           *task,
                  GError         **error)
{
  MoneyData *d = data;
  sqlite3_stmt *stmt;
  GPtrArray *receipts = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_receipt_free);

  stmt = sql_prepare (self, error, "SELECT id, account_id, COALESCE (session_id, 0), time_us, "
                      "type, request_uuid, amount_msat, fee_msat, balance_msat, bolt11, "
                      "payment_hash, preimage, detail FROM receipts WHERE account_id = ? "
                      "AND (? = 0 OR session_id = ?) ORDER BY id", "iii", d->account_id,
                      d->session_id, d->session_id);
  if (stmt == NULL)
    {
      g_ptr_array_unref (receipts);
      return FALSE;
    }

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      MsReceipt *r = g_new0 (MsReceipt, 1);

      r->id = sqlite3_column_int64 (stmt, 0);
      r->account_id = sqlite3_column_int64 (stmt, 1);
      r->session_id = sqlite3_column_int64 (stmt, 2);
      r->time_us = sqlite3_column_int64 (stmt, 3);
      r->type = column_dup (stmt, 4);
      r->request_uuid = column_dup (stmt, 5);
      r->amount_msat = sqlite3_column_int64 (stmt, 6);
      r->fee_msat = (guint64) sqlite3_column_int64 (stmt, 7);
      r->balance_msat = (guint64) sqlite3_column_int64 (stmt, 8);
      r->bolt11 = column_dup (stmt, 9);
      r->payment_hash = column_dup (stmt, 10);
      r->preimage = column_dup (stmt, 11);
      r->detail = column_dup (stmt, 12);
      g_ptr_array_add (receipts, r);
    }
  sqlite3_finalize (stmt);

  g_task_return_pointer (task, receipts, (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

/* Receipts of an account (oldest first), or of one of its sessions when @session_id ≠ 0. */
void
ms_account_store_list_receipts_async (MsAccountStore      *self,
                                      gint64               account_id,
                                      gint64               session_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  MoneyData *d;

  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));

  d = g_new0 (MoneyData, 1);
  d->account_id = account_id;
  d->session_id = session_id;
  run_op (self, ms_account_store_list_receipts_async, list_receipts_op, d, money_data_free,
          cancellable, callback, user_data);
}

GPtrArray *
ms_account_store_list_receipts_finish (MsAccountStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
get_totals_op (MsAccountStore  *self,
               gpointer         data,
               GTask           *task,
               GError         **error)
{
  sqlite3_stmt *stmt = sql_prepare (self, error, "SELECT COALESCE (SUM (balance_msat), 0), "
                                    "COALESCE (SUM (reserved_msat), 0), COUNT (*) FROM accounts "
                                    "WHERE removed_at IS NULL", "");
  MsStoreTotals *totals = g_new0 (MsStoreTotals, 1);

  if (stmt == NULL)
    {
      g_free (totals);
      return FALSE;
    }
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      totals->balance_msat = (guint64) sqlite3_column_int64 (stmt, 0);
      totals->reserved_msat = (guint64) sqlite3_column_int64 (stmt, 1);
      totals->n_accounts = (guint) sqlite3_column_int (stmt, 2);
    }
  sqlite3_finalize (stmt);

  g_task_return_pointer (task, totals, g_free);
  return TRUE;
}

void
ms_account_store_get_totals_async (MsAccountStore      *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (MS_IS_ACCOUNT_STORE (self));

  run_op (self, ms_account_store_get_totals_async, get_totals_op, NULL, NULL, cancellable,
          callback, user_data);
}

gboolean
ms_account_store_get_totals_finish (MsAccountStore  *self,
                                    GAsyncResult    *result,
                                    MsStoreTotals   *totals,
                                    GError         **error)
{
  g_autofree MsStoreTotals *got = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (totals != NULL, FALSE);

  got = g_task_propagate_pointer (G_TASK (result), error);
  if (got == NULL)
    return FALSE;

  *totals = *got;
  return TRUE;
}

static void
csv_field (GString    *out,
           const char *value)
{
  if (value == NULL)
    return;

  /* RFC 4180: quote fields with separators, quotes or line breaks. */
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* RFC 4180 CSV with a header row, times in UTC ISO 8601. */
char *
ms_receipts_to_csv (GPtrArray *receipts)
{
  GString *out = g_string_new ("time,session,type,request_uuid,amount_msat,fee_msat,"
                               "balance_msat,payment_hash,preimage,bolt11,detail\r\n");

  g_return_val_if_fail (receipts != NULL, NULL);

  for (guint i = 0; i < receipts->len; i++)
    {
      MsReceipt *r = g_ptr_array_index (receipts, i);
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (r->time_us / G_USEC_PER_SEC);
      g_autofree char *iso = g_date_time_format_iso8601 (time);

      g_string_append_printf (out, "%s,%" G_GINT64_FORMAT ",", iso, r->session_id);
      csv_field (out, r->type);
      g_string_append_c (out, ',');
      csv_field (out, r->request_uuid);
      g_string_append_printf (out, ",%" G_GINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                              ",", r->amount_msat, r->fee_msat, r->balance_msat);
      csv_field (out, r->payment_hash);
      g_string_append_c (out, ',');
      csv_field (out, r->preimage);
      g_string_append_c (out, ',');
      csv_field (out, r->bolt11);
      g_string_append_c (out, ',');
      csv_field (out, r->detail);
      g_string_append (out, "\r\n");
    }

  return g_string_free (out, FALSE);
}
