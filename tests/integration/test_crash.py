#!/usr/bin/env python3
"""test_crash.py -- SIGKILL the server in the middle of an SMS load, again and again, and check
that no accepted message is lost and no reply goes out twice.

Why it can hold: an inbound SMS is answered 200 only after its transaction (inbound row, state,
outbox rows) commits, and smsbox retries until it gets that 200 -- a repeat of a committed
message is dropped by its Kannel id. A reply is claimed ('sending', committed) before the
sendsms call; if the process dies after the call, Kannel's delivery report (retried by smsbox
until we answer) settles the row, and only rows with no report by the end of their lease are
sent again. The test compares what the phones received with the outbox rows: equal multisets.

CRASH_KILLS (default 20) sets the number of kills."""
import collections
import os
import random
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.kannel import Kannel  # noqa: E402
from lib.util import Reporter, Server, wait_until  # noqa: E402

KILLS = int(os.environ.get("CRASH_KILLS", "20"))
r = Reporter(deadline=900)
SHORT = "8088"
TEXTS = [("Tôi không nhận được mã OTP", True), ("kich hoat vneid", False),
         ("Tôi mới đổi điện thoại", True), ("quen mat khau", False),
         ("Đăng ký mức 2 ở đâu", True), ("tai app vneid", False), ("van khong duoc", False)]
numbers = ["09130%05d" % i for i in range(30)]
canon = {n: "84" + n[1:] for n in numbers}


def q(db, sql, *args):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


srv = Server(env={"SMS_SENDER": SHORT, "SMS_RATE_PER_S": 300, "HELPDESK_OUTBOX_LEASE_MS": 4000,
                  "HELPDESK_SEND_TIMEOUT_MS": 2000, "HELPDESK_OUTBOX_BACKOFF_MAX_MS": 1000})
k = Kannel(srv.base_url, http_request_retry=120, http_queue_delay=1).start()
srv.env.update({"KANNEL_SENDSMS_URL": k.sendsms_url, "KANNEL_USER": k.user,
                "KANNEL_PASSWORD": k.password})
srv.start()
db = srv.env["HELPDESK_DB"]

sent = []
done = threading.Event()


# Spread the load over the kills, so that every kill lands while messages come in.
DELAY = max(0.004, KILLS * 0.6 / 300)


def phones():
    rnd = random.Random(11)
    for i in range(10):
        for n in numbers:
            text, ucs2 = TEXTS[rnd.randrange(len(TEXTS))]
            text = "%s %d" % (text, len(sent))       # every message is unique
            k.phones.send(n, SHORT, text, ucs2=ucs2)
            sent.append((canon[n], text))
            time.sleep(DELAY)
    done.set()


t = threading.Thread(target=phones, daemon=True)
t.start()
rnd = random.Random(5)
kills = 0
with r.case("%d SIGKILLs during the load, each followed by a restart" % KILLS):
    while kills < KILLS:
        time.sleep(rnd.uniform(0.2, 0.9))
        srv.kill()
        kills += 1
        srv.start()
    t.join(300)
    assert done.is_set(), "the phones did not finish sending"

addresses = list(canon.values())
marks = ",".join("?" * len(addresses))


def inbound():
    return q(db, """SELECT c.address, m.text FROM messages m JOIN contacts c ON c.id = m.contact_id
                    WHERE m.dir = 'in' AND c.channel = 'sms' AND c.address IN (%s)""" % marks,
             *addresses)


def outbox():
    return q(db, "SELECT address, text, status FROM outbox WHERE address IN (%s)" % marks,
             *addresses)


def received():
    want = set(addresses)
    return [(m.receiver, m.text) for m in list(k.phones.received) if m.receiver in want]


def settled():
    if len(inbound()) < len(sent):
        return False
    rows = outbox()
    if any(st in ("queued", "sending") for _, _, st in rows):
        return False
    return len(received()) >= len(rows)


with r.case("every accepted message is stored exactly once"):
    ok = wait_until(settled, 180, interval=0.5)
    got = collections.Counter(inbound())
    want = collections.Counter(sent)
    assert got == want, "lost %d, doubled %d" % (sum((want - got).values()), sum((got - want).values()))
    assert ok, "not settled: %d outbox rows, %d received" % (len(outbox()), len(received()))

with r.case("every reply went out, none twice"):
    time.sleep(2)       # anything late would show now
    want = collections.Counter((a, t) for a, t, _ in outbox())
    got = collections.Counter(received())
    missing, extra = want - got, got - want
    assert not missing and not extra, "missing %d, twice %d: %r" % (
        sum(missing.values()), sum(extra.values()), list((missing or extra).items())[:3])
    per = collections.Counter(a for a, _ in received())
    assert min(per[a] for a in addresses) >= 10, per

with r.case("the kills interrupted real work (some replies were claimed when the server died)"):
    (n,) = q(db, "SELECT count(*) FROM outbox WHERE attempts > 1 OR last_error = 'interrupted'")[0]
    print("     interrupted sends: %d; server starts: %d" % (n, srv.starts))
    assert srv.starts == KILLS + 1, srv.starts

with r.case("no reply was left failed"):
    bad = [(a, st) for a, _, st in outbox() if st not in ("sent", "delivered")]
    assert not bad, bad[:5]

srv.stop()
k.stop()
r.finish()
