/* ms-cli.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Exit statuses shared by every subcommand. */
#define MS_CLI_EXIT_OK    0
#define MS_CLI_EXIT_ERROR 1
#define MS_CLI_EXIT_USAGE 64

typedef struct
{
  const char *rpc_socket;
  gboolean    json;
} MsCliGlobal;

typedef int (*MsCliCommandFunc) (MsCliGlobal  *global,
                                 int           argc,
                                 char        **argv);

typedef struct
{
  const char       *name;
  const char       *summary;
  MsCliCommandFunc  func;
} MsCliCommand;

int   ms_cli_fail               (const char    *format,
                                 ...) G_GNUC_PRINTF (1, 2);
int   ms_cli_fail_error         (const GError  *error);
int   ms_cli_parse_options      (GOptionContext *context,
                                 int           *argc,
                                 char        ***argv);
void  ms_cli_print_json         (JsonNode      *node);
int   ms_cli_run_subcommand     (const char    *parameter_string,
                                 const MsCliCommand *commands,
                                 MsCliGlobal   *global,
                                 int            argc,
                                 char         **argv);

int   ms_cli_beacon             (MsCliGlobal   *global,
                                 int            argc,
                                 char         **argv);
int   ms_cli_probe              (MsCliGlobal   *global,
                                 int            argc,
                                 char         **argv);
int   ms_cli_bolt11             (MsCliGlobal   *global,
                                 int            argc,
                                 char         **argv);

/* Control of a running terminus (ms-cli-terminus.c) */
int   ms_cli_getinfo            (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);
int   ms_cli_getaccountinfo     (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);
int   ms_cli_getaccountreceipts (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);
int   ms_cli_create             (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);
int   ms_cli_rm                 (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);
int   ms_cli_set                (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);
int   ms_cli_listen             (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);
int   ms_cli_connect            (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);
int   ms_cli_clear              (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);
int   ms_cli_invoice            (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);
int   ms_cli_pay                (MsCliGlobal   *global,
                                int            argc,
                                char         **argv);

G_END_DECLS
