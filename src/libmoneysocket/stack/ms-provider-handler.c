/* ms-provider-handler.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-provider-handler.h"

G_DEFINE_INTERFACE (MsProviderHandler, ms_provider_handler, G_TYPE_OBJECT)

static void
ms_provider_handler_default_init (MsProviderHandlerInterface *iface)
{
}

void
ms_provider_handler_request_invoice_async (MsProviderHandler   *self,
                                           MsProviderStack     *stack,
                                           guint64              msats,
                                           const char          *request_uuid,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (MS_IS_PROVIDER_HANDLER (self));

  MS_PROVIDER_HANDLER_GET_IFACE (self)->request_invoice_async (self, stack, msats, request_uuid,
                                                               cancellable, callback, user_data);
}

char *
ms_provider_handler_request_invoice_finish (MsProviderHandler  *self,
                                            GAsyncResult       *result,
                                            GError            **error)
{
  g_return_val_if_fail (MS_IS_PROVIDER_HANDLER (self), NULL);

  return MS_PROVIDER_HANDLER_GET_IFACE (self)->request_invoice_finish (self, result, error);
}

void
ms_provider_handler_request_pay_async (MsProviderHandler   *self,
                                       MsProviderStack     *stack,
                                       const char          *bolt11,
                                       const char          *request_uuid,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (MS_IS_PROVIDER_HANDLER (self));

  MS_PROVIDER_HANDLER_GET_IFACE (self)->request_pay_async (self, stack, bolt11, request_uuid,
                                                           cancellable, callback, user_data);
}

char *
ms_provider_handler_request_pay_finish (MsProviderHandler  *self,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  g_return_val_if_fail (MS_IS_PROVIDER_HANDLER (self), NULL);

  return MS_PROVIDER_HANDLER_GET_IFACE (self)->request_pay_finish (self, result, error);
}
