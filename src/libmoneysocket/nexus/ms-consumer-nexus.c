/* ms-consumer-nexus.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "ms-consumer-nexus.h"
#include "ms-nexus-private.h"

/* Pings older than this are forgotten: their pongs will not come. */
#define PING_FORGET_US (60 * G_USEC_PER_SEC)

struct _MsConsumerNexus
{
  MsNexus         parent_instance;

  MsProviderInfo *provider_info;
  GHashTable     *pings;           /* request uuid → monotonic send time */
  guint           ping_interval_ms;
  guint           ping_source;
  guint           provider_ready : 1;
  guint           requested : 1;
};

G_DEFINE_FINAL_TYPE (MsConsumerNexus, ms_consumer_nexus, MS_TYPE_NEXUS)

enum {
  PROP_0,
  PROP_PROVIDER_INFO,
  PROP_PROVIDER_READY,
  N_PROPS
};

enum {
  PROVIDER_INFO,
  PONG,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
ping_timeout_cb (gpointer user_data)
{
  ms_consumer_nexus_ping (MS_CONSUMER_NEXUS (user_data));
  return G_SOURCE_CONTINUE;
}

static void
start_pinging (MsConsumerNexus *self)
{
  g_clear_handle_id (&self->ping_source, g_source_remove);
  if (self->ping_interval_ms == 0 || ms_nexus_is_closed (MS_NEXUS (self)))
    return;

  /* PROTOCOL.md 7.2: the JS consumer pings right after the handshake and then
   * every 3000 ms; the provider answers every ping at once. */
  ms_consumer_nexus_ping (self);
  self->ping_source = g_timeout_add (self->ping_interval_ms, ping_timeout_cb, self);
}

/* PROTOCOL.md 7.2: "A Consumer MUST send REQUEST_PROVIDER only once per connection". */
static void
ms_consumer_nexus_start (MsNexus *nexus)
{
  MsConsumerNexus *self = MS_CONSUMER_NEXUS (nexus);
  g_autoptr(MsMessage) request = NULL;

  if (self->requested)
    return;

  self->requested = TRUE;
  request = ms_message_new_request_provider ();
  ms_nexus_send (nexus, request);
}

static void
handle_provider (MsConsumerNexus *self,
                 MsMessage       *message)
{
  g_autoptr(MsProviderInfo) info = ms_provider_info_new_from_message (message);

  g_clear_pointer (&self->provider_info, ms_provider_info_unref);
  self->provider_info = g_steal_pointer (&info);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER_INFO]);

  if (!self->provider_ready)
    {
      self->provider_ready = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER_READY]);
    }

  g_signal_emit (self, signals[PROVIDER_INFO], 0, self->provider_info);

  /* The first NOTIFY_PROVIDER completes the handshake; later ones are updates. */
  if (!ms_nexus_get_ready (MS_NEXUS (self)))
    {
      _ms_nexus_set_ready (MS_NEXUS (self));
      start_pinging (self);
    }
}

static void
handle_pong (MsConsumerNexus *self,
             MsMessage       *message)
{
  const char *ref = ms_message_get_request_reference_uuid (message);
  const gint64 *sent;

  /* Consumers ignore answers to requests they did not make (PROTOCOL.md 11.4). */
  if (ref == NULL || (sent = g_hash_table_lookup (self->pings, ref)) == NULL)
    return;

  g_signal_emit (self, signals[PONG], 0, (guint64) (g_get_monotonic_time () - *sent));
  g_hash_table_remove (self->pings, ref);
}

static gboolean
ms_consumer_nexus_handle_message (MsNexus   *nexus,
                                  MsMessage *message)
{
  MsConsumerNexus *self = MS_CONSUMER_NEXUS (nexus);

  switch (ms_message_get_message_type (message))
    {
    case MS_MESSAGE_NOTIFY_PROVIDER:
      handle_provider (self, message);
      return TRUE;

    case MS_MESSAGE_NOTIFY_PROVIDER_NOT_READY:
      /* PROTOCOL.md 7.2: "Consumer just waits (no timeout, no retry)". */
      if (self->provider_ready)
        {
          self->provider_ready = FALSE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER_READY]);
        }
      return TRUE;

    case MS_MESSAGE_NOTIFY_PONG:
      handle_pong (self, message);
      return TRUE;

    case MS_MESSAGE_REQUEST_RENDEZVOUS:
    case MS_MESSAGE_REQUEST_PROVIDER:
    case MS_MESSAGE_REQUEST_PING:
    case MS_MESSAGE_REQUEST_INVOICE:
    case MS_MESSAGE_REQUEST_PAY:
    case MS_MESSAGE_REQUEST_OPINION_SELLER:
    case MS_MESSAGE_REQUEST_OPINION_INVOICE:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY:
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_END:
    case MS_MESSAGE_NOTIFY_INVOICE:
    case MS_MESSAGE_NOTIFY_PREIMAGE:
    case MS_MESSAGE_NOTIFY_ERROR:
    case MS_MESSAGE_NOTIFY_OPINION_SELLER:
    case MS_MESSAGE_NOTIFY_OPINION_SELLER_NOT_READY:
    case MS_MESSAGE_NOTIFY_OPINION_INVOICE:
    case MS_MESSAGE_NOTIFY_OPINION:
      /* Before the handshake there is nothing above to hand these to. */
      return !ms_nexus_get_ready (nexus);
    }

  return TRUE;
}

static void
ms_consumer_nexus_closed (MsNexus *nexus)
{
  MsConsumerNexus *self = MS_CONSUMER_NEXUS (nexus);

  g_clear_handle_id (&self->ping_source, g_source_remove);
  g_hash_table_remove_all (self->pings);
}

static void
ms_consumer_nexus_dispose (GObject *object)
{
  MsConsumerNexus *self = MS_CONSUMER_NEXUS (object);

  g_clear_handle_id (&self->ping_source, g_source_remove);

  G_OBJECT_CLASS (ms_consumer_nexus_parent_class)->dispose (object);
}

static void
ms_consumer_nexus_finalize (GObject *object)
{
  MsConsumerNexus *self = MS_CONSUMER_NEXUS (object);

  g_clear_pointer (&self->provider_info, ms_provider_info_unref);
  g_clear_pointer (&self->pings, g_hash_table_unref);

  G_OBJECT_CLASS (ms_consumer_nexus_parent_class)->finalize (object);
}

static void
ms_consumer_nexus_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MsConsumerNexus *self = MS_CONSUMER_NEXUS (object);

  switch (prop_id)
    {
    case PROP_PROVIDER_INFO:
      g_value_set_boxed (value, self->provider_info);
      break;
    case PROP_PROVIDER_READY:
      g_value_set_boolean (value, self->provider_ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_consumer_nexus_class_init (MsConsumerNexusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MsNexusClass *nexus_class = MS_NEXUS_CLASS (klass);

  object_class->dispose = ms_consumer_nexus_dispose;
  object_class->finalize = ms_consumer_nexus_finalize;
  object_class->get_property = ms_consumer_nexus_get_property;

  nexus_class->start = ms_consumer_nexus_start;
  nexus_class->handle_message = ms_consumer_nexus_handle_message;
  nexus_class->closed = ms_consumer_nexus_closed;

  properties[PROP_PROVIDER_INFO] =
    g_param_spec_boxed ("provider-info", NULL, NULL, MS_TYPE_PROVIDER_INFO,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROVIDER_READY] =
    g_param_spec_boolean ("provider-ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MsConsumerNexus::provider-info:
   * @info: the provider info of a NOTIFY_PROVIDER, first or later
   */
  signals[PROVIDER_INFO] = g_signal_new ("provider-info", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, MS_TYPE_PROVIDER_INFO);
  /**
   * MsConsumerNexus::pong:
   * @latency_us: round trip of one REQUEST_PING, in microseconds
   */
  signals[PONG] = g_signal_new ("pong", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
}

static void
ms_consumer_nexus_init (MsConsumerNexus *self)
{
  self->pings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->ping_interval_ms = MS_CONSUMER_NEXUS_DEFAULT_PING_INTERVAL_MS;
}

/* The latest provider info, or NULL before the handshake. */
MsProviderInfo *
ms_consumer_nexus_get_provider_info (MsConsumerNexus *self)
{
  g_return_val_if_fail (MS_IS_CONSUMER_NEXUS (self), NULL);

  return self->provider_info;
}

gboolean
ms_consumer_nexus_get_provider_ready (MsConsumerNexus *self)
{
  g_return_val_if_fail (MS_IS_CONSUMER_NEXUS (self), FALSE);

  return self->provider_ready;
}

/* PROTOCOL.md 9.4: "a Consumer MAY send REQUEST_PING periodically (≥ 1 s apart)"; 0 stops. */
void
ms_consumer_nexus_set_ping_interval (MsConsumerNexus *self,
                                     guint            interval_ms)
{
  g_return_if_fail (MS_IS_CONSUMER_NEXUS (self));
  g_return_if_fail (interval_ms == 0 || interval_ms >= 1000);

  self->ping_interval_ms = interval_ms;
  if (ms_nexus_get_ready (MS_NEXUS (self)))
    start_pinging (self);
}

void
ms_consumer_nexus_ping (MsConsumerNexus *self)
{
  g_autoptr(MsMessage) ping = NULL;
  GHashTableIter iter;
  gpointer sent;
  gint64 now = g_get_monotonic_time ();
  gint64 *stamp;

  g_return_if_fail (MS_IS_CONSUMER_NEXUS (self));

  if (ms_nexus_is_closed (MS_NEXUS (self)))
    return;

  g_hash_table_iter_init (&iter, self->pings);
  while (g_hash_table_iter_next (&iter, NULL, &sent))
    if (now - *(gint64 *) sent > PING_FORGET_US)
      g_hash_table_iter_remove (&iter);

  ping = ms_message_new_request_ping ();
  stamp = g_new (gint64, 1);
  *stamp = now;
  g_hash_table_insert (self->pings, g_strdup (ms_message_get_uuid (ping)), stamp);
  ms_nexus_send (MS_NEXUS (self), ping);
}
