/* test-matchmaker.c: pairing and forwarding over in-process channels
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "test-util.h"

/* One side of a channel pair, as a peer of the matchmaker would see it. */
typedef struct
{
  MsChannel *channel;
  GPtrArray *frames;   /* GBytes received */
  gboolean   closed;
} RawPeer;

static void
raw_receive_cb (MsChannel    *channel,
                const guint8 *data,
                gsize         len,
                gpointer      user_data)
{
  RawPeer *peer = user_data;

  g_ptr_array_add (peer->frames, g_bytes_new (data, len));
}

static void
raw_closed_cb (MsChannel *channel,
               RawPeer   *peer)
{
  peer->closed = TRUE;
}

static RawPeer *
raw_peer_new (MsMatchmaker *matchmaker)
{
  RawPeer *peer = g_new0 (RawPeer, 1);
  g_autoptr(MsChannel) theirs = NULL;

  ms_channel_new_pair (&peer->channel, &theirs);
  peer->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  ms_channel_set_receive_func (peer->channel, raw_receive_cb, peer, NULL);
  g_signal_connect (peer->channel, "closed", G_CALLBACK (raw_closed_cb), peer);
  ms_matchmaker_add_channel (matchmaker, theirs);

  return peer;
}

static void
raw_peer_free (RawPeer *peer)
{
  g_signal_handlers_disconnect_by_data (peer->channel, peer);
  g_object_unref (peer->channel);
  g_ptr_array_unref (peer->frames);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawPeer, raw_peer_free)

static char *
send_rendezvous (RawPeer    *peer,
                 const char *rid)
{
  g_autoptr(MsMessage) request = ms_message_new_request_rendezvous (rid);
  g_autoptr(GBytes) frame = ms_frame_encode (request, NULL);

  ms_channel_send (peer->channel, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  return g_strdup (ms_message_get_uuid (request));
}

static MsMessage *
frame_message (RawPeer *peer,
               guint    index)
{
  GBytes *frame;
  g_autoptr(GError) error = NULL;
  MsMessage *message;

  g_assert_cmpuint (index, <, peer->frames->len);
  frame = g_ptr_array_index (peer->frames, index);
  message = ms_frame_decode (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame), NULL,
                             &error);
  g_assert_no_error (error);
  return message;
}

static const char rid_a[] = "8546905cd59ef3bd899ec68d9552b910ea14ce25cd7cadedccb67b9f2b7def3b";
static const char rid_b[] = "2acc58b612ab45f732bd60b9eb91910918d74ba3107800fea034d80f4171edb6";

static void
test_pairing (void)
{
  g_autoptr(MsMatchmaker) matchmaker = ms_matchmaker_new ();
  g_autoptr(RawPeer) a = raw_peer_new (matchmaker);
  g_autoptr(RawPeer) b = raw_peer_new (matchmaker);
  g_autoptr(RawPeer) other = raw_peer_new (matchmaker);
  g_autofree char *uuid_a = send_rendezvous (a, rid_a);
  g_autofree char *uuid_b = NULL;
  g_autofree char *uuid_other = send_rendezvous (other, rid_b);
  g_autoptr(MsMessage) m = NULL;

  /* PROTOCOL.md 10.1 rule 3: the first one waits. */
  MS_TEST_WAIT_UNTIL (a->frames->len == 1 && other->frames->len == 1, 2000);
  m = frame_message (a, 0);
  g_assert_cmpint (ms_message_get_message_type (m), ==, MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY);
  g_assert_cmpstr (ms_message_get_request_reference_uuid (m), ==, uuid_a);
  g_assert_cmpstr (ms_message_get_rendezvous_id (m), ==, rid_a);
  g_assert_cmpuint (ms_matchmaker_get_n_waiting (matchmaker), ==, 2);
  g_clear_pointer (&m, ms_message_unref);

  /* Rule 2: the second pairs; each gets NOTIFY_RENDEZVOUS for its own request. */
  uuid_b = send_rendezvous (b, rid_a);
  MS_TEST_WAIT_UNTIL (a->frames->len == 2 && b->frames->len == 1, 2000);
  m = frame_message (b, 0);
  g_assert_cmpint (ms_message_get_message_type (m), ==, MS_MESSAGE_NOTIFY_RENDEZVOUS);
  g_assert_cmpstr (ms_message_get_request_reference_uuid (m), ==, uuid_b);
  g_clear_pointer (&m, ms_message_unref);
  m = frame_message (a, 1);
  g_assert_cmpint (ms_message_get_message_type (m), ==, MS_MESSAGE_NOTIFY_RENDEZVOUS);
  g_assert_cmpstr (ms_message_get_request_reference_uuid (m), ==, uuid_a);
  g_assert_cmpuint (ms_matchmaker_get_n_waiting (matchmaker), ==, 1);
  g_assert_cmpuint (ms_matchmaker_get_n_pairs (matchmaker), ==, 1);
  g_assert_cmpuint (ms_matchmaker_get_n_pairings (matchmaker), ==, 1);

  /* The unrelated id is still waiting, untouched. */
  g_assert_cmpuint (other->frames->len, ==, 1);
  g_assert_false (other->closed);
}

static void
test_forwarding (void)
{
  g_autoptr(MsMatchmaker) matchmaker = ms_matchmaker_new ();
  g_autoptr(RawPeer) a = raw_peer_new (matchmaker);
  g_autoptr(RawPeer) b = raw_peer_new (matchmaker);
  g_autofree char *uuid_a = send_rendezvous (a, rid_a);
  g_autofree char *uuid_b = send_rendezvous (b, rid_a);
  guint8 frame[300];

  MS_TEST_WAIT_UNTIL (a->frames->len == 2 && b->frames->len == 1, 2000);

  /* PROTOCOL.md 10.2: byte for byte, in order, whatever the bytes are. */
  for (guint i = 0; i < 100; i++)
    {
      for (guint j = 0; j < sizeof frame; j++)
        frame[j] = (guint8) (i * 31 + j);
      ms_channel_send (a->channel, frame, 1 + i * 2);
    }
  ms_channel_send (b->channel, (const guint8 *) "back", 4);

  MS_TEST_WAIT_UNTIL (b->frames->len == 101 && a->frames->len == 3, 2000);
  for (guint i = 0; i < 100; i++)
    {
      GBytes *got = g_ptr_array_index (b->frames, i + 1);

      for (guint j = 0; j < sizeof frame; j++)
        frame[j] = (guint8) (i * 31 + j);
      g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), frame, 1 + i * 2);
    }
  g_assert_cmpmem (g_bytes_get_data (g_ptr_array_index (a->frames, 2), NULL), 4, "back", 4);
  g_assert_cmpuint (ms_matchmaker_get_n_forwarded (matchmaker), ==, 101);
}

static void
test_third_socket (void)
{
  g_autoptr(MsMatchmaker) matchmaker = ms_matchmaker_new ();
  g_autoptr(RawPeer) a = raw_peer_new (matchmaker);
  g_autoptr(RawPeer) b = raw_peer_new (matchmaker);
  g_autoptr(RawPeer) c = raw_peer_new (matchmaker);
  g_autofree char *uuid_a = send_rendezvous (a, rid_a);
  g_autofree char *uuid_b = send_rendezvous (b, rid_a);
  g_autofree char *uuid_c = NULL;

  MS_TEST_WAIT_UNTIL (a->frames->len == 2 && b->frames->len == 1, 2000);

  /* PROTOCOL.md 10.3: closed, told nothing; the pair is unaffected. */
  uuid_c = send_rendezvous (c, rid_a);
  MS_TEST_WAIT_UNTIL (c->closed, 2000);
  g_assert_cmpuint (c->frames->len, ==, 0);
  g_assert_cmpuint (ms_matchmaker_get_n_refused (matchmaker), ==, 1);

  ms_channel_send (a->channel, (const guint8 *) "still", 5);
  MS_TEST_WAIT_UNTIL (b->frames->len == 2, 2000);
  g_assert_false (a->closed);
  g_assert_false (b->closed);
  g_assert_cmpuint (ms_matchmaker_get_n_pairs (matchmaker), ==, 1);
}

static void
test_leave (void)
{
  g_autoptr(MsMatchmaker) matchmaker = ms_matchmaker_new ();
  g_autoptr(RawPeer) a = raw_peer_new (matchmaker);
  g_autoptr(RawPeer) b = raw_peer_new (matchmaker);
  g_autoptr(RawPeer) c = NULL;
  g_autoptr(RawPeer) d = NULL;
  g_autofree char *uuid_a = send_rendezvous (a, rid_a);
  g_autofree char *uuid_b = send_rendezvous (b, rid_a);
  g_autofree char *uuid_c = NULL;
  g_autofree char *uuid_d = NULL;
  g_autoptr(MsMessage) end = NULL;

  MS_TEST_WAIT_UNTIL (a->frames->len == 2 && b->frames->len == 1, 2000);

  /* PROTOCOL.md 9.5: END (null reference) to the other, then it is closed. */
  ms_channel_close (a->channel, MS_WS_CLOSE_NORMAL, NULL);
  MS_TEST_WAIT_UNTIL (b->closed, 2000);
  g_assert_cmpuint (b->frames->len, ==, 2);
  end = frame_message (b, 1);
  g_assert_cmpint (ms_message_get_message_type (end), ==, MS_MESSAGE_NOTIFY_RENDEZVOUS_END);
  g_assert_null (ms_message_get_request_reference_uuid (end));
  g_assert_cmpstr (ms_message_get_rendezvous_id (end), ==, rid_a);
  g_assert_cmpuint (ms_matchmaker_get_n_pairs (matchmaker), ==, 0);
  MS_TEST_WAIT_UNTIL (ms_matchmaker_get_n_channels (matchmaker) == 0, 2000);

  /* The id can be used again once both have left. */
  c = raw_peer_new (matchmaker);
  d = raw_peer_new (matchmaker);
  uuid_c = send_rendezvous (c, rid_a);
  uuid_d = send_rendezvous (d, rid_a);
  MS_TEST_WAIT_UNTIL (c->frames->len == 2 && d->frames->len == 1, 2000);
  g_assert_cmpuint (ms_matchmaker_get_n_pairings (matchmaker), ==, 2);
}

static void
test_garbage (void)
{
  g_autoptr(MsMatchmaker) matchmaker = ms_matchmaker_new ();
  g_autoptr(RawPeer) garbage = raw_peer_new (matchmaker);
  g_autoptr(RawPeer) bad_rid = raw_peer_new (matchmaker);
  g_autoptr(RawPeer) waiting = raw_peer_new (matchmaker);
  g_autofree char *uuid = send_rendezvous (waiting, rid_a);
  g_autoptr(MsMessage) short_rid = ms_message_new_request_rendezvous (rid_b);
  g_autofree char *json = NULL;
  char *p;

  /* Garbage before any rendezvous drops that socket only. */
  ms_channel_send (garbage->channel, (const guint8 *) "\x00\xff garbage", 10);

  /* A REQUEST_RENDEZVOUS with a 63-character id is not a valid message. */
  json = ms_message_to_json (short_rid);
  p = strstr (json, rid_b);
  memmove (p + 62, p + 63, strlen (p + 63) + 1);
  ms_channel_send (bad_rid->channel, (const guint8 *) json, strlen (json));

  MS_TEST_WAIT_UNTIL (garbage->closed && bad_rid->closed && waiting->frames->len == 1, 2000);
  g_assert_cmpuint (garbage->frames->len, ==, 0);
  g_assert_cmpuint (bad_rid->frames->len, ==, 0);

  /* A waiting socket's early frames are dropped, the socket kept (10.1). */
  ms_channel_send (waiting->channel, (const guint8 *) "early", 5);
  ms_test_run_for (50);
  g_assert_false (waiting->closed);
  g_assert_cmpuint (ms_matchmaker_get_n_waiting (matchmaker), ==, 1);
  g_assert_cmpuint (ms_matchmaker_get_n_dropped (matchmaker), ==, 3);

  /* A second REQUEST_RENDEZVOUS on the same socket is ignored. */
  g_free (send_rendezvous (waiting, rid_a));
  ms_test_run_for (50);
  g_assert_cmpuint (waiting->frames->len, ==, 1);
  g_assert_cmpuint (ms_matchmaker_get_n_pairs (matchmaker), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/matchmaker/pairing", test_pairing);
  g_test_add_func ("/ms/matchmaker/forwarding", test_forwarding);
  g_test_add_func ("/ms/matchmaker/third-socket", test_third_socket);
  g_test_add_func ("/ms/matchmaker/leave", test_leave);
  g_test_add_func ("/ms/matchmaker/garbage", test_garbage);

  return g_test_run ();
}
