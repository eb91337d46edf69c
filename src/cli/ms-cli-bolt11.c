/* ms-cli-bolt11.c: moneysocket-cli bolt11 decode
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-cli.h"

/* Filled in once the BOLT #11 module lands. */
int
ms_cli_bolt11 (MsCliGlobal  *global,
               int           argc,
               char        **argv)
{
  return ms_cli_fail ("bolt11: not built yet");
}
