/* fuzz-lnd-stream.c: LND's newline-delimited REST streams and their protojson mapping
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * The first byte picks how the rest is cut into chunks for the line
 * buffer; every line is then read as a stream line and its result mapped
 * as each message the backend reads. The whole input is also read as the
 * body of a failed call.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "moneysocket.h"
#include "ms-lnd-protojson-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_error (const GError *error)
{
  g_assert (error != NULL);
  g_assert (error->domain == MS_LIGHTNING_ERROR);
  g_assert (g_utf8_validate (error->message, -1, NULL));
}

static void
check_preimage (const guint8 *preimage,
                const guint8 *hash)
{
  guint8 digest[MS_SHA256_LEN];

  ms_sha256 (preimage, MS_LN_HASH_LEN, digest);
  g_assert (memcmp (digest, hash, MS_LN_HASH_LEN) == 0);
}

static void
map_payment (JsonObject *result)
{
  g_autoptr(GError) error = NULL;
  const char *failure = NULL;
  MsLnPayment payment;

  if (!_ms_lnd_payment_parse (result, &payment, &failure, &error))
    return check_error (error);

  if (payment.status == MS_LN_PAYMENT_SUCCEEDED)
    check_preimage (payment.preimage, payment.payment_hash);
  g_assert ((payment.status == MS_LN_PAYMENT_FAILED) == (failure != NULL));
  g_assert (payment.amount_msat <= G_MAXINT64 && payment.fee_msat <= G_MAXINT64);
}

static void
map_invoice (JsonObject *result)
{
  g_autoptr(MsLnSettlement) settlement = NULL;
  g_autoptr(GError) error = NULL;
  MsLndInvoiceState state;
  gboolean is_amp;

  if (!(settlement = _ms_lnd_invoice_parse (result, &state, &is_amp, &error)))
    return check_error (error);

  if (state == MS_LND_INVOICE_SETTLED)
    g_assert (settlement->settle_index > 0);
  if (state == MS_LND_INVOICE_SETTLED && !is_amp)
    check_preimage (settlement->preimage, settlement->payment_hash);
  g_assert (settlement->label == NULL || *settlement->label != '\0');
}

static void
map_others (JsonObject *result)
{
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(GError) error = NULL;
  guint64 value;

  if ((info = _ms_lnd_node_info_parse (result, result, &error)))
    g_assert (strlen (info->node_id) == 66 && info->network != NULL);
  else
    check_error (error);
  g_clear_error (&error);

  if ((invoice = _ms_lnd_add_invoice_parse (result, &error)))
    g_assert (invoice->bolt11 != NULL);
  else
    check_error (error);
  g_clear_error (&error);

  if (!_ms_lnd_get_uint64 (result, "settle_index", &value, &error))
    check_error (error);
}

static void
take_line (const char *line,
           gsize       len)
{
  MsLndStatus status = { 0, -1, NULL, FALSE };
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (len > 0 && memchr (line, '\n', len) == NULL);

  result = _ms_lnd_parse_stream_line (line, len, &status, &error);
  if (result == NULL)
    {
      check_error (error);
      g_assert (status.in_stream == (status.code >= 0));
      _ms_lnd_status_clear (&status);
      return;
    }

  map_payment (result);
  map_invoice (result);
  map_others (result);
}

static void
take_error_body (const guint8 *data,
                 gsize         size)
{
  MsLndStatus status = { 500, -1, NULL, FALSE };
  g_autoptr(GError) error = NULL;

  if (_ms_lnd_parse_error_body ((const char *) data, size, &status))
    g_assert (status.code >= 0);

  error = _ms_lnd_status_to_error (&status);
  check_error (error);
  _ms_lnd_status_clear (&status);
}

static void
take_stream (const guint8 *data,
             gsize         size,
             gsize         chunk)
{
  g_autoptr(MsLndLineBuffer) buffer = _ms_lnd_line_buffer_new (4096);
  gsize consumed = 0;

  for (gsize offset = 0; offset < size; offset += chunk)
    {
      g_autoptr(GError) error = NULL;
      char *line;
      gsize len;

      if (!_ms_lnd_line_buffer_push (buffer, data + offset, MIN (chunk, size - offset), &error))
        return check_error (error);

      while ((line = _ms_lnd_line_buffer_pop (buffer, &len)) != NULL)
        {
          g_assert (len <= 4096);
          consumed += len + 1;
          take_line (line, len);
          g_free (line);
        }
    }

  g_assert (consumed + _ms_lnd_line_buffer_get_pending (buffer) <= size);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size == 0)
    return 0;

  take_stream (data + 1, size - 1, data[0] == 0 ? size : data[0]);
  take_error_body (data + 1, size - 1);
  return 0;
}
