/* bench-core.c: µs per operation for the protocol core
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * Not a test: it prints figures for the README's performance table. Each
 * operation runs in batches until a batch takes at least 50 ms, and the
 * best of 7 batches is reported (the least disturbed by other work).
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "moneysocket.h"

typedef void (*BenchFunc) (gpointer data);

static double
time_batch (BenchFunc func,
            gpointer  data,
            guint     iterations)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < iterations; i++)
    func (data);

  return (double) (g_get_monotonic_time () - start) / iterations;
}

static void
run (const char *name,
     BenchFunc   func,
     gpointer    data)
{
  guint iterations = 16;
  double best = G_MAXDOUBLE;

  /* Warm up and size the batch. */
  while (time_batch (func, data, iterations) * iterations < 50000.0 && iterations < (1u << 26))
    iterations *= 2;

  for (guint r = 0; r < 7; r++)
    best = MIN (best, time_batch (func, data, iterations));

  printf ("%-44s %10.3f µs/op   (%u ops/batch)\n", name, best, iterations);
  fflush (stdout);
}

/* Keeps results alive so the compiler cannot drop the work. */
static volatile gsize sink;

typedef struct
{
  MsSharedSeed  seed;
  MsBeacon     *beacon;
  char         *beacon_str;
  MsCipher     *cipher;
  char         *bolt11;
  GBytes       *pay_frame;
} Fixture;

static void
bench_beacon_encode (gpointer data)
{
  Fixture *f = data;
  g_autofree char *str = ms_beacon_encode (f->beacon);

  sink += strlen (str);
}

static void
bench_beacon_decode (gpointer data)
{
  Fixture *f = data;
  g_autoptr(MsBeacon) beacon = ms_beacon_decode (f->beacon_str, strlen (f->beacon_str), NULL);

  sink += ms_beacon_get_n_locations (beacon);
}

static void
bench_derive (gpointer data)
{
  Fixture *f = data;
  char rid[MS_RENDEZVOUS_ID_HEX_LEN + 1];

  ms_shared_seed_rendezvous_id_hex (&f->seed, rid);
  sink += rid[0];
}

static void
bench_request_pay_encode (gpointer data)
{
  Fixture *f = data;
  g_autoptr(MsMessage) message = ms_message_new_request_pay (f->bolt11);
  g_autoptr(GByteArray) out = g_byte_array_sized_new (1024);

  ms_frame_encode_into (message, f->cipher, out);
  sink += out->len;
}

static void
bench_request_pay_decode (gpointer data)
{
  Fixture *f = data;
  gsize len;
  const guint8 *payload = g_bytes_get_data (f->pay_frame, &len);
  g_autoptr(MsMessage) message = ms_frame_decode (payload, len, f->cipher, NULL);

  g_assert (message != NULL);
  sink += ms_message_get_message_type (message);
}

static void
bench_bolt11_decode (gpointer data)
{
  Fixture *f = data;
  g_autoptr(MsBolt11) invoice = ms_bolt11_decode (f->bolt11, strlen (f->bolt11),
                                                  MS_BOLT11_DECODE_NONE, NULL);

  g_assert (invoice != NULL);
  sink += ms_bolt11_get_amount_msat (invoice);
}

int
main (int   argc,
      char *argv[])
{
  Fixture f = { 0 };
  g_autoptr(MsLocation) location = NULL;
  g_autoptr(MsMessage) pay = NULL;

  /* The seed of the shared vectors and the BOLT #11 spec's 2500u example. */
  memcpy (f.seed.bytes, "\x3a\x1f\x6c\x2b\x9d\x8e\x7f\x60\x51\x42\x33\x24\x15\x06\xf7\xe8", 16);
  location = ms_location_new_websocket ("relay.socket.money", 443, TRUE);
  f.beacon = ms_beacon_new (&f.seed);
  ms_beacon_add_location (f.beacon, location);
  f.beacon_str = ms_beacon_encode (f.beacon);
  f.cipher = ms_shared_seed_new_cipher (&f.seed);
  f.bolt11 = g_strdup ("lnbc2500u1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpu9qrsgquk0rl77nj30yxdy8j9vdx85fkpmdla2087ne0xh8nhedh8w27kyke0lp53ut353s06fv3qfegext0eh0ymjpf39tuven09sam30g4vgpfna3rh");
  pay = ms_message_new_request_pay (f.bolt11);
  f.pay_frame = ms_frame_encode (pay, f.cipher);

  printf ("moneysocket %s core benchmark (best of 7 batches)\n", PACKAGE_VERSION);
  run ("REQUEST_PAY build + encode + encrypt", bench_request_pay_encode, &f);
  run ("REQUEST_PAY decrypt + decode", bench_request_pay_decode, &f);
  run ("beacon encode (1 wss location)", bench_beacon_encode, &f);
  run ("beacon decode (1 wss location)", bench_beacon_decode, &f);
  run ("seed -> rendezvous id (4 x SHA-256)", bench_derive, &f);
  run ("BOLT11 decode + signature recovery", bench_bolt11_decode, &f);

  g_bytes_unref (f.pay_frame);
  g_free (f.bolt11);
  ms_cipher_free (f.cipher);
  g_free (f.beacon_str);
  ms_beacon_unref (f.beacon);

  return 0;
}
