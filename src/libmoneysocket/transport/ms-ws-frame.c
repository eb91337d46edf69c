/* ms-ws-frame.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-crypto.h"
#include "ms-ws-frame.h"

/* RFC 6455 1.3: the GUID appended to the client's key before hashing. */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

#define SHA1_LEN 20

gboolean
ms_ws_opcode_is_control (guint opcode)
{
  return (opcode & 0x8) != 0;
}

/* RFC 6455 5.2: "%x3-7 are reserved for further non-control frames" and
 * "%xB-F are reserved for further control frames". */
static gboolean
opcode_is_known (guint opcode)
{
  switch (opcode)
    {
    case MS_WS_OPCODE_CONTINUATION:
    case MS_WS_OPCODE_TEXT:
    case MS_WS_OPCODE_BINARY:
    case MS_WS_OPCODE_CLOSE:
    case MS_WS_OPCODE_PING:
    case MS_WS_OPCODE_PONG:
      return TRUE;
    default:
      return FALSE;
    }
}

static guint64
read_be (const guint8 *p,
         guint         n)
{
  guint64 v = 0;

  for (guint i = 0; i < n; i++)
    v = (v << 8) | p[i];
  return v;
}

/* The first header byte: FIN, RSV1-3 and the opcode. */
static gboolean
check_first_byte (guint8   b0,
                  GError **error)
{
  guint opcode = b0 & 0x0f;

  /* RFC 6455 5.2: "MUST be 0 unless an extension is negotiated that defines
   * meanings for non-zero values"; we negotiate none. */
  if ((b0 & 0x70) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "websocket: reserved bits 0x%02x set without a negotiated extension",
                   b0 & 0x70);
      return FALSE;
    }

  if (!opcode_is_known (opcode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "websocket: unknown opcode 0x%x", opcode);
      return FALSE;
    }

  /* RFC 6455 5.5: "Control frames themselves MUST NOT be fragmented." */
  if (ms_ws_opcode_is_control (opcode) && (b0 & 0x80) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "websocket: fragmented control frame (opcode 0x%x)", opcode);
      return FALSE;
    }

  return TRUE;
}

/*
 * RFC 6455 5.2: "the minimal number of bytes MUST be used to encode the
 * length", and "the most significant bit MUST be 0" in the 64-bit form.
 * Returns the number of extended length bytes, or -1 on error.
 */
static gint
check_extended_length (guint          len7,
                       const guint8  *ext,
                       gsize          avail,
                       guint64       *payload_len,
                       GError       **error)
{
  guint n = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;

  if (n == 0)
    {
      *payload_len = len7;
      return 0;
    }
  if (avail < n)
    return n;

  *payload_len = read_be (ext, n);
  if (n == 8 && (*payload_len >> 63) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "websocket: 64-bit payload length with the most significant bit set");
      return -1;
    }
  if ((n == 2 && *payload_len < 126) || (n == 8 && *payload_len <= G_MAXUINT16))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "websocket: payload length %" G_GUINT64_FORMAT " not in its minimal encoding",
                   *payload_len);
      return -1;
    }
  return n;
}

/*
 * Parses one frame header (RFC 6455 5.2). Errors that the bytes present
 * already show are reported before "need more", so garbage is refused as
 * early as possible.
 */
MsWsParseResult
ms_ws_frame_parse_header (const guint8     *data,
                          gsize             len,
                          MsWsFrameHeader  *header,
                          GError          **error)
{
  guint64 payload_len = 0;
  guint len7;
  gsize need;
  gint ext;

  g_return_val_if_fail (data != NULL || len == 0, MS_WS_PARSE_ERROR);
  g_return_val_if_fail (header != NULL, MS_WS_PARSE_ERROR);
  g_return_val_if_fail (error == NULL || *error == NULL, MS_WS_PARSE_ERROR);

  if (len < 1)
    return MS_WS_PARSE_NEED_MORE;
  if (!check_first_byte (data[0], error))
    return MS_WS_PARSE_ERROR;
  if (len < 2)
    return MS_WS_PARSE_NEED_MORE;

  len7 = data[1] & 0x7f;
  if (ms_ws_opcode_is_control (data[0] & 0x0f) && len7 > MS_WS_MAX_CONTROL_PAYLOAD)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "websocket: control frame payload longer than %d bytes",
                   MS_WS_MAX_CONTROL_PAYLOAD);
      return MS_WS_PARSE_ERROR;
    }

  ext = check_extended_length (len7, data + 2, len - 2, &payload_len, error);
  if (ext < 0)
    return MS_WS_PARSE_ERROR;

  need = 2 + (gsize) ext + ((data[1] & 0x80) ? MS_WS_MASK_LEN : 0);
  if (len < need)
    return MS_WS_PARSE_NEED_MORE;

  header->opcode = data[0] & 0x0f;
  header->fin = (data[0] & 0x80) != 0;
  header->masked = (data[1] & 0x80) != 0;
  header->header_len = need;
  header->payload_len = payload_len;
  if (header->masked)
    memcpy (header->mask, data + 2 + ext, MS_WS_MASK_LEN);
  else
    memset (header->mask, 0, MS_WS_MASK_LEN);

  return MS_WS_PARSE_OK;
}

/*
 * Writes a frame header with the shortest length encoding into @out and
 * returns its length. @mask NULL means an unmasked frame (server to client).
 */
gsize
ms_ws_frame_build_header (guint8        out[MS_WS_MAX_HEADER_LEN],
                          gboolean      fin,
                          MsWsOpcode    opcode,
                          guint64       payload_len,
                          const guint8 *mask)
{
  gsize n = 2;

  g_return_val_if_fail (out != NULL, 0);
  g_return_val_if_fail (opcode_is_known (opcode), 0);
  g_return_val_if_fail ((payload_len >> 63) == 0, 0);

  out[0] = (fin ? 0x80 : 0) | opcode;
  if (payload_len < 126)
    {
      out[1] = (guint8) payload_len;
    }
  else if (payload_len <= G_MAXUINT16)
    {
      out[1] = 126;
      out[2] = (guint8) (payload_len >> 8);
      out[3] = (guint8) payload_len;
      n = 4;
    }
  else
    {
      out[1] = 127;
      for (guint i = 0; i < 8; i++)
        out[2 + i] = (guint8) (payload_len >> (56 - 8 * i));
      n = 10;
    }

  if (mask != NULL)
    {
      out[1] |= 0x80;
      memcpy (out + n, mask, MS_WS_MASK_LEN);
      n += MS_WS_MASK_LEN;
    }

  return n;
}

/* Eight key bytes in the phase that byte @index of the payload needs. */
static guint64
mask_word (const guint8 mask[MS_WS_MASK_LEN],
           gsize        index)
{
  guint8 bytes[8];
  guint64 word;

  for (guint j = 0; j < 8; j++)
    bytes[j] = mask[(index + j) & 3];
  memcpy (&word, bytes, sizeof word);
  return word;
}

/*
 * RFC 6455 5.3: XORs @data in place with the masking key. @offset is the
 * position of @data[0] within the payload, so a payload can be unmasked in
 * pieces. Eight bytes at a time once @data is aligned.
 */
void
ms_ws_frame_mask (guint8       *data,
                  gsize         len,
                  const guint8  mask[MS_WS_MASK_LEN],
                  gsize         offset)
{
  gsize i = 0;
  guint64 word;

  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (mask != NULL);

  for (; i < len && ((guintptr) (data + i) & 7) != 0; i++)
    data[i] ^= mask[(offset + i) & 3];

  word = mask_word (mask, offset + i);
  for (; i + 8 <= len; i += 8)
    {
      guint64 v;

      memcpy (&v, data + i, sizeof v);
      v ^= word;
      memcpy (data + i, &v, sizeof v);
    }

  for (; i < len; i++)
    data[i] ^= mask[(offset + i) & 3];
}

/* Masks @len bytes of @src into @dest (which must not overlap it). */
void
ms_ws_frame_mask_copy (guint8       *dest,
                       const guint8 *src,
                       gsize         len,
                       const guint8  mask[MS_WS_MASK_LEN])
{
  gsize i = 0;
  guint64 word;

  g_return_if_fail ((dest != NULL && src != NULL) || len == 0);
  g_return_if_fail (mask != NULL);

  word = mask_word (mask, 0);
  for (; i + 8 <= len; i += 8)
    {
      guint64 v;

      memcpy (&v, src + i, sizeof v);
      v ^= word;
      memcpy (dest + i, &v, sizeof v);
    }

  for (; i < len; i++)
    dest[i] = src[i] ^ mask[i & 3];
}

/*
 * RFC 6455 7.4.1 defines 1000-1003 and 1007-1011; 1004 is reserved and
 * 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close control
 * frame". The IANA registry (7.4.2's "future revisions") has since added
 * 1012-1014. 3000-4999 belong to libraries and applications; everything
 * else may not appear on the wire.
 */
gboolean
ms_ws_close_code_is_valid (guint code)
{
  if (code >= 3000 && code <= 4999)
    return TRUE;

  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

/*
 * RFC 6455 5.5.1: an empty close body (reported as 1005, "no status"), or a
 * 2-byte code followed by a UTF-8 reason. @reason gets a NUL-terminated
 * copy; a reason with a NUL byte in it is refused.
 */
gboolean
ms_ws_close_parse (const guint8  *payload,
                   gsize          len,
                   gushort       *code,
                   char         **reason,
                   GError       **error)
{
  guint c;

  g_return_val_if_fail (payload != NULL || len == 0, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (reason != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len == 0)
    {
      *code = 1005;
      *reason = g_strdup ("");
      return TRUE;
    }

  if (len == 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "websocket: close frame with a 1-byte payload");
      return FALSE;
    }

  if (len > MS_WS_MAX_CONTROL_PAYLOAD)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "websocket: close payload longer than 125 bytes");
      return FALSE;
    }

  c = (guint) read_be (payload, 2);
  if (!ms_ws_close_code_is_valid (c))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "websocket: invalid close code %u", c);
      return FALSE;
    }

  if (len > 2 && !g_utf8_validate_len ((const char *) payload + 2, len - 2, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "websocket: close reason is not valid UTF-8");
      return FALSE;
    }

  *code = (gushort) c;
  *reason = g_strndup ((const char *) payload + 2, len - 2);
  return TRUE;
}

/*
 * Builds a close payload; 1005 ("no status") becomes an empty payload. The
 * reason is cut at a character boundary to fit the 125-byte control limit.
 */
gsize
ms_ws_close_build (guint8      out[MS_WS_MAX_CONTROL_PAYLOAD],
                   gushort     code,
                   const char *reason)
{
  gsize n;

  g_return_val_if_fail (out != NULL, 0);
  g_return_val_if_fail (code == 1005 || ms_ws_close_code_is_valid (code), 0);

  if (code == 1005)
    return 0;

  out[0] = code >> 8;
  out[1] = code & 0xff;

  n = reason != NULL ? strlen (reason) : 0;
  if (n > MS_WS_MAX_CLOSE_REASON)
    {
      n = MS_WS_MAX_CLOSE_REASON;
      while (n > 0 && ((guint8) reason[n] & 0xc0) == 0x80)
        n--;
    }
  if (n > 0)
    memcpy (out + 2, reason, n);

  return 2 + n;
}

/* HTTP/1.1 handshake (RFC 6455 4, RFC 7230 3). */

void
ms_ws_request_clear (MsWsRequest *request)
{
  g_return_if_fail (request != NULL);

  g_clear_pointer (&request->path, g_free);
  memset (request->key, 0, sizeof request->key);
}

/* RFC 7230 3.2.6 tchar. */
static gboolean
is_tchar (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
is_ows (char c)
{
  return c == ' ' || c == '\t';
}

/*
 * Finds the blank line that ends the header block, refusing a block that
 * does not start like @prefix, holds control characters, or is longer than
 * MS_WS_MAX_HANDSHAKE_LEN, as soon as the bytes present show it.
 */
static MsWsParseResult
find_head_end (const guint8  *data,
               gsize          len,
               const char    *prefix,
               gsize         *head_len,
               GError       **error)
{
  gsize scan = MIN (len, (gsize) MS_WS_MAX_HANDSHAKE_LEN);
  gsize plen = strlen (prefix);

  if (len == 0)
    return MS_WS_PARSE_NEED_MORE;

  if (memcmp (data, prefix, MIN (scan, plen)) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "websocket: the handshake does not start with '%s'", prefix);
      return MS_WS_PARSE_ERROR;
    }

  for (gsize i = 0; i < scan; i++)
    {
      guchar c = data[i];

      if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "websocket: control character 0x%02x in the handshake", c);
          return MS_WS_PARSE_ERROR;
        }
      if (c == '\n' && i >= 3 && memcmp (data + i - 3, "\r\n\r\n", 4) == 0)
        {
          *head_len = i + 1;
          return MS_WS_PARSE_OK;
        }
    }

  if (len >= MS_WS_MAX_HANDSHAKE_LEN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "websocket: handshake header block longer than %d bytes",
                   MS_WS_MAX_HANDSHAKE_LEN);
      return MS_WS_PARSE_ERROR;
    }

  return MS_WS_PARSE_NEED_MORE;
}

/* Splits off the next CRLF-terminated line; a lone CR or LF is an error. */
static gboolean
next_line (const char  **p,
           const char   *end,
           const char  **line,
           gsize        *line_len,
           GError      **error)
{
  const char *q = *p;

  while (q < end && *q != '\r' && *q != '\n')
    q++;

  if (q + 1 >= end || q[0] != '\r' || q[1] != '\n')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "websocket: bare CR or LF in the handshake");
      return FALSE;
    }

  *line = *p;
  *line_len = q - *p;
  *p = q + 2;
  return TRUE;
}

typedef struct
{
  const char *name;
  gsize       name_len;
  const char *value;
  gsize       value_len;
} Field;

/* RFC 7230 3.2: field-name ":" OWS field-value OWS, no obs-fold. */
static gboolean
parse_field (const char  *line,
             gsize        len,
             Field       *field,
             GError     **error)
{
  const char *colon = memchr (line, ':', len);
  const char *v, *end = line + len;

  if (colon == NULL || colon == line)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "websocket: malformed header line");
      return FALSE;
    }

  for (const char *q = line; q < colon; q++)
    {
      if (!is_tchar (*q))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "websocket: invalid character in a header name");
          return FALSE;
        }
    }

  v = colon + 1;
  while (v < end && is_ows (*v))
    v++;
  while (end > v && is_ows (end[-1]))
    end--;

  field->name = line;
  field->name_len = colon - line;
  field->value = v;
  field->value_len = end - v;
  return TRUE;
}

static gboolean
field_is (const Field *field,
          const char  *name)
{
  return strlen (name) == field->name_len &&
         g_ascii_strncasecmp (field->name, name, field->name_len) == 0;
}

static gboolean
value_is (const Field *field,
          const char  *value,
          gboolean     ignore_case)
{
  if (strlen (value) != field->value_len)
    return FALSE;
  if (ignore_case)
    return g_ascii_strncasecmp (field->value, value, field->value_len) == 0;
  return memcmp (field->value, value, field->value_len) == 0;
}

/* Whether a comma-separated header value lists @token (case-insensitive). */
static gboolean
value_has_token (const Field *field,
                 const char  *token)
{
  const char *p = field->value, *end = field->value + field->value_len;
  gsize tlen = strlen (token);

  while (p < end)
    {
      const char *comma = memchr (p, ',', end - p);
      const char *item_end = comma != NULL ? comma : end;
      const char *q = item_end;

      while (p < q && is_ows (*p))
        p++;
      while (q > p && is_ows (q[-1]))
        q--;
      if ((gsize) (q - p) == tlen && g_ascii_strncasecmp (p, token, tlen) == 0)
        return TRUE;

      p = comma != NULL ? comma + 1 : end;
    }

  return FALSE;
}

/* base64 of 16 bytes: 22 alphabet characters and "==" (RFC 6455 4.1 item 7). */
static gboolean
key_is_valid (const char *key,
              gsize       len)
{
  if (len != MS_WS_KEY_LEN || key[22] != '=' || key[23] != '=')
    return FALSE;

  for (guint i = 0; i < 22; i++)
    {
      if (!g_ascii_isalnum (key[i]) && key[i] != '+' && key[i] != '/')
        return FALSE;
    }
  return TRUE;
}

/* What the request's header fields said. */
typedef struct
{
  guint       n_host;
  guint       n_key;
  guint       n_version;
  gboolean    upgrade;
  gboolean    connection;
  gboolean    version_13;
  const char *key;
  gsize       key_len;
} RequestFields;

static void
collect_request_field (const Field   *field,
                       RequestFields *fields)
{
  if (field_is (field, "Host"))
    fields->n_host++;
  else if (field_is (field, "Upgrade"))
    fields->upgrade |= value_has_token (field, "websocket");
  else if (field_is (field, "Connection"))
    fields->connection |= value_has_token (field, "upgrade");
  else if (field_is (field, "Sec-WebSocket-Version"))
    {
      fields->n_version++;
      fields->version_13 = value_is (field, "13", FALSE);
    }
  else if (field_is (field, "Sec-WebSocket-Key"))
    {
      fields->n_key++;
      fields->key = field->value;
      fields->key_len = field->value_len;
    }
}

/* RFC 6455 4.2.1: what a server must find in the client's request. */
static gboolean
check_request_fields (const RequestFields  *fields,
                      GError              **error)
{
  const char *problem = NULL;

  if (!fields->upgrade)
    problem = "no 'Upgrade: websocket' header; not a WebSocket request";
  else if (!fields->connection)
    problem = "the Connection header lacks the 'upgrade' token";
  else if (fields->n_host != 1)
    problem = "the request needs exactly one Host header";
  else if (fields->n_key != 1 || !key_is_valid (fields->key, fields->key_len))
    problem = "missing, repeated or malformed Sec-WebSocket-Key";

  if (problem != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "websocket: %s", problem);
      return FALSE;
    }

  /* RFC 6455 4.2.2: a version we do not speak is answered with 426 and the
   * versions we do. */
  if (fields->n_version != 1 || !fields->version_13)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "websocket: Sec-WebSocket-Version is not 13");
      return FALSE;
    }

  return TRUE;
}

/* "GET <origin-form target> HTTP/1.1"; returns the target's length. */
static gboolean
parse_request_line (const char  *line,
                    gsize        len,
                    gsize       *target_len,
                    GError     **error)
{
  static const char version[] = " HTTP/1.1";
  const char *target = line + 4;
  gsize n = 0;

  /* find_head_end() already checked the "GET " prefix. */
  while (4 + n < len && target[n] != ' ')
    {
      if ((guchar) target[n] <= 0x20 || (guchar) target[n] >= 0x7f)
        break;
      n++;
    }

  if (n == 0 || target[0] != '/' || len - 4 - n != strlen (version) ||
      memcmp (target + n, version, strlen (version)) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "websocket: the request line is not 'GET /path HTTP/1.1'");
      return FALSE;
    }

  *target_len = n;
  return TRUE;
}

/*
 * Parses a client's opening handshake (RFC 6455 4.2.1). On success
 * @consumed is the length of the header block: any bytes after it already
 * belong to the WebSocket stream. G_IO_ERROR_NOT_SUPPORTED means a wrong
 * Sec-WebSocket-Version (answer 426), any other error a bad request (400).
 */
MsWsParseResult
ms_ws_handshake_parse_request (const guint8  *data,
                               gsize          len,
                               MsWsRequest   *request,
                               gsize         *consumed,
                               GError       **error)
{
  RequestFields fields = { 0 };
  MsWsParseResult result;
  const char *p, *end, *line;
  gsize head_len = 0, line_len, target_len;

  g_return_val_if_fail (data != NULL || len == 0, MS_WS_PARSE_ERROR);
  g_return_val_if_fail (request != NULL, MS_WS_PARSE_ERROR);
  g_return_val_if_fail (consumed != NULL, MS_WS_PARSE_ERROR);
  g_return_val_if_fail (error == NULL || *error == NULL, MS_WS_PARSE_ERROR);

  result = find_head_end (data, len, "GET ", &head_len, error);
  if (result != MS_WS_PARSE_OK)
    return result;

  p = (const char *) data;
  end = p + head_len;
  if (!next_line (&p, end, &line, &line_len, error) ||
      !parse_request_line (line, line_len, &target_len, error))
    return MS_WS_PARSE_ERROR;

  while (TRUE)
    {
      Field field;
      const char *start;

      if (!next_line (&p, end, &start, &line_len, error))
        return MS_WS_PARSE_ERROR;
      if (line_len == 0)
        break;
      if (!parse_field (start, line_len, &field, error))
        return MS_WS_PARSE_ERROR;
      collect_request_field (&field, &fields);
    }

  if (!check_request_fields (&fields, error))
    return MS_WS_PARSE_ERROR;

  g_free (request->path);
  request->path = g_strndup (line + 4, target_len);
  memcpy (request->key, fields.key, MS_WS_KEY_LEN);
  request->key[MS_WS_KEY_LEN] = '\0';
  *consumed = head_len;
  return MS_WS_PARSE_OK;
}

/* RFC 6455 4.2.2 item 5.4: base64 (SHA-1 (key || GUID)). */
void
ms_ws_handshake_compute_accept (const char *key,
                                char        out[MS_WS_ACCEPT_LEN + 1])
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree char *b64 = NULL;
  guint8 digest[SHA1_LEN];
  gsize digest_len = sizeof digest;

  g_return_if_fail (key != NULL);
  g_return_if_fail (out != NULL);

  g_checksum_update (sha1, (const guchar *) key, strlen (key));
  g_checksum_update (sha1, (const guchar *) WS_GUID, strlen (WS_GUID));
  g_checksum_get_digest (sha1, digest, &digest_len);

  b64 = g_base64_encode (digest, digest_len);
  g_strlcpy (out, b64, MS_WS_ACCEPT_LEN + 1);
}

/* The 101 answer to a request with @key; no extension, no sub-protocol. */
char *
ms_ws_handshake_build_response (const char *key)
{
  char accept[MS_WS_ACCEPT_LEN + 1];

  g_return_val_if_fail (key != NULL, NULL);

  ms_ws_handshake_compute_accept (key, accept);
  return g_strdup_printf ("HTTP/1.1 101 Switching Protocols\r\n"
                          "Upgrade: websocket\r\n"
                          "Connection: Upgrade\r\n"
                          "Sec-WebSocket-Accept: %s\r\n"
                          "\r\n", accept);
}

/* The short answer to a request that ms_ws_handshake_parse_request() refused. */
const char *
ms_ws_handshake_error_response (const GError *error)
{
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return "HTTP/1.1 426 Upgrade Required\r\n"
           "Sec-WebSocket-Version: 13\r\n"
           "Connection: close\r\n"
           "Content-Length: 0\r\n"
           "\r\n";

  return "HTTP/1.1 400 Bad Request\r\n"
         "Connection: close\r\n"
         "Content-Length: 0\r\n"
         "\r\n";
}

/*
 * A client's opening handshake (RFC 6455 4.1) with a fresh random key,
 * which is copied to @key_out for checking the answer. The Host header
 * carries the port, and IPv6 literals go in brackets (RFC 7230 5.4).
 */
char *
ms_ws_handshake_build_request (const char *host,
                               guint16     port,
                               const char *path,
                               char        key_out[MS_WS_KEY_LEN + 1])
{
  g_autofree char *key = NULL;
  guint8 nonce[16];
  gboolean brackets;

  g_return_val_if_fail (host != NULL && *host != '\0', NULL);
  g_return_val_if_fail (path == NULL || *path == '\0' || *path == '/', NULL);
  g_return_val_if_fail (key_out != NULL, NULL);

  ms_random_bytes (nonce, sizeof nonce);
  key = g_base64_encode (nonce, sizeof nonce);
  g_strlcpy (key_out, key, MS_WS_KEY_LEN + 1);

  brackets = strchr (host, ':') != NULL && host[0] != '[';
  return g_strdup_printf ("GET %s HTTP/1.1\r\n"
                          "Host: %s%s%s:%u\r\n"
                          "Upgrade: websocket\r\n"
                          "Connection: Upgrade\r\n"
                          "Sec-WebSocket-Key: %s\r\n"
                          "Sec-WebSocket-Version: 13\r\n"
                          "\r\n",
                          path != NULL && *path != '\0' ? path : "/",
                          brackets ? "[" : "", host, brackets ? "]" : "", port, key);
}

/* "HTTP/1.1 NNN[ reason]"; returns the status code or 0. */
static guint
parse_status_line (const char *line,
                   gsize       len)
{
  const gsize skip = strlen ("HTTP/1.1 ");
  const char *code = line + skip;

  if (len < skip + 3)
    return 0;
  if (!g_ascii_isdigit (code[0]) || !g_ascii_isdigit (code[1]) || !g_ascii_isdigit (code[2]) ||
      (len > skip + 3 && code[3] != ' '))
    return 0;

  return (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
}

typedef struct
{
  gboolean upgrade;
  gboolean connection;
  guint    n_accept;
  gboolean accept_ok;
  gboolean extension;
  gboolean protocol;
} ResponseFields;

static void
collect_response_field (const Field    *field,
                        const char     *expected_accept,
                        ResponseFields *fields)
{
  if (field_is (field, "Upgrade"))
    fields->upgrade |= value_is (field, "websocket", TRUE);
  else if (field_is (field, "Connection"))
    fields->connection |= value_has_token (field, "upgrade");
  else if (field_is (field, "Sec-WebSocket-Accept"))
    {
      fields->n_accept++;
      fields->accept_ok = value_is (field, expected_accept, FALSE);
    }
  else if (field_is (field, "Sec-WebSocket-Extensions"))
    fields->extension = TRUE;
  else if (field_is (field, "Sec-WebSocket-Protocol"))
    fields->protocol = TRUE;
}

/* RFC 6455 4.1, "If the server's response does not conform ... the client MUST _Fail_". */
static gboolean
check_response_fields (const ResponseFields  *fields,
                       GError               **error)
{
  const char *problem = NULL;

  if (!fields->upgrade)
    problem = "the answer lacks 'Upgrade: websocket'";
  else if (!fields->connection)
    problem = "the answer's Connection header lacks 'upgrade'";
  else if (fields->n_accept != 1 || !fields->accept_ok)
    problem = "missing or wrong Sec-WebSocket-Accept";
  else if (fields->extension)
    problem = "the server selected an extension that was not offered";
  else if (fields->protocol)
    problem = "the server selected a sub-protocol that was not offered";

  if (problem != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "websocket: %s", problem);
      return FALSE;
    }
  return TRUE;
}

/*
 * Parses and checks a server's answer to a request sent with @key. On
 * success @consumed is the length of the header block: bytes after it are
 * already WebSocket frames.
 */
MsWsParseResult
ms_ws_handshake_parse_response (const guint8  *data,
                                gsize          len,
                                const char    *key,
                                gsize         *consumed,
                                GError       **error)
{
  ResponseFields fields = { 0 };
  char expected[MS_WS_ACCEPT_LEN + 1];
  MsWsParseResult result;
  const char *p, *end, *line;
  gsize head_len = 0, line_len;
  guint status;

  g_return_val_if_fail (data != NULL || len == 0, MS_WS_PARSE_ERROR);
  g_return_val_if_fail (key != NULL, MS_WS_PARSE_ERROR);
  g_return_val_if_fail (consumed != NULL, MS_WS_PARSE_ERROR);
  g_return_val_if_fail (error == NULL || *error == NULL, MS_WS_PARSE_ERROR);

  result = find_head_end (data, len, "HTTP/1.1 ", &head_len, error);
  if (result != MS_WS_PARSE_OK)
    return result;

  p = (const char *) data;
  end = p + head_len;
  if (!next_line (&p, end, &line, &line_len, error))
    return MS_WS_PARSE_ERROR;

  status = parse_status_line (line, line_len);
  if (status == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "websocket: malformed status line");
      return MS_WS_PARSE_ERROR;
    }
  if (status != 101)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "websocket: the server answered %u instead of 101", status);
      return MS_WS_PARSE_ERROR;
    }

  ms_ws_handshake_compute_accept (key, expected);
  while (TRUE)
    {
      Field field;
      const char *start;

      if (!next_line (&p, end, &start, &line_len, error))
        return MS_WS_PARSE_ERROR;
      if (line_len == 0)
        break;
      if (!parse_field (start, line_len, &field, error))
        return MS_WS_PARSE_ERROR;
      collect_response_field (&field, expected, &fields);
    }

  if (!check_response_fields (&fields, error))
    return MS_WS_PARSE_ERROR;

  *consumed = head_len;
  return MS_WS_PARSE_OK;
}
