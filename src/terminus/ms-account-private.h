/* ms-account-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-account.h"
#include "ms-account-store.h"

G_BEGIN_DECLS

typedef struct _MsTerminus MsTerminus;

MsAccount *_ms_account_new               (MsTerminus             *terminus,
                                          const MsAccountRecord  *record);
void       _ms_account_update            (MsAccount              *self,
                                          const MsAccountRecord  *record);
gboolean   _ms_account_set_balance       (MsAccount              *self,
                                          guint64                 balance_msat,
                                          guint64                 reserved_msat);
void       _ms_account_add_stack         (MsAccount              *self,
                                          MsProviderStack        *stack,
                                          MsBeaconKind            kind,
                                          const char             *beacon);
void       _ms_account_clear_stacks      (MsAccount              *self);
void       _ms_account_broadcast_preimage (MsAccount             *self,
                                          const char             *preimage);
gint64     _ms_account_get_session       (MsAccount              *self,
                                          MsProviderStack        *stack);
char      *_ms_account_serialize_beacons (MsAccount              *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
