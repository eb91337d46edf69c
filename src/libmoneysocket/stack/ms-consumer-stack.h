/* ms-consumer-stack.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-provider-info.h"
#include "ms-stack.h"

G_BEGIN_DECLS

/*
 * The consumer side of one beacon (PROTOCOL.md 9.1: WebSocket → rendezvous →
 * consumer → consumer-transact): learns the provider's info and balance,
 * asks for invoices and payments, and measures latency.
 */

#define MS_TYPE_CONSUMER_STACK (ms_consumer_stack_get_type ())

G_DECLARE_FINAL_TYPE (MsConsumerStack, ms_consumer_stack, MS, CONSUMER_STACK, MsStack)

MsConsumerStack *ms_consumer_stack_new                   (void) G_GNUC_WARN_UNUSED_RESULT;
MsProviderInfo  *ms_consumer_stack_get_provider_info     (MsConsumerStack      *self);
guint64          ms_consumer_stack_get_latency_us        (MsConsumerStack      *self);
void             ms_consumer_stack_set_ping_interval     (MsConsumerStack      *self,
                                                          guint                 interval_ms);
guint            ms_consumer_stack_get_n_pending         (MsConsumerStack      *self);

void             ms_consumer_stack_request_invoice_async (MsConsumerStack      *self,
                                                          guint64               msats,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
char            *ms_consumer_stack_request_invoice_finish (MsConsumerStack     *self,
                                                          GAsyncResult         *result,
                                                          GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void             ms_consumer_stack_request_pay_async     (MsConsumerStack      *self,
                                                          const char           *bolt11,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
char            *ms_consumer_stack_request_pay_finish    (MsConsumerStack      *self,
                                                          GAsyncResult         *result,
                                                          GError              **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
