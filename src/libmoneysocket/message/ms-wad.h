/* ms-wad.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MS_TYPE_WAD (ms_wad_get_type ())

#define MS_MSAT_PER_SAT 1000
#define MS_MSAT_PER_BTC G_GUINT64_CONSTANT (100000000000)

/**
 * MsWad:
 *
 * An amount: millisatoshis, plus the display asset they are denominated in
 * (PROTOCOL.md 8). Payments only ever use the msats; the rest is for people.
 */
typedef struct _MsWad MsWad;

GType       ms_wad_get_type          (void) G_GNUC_CONST;
MsWad      *ms_wad_new_bitcoin       (guint64      msats) G_GNUC_WARN_UNUSED_RESULT;
MsWad      *ms_wad_new               (guint64      msats,
                                      gboolean     asset_stable,
                                      gdouble      asset_units,
                                      const char  *code,
                                      const char  *countries,
                                      gint         decimals,
                                      gboolean     has_iso_num,
                                      gdouble      iso_num,
                                      const char  *name,
                                      const char  *symbol) G_GNUC_WARN_UNUSED_RESULT;
MsWad      *ms_wad_copy              (const MsWad *wad) G_GNUC_WARN_UNUSED_RESULT;
void        ms_wad_free              (MsWad       *wad);
gboolean    ms_wad_equal             (const MsWad *a,
                                      const MsWad *b);
MsWad      *ms_wad_clone_msats       (const MsWad *wad,
                                      guint64      msats) G_GNUC_WARN_UNUSED_RESULT;

guint64     ms_wad_get_msats         (const MsWad *wad);
gboolean    ms_wad_get_asset_stable  (const MsWad *wad);
gdouble     ms_wad_get_asset_units   (const MsWad *wad);
const char *ms_wad_get_code          (const MsWad *wad);
const char *ms_wad_get_countries     (const MsWad *wad);
gint        ms_wad_get_decimals      (const MsWad *wad);
gboolean    ms_wad_get_iso_num       (const MsWad *wad,
                                      gdouble     *iso_num);
const char *ms_wad_get_name          (const MsWad *wad);
const char *ms_wad_get_symbol        (const MsWad *wad);

MsWad      *ms_wad_parse             (const char  *json,
                                      gsize        len,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;
char       *ms_wad_to_json           (const MsWad *wad) G_GNUC_WARN_UNUSED_RESULT;

char       *ms_wad_format_short      (const MsWad *wad) G_GNUC_WARN_UNUSED_RESULT;
char       *ms_wad_format_long       (const MsWad *wad) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsWad, ms_wad_free)

G_END_DECLS
