/* ms-provider-info.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

#include "ms-message.h"
#include "ms-wad.h"

G_BEGIN_DECLS

#define MS_TYPE_PROVIDER_INFO (ms_provider_info_get_type ())

/**
 * MsProviderInfo:
 *
 * What a provider tells its consumer in NOTIFY_PROVIDER (PROTOCOL.md 7.1):
 * the account, whether it will pay and issue invoices, and the balance.
 * Immutable; refcounted.
 */
typedef struct _MsProviderInfo MsProviderInfo;

GType           ms_provider_info_get_type         (void) G_GNUC_CONST;
MsProviderInfo *ms_provider_info_new              (const char           *account_uuid,
                                                   gboolean              payer,
                                                   gboolean              payee,
                                                   const MsWad          *wad) G_GNUC_WARN_UNUSED_RESULT;
MsProviderInfo *ms_provider_info_new_from_message (const MsMessage      *message) G_GNUC_WARN_UNUSED_RESULT;
MsProviderInfo *ms_provider_info_ref              (MsProviderInfo       *self);
void            ms_provider_info_unref            (MsProviderInfo       *self);
gboolean        ms_provider_info_equal            (const MsProviderInfo *a,
                                                   const MsProviderInfo *b);
const char     *ms_provider_info_get_account_uuid (const MsProviderInfo *self);
gboolean        ms_provider_info_get_payer        (const MsProviderInfo *self);
gboolean        ms_provider_info_get_payee        (const MsProviderInfo *self);
const MsWad    *ms_provider_info_get_wad          (const MsProviderInfo *self);
guint64         ms_provider_info_get_msats        (const MsProviderInfo *self);
MsMessage      *ms_provider_info_to_message       (const MsProviderInfo *self,
                                                   const char           *request_reference_uuid) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsProviderInfo, ms_provider_info_unref)

G_END_DECLS
