/* test-vectors-message.c: messages_v0.json, message_validation.json,
 * wad.json, opinion_demo.json, session_transcript.json
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "moneysocket.h"
#include "test-util.h"

/* Compares two JSON trees; with @loose, an integer equals a double of the same value. */
static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b,
             gboolean  loose);

static gboolean
objects_equal (JsonObject *a,
               JsonObject *b,
               gboolean    loose)
{
  g_autoptr(GList) members = json_object_get_members (a);

  if (json_object_get_size (a) != json_object_get_size (b))
    return FALSE;
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *other = json_object_get_member (b, l->data);

      if (other == NULL || !nodes_equal (json_object_get_member (a, l->data), other, loose))
        return FALSE;
    }
  return TRUE;
}

static gboolean
arrays_equal (JsonArray *a,
              JsonArray *b,
              gboolean   loose)
{
  if (json_array_get_length (a) != json_array_get_length (b))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (a); i++)
    if (!nodes_equal (json_array_get_element (a, i), json_array_get_element (b, i), loose))
      return FALSE;
  return TRUE;
}

static gboolean
is_number_type (GType type)
{
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
values_equal (JsonNode *a,
              JsonNode *b,
              gboolean  loose)
{
  GType ta = json_node_get_value_type (a);
  GType tb = json_node_get_value_type (b);

  if (loose && is_number_type (ta) && is_number_type (tb))
    return json_node_get_double (a) == json_node_get_double (b);
  if (ta != tb)
    return FALSE;
  if (ta == G_TYPE_INT64)
    return json_node_get_int (a) == json_node_get_int (b);
  if (ta == G_TYPE_DOUBLE)
    return json_node_get_double (a) == json_node_get_double (b);
  if (ta == G_TYPE_BOOLEAN)
    return json_node_get_boolean (a) == json_node_get_boolean (b);
  return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
}

static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b,
             gboolean  loose)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_OBJECT:
      return objects_equal (json_node_get_object (a), json_node_get_object (b), loose);
    case JSON_NODE_ARRAY:
      return arrays_equal (json_node_get_array (a), json_node_get_array (b), loose);
    case JSON_NODE_VALUE:
      return values_equal (a, b, loose);
    case JSON_NODE_NULL:
      return TRUE;
    }
  g_assert_not_reached ();
}

static JsonNode *
parse_with_json_glib (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Our emission of @message must equal @expected as a JSON object. */
static void
assert_emits (MsMessage  *message,
              JsonNode   *expected,
              gboolean    loose)
{
  g_autofree char *json = ms_message_to_json (message);
  g_autoptr(JsonNode) ours = parse_with_json_glib (json);
  g_autofree char *expected_text = json_to_string (expected, FALSE);

  if (!nodes_equal (ours, expected, loose))
    g_error ("emission differs:\n ours:     %s\n expected: %s", json, expected_text);

  /* Compact: no whitespace between tokens in what we write. */
  g_assert_false (g_str_has_prefix (json, "{ "));
  g_assert_null (strstr (json, "\": "));
  g_assert_null (strstr (json, ", \""));
}

static void
assert_same_message (MsMessage *a,
                     MsMessage *b)
{
  g_autofree char *ja = ms_message_to_json (a);
  g_autofree char *jb = ms_message_to_json (b);

  g_assert_cmpstr (ja, ==, jb);
  g_assert_cmpint (ms_message_get_message_type (a), ==, ms_message_get_message_type (b));
}

static MsCipher *
cipher_for (JsonObject *root)
{
  const char *hex = ms_test_get_string (root, "shared_seed");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSharedSeed) seed = ms_shared_seed_new_from_hex (hex, strlen (hex), &error);

  g_assert_no_error (error);
  return ms_shared_seed_new_cipher (seed);
}

static MsMessage *
decode_hex (const char  *hex,
            MsCipher    *cipher,
            GError     **error)
{
  g_autoptr(GBytes) wire = ms_test_hex_bytes (hex);

  return ms_frame_decode (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), cipher, error);
}

static MsWad *
wad_from_object (JsonObject *o)
{
  JsonNode *iso = json_object_get_member (o, "iso_num");
  JsonNode *decimals = json_object_get_member (o, "decimals");

  return ms_wad_new ((guint64) json_object_get_double_member (o, "msats"),
                     json_object_get_boolean_member (o, "asset_stable"),
                     json_object_get_double_member (o, "asset_units"),
                     ms_test_get_string (o, "code"),
                     json_object_has_member (o, "countries") ? ms_test_get_string (o, "countries")
                                                             : NULL,
                     JSON_NODE_HOLDS_NULL (decimals) ? -1 : json_node_get_int (decimals),
                     !JSON_NODE_HOLDS_NULL (iso),
                     JSON_NODE_HOLDS_NULL (iso) ? 0 : json_node_get_double (iso),
                     ms_test_get_string (o, "name"),
                     ms_test_get_string (o, "symbol"));
}

static MsOpinionItem *
items_from_array (JsonArray *array)
{
  MsOpinionItem *items = g_new0 (MsOpinionItem, json_array_get_length (array) + 1);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      items[i].item_id = ms_test_get_string (o, "item_id");
      items[i].name = ms_test_get_string (o, "name");
      items[i].msats = json_object_get_int_member (o, "msats");
    }
  return items;
}

static MsMessage *
request_from_object (MsMessageType  type,
                     JsonObject    *o)
{
  switch (type)
    {
    case MS_MESSAGE_REQUEST_RENDEZVOUS:
      return ms_message_new_request_rendezvous (ms_test_get_string (o, "rendezvous_id"));
    case MS_MESSAGE_REQUEST_PROVIDER:
      return ms_message_new_request_provider ();
    case MS_MESSAGE_REQUEST_PING:
      return ms_message_new_request_ping ();
    case MS_MESSAGE_REQUEST_INVOICE:
      return ms_message_new_request_invoice (json_object_get_int_member (o, "msats"));
    case MS_MESSAGE_REQUEST_PAY:
      return ms_message_new_request_pay (ms_test_get_string (o, "bolt11"));
    case MS_MESSAGE_REQUEST_OPINION_SELLER:
      return ms_message_new_request_opinion_seller ();
    case MS_MESSAGE_REQUEST_OPINION_INVOICE:
      return ms_message_new_request_opinion_invoice (ms_test_get_string (o, "item_id"));
    default:
      g_assert_not_reached ();
    }
}

static MsMessage *
notify_provider_from_object (const char *ref,
                             JsonObject *o)
{
  g_autoptr(MsWad) wad = NULL;

  if (!JSON_NODE_HOLDS_NULL (json_object_get_member (o, "wad")))
    wad = wad_from_object (json_object_get_object_member (o, "wad"));
  return ms_message_new_notify_provider (ref, ms_test_get_string (o, "account_uuid"),
                                         json_object_get_boolean_member (o, "payer"),
                                         json_object_get_boolean_member (o, "payee"), wad);
}

static MsMessage *
notification_from_object (MsMessageType  type,
                          JsonObject    *o)
{
  const char *ref = ms_test_get_string (o, "request_reference_uuid");
  const char *rid = ms_test_get_string (o, "rendezvous_id");
  g_autofree MsOpinionItem *items = NULL;

  switch (type)
    {
    case MS_MESSAGE_NOTIFY_RENDEZVOUS:
      return ms_message_new_notify_rendezvous (ref, rid);
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_NOT_READY:
      return ms_message_new_notify_rendezvous_not_ready (ref, rid);
    case MS_MESSAGE_NOTIFY_RENDEZVOUS_END:
      return ms_message_new_notify_rendezvous_end (ref, rid);
    case MS_MESSAGE_NOTIFY_PROVIDER:
      return notify_provider_from_object (ref, o);
    case MS_MESSAGE_NOTIFY_PROVIDER_NOT_READY:
      return ms_message_new_notify_provider_not_ready (ref);
    case MS_MESSAGE_NOTIFY_PONG:
      return ms_message_new_notify_pong (ref);
    case MS_MESSAGE_NOTIFY_INVOICE:
      return ms_message_new_notify_invoice (ref, ms_test_get_string (o, "bolt11"));
    case MS_MESSAGE_NOTIFY_PREIMAGE:
      return ms_message_new_notify_preimage (ref, ms_test_get_string (o, "preimage"),
                                             ms_test_get_string (o, "ext"));
    case MS_MESSAGE_NOTIFY_ERROR:
      return ms_message_new_notify_error (ref, ms_test_get_string (o, "error_msg"));
    case MS_MESSAGE_NOTIFY_OPINION_SELLER:
      items = items_from_array (json_object_get_array_member (o, "items"));
      return ms_message_new_notify_opinion_seller (
        ref, ms_test_get_string (o, "seller_uuid"), items,
        json_array_get_length (json_object_get_array_member (o, "items")));
    case MS_MESSAGE_NOTIFY_OPINION_SELLER_NOT_READY:
      return ms_message_new_notify_opinion_seller_not_ready (ref);
    case MS_MESSAGE_NOTIFY_OPINION_INVOICE:
      return ms_message_new_notify_opinion_invoice (ref, ms_test_get_string (o, "bolt11"));
    case MS_MESSAGE_NOTIFY_OPINION:
      return ms_message_new_notify_opinion (ref, ms_test_get_string (o, "item_id"),
                                            ms_test_get_string (o, "opinion"));
    default:
      g_assert_not_reached ();
    }
}

/* Builds the message of a reference JSON object with our constructors. */
static MsMessage *
message_from_object (JsonObject *o)
{
  gboolean request = json_object_has_member (o, "request_name");
  MsMessageType type;
  MsMessage *message;

  g_assert_true (ms_message_type_from_name (
    ms_test_get_string (o, request ? "request_name" : "notification_name"), &type));
  message = request ? request_from_object (type, o) : notification_from_object (type, o);
  g_assert_nonnull (message);
  ms_message_set_uuid (message,
                       ms_test_get_string (o, request ? "request_uuid" : "notification_uuid"));
  ms_message_set_timestamp (message, json_object_get_double_member (o, "timestamp"));
  return message;
}

/* With the vector's IV, our own encryption must decode to the same message. */
static void
assert_encrypts_back (MsMessage  *message,
                      MsCipher   *cipher,
                      const char *iv_hex)
{
  g_autoptr(GBytes) iv = ms_test_hex_bytes (iv_hex);
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autofree char *json = ms_message_to_json (message);
  g_autoptr(MsMessage) back = NULL;
  g_autoptr(GError) error = NULL;

  if (ms_message_type_is_cleartext (ms_message_get_message_type (message)))
    g_byte_array_append (wire, (const guint8 *) json, strlen (json));
  else
    ms_cipher_encrypt (cipher, (const guint8 *) json, strlen (json),
                       g_bytes_get_data (iv, NULL), wire);

  back = ms_frame_decode (wire->data, wire->len, cipher, &error);
  g_assert_no_error (error);
  assert_same_message (message, back);
}

static void
check_js_json (JsonObject *vector,
               MsMessage  *parsed,
               gboolean    accepted)
{
  JsonObject *js = json_object_get_object_member (vector, "js_decode_of_own_wire");
  const char *js_json = ms_test_get_string (vector, "js_json");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsMessage) message = ms_message_parse (js_json, strlen (js_json), &error);

  /* JS's own NOTIFY_RENDEZVOUS_END lacks request_reference_uuid. */
  if (accepted && json_object_get_boolean_member (js, "accepted"))
    {
      g_assert_no_error (error);
      assert_same_message (parsed, message);
    }
  else
    {
      g_assert_null (message);
      g_test_message ("JS form rejected: %s", error->message);
    }
}

static void
test_messages_v0 (JsonObject *root,
                  JsonObject *vector)
{
  const char *json = ms_test_get_string (vector, "json");
  JsonObject *ref = json_object_get_object_member (vector, "reference_decode_of_own_wire");
  gboolean accepted = json_object_get_boolean_member (ref, "accepted");
  JsonNode *pretty = json_object_get_member (vector, "pretty_reference_form");
  g_autoptr(MsCipher) cipher = cipher_for (root);
  g_autoptr(GBytes) wire = ms_test_hex_bytes (ms_test_get_string (vector, "wire_hex"));
  g_autoptr(GError) error = NULL;
  g_autoptr(MsMessage) parsed = ms_message_parse (json, strlen (json), &error);
  g_autoptr(MsMessage) decoded = NULL;
  g_autoptr(MsMessage) built = message_from_object (json_node_get_object (pretty));

  g_assert_cmpint (ms_frame_is_cleartext (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire)),
                   ==, json_object_get_boolean_member (vector, "wire_is_cleartext"));
  g_assert_cmpint (ms_message_type_is_cleartext (ms_message_get_message_type (built)), ==,
                   json_object_get_boolean_member (vector, "must_be_cleartext"));
  assert_emits (built, pretty, FALSE);
  check_js_json (vector, parsed, accepted);

  if (!accepted)
    {
      /* The USD wad: Python rejects countries > 200 characters; we follow it. */
      g_assert_null (parsed);
      g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_BAD_FIELD);
      g_test_message ("reference: %s; ours: %s", ms_test_get_string (ref, "error"), error->message);
      g_clear_error (&error);
      decoded = decode_hex (ms_test_get_string (vector, "wire_hex"), cipher, &error);
      g_assert_null (decoded);
      g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_BAD_FIELD);
      return;
    }

  g_assert_no_error (error);
  g_assert_cmpstr (ms_message_get_name (parsed), ==, ms_test_get_string (vector, "name"));
  g_assert_cmpint (ms_message_get_message_class (parsed), ==,
                   g_str_equal (ms_test_get_string (vector, "message_class"), "REQUEST")
                   ? MS_MESSAGE_CLASS_REQUEST : MS_MESSAGE_CLASS_NOTIFICATION);
  assert_emits (parsed, pretty, FALSE);
  assert_same_message (parsed, built);

  decoded = decode_hex (ms_test_get_string (vector, "wire_hex"), cipher, &error);
  g_assert_no_error (error);
  assert_same_message (parsed, decoded);
  assert_encrypts_back (parsed, cipher, ms_test_get_string (root, "iv"));
}

static void
test_message_validation (JsonObject *root,
                         JsonObject *vector)
{
  const char *text = ms_test_get_string (vector, "text");
  gboolean expected = json_object_get_boolean_member (vector, "reference_accepted");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsMessage) message = ms_message_parse (text, strlen (text), &error);
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(MsMessage) again = NULL;

  if (!expected)
    {
      g_assert_null (message);
      g_assert_nonnull (error);
      g_assert_true (error->domain == MS_MESSAGE_ERROR);
      g_assert_true (g_str_has_prefix (error->message, "message: "));
      g_test_message ("reference: %s; ours: %s",
                      ms_test_get_string (vector, "reference_error") ?: "(exception)",
                      error->message);
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (message);

  /* Everything, unknown fields included, goes out again (timestamps as floats). */
  json = ms_message_to_json (message);
  input = parse_with_json_glib (text);
  output = parse_with_json_glib (json);
  if (!nodes_equal (output, input, TRUE))
    g_error ("re-emission differs:\n ours:  %s\n input: %s", json, text);
  again = ms_message_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  assert_same_message (message, again);
}

static void
test_wad (JsonObject *root,
          JsonObject *vector)
{
  const char *json = ms_test_get_string (vector, "json");
  const char *reference_error = ms_test_get_string (vector, "reference_validate_error");
  const char *fmt = ms_test_get_string (vector, "reference_fmt_short");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsWad) wad = ms_wad_parse (json, strlen (json), &error);
  g_autoptr(MsWad) built = wad_from_object (json_object_get_object_member (vector, "wad"));
  g_autofree char *built_short = ms_wad_format_short (built);

  /* Rejected wads the reference could still format are built directly. */
  g_assert_cmpstr (built_short, ==, fmt);

  if (reference_error != NULL)
    {
      g_assert_null (wad);
      g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_BAD_FIELD);
      g_assert_true (g_str_has_prefix (error->message, "wad: "));
      g_test_message ("reference: %s; ours: %s", reference_error, error->message);
    }
  else
    {
      g_autofree char *short_form = NULL;
      g_autofree char *ours = NULL;
      g_autoptr(JsonNode) node = NULL;

      g_assert_no_error (error);
      short_form = ms_wad_format_short (wad);
      g_assert_cmpstr (short_form, ==, fmt);
      g_assert_true (ms_wad_equal (wad, built));
      ours = ms_wad_to_json (wad);
      node = parse_with_json_glib (ours);
      if (!nodes_equal (node, json_object_get_member (vector, "wad"), FALSE))
        g_error ("wad emission differs: %s", ours);
    }
}

static void
test_opinion_demo (JsonObject *root,
                   JsonObject *vector)
{
  const char *json = ms_test_get_string (vector, "json");
  JsonNode *pretty = json_object_get_member (vector, "pretty");
  g_autoptr(MsCipher) cipher = cipher_for (root);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsMessage) parsed = ms_message_parse (json, strlen (json), &error);
  g_autoptr(MsMessage) decoded = NULL;
  g_autoptr(MsMessage) built = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (ms_message_get_name (parsed), ==, ms_test_get_string (vector, "name"));
  g_assert_false (ms_message_type_is_cleartext (ms_message_get_message_type (parsed)));
  assert_emits (parsed, pretty, FALSE);

  decoded = decode_hex (ms_test_get_string (vector, "wire_hex"), cipher, &error);
  g_assert_no_error (error);
  assert_same_message (parsed, decoded);

  built = message_from_object (json_node_get_object (pretty));
  assert_same_message (parsed, built);
  assert_encrypts_back (parsed, cipher, ms_test_get_string (root, "iv"));
}

static void
test_session_frame (JsonObject *root,
                    JsonObject *vector)
{
  const char *payload_hex = ms_test_get_string (vector, "payload_hex");
  gboolean clear;
  g_autoptr(MsCipher) cipher = cipher_for (root);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsMessage) decoded = NULL;
  g_autoptr(MsMessage) relayed = NULL;
  g_autoptr(MsMessage) expected = NULL;
  const char *expected_json;

  if (payload_hex == NULL)
    {
      g_test_skip ("an event, not a frame");
      return;
    }

  payload = ms_test_hex_bytes (payload_hex);
  g_assert_cmpuint (g_bytes_get_size (payload), ==, json_object_get_int_member (vector, "length"));
  clear = g_str_equal (ms_test_get_string (vector, "encoding"), "cleartext JSON");
  g_assert_cmpint (ms_frame_is_cleartext (g_bytes_get_data (payload, NULL),
                                          g_bytes_get_size (payload)), ==, clear);

  decoded = ms_frame_decode (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                             cipher, &error);
  g_assert_no_error (error);

  expected_json = ms_test_get_string (vector, clear ? "json" : "decrypted_json");
  expected = ms_message_parse (expected_json, strlen (expected_json), &error);
  g_assert_no_error (error);
  assert_same_message (decoded, expected);
  g_assert_cmpint (ms_message_type_is_cleartext (ms_message_get_message_type (decoded)), ==, clear);

  /* A relay has no key: it reads the rendezvous frames and cannot read the others. */
  relayed = ms_frame_decode (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                             NULL, &error);
  if (clear)
    {
      g_assert_no_error (error);
      assert_same_message (relayed, expected);
    }
  else
    {
      g_assert_null (relayed);
      g_assert_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_UNDECRYPTABLE);
    }
}

int
main (int   argc,
      char *argv[])
{
  ms_test_init (&argc, &argv);

  ms_test_add_vectors ("/vectors/messages_v0", "messages_v0.json", test_messages_v0);
  ms_test_add_vectors ("/vectors/message_validation", "message_validation.json",
                       test_message_validation);
  ms_test_add_vectors ("/vectors/wad", "wad.json", test_wad);
  ms_test_add_vectors ("/vectors/opinion_demo", "opinion_demo.json", test_opinion_demo);
  ms_test_add_vectors ("/vectors/session_transcript", "session_transcript.json",
                       test_session_frame);

  return g_test_run ();
}
