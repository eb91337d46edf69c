/* ms-cln-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "ms-json.h"
#include "ms-lightning.h"

G_BEGIN_DECLS

/*
 * The pieces of the Core Lightning backend: the "\n\n" framing of
 * lightningd's replies, the JSON-RPC and CLNRest reply envelopes, the
 * mapping of result objects to the MsLightning types, and the two
 * transports (the lightning-rpc unix socket and CLNRest over HTTPS).
 */

/* lightningd writes whole listpeerchannels answers of big nodes in one reply. */
#define MS_CLN_MAX_REPLY_LEN (64 * 1024 * 1024)

/* common/jsonrpc_errors.h and the schemas' "errors" lists. */
#define MS_CLN_CODE_GENERIC              -1
#define MS_CLN_CODE_INVALID_REQUEST      -32600
#define MS_CLN_CODE_METHOD_NOT_FOUND     -32601
#define MS_CLN_CODE_INVALID_PARAMS       -32602
#define MS_CLN_CODE_PAY_IN_PROGRESS      200
#define MS_CLN_CODE_PAY_RHASH_USED       201
#define MS_CLN_CODE_PAY_DEST_PERM_FAIL   203
#define MS_CLN_CODE_PAY_ROUTE_NOT_FOUND  205
#define MS_CLN_CODE_PAY_TOO_EXPENSIVE    206
#define MS_CLN_CODE_PAY_INVOICE_EXPIRED  207
#define MS_CLN_CODE_PAY_UNSPECIFIED      209
#define MS_CLN_CODE_PAY_STOPPED_RETRYING 210
#define MS_CLN_CODE_PAY_ALREADY_PAID     219
#define MS_CLN_CODE_LABEL_EXISTS         900
#define MS_CLN_CODE_PREIMAGE_EXISTS      901
#define MS_CLN_CODE_INVOICE_NOT_FOUND    905
#define MS_CLN_CODE_INVOICE_STATUS       906
#define MS_CLN_CODE_RUNE_NOT_AUTHORIZED  1501
#define MS_CLN_CODE_RUNE_NOT_PERMITTED   1502
#define MS_CLN_CODE_RUNE_BLACKLISTED     1503

/* Framing: every reply lightningd writes is followed by "\n\n". */

typedef struct _MsClnFramer MsClnFramer;

MsClnFramer *_ms_cln_framer_new  (gsize          max_frame) G_GNUC_WARN_UNUSED_RESULT;
void         _ms_cln_framer_free (MsClnFramer   *framer);
void         _ms_cln_framer_push (MsClnFramer   *framer,
                                  const guint8  *data,
                                  gsize          len);
GBytes      *_ms_cln_framer_next (MsClnFramer   *framer,
                                  GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsClnFramer, _ms_cln_framer_free)

/* Reply envelopes. */

typedef enum
{
  MS_CLN_REPLY_RESULT,
  MS_CLN_REPLY_ERROR,
  MS_CLN_REPLY_NOTIFICATION,
} MsClnReplyKind;

/**
 * MsClnReply:
 * @kind: a result, the node's error, or a notification (which has no id)
 * @doc: the parsed reply, which @result points into
 * @result: the result object, for MS_CLN_REPLY_RESULT
 * @id: the id as the node sent it back (a string's contents, or a number's
 *   text), or NULL when it was null or absent
 * @code: the node's error code, for MS_CLN_REPLY_ERROR
 * @message: the node's error message, for MS_CLN_REPLY_ERROR
 * @error_data: the error's "data" object, or NULL
 */
typedef struct
{
  MsClnReplyKind     kind;
  MsJsonDocument    *doc;
  const MsJsonValue *result;
  char              *id;
  gint64             code;
  char              *message;
  const MsJsonValue *error_data;
} MsClnReply;

void        _ms_cln_reply_free       (MsClnReply    *reply);
MsClnReply *_ms_cln_reply_parse_rpc  (const char    *data,
                                      gsize          len,
                                      GError       **error) G_GNUC_WARN_UNUSED_RESULT;
MsClnReply *_ms_cln_reply_parse_rest (guint          status,
                                      const char    *data,
                                      gsize          len,
                                      GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsClnReply, _ms_cln_reply_free)

/* Result objects. */

gboolean        _ms_cln_parse_msat             (const MsJsonValue  *value,
                                                guint64            *msat);
gboolean        _ms_cln_parse_u64              (const MsJsonValue  *value,
                                                guint64            *out);
MsLnNodeInfo   *_ms_cln_node_info_from_result  (const MsJsonValue  *getinfo,
                                                GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean        _ms_cln_node_info_add_channels (MsLnNodeInfo       *info,
                                                const MsJsonValue  *listpeerchannels,
                                                GError            **error);
MsLnInvoice    *_ms_cln_invoice_from_result    (const MsJsonValue  *result,
                                                GError            **error) G_GNUC_WARN_UNUSED_RESULT;
MsLnPayment    *_ms_cln_payment_from_result    (const MsJsonValue  *result,
                                                const guint8       *payment_hash,
                                                GError            **error) G_GNUC_WARN_UNUSED_RESULT;
MsLnPayment    *_ms_cln_payment_from_listpays  (const MsJsonValue  *result,
                                                const guint8       *payment_hash,
                                                GError            **error) G_GNUC_WARN_UNUSED_RESULT;
MsLnSettlement *_ms_cln_settlement_from_result (const MsJsonValue  *result,
                                                GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean        _ms_cln_invoice_find           (const MsJsonValue  *listinvoices,
                                                const guint8       *payment_hash,
                                                char              **label,
                                                char              **status,
                                                GError            **error);
GError         *_ms_cln_reply_to_error         (const char         *method,
                                                const MsClnReply   *reply) G_GNUC_WARN_UNUSED_RESULT;

/* Transports: both complete a call with an MsClnReply (a result or the
 * node's error), or fail with an MS_LIGHTNING_ERROR for the transport. */

#define MS_TYPE_CLN_RPC  (ms_cln_rpc_get_type ())
#define MS_TYPE_CLN_REST (ms_cln_rest_get_type ())

G_DECLARE_FINAL_TYPE (MsClnRpc, ms_cln_rpc, MS, CLN_RPC, GObject)
G_DECLARE_FINAL_TYPE (MsClnRest, ms_cln_rest, MS, CLN_REST, GObject)

MsClnRpc   *_ms_cln_rpc_new          (const char           *socket_path) G_GNUC_WARN_UNUSED_RESULT;
void        _ms_cln_rpc_call_async   (MsClnRpc             *self,
                                      const char           *method,
                                      const char           *params,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
MsClnReply *_ms_cln_rpc_call_finish  (MsClnRpc             *self,
                                      GAsyncResult         *result,
                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void        _ms_cln_rpc_close        (MsClnRpc             *self);

MsClnRest  *_ms_cln_rest_new         (const char           *base_url,
                                      const char           *rune,
                                      GTlsCertificate      *pinned) G_GNUC_WARN_UNUSED_RESULT;
void        _ms_cln_rest_call_async  (MsClnRest            *self,
                                      const char           *method,
                                      const char           *params,
                                      gboolean              idempotent,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
MsClnReply *_ms_cln_rest_call_finish (MsClnRest            *self,
                                      GAsyncResult         *result,
                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void        _ms_cln_rest_close       (MsClnRest            *self);

G_END_DECLS
