/* ms-provider-handler.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * What answers a provider stack's requests: the terminus (an account on a
 * Lightning node), a wallet forwarding to its own funds, a seller.
 */

#define MS_TYPE_PROVIDER_HANDLER (ms_provider_handler_get_type ())

G_DECLARE_INTERFACE (MsProviderHandler, ms_provider_handler, MS, PROVIDER_HANDLER, GObject)

typedef struct _MsProviderStack MsProviderStack;

struct _MsProviderHandlerInterface
{
  GTypeInterface parent_iface;

  /* REQUEST_INVOICE: complete with a bolt11 string, or an error whose
   * message becomes the NOTIFY_ERROR text. */
  void   (*request_invoice_async)  (MsProviderHandler    *self,
                                    MsProviderStack      *stack,
                                    guint64               msats,
                                    const char           *request_uuid,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  char * (*request_invoice_finish) (MsProviderHandler    *self,
                                    GAsyncResult         *result,
                                    GError              **error);

  /* REQUEST_PAY: complete with the preimage (64 hex digits). */
  void   (*request_pay_async)      (MsProviderHandler    *self,
                                    MsProviderStack      *stack,
                                    const char           *bolt11,
                                    const char           *request_uuid,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  char * (*request_pay_finish)     (MsProviderHandler    *self,
                                    GAsyncResult         *result,
                                    GError              **error);
};

void  ms_provider_handler_request_invoice_async  (MsProviderHandler    *self,
                                                  MsProviderStack      *stack,
                                                  guint64               msats,
                                                  const char           *request_uuid,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
char *ms_provider_handler_request_invoice_finish (MsProviderHandler    *self,
                                                  GAsyncResult         *result,
                                                  GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void  ms_provider_handler_request_pay_async      (MsProviderHandler    *self,
                                                  MsProviderStack      *stack,
                                                  const char           *bolt11,
                                                  const char           *request_uuid,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
char *ms_provider_handler_request_pay_finish     (MsProviderHandler    *self,
                                                  GAsyncResult         *result,
                                                  GError              **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
