/* test-node.h: an in-memory Lightning node for terminus tests
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ms-lightning.h"

G_BEGIN_DECLS

#define TEST_TYPE_NODE (test_node_get_type ())

G_DECLARE_FINAL_TYPE (TestNode, test_node, TEST, NODE, GObject)

typedef enum
{
  TEST_NODE_PAY_OK,          /* pays (own invoices settle, known foreign ones succeed) */
  TEST_NODE_PAY_FAIL,        /* PAYMENT_FAILED: nothing sent */
  TEST_NODE_PAY_LOST,        /* pays, but the answer is lost (UNREACHABLE) */
  TEST_NODE_PAY_LOST_UNSENT, /* does not pay, and the answer is lost */
} TestNodePayMode;

TestNode *test_node_new                (guint64          spendable_msat);
void      test_node_set_pay_mode       (TestNode        *self,
                                        TestNodePayMode  mode);
void      test_node_set_fee            (TestNode        *self,
                                        guint64          fee_msat);
void      test_node_set_pay_delay      (TestNode        *self,
                                        guint            delay_ms);
void      test_node_set_spendable      (TestNode        *self,
                                        guint64          spendable_msat);
void      test_node_set_online         (TestNode        *self,
                                        gboolean         online);
char     *test_node_foreign_invoice    (TestNode        *self,
                                        guint64          amount_msat,
                                        const char      *currency,
                                        gint64           expiry_s) G_GNUC_WARN_UNUSED_RESULT;
gboolean  test_node_settle_externally  (TestNode        *self,
                                        const char      *bolt11);
guint     test_node_get_n_payments     (TestNode        *self);
guint64   test_node_get_paid_out_msat  (TestNode        *self);
guint     test_node_count_payments_of  (TestNode        *self,
                                        const char      *payment_hash_hex);

G_END_DECLS
