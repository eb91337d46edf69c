/* ms-bolt11-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <secp256k1.h>

#include "ms-bolt11.h"

G_BEGIN_DECLS

/* BOLT #11 "Tagged Fields": the 5-bit type of each field we know. */
typedef enum
{
  MS_BOLT11_TAG_PAYMENT_HASH          = 1,  /* p */
  MS_BOLT11_TAG_ROUTE                 = 3,  /* r */
  MS_BOLT11_TAG_FEATURES              = 5,  /* 9 */
  MS_BOLT11_TAG_EXPIRY                = 6,  /* x */
  MS_BOLT11_TAG_FALLBACK              = 9,  /* f */
  MS_BOLT11_TAG_DESCRIPTION           = 13, /* d */
  MS_BOLT11_TAG_PAYMENT_SECRET        = 16, /* s */
  MS_BOLT11_TAG_PAYEE                 = 19, /* n */
  MS_BOLT11_TAG_DESCRIPTION_HASH      = 23, /* h */
  MS_BOLT11_TAG_MIN_FINAL_CLTV_EXPIRY = 24, /* c */
  MS_BOLT11_TAG_PAYMENT_METADATA      = 27, /* m */
} MsBolt11Tag;

/* 7 words of timestamp before the fields, 104 words of signature after. */
#define MS_BOLT11_TIMESTAMP_WORDS 7
#define MS_BOLT11_SIGNATURE_WORDS 104
#define MS_BOLT11_MAX_TIMESTAMP   ((G_GINT64_CONSTANT (1) << 35) - 1)
/* Field data_length is 10 bits. */
#define MS_BOLT11_MAX_FIELD_WORDS 1023
/* pubkey (33) + short_channel_id (8) + fees (4 + 4) + cltv_expiry_delta (2) */
#define MS_BOLT11_HOP_LEN         51

/**
 * MsBolt11Network:
 * What a BOLT #11 currency prefix means: the chain, and how that chain
 * writes the fallback addresses of `f` fields.
 */
typedef struct
{
  const char *currency;
  const char *network;
  const char *segwit_hrp;
  guint8      p2pkh_version;
  guint8      p2sh_version;
} MsBolt11Network;

const secp256k1_context *_ms_bolt11_secp256k1_context (void);
const MsBolt11Network   *_ms_bolt11_network_lookup    (const char             *currency,
                                                       gsize                   len);
const MsBolt11Network   *_ms_bolt11_network_match     (const char             *str);
gboolean                 _ms_bolt11_check_features    (const guint            *bits,
                                                       guint                   n_bits,
                                                       GError                **error);
gboolean                 _ms_bolt11_check_fallback    (const MsBolt11Fallback *fallback,
                                                       GError                **error);
char                    *_ms_bolt11_fallback_address  (const MsBolt11Fallback *fallback,
                                                       const MsBolt11Network  *network);

G_END_DECLS
