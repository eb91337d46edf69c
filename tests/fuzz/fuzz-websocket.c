/* fuzz-websocket.c: the WebSocket handshake and frame parsers on arbitrary bytes
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "moneysocket.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* The RFC 6455 1.3 key and its accept value. */
#define KEY    "dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

/* Random bytes rarely form a valid head: with a marker byte first, the
 * input is appended to one, so the header fields and frames get reached. */
static const char request_head[] =
  "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
  "Sec-WebSocket-Key: " KEY "\r\nSec-WebSocket-Version: 13\r\n";
static const char response_head[] =
  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
  "Sec-WebSocket-Accept: " ACCEPT "\r\n";

static void
assert_ws_error (const GError *error)
{
  g_assert (error != NULL && error->domain == G_IO_ERROR);
  g_assert (g_str_has_prefix (error->message, "websocket: "));
}

/* Frames one after the other, as a connection reads them. */
static void
fuzz_frames (const guint8 *data,
             gsize         len)
{
  gsize off = 0;

  while (off < len)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *payload = NULL;
      guint8 rebuilt[MS_WS_MAX_HEADER_LEN];
      MsWsFrameHeader h;
      MsWsParseResult result = ms_ws_frame_parse_header (data + off, len - off, &h, &error);

      if (result == MS_WS_PARSE_ERROR)
        assert_ws_error (error);
      if (result != MS_WS_PARSE_OK)
        return;

      /* Lengths are minimal, so a parsed header rebuilds to the same bytes. */
      g_assert (h.header_len <= MS_WS_MAX_HEADER_LEN);
      g_assert (ms_ws_frame_build_header (rebuilt, h.fin, h.opcode, h.payload_len,
                                          h.masked ? h.mask : NULL) == h.header_len);
      g_assert (memcmp (rebuilt, data + off, h.header_len) == 0);

      if (h.payload_len > len - off - h.header_len)
        return;

      payload = g_memdup2 (data + off + h.header_len, h.payload_len);
      if (h.masked)
        ms_ws_frame_mask (payload, h.payload_len, h.mask, 0);

      if (h.opcode == MS_WS_OPCODE_CLOSE)
        {
          g_autofree char *reason = NULL;
          gushort code;

          if (ms_ws_close_parse (payload, h.payload_len, &code, &reason, &error))
            g_assert (reason != NULL && (code == 1005 || ms_ws_close_code_is_valid (code)));
          else
            assert_ws_error (error);
        }

      off += h.header_len + h.payload_len;
    }
}

/* A complete head is never reported as incomplete or as an error for a prefix. */
static void
check_prefix (const guint8 *data,
              gsize         consumed,
              gboolean      request)
{
  const gsize prefixes[] = { consumed - 1, consumed / 2, consumed / 3 };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autoptr(GError) error = NULL;
      MsWsRequest req = { 0 };
      MsWsParseResult result;
      gsize c = 0;

      result = request ? ms_ws_handshake_parse_request (data, prefixes[i], &req, &c, &error)
                       : ms_ws_handshake_parse_response (data, prefixes[i], KEY, &c, &error);
      g_assert (result == MS_WS_PARSE_NEED_MORE && error == NULL && req.path == NULL);
    }
}

static void
fuzz_request (const guint8 *data,
              gsize         len)
{
  g_autoptr(GError) error = NULL;
  MsWsRequest request = { 0 };
  gsize consumed = 0;

  switch (ms_ws_handshake_parse_request (data, len, &request, &consumed, &error))
    {
    case MS_WS_PARSE_OK:
      g_assert (consumed <= len && consumed <= MS_WS_MAX_HANDSHAKE_LEN);
      g_assert (request.path != NULL && request.path[0] == '/');
      g_assert (strlen (request.key) == MS_WS_KEY_LEN);
      check_prefix (data, consumed, TRUE);
      ms_ws_request_clear (&request);
      fuzz_frames (data + consumed, len - consumed);
      break;
    case MS_WS_PARSE_ERROR:
      assert_ws_error (error);
      g_assert (request.path == NULL);
      g_assert (ms_ws_handshake_error_response (error) != NULL);
      fuzz_frames (data, len);
      break;
    case MS_WS_PARSE_NEED_MORE:
      g_assert (error == NULL && len < MS_WS_MAX_HANDSHAKE_LEN);
      fuzz_frames (data, len);
      break;
    }
}

static void
fuzz_response (const guint8 *data,
               gsize         len)
{
  g_autoptr(GError) error = NULL;
  gsize consumed = 0;

  switch (ms_ws_handshake_parse_response (data, len, KEY, &consumed, &error))
    {
    case MS_WS_PARSE_OK:
      g_assert (consumed <= len && consumed <= MS_WS_MAX_HANDSHAKE_LEN);
      check_prefix (data, consumed, FALSE);
      fuzz_frames (data + consumed, len - consumed);
      break;
    case MS_WS_PARSE_ERROR:
      assert_ws_error (error);
      break;
    case MS_WS_PARSE_NEED_MORE:
      g_assert (error == NULL && len < MS_WS_MAX_HANDSHAKE_LEN);
      break;
    }
}

static GByteArray *
wrap (const char   *head,
      const guint8 *data,
      gsize         len)
{
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, (const guint8 *) head, strlen (head));
  g_byte_array_append (out, data, len);
  return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size > 0 && data[0] == 'Q')
    {
      g_autoptr(GByteArray) wrapped = wrap (request_head, data + 1, size - 1);

      fuzz_request (wrapped->data, wrapped->len);
    }
  else if (size > 0 && data[0] == 'R')
    {
      g_autoptr(GByteArray) wrapped = wrap (response_head, data + 1, size - 1);

      fuzz_response (wrapped->data, wrapped->len);
    }
  else
    {
      fuzz_request (data, size);
      fuzz_response (data, size);
    }

  return 0;
}
