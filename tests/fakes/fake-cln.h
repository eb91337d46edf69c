/* fake-cln.h
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A fake lightningd in the test process: the JSON-RPC `lightning-rpc` unix
 * socket and a CLNRest HTTPS endpoint on 127.0.0.1, both in front of the
 * same books (invoices, payments, settlements). Every request is checked
 * against the request schema of MS_CONTRACTS_DIR/cln/<method>.json and
 * every answer against its response schema; a request outside the contract
 * gets lightningd's "invalid params" error and is recorded as a violation,
 * which the test then fails on. Answers start from the schemas' examples.
 *
 * Payments go to "the network": invoices of this node (a self-payment
 * settles them) and invoices of a remote node registered with
 * fake_cln_add_remote_invoice(); an invoice nobody knows fails at the
 * destination (error 203), as it would on a real network.
 */

typedef struct _FakeCln FakeCln;

#define FAKE_CLN_RUNE "DnqDb1SY4wZ6Mx1eYzfYTRWvcuSDk0VAhM1XTXPhgqM9MA=="

FakeCln    *fake_cln_new                  (const char     *contracts_dir,
                                           GError        **error);
void        fake_cln_free                 (FakeCln        *fake);

gboolean    fake_cln_listen_rpc           (FakeCln        *fake,
                                           GError        **error);
gboolean    fake_cln_listen_rest          (FakeCln        *fake,
                                           GTlsCertificate *certificate,
                                           GError        **error);
void        fake_cln_go_down              (FakeCln        *fake);
gboolean    fake_cln_come_back            (FakeCln        *fake,
                                           GError        **error);

const char *fake_cln_get_socket_path      (FakeCln        *fake);
const char *fake_cln_get_rest_url         (FakeCln        *fake);
const char *fake_cln_get_node_id          (FakeCln        *fake);
GPtrArray  *fake_cln_get_violations       (FakeCln        *fake);
guint       fake_cln_get_n_calls          (FakeCln        *fake,
                                           const char     *method);
guint       fake_cln_get_n_payments       (FakeCln        *fake);
guint64     fake_cln_get_last_maxfee      (FakeCln        *fake);
guint       fake_cln_get_n_invoices       (FakeCln        *fake);
char       *fake_cln_dup_invoice_label    (FakeCln        *fake,
                                           const guint8   *payment_hash);
char       *fake_cln_dup_invoice_preimage (FakeCln        *fake,
                                           const guint8   *payment_hash);
char       *fake_cln_dup_invoice_status   (FakeCln        *fake,
                                           const guint8   *payment_hash);

char       *fake_cln_add_remote_invoice   (FakeCln        *fake,
                                           guint64         amount_msat,
                                           gint64          age_s,
                                           guint           expiry_s,
                                           gboolean        known,
                                           guint8          preimage[32]);
gboolean    fake_cln_settle_invoice       (FakeCln        *fake,
                                           const guint8   *payment_hash,
                                           guint64         amount_msat);

void        fake_cln_set_missing          (FakeCln        *fake,
                                           const char     *method,
                                           gboolean        missing);
void        fake_cln_set_pay_delay        (FakeCln        *fake,
                                           guint           ms);
void        fake_cln_drop_next            (FakeCln        *fake,
                                           const char     *method);
void        fake_cln_hang_next            (FakeCln        *fake,
                                           const char     *method);
void        fake_cln_set_raw_result       (FakeCln        *fake,
                                           const char     *method,
                                           const char     *json);
void        fake_cln_set_raw_reply        (FakeCln        *fake,
                                           const char     *method,
                                           const char     *bytes);
void        fake_cln_set_legacy_amounts   (FakeCln        *fake,
                                           gboolean        legacy);
void        fake_cln_set_quote_rune       (FakeCln        *fake,
                                           gboolean        quote);

G_END_DECLS
