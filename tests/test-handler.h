/* test-handler.h: a provider handler for tests
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "moneysocket.h"

G_BEGIN_DECLS

#define TEST_TYPE_HANDLER (test_handler_get_type ())

G_DECLARE_FINAL_TYPE (TestHandler, test_handler, TEST, HANDLER, GObject)

/* Every payment "succeeds" with this preimage; every invoice is for its hash. */
#define TEST_HANDLER_PREIMAGE \
  "0101010101010101010101010101010101010101010101010101010101010101"
/* Invoice requests for this many msats and payments of this bolt11 fail. */
#define TEST_HANDLER_FAIL_MSATS  666
#define TEST_HANDLER_FAIL_BOLT11 "lnbcfail"
#define TEST_HANDLER_FAIL_TEXT   "insufficent account balance"

TestHandler *test_handler_new             (void);
const char  *test_handler_get_bolt11      (TestHandler *self);
void         test_handler_set_pay_delay   (TestHandler *self,
                                           guint        delay_ms);
guint        test_handler_get_n_invoices  (TestHandler *self);
guint        test_handler_get_n_payments  (TestHandler *self);

G_END_DECLS
