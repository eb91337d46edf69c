/* test-ws-frame.c: RFC 6455 frames, masking, close payloads and handshakes
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "test-util.h"

static void
assert_ws_error (const GError *error,
                 gint          code)
{
  g_assert_error (error, G_IO_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, "websocket: "));
}

/* The handshake parsers on C strings. */
static MsWsParseResult
parse_request (const char   *text,
               gsize         len,
               MsWsRequest  *request,
               gsize        *consumed,
               GError      **error)
{
  return ms_ws_handshake_parse_request ((const guint8 *) text, len, request, consumed, error);
}

static MsWsParseResult
parse_response (const char  *text,
                gsize        len,
                const char  *key,
                gsize       *consumed,
                GError     **error)
{
  return ms_ws_handshake_parse_response ((const guint8 *) text, len, key, consumed, error);
}

static void
parse_ok (const guint8    *data,
          gsize            len,
          MsWsFrameHeader *header)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (ms_ws_frame_parse_header (data, len, header, &error), ==, MS_WS_PARSE_OK);
  g_assert_no_error (error);

  /* Every shorter prefix only asks for more. */
  for (gsize i = 0; i < header->header_len; i++)
    {
      MsWsFrameHeader partial;

      g_assert_cmpint (ms_ws_frame_parse_header (data, i, &partial, &error), ==,
                       MS_WS_PARSE_NEED_MORE);
      g_assert_no_error (error);
    }
}

/* RFC 6455 5.7, "Examples". */
static void
test_rfc_examples (void)
{
  static const guint8 hello[] = { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
  static const guint8 masked_hello[] = {
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58
  };
  static const guint8 frag1[] = { 0x01, 0x03, 0x48, 0x65, 0x6c };
  static const guint8 frag2[] = { 0x80, 0x02, 0x6c, 0x6f };
  static const guint8 ping[] = { 0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
  static const guint8 masked_pong[] = {
    0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58
  };
  static const guint8 mask[] = { 0x37, 0xfa, 0x21, 0x3d };
  MsWsFrameHeader h;
  guint8 payload[5];
  guint8 built[MS_WS_MAX_HEADER_LEN];

  parse_ok (hello, sizeof hello, &h);
  g_assert_true (h.fin);
  g_assert_false (h.masked);
  g_assert_cmpint (h.opcode, ==, MS_WS_OPCODE_TEXT);
  g_assert_cmpuint (h.header_len, ==, 2);
  g_assert_cmpuint (h.payload_len, ==, 5);
  g_assert_cmpmem (hello + h.header_len, 5, "Hello", 5);
  g_assert_cmpuint (ms_ws_frame_build_header (built, TRUE, MS_WS_OPCODE_TEXT, 5, NULL), ==, 2);
  g_assert_cmpmem (built, 2, hello, 2);

  parse_ok (masked_hello, sizeof masked_hello, &h);
  g_assert_true (h.fin);
  g_assert_true (h.masked);
  g_assert_cmpmem (h.mask, 4, mask, 4);
  g_assert_cmpuint (h.header_len, ==, 6);
  g_assert_cmpuint (h.payload_len, ==, 5);
  memcpy (payload, masked_hello + 6, 5);
  ms_ws_frame_mask (payload, 5, h.mask, 0);
  g_assert_cmpmem (payload, 5, "Hello", 5);
  g_assert_cmpuint (ms_ws_frame_build_header (built, TRUE, MS_WS_OPCODE_TEXT, 5, mask), ==, 6);
  g_assert_cmpmem (built, 6, masked_hello, 6);
  ms_ws_frame_mask_copy (payload, (const guint8 *) "Hello", 5, mask);
  g_assert_cmpmem (payload, 5, masked_hello + 6, 5);

  parse_ok (frag1, sizeof frag1, &h);
  g_assert_false (h.fin);
  g_assert_cmpint (h.opcode, ==, MS_WS_OPCODE_TEXT);
  g_assert_cmpuint (h.payload_len, ==, 3);
  parse_ok (frag2, sizeof frag2, &h);
  g_assert_true (h.fin);
  g_assert_cmpint (h.opcode, ==, MS_WS_OPCODE_CONTINUATION);
  g_assert_cmpuint (h.payload_len, ==, 2);
  g_assert_cmpuint (ms_ws_frame_build_header (built, FALSE, MS_WS_OPCODE_TEXT, 3, NULL), ==, 2);
  g_assert_cmpmem (built, 2, frag1, 2);
  g_assert_cmpuint (ms_ws_frame_build_header (built, TRUE, MS_WS_OPCODE_CONTINUATION, 2, NULL), ==,
                    2);
  g_assert_cmpmem (built, 2, frag2, 2);

  parse_ok (ping, sizeof ping, &h);
  g_assert_cmpint (h.opcode, ==, MS_WS_OPCODE_PING);
  g_assert_true (ms_ws_opcode_is_control (h.opcode));
  parse_ok (masked_pong, sizeof masked_pong, &h);
  g_assert_cmpint (h.opcode, ==, MS_WS_OPCODE_PONG);
  g_assert_true (h.masked);
  g_assert_false (ms_ws_opcode_is_control (MS_WS_OPCODE_BINARY));
}

/* RFC 6455 5.7: "256 bytes binary message in a single unmasked frame" and
 * "64KiB binary message in a single unmasked frame". */
static void
test_lengths (void)
{
  static const guint8 h256[] = { 0x82, 0x7e, 0x01, 0x00 };
  static const guint8 h64k[] = { 0x82, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00 };
  static const struct {
    guint64 len;
    gsize   header_len;
  } cases[] = {
    { 0, 2 }, { 1, 2 }, { 125, 2 }, { 126, 4 }, { 127, 4 }, { 65535, 4 }, { 65536, 10 },
    { G_GUINT64_CONSTANT (0x100000000), 10 }, { G_GUINT64_CONSTANT (0x7fffffffffffffff), 10 },
  };
  static const guint8 mask[] = { 1, 2, 3, 4 };
  guint8 built[MS_WS_MAX_HEADER_LEN];
  MsWsFrameHeader h;

  g_assert_cmpuint (ms_ws_frame_build_header (built, TRUE, MS_WS_OPCODE_BINARY, 256, NULL), ==, 4);
  g_assert_cmpmem (built, 4, h256, 4);
  parse_ok (h256, sizeof h256, &h);
  g_assert_cmpuint (h.payload_len, ==, 256);
  g_assert_cmpuint (h.header_len, ==, 4);

  g_assert_cmpuint (ms_ws_frame_build_header (built, TRUE, MS_WS_OPCODE_BINARY, 65536, NULL), ==,
                    10);
  g_assert_cmpmem (built, 10, h64k, 10);
  parse_ok (h64k, sizeof h64k, &h);
  g_assert_cmpuint (h.payload_len, ==, 65536);
  g_assert_cmpuint (h.header_len, ==, 10);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize n = ms_ws_frame_build_header (built, i % 2, MS_WS_OPCODE_BINARY, cases[i].len, NULL);

      g_assert_cmpuint (n, ==, cases[i].header_len);
      parse_ok (built, n, &h);
      g_assert_cmpuint (h.payload_len, ==, cases[i].len);
      g_assert_cmpuint (h.fin, ==, i % 2);

      n = ms_ws_frame_build_header (built, TRUE, MS_WS_OPCODE_BINARY, cases[i].len, mask);
      g_assert_cmpuint (n, ==, cases[i].header_len + 4);
      parse_ok (built, n, &h);
      g_assert_cmpuint (h.header_len, ==, n);
      g_assert_cmpuint (h.payload_len, ==, cases[i].len);
      g_assert_cmpmem (h.mask, 4, mask, 4);
    }
}

static void
test_header_errors (void)
{
  static const struct {
    const char *name;
    guint8      bytes[10];
    gsize       len;
  } bad[] = {
    { "rsv1", { 0xc2, 0x00 }, 1 },
    { "rsv2", { 0xa2, 0x00 }, 2 },
    { "rsv3", { 0x92, 0x00 }, 2 },
    { "opcode 3", { 0x83, 0x00 }, 2 },
    { "opcode 7", { 0x87, 0x00 }, 1 },
    { "opcode b", { 0x8b, 0x00 }, 2 },
    { "opcode f", { 0x8f, 0x00 }, 2 },
    { "fragmented ping", { 0x09, 0x00 }, 2 },
    { "fragmented close", { 0x08, 0x00 }, 1 },
    { "fragmented pong", { 0x0a, 0x00 }, 2 },
    { "ping of 126", { 0x89, 0x7e, 0x00, 0x7e }, 2 },
    { "close of 127", { 0x88, 0x7f }, 2 },
    { "16-bit 125", { 0x82, 0x7e, 0x00, 0x7d }, 4 },
    { "16-bit 0", { 0x82, 0x7e, 0x00, 0x00 }, 4 },
    { "64-bit 65535", { 0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff }, 10 },
    { "64-bit 0", { 0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0 }, 10 },
    { "64-bit msb", { 0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0 }, 10 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      MsWsFrameHeader h;

      g_test_message ("%s", bad[i].name);
      g_assert_cmpint (ms_ws_frame_parse_header (bad[i].bytes, bad[i].len, &h, &error), ==,
                       MS_WS_PARSE_ERROR);
      assert_ws_error (error, G_IO_ERROR_INVALID_DATA);
    }
}

static void
naive_mask (guint8       *data,
            gsize         len,
            const guint8 *mask,
            gsize         offset)
{
  for (gsize i = 0; i < len; i++)
    data[i] ^= mask[(offset + i) % 4];
}

/* The word-at-a-time masking equals the byte loop of RFC 6455 5.3 for every
 * length, alignment and starting offset. */
static void
test_mask (void)
{
  static const guint8 mask[] = { 0xde, 0xad, 0xbe, 0xef };
  guint8 src[300], a[320], b[320], c[320];

  for (guint i = 0; i < sizeof src; i++)
    src[i] = (guint8) (i * 7 + 3);

  for (gsize align = 0; align < 8; align++)
    for (gsize len = 0; len <= 70; len++)
      for (gsize offset = 0; offset < 4; offset++)
        {
          memcpy (a + align, src, len);
          memcpy (b + align, src, len);
          ms_ws_frame_mask (a + align, len, mask, offset);
          naive_mask (b + align, len, mask, offset);
          g_assert_cmpmem (a + align, len, b + align, len);

          if (offset == 0)
            {
              ms_ws_frame_mask_copy (c + align, src, len, mask);
              g_assert_cmpmem (c + align, len, b + align, len);
            }
        }

  /* Masking in pieces with the right offsets equals masking at once; twice is identity. */
  memcpy (a, src, sizeof src);
  memcpy (b, src, sizeof src);
  ms_ws_frame_mask (a, 13, mask, 0);
  ms_ws_frame_mask (a + 13, 100, mask, 13);
  ms_ws_frame_mask (a + 113, sizeof src - 113, mask, 113);
  naive_mask (b, sizeof src, mask, 0);
  g_assert_cmpmem (a, sizeof src, b, sizeof src);
  ms_ws_frame_mask (a, sizeof src, mask, 0);
  g_assert_cmpmem (a, sizeof src, src, sizeof src);
}

static void
test_close_payload (void)
{
  static const guint valid[] = { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011,
                                 1012, 1013, 1014, 3000, 3999, 4000, 4999 };
  static const guint invalid[] = { 0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000,
                                   2999, 5000, 65535 };
  guint8 out[MS_WS_MAX_CONTROL_PAYLOAD];
  g_autofree char *long_reason = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(GError) error = NULL;
  gushort code = 0;
  gsize n;

  g_assert_true (ms_ws_close_parse (NULL, 0, &code, &reason, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, MS_WS_CLOSE_NO_STATUS);
  g_assert_cmpstr (reason, ==, "");
  g_clear_pointer (&reason, g_free);

  g_assert_false (ms_ws_close_parse ((const guint8 *) "\x03", 1, &code, &reason, &error));
  assert_ws_error (error, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      guint8 p[] = { valid[i] >> 8, valid[i] & 0xff, 'o', 'k' };

      g_assert_true (ms_ws_close_code_is_valid (valid[i]));
      g_assert_true (ms_ws_close_parse (p, sizeof p, &code, &reason, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (code, ==, valid[i]);
      g_assert_cmpstr (reason, ==, "ok");
      g_clear_pointer (&reason, g_free);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      guint8 p[] = { invalid[i] >> 8, invalid[i] & 0xff };

      g_assert_false (ms_ws_close_code_is_valid (invalid[i]));
      g_assert_false (ms_ws_close_parse (p, sizeof p, &code, &reason, &error));
      assert_ws_error (error, G_IO_ERROR_INVALID_DATA);
      g_clear_error (&error);
    }

  /* RFC 6455 5.5.1: the reason is UTF-8. */
  g_assert_false (ms_ws_close_parse ((const guint8 *) "\x03\xe8\xc3\x28", 4, &code, &reason,
                                     &error));
  assert_ws_error (error, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_true (ms_ws_close_parse ((const guint8 *) "\x03\xe8\xc3\xa9", 4, &code, &reason,
                                    &error));
  g_assert_cmpstr (reason, ==, "\xc3\xa9");
  g_clear_pointer (&reason, g_free);

  /* Building: big-endian code, reason cut at a character boundary. */
  n = ms_ws_close_build (out, 4000, "bye");
  g_assert_cmpmem (out, n, "\x0f\xa0" "bye", 5);
  g_assert_cmpuint (ms_ws_close_build (out, MS_WS_CLOSE_NO_STATUS, "ignored"), ==, 0);
  g_assert_cmpuint (ms_ws_close_build (out, 1000, NULL), ==, 2);

  long_reason = g_strnfill (200, 'a');
  g_assert_cmpuint (ms_ws_close_build (out, 1000, long_reason), ==, MS_WS_MAX_CONTROL_PAYLOAD);
  g_clear_pointer (&long_reason, g_free);

  /* 122 ASCII bytes then a 2-byte character: it does not fit, so it goes whole. */
  prefix = g_strnfill (122, 'b');
  long_reason = g_strconcat (prefix, "\xc3\xa9", "tail", NULL);
  n = ms_ws_close_build (out, 1000, long_reason);
  g_assert_cmpuint (n, ==, 2 + 122);
  g_assert_true (ms_ws_close_parse (out, n, &code, &reason, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (reason), ==, 122);
}

/*
 * RFC 6455 1.3: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" (recomputed independently:
 * base64 (SHA-1 ("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))).
 */
static void
test_accept_key (void)
{
  char accept[MS_WS_ACCEPT_LEN + 1];
  g_autofree char *response = NULL;

  ms_ws_handshake_compute_accept ("dGhlIHNhbXBsZSBub25jZQ==", accept);
  g_assert_cmpstr (accept, ==, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");

  response = ms_ws_handshake_build_response ("dGhlIHNhbXBsZSBub25jZQ==");
  g_assert_cmpstr (response, ==,
                   "HTTP/1.1 101 Switching Protocols\r\n"
                   "Upgrade: websocket\r\n"
                   "Connection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                   "\r\n");
}

static const char rfc_request[] =
  "GET /chat HTTP/1.1\r\n"
  "Host: server.example.com\r\n"
  "Upgrade: websocket\r\n"
  "Connection: Upgrade\r\n"
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
  "Origin: http://example.com\r\n"
  "Sec-WebSocket-Protocol: chat, superchat\r\n"
  "Sec-WebSocket-Version: 13\r\n"
  "\r\n";

static void
test_request (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *with_frame = g_strconcat (rfc_request, "\x82\x80" "abcd", NULL);
  static const char lax[] =
    "GET /?x=1 HTTP/1.1\r\n"
    "host:localhost:8080\r\n"
    "UPGRADE:   WebSocket  \r\n"
    "connection: keep-alive,  upgrade\r\n"
    "sec-websocket-version:13\r\n"
    "SEC-WEBSOCKET-KEY: AQIDBAUGBwgJCgsMDQ4PEA==\t\r\n"
    "X-Empty:\r\n"
    "\r\n";
  MsWsRequest request = { 0 };
  gsize consumed = 0;

  g_assert_cmpint (parse_request (rfc_request, strlen (rfc_request), &request, &consumed, &error),
                   ==, MS_WS_PARSE_OK);
  g_assert_no_error (error);
  g_assert_cmpstr (request.path, ==, "/chat");
  g_assert_cmpstr (request.key, ==, "dGhlIHNhbXBsZSBub25jZQ==");
  g_assert_cmpuint (consumed, ==, strlen (rfc_request));
  ms_ws_request_clear (&request);
  g_assert_null (request.path);

  /* Bytes after the blank line are not consumed: they are the first frame. */
  g_assert_cmpint (parse_request (with_frame, strlen (with_frame), &request, &consumed, &error),
                   ==, MS_WS_PARSE_OK);
  g_assert_cmpuint (consumed, ==, strlen (rfc_request));
  ms_ws_request_clear (&request);

  /* Split reads: every prefix asks for more. */
  for (gsize i = 0; i < strlen (rfc_request); i++)
    {
      g_assert_cmpint (parse_request (rfc_request, i, &request, &consumed, &error),
                       ==, MS_WS_PARSE_NEED_MORE);
      g_assert_no_error (error);
      g_assert_null (request.path);
    }

  /* Header names are case-insensitive, OWS is trimmed, tokens are lists. */
  g_assert_cmpint (parse_request (lax, strlen (lax), &request, &consumed, &error),
                   ==, MS_WS_PARSE_OK);
  g_assert_no_error (error);
  g_assert_cmpstr (request.path, ==, "/?x=1");
  g_assert_cmpstr (request.key, ==, "AQIDBAUGBwgJCgsMDQ4PEA==");
  ms_ws_request_clear (&request);
}

#define REQ_LINE "GET / HTTP/1.1\r\n"
#define HOST     "Host: h\r\n"
#define UPGRADE  "Upgrade: websocket\r\n"
#define CONN     "Connection: Upgrade\r\n"
#define KEY      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
#define VERSION  "Sec-WebSocket-Version: 13\r\n"

static void
test_request_errors (void)
{
  /* Each request, the error code, and a word of the message so it fails for the intended reason. */
  static const struct {
    const char *text;
    gint        code;
    const char *why;
  } bad[] = {
    { "garbage\r\n\r\n", G_IO_ERROR_INVALID_DATA, "does not start" },
    { "gar", G_IO_ERROR_INVALID_DATA, "does not start" },
    { "\x16\x03\x01\x02\x00", G_IO_ERROR_INVALID_DATA, "does not start" },
    { "POST / HTTP/1.1\r\n" HOST UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "does not start" },
    { "GET / HTTP/1.0\r\n" HOST UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "request line" },
    { "GET  / HTTP/1.1\r\n" HOST UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "request line" },
    { "GET http://h/ HTTP/1.1\r\n" HOST UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "request line" },
    { "GET / HTTP/1.1 \r\n" HOST UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "request line" },
    { "GET /\x80 HTTP/1.1\r\n" HOST UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "request line" },
    { REQ_LINE HOST CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA, "Upgrade" },
    { REQ_LINE HOST "Upgrade: h2c\r\n" CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "Upgrade" },
    { REQ_LINE HOST UPGRADE KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA, "Connection" },
    { REQ_LINE HOST UPGRADE "Connection: keep-alive\r\n" KEY VERSION "\r\n",
      G_IO_ERROR_INVALID_DATA, "Connection" },
    { REQ_LINE UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA, "Host" },
    { REQ_LINE HOST HOST UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA, "Host" },
    { REQ_LINE HOST UPGRADE CONN VERSION "\r\n", G_IO_ERROR_INVALID_DATA, "Key" },
    { REQ_LINE HOST UPGRADE CONN KEY KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA, "Key" },
    { REQ_LINE HOST UPGRADE CONN "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=\r\n" VERSION "\r\n",
      G_IO_ERROR_INVALID_DATA, "Key" },
    { REQ_LINE HOST UPGRADE CONN "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ*=\r\n" VERSION "\r\n",
      G_IO_ERROR_INVALID_DATA, "Key" },
    { REQ_LINE HOST UPGRADE CONN "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==x\r\n" VERSION "\r\n",
      G_IO_ERROR_INVALID_DATA, "Key" },
    { REQ_LINE HOST UPGRADE CONN KEY "\r\n", G_IO_ERROR_NOT_SUPPORTED, "Version" },
    { REQ_LINE HOST UPGRADE CONN KEY "Sec-WebSocket-Version: 8\r\n\r\n", G_IO_ERROR_NOT_SUPPORTED,
      "Version" },
    { REQ_LINE HOST UPGRADE CONN KEY "Sec-WebSocket-Version: 13, 8\r\n\r\n",
      G_IO_ERROR_NOT_SUPPORTED, "Version" },
    { REQ_LINE HOST UPGRADE CONN KEY VERSION VERSION "\r\n", G_IO_ERROR_NOT_SUPPORTED, "Version" },
    { REQ_LINE HOST " folded\r\n" UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "header line" },
    { REQ_LINE "Host : h\r\n" UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "header name" },
    { REQ_LINE "NoColon\r\n" HOST UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "header line" },
    { REQ_LINE ": empty name\r\n" HOST UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "header line" },
    { REQ_LINE "Host: h\n" UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "bare CR or LF" },
    { REQ_LINE "Host: h\rx\r\n" UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "bare CR or LF" },
    { REQ_LINE "Host: h\x01\r\n" UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "control character" },
    { REQ_LINE "Host: h\x7f\r\n" UPGRADE CONN KEY VERSION "\r\n", G_IO_ERROR_INVALID_DATA,
      "control character" },
  };
  g_autoptr(GString) big = g_string_new (REQ_LINE HOST UPGRADE CONN KEY VERSION);
  g_autoptr(GError) error = NULL;
  MsWsRequest request = { 0 };
  gsize consumed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("case %u", i);
      g_assert_cmpint (parse_request (bad[i].text, strlen (bad[i].text), &request, &consumed,
                                      &error), ==, MS_WS_PARSE_ERROR);
      assert_ws_error (error, bad[i].code);
      g_assert_nonnull (strstr (error->message, bad[i].why));
      g_assert_null (request.path);
      g_clear_error (&error);
    }

  /* A NUL byte (not expressible in the table above). */
  g_assert_cmpint (parse_request ("GET /\0 HTTP/1.1\r\n\r\n", 19, &request, &consumed, &error),
                   ==, MS_WS_PARSE_ERROR);
  assert_ws_error (error, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* The 8 KiB header block limit: without the blank line by then, refused. */
  while (big->len < MS_WS_MAX_HANDSHAKE_LEN)
    g_string_append (big, "X-Padding: 0123456789abcdef0123456789abcdef\r\n");
  g_assert_cmpint (parse_request (big->str, big->len, &request, &consumed, &error),
                   ==, MS_WS_PARSE_ERROR);
  assert_ws_error (error, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_clear_error (&error);
  g_assert_cmpint (parse_request (big->str, MS_WS_MAX_HANDSHAKE_LEN - 1, &request, &consumed,
                                  &error), ==, MS_WS_PARSE_NEED_MORE);
  g_assert_no_error (error);

  /* Exactly 8192 bytes including the blank line is still accepted. */
  g_string_assign (big, REQ_LINE HOST UPGRADE CONN KEY VERSION "X-Pad: ");
  while (big->len < MS_WS_MAX_HANDSHAKE_LEN - 4)
    g_string_append_c (big, 'p');
  g_string_append (big, "\r\n\r\n");
  g_assert_cmpuint (big->len, ==, MS_WS_MAX_HANDSHAKE_LEN);
  g_assert_cmpint (parse_request (big->str, big->len, &request, &consumed, &error),
                   ==, MS_WS_PARSE_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, MS_WS_MAX_HANDSHAKE_LEN);
  ms_ws_request_clear (&request);
}

static void
test_error_responses (void)
{
  g_autoptr(GError) version = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "v");
  g_autoptr(GError) bad = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "b");

  g_assert_true (g_str_has_prefix (ms_ws_handshake_error_response (bad),
                                   "HTTP/1.1 400 Bad Request\r\n"));
  g_assert_true (g_str_has_prefix (ms_ws_handshake_error_response (version),
                                   "HTTP/1.1 426 Upgrade Required\r\n"));
  g_assert_nonnull (strstr (ms_ws_handshake_error_response (version),
                            "\r\nSec-WebSocket-Version: 13\r\n"));
  g_assert_true (g_str_has_suffix (ms_ws_handshake_error_response (version), "\r\n\r\n"));
}

/* Parses a request we built, as a server would. */
static void
check_built_request (const char *host,
                     guint16     port,
                     const char *path,
                     const char *expected_host_line,
                     const char *expected_path)
{
  char key[MS_WS_KEY_LEN + 1];
  g_autofree char *text = ms_ws_handshake_build_request (host, port, path, key);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *raw = NULL;
  MsWsRequest request = { 0 };
  gsize consumed, raw_len;

  g_assert_nonnull (strstr (text, expected_host_line));
  g_assert_cmpint (parse_request (text, strlen (text), &request, &consumed, &error),
                   ==, MS_WS_PARSE_OK);
  g_assert_no_error (error);
  g_assert_cmpstr (request.path, ==, expected_path);
  g_assert_cmpstr (request.key, ==, key);
  g_assert_cmpuint (consumed, ==, strlen (text));
  raw = g_base64_decode (key, &raw_len);
  g_assert_cmpuint (raw_len, ==, 16);
  ms_ws_request_clear (&request);
}

static void
test_build_request (void)
{
  char key1[MS_WS_KEY_LEN + 1], key2[MS_WS_KEY_LEN + 1];
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  check_built_request ("relay.socket.money", 443, NULL, "\r\nHost: relay.socket.money:443\r\n",
                       "/");
  check_built_request ("127.0.0.1", 11060, "/", "\r\nHost: 127.0.0.1:11060\r\n", "/");
  check_built_request ("::1", 8080, "/ws?a=b", "\r\nHost: [::1]:8080\r\n", "/ws?a=b");
  check_built_request ("2001:db8::7", 80, "", "\r\nHost: [2001:db8::7]:80\r\n", "/");

  /* A fresh key each time. */
  a = ms_ws_handshake_build_request ("h", 1, "/", key1);
  b = ms_ws_handshake_build_request ("h", 1, "/", key2);
  g_assert_cmpstr (key1, !=, key2);
}

static void
test_response (void)
{
  char key[MS_WS_KEY_LEN + 1];
  g_autofree char *request = ms_ws_handshake_build_request ("h", 80, "/", key);
  g_autofree char *response = ms_ws_handshake_build_response (key);
  g_autofree char *with_frame = g_strconcat (response, "\x82\x01x", NULL);
  g_autoptr(GError) error = NULL;
  gsize consumed = 0;

  g_assert_cmpint (parse_response (response, strlen (response), key, &consumed, &error),
                   ==, MS_WS_PARSE_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, strlen (response));

  g_assert_cmpint (parse_response (with_frame, strlen (with_frame), key, &consumed, &error),
                   ==, MS_WS_PARSE_OK);
  g_assert_cmpuint (consumed, ==, strlen (response));

  for (gsize i = 0; i < strlen (response); i++)
    {
      g_assert_cmpint (parse_response (response, i, key, &consumed, &error),
                       ==, MS_WS_PARSE_NEED_MORE);
      g_assert_no_error (error);
    }

  /* The RFC 6455 1.3 answer, with lax spelling. */
  {
    static const char rfc[] =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "upgrade: WebSocket\r\n"
      "CONNECTION: keep-alive, Upgrade\r\n"
      "Sec-WebSocket-Accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
      "Server: test\r\n"
      "\r\n";

    g_assert_cmpint (parse_response (rfc, strlen (rfc), "dGhlIHNhbXBsZSBub25jZQ==", &consumed,
                                     &error), ==, MS_WS_PARSE_OK);
    g_assert_no_error (error);
  }
}

#define R101    "HTTP/1.1 101 Switching Protocols\r\n"
#define RUPG    "Upgrade: websocket\r\n"
#define RCONN   "Connection: Upgrade\r\n"
#define RACCEPT "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"

static void
test_response_errors (void)
{
  /* Each answer and a word of the error it must give, so it fails for the intended reason. */
  static const struct {
    const char *text;
    const char *why;
  } bad[] = {
    { "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "answered 200" },
    { "HTTP/1.1 400 Bad Request\r\n\r\n", "answered 400" },
    { "HTTP/1.1 1O1 Switching Protocols\r\n" RUPG RCONN RACCEPT "\r\n", "status line" },
    { "HTTP/1.1 101x\r\n" RUPG RCONN RACCEPT "\r\n", "status line" },
    { "HTTP/1.0 101 Switching Protocols\r\n" RUPG RCONN RACCEPT "\r\n", "does not start" },
    { "SSH-2.0-OpenSSH\r\n", "does not start" },
    { R101 RCONN RACCEPT "\r\n", "Upgrade" },
    { R101 RUPG RACCEPT "\r\n", "Connection" },
    { R101 RUPG RCONN "\r\n", "Accept" },
    { R101 RUPG RCONN RACCEPT RACCEPT "\r\n", "Accept" },
    { R101 RUPG RCONN "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOoX\r\n\r\n", "Accept" },
    { R101 RUPG RCONN "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=x\r\n\r\n", "Accept" },
    { R101 "Upgrade: websocket2\r\n" RCONN RACCEPT "\r\n", "Upgrade" },
    { R101 RUPG RCONN RACCEPT "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n", "extension" },
    { R101 RUPG RCONN RACCEPT "Sec-WebSocket-Protocol: chat\r\n\r\n", "sub-protocol" },
    { R101 RUPG RCONN RACCEPT "Bad Header: x\r\n\r\n", "header name" },
    { R101 RUPG RCONN RACCEPT "X\n: y\r\n\r\n", "bare CR or LF" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gsize consumed = 0;

      g_test_message ("case %u", i);
      g_assert_cmpint (parse_response (bad[i].text, strlen (bad[i].text),
                                       "dGhlIHNhbXBsZSBub25jZQ==", &consumed, &error),
                       ==, MS_WS_PARSE_ERROR);
      assert_ws_error (error, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, bad[i].why));
    }
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/ws-frame/rfc-examples", test_rfc_examples);
  g_test_add_func ("/ms/ws-frame/lengths", test_lengths);
  g_test_add_func ("/ms/ws-frame/header-errors", test_header_errors);
  g_test_add_func ("/ms/ws-frame/mask", test_mask);
  g_test_add_func ("/ms/ws-frame/close-payload", test_close_payload);
  g_test_add_func ("/ms/ws-frame/accept-key", test_accept_key);
  g_test_add_func ("/ms/ws-frame/request", test_request);
  g_test_add_func ("/ms/ws-frame/request-errors", test_request_errors);
  g_test_add_func ("/ms/ws-frame/error-responses", test_error_responses);
  g_test_add_func ("/ms/ws-frame/build-request", test_build_request);
  g_test_add_func ("/ms/ws-frame/response", test_response);
  g_test_add_func ("/ms/ws-frame/response-errors", test_response_errors);

  return g_test_run ();
}
