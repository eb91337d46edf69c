/* ms-ws-frame.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * RFC 6455 wire formats without any I/O: frame headers, masking, close
 * payloads and the HTTP/1.1 upgrade handshake. Every parser takes (data,
 * length), never reads past it, and reports failures as G_IO_ERROR errors
 * whose message starts with "websocket: ".
 */

/* RFC 6455 5.2: 2 bytes, up to 8 bytes of extended length, 4 bytes of mask. */
#define MS_WS_MAX_HEADER_LEN          14
/* RFC 6455 5.5: "All control frames MUST have a payload length of 125 bytes or less". */
#define MS_WS_MAX_CONTROL_PAYLOAD     125
/* The most a close reason can take: the control limit minus the 2-byte code. */
#define MS_WS_MAX_CLOSE_REASON        (MS_WS_MAX_CONTROL_PAYLOAD - 2)
#define MS_WS_MASK_LEN                4
/* The header block (request or status line through the blank line) limit. */
#define MS_WS_MAX_HANDSHAKE_LEN       8192
/* base64 of 16 bytes, and of a 20-byte SHA-1. */
#define MS_WS_KEY_LEN                 24
#define MS_WS_ACCEPT_LEN              28

typedef enum
{
  MS_WS_OPCODE_CONTINUATION = 0x0,
  MS_WS_OPCODE_TEXT         = 0x1,
  MS_WS_OPCODE_BINARY       = 0x2,
  MS_WS_OPCODE_CLOSE        = 0x8,
  MS_WS_OPCODE_PING         = 0x9,
  MS_WS_OPCODE_PONG         = 0xA,
} MsWsOpcode;

typedef enum
{
  MS_WS_PARSE_OK,
  MS_WS_PARSE_NEED_MORE,
  MS_WS_PARSE_ERROR,
} MsWsParseResult;

/**
 * MsWsFrameHeader:
 * @opcode: the frame's opcode
 * @fin: whether this is the final fragment of a message
 * @masked: whether the payload is masked
 * @mask: the masking key, when @masked
 * @header_len: where the payload starts, counted from the first header byte
 * @payload_len: the payload length
 *
 * One parsed frame header. The whole frame is @header_len + @payload_len bytes.
 */
typedef struct
{
  MsWsOpcode opcode;
  guint      fin : 1;
  guint      masked : 1;
  guint8     mask[MS_WS_MASK_LEN];
  gsize      header_len;
  guint64    payload_len;
} MsWsFrameHeader;

/**
 * MsWsRequest:
 * @path: the request target of the GET line (origin form, starts with "/")
 * @key: the client's Sec-WebSocket-Key, as sent
 *
 * The parts of a client's opening handshake that a server needs.
 */
typedef struct
{
  char *path;
  char  key[MS_WS_KEY_LEN + 1];
} MsWsRequest;

gboolean        ms_ws_opcode_is_control        (guint              opcode);

MsWsParseResult ms_ws_frame_parse_header       (const guint8      *data,
                                                gsize              len,
                                                MsWsFrameHeader   *header,
                                                GError           **error);
gsize           ms_ws_frame_build_header       (guint8             out[MS_WS_MAX_HEADER_LEN],
                                                gboolean           fin,
                                                MsWsOpcode         opcode,
                                                guint64            payload_len,
                                                const guint8      *mask);
void            ms_ws_frame_mask               (guint8            *data,
                                                gsize              len,
                                                const guint8       mask[MS_WS_MASK_LEN],
                                                gsize              offset);
void            ms_ws_frame_mask_copy          (guint8            *dest,
                                                const guint8      *src,
                                                gsize              len,
                                                const guint8       mask[MS_WS_MASK_LEN]);

gboolean        ms_ws_close_code_is_valid      (guint              code);
gboolean        ms_ws_close_parse              (const guint8      *payload,
                                                gsize              len,
                                                gushort           *code,
                                                char             **reason,
                                                GError           **error);
gsize           ms_ws_close_build              (guint8             out[MS_WS_MAX_CONTROL_PAYLOAD],
                                                gushort            code,
                                                const char        *reason);

void            ms_ws_request_clear            (MsWsRequest       *request);
MsWsParseResult ms_ws_handshake_parse_request  (const guint8      *data,
                                                gsize              len,
                                                MsWsRequest       *request,
                                                gsize             *consumed,
                                                GError           **error);
void            ms_ws_handshake_compute_accept (const char        *key,
                                                char               out[MS_WS_ACCEPT_LEN + 1]);
char           *ms_ws_handshake_build_response (const char        *key) G_GNUC_WARN_UNUSED_RESULT;
const char     *ms_ws_handshake_error_response (const GError      *error);
char           *ms_ws_handshake_build_request  (const char        *host,
                                                guint16            port,
                                                const char        *path,
                                                char               key_out[MS_WS_KEY_LEN + 1])
                                                G_GNUC_WARN_UNUSED_RESULT;
MsWsParseResult ms_ws_handshake_parse_response (const guint8      *data,
                                                gsize              len,
                                                const char        *key,
                                                gsize             *consumed,
                                                GError           **error);

G_END_DECLS
