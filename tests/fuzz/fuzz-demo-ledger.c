/* fuzz-demo-ledger.c: ms_demo_ledger_new on an arbitrary file, then every call on what opens
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * The input is written as the ledger's database file. A file that is not a
 * ledger must fail with a GError; one that opens must survive every call,
 * however its rows were bent. Seed it with a real ledger file: SQLite
 * rejects almost any other input at its 100-byte header.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ms-bolt11.h"
#include "ms-demo-ledger.h"
#include "ms-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const char *
ledger_path (void)
{
  static char *path;

  if (path == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("fuzz-demo-ledger-XXXXXX", &error);

      g_assert_no_error (error);
      path = g_build_filename (dir, "ledger.sqlite", NULL);
    }

  return path;
}

static void
remove_files (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

      g_unlink (name);
    }
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs whatever is ready (task results, settlement idles) without blocking. */
static void
drain_main_context (void)
{
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static void
check_error (GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == MS_LIGHTNING_ERROR);
  g_assert_nonnull (error->message);
}

static void
exercise_info (MsDemoLedger *ledger)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  ms_lightning_get_info_async (MS_LIGHTNING (ledger), NULL, store_result_cb, &result);
  drain_main_context ();
  g_assert_nonnull (result);
  info = ms_lightning_get_info_finish (MS_LIGHTNING (ledger), result, &error);
  if (info == NULL)
    check_error (error);
  else
    g_assert_cmpstr (info->node_id, ==, ms_demo_ledger_get_node_id (ledger));
}

static void
exercise_pay (MsDemoLedger      *ledger,
              const MsLnInvoice *invoice)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsLnPayment) payment = NULL;
  g_autoptr(GError) error = NULL;

  ms_lightning_pay_async (MS_LIGHTNING (ledger), invoice->bolt11, 0, 0, NULL, store_result_cb,
                          &result);
  drain_main_context ();
  g_assert_nonnull (result);
  payment = ms_lightning_pay_finish (MS_LIGHTNING (ledger), result, &error);
  if (payment == NULL)
    check_error (error);
  else
    g_assert_cmpmem (payment->payment_hash, 32, invoice->payment_hash, 32);
}

static void
exercise (MsDemoLedger *ledger)
{
  g_autoptr(MsLnInvoice) first = NULL;
  g_autoptr(MsLnInvoice) second = NULL;
  g_autoptr(GError) error = NULL;

  exercise_info (ledger);

  /* Replays whatever rows the file holds. */
  ms_lightning_watch_settlements (MS_LIGHTNING (ledger), 0);
  drain_main_context ();

  first = ms_demo_ledger_create_invoice (ledger, 1000, "fuzz", 0, NULL, &error);
  if (first == NULL)
    {
      check_error (error);
      g_clear_error (&error);
    }
  else
    {
      exercise_pay (ledger, first);
    }

  second = ms_demo_ledger_create_invoice (ledger, 2000, NULL, 60, NULL, &error);
  if (second == NULL)
    check_error (error);
  else if (!ms_demo_ledger_pay_invoice_externally (ledger, second->payment_hash, &error))
    check_error (error);

  drain_main_context ();
  ms_lightning_stop (MS_LIGHTNING (ledger));
}

/*
 * A real ledger file with invoices paid, unpaid and paid from outside:
 * almost any random file fails at SQLite's header, so most inputs are
 * patches to this one instead.
 */
static GBytes *
template_file (void)
{
  static GBytes *template;

  if (template == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsDemoLedger) ledger = NULL;
      g_autoptr(MsLnInvoice) a = NULL;
      g_autoptr(MsLnInvoice) b = NULL;
      g_autoptr(MsLnInvoice) c = NULL;
      const char *path = ledger_path ();
      char *contents;
      gsize len;

      remove_files (path);
      ledger = ms_demo_ledger_new (path, 5000000, &error);
      g_assert_no_error (error);
      a = ms_demo_ledger_create_invoice (ledger, 1000, "a", 3600, NULL, &error);
      b = ms_demo_ledger_create_invoice (ledger, 0, "b", 3600, NULL, &error);
      c = ms_demo_ledger_create_invoice (ledger, 3000, "c", 3600, NULL, &error);
      g_assert_no_error (error);
      exercise_pay (ledger, a);
      g_assert_true (ms_demo_ledger_pay_invoice_externally (ledger, c->payment_hash, &error));
      ms_lightning_stop (MS_LIGHTNING (ledger));
      g_clear_object (&ledger);

      g_assert_true (g_file_get_contents (path, &contents, &len, &error));
      template = g_bytes_new_take (contents, len);
      remove_files (path);
    }
  return template;
}

/* First byte odd: the input is the file. Even: (offset, offset, value) patches to the template. */
static GBytes *
file_for (const uint8_t *data,
          size_t         size)
{
  gsize len;
  guint8 *file;

  if (data[0] & 1)
    return g_bytes_new (data + 1, size - 1);

  file = g_bytes_unref_to_data (g_bytes_ref (template_file ()), &len);
  for (size_t i = 1; i + 2 < size; i += 3)
    file[((data[i] << 8) | data[i + 1]) % len] = data[i + 2];
  return g_bytes_new_take (file, len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *path = ledger_path ();
  g_autoptr(MsDemoLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) file = NULL;

  if (size == 0)
    return 0;

  file = file_for (data, size);
  remove_files (path);
  if (!g_file_set_contents (path, g_bytes_get_data (file, NULL), g_bytes_get_size (file), &error))
    g_error ("cannot write %s: %s", path, error->message);

  ledger = ms_demo_ledger_new (path, 1000, &error);
  if (ledger == NULL)
    check_error (error);
  else
    exercise (ledger);

  g_clear_object (&ledger);
  remove_files (path);
  return 0;
}
