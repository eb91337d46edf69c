/* bench-relay.c: a load generator for any Moneysocket relay
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 *
 * Not a test: it prints figures for the README. N pairs rendezvous at the
 * relay; in each pair one side sends 448-byte frames (a window of W in
 * flight) and the other echoes them, so every round trip is two relayed
 * frames. Reports relayed frames/s, round-trip p50/p99, pair setup time,
 * and the relay's RSS (idle, and per pair) when it runs on this machine.
 *
 *   bench-relay --url ws://127.0.0.1:11060 --relay-pid PID --pairs 100 --window 16
 *   bench-relay --spawn path/to/moneysocket-relay ...    (starts one itself)
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "bench-util.h"
#include "moneysocket.h"

typedef struct _Bench Bench;

typedef struct
{
  Bench          *bench;
  MsWsConnection *a;
  MsWsConnection *b;
  guint           a_paired : 1;
  guint           b_paired : 1;
  guint           running : 1;
  gint64          setup_start;
  guint           in_flight;
} Pair;

struct _Bench
{
  char       *url;
  GPid        relay_pid;
  guint       n_pairs;
  guint       window;
  gsize       frame_size;
  guint       seconds;

  Pair       *pairs;
  guint       n_connected;
  guint       n_paired;
  guint       n_failed;
  GArray     *setup_us;
  GArray     *rtt_us;
  guint64     n_round_trips;
  gboolean    measuring;
  gboolean    stop;
  guint       connects_in_flight;
  guint       next_to_connect;
};

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

static guint64
relay_rss_kb (Bench *bench)
{
  g_autofree char *path = NULL;
  g_autofree char *status = NULL;
  const char *line;

  if (bench->relay_pid <= 0)
    return 0;

  path = g_strdup_printf ("/proc/%d/status", bench->relay_pid);
  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

static void record_setup (Pair *pair);

static void
send_probe (Pair *pair)
{
  Bench *bench = pair->bench;
  g_autofree guint8 *frame = g_malloc0 (bench->frame_size);
  gint64 t = now_us ();

  memcpy (frame, &t, sizeof t);
  ms_ws_connection_send (pair->a, frame, bench->frame_size);
  pair->in_flight++;
}

/* B echoes whatever it gets, as a peer answering requests would. */
static void
b_message_cb (MsWsConnection *connection,
              const guint8   *data,
              gsize           len,
              gpointer        user_data)
{
  Pair *pair = user_data;

  if (!pair->b_paired)
    {
      pair->b_paired = TRUE;
      if (pair->a_paired)
        record_setup (pair);
      return;
    }

  ms_ws_connection_send (connection, data, len);
}

static void
a_message_cb (MsWsConnection *connection,
              const guint8   *data,
              gsize           len,
              gpointer        user_data)
{
  Pair *pair = user_data;
  Bench *bench = pair->bench;
  gint64 sent;

  if (!pair->a_paired)
    {
      g_autoptr(MsMessage) message = ms_frame_decode (data, len, NULL, NULL);

      /* NOT_READY first, then NOTIFY_RENDEZVOUS once B arrives. */
      if (message != NULL &&
          ms_message_get_message_type (message) == MS_MESSAGE_NOTIFY_RENDEZVOUS)
        {
          pair->a_paired = TRUE;
          if (pair->b_paired)
            record_setup (pair);
        }
      return;
    }

  if (len < sizeof sent)
    return;

  pair->in_flight--;
  memcpy (&sent, data, sizeof sent);
  if (bench->measuring)
    {
      gint64 rtt = now_us () - sent;

      bench->n_round_trips++;
      if (bench->rtt_us->len < 2000000)
        g_array_append_val (bench->rtt_us, rtt);
    }

  if (pair->running && !bench->stop)
    send_probe (pair);
}

static void
send_rendezvous (MsWsConnection *connection,
                 const char     *rid)
{
  g_autoptr(MsMessage) request = ms_message_new_request_rendezvous (rid);
  g_autoptr(GBytes) frame = ms_frame_encode (request, NULL);

  ms_ws_connection_send_bytes (connection, frame);
}

static void connect_more (Bench *bench);

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pair *pair = user_data;
  Bench *bench = pair->bench;
  g_autoptr(GError) error = NULL;
  MsWsConnection *connection = ms_ws_connect_finish (result, &error);

  bench->connects_in_flight--;
  if (connection == NULL)
    {
      bench->n_failed++;
      if (bench->n_failed <= 3)
        g_printerr ("connect failed: %s\n", error->message);
      connect_more (bench);
      return;
    }

  bench->n_connected++;
  if (pair->a == NULL)
    pair->a = connection;
  else
    pair->b = connection;

  if (pair->a != NULL && pair->b != NULL)
    {
      g_autoptr(MsSharedSeed) seed = ms_shared_seed_new_random ();
      char rid[MS_RENDEZVOUS_ID_HEX_LEN + 1];

      ms_shared_seed_rendezvous_id_hex (seed, rid);
      ms_ws_connection_set_message_func (pair->a, a_message_cb, pair, NULL);
      ms_ws_connection_set_message_func (pair->b, b_message_cb, pair, NULL);
      send_rendezvous (pair->a, rid);
      send_rendezvous (pair->b, rid);
    }

  connect_more (bench);
}

/*
 * The first pairs are set up one at a time (both sides at once, as real
 * peers do) so that their setup time is a latency, not a queue; pair 0 only
 * warms up. The rest go 64 connections at a time.
 */
#define SERIAL_PAIRS 51

static guint
max_in_flight (Bench *bench)
{
  return bench->next_to_connect < 2 * SERIAL_PAIRS ? 2 : 64;
}

static void
record_setup (Pair *pair)
{
  Bench *bench = pair->bench;
  gint64 setup = now_us () - pair->setup_start;

  bench->n_paired++;
  if (pair != &bench->pairs[0] && pair - bench->pairs < SERIAL_PAIRS)
    g_array_append_val (bench->setup_us, setup);
  connect_more (bench);
}

static void
connect_more (Bench *bench)
{
  /* Serial phase: the next pair starts once the previous one is paired. */
  if (bench->next_to_connect < 2 * SERIAL_PAIRS && bench->next_to_connect / 2 > bench->n_paired)
    return;

  while (bench->connects_in_flight < max_in_flight (bench) &&
         bench->next_to_connect < 2 * bench->n_pairs)
    {
      Pair *pair = &bench->pairs[bench->next_to_connect / 2];

      if (bench->next_to_connect % 2 == 0)
        pair->setup_start = now_us ();
      bench->next_to_connect++;
      bench->connects_in_flight++;
      ms_ws_connect_async (bench->url, NULL, NULL, connected_cb, pair);
    }
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
run_until (gboolean (*done) (Bench *),
           Bench    *bench,
           guint     timeout_ms)
{
  gint64 deadline = now_us () + (gint64) timeout_ms * 1000;
  guint wake = g_timeout_add (10, wake_cb, NULL);

  while (!done (bench) && now_us () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static gboolean
all_paired (Bench *bench)
{
  return bench->n_paired + bench->n_failed / 2 >= bench->n_pairs;
}

static gboolean
never (Bench *bench)
{
  return FALSE;
}

static void
close_all (Bench *bench)
{
  for (guint i = 0; i < bench->n_pairs; i++)
    {
      Pair *pair = &bench->pairs[i];

      if (pair->a != NULL)
        {
          ms_ws_connection_set_message_func (pair->a, NULL, NULL, NULL);
          ms_ws_connection_close (pair->a, MS_WS_CLOSE_NORMAL, NULL);
          g_clear_object (&pair->a);
        }
      if (pair->b != NULL)
        {
          ms_ws_connection_set_message_func (pair->b, NULL, NULL, NULL);
          ms_ws_connection_close (pair->b, MS_WS_CLOSE_NORMAL, NULL);
          g_clear_object (&pair->b);
        }
    }
}

static gboolean
drained (Bench *bench)
{
  for (guint i = 0; i < bench->n_pairs; i++)
    if (bench->pairs[i].in_flight > 0)
      return FALSE;
  return TRUE;
}

static GPid
spawn_relay (const char  *path,
             char       **url)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { path, "--port", "0", "--max-per-address", "0", NULL };
  GPid pid;
  gint out_fd;
  char line[256] = { 0 };
  gssize n;
  FILE *out;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &pid,
                                 NULL, &out_fd, NULL, &error))
    g_error ("cannot start %s: %s", path, error->message);

  out = fdopen (out_fd, "r");
  n = fgets (line, sizeof line, out) != NULL ? (gssize) strlen (line) : -1;
  if (n <= 0 || !g_str_has_prefix (line, "listening on "))
    g_error ("relay did not start: %s", line);
  g_strchomp (line);
  *url = g_strdup (line + strlen ("listening on "));
  return pid;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *spawn = NULL;
  gint n_pairs = 1;
  gint window = 1;
  gint frame_size = 448;
  gint seconds = 5;
  gint relay_pid = 0;
  gboolean hold = FALSE;
  Bench bench = { 0 };
  const GOptionEntry entries[] = {
    { "url", 'u', 0, G_OPTION_ARG_STRING, &bench.url, "Relay to load", "URL" },
    { "spawn", 's', 0, G_OPTION_ARG_FILENAME, &spawn, "Start this relay binary on a free port", "PATH" },
    { "relay-pid", 0, 0, G_OPTION_ARG_INT, &relay_pid, "Relay process, for its RSS", "PID" },
    { "pairs", 'n', 0, G_OPTION_ARG_INT, &n_pairs, "Pairs (default 1)", "N" },
    { "window", 'w', 0, G_OPTION_ARG_INT, &window, "Frames in flight per pair (default 1)", "W" },
    { "frame-size", 0, 0, G_OPTION_ARG_INT, &frame_size, "Frame payload bytes (default 448)", "B" },
    { "seconds", 't', 0, G_OPTION_ARG_INT, &seconds, "Measurement time (default 5)", "S" },
    { "hold", 0, 0, G_OPTION_ARG_NONE, &hold, "Only pair, hold, check a sample, report RSS", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  struct rlimit limit;
  guint64 rss_idle, rss_paired;
  gint64 start, elapsed;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 64;
    }

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }

  if (spawn != NULL)
    relay_pid = spawn_relay (spawn, &bench.url);
  if (bench.url == NULL)
    {
      g_printerr ("give --url or --spawn\n");
      return 64;
    }

  bench.relay_pid = relay_pid;
  bench.n_pairs = n_pairs;
  bench.window = window;
  bench.frame_size = MAX (frame_size, 8);
  bench.seconds = seconds;
  bench.pairs = g_new0 (Pair, n_pairs);
  bench.setup_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.rtt_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (gint i = 0; i < n_pairs; i++)
    bench.pairs[i].bench = &bench;

  g_usleep (200000);
  rss_idle = relay_rss_kb (&bench);

  start = now_us ();
  connect_more (&bench);
  run_until (all_paired, &bench, 120000);
  elapsed = now_us () - start;
  if (bench.n_paired < bench.n_pairs)
    g_printerr ("only %u of %u pairs formed (%u connections failed)\n", bench.n_paired,
                bench.n_pairs, bench.n_failed);

  g_usleep (300000);
  rss_paired = relay_rss_kb (&bench);

  printf ("pairs %u  window %u  frame %zu B\n", bench.n_pairs, bench.window, bench.frame_size);
  if (bench.setup_us->len > 0)
    printf ("  pairs formed          %u in %.2f s; setup (serial sample of %u) p50 %.0f µs, "
            "p99 %.0f µs\n", bench.n_paired, elapsed / 1e6, bench.setup_us->len,
            bench_percentile (bench.setup_us, 0.5), bench_percentile (bench.setup_us, 0.99));
  else
    printf ("  pairs formed          %u in %.2f s (the first pair only warms up)\n",
            bench.n_paired, elapsed / 1e6);
  if (relay_pid > 0)
    printf ("  relay RSS             idle %" G_GUINT64_FORMAT " kB, with pairs %" G_GUINT64_FORMAT
            " kB, %.2f kB per pair\n", rss_idle, rss_paired,
            bench.n_paired > 0 ? (double) (rss_paired - rss_idle) / bench.n_paired : 0.0);

  /* Each pair echoes a window of frames for the measurement time. */
  bench.measuring = TRUE;
  start = now_us ();
  for (guint i = 0; i < bench.n_pairs; i++)
    {
      Pair *pair = &bench.pairs[i];

      if (!pair->a_paired || !pair->b_paired)
        continue;
      pair->running = TRUE;
      for (guint w = 0; w < (hold ? 1 : bench.window); w++)
        send_probe (pair);
      if (hold)
        pair->running = FALSE;
    }

  if (hold)
    {
      run_until (drained, &bench, 30000);
      printf ("  held                  %u sockets; %" G_GUINT64_FORMAT " of %u pairs answered a "
              "frame after pairing\n", 2 * bench.n_paired, bench.n_round_trips, bench.n_paired);
    }
  else
    {
      run_until (never, &bench, bench.seconds * 1000);
      elapsed = now_us () - start;
      bench.stop = TRUE;
      bench.measuring = FALSE;
      printf ("  relayed frames/s      %.0f\n", 2.0 * bench.n_round_trips / (elapsed / 1e6));
      printf ("  round trip            p50 %.0f µs, p99 %.0f µs (%" G_GUINT64_FORMAT " samples)\n",
              bench_percentile (bench.rtt_us, 0.5), bench_percentile (bench.rtt_us, 0.99),
              bench.n_round_trips);
      run_until (drained, &bench, 5000);
    }

  close_all (&bench);
  run_until (never, &bench, 200);
  if (spawn != NULL)
    {
      kill (relay_pid, SIGTERM);
      g_spawn_close_pid (relay_pid);
    }

  g_array_unref (bench.setup_us);
  g_array_unref (bench.rtt_us);
  g_free (bench.pairs);
  g_free (bench.url);
  return 0;
}
