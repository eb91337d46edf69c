/* ms-location.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MS_TYPE_LOCATION (ms_location_get_type ())

/**
 * MsLocationType:
 * @MS_LOCATION_TYPE_WEBSOCKET: a WebSocket URL (the only kind anything connects to)
 * @MS_LOCATION_TYPE_WEBRTC: placeholder, carried and round-tripped only
 * @MS_LOCATION_TYPE_BLUETOOTH: placeholder
 * @MS_LOCATION_TYPE_NFC: placeholder
 */
typedef enum
{
  MS_LOCATION_TYPE_WEBSOCKET,
  MS_LOCATION_TYPE_WEBRTC,
  MS_LOCATION_TYPE_BLUETOOTH,
  MS_LOCATION_TYPE_NFC,
} MsLocationType;

typedef struct _MsLocation MsLocation;

GType           ms_location_get_type             (void) G_GNUC_CONST;
MsLocation     *ms_location_new_websocket        (const char       *host,
                                                  guint32           port,
                                                  gboolean          use_tls) G_GNUC_WARN_UNUSED_RESULT;
MsLocation     *ms_location_new_placeholder      (MsLocationType    type,
                                                  const char       *placeholder) G_GNUC_WARN_UNUSED_RESULT;
MsLocation     *ms_location_new_from_url         (const char       *url,
                                                  GError          **error) G_GNUC_WARN_UNUSED_RESULT;
MsLocation     *ms_location_ref                  (MsLocation       *self);
void            ms_location_unref                (MsLocation       *self);
MsLocationType  ms_location_get_location_type    (const MsLocation *self);
const char     *ms_location_get_host             (const MsLocation *self);
guint32         ms_location_get_port             (const MsLocation *self);
gboolean        ms_location_get_use_tls          (const MsLocation *self);
const char     *ms_location_get_placeholder      (const MsLocation *self);
char           *ms_location_dup_url              (const MsLocation *self) G_GNUC_WARN_UNUSED_RESULT;
gboolean        ms_location_equal                (const MsLocation *a,
                                                  const MsLocation *b);
const char     *ms_location_type_to_string       (MsLocationType    type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsLocation, ms_location_unref)

G_END_DECLS
