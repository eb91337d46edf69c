/* ms-message-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-crypto.h"
#include "ms-json.h"
#include "ms-message.h"

G_BEGIN_DECLS

/* A string that may hold NULs (from \u0000); str NULL stands for JSON null. */
typedef struct
{
  const char *str;
  gsize       len;
} MsSpan;

/* The message-specific fields (PROTOCOL.md 7.1 and 13.2). */
typedef enum
{
  MS_FIELD_RENDEZVOUS_ID,
  MS_FIELD_MSATS,
  MS_FIELD_BOLT11,
  MS_FIELD_OPINION_BOLT11,
  MS_FIELD_PREIMAGE,
  MS_FIELD_EXT,
  MS_FIELD_ERROR_MSG,
  MS_FIELD_ACCOUNT_UUID,
  MS_FIELD_PAYER,
  MS_FIELD_PAYEE,
  MS_FIELD_WAD,
  MS_FIELD_EXTENSION_PROTOCOL,
  MS_FIELD_ITEM_ID,
  MS_FIELD_ITEMS,
  MS_FIELD_SELLER_UUID,
  MS_FIELD_OPINION,
  MS_FIELD_NONE,
} MsMessageField;

#define MS_MESSAGE_N_FIELDS MS_FIELD_NONE
#define MS_MESSAGE_MAX_FIELDS 4

/* How a field is checked and written. */
typedef enum
{
  MS_FIELD_KIND_HEX64,
  MS_FIELD_KIND_POSITIVE_MSATS,
  MS_FIELD_KIND_BOLT11,
  MS_FIELD_KIND_STRING,
  MS_FIELD_KIND_EXT,
  MS_FIELD_KIND_UUID,
  MS_FIELD_KIND_BOOLEAN,
  MS_FIELD_KIND_WAD,
  MS_FIELD_KIND_EXTENSION_PROTOCOL,
  MS_FIELD_KIND_ITEMS,
} MsFieldKind;

typedef struct
{
  const char     *key;
  MsFieldKind     kind;
  MsMessageField  slot;   /* where a string field is stored */
} MsFieldInfo;

typedef struct
{
  const char     *name;
  MsMessageClass  message_class;
  guint           cleartext : 1;
  MsMessageField  fields[MS_MESSAGE_MAX_FIELDS];  /* in emission order, MS_FIELD_NONE ends */
} MsMessageInfo;

typedef struct
{
  MsOpinionItem item;
  gsize         item_id_len;
  gsize         name_len;
} MsMessageItem;

/* An unknown member kept as its exact source text (PROTOCOL.md 6.3). */
typedef struct
{
  MsSpan key;
  MsSpan raw;
} MsMessageExtra;

/* Strings a constructed message owns, beyond one per field. */
enum
{
  MS_OWNED_UUID = MS_MESSAGE_N_FIELDS,
  MS_OWNED_REFERENCE,
  MS_OWNED_ITEMS,
  MS_MESSAGE_N_OWNED,
};

struct _MsMessage
{
  gatomicrefcount  ref_count;
  MsMessageType    type;
  gdouble          timestamp;
  MsSpan           protocol_version;
  MsSpan           uuid;
  MsSpan           reference;       /* notifications; str NULL: JSON null */
  MsSpan           str[MS_MESSAGE_N_FIELDS];
  guint64          msats;
  guint            payer : 1;
  guint            payee : 1;
  MsWad           *wad;
  MsMessageItem   *items;
  guint            n_items;
  MsMessageExtra  *extras;
  guint            n_extras;

  /* A parsed message borrows its strings from its document. */
  MsJsonDocument  *doc;
  char            *owned[MS_MESSAGE_N_OWNED];
  char             uuid_buf[MS_UUID_STRING_LEN + 1];
};

const MsMessageInfo *_ms_message_info                (MsMessageType     type);
const MsFieldInfo   *_ms_message_field_info          (MsMessageField    field);
gboolean             _ms_message_type_from_name_len  (const char       *name,
                                                      gsize             len,
                                                      MsMessageType    *type);
MsMessage           *_ms_message_alloc               (MsMessageType     type);
MsMessage           *_ms_message_new_from_document   (MsJsonDocument   *doc,
                                                      GError          **error);

G_END_DECLS
