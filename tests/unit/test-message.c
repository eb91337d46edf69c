/* test-message.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "test-util.h"

#define RID     "8546905cd59ef3bd899ec68d9552b910ea14ce25cd7cadedccb67b9f2b7def3b"
#define UUID_A  "5eed0000-0000-4000-8000-000000000001"
#define UUID_B  "a5b32936-3143-4856-bdea-7b3dda7aa5e8"
#define BOLT11  "lnbc2500u1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs"
#define PREIMAGE "0101010101010101010101010101010101010101010101010101010101010101"

#define HEAD_REQ(name) \
  "{\"timestamp\":1612345678.901,\"protocol\":\"Moneysocket\",\"protocol_version\":\"0.0.0\"," \
  "\"message_class\":\"REQUEST\",\"request_uuid\":\"" UUID_A "\",\"request_name\":\"" name "\""
#define HEAD_NOTE(name) \
  "{\"timestamp\":1612345678.901,\"protocol\":\"Moneysocket\",\"protocol_version\":\"0.0.0\"," \
  "\"message_class\":\"NOTIFICATION\",\"notification_uuid\":\"" UUID_B "\"," \
  "\"request_reference_uuid\":\"" UUID_A "\",\"notification_name\":\"" name "\""
#define WAD_BTC \
  "{\"msats\":1000,\"asset_stable\":false,\"asset_units\":1000,\"code\":\"BTC\"," \
  "\"countries\":\"All\",\"decimals\":0,\"iso_num\":null,\"name\":\"Bitcoin\",\"symbol\":\"₿\"}"

static MsMessage *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  MsMessage *message = ms_message_parse (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);
  return message;
}

static void
assert_json (MsMessage  *message,
             const char *expected)
{
  g_autofree char *json = ms_message_to_json (message);

  g_assert_cmpstr (json, ==, expected);
}

static void
test_types (void)
{
  guint n_clear = 0;

  for (MsMessageType t = 0; t < MS_MESSAGE_N_TYPES; t++)
    {
      const char *name = ms_message_type_to_name (t);
      MsMessageType back;

      g_assert_true (ms_message_type_from_name (name, &back));
      g_assert_cmpint (back, ==, t);
      g_assert_cmpint (ms_message_type_get_class (t), ==,
                       g_str_has_prefix (name, "REQUEST_") ? MS_MESSAGE_CLASS_REQUEST
                                                           : MS_MESSAGE_CLASS_NOTIFICATION);
      n_clear += ms_message_type_is_cleartext (t);
    }

  /* PROTOCOL.md 5.4: the four rendezvous messages, no others. */
  g_assert_cmpuint (n_clear, ==, 4);
  g_assert_true (ms_message_type_is_cleartext (MS_MESSAGE_REQUEST_RENDEZVOUS));
  g_assert_true (ms_message_type_is_cleartext (MS_MESSAGE_NOTIFY_RENDEZVOUS));
  g_assert_true (ms_message_type_is_cleartext (MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY));
  g_assert_true (ms_message_type_is_cleartext (MS_MESSAGE_NOTIFY_RENDEZVOUS_END));
  g_assert_false (ms_message_type_is_cleartext (MS_MESSAGE_REQUEST_PING));
  g_assert_false (ms_message_type_is_cleartext (MS_MESSAGE_NOTIFY_ERROR));

  g_assert_false (ms_message_type_from_name ("NOTIFY_PING", NULL));
  g_assert_false (ms_message_type_from_name ("REQUEST_PAYX", NULL));
  g_assert_false (ms_message_type_from_name ("REQUEST_PA", NULL));
  g_assert_false (ms_message_type_from_name ("", NULL));
}

static MsMessage *
build (MsMessageType type)
{
  static const MsOpinionItem items[] = {
    { "hello", "Hello World", 1000 }, { "time", "Current \"Timestamp\"", 2000 },
  };
  g_autoptr(MsWad) wad = ms_wad_new_bitcoin (1000);

  switch (type)
    {
    case MS_MESSAGE_REQUEST_RENDEZVOUS:
      return ms_message_new_request_rendezvous (RID);
    case MS_MESSAGE_REQUEST_PROVIDER:
      return ms_message_new_request_provider ();
    case MS_MESSAGE_REQUEST_PING:
      return ms_message_new_request_ping ();
    case MS_MESSAGE_REQUEST_INVOICE:
      return ms_message_new_request_invoice (250000000);
    case MS_MESSAGE_REQUEST_PAY:
      return ms_message_new_request_pay (BOLT11);
    case MS_MESSAGE_REQUEST_OPINION_SELLER:
      return ms_message_new_request_opinion_seller ();
    case MS_MESSAGE_REQUEST_OPINION_INVOICE:
      return ms_message_new_request_opinion_invoice ("outlook");
    case MS_MESSAGE_NOTIFY_RENDEZVOUS:
      return ms_message_new_notify_rendezvous (UUID_A, RID);
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY:
      return ms_message_new_notify_rendezvous_not_ready (UUID_A, RID);
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_END:
      return ms_message_new_notify_rendezvous_end (NULL, RID);
    case MS_MESSAGE_NOTIFY_PROVIDER:
      return ms_message_new_notify_provider (UUID_A, UUID_B, TRUE, FALSE, wad);
    case MS_MESSAGE_NOTIFY_PROVIDER_NOT_READY:
      return ms_message_new_notify_provider_not_ready (UUID_A);
    case MS_MESSAGE_NOTIFY_PONG:
      return ms_message_new_notify_pong (UUID_A);
    case MS_MESSAGE_NOTIFY_INVOICE:
      return ms_message_new_notify_invoice (UUID_A, BOLT11);
    case MS_MESSAGE_NOTIFY_PREIMAGE:
      return ms_message_new_notify_preimage (NULL, PREIMAGE, "x\ny");
    case MS_MESSAGE_NOTIFY_ERROR:
      return ms_message_new_notify_error (UUID_A, "insufficent account balance");
    case MS_MESSAGE_NOTIFY_OPINION_SELLER:
      return ms_message_new_notify_opinion_seller (UUID_A, UUID_B, items, G_N_ELEMENTS (items));
    case MS_MESSAGE_NOTIFY_OPINION_SELLER_NOT_READY:
      return ms_message_new_notify_opinion_seller_not_ready (UUID_A);
    case MS_MESSAGE_NOTIFY_OPINION_INVOICE:
      return ms_message_new_notify_opinion_invoice (UUID_A, "not checked");
    case MS_MESSAGE_NOTIFY_OPINION:
      return ms_message_new_notify_opinion (UUID_A, "outlook", "Bullish");
    }
  g_assert_not_reached ();
}

static void
assert_fields_equal (MsMessage *a,
                     MsMessage *b)
{
  g_assert_cmpint (ms_message_get_message_type (a), ==, ms_message_get_message_type (b));
  g_assert_cmpfloat (ms_message_get_timestamp (a), ==, ms_message_get_timestamp (b));
  g_assert_cmpstr (ms_message_get_uuid (a), ==, ms_message_get_uuid (b));
  g_assert_cmpstr (ms_message_get_request_reference_uuid (a), ==,
                   ms_message_get_request_reference_uuid (b));
  g_assert_cmpstr (ms_message_get_protocol_version (a), ==, ms_message_get_protocol_version (b));
  g_assert_cmpstr (ms_message_get_rendezvous_id (a), ==, ms_message_get_rendezvous_id (b));
  g_assert_cmpuint (ms_message_get_msats (a), ==, ms_message_get_msats (b));
  g_assert_cmpstr (ms_message_get_bolt11 (a), ==, ms_message_get_bolt11 (b));
  g_assert_cmpstr (ms_message_get_preimage (a), ==, ms_message_get_preimage (b));
  g_assert_cmpstr (ms_message_get_ext (a), ==, ms_message_get_ext (b));
  g_assert_cmpstr (ms_message_get_error_msg (a), ==, ms_message_get_error_msg (b));
  g_assert_cmpstr (ms_message_get_account_uuid (a), ==, ms_message_get_account_uuid (b));
  g_assert_cmpint (ms_message_get_payer (a), ==, ms_message_get_payer (b));
  g_assert_cmpint (ms_message_get_payee (a), ==, ms_message_get_payee (b));
  g_assert_cmpstr (ms_message_get_item_id (a), ==, ms_message_get_item_id (b));
  g_assert_cmpstr (ms_message_get_opinion (a), ==, ms_message_get_opinion (b));
  g_assert_cmpstr (ms_message_get_seller_uuid (a), ==, ms_message_get_seller_uuid (b));
  g_assert_cmpuint (ms_message_get_n_items (a), ==, ms_message_get_n_items (b));
  for (guint i = 0; i < ms_message_get_n_items (a); i++)
    {
      g_assert_cmpstr (ms_message_get_item (a, i)->item_id, ==, ms_message_get_item (b, i)->item_id);
      g_assert_cmpstr (ms_message_get_item (a, i)->name, ==, ms_message_get_item (b, i)->name);
      g_assert_cmpuint (ms_message_get_item (a, i)->msats, ==, ms_message_get_item (b, i)->msats);
    }
  g_assert_true ((ms_message_get_wad (a) == NULL) == (ms_message_get_wad (b) == NULL));
  if (ms_message_get_wad (a) != NULL)
    g_assert_true (ms_wad_equal (ms_message_get_wad (a), ms_message_get_wad (b)));
}

/* All 20 types: what we build parses back to the same fields and text. */
static void
test_roundtrip (void)
{
  for (MsMessageType t = 0; t < MS_MESSAGE_N_TYPES; t++)
    {
      g_autoptr(MsMessage) message = build (t);
      g_autofree char *json = ms_message_to_json (message);
      g_autoptr(MsMessage) back = parse_ok (json);
      g_autofree char *again = ms_message_to_json (back);

      g_test_message ("%s", json);
      g_assert_cmpstr (ms_message_get_name (message), ==, ms_message_type_to_name (t));
      g_assert_cmpint (ms_message_get_message_class (message), ==, ms_message_type_get_class (t));
      assert_fields_equal (message, back);
      g_assert_cmpstr (json, ==, again);
    }
}

static void
test_constructor_defaults (void)
{
  gint64 before = g_get_real_time ();
  g_autoptr(MsMessage) a = ms_message_new_request_ping ();
  g_autoptr(MsMessage) b = ms_message_new_notify_pong (ms_message_get_uuid (a));
  gint64 after = g_get_real_time ();
  const char *uuid = ms_message_get_uuid (a);
  g_autofree char *lower = g_ascii_strdown (uuid, -1);

  /* Canonical lower-case UUIDv4 (PROTOCOL.md 2.4), fresh each time. */
  g_assert_true (ms_uuid_is_canonical (uuid, strlen (uuid)));
  g_assert_cmpint (uuid[14], ==, '4');
  g_assert_true (strchr ("89ab", uuid[19]) != NULL);
  g_assert_cmpstr (uuid, ==, lower);
  g_assert_cmpstr (ms_message_get_uuid (b), !=, uuid);
  g_assert_cmpstr (ms_message_get_request_reference_uuid (b), ==, uuid);
  g_assert_null (ms_message_get_request_reference_uuid (a));
  g_assert_cmpstr (ms_message_get_protocol_version (a), ==, "0.0.0");
  g_assert_cmpfloat (ms_message_get_timestamp (a) * G_USEC_PER_SEC, >=, before);
  g_assert_cmpfloat (ms_message_get_timestamp (a) * G_USEC_PER_SEC, <=, after);

  /* Getters of fields a message does not have. */
  g_assert_null (ms_message_get_bolt11 (a));
  g_assert_null (ms_message_get_wad (a));
  g_assert_cmpuint (ms_message_get_msats (a), ==, 0);
  g_assert_cmpuint (ms_message_get_n_items (a), ==, 0);
}

static void
test_emit_exact (void)
{
  g_autoptr(MsMessage) pay = ms_message_new_request_pay (BOLT11);
  g_autoptr(MsMessage) pre = ms_message_new_notify_preimage (NULL, PREIMAGE, NULL);
  g_autoptr(MsMessage) prov = ms_message_new_notify_provider (UUID_A, UUID_B, FALSE, TRUE, NULL);
  g_autoptr(MsMessage) err = ms_message_new_notify_error (UUID_A, "\"caf\xc3\xa9\"\t\x01");

  ms_message_set_uuid (pay, UUID_A);
  ms_message_set_timestamp (pay, 1612345678.901);
  assert_json (pay, HEAD_REQ ("REQUEST_PAY") ",\"bolt11\":\"" BOLT11 "\"}");

  ms_message_set_uuid (pre, UUID_B);
  ms_message_set_timestamp (pre, 1612345678);
  assert_json (pre, "{\"timestamp\":1612345678.0,\"protocol\":\"Moneysocket\","
                    "\"protocol_version\":\"0.0.0\",\"message_class\":\"NOTIFICATION\","
                    "\"notification_uuid\":\"" UUID_B "\",\"request_reference_uuid\":null,"
                    "\"notification_name\":\"NOTIFY_PREIMAGE\",\"preimage\":\"" PREIMAGE "\","
                    "\"ext\":null}");

  ms_message_set_uuid (prov, UUID_B);
  ms_message_set_timestamp (prov, 1612345678.901);
  assert_json (prov, HEAD_NOTE ("NOTIFY_PROVIDER") ",\"account_uuid\":\"" UUID_B "\","
                     "\"payer\":false,\"payee\":true,\"wad\":null}");

  ms_message_set_uuid (err, UUID_B);
  ms_message_set_timestamp (err, 1612345678.901);
  assert_json (err, HEAD_NOTE ("NOTIFY_ERROR") ",\"error_msg\":\"\\\"caf\xc3\xa9\\\"\\t\\u0001\"}");
}

static void
test_parse_fields (void)
{
  g_autoptr(MsMessage) prov = parse_ok (HEAD_NOTE ("NOTIFY_PROVIDER") ",\"account_uuid\":\""
                                        UUID_B "\",\"payer\":true,\"payee\":false,\"wad\":"
                                        WAD_BTC "}");
  g_autoptr(MsMessage) inv = parse_ok (HEAD_REQ ("REQUEST_INVOICE") ",\"msats\":9223372036854775807}");
  g_autoptr(MsMessage) pre = parse_ok (HEAD_NOTE ("NOTIFY_PREIMAGE") ",\"preimage\":\""
                                       "ABCDEF0101010101010101010101010101010101010101010101010101010101"
                                       "\",\"ext\":\"e\"}");
  g_autoptr(MsWad) btc = ms_wad_new_bitcoin (1000);

  g_assert_cmpint (ms_message_get_message_type (prov), ==, MS_MESSAGE_NOTIFY_PROVIDER);
  g_assert_cmpstr (ms_message_get_account_uuid (prov), ==, UUID_B);
  g_assert_true (ms_message_get_payer (prov));
  g_assert_false (ms_message_get_payee (prov));
  g_assert_true (ms_wad_equal (ms_message_get_wad (prov), btc));
  g_assert_cmpstr (ms_message_get_request_reference_uuid (prov), ==, UUID_A);
  g_assert_cmpfloat (ms_message_get_timestamp (prov), ==, 1612345678.901);

  g_assert_cmpuint (ms_message_get_msats (inv), ==, G_MAXINT64);
  g_assert_cmpstr (ms_message_get_preimage (pre), ==,
                   "ABCDEF0101010101010101010101010101010101010101010101010101010101");
  g_assert_cmpstr (ms_message_get_ext (pre), ==, "e");
}

static void
test_parse_errors (void)
{
  static const struct
  {
    const char *json;
    gint        code;
    const char *message;
  } cases[] = {
    { "[]", MS_MESSAGE_ERROR_NOT_OBJECT, "message: not a JSON object" },
    { "\"x\"", MS_MESSAGE_ERROR_NOT_OBJECT, "message: not a JSON object" },
    { "{}", MS_MESSAGE_ERROR_MISSING_FIELD, "message: no timestamp" },
    { "{\"timestamp\":true}", MS_MESSAGE_ERROR_BAD_FIELD, "message: timestamp is not a number" },
    { "{\"timestamp\":-0.5}", MS_MESSAGE_ERROR_BAD_FIELD, "message: timestamp is negative" },
    { "{\"timestamp\":1}", MS_MESSAGE_ERROR_MISSING_FIELD, "message: no protocol" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket \"}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: unknown protocol" },
    { "{\"timestamp\":1,\"protocol\":null}", MS_MESSAGE_ERROR_BAD_FIELD, "message: unknown protocol" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\"}", MS_MESSAGE_ERROR_MISSING_FIELD,
      "message: no protocol_version" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\",\"protocol_version\":null}",
      MS_MESSAGE_ERROR_BAD_FIELD, "message: protocol_version is not a string" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\",\"protocol_version\":\"\"}",
      MS_MESSAGE_ERROR_MISSING_FIELD, "message: no message_class" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\",\"protocol_version\":\"\",\"message_class\":1}",
      MS_MESSAGE_ERROR_UNKNOWN_MESSAGE, "message: unknown message_class" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\",\"protocol_version\":\"\",\"message_class\":"
      "\"request\"}", MS_MESSAGE_ERROR_UNKNOWN_MESSAGE, "message: unknown message_class" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\",\"protocol_version\":\"\",\"message_class\":"
      "\"REQUEST\"}", MS_MESSAGE_ERROR_MISSING_FIELD, "message: no request_uuid" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\",\"protocol_version\":\"\",\"message_class\":"
      "\"REQUEST\",\"request_uuid\":5}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: request_uuid is not a UUID" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\",\"protocol_version\":\"\",\"message_class\":"
      "\"REQUEST\",\"request_uuid\":\"" UUID_A "\"}", MS_MESSAGE_ERROR_MISSING_FIELD,
      "message: no request_name" },
    { HEAD_REQ ("NOTIFY_PONG") "}", MS_MESSAGE_ERROR_UNKNOWN_MESSAGE,
      "message: unknown request_name NOTIFY_PONG" },
    { HEAD_NOTE ("REQUEST_PING") "}", MS_MESSAGE_ERROR_UNKNOWN_MESSAGE,
      "message: unknown notification_name REQUEST_PING" },
    { HEAD_NOTE ("NOTIFY_PONG\\u0000") "}", MS_MESSAGE_ERROR_UNKNOWN_MESSAGE,
      "message: unknown notification_name NOTIFY_PONG" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\",\"protocol_version\":\"\",\"message_class\":"
      "\"REQUEST\",\"request_uuid\":\"" UUID_A "\",\"request_name\":[]}",
      MS_MESSAGE_ERROR_UNKNOWN_MESSAGE, "message: unknown request_name" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\",\"protocol_version\":\"\",\"message_class\":"
      "\"NOTIFICATION\",\"notification_uuid\":\"" UUID_B "\",\"request_reference_uuid\":5,"
      "\"notification_name\":\"NOTIFY_PONG\"}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: request_reference_uuid is not a UUID" },
    { "{\"timestamp\":1,\"protocol\":\"Moneysocket\",\"protocol_version\":\"\",\"message_class\":"
      "\"NOTIFICATION\",\"notification_uuid\":\"" UUID_B "\",\"request_reference_uuid\":null}",
      MS_MESSAGE_ERROR_MISSING_FIELD, "message: no notification_name" },
    { HEAD_REQ ("REQUEST_RENDEZVOUS") "}", MS_MESSAGE_ERROR_MISSING_FIELD, "message: no rendezvous_id" },
    { HEAD_REQ ("REQUEST_RENDEZVOUS") ",\"rendezvous_id\":null}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: rendezvous_id is not a string" },
    { HEAD_REQ ("REQUEST_INVOICE") ",\"msats\":true}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: msats is not an integer" },
    { HEAD_REQ ("REQUEST_INVOICE") ",\"msats\":1e3}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: msats is not an integer" },
    { HEAD_REQ ("REQUEST_INVOICE") ",\"msats\":9223372036854775808}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: msats is not an integer" },
    { HEAD_REQ ("REQUEST_PAY") ",\"bolt11\":5}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: bolt11 is not a string" },
    { HEAD_REQ ("REQUEST_PAY") ",\"bolt11\":\"lnb\"}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: bolt11 does not start with lnbc" },
    { HEAD_NOTE ("NOTIFY_PREIMAGE") ",\"preimage\":\"" PREIMAGE "\",\"ext\":5}",
      MS_MESSAGE_ERROR_BAD_FIELD, "message: ext is not a string" },
    { HEAD_NOTE ("NOTIFY_ERROR") ",\"error_msg\":[\"x\"]}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: error_msg is not a string" },
    { HEAD_NOTE ("NOTIFY_PROVIDER") ",\"payer\":true,\"payee\":true,\"wad\":null}",
      MS_MESSAGE_ERROR_MISSING_FIELD, "message: no account_uuid" },
    { HEAD_NOTE ("NOTIFY_PROVIDER") ",\"account_uuid\":\"" UUID_B "\",\"payer\":true,\"wad\":null}",
      MS_MESSAGE_ERROR_MISSING_FIELD, "message: no payee" },
    { HEAD_NOTE ("NOTIFY_PROVIDER") ",\"account_uuid\":\"" UUID_B "\",\"payer\":true,"
      "\"payee\":null,\"wad\":null}", MS_MESSAGE_ERROR_BAD_FIELD, "message: payee is not a boolean" },
    { HEAD_NOTE ("NOTIFY_PROVIDER") ",\"account_uuid\":\"" UUID_B "\",\"payer\":true,\"payee\":true}",
      MS_MESSAGE_ERROR_MISSING_FIELD, "message: no wad" },
    { HEAD_NOTE ("NOTIFY_PROVIDER") ",\"account_uuid\":\"" UUID_B "\",\"payer\":true,"
      "\"payee\":true,\"wad\":5}", MS_MESSAGE_ERROR_BAD_FIELD, "message: wad: not an object" },
    { HEAD_REQ ("REQUEST_OPINION_SELLER") "}", MS_MESSAGE_ERROR_MISSING_FIELD,
      "message: no extension_protocol" },
    { HEAD_REQ ("REQUEST_OPINION_SELLER") ",\"extension_protocol\":\"OPINION_SELLER_DEMO_V1\"}",
      MS_MESSAGE_ERROR_BAD_FIELD, "message: extension_protocol is not OPINION_SELLER_DEMO_V0" },
    { HEAD_REQ ("REQUEST_OPINION_INVOICE") ",\"extension_protocol\":\"OPINION_SELLER_DEMO_V0\"}",
      MS_MESSAGE_ERROR_MISSING_FIELD, "message: no item_id" },
    { HEAD_NOTE ("NOTIFY_OPINION_SELLER") ",\"items\":{},\"seller_uuid\":\"" UUID_B "\"}",
      MS_MESSAGE_ERROR_BAD_FIELD, "message: items is not an array" },
    { HEAD_NOTE ("NOTIFY_OPINION_SELLER") ",\"items\":[5],\"seller_uuid\":\"" UUID_B "\"}",
      MS_MESSAGE_ERROR_BAD_FIELD, "message: items[0] is not an object" },
    { HEAD_NOTE ("NOTIFY_OPINION_SELLER") ",\"items\":[{\"item_id\":\"a\",\"name\":\"b\","
      "\"msats\":1},{\"name\":\"b\",\"msats\":1}],\"seller_uuid\":\"" UUID_B "\"}",
      MS_MESSAGE_ERROR_BAD_FIELD, "message: items[1].item_id is not a string" },
    { HEAD_NOTE ("NOTIFY_OPINION_SELLER") ",\"items\":[{\"item_id\":\"a\",\"name\":1,\"msats\":1}],"
      "\"seller_uuid\":\"" UUID_B "\"}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: items[0].name is not a string" },
    { HEAD_NOTE ("NOTIFY_OPINION_SELLER") ",\"items\":[{\"item_id\":\"a\",\"name\":\"b\","
      "\"msats\":-1}],\"seller_uuid\":\"" UUID_B "\"}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: items[0].msats is not a number >= 0" },
    { HEAD_NOTE ("NOTIFY_OPINION_SELLER") ",\"items\":[{\"item_id\":\"a\",\"name\":\"b\","
      "\"msats\":2e19}],\"seller_uuid\":\"" UUID_B "\"}", MS_MESSAGE_ERROR_BAD_FIELD,
      "message: items[0].msats is not a number >= 0" },
    { HEAD_NOTE ("NOTIFY_OPINION_SELLER") ",\"items\":[],\"seller_uuid\":\"x\"}",
      MS_MESSAGE_ERROR_BAD_FIELD, "message: seller_uuid is not a UUID" },
    { HEAD_NOTE ("NOTIFY_OPINION") ",\"item_id\":\"x\"}", MS_MESSAGE_ERROR_MISSING_FIELD,
      "message: no opinion" },
    { "{\"timestamp\":", MS_MESSAGE_ERROR_JSON, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsMessage) message = ms_message_parse (cases[i].json, strlen (cases[i].json),
                                                       &error);

      g_test_message ("%s", cases[i].json);
      g_assert_null (message);
      g_assert_error (error, MS_MESSAGE_ERROR, cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      else
        g_assert_true (g_str_has_prefix (error->message, "message: json: "));
    }
}

/* PROTOCOL.md 7.1: ext may hold 4096 characters, not bytes. */
static void
test_ext_limit (void)
{
  GString *ext = g_string_new (NULL);
  g_autofree char *ok = NULL;
  g_autofree char *long_json = NULL;
  g_autoptr(MsMessage) message = NULL;
  g_autoptr(MsMessage) built = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 4096; i++)
    g_string_append (ext, "€");
  ok = g_strdup_printf (HEAD_NOTE ("NOTIFY_PREIMAGE") ",\"preimage\":\"" PREIMAGE "\",\"ext\":\"%s\"}",
                        ext->str);
  message = parse_ok (ok);
  g_assert_cmpuint (strlen (ms_message_get_ext (message)), ==, 3 * 4096);
  built = ms_message_new_notify_preimage (NULL, PREIMAGE, ext->str);
  g_assert_nonnull (built);

  g_string_append (ext, "e");
  long_json = g_strdup_printf (HEAD_NOTE ("NOTIFY_PREIMAGE") ",\"preimage\":\"" PREIMAGE
                               "\",\"ext\":\"%s\"}", ext->str);
  g_clear_pointer (&message, ms_message_unref);
  message = ms_message_parse (long_json, strlen (long_json), &error);
  g_assert_null (message);
  g_assert_cmpstr (error->message, ==, "message: ext longer than 4096 characters");
  g_string_free (ext, TRUE);
}

/* PROTOCOL.md 6.3: unknown members go out again, as they came, after ours. */
static void
test_extras (void)
{
  g_autoptr(MsMessage) message =
    parse_ok (HEAD_REQ ("REQUEST_PAY") ",\"x\": {\"a\": [1, 2.50]},\"bolt11\":\"lnbc1\","
              "\"k\\u00e9\\n\":\"\\u20bf\",\"x\":null,\"bolt11\":\"lnbc2\",\"y\":-0.0}");
  g_autoptr(MsMessage) dup = NULL;

  g_assert_cmpstr (ms_message_get_bolt11 (message), ==, "lnbc2");
  assert_json (message, HEAD_REQ ("REQUEST_PAY") ",\"bolt11\":\"lnbc2\",\"k\xc3\xa9\\n\":\"\\u20bf\","
                        "\"x\":null,\"y\":-0.0}");

  /* A forwarder reusing the request uuid keeps the extras. */
  ms_message_set_uuid (message, UUID_B);
  g_assert_cmpstr (ms_message_get_uuid (message), ==, UUID_B);
  dup = parse_ok ("{\"request_name\":\"REQUEST_PING\",\"z\":{\"b\" : true},\"timestamp\":1,"
                  "\"protocol\":\"Moneysocket\",\"protocol_version\":\"9\","
                  "\"message_class\":\"REQUEST\",\"request_uuid\":\"{" UUID_A "}\"}");
  assert_json (dup, "{\"timestamp\":1.0,\"protocol\":\"Moneysocket\",\"protocol_version\":\"9\","
                    "\"message_class\":\"REQUEST\",\"request_uuid\":\"{" UUID_A "}\","
                    "\"request_name\":\"REQUEST_PING\",\"z\":{\"b\" : true}}");
}

/* Enough unknown members for the hash table; order and last-wins kept. */
static void
test_many_extras (void)
{
  GString *json = g_string_new (HEAD_REQ ("REQUEST_PING"));
  GString *expected = g_string_new (HEAD_REQ ("REQUEST_PING"));
  g_autoptr(MsMessage) message = NULL;

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (json, ",\"k%u\":%u", i % 1000, i);
  g_string_append_c (json, '}');
  for (guint i = 1000; i < 2000; i++)
    g_string_append_printf (expected, ",\"k%u\":%u", i % 1000, i);
  g_string_append_c (expected, '}');

  message = parse_ok (json->str);
  assert_json (message, expected->str);
  g_string_free (json, TRUE);
  g_string_free (expected, TRUE);
}

/* A string with \u0000 is cut for C, but goes out whole. */
static void
test_embedded_nul (void)
{
  g_autoptr(MsMessage) message =
    parse_ok (HEAD_NOTE ("NOTIFY_ERROR") ",\"error_msg\":\"a\\u0000b\"}");

  g_assert_cmpstr (ms_message_get_error_msg (message), ==, "a");
  assert_json (message, HEAD_NOTE ("NOTIFY_ERROR") ",\"error_msg\":\"a\\u0000b\"}");
}

static void
test_items (void)
{
  g_autoptr(MsMessage) message =
    parse_ok (HEAD_NOTE ("NOTIFY_OPINION_SELLER") ",\"items\":[{\"item_id\":\"a\",\"name\":\"A\","
              "\"msats\":1.5,\"extra\":1},{\"item_id\":\"a\",\"name\":\"A\",\"msats\":1e19},"
              "{\"item_id\":\"b\",\"name\":\"\",\"msats\":0}],\"seller_uuid\":\"" UUID_B "\"}");

  g_assert_cmpuint (ms_message_get_n_items (message), ==, 3);
  g_assert_cmpuint (ms_message_get_item (message, 0)->msats, ==, 2);
  g_assert_cmpuint (ms_message_get_item (message, 1)->msats, ==, G_GUINT64_CONSTANT (10000000000000000000));
  g_assert_cmpstr (ms_message_get_item (message, 1)->item_id, ==, "a");
  g_assert_cmpstr (ms_message_get_item (message, 2)->name, ==, "");
  g_assert_cmpstr (ms_message_get_seller_uuid (message), ==, UUID_B);
  assert_json (message, HEAD_NOTE ("NOTIFY_OPINION_SELLER") ",\"items\":[{\"item_id\":\"a\","
                        "\"name\":\"A\",\"msats\":2},{\"item_id\":\"a\",\"name\":\"A\","
                        "\"msats\":10000000000000000000},{\"item_id\":\"b\",\"name\":\"\","
                        "\"msats\":0}],\"seller_uuid\":\"" UUID_B "\"}");
}

/* Out-of-range timestamps stay numbers that parse again. */
static void
test_timestamps (void)
{
  g_autoptr(MsMessage) inf = parse_ok ("{\"timestamp\":1e400,\"protocol\":\"Moneysocket\","
                                       "\"protocol_version\":\"0.0.0\",\"message_class\":\"REQUEST\","
                                       "\"request_uuid\":\"" UUID_A "\",\"request_name\":\"REQUEST_PING\"}");
  g_autofree char *json = ms_message_to_json (inf);
  g_autoptr(MsMessage) back = parse_ok (json);
  g_autoptr(MsMessage) now = ms_message_new_request_ping ();
  g_autofree char *now_json = ms_message_to_json (now);
  g_autoptr(MsMessage) now_back = parse_ok (now_json);

  g_assert_cmpfloat (ms_message_get_timestamp (back), >, G_MAXDOUBLE);
  g_assert_cmpint ((gint64) (ms_message_get_timestamp (now) * G_USEC_PER_SEC + 0.5), ==,
                   (gint64) (ms_message_get_timestamp (now_back) * G_USEC_PER_SEC + 0.5));
}

static void
test_refcount (void)
{
  MsMessage *message = ms_message_new_request_ping ();
  MsMessage *copy = g_boxed_copy (MS_TYPE_MESSAGE, message);

  g_assert_true (copy == message);
  g_assert_true (ms_message_ref (message) == message);
  ms_message_unref (message);
  g_boxed_free (MS_TYPE_MESSAGE, copy);
  ms_message_unref (message);
}

/* Constructors refuse what receivers would reject. */
static void
test_guards (void)
{
  static const MsOpinionItem bad_items[] = { { "a", "b", G_GUINT64_CONSTANT (1) << 63 } };
  MsMessage *message;

  g_test_expect_message ("Moneysocket", G_LOG_LEVEL_CRITICAL, "*is_bolt11*");
  message = ms_message_new_request_pay ("lntb20m1");
  g_test_assert_expected_messages ();
  g_assert_null (message);

  g_test_expect_message ("Moneysocket", G_LOG_LEVEL_CRITICAL, "*is_hex64*");
  message = ms_message_new_request_rendezvous ("abc");
  g_test_assert_expected_messages ();
  g_assert_null (message);

  g_test_expect_message ("Moneysocket", G_LOG_LEVEL_CRITICAL, "*msats*");
  message = ms_message_new_request_invoice (0);
  g_test_assert_expected_messages ();
  g_assert_null (message);

  g_test_expect_message ("Moneysocket", G_LOG_LEVEL_CRITICAL, "*is_reference*");
  message = ms_message_new_notify_pong ("");
  g_test_assert_expected_messages ();
  g_assert_null (message);

  g_test_expect_message ("Moneysocket", G_LOG_LEVEL_CRITICAL, "*is_utf8*");
  message = ms_message_new_notify_error (NULL, "\xff");
  g_test_assert_expected_messages ();
  g_assert_null (message);

  g_test_expect_message ("Moneysocket", G_LOG_LEVEL_CRITICAL, "*items_are_valid*");
  message = ms_message_new_notify_opinion_seller (NULL, UUID_B, bad_items, 1);
  g_test_assert_expected_messages ();
  g_assert_null (message);
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  g_test_add_func ("/ms/message/types", test_types);
  g_test_add_func ("/ms/message/roundtrip", test_roundtrip);
  g_test_add_func ("/ms/message/constructor-defaults", test_constructor_defaults);
  g_test_add_func ("/ms/message/emit-exact", test_emit_exact);
  g_test_add_func ("/ms/message/parse-fields", test_parse_fields);
  g_test_add_func ("/ms/message/parse-errors", test_parse_errors);
  g_test_add_func ("/ms/message/ext-limit", test_ext_limit);
  g_test_add_func ("/ms/message/extras", test_extras);
  g_test_add_func ("/ms/message/many-extras", test_many_extras);
  g_test_add_func ("/ms/message/embedded-nul", test_embedded_nul);
  g_test_add_func ("/ms/message/items", test_items);
  g_test_add_func ("/ms/message/timestamps", test_timestamps);
  g_test_add_func ("/ms/message/refcount", test_refcount);
  g_test_add_func ("/ms/message/guards", test_guards);

  return g_test_run ();
}
