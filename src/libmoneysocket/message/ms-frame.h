/* ms-frame.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

#include "ms-crypto.h"
#include "ms-message.h"

G_BEGIN_DECLS

/*
 * The payload of one binary WebSocket message (PROTOCOL.md 5): cleartext
 * JSON, or IV || AES-256-CBC(zero-padded JSON). Rendezvous messages are
 * always clear; every other message is encrypted when there is a key.
 */

gboolean   ms_frame_is_cleartext (const guint8     *payload,
                                  gsize             len);
void       ms_frame_encode_into  (const MsMessage  *message,
                                  MsCipher         *cipher,
                                  GByteArray       *out);
GBytes    *ms_frame_encode       (const MsMessage  *message,
                                  MsCipher         *cipher) G_GNUC_WARN_UNUSED_RESULT;
MsMessage *ms_frame_decode       (const guint8     *payload,
                                  gsize             len,
                                  MsCipher         *cipher,
                                  GError          **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
