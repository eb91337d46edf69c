/* ms-provider-stack.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-provider-handler.h"
#include "ms-provider-info.h"
#include "ms-stack.h"

G_BEGIN_DECLS

/*
 * The provider side of one beacon (PROTOCOL.md 9.1: WebSocket → rendezvous →
 * provider → provider-transact): answers the consumer's handshake from the
 * provider info it is given, hands invoice and payment requests to its
 * handler, and pushes balance changes.
 */

#define MS_TYPE_PROVIDER_STACK (ms_provider_stack_get_type ())

G_DECLARE_FINAL_TYPE (MsProviderStack, ms_provider_stack, MS, PROVIDER_STACK, MsStack)

MsProviderStack   *ms_provider_stack_new               (MsProviderHandler *handler) G_GNUC_WARN_UNUSED_RESULT;
MsProviderHandler *ms_provider_stack_get_handler       (MsProviderStack   *self);
void               ms_provider_stack_set_handler       (MsProviderStack   *self,
                                                        MsProviderHandler *handler);
MsProviderInfo    *ms_provider_stack_get_provider_info (MsProviderStack   *self);
void               ms_provider_stack_set_provider_info (MsProviderStack   *self,
                                                        MsProviderInfo    *info);
gboolean           ms_provider_stack_notify_invoice    (MsProviderStack   *self,
                                                        const char        *request_reference_uuid,
                                                        const char        *bolt11);
gboolean           ms_provider_stack_notify_preimage   (MsProviderStack   *self,
                                                        const char        *request_reference_uuid,
                                                        const char        *preimage);
gboolean           ms_provider_stack_notify_error      (MsProviderStack   *self,
                                                        const char        *request_reference_uuid,
                                                        const char        *error_msg);

G_END_DECLS
