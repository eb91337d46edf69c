/* ms-demo-ledger.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <glib/gstdio.h>
#include <secp256k1.h>
#include <sqlite3.h>

#include "ms-bolt11.h"
#include "ms-crypto.h"
#include "ms-demo-ledger.h"
#include "ms-error.h"
#include "ms-hex.h"

/*
 * The whole node is one SQLite file: its key, its invoices, the payments it
 * made and its balance. Every call does its (tiny) database work on the
 * calling thread with prepared statements and completes through GTask.
 * Several ledgers may share one file: writes take the write lock first
 * (BEGIN IMMEDIATE), so settle indexes stay unique, and a watcher polls
 * PRAGMA data_version to see what the others settled.
 */

/* "MSDL" in the database header tells our files from other SQLite files. */
#define APPLICATION_ID    0x4d53444c
/* PRAGMA user_version: bump it and add a step to schema_steps to migrate. */
#define SCHEMA_VERSION    1

#define BUSY_TIMEOUT_MS   5000
#define POLL_INTERVAL_MS  500
#define SETTLEMENT_BATCH  64

#define ALIAS             "Demo ledger (no real funds)"
#define NETWORK           "regtest"
#define CURRENCY          "bcrt"
#define LABEL_PREFIX      "moneysocket-"
#define RECEIVABLE_MSAT   (G_GUINT64_CONSTANT (1) << 40)
#define MIN_FINAL_CLTV    MS_BOLT11_DEFAULT_MIN_FINAL_CLTV_EXPIRY
#define KEY_LEN           32

#define FOREIGN_INVOICE_MESSAGE \
  "the demo ledger holds no real funds and can only pay invoices it issued itself"

/*
 * schema_steps[v] brings a database from version v - 1 to v; a new file is
 * version 0. Tables are STRICT so that a value of the wrong type is refused
 * instead of stored.
 */
static const char * const schema_steps[SCHEMA_VERSION + 1] = {
  [1] =
    "CREATE TABLE node ("
    "  id            INTEGER PRIMARY KEY CHECK (id = 1),"
    "  private_key   BLOB NOT NULL CHECK (length (private_key) = 32),"
    "  balance_msat  INTEGER NOT NULL CHECK (balance_msat >= 0),"
    "  created_at    INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE counters ("
    "  name   TEXT PRIMARY KEY,"
    "  value  INTEGER NOT NULL CHECK (value >= 0)"
    ") STRICT;"
    "INSERT INTO counters (name, value) VALUES ('settle_index', 0);"
    "CREATE TABLE invoices ("
    "  payment_hash          BLOB PRIMARY KEY CHECK (length (payment_hash) = 32),"
    "  preimage              BLOB NOT NULL CHECK (length (preimage) = 32),"
    "  payment_secret        BLOB NOT NULL CHECK (length (payment_secret) = 32),"
    "  label                 TEXT NOT NULL UNIQUE,"
    "  bolt11                TEXT NOT NULL,"
    "  amount_msat           INTEGER CHECK (amount_msat > 0),"
    "  description           TEXT NOT NULL,"
    "  created_at            INTEGER NOT NULL,"
    "  expires_at            INTEGER NOT NULL,"
    "  state                 TEXT NOT NULL CHECK (state IN ('unpaid', 'paid', 'cancelled')),"
    "  settle_index          INTEGER UNIQUE CHECK (settle_index > 0),"
    "  amount_received_msat  INTEGER CHECK (amount_received_msat > 0),"
    "  paid_at               INTEGER,"
    "  CHECK ((state = 'paid') = (settle_index IS NOT NULL))"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE payments ("
    "  payment_hash  BLOB PRIMARY KEY CHECK (length (payment_hash) = 32),"
    "  bolt11        TEXT NOT NULL,"
    "  preimage      BLOB NOT NULL CHECK (length (preimage) = 32),"
    "  amount_msat   INTEGER NOT NULL CHECK (amount_msat > 0),"
    "  fee_msat      INTEGER NOT NULL CHECK (fee_msat >= 0),"
    "  paid_at       INTEGER NOT NULL"
    ") STRICT, WITHOUT ROWID;",
};

typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_DATA_VERSION,
  STMT_GET_BALANCE,
  STMT_ADD_BALANCE,
  STMT_NEXT_SETTLE_INDEX,
  STMT_INSERT_INVOICE,
  STMT_GET_INVOICE,
  STMT_SETTLE_INVOICE,
  STMT_CANCEL_INVOICE,
  STMT_INSERT_PAYMENT,
  STMT_GET_PAYMENT,
  STMT_SETTLEMENTS_AFTER,
  N_STMTS
} Stmt;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_DATA_VERSION] = "PRAGMA data_version",
  [STMT_GET_BALANCE] = "SELECT balance_msat FROM node WHERE id = 1",
  [STMT_ADD_BALANCE] = "UPDATE node SET balance_msat = balance_msat + ?1 WHERE id = 1",
  [STMT_NEXT_SETTLE_INDEX] =
    "UPDATE counters SET value = value + 1 WHERE name = 'settle_index' RETURNING value",
  [STMT_INSERT_INVOICE] =
    "INSERT INTO invoices (payment_hash, preimage, payment_secret, label, bolt11, amount_msat,"
    " description, created_at, expires_at, state)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'unpaid')",
  [STMT_GET_INVOICE] =
    "SELECT preimage, amount_msat, expires_at, state FROM invoices WHERE payment_hash = ?1",
  [STMT_SETTLE_INVOICE] =
    "UPDATE invoices SET state = 'paid', settle_index = ?2, amount_received_msat = ?3,"
    " paid_at = ?4 WHERE payment_hash = ?1 AND state = 'unpaid'",
  [STMT_CANCEL_INVOICE] =
    "UPDATE invoices SET state = 'cancelled' WHERE payment_hash = ?1 AND state = 'unpaid'",
  [STMT_INSERT_PAYMENT] =
    "INSERT INTO payments (payment_hash, bolt11, preimage, amount_msat, fee_msat, paid_at)"
    " VALUES (?1, ?2, ?3, ?4, 0, ?5)",
  [STMT_GET_PAYMENT] =
    "SELECT preimage, amount_msat, fee_msat FROM payments WHERE payment_hash = ?1",
  [STMT_SETTLEMENTS_AFTER] =
    "SELECT payment_hash, preimage, amount_received_msat, settle_index, label FROM invoices"
    " WHERE settle_index > ?1 ORDER BY settle_index LIMIT ?2",
};

typedef enum
{
  INVOICE_UNPAID,
  INVOICE_PAID,
  INVOICE_CANCELLED,
} InvoiceState;

/* One row of the invoices table, as the payment checks need it. */
typedef struct
{
  guint8       preimage[MS_LN_HASH_LEN];
  guint64      amount_msat;
  gint64       expires_at;
  InvoiceState state;
} InvoiceRow;

/* An invoice being issued. */
typedef struct
{
  guint8      preimage[MS_LN_HASH_LEN];
  guint8      payment_hash[MS_LN_HASH_LEN];
  guint8      payment_secret[MS_LN_HASH_LEN];
  guint64     amount_msat;
  const char *description;
  guint       expiry_s;
  gint64      created_at;
  char       *bolt11;
} Draft;

typedef enum
{
  LINK_UNKNOWN,
  LINK_ONLINE,
  LINK_OFFLINE,
} LinkState;

struct _MsDemoLedger
{
  GObject        parent_instance;

  char          *path;
  char          *node_id;
  sqlite3       *db;
  sqlite3_stmt  *stmts[N_STMTS];
  guint64        starting_balance_msat;

  /* A demo key that controls no funds: it only signs this ledger's regtest invoices. */
  guint8         private_key[KEY_LEN];

  guint64        last_settle_index;
  gint64         data_version;
  guint          watch_serial;
  guint          drain_source;
  guint          poll_source;
  LinkState      link;
  guint          watching : 1;
};

enum {
  PROP_0,
  PROP_PATH,
  PROP_STARTING_BALANCE_MSAT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void ms_demo_ledger_initable_iface_init  (GInitableIface       *iface);
static void ms_demo_ledger_lightning_iface_init (MsLightningInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MsDemoLedger, ms_demo_ledger, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      ms_demo_ledger_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (MS_TYPE_LIGHTNING,
                                                      ms_demo_ledger_lightning_iface_init))

static void
invoice_row_clear (InvoiceRow *row)
{
  ms_wipe (row, sizeof *row);
}

static void
draft_clear (Draft *draft)
{
  g_free (draft->bolt11);
  ms_wipe (draft, sizeof *draft);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (InvoiceRow, invoice_row_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Draft, draft_clear)

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static const secp256k1_context *
secp_context (void)
{
  static secp256k1_context *context;

  if (g_once_init_enter (&context))
    {
      secp256k1_context *ctx = secp256k1_context_create (SECP256K1_CONTEXT_NONE);
      guint8 seed[32];

      /* Blinding against side channels; the key is a demo key, but it costs nothing. */
      ms_random_bytes (seed, sizeof seed);
      if (!secp256k1_context_randomize (ctx, seed))
        g_error ("cannot randomize the secp256k1 context");
      ms_wipe (seed, sizeof seed);
      g_once_init_leave (&context, ctx);
    }

  return context;
}

/* ---- errors ---------------------------------------------------------- */

static gboolean refuse (GError     **error,
                        const char  *format,
                        ...) G_GNUC_PRINTF (2, 3);

/* The ledger refuses the request: bad, expired, paid or foreign invoice. */
static gboolean
refuse (GError     **error,
        const char  *format,
        ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;

  va_start (args, format);
  *error = g_error_new_valist (MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_REFUSED, format, args);
  va_end (args);
  return FALSE;
}

static gboolean
refuse_unknown (const guint8  *payment_hash,
                GError       **error)
{
  char hex[MS_LN_HASH_LEN * 2 + 1];

  ms_hex_encode_into (payment_hash, MS_LN_HASH_LEN, hex);
  return refuse (error, "the demo ledger has no invoice with payment hash %s", hex);
}

/*
 * A file SQLite cannot read as a database, or one whose pages are broken,
 * is "something we cannot understand" (PROTOCOL); any other failure (I/O,
 * locked for too long, disk full) means we could not reach the ledger.
 */
static gboolean
set_db_error (MsDemoLedger  *self,
              int            rc,
              GError       **error)
{
  MsLightningError code = MS_LIGHTNING_ERROR_UNREACHABLE;

  if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
    code = MS_LIGHTNING_ERROR_PROTOCOL;

  g_set_error (error, MS_LIGHTNING_ERROR, code, "demo ledger database %s: %s", self->path,
               self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
set_damaged (MsDemoLedger  *self,
             const char    *what,
             GError       **error)
{
  g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
               "demo ledger database %s is damaged: %s", self->path, what);
  return FALSE;
}

/* ---- statements ------------------------------------------------------ */

/* A prepared statement, reset and without bindings. Callers reset it when done. */
static sqlite3_stmt *
get_stmt (MsDemoLedger *self,
          Stmt          id)
{
  sqlite3_stmt *stmt = self->stmts[id];

  g_assert (stmt != NULL);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

/* Steps @stmt; on failure sets @error and resets @stmt (ending its read). */
static int
step (MsDemoLedger  *self,
      sqlite3_stmt  *stmt,
      GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      sqlite3_reset (stmt);
    }
  return rc;
}

/* Runs a statement whose rows (if any) do not matter. */
static gboolean
run (MsDemoLedger  *self,
     sqlite3_stmt  *stmt,
     GError       **error)
{
  int rc = step (self, stmt, error);

  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static void
bind_hash (sqlite3_stmt *stmt,
           int           index,
           const guint8 *hash)
{
  sqlite3_bind_blob (stmt, index, hash, MS_LN_HASH_LEN, SQLITE_STATIC);
}

/* Copies a 32-byte blob column; FALSE when it is not 32 bytes. */
static gboolean
column_hash (sqlite3_stmt *stmt,
             int           column,
             guint8        out[MS_LN_HASH_LEN])
{
  const void *blob = sqlite3_column_blob (stmt, column);

  if (blob == NULL || sqlite3_column_bytes (stmt, column) != MS_LN_HASH_LEN)
    return FALSE;

  memcpy (out, blob, MS_LN_HASH_LEN);
  return TRUE;
}

/* Write lock first: two ledgers on one file never interleave their writes. */
static gboolean
begin (MsDemoLedger  *self,
       GError       **error)
{
  return run (self, get_stmt (self, STMT_BEGIN), error);
}

static void
rollback (MsDemoLedger *self)
{
  /* A failed statement may already have ended the transaction. */
  if (!sqlite3_get_autocommit (self->db))
    run (self, get_stmt (self, STMT_ROLLBACK), NULL);
}

static gboolean
commit (MsDemoLedger  *self,
        GError       **error)
{
  if (run (self, get_stmt (self, STMT_COMMIT), error))
    return TRUE;

  rollback (self);
  return FALSE;
}

/* ---- opening --------------------------------------------------------- */

/*
 * The file holds the node key: create it 0600 before SQLite opens it (which
 * would make it 0644). SQLite gives its -wal and -shm files the mode of the
 * database file.
 */
static gboolean
create_file (const char  *path,
             GError     **error)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create the demo ledger database %s: %s", path,
                   g_strerror (saved_errno));
      return FALSE;
    }

  return g_close (fd, error);
}

static gboolean
exec_sql (MsDemoLedger  *self,
          const char    *sql,
          GError       **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_db_error (self, rc, error);
  return TRUE;
}

/* The first column of the first row of @sql, as text (NULL: no row). */
static gboolean
query_text (MsDemoLedger  *self,
            const char    *sql,
            char         **out,
            GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *out = NULL;
  if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    return set_db_error (self, rc, error);

  rc = step (self, stmt, error);
  if (rc == SQLITE_ROW)
    *out = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
query_int64 (MsDemoLedger  *self,
             const char    *sql,
             gint64        *out,
             GError       **error)
{
  g_autofree char *text = NULL;

  if (!query_text (self, sql, &text, error))
    return FALSE;

  *out = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
  return TRUE;
}

static gboolean
open_connection (MsDemoLedger  *self,
                 GError       **error)
{
  g_autofree char *journal_mode = NULL;
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    return set_db_error (self, rc, error);

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /*
   * WAL lets ledgers sharing the file read while one writes; FULL syncs
   * every commit, so a settlement that was reported is one that is kept.
   */
  if (!query_text (self, "PRAGMA journal_mode = WAL", &journal_mode, error))
    return FALSE;
  if (g_strcmp0 (journal_mode, "wal") != 0)
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_UNREACHABLE,
                   "demo ledger database %s: cannot use write-ahead logging (journal mode %s)",
                   self->path, journal_mode != NULL ? journal_mode : "unknown");
      return FALSE;
    }

  return exec_sql (self, "PRAGMA synchronous = FULL", error);
}

/*
 * The node key of a ledger that holds no real funds: it controls nothing
 * and signs only regtest invoices that nobody else can pay. It sits in the
 * database (a 0600 file) because it is a demo key, not a wallet secret.
 */
static void
generate_node_key (guint8 key[KEY_LEN])
{
  do
    ms_random_key_bytes (key, KEY_LEN);
  while (!secp256k1_ec_seckey_verify (secp_context (), key));
}

static gboolean
insert_node (MsDemoLedger  *self,
             GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  guint8 key[KEY_LEN];
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO node (id, private_key, balance_msat, created_at)"
                           " VALUES (1, ?1, ?2, ?3)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_db_error (self, rc, error);

  generate_node_key (key);
  sqlite3_bind_blob (stmt, 1, key, KEY_LEN, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, (gint64) self->starting_balance_msat);
  sqlite3_bind_int64 (stmt, 3, now_s ());
  ms_wipe (key, sizeof key);

  rc = step (self, stmt, error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
upgrade_schema (MsDemoLedger  *self,
                gint64         version,
                GError       **error)
{
  g_autofree char *sql = NULL;

  if (version == SCHEMA_VERSION)
    return TRUE;

  for (gint64 v = version + 1; v <= SCHEMA_VERSION; v++)
    {
      if (!exec_sql (self, schema_steps[v], error))
        return FALSE;
    }

  sql = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d",
                         APPLICATION_ID, SCHEMA_VERSION);
  return exec_sql (self, sql, error);
}

/* Inside the write lock, so that two ledgers opening a new file create it once. */
static gboolean
prepare_schema_locked (MsDemoLedger  *self,
                       GError       **error)
{
  gint64 application_id, version, n_objects;

  if (!query_int64 (self, "PRAGMA application_id", &application_id, error) ||
      !query_int64 (self, "PRAGMA user_version", &version, error) ||
      !query_int64 (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  /* An empty file: a new ledger, with the starting balance and a new key. */
  if (application_id == 0 && version == 0 && n_objects == 0)
    return upgrade_schema (self, 0, error) && insert_node (self, error);

  if (application_id != APPLICATION_ID)
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "%s is a SQLite database of another application, not a demo ledger",
                   self->path);
      return FALSE;
    }

  /* user_version is a signed 32-bit field: a damaged header can make it negative. */
  if (version < 0)
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "demo ledger database %s is damaged (schema version %" G_GINT64_FORMAT ")",
                   self->path, version);
      return FALSE;
    }

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, MS_LIGHTNING_ERROR, MS_LIGHTNING_ERROR_PROTOCOL,
                   "demo ledger database %s was written by a newer version (schema %"
                   G_GINT64_FORMAT ", this one reads up to %d)", self->path, version,
                   SCHEMA_VERSION);
      return FALSE;
    }

  return upgrade_schema (self, version, error);
}

static gboolean
prepare_schema (MsDemoLedger  *self,
                GError       **error)
{
  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!prepare_schema_locked (self, error))
    {
      if (!sqlite3_get_autocommit (self->db))
        exec_sql (self, "ROLLBACK", NULL);
      return FALSE;
    }

  return exec_sql (self, "COMMIT", error);
}

/* SQLite lists every problem it finds, after a "*** in database main ***" line: keep the first. */
static char *
first_problem (const char *verdict)
{
  g_auto(GStrv) lines = g_strsplit (verdict != NULL ? verdict : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] != '\0' && !g_str_has_prefix (lines[i], "***"))
        return g_strdup_printf ("it fails SQLite's integrity check (%s)", lines[i]);
    }

  return g_strdup ("it fails SQLite's integrity check");
}

/* A damaged file is reported when it is opened, not halfway through a payment. */
static gboolean
check_integrity (MsDemoLedger  *self,
                 GError       **error)
{
  g_autofree char *verdict = NULL;
  g_autofree char *problem = NULL;

  if (!query_text (self, "PRAGMA quick_check", &verdict, error))
    return FALSE;

  if (g_strcmp0 (verdict, "ok") == 0)
    return TRUE;

  problem = first_problem (verdict);
  return set_damaged (self, problem, error);
}

static gboolean
prepare_statements (MsDemoLedger  *self,
                    GError       **error)
{
  for (guint i = 0; i < N_STMTS; i++)
    {
      int rc = sqlite3_prepare_v3 (self->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[i], NULL);

      if (rc != SQLITE_OK)
        return set_db_error (self, rc, error);
    }

  return TRUE;
}

static gboolean
derive_node_id (MsDemoLedger *self)
{
  guint8 compressed[MS_BOLT11_PUBKEY_LEN];
  gsize len = sizeof compressed;
  secp256k1_pubkey pubkey;

  if (!secp256k1_ec_seckey_verify (secp_context (), self->private_key) ||
      !secp256k1_ec_pubkey_create (secp_context (), &pubkey, self->private_key))
    return FALSE;

  secp256k1_ec_pubkey_serialize (secp_context (), compressed, &len, &pubkey,
                                 SECP256K1_EC_COMPRESSED);
  self->node_id = ms_hex_encode (compressed, len);
  return TRUE;
}

static gboolean
load_node_key (MsDemoLedger  *self,
               GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "SELECT private_key FROM node WHERE id = 1", -1, &stmt,
                           NULL);
  if (rc != SQLITE_OK)
    return set_db_error (self, rc, error);

  rc = step (self, stmt, error);
  found = rc == SQLITE_ROW && column_hash (stmt, 0, self->private_key);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;
  if (!found || !derive_node_id (self))
    return set_damaged (self, "it holds no valid node key", error);

  return TRUE;
}

static gboolean
ms_demo_ledger_initable_init (GInitable     *initable,
                              GCancellable  *cancellable,
                              GError       **error)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (initable);

  g_return_val_if_fail (self->path != NULL, FALSE);
  g_return_val_if_fail (self->db == NULL, FALSE);

  return create_file (self->path, error) &&
         open_connection (self, error) &&
         prepare_schema (self, error) &&
         check_integrity (self, error) &&
         prepare_statements (self, error) &&
         load_node_key (self, error);
}

static void
ms_demo_ledger_initable_iface_init (GInitableIface *iface)
{
  iface->init = ms_demo_ledger_initable_init;
}

/* ---- the books ------------------------------------------------------- */

static gboolean
read_balance (MsDemoLedger  *self,
              guint64       *balance_msat,
              GError       **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_GET_BALANCE);
  int rc = step (self, stmt, error);

  if (rc == SQLITE_ROW)
    *balance_msat = (guint64) MAX (sqlite3_column_int64 (stmt, 0), 0);
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    return set_damaged (self, "the node record is missing", error);
  return rc == SQLITE_ROW;
}

static gboolean
parse_state (const char   *text,
             InvoiceState *state)
{
  if (g_strcmp0 (text, "unpaid") == 0)
    *state = INVOICE_UNPAID;
  else if (g_strcmp0 (text, "paid") == 0)
    *state = INVOICE_PAID;
  else if (g_strcmp0 (text, "cancelled") == 0)
    *state = INVOICE_CANCELLED;
  else
    return FALSE;

  return TRUE;
}

static gboolean
read_invoice_row (sqlite3_stmt *stmt,
                  InvoiceRow   *row)
{
  row->amount_msat = (guint64) MAX (sqlite3_column_int64 (stmt, 1), 0);
  row->expires_at = sqlite3_column_int64 (stmt, 2);

  return column_hash (stmt, 0, row->preimage) &&
         parse_state ((const char *) sqlite3_column_text (stmt, 3), &row->state);
}

/* Sets *@found to whether the ledger issued an invoice with @payment_hash. */
static gboolean
load_invoice (MsDemoLedger  *self,
              const guint8  *payment_hash,
              InvoiceRow    *row,
              gboolean      *found,
              GError       **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_GET_INVOICE);
  gboolean valid = TRUE;
  int rc;

  bind_hash (stmt, 1, payment_hash);
  rc = step (self, stmt, error);
  if (rc == SQLITE_ROW)
    valid = read_invoice_row (stmt, row);
  sqlite3_reset (stmt);

  *found = rc == SQLITE_ROW;
  if (!valid)
    return set_damaged (self, "an invoice record is malformed", error);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* The payment this node made for @payment_hash, or NULL in *@payment. */
static gboolean
load_payment (MsDemoLedger  *self,
              const guint8  *payment_hash,
              MsLnPayment  **payment,
              GError       **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_GET_PAYMENT);
  g_autoptr(MsLnPayment) found = NULL;
  gboolean valid = TRUE;
  int rc;

  bind_hash (stmt, 1, payment_hash);
  rc = step (self, stmt, error);
  if (rc == SQLITE_ROW)
    {
      found = g_new0 (MsLnPayment, 1);
      found->status = MS_LN_PAYMENT_SUCCEEDED;
      memcpy (found->payment_hash, payment_hash, MS_LN_HASH_LEN);
      valid = column_hash (stmt, 0, found->preimage);
      found->amount_msat = (guint64) MAX (sqlite3_column_int64 (stmt, 1), 0);
      found->fee_msat = (guint64) MAX (sqlite3_column_int64 (stmt, 2), 0);
    }
  sqlite3_reset (stmt);

  if (!valid)
    return set_damaged (self, "a payment record is malformed", error);
  *payment = g_steal_pointer (&found);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/*
 * BOLT #11 payer: "after the `timestamp` plus `expiry` has passed: SHOULD
 * NOT attempt a payment."
 */
static gboolean
check_payable (const InvoiceRow  *row,
               GError           **error)
{
  switch (row->state)
    {
    case INVOICE_UNPAID:
      break;
    case INVOICE_PAID:
      return refuse (error, "invoice already paid");
    case INVOICE_CANCELLED:
      return refuse (error, "invoice was cancelled");
    }

  if (now_s () > row->expires_at)
    return refuse (error, "invoice expired");

  return TRUE;
}

/*
 * Like Core Lightning and LND: an amount only for an invoice without one,
 * and then it is required.
 */
static gboolean
check_amount (const InvoiceRow  *row,
              guint64            amount_msat,
              guint64           *received_msat,
              GError           **error)
{
  if (row->amount_msat == 0 && amount_msat == 0)
    return refuse (error, "the invoice has no amount: say how much to pay");
  if (row->amount_msat != 0 && amount_msat != 0)
    return refuse (error, "the invoice already says how much to pay: give no amount");
  if (amount_msat > G_MAXINT64)
    return refuse (error, "amount %" G_GUINT64_FORMAT " msat is too large", amount_msat);

  *received_msat = row->amount_msat != 0 ? row->amount_msat : amount_msat;
  return TRUE;
}

/* Marks the invoice paid under the next settle index. */
static gboolean
settle_locked (MsDemoLedger  *self,
               const guint8  *payment_hash,
               guint64        received_msat,
               GError       **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_NEXT_SETTLE_INDEX);
  gint64 settle_index = 0;
  int rc;

  rc = step (self, stmt, error);
  if (rc == SQLITE_ROW)
    settle_index = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return set_damaged (self, "the settle index counter is missing", error);
  if (rc != SQLITE_ROW)
    return FALSE;

  stmt = get_stmt (self, STMT_SETTLE_INVOICE);
  bind_hash (stmt, 1, payment_hash);
  sqlite3_bind_int64 (stmt, 2, settle_index);
  sqlite3_bind_int64 (stmt, 3, (gint64) received_msat);
  sqlite3_bind_int64 (stmt, 4, now_s ());
  if (!run (self, stmt, error))
    return FALSE;

  /* Checked unpaid under the same write lock: exactly this row changed. */
  if (sqlite3_changes (self->db) != 1)
    return set_damaged (self, "an unpaid invoice could not be marked paid", error);

  return TRUE;
}

static gboolean
insert_payment (MsDemoLedger      *self,
                const MsLnPayment *payment,
                const char        *bolt11,
                GError           **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_INSERT_PAYMENT);

  bind_hash (stmt, 1, payment->payment_hash);
  sqlite3_bind_text (stmt, 2, bolt11, -1, SQLITE_STATIC);
  bind_hash (stmt, 3, payment->preimage);
  sqlite3_bind_int64 (stmt, 4, (gint64) payment->amount_msat);
  sqlite3_bind_int64 (stmt, 5, now_s ());
  return run (self, stmt, error);
}

/* ---- settlements ----------------------------------------------------- */

static MsLnSettlement *
read_settlement (sqlite3_stmt *stmt)
{
  g_autoptr(MsLnSettlement) settlement = g_new0 (MsLnSettlement, 1);

  if (!column_hash (stmt, 0, settlement->payment_hash) ||
      !column_hash (stmt, 1, settlement->preimage))
    return NULL;

  settlement->amount_received_msat = (guint64) MAX (sqlite3_column_int64 (stmt, 2), 0);
  settlement->settle_index = (guint64) MAX (sqlite3_column_int64 (stmt, 3), 0);
  settlement->label = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  return g_steal_pointer (&settlement);
}

/* Up to SETTLEMENT_BATCH settlements after @after_index, in settle order. */
static GPtrArray *
read_settlements (MsDemoLedger  *self,
                  guint64        after_index,
                  GError       **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_SETTLEMENTS_AFTER);
  g_autoptr(GPtrArray) batch = NULL;
  MsLnSettlement *settlement;
  guint64 previous = after_index;
  int rc;

  batch = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_ln_settlement_free);
  sqlite3_bind_int64 (stmt, 1, (gint64) MIN (after_index, (guint64) G_MAXINT64));
  sqlite3_bind_int (stmt, 2, SETTLEMENT_BATCH);

  while ((rc = step (self, stmt, error)) == SQLITE_ROW)
    {
      /* Indexes must climb, or a doctored file could replay one row forever. */
      if ((settlement = read_settlement (stmt)) == NULL || settlement->settle_index <= previous)
        {
          g_clear_pointer (&settlement, ms_ln_settlement_free);
          sqlite3_reset (stmt);
          set_damaged (self, "a paid invoice record is malformed", error);
          return NULL;
        }
      previous = settlement->settle_index;
      g_ptr_array_add (batch, settlement);
    }
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE ? g_steal_pointer (&batch) : NULL;
}

/* Handlers may stop or restart watching; a stale emission loop must end. */
static gboolean
still_watching (MsDemoLedger *self,
                guint         serial)
{
  return self->watching && self->watch_serial == serial;
}

static void
set_link (MsDemoLedger *self,
          LinkState     link,
          const char   *message)
{
  if (self->link == link)
    return;

  self->link = link;
  g_signal_emit_by_name (self, "connection-changed", link == LINK_ONLINE, message);
}

/*
 * Emits, in settle order, every settlement after the last one emitted.
 * The index advances before each emission, so a handler that pays an
 * invoice (and so schedules another round) never sees one twice.
 */
static void
emit_settlements (MsDemoLedger *self)
{
  guint serial = self->watch_serial;
  guint n_read;

  do
    {
      g_autoptr(GPtrArray) batch = NULL;
      g_autoptr(GError) error = NULL;

      if ((batch = read_settlements (self, self->last_settle_index, &error)) == NULL)
        {
          set_link (self, LINK_OFFLINE, error->message);
          return;
        }

      set_link (self, LINK_ONLINE, NULL);
      n_read = batch->len;
      for (guint i = 0; i < batch->len; i++)
        {
          MsLnSettlement *settlement = g_ptr_array_index (batch, i);

          if (!still_watching (self, serial))
            return;
          self->last_settle_index = settlement->settle_index;
          g_signal_emit_by_name (self, "invoice-settled", settlement);
        }
    }
  while (n_read == SETTLEMENT_BATCH && still_watching (self, serial));
}

static gboolean
drain_cb (gpointer user_data)
{
  MsDemoLedger *self = user_data;

  self->drain_source = 0;
  if (!self->watching)
    return G_SOURCE_REMOVE;

  /* A handler may drop the last reference to the ledger. */
  g_object_ref (self);
  emit_settlements (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/*
 * From an idle below the default priority, so that the result of the call
 * that settled (delivered by GTask at the default priority) comes first.
 */
static void
schedule_drain (MsDemoLedger *self)
{
  if (!self->watching || self->drain_source != 0)
    return;

  self->drain_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, drain_cb, self, NULL);
}

static gboolean
read_data_version (MsDemoLedger *self,
                   gint64       *version)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_DATA_VERSION);
  int rc = step (self, stmt, NULL);

  if (rc == SQLITE_ROW)
    *version = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

/*
 * PRAGMA data_version changes when another connection commits: another
 * ledger on the same file (the CLI, a second process) may have settled.
 */
static gboolean
poll_cb (gpointer user_data)
{
  MsDemoLedger *self = user_data;
  gint64 version = 0;

  if (!read_data_version (self, &version) || version != self->data_version ||
      self->link != LINK_ONLINE)
    {
      self->data_version = version;
      schedule_drain (self);
    }

  return G_SOURCE_CONTINUE;
}

/* ---- the calls ------------------------------------------------------- */

static MsLnNodeInfo *
get_info (MsDemoLedger  *self,
          GError       **error)
{
  MsLnNodeInfo *info;
  guint64 balance_msat;

  if (!read_balance (self, &balance_msat, error))
    return NULL;

  info = g_new0 (MsLnNodeInfo, 1);
  info->alias = g_strdup (ALIAS);
  info->node_id = g_strdup (self->node_id);
  info->network = g_strdup (NETWORK);
  info->spendable_msat = balance_msat;
  info->receivable_msat = RECEIVABLE_MSAT;
  info->block_height = 0;
  info->version = g_strdup ("moneysocket demo ledger " PACKAGE_VERSION);
  info->is_demo = TRUE;
  return info;
}

/*
 * A real BOLT #11 invoice for regtest ("lnbcrt…"): it passes the v0
 * message validators, which only check for "lnbc" (PROTOCOL.md 7.1), and
 * says plainly that it is not mainnet money.
 */
static gboolean
sign_draft (MsDemoLedger  *self,
            Draft         *draft,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  MsBolt11Params params = {
    .currency = CURRENCY,
    .has_amount = draft->amount_msat > 0,
    .amount_msat = draft->amount_msat,
    .timestamp = draft->created_at,
    .payment_hash = draft->payment_hash,
    .payment_secret = draft->payment_secret,
    .description = draft->description,
    .expiry = draft->expiry_s,
    .min_final_cltv_expiry = MIN_FINAL_CLTV,
  };

  draft->bolt11 = ms_bolt11_encode (&params, self->private_key, &local_error);
  if (draft->bolt11 == NULL)
    return refuse (error, "cannot issue the invoice: %s", local_error->message);

  return TRUE;
}

static char *
label_for (const guint8 *payment_hash)
{
  char hex[MS_LN_HASH_LEN * 2 + 1];

  ms_hex_encode_into (payment_hash, MS_LN_HASH_LEN, hex);
  return g_strconcat (LABEL_PREFIX, hex, NULL);
}

static gboolean
store_draft_locked (MsDemoLedger  *self,
                    const Draft   *draft,
                    GError       **error)
{
  g_auto(InvoiceRow) row = { 0 };
  g_autofree char *label = label_for (draft->payment_hash);
  sqlite3_stmt *stmt;
  gboolean found;

  /* Payment hashes, hence labels, are unique per node. */
  if (!load_invoice (self, draft->payment_hash, &row, &found, error))
    return FALSE;
  if (found)
    return refuse (error, "an invoice with this payment hash (so this preimage) already exists");

  stmt = get_stmt (self, STMT_INSERT_INVOICE);
  bind_hash (stmt, 1, draft->payment_hash);
  bind_hash (stmt, 2, draft->preimage);
  bind_hash (stmt, 3, draft->payment_secret);
  sqlite3_bind_text (stmt, 4, label, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, draft->bolt11, -1, SQLITE_STATIC);
  if (draft->amount_msat > 0)
    sqlite3_bind_int64 (stmt, 6, (gint64) draft->amount_msat);
  sqlite3_bind_text (stmt, 7, draft->description, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, draft->created_at);
  sqlite3_bind_int64 (stmt, 9, draft->created_at + draft->expiry_s);
  return run (self, stmt, error);
}

static gboolean
store_draft (MsDemoLedger  *self,
             const Draft   *draft,
             GError       **error)
{
  if (!begin (self, error))
    return FALSE;

  if (!store_draft_locked (self, draft, error))
    {
      rollback (self);
      return FALSE;
    }

  return commit (self, error);
}

/* Decodes @bolt11 and checks that this ledger signed it. */
static MsBolt11 *
decode_own_invoice (MsDemoLedger  *self,
                    const char    *bolt11,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MsBolt11) invoice = NULL;

  invoice = ms_bolt11_decode (bolt11, strlen (bolt11), MS_BOLT11_DECODE_NONE, &local_error);
  if (invoice == NULL)
    {
      refuse (error, "not a valid invoice: %s", local_error->message);
      return NULL;
    }

  if (g_strcmp0 (ms_bolt11_get_payee_hex (invoice), self->node_id) != 0)
    {
      refuse (error, FOREIGN_INVOICE_MESSAGE);
      return NULL;
    }

  return g_steal_pointer (&invoice);
}

static MsLnPayment *
pay_locked (MsDemoLedger  *self,
            MsBolt11      *invoice,
            guint64        amount_msat,
            GError       **error)
{
  const guint8 *payment_hash = ms_bolt11_get_payment_hash (invoice);
  g_autoptr(MsLnPayment) payment = NULL;
  g_auto(InvoiceRow) row = { 0 };
  guint64 received_msat = 0;
  gboolean found;

  /* Paid by this node before: the first payment's outcome, never a second payment. */
  if (!load_payment (self, payment_hash, &payment, error))
    return NULL;
  if (payment != NULL)
    return g_steal_pointer (&payment);

  if (!load_invoice (self, payment_hash, &row, &found, error))
    return NULL;
  if (!found)
    {
      refuse_unknown (payment_hash, error);
      return NULL;
    }

  if (!check_payable (&row, error) ||
      !check_amount (&row, amount_msat, &received_msat, error) ||
      !settle_locked (self, payment_hash, received_msat, error))
    return NULL;

  payment = g_new0 (MsLnPayment, 1);
  payment->status = MS_LN_PAYMENT_SUCCEEDED;
  memcpy (payment->payment_hash, payment_hash, MS_LN_HASH_LEN);
  memcpy (payment->preimage, row.preimage, MS_LN_HASH_LEN);
  payment->amount_msat = received_msat;
  payment->fee_msat = 0;

  if (!insert_payment (self, payment, ms_bolt11_get_invoice (invoice), error))
    return NULL;

  return g_steal_pointer (&payment);
}

/*
 * The money goes from the ledger to itself: the balance does not change,
 * the invoice is settled, and the watcher hears of it after the caller.
 */
static MsLnPayment *
pay (MsDemoLedger  *self,
     const char    *bolt11,
     guint64        amount_msat,
     GError       **error)
{
  g_autoptr(MsBolt11) invoice = NULL;
  g_autoptr(MsLnPayment) payment = NULL;

  if ((invoice = decode_own_invoice (self, bolt11, error)) == NULL)
    return NULL;
  if (!begin (self, error))
    return NULL;

  if ((payment = pay_locked (self, invoice, amount_msat, error)) == NULL)
    {
      rollback (self);
      return NULL;
    }

  if (!commit (self, error))
    return NULL;

  schedule_drain (self);
  return g_steal_pointer (&payment);
}

static MsLnPayment *
lookup_payment (MsDemoLedger  *self,
                const guint8  *payment_hash,
                GError       **error)
{
  MsLnPayment *payment = NULL;

  if (!load_payment (self, payment_hash, &payment, error))
    return NULL;

  if (payment == NULL)
    {
      payment = g_new0 (MsLnPayment, 1);
      payment->status = MS_LN_PAYMENT_UNKNOWN;
      memcpy (payment->payment_hash, payment_hash, MS_LN_HASH_LEN);
    }

  return payment;
}

static gboolean
cancel_locked (MsDemoLedger  *self,
               const guint8  *payment_hash,
               GError       **error)
{
  g_auto(InvoiceRow) row = { 0 };
  sqlite3_stmt *stmt;
  gboolean found;

  if (!load_invoice (self, payment_hash, &row, &found, error))
    return FALSE;
  if (!found)
    return refuse_unknown (payment_hash, error);

  switch (row.state)
    {
    case INVOICE_UNPAID:
      break;
    case INVOICE_PAID:
      return refuse (error, "invoice already paid");
    case INVOICE_CANCELLED:
      return TRUE;
    }

  stmt = get_stmt (self, STMT_CANCEL_INVOICE);
  bind_hash (stmt, 1, payment_hash);
  return run (self, stmt, error);
}

static gboolean
cancel_invoice (MsDemoLedger  *self,
                const guint8  *payment_hash,
                GError       **error)
{
  if (!begin (self, error))
    return FALSE;

  if (!cancel_locked (self, payment_hash, error))
    {
      rollback (self);
      return FALSE;
    }

  return commit (self, error);
}

static gboolean
add_balance_locked (MsDemoLedger  *self,
                    guint64        amount_msat,
                    GError       **error)
{
  sqlite3_stmt *stmt;
  guint64 balance_msat;

  if (!read_balance (self, &balance_msat, error))
    return FALSE;
  if (amount_msat > (guint64) G_MAXINT64 - balance_msat)
    return refuse (error, "the demo ledger's balance cannot grow past %" G_GINT64_FORMAT " msat",
                   G_MAXINT64);

  stmt = get_stmt (self, STMT_ADD_BALANCE);
  sqlite3_bind_int64 (stmt, 1, (gint64) amount_msat);
  return run (self, stmt, error);
}

static gboolean
pay_externally_locked (MsDemoLedger  *self,
                       const guint8  *payment_hash,
                       GError       **error)
{
  g_auto(InvoiceRow) row = { 0 };
  gboolean found;

  if (!load_invoice (self, payment_hash, &row, &found, error))
    return FALSE;
  if (!found)
    return refuse_unknown (payment_hash, error);
  if (!check_payable (&row, error))
    return FALSE;
  if (row.amount_msat == 0)
    return refuse (error, "the invoice has no amount, so an outside payer cannot pay it here");

  return add_balance_locked (self, row.amount_msat, error) &&
         settle_locked (self, payment_hash, row.amount_msat, error);
}

/* ---- MsLightning ----------------------------------------------------- */

static GTask *
new_task (MsDemoLedger        *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

/*
 * Calls that change the books report what they did even if the caller
 * cancels before the result is delivered: the work is already done.
 */
static GTask *
new_write_task (MsDemoLedger        *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  GTask *task = new_task (self, cancellable, callback, user_data, source_tag);

  g_task_set_check_cancellable (task, FALSE);
  return task;
}

static void
return_pointer (GTask          *task,
                gpointer        result,
                GDestroyNotify  result_destroy,
                GError         *error)
{
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, result_destroy);
}

static gpointer
propagate_pointer (MsLightning   *lightning,
                   GAsyncResult  *result,
                   gpointer       source_tag,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
ms_demo_ledger_get_info_async (MsLightning         *lightning,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (lightning);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    ms_demo_ledger_get_info_async);
  MsLnNodeInfo *info;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  info = get_info (self, &error);
  return_pointer (task, info, (GDestroyNotify) ms_ln_node_info_free, error);
}

static MsLnNodeInfo *
ms_demo_ledger_get_info_finish (MsLightning   *lightning,
                                GAsyncResult  *result,
                                GError       **error)
{
  return propagate_pointer (lightning, result, ms_demo_ledger_get_info_async, error);
}

static void
ms_demo_ledger_create_invoice_async (MsLightning         *lightning,
                                     guint64              amount_msat,
                                     const char          *description,
                                     guint                expiry_s,
                                     const guint8        *preimage,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (lightning);
  g_autoptr(GTask) task = new_write_task (self, cancellable, callback, user_data,
                                          ms_demo_ledger_create_invoice_async);
  MsLnInvoice *invoice;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* The amount may come from a consumer's request: refuse it, do not assert on it. */
  if (amount_msat > G_MAXINT64)
    {
      refuse (&error, "amount %" G_GUINT64_FORMAT " msat is too large", amount_msat);
      g_task_return_error (task, error);
      return;
    }

  invoice = ms_demo_ledger_create_invoice (self, amount_msat, description, expiry_s, preimage,
                                           &error);
  return_pointer (task, invoice, (GDestroyNotify) ms_ln_invoice_free, error);
}

static MsLnInvoice *
ms_demo_ledger_create_invoice_finish (MsLightning   *lightning,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return propagate_pointer (lightning, result, ms_demo_ledger_create_invoice_async, error);
}

/* The fee limit is always met: paying itself costs nothing. */
static void
ms_demo_ledger_pay_async (MsLightning         *lightning,
                          const char          *bolt11,
                          guint64              amount_msat,
                          guint64              max_fee_msat,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (lightning);
  g_autoptr(GTask) task = new_write_task (self, cancellable, callback, user_data,
                                          ms_demo_ledger_pay_async);
  MsLnPayment *payment;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  payment = pay (self, bolt11, amount_msat, &error);
  return_pointer (task, payment, (GDestroyNotify) ms_ln_payment_free, error);
}

static MsLnPayment *
ms_demo_ledger_pay_finish (MsLightning   *lightning,
                           GAsyncResult  *result,
                           GError       **error)
{
  return propagate_pointer (lightning, result, ms_demo_ledger_pay_async, error);
}

static void
ms_demo_ledger_lookup_payment_async (MsLightning         *lightning,
                                     const guint8        *payment_hash,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (lightning);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    ms_demo_ledger_lookup_payment_async);
  MsLnPayment *payment;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  payment = lookup_payment (self, payment_hash, &error);
  return_pointer (task, payment, (GDestroyNotify) ms_ln_payment_free, error);
}

static MsLnPayment *
ms_demo_ledger_lookup_payment_finish (MsLightning   *lightning,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return propagate_pointer (lightning, result, ms_demo_ledger_lookup_payment_async, error);
}

static void
ms_demo_ledger_cancel_invoice_async (MsLightning         *lightning,
                                     const guint8        *payment_hash,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (lightning);
  g_autoptr(GTask) task = new_write_task (self, cancellable, callback, user_data,
                                          ms_demo_ledger_cancel_invoice_async);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (cancel_invoice (self, payment_hash, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
ms_demo_ledger_cancel_invoice_finish (MsLightning   *lightning,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, lightning), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ms_demo_ledger_cancel_invoice_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/*
 * Replays the settlements after @after_index from the database, then
 * follows new ones. The ledger is never offline: "connection-changed"
 * (TRUE) comes once, before the replay.
 */
static void
ms_demo_ledger_watch_settlements (MsLightning *lightning,
                                  guint64      after_index)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (lightning);

  self->watch_serial++;
  self->last_settle_index = after_index;

  if (!self->watching)
    {
      self->watching = TRUE;
      self->link = LINK_UNKNOWN;
      self->poll_source = g_timeout_add (POLL_INTERVAL_MS, poll_cb, self);
    }

  read_data_version (self, &self->data_version);
  g_clear_handle_id (&self->drain_source, g_source_remove);
  schedule_drain (self);
}

/* Every call completes before it returns, so only watching has to stop. */
static void
ms_demo_ledger_stop (MsLightning *lightning)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (lightning);

  self->watching = FALSE;
  self->watch_serial++;
  self->link = LINK_UNKNOWN;
  g_clear_handle_id (&self->drain_source, g_source_remove);
  g_clear_handle_id (&self->poll_source, g_source_remove);
}

static void
ms_demo_ledger_lightning_iface_init (MsLightningInterface *iface)
{
  iface->get_info_async = ms_demo_ledger_get_info_async;
  iface->get_info_finish = ms_demo_ledger_get_info_finish;
  iface->create_invoice_async = ms_demo_ledger_create_invoice_async;
  iface->create_invoice_finish = ms_demo_ledger_create_invoice_finish;
  iface->pay_async = ms_demo_ledger_pay_async;
  iface->pay_finish = ms_demo_ledger_pay_finish;
  iface->lookup_payment_async = ms_demo_ledger_lookup_payment_async;
  iface->lookup_payment_finish = ms_demo_ledger_lookup_payment_finish;
  iface->cancel_invoice_async = ms_demo_ledger_cancel_invoice_async;
  iface->cancel_invoice_finish = ms_demo_ledger_cancel_invoice_finish;
  iface->watch_settlements = ms_demo_ledger_watch_settlements;
  iface->stop = ms_demo_ledger_stop;
}

/* ---- GObject --------------------------------------------------------- */

static void
ms_demo_ledger_dispose (GObject *object)
{
  ms_demo_ledger_stop (MS_LIGHTNING (object));

  G_OBJECT_CLASS (ms_demo_ledger_parent_class)->dispose (object);
}

static void
ms_demo_ledger_finalize (GObject *object)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (object);

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  ms_wipe (self->private_key, sizeof self->private_key);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->node_id, g_free);

  G_OBJECT_CLASS (ms_demo_ledger_parent_class)->finalize (object);
}

static void
ms_demo_ledger_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_STARTING_BALANCE_MSAT:
      g_value_set_uint64 (value, self->starting_balance_msat);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_demo_ledger_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  MsDemoLedger *self = MS_DEMO_LEDGER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_STARTING_BALANCE_MSAT:
      self->starting_balance_msat = g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_demo_ledger_class_init (MsDemoLedgerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_demo_ledger_dispose;
  object_class->finalize = ms_demo_ledger_finalize;
  object_class->get_property = ms_demo_ledger_get_property;
  object_class->set_property = ms_demo_ledger_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* Applied only when the file is created. */
  properties[PROP_STARTING_BALANCE_MSAT] =
    g_param_spec_uint64 ("starting-balance-msat", NULL, NULL,
                         0, G_MAXINT64, MS_DEMO_LEDGER_DEFAULT_BALANCE_MSAT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ms_demo_ledger_init (MsDemoLedger *self)
{
  self->starting_balance_msat = MS_DEMO_LEDGER_DEFAULT_BALANCE_MSAT;
}

/* ---- public API ------------------------------------------------------ */

/**
 * ms_demo_ledger_new:
 * @db_path: the ledger's SQLite file, created (mode 0600) when missing
 * @starting_balance_msat: the balance of a new file; ignored when it exists
 * @error: a G_IO_ERROR when the file cannot be created, an MS_LIGHTNING_ERROR
 *   when it cannot be used (not a database, another application's, damaged,
 *   from a newer version)
 *
 * Returns: (transfer full): the ledger, or NULL
 */
MsDemoLedger *
ms_demo_ledger_new (const char  *db_path,
                    guint64      starting_balance_msat,
                    GError     **error)
{
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (starting_balance_msat <= G_MAXINT64, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (MS_TYPE_DEMO_LEDGER, NULL, error,
                         "path", db_path,
                         "starting-balance-msat", starting_balance_msat,
                         NULL);
}

const char *
ms_demo_ledger_get_path (MsDemoLedger *self)
{
  g_return_val_if_fail (MS_IS_DEMO_LEDGER (self), NULL);

  return self->path;
}

/* The node's public key: 66 hex digits, as get_info() reports it. */
const char *
ms_demo_ledger_get_node_id (MsDemoLedger *self)
{
  g_return_val_if_fail (MS_IS_DEMO_LEDGER (self), NULL);

  return self->node_id;
}

/**
 * ms_demo_ledger_create_invoice:
 * @amount_msat: the amount, or 0 for an invoice the payer fills in
 * @description: (nullable): the `d` field (at most 639 bytes of UTF-8)
 * @expiry_s: seconds, or 0 for BOLT #11's default of 3600
 * @preimage: (nullable): 32 bytes, or NULL for a fresh random one
 *
 * What create_invoice_async() does, synchronously, and also for invoices
 * without an amount. Fails with MS_LIGHTNING_ERROR_REFUSED when the
 * preimage was used before or the invoice cannot be written.
 */
MsLnInvoice *
ms_demo_ledger_create_invoice (MsDemoLedger  *self,
                               guint64        amount_msat,
                               const char    *description,
                               guint          expiry_s,
                               const guint8  *preimage,
                               GError       **error)
{
  g_auto(Draft) draft = { 0 };
  MsLnInvoice *invoice;

  g_return_val_if_fail (MS_IS_DEMO_LEDGER (self), NULL);
  g_return_val_if_fail (amount_msat <= G_MAXINT64, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (preimage != NULL)
    memcpy (draft.preimage, preimage, MS_LN_HASH_LEN);
  else
    ms_random_key_bytes (draft.preimage, MS_LN_HASH_LEN);
  ms_sha256 (draft.preimage, MS_LN_HASH_LEN, draft.payment_hash);
  ms_random_key_bytes (draft.payment_secret, MS_LN_HASH_LEN);
  draft.amount_msat = amount_msat;
  draft.description = description != NULL ? description : "";
  draft.expiry_s = expiry_s != 0 ? expiry_s : MS_BOLT11_DEFAULT_EXPIRY;
  draft.created_at = now_s ();

  if (!sign_draft (self, &draft, error) || !store_draft (self, &draft, error))
    return NULL;

  invoice = g_new0 (MsLnInvoice, 1);
  invoice->bolt11 = g_steal_pointer (&draft.bolt11);
  memcpy (invoice->payment_hash, draft.payment_hash, MS_LN_HASH_LEN);
  invoice->expires_at = draft.created_at + draft.expiry_s;
  return invoice;
}

/**
 * ms_demo_ledger_pay_invoice_externally:
 * @payment_hash: 32 bytes: one of this ledger's unpaid invoices
 *
 * Pretends that someone outside paid the invoice, so that the receiving
 * side can be tried without a second node: the invoice is settled (a
 * watcher hears "invoice-settled") and its amount adds to the balance.
 * Fails with MS_LIGHTNING_ERROR_REFUSED for an unknown, paid, cancelled,
 * expired or amountless invoice.
 */
gboolean
ms_demo_ledger_pay_invoice_externally (MsDemoLedger  *self,
                                       const guint8  *payment_hash,
                                       GError       **error)
{
  g_return_val_if_fail (MS_IS_DEMO_LEDGER (self), FALSE);
  g_return_val_if_fail (payment_hash != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!begin (self, error))
    return FALSE;

  if (!pay_externally_locked (self, payment_hash, error))
    {
      rollback (self);
      return FALSE;
    }

  if (!commit (self, error))
    return FALSE;

  schedule_drain (self);
  return TRUE;
}
