/* ms-beacon.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-bech32.h"
#include "ms-beacon.h"
#include "ms-bigsize.h"
#include "ms-error.h"
#include "ms-location-private.h"

/* PROTOCOL.md 3.1 */
#define BEACON_HRP         "moneysocket"
#define TLV_BEACON         65979
#define TLV_SHARED_SEED    65981
#define TLV_LOCATION_COUNT 65983
#define TLV_LOCATION_LIST  65985

struct _MsBeacon
{
  gatomicrefcount ref_count;
  MsSharedSeed    seed;
  GPtrArray      *locations;
};

G_DEFINE_BOXED_TYPE (MsBeacon, ms_beacon, ms_beacon_ref, ms_beacon_unref)

/* With @seed NULL a fresh random seed is drawn. */
MsBeacon *
ms_beacon_new (const MsSharedSeed *seed)
{
  MsBeacon *self = g_new0 (MsBeacon, 1);

  g_atomic_ref_count_init (&self->ref_count);
  if (seed != NULL)
    self->seed = *seed;
  else
    ms_shared_seed_generate (&self->seed);
  self->locations = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_location_unref);

  return self;
}

MsBeacon *
ms_beacon_ref (MsBeacon *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ms_beacon_unref (MsBeacon *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      ms_wipe (&self->seed, sizeof self->seed);
      g_ptr_array_unref (self->locations);
      g_free (self);
    }
}

/* Beacons are built before they are shared; adding to a shared one is a bug. */
void
ms_beacon_add_location (MsBeacon   *self,
                        MsLocation *location)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (location != NULL);

  g_ptr_array_add (self->locations, ms_location_ref (location));
}

const MsSharedSeed *
ms_beacon_get_shared_seed (const MsBeacon *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->seed;
}

guint
ms_beacon_get_n_locations (const MsBeacon *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->locations->len;
}

MsLocation *
ms_beacon_get_location (const MsBeacon *self,
                        guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->locations->len, NULL);

  return g_ptr_array_index (self->locations, index);
}

/*
 * PROTOCOL.md 3.1: beacon { shared_seed, location_list { location_count,
 * location_1 … location_n } } — the count record comes first although its
 * type number is smaller than the list's.
 */
GBytes *
ms_beacon_encode_tlv (const MsBeacon *self)
{
  g_autoptr(GByteArray) list = g_byte_array_sized_new (64);
  g_autoptr(GByteArray) inner = g_byte_array_sized_new (96);
  GByteArray *outer = g_byte_array_sized_new (112);
  guint8 count[MS_BIGSIZE_MAX_LEN];
  gsize count_len;

  g_return_val_if_fail (self != NULL, NULL);

  count_len = ms_bigsize_write (self->locations->len, count);
  ms_tlv_append (list, TLV_LOCATION_COUNT, count, count_len);
  for (guint i = 0; i < self->locations->len; i++)
    _ms_location_append_tlv (g_ptr_array_index (self->locations, i), list);

  ms_tlv_append (inner, TLV_SHARED_SEED, self->seed.bytes, sizeof self->seed.bytes);
  ms_tlv_append (inner, TLV_LOCATION_LIST, list->data, list->len);
  ms_tlv_append (outer, TLV_BEACON, inner->data, inner->len);

  /* The seed went through these buffers too. */
  ms_wipe (inner->data, inner->len);

  return g_byte_array_free_to_bytes (outer);
}

char *
ms_beacon_encode (const MsBeacon *self)
{
  g_autoptr(GBytes) tlv = NULL;
  g_autoptr(GByteArray) data5 = NULL;
  const guint8 *data;
  gsize len;
  char *str;

  g_return_val_if_fail (self != NULL, NULL);

  tlv = ms_beacon_encode_tlv (self);
  data = g_bytes_get_data (tlv, &len);
  data5 = g_byte_array_sized_new (len * 8 / 5 + 1);
  ms_bech32_convert_bits (data, len, 8, 5, TRUE, data5);
  str = ms_bech32_encode (BEACON_HRP, data5->data, data5->len, MS_BECH32_VARIANT_BECH32);

  ms_wipe ((guint8 *) data, len);
  ms_wipe (data5->data, data5->len);

  return str;
}

static gboolean
pull_expected (MsCursor   *cursor,
               guint64     expected_type,
               const char *what,
               MsTlv      *record)
{
  if (!ms_tlv_pull (cursor, record))
    return FALSE;

  if (record->type != expected_type)
    {
      ms_cursor_fail (cursor, MS_BEACON_ERROR, MS_BEACON_ERROR_MALFORMED,
                      "expected %s tlv (type %" G_GUINT64_FORMAT "), got type %" G_GUINT64_FORMAT,
                      what, expected_type, record->type);
      return FALSE;
    }

  return TRUE;
}

/* Steps 2-6 of PROTOCOL.md 3.4, on the bytes inside the bech32 string. */
static MsBeacon *
decode_tlv (const guint8  *data,
            gsize          len,
            GError       **error)
{
  g_autoptr(MsBeacon) beacon = NULL;
  MsCursor outer, inner, list, count_cursor;
  MsTlv beacon_tlv, seed_tlv, list_tlv, count_tlv;
  guint64 count;

  /* Step 2: one TLV of type 65979; bytes after it are ignored. */
  ms_cursor_init (&outer, data, len);
  if (!pull_expected (&outer, TLV_BEACON, "beacon", &beacon_tlv))
    return (ms_cursor_propagate (&outer, error), NULL);

  /* Step 3: the shared seed, exactly 16 bytes (JS accepts any length; we must not). */
  ms_cursor_init (&inner, beacon_tlv.value, beacon_tlv.len);
  if (!pull_expected (&inner, TLV_SHARED_SEED, "shared seed", &seed_tlv))
    return (ms_cursor_propagate (&inner, error), NULL);
  if (seed_tlv.len != MS_SHARED_SEED_LEN)
    {
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_MALFORMED,
                   "shared seed is %" G_GSIZE_FORMAT " bytes, not %d",
                   seed_tlv.len, MS_SHARED_SEED_LEN);
      return NULL;
    }

  /* Step 4: the location list; bytes after it inside the beacon are ignored. */
  if (!pull_expected (&inner, TLV_LOCATION_LIST, "location list", &list_tlv))
    return (ms_cursor_propagate (&inner, error), NULL);

  /* Step 5: the count comes first; bytes after its BigSize are ignored. */
  ms_cursor_init (&list, list_tlv.value, list_tlv.len);
  if (!pull_expected (&list, TLV_LOCATION_COUNT, "location count", &count_tlv))
    return (ms_cursor_propagate (&list, error), NULL);
  ms_cursor_init (&count_cursor, count_tlv.value, count_tlv.len);
  count = ms_bigsize_pull (&count_cursor, "location count");
  if (!ms_cursor_propagate (&count_cursor, error))
    return NULL;

  beacon = ms_beacon_new ((const MsSharedSeed *) seed_tlv.value);

  /* Step 6: exactly n locations, each of a known type; the rest is ignored. */
  for (guint64 i = 0; i < count; i++)
    {
      MsTlv location_tlv;
      MsLocation *location;

      if (list.remaining == 0)
        {
          g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_MALFORMED,
                       "location count is %" G_GUINT64_FORMAT " but only %" G_GUINT64_FORMAT
                       " locations follow", count, i);
          return NULL;
        }
      if (!ms_tlv_pull (&list, &location_tlv))
        return (ms_cursor_propagate (&list, error), NULL);
      if (!(location = _ms_location_decode (&location_tlv, error)))
        return NULL;
      g_ptr_array_add (beacon->locations, location);
    }

  return g_steal_pointer (&beacon);
}

MsBeacon *
ms_beacon_decode (const char  *str,
                  gsize        len,
                  GError     **error)
{
  g_autofree char *hrp = NULL;
  g_autofree guint8 *data5 = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  MsBeacon *beacon;
  gsize len5 = 0;

  g_return_val_if_fail (str != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Step 1: bech32 (not bech32m), HRP exactly "moneysocket". */
  if (!ms_bech32_decode (str, len, MS_BEACON_MAX_LEN, &hrp, &data5, &len5, NULL, &local_error))
    {
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BECH32,
                   "beacon: %s", local_error->message);
      return NULL;
    }

  if (strcmp (hrp, BEACON_HRP) != 0)
    {
      g_set_error (error, MS_BEACON_ERROR, MS_BEACON_ERROR_NOT_A_BEACON,
                   "beacon: prefix '%s' is not '" BEACON_HRP "'", hrp);
      return NULL;
    }

  bytes = g_byte_array_sized_new (len5 * 5 / 8 + 1);
  if (!ms_bech32_convert_bits (data5, len5, 5, 8, FALSE, bytes))
    {
      g_set_error_literal (error, MS_BEACON_ERROR, MS_BEACON_ERROR_BECH32,
                           "beacon: bad bech32 padding");
      return NULL;
    }

  if (bytes->len == 0)
    {
      g_set_error_literal (error, MS_BEACON_ERROR, MS_BEACON_ERROR_MALFORMED,
                           "beacon: no data after the prefix");
      return NULL;
    }

  beacon = decode_tlv (bytes->data, bytes->len, &local_error);
  ms_wipe (bytes->data, bytes->len);
  ms_wipe (data5, len5);
  if (beacon == NULL)
    {
      g_set_error (error, local_error->domain == MS_ENCODING_ERROR ? MS_BEACON_ERROR
                                                                   : local_error->domain,
                   local_error->domain == MS_ENCODING_ERROR ? MS_BEACON_ERROR_MALFORMED
                                                            : local_error->code,
                   "beacon: %s", local_error->message);
      return NULL;
    }

  return beacon;
}
