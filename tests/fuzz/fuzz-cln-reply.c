/* fuzz-cln-reply.c: lightningd's reply stream and CLNRest answers on arbitrary bytes
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * The first byte picks how the stream is cut into reads (as a socket would
 * deliver it) and the HTTP status for the CLNRest reading of the same bytes.
 * Every frame goes through the JSON-RPC envelope and, when it is a result,
 * through every result mapping of the backend.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "moneysocket.h"
#include "ms-cln-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const guint statuses[] = { 200, 201, 204, 301, 400, 401, 403, 404, 406, 500, 502, 503 };
static const char * const methods[] = { "xpay", "pay", "invoice", "getinfo", "delinvoice" };

static void
assert_preimage (const guint8 *preimage,
                 const guint8 *payment_hash)
{
  guint8 hash[MS_SHA256_LEN];

  ms_sha256 (preimage, MS_LN_HASH_LEN, hash);
  g_assert (memcmp (hash, payment_hash, MS_LN_HASH_LEN) == 0);
}

/* A mapping either fails with a message or returns what it promises. */
static void
map_result (const MsJsonValue *result)
{
  static const guint8 fixed_hash[MS_LN_HASH_LEN] = { 0x66, 0x68, 0x7a, 0xad };
  g_autoptr(MsLnNodeInfo) info = NULL;
  g_autoptr(MsLnInvoice) invoice = NULL;
  g_autoptr(MsLnPayment) paid = NULL;
  g_autoptr(MsLnPayment) listed = NULL;
  g_autoptr(MsLnSettlement) settlement = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *status = NULL;
  MsLnNodeInfo channels = { 0 };

  if ((info = _ms_cln_node_info_from_result (result, &error)) != NULL)
    g_assert (strlen (info->node_id) == 66 && info->alias != NULL && info->network != NULL);
  g_clear_error (&error);

  if (!_ms_cln_node_info_add_channels (&channels, result, &error))
    g_assert (error != NULL);
  g_clear_error (&error);

  if ((invoice = _ms_cln_invoice_from_result (result, &error)) != NULL)
    g_assert (invoice->bolt11[0] != '\0' && invoice->expires_at >= 0);
  g_clear_error (&error);

  if ((paid = _ms_cln_payment_from_result (result, NULL, &error)) != NULL)
    assert_preimage (paid->preimage, paid->payment_hash);
  g_clear_error (&error);

  if ((listed = _ms_cln_payment_from_listpays (result, fixed_hash, &error)) != NULL &&
      listed->status == MS_LN_PAYMENT_SUCCEEDED)
    assert_preimage (listed->preimage, fixed_hash);
  g_clear_error (&error);

  if ((settlement = _ms_cln_settlement_from_result (result, &error)) != NULL)
    {
      g_assert (settlement->settle_index > 0);
      assert_preimage (settlement->preimage, settlement->payment_hash);
    }
  g_clear_error (&error);

  if (_ms_cln_invoice_find (result, fixed_hash, &label, &status, &error))
    g_assert ((label == NULL) == (status == NULL));
  else
    g_assert (error != NULL);
}

static void
check_reply (MsClnReply *reply)
{
  switch (reply->kind)
    {
    case MS_CLN_REPLY_RESULT:
      g_assert (ms_json_value_get_value_type (reply->result) == MS_JSON_OBJECT);
      map_result (reply->result);
      break;
    case MS_CLN_REPLY_ERROR:
      g_assert (reply->message != NULL);
      for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
        {
          g_autoptr(GError) error = _ms_cln_reply_to_error (methods[i], reply);

          g_assert (error != NULL && error->domain == MS_LIGHTNING_ERROR);
        }
      break;
    case MS_CLN_REPLY_NOTIFICATION:
      break;
    }
}

static void
check_stream (const guint8 *data,
              gsize         size,
              gsize         chunk)
{
  g_autoptr(MsClnFramer) framer = _ms_cln_framer_new (4096);

  for (gsize off = 0; off < size; off += chunk)
    {
      _ms_cln_framer_push (framer, data + off, MIN (chunk, size - off));
      while (TRUE)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) frame = _ms_cln_framer_next (framer, &error);
          g_autoptr(MsClnReply) reply = NULL;
          gsize len;
          const char *text;

          if (frame == NULL)
            {
              if (error != NULL)
                return;
              break;
            }

          text = g_bytes_get_data (frame, &len);
          g_assert (len > 0 && len <= 4096 + chunk);
          reply = _ms_cln_reply_parse_rpc (text, len, &error);
          if (reply == NULL)
            g_assert (error != NULL && error->code == MS_LIGHTNING_ERROR_PROTOCOL);
          else
            check_reply (reply);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(MsClnReply) rest = NULL;
  g_autoptr(GError) error = NULL;
  guint8 selector;

  if (size == 0)
    return 0;

  selector = data[0];
  data++;
  size--;

  check_stream (data, size, (selector & 0x0f) == 0 ? size + 1 : (gsize) (selector & 0x0f) * 7);

  rest = _ms_cln_reply_parse_rest (statuses[(selector >> 4) % G_N_ELEMENTS (statuses)],
                                   (const char *) data, size, &error);
  if (rest == NULL)
    g_assert (error != NULL && error->domain == MS_LIGHTNING_ERROR);
  else
    check_reply (rest);
  return 0;
}
