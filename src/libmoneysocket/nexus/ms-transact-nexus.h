/* ms-transact-nexus.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-nexus.h"
#include "ms-provider-info.h"

G_BEGIN_DECLS

/*
 * The transact layers (PROTOCOL.md 9.2). On the consumer side: send
 * REQUEST_INVOICE / REQUEST_PAY and report NOTIFY_INVOICE, NOTIFY_PREIMAGE
 * and NOTIFY_ERROR. On the provider side: report the requests and send the
 * answers.
 */

#define MS_TYPE_CONSUMER_TRANSACT_NEXUS (ms_consumer_transact_nexus_get_type ())
#define MS_TYPE_PROVIDER_TRANSACT_NEXUS (ms_provider_transact_nexus_get_type ())

G_DECLARE_FINAL_TYPE (MsConsumerTransactNexus, ms_consumer_transact_nexus,
                      MS, CONSUMER_TRANSACT_NEXUS, MsNexus)
G_DECLARE_FINAL_TYPE (MsProviderTransactNexus, ms_provider_transact_nexus,
                      MS, PROVIDER_TRANSACT_NEXUS, MsNexus)

char *ms_consumer_transact_nexus_request_invoice (MsConsumerTransactNexus *self,
                                                  guint64                  msats,
                                                  const char              *request_uuid) G_GNUC_WARN_UNUSED_RESULT;
char *ms_consumer_transact_nexus_request_pay     (MsConsumerTransactNexus *self,
                                                  const char              *bolt11,
                                                  const char              *request_uuid) G_GNUC_WARN_UNUSED_RESULT;

void  ms_provider_transact_nexus_notify_invoice  (MsProviderTransactNexus *self,
                                                  const char              *request_reference_uuid,
                                                  const char              *bolt11);
void  ms_provider_transact_nexus_notify_preimage (MsProviderTransactNexus *self,
                                                  const char              *request_reference_uuid,
                                                  const char              *preimage);
void  ms_provider_transact_nexus_notify_error    (MsProviderTransactNexus *self,
                                                  const char              *request_reference_uuid,
                                                  const char              *error_msg);

G_END_DECLS
