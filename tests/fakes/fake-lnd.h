/* fake-lnd.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lnd-swagger.h"

G_BEGIN_DECLS

/*
 * An LND node as its REST gateway shows it, in process, over HTTPS on
 * 127.0.0.1: the macaroon header is checked, every request is validated
 * against LND's swagger files (a violation gets the gateway's real
 * InvalidArgument answer and fails the running test), every answer is
 * validated too. Its state is believable: real signed invoices, payments
 * that settle its own invoices, indexes that advance, streams that follow.
 */

typedef struct _FakeLnd FakeLnd;

/**
 * FakeLndPayMode:
 * @FAKE_LND_PAY_SUCCEED: IN_FLIGHT, then SUCCEEDED
 * @FAKE_LND_PAY_FAIL: IN_FLIGHT, then FAILED with the given reason
 * @FAKE_LND_PAY_HOLD: IN_FLIGHT until fake_lnd_finish_payment()
 * @FAKE_LND_PAY_CUT: IN_FLIGHT, then the connection is cut; the payment succeeds
 * @FAKE_LND_PAY_GARBAGE: IN_FLIGHT, then a line that is not JSON; the payment succeeds
 *
 * How the next SendPaymentV2 behaves, when routing allows it to succeed.
 */
typedef enum
{
  FAKE_LND_PAY_SUCCEED,
  FAKE_LND_PAY_FAIL,
  FAKE_LND_PAY_HOLD,
  FAKE_LND_PAY_CUT,
  FAKE_LND_PAY_GARBAGE,
} FakeLndPayMode;

/**
 * FakeLndAuthStyle:
 * @FAKE_LND_AUTH_LND: what lnd itself answers: HTTP 500, gRPC code 2 and
 *   the macaroon checker's words
 * @FAKE_LND_AUTH_UNAUTHENTICATED: HTTP 401, gRPC code 16
 * @FAKE_LND_AUTH_ECHO: like lnd, but the message quotes the macaroon sent
 */
typedef enum
{
  FAKE_LND_AUTH_LND,
  FAKE_LND_AUTH_UNAUTHENTICATED,
  FAKE_LND_AUTH_ECHO,
} FakeLndAuthStyle;

FakeLnd    *fake_lnd_new                 (LndSwagger        *swagger,
                                          GTlsCertificate   *certificate);
void        fake_lnd_free                (FakeLnd           *fake);
gboolean    fake_lnd_start               (FakeLnd           *fake,
                                          GError           **error);
void        fake_lnd_stop                (FakeLnd           *fake);
const char *fake_lnd_get_url             (FakeLnd           *fake);
GBytes     *fake_lnd_get_macaroon        (FakeLnd           *fake);
const char *fake_lnd_get_node_id         (FakeLnd           *fake);

void        fake_lnd_set_auth_style      (FakeLnd           *fake,
                                          FakeLndAuthStyle   style);
void        fake_lnd_set_next_payment    (FakeLnd           *fake,
                                          FakeLndPayMode     mode,
                                          const char        *failure_reason);
void        fake_lnd_set_fees            (FakeLnd           *fake,
                                          guint64            base_msat,
                                          guint64            ppm);
void        fake_lnd_fail_next           (FakeLnd           *fake,
                                          const char        *operation_id,
                                          gint               code,
                                          const char        *message);
void        fake_lnd_expect_invalid      (FakeLnd           *fake,
                                          guint              n);

char       *fake_lnd_make_remote_invoice (FakeLnd           *fake,
                                          guint64            amount_msat,
                                          gint64             created_at,
                                          guint8             payment_hash[32]);
void        fake_lnd_add_invoice         (FakeLnd           *fake,
                                          guint64            amount_msat,
                                          const char        *memo,
                                          guint8             payment_hash[32]);
gboolean    fake_lnd_finish_payment      (FakeLnd           *fake,
                                          const guint8      *payment_hash,
                                          gboolean           succeed);
gboolean    fake_lnd_settle_invoice      (FakeLnd           *fake,
                                          const guint8      *payment_hash,
                                          guint64            amount_paid_msat);
void        fake_lnd_settle_on_subscribe (FakeLnd         *fake,
                                          const guint8    *payment_hash,
                                          guint64          amount_paid_msat);
void        fake_lnd_break_invoice_streams (FakeLnd         *fake);
const char *fake_lnd_get_invoice_state   (FakeLnd           *fake,
                                          const guint8      *payment_hash);
const char *fake_lnd_get_payment_status  (FakeLnd           *fake,
                                          const guint8      *payment_hash);
guint64     fake_lnd_get_settle_index    (FakeLnd           *fake);
guint       fake_lnd_get_n_payments      (FakeLnd           *fake);

guint       fake_lnd_get_n_requests      (FakeLnd           *fake,
                                          const char        *operation_id);
JsonObject *fake_lnd_get_last_body       (FakeLnd           *fake,
                                          const char        *operation_id);
const char *fake_lnd_get_last_query      (FakeLnd           *fake,
                                          const char        *operation_id);
guint       fake_lnd_get_n_invalid       (FakeLnd           *fake);
guint       fake_lnd_get_n_refused       (FakeLnd           *fake);
guint       fake_lnd_get_n_streams       (FakeLnd           *fake);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeLnd, fake_lnd_free)

G_END_DECLS
