/* ms-bolt11.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MS_TYPE_BOLT11 (ms_bolt11_get_type ())

/*
 * BOLT #11 lifts BIP-173's 90-character limit without setting another one.
 * Like lnd we stop at 7089 characters, the most a single QR code holds: an
 * invoice nobody can show as a QR code is not one we need to read, and the
 * cap bounds the work an untrusted string can cause.
 */
#define MS_BOLT11_MAX_LEN                        7089

#define MS_BOLT11_HASH_LEN                       32
#define MS_BOLT11_PUBKEY_LEN                     33
#define MS_BOLT11_SIGNATURE_LEN                  64

/* BOLT #11: "Default is 3600 (1 hour) if not specified." */
#define MS_BOLT11_DEFAULT_EXPIRY                 3600
/* BOLT #11: "Default is 18 if not specified." */
#define MS_BOLT11_DEFAULT_MIN_FINAL_CLTV_EXPIRY  18

/* A tagged field holds at most 1023 5-bit words: 639 whole bytes. */
#define MS_BOLT11_MAX_FIELD_BYTES                639
/* 51 bytes per hop: 12 hops fill one `r` field. */
#define MS_BOLT11_MAX_ROUTE_HOPS                 12
/* The highest feature bit one `9` field can carry (1023 * 5 bits). */
#define MS_BOLT11_MAX_FEATURE_BIT                5114
/* BIP-141: witness programs are 2 to 40 bytes. */
#define MS_BOLT11_MAX_PROGRAM_LEN                40

/* BOLT #9 feature bits that may appear in the `9` field and that we understand. */
#define MS_BOLT11_FEATURE_VAR_ONION_OPTIN        8
#define MS_BOLT11_FEATURE_PAYMENT_SECRET         14
#define MS_BOLT11_FEATURE_BASIC_MPP              16
#define MS_BOLT11_FEATURE_PAYMENT_METADATA       48

/* `f` versions 17 and 18; 0 to 16 are segwit witness versions. */
#define MS_BOLT11_FALLBACK_P2PKH                 17
#define MS_BOLT11_FALLBACK_P2SH                  18

/**
 * MsBolt11DecodeFlags:
 * @MS_BOLT11_DECODE_NONE: a signature that does not verify fails the decode
 * @MS_BOLT11_DECODE_ALLOW_BAD_SIGNATURE: parse anyway and report it through
 *   ms_bolt11_get_signature_valid(); for inspecting broken invoices only
 */
typedef enum
{
  MS_BOLT11_DECODE_NONE                = 0,
  MS_BOLT11_DECODE_ALLOW_BAD_SIGNATURE = 1 << 0,
} MsBolt11DecodeFlags;

/**
 * MsBolt11Hop:
 * One entry of an `r` field: the channel @short_channel_id starting at the
 * node @pubkey, with that channel's fees and CLTV delta (BOLT #7).
 */
typedef struct
{
  guint8  pubkey[MS_BOLT11_PUBKEY_LEN];
  guint64 short_channel_id;
  guint32 fee_base_msat;
  guint32 fee_proportional_millionths;
  guint16 cltv_expiry_delta;
} MsBolt11Hop;

/**
 * MsBolt11Route:
 * One `r` field: a private route, first hop first.
 */
typedef struct
{
  const MsBolt11Hop *hops;
  guint              n_hops;
} MsBolt11Route;

/**
 * MsBolt11Fallback:
 * One `f` field: @version 0-16 is a witness version and @program a witness
 * program; 17 (P2PKH) and 18 (P2SH) carry a 20-byte hash.
 */
typedef struct
{
  guint8 version;
  guint8 program_len;
  guint8 program[MS_BOLT11_MAX_PROGRAM_LEN];
} MsBolt11Fallback;

/**
 * MsBolt11Params:
 * @currency: "bc", "tb", "tbs", "bcrt" or "sb"
 * @has_amount: whether @amount_msat is written; a donation invoice has none
 * @amount_msat: positive; written with the largest exact multiplier
 * @timestamp: unix seconds, 0 to 2^35 - 1
 * @payment_hash: 32 bytes (`p`)
 * @payment_secret: 32 bytes (`s`)
 * @description: UTF-8, at most 639 bytes (`d`); or NULL when @description_hash is set
 * @description_hash: 32 bytes (`h`); or NULL when @description is set
 * @expiry: seconds (`x`); 0 leaves the field out so readers apply 3600
 * @min_final_cltv_expiry: blocks (`c`); 0 leaves the field out so readers apply 18
 * @features: feature bit numbers (`9`); NULL with @n_features 0 means
 *   var_onion_optin and payment_secret, both required (bits 8 and 14), as in
 *   the BOLT #11 examples; the payment_secret feature must be set
 * @n_features: length of @features
 * @routes: private routes, one `r` field each
 * @n_routes: length of @routes
 * @fallbacks: on-chain fallbacks, one `f` field each, most preferred first
 * @n_fallbacks: length of @fallbacks
 * @payment_metadata: bytes for the `m` field, or NULL
 * @payment_metadata_len: at most 639
 * @include_payee: write the signing key as an `n` field
 *
 * What ms_bolt11_encode() writes. Pointers are borrowed for the call.
 */
typedef struct
{
  const char             *currency;
  gboolean                has_amount;
  guint64                 amount_msat;
  gint64                  timestamp;
  const guint8           *payment_hash;
  const guint8           *payment_secret;
  const char             *description;
  const guint8           *description_hash;
  guint64                 expiry;
  guint64                 min_final_cltv_expiry;
  const guint            *features;
  guint                   n_features;
  const MsBolt11Route    *routes;
  guint                   n_routes;
  const MsBolt11Fallback *fallbacks;
  guint                   n_fallbacks;
  const guint8           *payment_metadata;
  gsize                   payment_metadata_len;
  gboolean                include_payee;
} MsBolt11Params;

typedef struct _MsBolt11 MsBolt11;

GType                    ms_bolt11_get_type                   (void) G_GNUC_CONST;
MsBolt11                *ms_bolt11_ref                        (MsBolt11               *self);
void                     ms_bolt11_unref                      (MsBolt11               *self);

MsBolt11                *ms_bolt11_decode                     (const char             *invoice,
                                                               gsize                   len,
                                                               MsBolt11DecodeFlags     flags,
                                                               GError                **error)
                         G_GNUC_WARN_UNUSED_RESULT;
char                    *ms_bolt11_encode                     (const MsBolt11Params   *params,
                                                               const guint8            privkey[32],
                                                               GError                **error)
                         G_GNUC_WARN_UNUSED_RESULT;

const char              *ms_bolt11_get_invoice                (const MsBolt11         *self);
const char              *ms_bolt11_get_currency               (const MsBolt11         *self);
const char              *ms_bolt11_get_network                (const MsBolt11         *self);
gboolean                 ms_bolt11_has_amount                 (const MsBolt11         *self);
guint64                  ms_bolt11_get_amount_msat            (const MsBolt11         *self);
gint64                   ms_bolt11_get_created_at             (const MsBolt11         *self);
guint64                  ms_bolt11_get_expiry                 (const MsBolt11         *self);
gint64                   ms_bolt11_get_expires_at             (const MsBolt11         *self);
gboolean                 ms_bolt11_is_expired                 (const MsBolt11         *self,
                                                               gint64                  now);
const guint8            *ms_bolt11_get_payment_hash           (const MsBolt11         *self);
const char              *ms_bolt11_get_payment_hash_hex       (const MsBolt11         *self);
const guint8            *ms_bolt11_get_payment_secret         (const MsBolt11         *self);
const char              *ms_bolt11_get_payment_secret_hex     (const MsBolt11         *self);
const char              *ms_bolt11_get_description            (const MsBolt11         *self);
const guint8            *ms_bolt11_get_description_hash       (const MsBolt11         *self);
const char              *ms_bolt11_get_description_hash_hex   (const MsBolt11         *self);
gboolean                 ms_bolt11_check_description_hash     (const MsBolt11         *self,
                                                               const char             *description,
                                                               gsize                   len);
guint64                  ms_bolt11_get_min_final_cltv_expiry  (const MsBolt11         *self);
const guint             *ms_bolt11_get_features               (const MsBolt11         *self,
                                                               guint                  *n_features);
gboolean                 ms_bolt11_has_feature                (const MsBolt11         *self,
                                                               guint                   bit);
const guint8            *ms_bolt11_get_feature_bytes          (const MsBolt11         *self,
                                                               gsize                  *len);
guint                    ms_bolt11_get_n_routes               (const MsBolt11         *self);
const MsBolt11Route     *ms_bolt11_get_route                  (const MsBolt11         *self,
                                                               guint                   index);
guint                    ms_bolt11_get_n_fallbacks            (const MsBolt11         *self);
const MsBolt11Fallback  *ms_bolt11_get_fallback               (const MsBolt11         *self,
                                                               guint                   index);
const char * const      *ms_bolt11_get_fallback_addresses     (const MsBolt11         *self);
GBytes                  *ms_bolt11_get_payment_metadata       (const MsBolt11         *self);
const guint8            *ms_bolt11_get_payee                  (const MsBolt11         *self);
const char              *ms_bolt11_get_payee_hex              (const MsBolt11         *self);
gboolean                 ms_bolt11_get_payee_from_n           (const MsBolt11         *self);
gboolean                 ms_bolt11_get_signature_valid        (const MsBolt11         *self);
const guint8            *ms_bolt11_get_signature              (const MsBolt11         *self,
                                                               guint                  *recovery_id);
const guint8            *ms_bolt11_get_signing_hash           (const MsBolt11         *self);
void                     ms_bolt11_get_params                 (const MsBolt11         *self,
                                                               MsBolt11Params         *params);

char                    *ms_bolt11_hop_dup_pubkey_hex         (const MsBolt11Hop      *hop)
                         G_GNUC_WARN_UNUSED_RESULT;
char                    *ms_bolt11_short_channel_id_to_string (guint64                 scid)
                         G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsBolt11, ms_bolt11_unref)

G_END_DECLS
