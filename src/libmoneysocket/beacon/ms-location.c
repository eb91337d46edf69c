/* ms-location.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-bigsize.h"
#include "ms-error.h"
#include "ms-location-private.h"

struct _MsLocation
{
  gatomicrefcount ref_count;
  MsLocationType  type;
  guint           use_tls : 1;
  guint32         port;
  char           *host;        /* WebSocket */
  char           *placeholder; /* WebRTC, Bluetooth, NFC */
};

G_DEFINE_BOXED_TYPE (MsLocation, ms_location, ms_location_ref, ms_location_unref)

/* PROTOCOL.md 3.2, inner records of a WebSocket location. */
#define WS_HOST    0
#define WS_USE_TLS 1
#define WS_PORT    2
/* PROTOCOL.md 3.3, the one inner record of a placeholder location. */
#define PLACEHOLDER_STRING 0

#define DEFAULT_TLS_PORT   443
#define DEFAULT_PLAIN_PORT 80

static guint32
default_port (gboolean use_tls)
{
  return use_tls ? DEFAULT_TLS_PORT : DEFAULT_PLAIN_PORT;
}

/* Port 0 means "the default port of the chosen TLS mode". */
MsLocation *
ms_location_new_websocket (const char *host,
                           guint32     port,
                           gboolean    use_tls)
{
  MsLocation *self;

  g_return_val_if_fail (host != NULL, NULL);

  self = g_new0 (MsLocation, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->type = MS_LOCATION_TYPE_WEBSOCKET;
  self->host = g_strdup (host);
  self->use_tls = !!use_tls;
  self->port = port != 0 ? port : default_port (use_tls);

  return self;
}

/*
 * The default strings are the Python reference's; they carry no meaning
 * (PROTOCOL.md 3.3) but make our bytes match its vectors.
 */
MsLocation *
ms_location_new_placeholder (MsLocationType  type,
                             const char     *placeholder)
{
  MsLocation *self;

  g_return_val_if_fail (type != MS_LOCATION_TYPE_WEBSOCKET, NULL);

  if (placeholder == NULL)
    {
      switch (type)
        {
        case MS_LOCATION_TYPE_WEBRTC:
          placeholder = "webrtc herpader";
          break;
        case MS_LOCATION_TYPE_BLUETOOTH:
          placeholder = "bluetooth herpader";
          break;
        case MS_LOCATION_TYPE_NFC:
          placeholder = "nfc herpader";
          break;
        case MS_LOCATION_TYPE_WEBSOCKET:
          g_assert_not_reached ();
        }
    }

  self = g_new0 (MsLocation, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->type = type;
  self->placeholder = g_strdup (placeholder);

  return self;
}

/*
 * Accepts ws://HOST[:PORT][/] and wss://HOST[:PORT][/]; IPv6 literals in
 * brackets. Beacons have no room for a path, user, query or fragment.
 */
MsLocation *
ms_location_new_from_url (const char  *url,
                          GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const char *path;
  gboolean use_tls;
  gint port;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_URL,
                   "location: '%s' is not a URL: %s", url, local_error->message);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "wss") == 0)
    use_tls = TRUE;
  else if (g_ascii_strcasecmp (scheme, "ws") == 0)
    use_tls = FALSE;
  else
    {
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_URL,
                   "location: scheme '%s' is not ws or wss", scheme);
      return NULL;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_URL,
                   "location: '%s' has no host", url);
      return NULL;
    }

  path = g_uri_get_path (uri);
  if ((path[0] != '\0' && strcmp (path, "/") != 0) || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_URL,
                   "location: '%s' has a path, user, query or fragment, which beacons cannot carry",
                   url);
      return NULL;
    }

  port = g_uri_get_port (uri);
  if (port == 0)
    {
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_URL,
                   "location: port 0 in '%s'", url);
      return NULL;
    }

  return ms_location_new_websocket (g_uri_get_host (uri), port > 0 ? (guint32) port : 0, use_tls);
}

MsLocation *
ms_location_ref (MsLocation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ms_location_unref (MsLocation *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->host);
      g_free (self->placeholder);
      g_free (self);
    }
}

MsLocationType
ms_location_get_location_type (const MsLocation *self)
{
  g_return_val_if_fail (self != NULL, MS_LOCATION_TYPE_WEBSOCKET);

  return self->type;
}

/* The host of a WebSocket location, or NULL for placeholders. */
const char *
ms_location_get_host (const MsLocation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->host;
}

guint32
ms_location_get_port (const MsLocation *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

gboolean
ms_location_get_use_tls (const MsLocation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->use_tls;
}

/* The string of a placeholder location, or NULL for WebSocket. */
const char *
ms_location_get_placeholder (const MsLocation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->placeholder;
}

/*
 * PROTOCOL.md 3.2: "The URL a client opens is wss://HOST:PORT or
 * ws://HOST:PORT with the port always written and no path". IPv6 literals
 * get brackets so the URL parses.
 */
char *
ms_location_dup_url (const MsLocation *self)
{
  gboolean ipv6;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->type != MS_LOCATION_TYPE_WEBSOCKET)
    return NULL;

  ipv6 = strchr (self->host, ':') != NULL;
  return g_strdup_printf ("%s://%s%s%s:%u", self->use_tls ? "wss" : "ws",
                          ipv6 ? "[" : "", self->host, ipv6 ? "]" : "", self->port);
}

gboolean
ms_location_equal (const MsLocation *a,
                   const MsLocation *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  return a->type == b->type &&
         a->use_tls == b->use_tls &&
         a->port == b->port &&
         g_strcmp0 (a->host, b->host) == 0 &&
         g_strcmp0 (a->placeholder, b->placeholder) == 0;
}

const char *
ms_location_type_to_string (MsLocationType type)
{
  switch (type)
    {
    case MS_LOCATION_TYPE_WEBSOCKET:
      return "WebSocket";
    case MS_LOCATION_TYPE_WEBRTC:
      return "WebRTC";
    case MS_LOCATION_TYPE_BLUETOOTH:
      return "Bluetooth";
    case MS_LOCATION_TYPE_NFC:
      return "NFC";
    }

  g_return_val_if_reached (NULL);
}

static guint64
tlv_type_for (MsLocationType type)
{
  switch (type)
    {
    case MS_LOCATION_TYPE_WEBSOCKET:
      return MS_TLV_WEBSOCKET_LOCATION;
    case MS_LOCATION_TYPE_WEBRTC:
      return MS_TLV_WEBRTC_LOCATION;
    case MS_LOCATION_TYPE_BLUETOOTH:
      return MS_TLV_BLUETOOTH_LOCATION;
    case MS_LOCATION_TYPE_NFC:
      return MS_TLV_NFC_LOCATION;
    }

  g_return_val_if_reached (0);
}

/*
 * PROTOCOL.md 3.2 encoder rules (both references produce these bytes):
 * "1. Always write host. 2. If TLS is off, write use_tls = 0; never write
 * use_tls = 1. 3. Write port only if it differs from the default of the
 * chosen TLS mode."
 */
void
_ms_location_append_tlv (const MsLocation *self,
                         GByteArray       *array)
{
  g_autoptr(GByteArray) inner = g_byte_array_sized_new (32);

  g_return_if_fail (self != NULL);
  g_return_if_fail (array != NULL);

  if (self->type == MS_LOCATION_TYPE_WEBSOCKET)
    {
      ms_tlv_append (inner, WS_HOST, (const guint8 *) self->host, strlen (self->host));
      if (!self->use_tls)
        {
          static const guint8 zero = 0;

          ms_tlv_append (inner, WS_USE_TLS, &zero, 1);
        }
      if (self->port != default_port (self->use_tls))
        {
          guint8 buf[MS_BIGSIZE_MAX_LEN];
          gsize len = ms_bigsize_write (self->port, buf);

          ms_tlv_append (inner, WS_PORT, buf, len);
        }
    }
  else
    {
      ms_tlv_append (inner, PLACEHOLDER_STRING,
                     (const guint8 *) self->placeholder, strlen (self->placeholder));
    }

  ms_tlv_append (array, tlv_type_for (self->type), inner->data, inner->len);
}

/* Up to three inner records matter; unknown types are skipped, the last duplicate wins. */
typedef struct
{
  MsTlv    records[3];
  gboolean present[3];
} InnerMap;

static gboolean
read_inner_map (const MsTlv  *record,
                InnerMap     *map,
                GError      **error)
{
  MsCursor cursor;

  memset (map, 0, sizeof *map);
  ms_cursor_init (&cursor, record->value, record->len);
  while (cursor.remaining > 0)
    {
      MsTlv inner;

      if (!ms_tlv_pull (&cursor, &inner))
        break;
      if (inner.type < G_N_ELEMENTS (map->records))
        {
          map->records[inner.type] = inner;
          map->present[inner.type] = TRUE;
        }
    }

  return ms_cursor_propagate (&cursor, error);
}

static char *
dup_utf8 (const MsTlv  *record,
          const char   *what,
          GError      **error)
{
  if (!g_utf8_validate_len ((const char *) record->value, record->len, NULL))
    {
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_LOCATION,
                   "%s is not valid UTF-8", what);
      return NULL;
    }

  return g_strndup ((const char *) record->value, record->len);
}

static gboolean
pull_inner_bigsize (const MsTlv  *record,
                    const char   *what,
                    guint64      *value,
                    GError      **error)
{
  MsCursor cursor;

  /* Like the references, bytes after the BigSize in the value are ignored. */
  ms_cursor_init (&cursor, record->value, record->len);
  *value = ms_bigsize_pull (&cursor, what);
  return ms_cursor_propagate (&cursor, error);
}

static MsLocation *
decode_websocket (const InnerMap  *map,
                  GError         **error)
{
  g_autofree char *host = NULL;
  gboolean use_tls = TRUE;
  guint64 port = 0;

  if (!map->present[WS_HOST])
    {
      g_set_error_literal (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_LOCATION,
                           "websocket location has no host");
      return NULL;
    }
  if (!(host = dup_utf8 (&map->records[WS_HOST], "websocket host", error)))
    return NULL;

  if (map->present[WS_USE_TLS])
    {
      guint64 value;

      if (!pull_inner_bigsize (&map->records[WS_USE_TLS], "websocket use_tls", &value, error))
        return NULL;
      if (value > 1)
        {
          g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_LOCATION,
                       "websocket use_tls is %" G_GUINT64_FORMAT ", not 0 or 1", value);
          return NULL;
        }
      use_tls = value == 1;
    }

  if (map->present[WS_PORT])
    {
      if (!pull_inner_bigsize (&map->records[WS_PORT], "websocket port", &port, error))
        return NULL;
      /*
       * The references disagree on an explicit 0 (JS keeps 0, Python takes
       * the default); PROTOCOL.md 3.2 says to reject it. Values past 65535
       * are carried (the references round-trip 70000) but never connected to.
       */
      if (port == 0 || port > G_MAXUINT32)
        {
          g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_LOCATION,
                       "websocket port %" G_GUINT64_FORMAT " is out of range", port);
          return NULL;
        }
    }

  if (strlen (host) != map->records[WS_HOST].len)
    {
      g_set_error_literal (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_LOCATION,
                           "websocket host contains a NUL byte");
      return NULL;
    }

  return ms_location_new_websocket (host, (guint32) port, use_tls);
}

static MsLocation *
decode_placeholder (MsLocationType   type,
                    const InnerMap  *map,
                    GError         **error)
{
  g_autofree char *str = NULL;

  if (!map->present[PLACEHOLDER_STRING])
    {
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BAD_LOCATION,
                   "%s location has no placeholder string", ms_location_type_to_string (type));
      return NULL;
    }
  if (!(str = dup_utf8 (&map->records[PLACEHOLDER_STRING], "placeholder string", error)))
    return NULL;

  return ms_location_new_placeholder (type, str);
}

MsLocation *
_ms_location_decode (const MsTlv  *record,
                     GError      **error)
{
  InnerMap map;
  MsLocationType type;

  g_return_val_if_fail (record != NULL, NULL);

  switch (record->type)
    {
    case MS_TLV_WEBSOCKET_LOCATION:
      type = MS_LOCATION_TYPE_WEBSOCKET;
      break;
    case MS_TLV_WEBRTC_LOCATION:
      type = MS_LOCATION_TYPE_WEBRTC;
      break;
    case MS_TLV_BLUETOOTH_LOCATION:
      type = MS_LOCATION_TYPE_BLUETOOTH;
      break;
    case MS_TLV_NFC_LOCATION:
      type = MS_LOCATION_TYPE_NFC;
      break;
    default:
      /* PROTOCOL.md 3.4 step 6: v0 does not skip unknown locations, odd or even. */
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_UNKNOWN_LOCATION,
                   "unknown location type %" G_GUINT64_FORMAT, record->type);
      return NULL;
    }

  if (!read_inner_map (record, &map, error))
    {
      g_prefix_error (error, "%s location: ", ms_location_type_to_string (type));
      return NULL;
    }

  if (type == MS_LOCATION_TYPE_WEBSOCKET)
    return decode_websocket (&map, error);

  return decode_placeholder (type, &map, error);
}
