/* ms-lnd-protojson-private.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <json-glib/json-glib.h>

#include "ms-lightning.h"

G_BEGIN_DECLS

/*
 * What LND's REST gateway sends, turned into our types. Nothing here touches
 * the network, so that all of it can be fuzzed. LND marshals with protojson
 * (lnrpc/rpc_utils.go RESTJsonMarshalOpts: UseProtoNames, EmitUnpopulated):
 * int64 and uint64 are decimal strings, bytes are base64, enums are names and
 * zero fields are present.
 */

/* The longest line of a stream we buffer: a payment with many HTLC attempts
 * runs to hundreds of kilobytes, nothing legitimate comes near this. */
#define MS_LND_MAX_LINE      (8 * 1024 * 1024)

/**
 * MsLndStatus:
 * @http_status: the HTTP status of the answer, 0 when there was none
 * @code: the gRPC status code LND gave (rpcStatus.code), -1 when none
 * @message: LND's own words (rpcStatus.message), or NULL
 * @in_stream: the status came wrapped as a stream's `{"error": …}`
 *
 * Why a call failed, as far as the node said.
 */
typedef struct
{
  guint     http_status;
  gint      code;
  char     *message;
  gboolean  in_stream;
} MsLndStatus;

/* gRPC status codes (google.golang.org/grpc/codes) we act on. */
#define MS_LND_GRPC_CANCELLED          1
#define MS_LND_GRPC_UNKNOWN            2
#define MS_LND_GRPC_DEADLINE_EXCEEDED  4
#define MS_LND_GRPC_NOT_FOUND          5
#define MS_LND_GRPC_ALREADY_EXISTS     6
#define MS_LND_GRPC_PERMISSION_DENIED  7
#define MS_LND_GRPC_UNAVAILABLE        14
#define MS_LND_GRPC_UNAUTHENTICATED    16

/**
 * MsLndInvoiceState:
 * lnrpc.Invoice.InvoiceState.
 */
typedef enum
{
  MS_LND_INVOICE_OPEN,
  MS_LND_INVOICE_SETTLED,
  MS_LND_INVOICE_CANCELED,
  MS_LND_INVOICE_ACCEPTED,
} MsLndInvoiceState;

typedef struct _MsLndLineBuffer MsLndLineBuffer;

MsLndLineBuffer *_ms_lnd_line_buffer_new          (gsize               max_line);
void             _ms_lnd_line_buffer_free         (MsLndLineBuffer    *buffer);
gboolean         _ms_lnd_line_buffer_push         (MsLndLineBuffer    *buffer,
                                                   const guint8       *data,
                                                   gsize               len,
                                                   GError            **error);
char            *_ms_lnd_line_buffer_pop          (MsLndLineBuffer    *buffer,
                                                   gsize              *len) G_GNUC_WARN_UNUSED_RESULT;
gsize            _ms_lnd_line_buffer_get_pending  (MsLndLineBuffer    *buffer);

JsonObject      *_ms_lnd_parse_object             (const char         *data,
                                                   gsize               len,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;
JsonObject      *_ms_lnd_parse_stream_line        (const char         *line,
                                                   gsize               len,
                                                   MsLndStatus        *status,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         _ms_lnd_parse_error_body         (const char         *data,
                                                   gsize               len,
                                                   MsLndStatus        *status);
void             _ms_lnd_status_clear             (MsLndStatus        *status);
GError          *_ms_lnd_status_to_error          (const MsLndStatus  *status) G_GNUC_WARN_UNUSED_RESULT;

gboolean         _ms_lnd_get_uint64               (JsonObject         *object,
                                                   const char         *member,
                                                   guint64            *out,
                                                   GError            **error);
gboolean         _ms_lnd_get_amount               (JsonObject         *object,
                                                   const char         *member,
                                                   guint64            *out,
                                                   GError            **error);
gboolean         _ms_lnd_get_hash                 (JsonObject         *object,
                                                   const char         *member,
                                                   gboolean            hex,
                                                   guint8              out[MS_LN_HASH_LEN],
                                                   GError            **error);
const char      *_ms_lnd_get_string               (JsonObject         *object,
                                                   const char         *member);
gboolean         _ms_lnd_base64_decode            (const char         *str,
                                                   gsize               len,
                                                   GByteArray         *out);
char            *_ms_lnd_base64url_encode         (const guint8       *data,
                                                   gsize               len) G_GNUC_WARN_UNUSED_RESULT;

MsLnNodeInfo    *_ms_lnd_node_info_parse          (JsonObject         *getinfo,
                                                   JsonObject         *balance,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;
MsLnInvoice     *_ms_lnd_add_invoice_parse        (JsonObject         *response,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         _ms_lnd_payment_parse            (JsonObject         *payment,
                                                   MsLnPayment        *out,
                                                   const char        **failure,
                                                   GError            **error);
MsLnSettlement  *_ms_lnd_invoice_parse            (JsonObject         *invoice,
                                                   MsLndInvoiceState  *state,
                                                   gboolean           *is_amp,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsLndLineBuffer, _ms_lnd_line_buffer_free)

G_END_DECLS
