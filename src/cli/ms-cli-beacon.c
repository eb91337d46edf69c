/* ms-cli-beacon.c: moneysocket-cli beacon decode|encode|generate
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "moneysocket.h"
#include "ms-cli.h"

static JsonNode *
location_to_json (MsLocation *location)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  MsLocationType type = ms_location_get_location_type (location);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, ms_location_type_to_string (type));
  if (type == MS_LOCATION_TYPE_WEBSOCKET)
    {
      g_autofree char *url = ms_location_dup_url (location);

      json_builder_set_member_name (builder, "host");
      json_builder_add_string_value (builder, ms_location_get_host (location));
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, ms_location_get_port (location));
      json_builder_set_member_name (builder, "use_tls");
      json_builder_add_boolean_value (builder, ms_location_get_use_tls (location));
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
    }
  else
    {
      json_builder_set_member_name (builder, "placeholder_string");
      json_builder_add_string_value (builder, ms_location_get_placeholder (location));
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
beacon_to_json (MsBeacon *beacon)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const MsSharedSeed *seed = ms_beacon_get_shared_seed (beacon);
  g_autofree char *seed_hex = ms_shared_seed_to_hex (seed);
  char rid_hex[MS_RENDEZVOUS_ID_HEX_LEN + 1];
  guint8 key[MS_AES256_KEY_LEN];
  char key_hex[2 * MS_AES256_KEY_LEN + 1];

  ms_shared_seed_derive_aes256_key (seed, key);
  ms_hex_encode_into (key, sizeof key, key_hex);
  ms_wipe (key, sizeof key);
  ms_shared_seed_rendezvous_id_hex (seed, rid_hex);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "shared_seed");
  json_builder_add_string_value (builder, seed_hex);
  json_builder_set_member_name (builder, "locations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ms_beacon_get_n_locations (beacon); i++)
    json_builder_add_value (builder, location_to_json (ms_beacon_get_location (beacon, i)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "aes256_key");
  json_builder_add_string_value (builder, key_hex);
  json_builder_set_member_name (builder, "rendezvous_id");
  json_builder_add_string_value (builder, rid_hex);
  json_builder_end_object (builder);

  ms_wipe (key_hex, sizeof key_hex);
  ms_wipe (seed_hex, strlen (seed_hex));

  return json_builder_get_root (builder);
}

static int
beacon_decode (MsCliGlobal  *global,
               int           argc,
               char        **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(MsBeacon) beacon = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* Translators: parameter of "beacon decode" in --help */
  context = g_option_context_new (_("BEACON"));
  g_option_context_set_summary (context,
                                _("Print the shared seed, locations, derived AES key and rendezvous "
                                  "id of a beacon as JSON."));
  if ((status = ms_cli_parse_options (context, &argc, &argv)) != MS_CLI_EXIT_OK)
    return status;

  if (argc != 2)
    {
      ms_cli_fail (_("beacon decode takes exactly one BEACON; see --help"));
      return MS_CLI_EXIT_USAGE;
    }

  beacon = ms_beacon_decode (argv[1], strlen (argv[1]), &error);
  if (beacon == NULL)
    return ms_cli_fail_error (error);

  node = beacon_to_json (beacon);
  ms_cli_print_json (node);
  return MS_CLI_EXIT_OK;
}

static MsBeacon *
build_beacon (const MsSharedSeed  *seed,
              char               **urls,
              GError             **error)
{
  g_autoptr(MsBeacon) beacon = ms_beacon_new (seed);

  for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
    {
      g_autoptr(MsLocation) location = ms_location_new_from_url (urls[i], error);

      if (location == NULL)
        return NULL;
      ms_beacon_add_location (beacon, location);
    }

  return g_steal_pointer (&beacon);
}

static int
print_beacon (MsBeacon *beacon)
{
  g_autofree char *str = ms_beacon_encode (beacon);

  printf ("%s\n", str);
  return MS_CLI_EXIT_OK;
}

static int
beacon_encode (MsCliGlobal  *global,
               int           argc,
               char        **argv)
{
  g_autofree char *seed_hex = NULL;
  g_auto(GStrv) urls = NULL;
  const GOptionEntry entries[] = {
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_hex,
      N_("Shared seed, 32 hex digits"), N_("HEX") },
    { "location", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &urls,
      N_("A location: ws://HOST:PORT or wss://HOST[:PORT] (repeatable)"), N_("URL") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(MsSharedSeed) seed = NULL;
  g_autoptr(MsBeacon) beacon = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Encode a beacon from a given seed and locations."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = ms_cli_parse_options (context, &argc, &argv)) != MS_CLI_EXIT_OK)
    return status;

  if (seed_hex == NULL || argc != 1)
    {
      ms_cli_fail (_("beacon encode needs --seed HEX and takes no other arguments; see --help"));
      return MS_CLI_EXIT_USAGE;
    }

  seed = ms_shared_seed_new_from_hex (seed_hex, strlen (seed_hex), &error);
  ms_wipe (seed_hex, strlen (seed_hex));
  if (seed == NULL)
    return ms_cli_fail_error (error);

  if (!(beacon = build_beacon (seed, urls, &error)))
    return ms_cli_fail_error (error);

  return print_beacon (beacon);
}

static int
beacon_generate (MsCliGlobal  *global,
                 int           argc,
                 char        **argv)
{
  g_auto(GStrv) urls = NULL;
  const GOptionEntry entries[] = {
    { "location", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &urls,
      N_("A location: ws://HOST:PORT or wss://HOST[:PORT] (repeatable)"), N_("URL") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(MsBeacon) beacon = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Generate a beacon with a fresh random seed for the given "
                                  "locations."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = ms_cli_parse_options (context, &argc, &argv)) != MS_CLI_EXIT_OK)
    return status;

  if (urls == NULL || argc != 1)
    {
      ms_cli_fail (_("beacon generate needs at least one --location URL; see --help"));
      return MS_CLI_EXIT_USAGE;
    }

  /* A NULL seed draws a fresh one from the system CSPRNG. */
  if (!(beacon = build_beacon (NULL, urls, &error)))
    return ms_cli_fail_error (error);

  return print_beacon (beacon);
}

int
ms_cli_beacon (MsCliGlobal  *global,
               int           argc,
               char        **argv)
{
  static const MsCliCommand commands[] = {
    { "decode", N_("Decode a beacon to JSON"), beacon_decode },
    { "encode", N_("Encode a beacon from --seed and --location"), beacon_encode },
    { "generate", N_("Generate a beacon with a random seed"), beacon_generate },
    { NULL }
  };

  return ms_cli_run_subcommand ("beacon", commands, global, argc, argv);
}
