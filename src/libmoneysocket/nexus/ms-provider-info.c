/* ms-provider-info.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-provider-info.h"

struct _MsProviderInfo
{
  gatomicrefcount  ref_count;
  char            *account_uuid;
  MsWad           *wad;
  guint            payer : 1;
  guint            payee : 1;
};

G_DEFINE_BOXED_TYPE (MsProviderInfo, ms_provider_info, ms_provider_info_ref,
                     ms_provider_info_unref)

/*
 * PROTOCOL.md 7.1: "providers SHOULD always send a wad"; a NULL @wad is
 * still allowed (the Opinion seller sends null) and reads as zero msats.
 */
MsProviderInfo *
ms_provider_info_new (const char  *account_uuid,
                      gboolean     payer,
                      gboolean     payee,
                      const MsWad *wad)
{
  MsProviderInfo *self;

  g_return_val_if_fail (account_uuid != NULL, NULL);

  self = g_new0 (MsProviderInfo, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->account_uuid = g_strdup (account_uuid);
  self->payer = !!payer;
  self->payee = !!payee;
  self->wad = wad != NULL ? ms_wad_copy (wad) : NULL;

  return self;
}

MsProviderInfo *
ms_provider_info_new_from_message (const MsMessage *message)
{
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (ms_message_get_message_type (message) == MS_MESSAGE_NOTIFY_PROVIDER, NULL);

  return ms_provider_info_new (ms_message_get_account_uuid (message),
                               ms_message_get_payer (message),
                               ms_message_get_payee (message),
                               ms_message_get_wad (message));
}

MsProviderInfo *
ms_provider_info_ref (MsProviderInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ms_provider_info_unref (MsProviderInfo *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->account_uuid);
      g_clear_pointer (&self->wad, ms_wad_free);
      g_free (self);
    }
}

gboolean
ms_provider_info_equal (const MsProviderInfo *a,
                        const MsProviderInfo *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return a->payer == b->payer &&
         a->payee == b->payee &&
         g_strcmp0 (a->account_uuid, b->account_uuid) == 0 &&
         ((a->wad == NULL && b->wad == NULL) ||
          (a->wad != NULL && b->wad != NULL && ms_wad_equal (a->wad, b->wad)));
}

const char *
ms_provider_info_get_account_uuid (const MsProviderInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->account_uuid;
}

gboolean
ms_provider_info_get_payer (const MsProviderInfo *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->payer;
}

gboolean
ms_provider_info_get_payee (const MsProviderInfo *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->payee;
}

/* The balance, or NULL when the provider sent none. */
const MsWad *
ms_provider_info_get_wad (const MsProviderInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->wad;
}

/* PROTOCOL.md 8: "Receivers MUST take amounts from msats only". */
guint64
ms_provider_info_get_msats (const MsProviderInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->wad != NULL ? ms_wad_get_msats (self->wad) : 0;
}

MsMessage *
ms_provider_info_to_message (const MsProviderInfo *self,
                             const char           *request_reference_uuid)
{
  g_return_val_if_fail (self != NULL, NULL);

  return ms_message_new_notify_provider (request_reference_uuid, self->account_uuid,
                                         self->payer, self->payee, self->wad);
}
