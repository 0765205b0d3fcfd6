#!/usr/bin/env python3
"""test_kannel.py -- SMS end to end through the real Kannel (bearerbox, smsbox, fake SMSC) with
fakesmsc as the phones: inbound in Vietnamese UCS-2 and unaccented text, replies through sendsms,
delivery reports, duplicates dropped, and smsbox stopped for a while losing nothing.

"Every message answered, none twice" is checked against the database: each inbound SMS is one
inbound row, and what the phones received is exactly the multiset of outbox rows (receiver,
text) -- a reply sent twice or never would break the equality."""
import collections
import os
import sqlite3
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.kannel import INBOUND_QUERY, Kannel  # noqa: E402
from lib.util import Reporter, Server, http, http_json, wait_until  # noqa: E402

r = Reporter(deadline=600)

SHORT = "8088"
TEXTS_UCS2 = ["Tôi không nhận được mã OTP", "Cách kích hoạt tài khoản định danh điện tử",
              "Tôi mới đổi điện thoại, không đăng nhập được", "Quên mật khẩu VNeID",
              "Đăng ký mức 2 cần mang gì", "Xin chào"]
TEXTS_PLAIN = ["ko nhan dc ma otp", "kich hoat vneid", "doi may moi", "tai vneid o dau",
               "lam muc 2 o dau", "cam on"]


def db_rows(db, sql, *args):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def canon(number):
    return "84" + number[1:] if number.startswith("0") else number


def outbox_for(db, numbers):
    marks = ",".join("?" * len(numbers))
    return db_rows(db, "SELECT address, text, status FROM outbox WHERE channel='sms' AND address IN (%s)"
                   % marks, *[canon(n) for n in numbers])


def inbound_for(db, numbers):
    marks = ",".join("?" * len(numbers))
    return db_rows(db, """SELECT c.address, m.text, m.external_id FROM messages m JOIN contacts c
                          ON c.id = m.contact_id WHERE m.dir='in' AND c.channel='sms'
                          AND c.address IN (%s)""" % marks, *[canon(n) for n in numbers])


def received_for(k, numbers):
    want = {canon(n) for n in numbers}
    return [(m.receiver, m.text) for m in list(k.phones.received) if m.receiver in want]


def settled(db, k, numbers, n_inbound):
    """All inbound stored, nothing left to send, and the phones got every outbox row."""
    if len(inbound_for(db, numbers)) < n_inbound:
        return False
    rows = outbox_for(db, numbers)
    if any(st in ("queued", "sending") for _, _, st in rows):
        return False
    return len(received_for(k, numbers)) >= len(rows)


def exactly_once(db, k, numbers):
    rows = outbox_for(db, numbers)
    want = collections.Counter((a, t) for a, t, _ in rows)
    got = collections.Counter(received_for(k, numbers))
    missing, extra = want - got, got - want
    return (not missing and not extra,
            "missing %d, extra %d; e.g. %r" % (sum(missing.values()), sum(extra.values()),
                                              list((missing or extra).items())[:2]))


KEY = "kw-test_123"      # KANNEL_WEBHOOK_KEY: in smsbox's get-url and in our dlr-url
srv = Server(env={"SMS_SENDER": SHORT, "SMS_RATE_PER_S": 500, "HELPDESK_OUTBOX_LEASE_MS": 8000,
                  "HELPDESK_SEND_TIMEOUT_MS": 3000, "HELPDESK_OUTBOX_BACKOFF_MAX_MS": 2000,
                  "KANNEL_WEBHOOK_KEY": KEY})
k = Kannel(srv.base_url, http_request_retry=30, http_queue_delay=1,
           inbound_query=INBOUND_QUERY + "&key=" + KEY).start()
srv.env.update({"KANNEL_SENDSMS_URL": k.sendsms_url, "KANNEL_USER": k.user,
                "KANNEL_PASSWORD": k.password})
srv.start()
db = srv.env["HELPDESK_DB"]

with r.case("one SMS in Vietnamese UCS-2 is stored exactly and answered"):
    k.phones.send("0912000100", SHORT, "Tôi không nhận được mã OTP", ucs2=True)
    got = k.phones.wait_for(1, lambda m: m.receiver == "84912000100", timeout=20)
    assert got, "no reply reached the phone"
    rows = inbound_for(db, ["0912000100"])
    assert [t for _, t, _ in rows] == ["Tôi không nhận được mã OTP"], rows
    assert all(ord(c) < 128 for c in got[0].text), got[0].text
    (intent,) = db_rows(db, "SELECT intent FROM messages WHERE dir='in' AND text = ?",
                        "Tôi không nhận được mã OTP")[0]
    assert intent == "otp_not_received", intent

with r.case("delivery reports mark the reply delivered"):
    ok = wait_until(lambda: all(st == "delivered" for _, _, st in outbox_for(db, ["0912000100"])), 15)
    assert ok, outbox_for(db, ["0912000100"])

numbers = ["09120002%02d" % i for i in range(20)]
sent = 0
with r.case("200 SMS from 20 numbers, UCS-2 and unaccented, all stored once"):
    for rnd in range(10):
        for i, n in enumerate(numbers):
            pick = (rnd + i) // 2
            if (rnd + i) % 2:
                k.phones.send(n, SHORT, TEXTS_UCS2[pick % len(TEXTS_UCS2)], ucs2=True)
            else:
                k.phones.send(n, SHORT, TEXTS_PLAIN[pick % len(TEXTS_PLAIN)])
            sent += 1
    assert sent == 200
    assert wait_until(lambda: settled(db, k, numbers, 200), 120), \
        (len(inbound_for(db, numbers)), len(outbox_for(db, numbers)), len(received_for(k, numbers)))
    rows = inbound_for(db, numbers)
    assert len(rows) == 200, len(rows)
    assert len({x for _, _, x in rows}) == 200, "Kannel ids are not all distinct"
    texts = collections.Counter(t for _, t, _ in rows)
    assert texts["Tôi không nhận được mã OTP"] > 0 and texts["ko nhan dc ma otp"] > 0, texts

with r.case("every one of the 200 answered, none twice"):
    ok, why = exactly_once(db, k, numbers)
    assert ok, why
    per_number = collections.Counter(a for a, _ in received_for(k, numbers))
    assert len(per_number) == 20 and min(per_number.values()) >= 10, per_number

with r.case("a repeated Kannel id is dropped and answered once"):
    q = urllib.parse.urlencode({"from": "+84912000300", "to": SHORT, "text": "kich hoat vneid",
                                "smsc": "FAKE", "ts": "1700000000", "coding": "0",
                                "charset": "UTF-8", "id": "5f1c2d1e-0000-4000-8000-000000000001",
                                "key": KEY})
    st1, _, b1 = http_json("GET", srv.url("/webhooks/kannel?" + q))
    st2, _, b2 = http_json("POST", srv.url("/webhooks/kannel"), q,
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert (st1, b1["status"]) == (200, "accepted"), (st1, b1)
    assert (st2, b2["status"]) == (200, "duplicate"), (st2, b2)
    assert len(inbound_for(db, ["0912000300"])) == 1
    assert wait_until(lambda: k.phones.wait_for(1, lambda m: m.receiver == "84912000300", 0.1), 20)
    time.sleep(1.5)
    assert len(outbox_for(db, ["0912000300"])) == len(k.phones.to("84912000300")), \
        (outbox_for(db, ["0912000300"]), k.phones.to("84912000300"))

with r.case("0912..., 84912... and +84912... are one contact"):
    for i, frm in enumerate(["0912000301", "84912000301", "+84912000301"]):
        q = urllib.parse.urlencode({"from": frm, "to": SHORT, "text": "cam on", "coding": "0",
                                    "charset": "UTF-8", "id": "5f1c2d1e-0000-4000-8000-00000000030%d" % i,
                                    "key": KEY})
        st, _, _ = http("GET", srv.url("/webhooks/kannel?" + q))
        assert st == 200, st
    rows = db_rows(db, "SELECT count(*) FROM contacts WHERE channel='sms' AND address LIKE '%912000301'")
    assert rows[0][0] == 1, rows

with r.case("a malformed Kannel request gets 400 with a JSON error and is not stored"):
    st, _, body = http_json("GET", srv.url("/webhooks/kannel?to=8088&text=hello&id=x1&key=" + KEY))
    assert st == 400 and body["error"]["message"], (st, body)
    st, _, body = http_json("GET", srv.url("/webhooks/kannel?from=hello&to=8088&text=hi&id=x2&key=" + KEY))
    assert st == 400, (st, body)

with r.case("without the webhook key (or with a wrong one) Kannel's webhooks answer 403"):
    good = "from=0912000999&to=8088&text=STOP&coding=0&charset=UTF-8&id=x3"
    for extra in ("", "&key=wrong", "&key=" + KEY[:-1]):
        st, _, body = http_json("GET", srv.url("/webhooks/kannel?" + good + extra))
        assert st == 403 and body["error"]["code"] == "forbidden", (extra, st, body)
    st, _, body = http_json("GET", srv.url("/webhooks/kannel/dlr?outbox=1&status=1"))
    assert st == 403, (st, body)
    assert db_rows(db, "SELECT count(*) FROM messages WHERE external_id = 'x3'")[0][0] == 0
    assert db_rows(db, "SELECT count(*) FROM messages WHERE external_id IN ('x1','x2')")[0][0] == 0

late = ["09120004%02d" % i for i in range(10)]
with r.case("smsbox stopped for a while: nothing lost, replies go out once it is back"):
    k.stop_smsbox()
    for i, n in enumerate(late):
        k.phones.send(n, SHORT, TEXTS_UCS2[i % len(TEXTS_UCS2)], ucs2=True)
        k.phones.send(n, SHORT, TEXTS_PLAIN[i % len(TEXTS_PLAIN)])
    time.sleep(3)
    assert not received_for(k, late), "replies while smsbox was down?"
    k.start_smsbox()
    assert wait_until(lambda: settled(db, k, late, 20), 90), \
        (len(inbound_for(db, late)), outbox_for(db, late)[:3], len(received_for(k, late)))
    ok, why = exactly_once(db, k, late)
    assert ok, why

with r.case("the server's log holds no message text and no password"):
    log = srv.log_text()
    for t in TEXTS_UCS2 + TEXTS_PLAIN + [k.password]:
        assert t not in log, "found %r in the log" % t

srv.stop()
k.stop()
r.finish()
