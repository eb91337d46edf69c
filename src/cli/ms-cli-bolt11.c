/* ms-cli-bolt11.c: moneysocket-cli bolt11 decode
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "moneysocket.h"
#include "ms-cli.h"

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_route_hints (JsonBuilder    *builder,
                 const MsBolt11 *invoice)
{
  json_builder_set_member_name (builder, "route_hints");
  json_builder_begin_array (builder);
  for (guint r = 0; r < ms_bolt11_get_n_routes (invoice); r++)
    {
      const MsBolt11Route *route = ms_bolt11_get_route (invoice, r);

      json_builder_begin_array (builder);
      for (guint h = 0; h < route->n_hops; h++)
        {
          const MsBolt11Hop *hop = &route->hops[h];
          g_autofree char *pubkey = ms_bolt11_hop_dup_pubkey_hex (hop);
          g_autofree char *scid = ms_bolt11_short_channel_id_to_string (hop->short_channel_id);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "pubkey");
          json_builder_add_string_value (builder, pubkey);
          json_builder_set_member_name (builder, "short_channel_id");
          json_builder_add_string_value (builder, scid);
          json_builder_set_member_name (builder, "fee_base_msat");
          json_builder_add_int_value (builder, hop->fee_base_msat);
          json_builder_set_member_name (builder, "fee_proportional_millionths");
          json_builder_add_int_value (builder, hop->fee_proportional_millionths);
          json_builder_set_member_name (builder, "cltv_expiry_delta");
          json_builder_add_int_value (builder, hop->cltv_expiry_delta);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
}

static JsonNode *
invoice_to_json (const MsBolt11 *invoice)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GBytes) metadata = ms_bolt11_get_payment_metadata (invoice);
  const char * const *fallbacks = ms_bolt11_get_fallback_addresses (invoice);
  const guint *features;
  guint n_features = 0;

  json_builder_begin_object (builder);
  add_string_or_null (builder, "payee", ms_bolt11_get_payee_hex (invoice));
  add_string_or_null (builder, "currency", ms_bolt11_get_currency (invoice));
  add_string_or_null (builder, "network", ms_bolt11_get_network (invoice));
  json_builder_set_member_name (builder, "amount_msat");
  if (ms_bolt11_has_amount (invoice))
    json_builder_add_int_value (builder, (gint64) ms_bolt11_get_amount_msat (invoice));
  else
    json_builder_add_null_value (builder);
  add_string_or_null (builder, "payment_hash", ms_bolt11_get_payment_hash_hex (invoice));
  add_string_or_null (builder, "payment_secret", ms_bolt11_get_payment_secret_hex (invoice));
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, ms_bolt11_get_created_at (invoice));
  json_builder_set_member_name (builder, "expiry");
  json_builder_add_int_value (builder, (gint64) ms_bolt11_get_expiry (invoice));
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, ms_bolt11_get_expires_at (invoice));
  add_string_or_null (builder, "description", ms_bolt11_get_description (invoice));
  add_string_or_null (builder, "description_hash",
                      ms_bolt11_get_description_hash_hex (invoice));
  json_builder_set_member_name (builder, "min_final_cltv_expiry");
  json_builder_add_int_value (builder, (gint64) ms_bolt11_get_min_final_cltv_expiry (invoice));

  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  features = ms_bolt11_get_features (invoice, &n_features);
  for (guint i = 0; i < n_features; i++)
    json_builder_add_int_value (builder, features[i]);
  json_builder_end_array (builder);

  add_route_hints (builder, invoice);

  json_builder_set_member_name (builder, "fallback_addresses");
  json_builder_begin_array (builder);
  for (guint i = 0; fallbacks != NULL && fallbacks[i] != NULL; i++)
    json_builder_add_string_value (builder, fallbacks[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "payment_metadata");
  if (metadata != NULL)
    {
      g_autofree char *hex = ms_hex_encode (g_bytes_get_data (metadata, NULL),
                                            g_bytes_get_size (metadata));

      json_builder_add_string_value (builder, hex);
    }
  else
    {
      json_builder_add_null_value (builder);
    }

  json_builder_set_member_name (builder, "payee_from_n");
  json_builder_add_boolean_value (builder, ms_bolt11_get_payee_from_n (invoice));
  json_builder_set_member_name (builder, "signature_valid");
  json_builder_add_boolean_value (builder, ms_bolt11_get_signature_valid (invoice));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static int
bolt11_decode (MsCliGlobal  *global,
               int           argc,
               char        **argv)
{
  gboolean allow_bad_signature = FALSE;
  const GOptionEntry entries[] = {
    { "allow-bad-signature", 0, 0, G_OPTION_ARG_NONE, &allow_bad_signature,
      N_("Print an invoice whose signature does not verify (signature_valid is then false)"),
      NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(MsBolt11) invoice = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int status;

  /* Translators: parameter of "bolt11 decode" in --help */
  context = g_option_context_new (_("INVOICE"));
  g_option_context_set_summary (context,
                                _("Decode a BOLT #11 invoice, check its signature and print its "
                                  "fields as JSON. Invoices the BOLT #11 spec says a reader must "
                                  "reject are refused."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = ms_cli_parse_options (context, &argc, &argv)) != MS_CLI_EXIT_OK)
    return status;

  if (argc != 2)
    {
      ms_cli_fail (_("bolt11 decode takes exactly one INVOICE; see --help"));
      return MS_CLI_EXIT_USAGE;
    }

  /* "lightning:" URIs are what wallets copy; take the invoice out of them. */
  text = g_strstrip (g_strdup (argv[1]));
  if (g_ascii_strncasecmp (text, "lightning:", 10) == 0)
    memmove (text, text + 10, strlen (text + 10) + 1);

  invoice = ms_bolt11_decode (text, strlen (text),
                              allow_bad_signature ? MS_BOLT11_DECODE_ALLOW_BAD_SIGNATURE
                                                  : MS_BOLT11_DECODE_NONE,
                              &error);
  if (invoice == NULL)
    return ms_cli_fail_error (error);

  node = invoice_to_json (invoice);
  ms_cli_print_json (node);
  return MS_CLI_EXIT_OK;
}

int
ms_cli_bolt11 (MsCliGlobal  *global,
               int           argc,
               char        **argv)
{
  static const MsCliCommand commands[] = {
    { "decode", N_("Decode and verify an invoice"), bolt11_decode },
    { NULL }
  };

  return ms_cli_run_subcommand ("bolt11", commands, global, argc, argv);
}
