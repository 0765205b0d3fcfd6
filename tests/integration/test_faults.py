#!/usr/bin/env python3
"""test_faults.py -- faults that must turn into a quick 503 and heal by themselves.

  * a locked database (another process holds BEGIN EXCLUSIVE): webhooks answer 503 with
    Retry-After within a bound, nothing of them is stored, and the same message retried after
    the lock is released is accepted once;
  * overload: 100 requests at once while every handler is stuck: most get 503 at once, none
    hangs, /metrics answers meanwhile, and the server serves normally afterwards; slow clients
    holding half-sent requests do not block anyone;
  * a full disk (the database on a small tmpfs, filled up): 503, no half-written message, and
    recovery without a restart once space is freed (needs root for the mount; skipped otherwise);
  * one sender flooding: its messages are all stored but answered only up to the rate, with one
    "slow down" notice, and the other senders' latency stays low while it floods.
"""
import concurrent.futures
import errno
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.promtext import parse, val  # noqa: E402
from lib.util import Reporter, Server, http, http_json, make_tmpdir, on_exit  # noqa: E402

r = Reporter(deadline=300)

BUSY_TIMEOUT_S = 5.0     # SQLite's busy timeout in src/store/store.c
WAIT_MS = 1000           # HELPDESK_QUEUE_WAIT_MS of these servers


def kannel(srv, frm, text, msg_id, timeout=20):
    """One inbound SMS webhook -> (status, headers, body dict or None, seconds)."""
    q = urllib.parse.urlencode({"from": frm, "to": "8088", "text": text, "coding": "0",
                                "charset": "UTF-8", "id": msg_id})
    t = time.monotonic()
    st, hdrs, body = http_json("GET", srv.url("/webhooks/kannel?" + q), timeout=timeout)
    return st, hdrs, body, time.monotonic() - t


def db_one(db, sql, *args):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql, args).fetchone()[0]
    finally:
        con.close()


def metrics(srv):
    st, _, body = http("GET", srv.url("/metrics"), timeout=5)
    assert st == 200, st
    return parse(body.decode("utf-8"))[0]


class Lock:
    """Another process's write lock on the database: BEGIN EXCLUSIVE, held until release()."""

    def __init__(self, db):
        self.con = sqlite3.connect(db, isolation_level=None, timeout=10)
        self.con.execute("BEGIN EXCLUSIVE")

    def release(self):
        if self.con:
            self.con.execute("ROLLBACK")
            self.con.close()
            self.con = None


def stored(db, msg_id):
    return db_one(db, "SELECT count(*) FROM messages WHERE dir = 'in' AND external_id = ?", msg_id)


def half_written(db):
    """Inbound messages answered by the bot whose replies are missing: must be none. (A message
    of a known contact is 'received' with at least one outbound row after it.)"""
    return db_one(db, """SELECT count(*) FROM messages i WHERE i.dir = 'in' AND i.status = 'received'
                         AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.contact_id = i.contact_id
                                         AND o.dir = 'out' AND o.id > i.id)""")


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


BASE_ENV = {"HELPDESK_HTTP_THREADS": "2", "HELPDESK_QUEUE_WAIT_MS": str(WAIT_MS),
            "HELPDESK_SENDER_RATE_PER_MIN": "0"}

# ---------------------------------------------------------------------------------------------
# A locked database

srv = Server(BASE_ENV).start()
db = srv.env["HELPDESK_DB"]

with r.case("locked database: the webhook answers 503 with Retry-After within the busy timeout"):
    st, _, b, _ = kannel(srv, "0912100001", "xin chao", "warm-1")
    assert (st, b["status"]) == (200, "accepted"), (st, b)
    lock = Lock(db)
    try:
        st, hdrs, b, secs = kannel(srv, "0912100002", "ko nhan dc otp", "lock-1")
        assert st == 503, (st, b)
        assert b and b["error"]["code"] == "busy", b
        assert hdrs.get("Retry-After"), dict(hdrs)
        assert secs < BUSY_TIMEOUT_S + 2.0, "took %.1fs" % secs
        # Readers are not blocked (WAL): metrics and health answer during the lock.
        t = time.monotonic()
        m = metrics(srv)
        assert time.monotonic() - t < 1.0
        assert val(m, "errors_total", kind="db_busy") >= 1, val(m, "errors_total", kind="db_busy")
        assert http("GET", srv.url("/healthz"), timeout=5)[0] == 200
    finally:
        lock.release()

with r.case("locked database: nothing of the refused message was kept; its retry is accepted once"):
    assert stored(db, "lock-1") == 0
    assert db_one(db, "SELECT count(*) FROM contacts WHERE address LIKE '%912100002'") == 0
    st, _, b, secs = kannel(srv, "0912100002", "ko nhan dc otp", "lock-1")
    assert (st, b["status"]) == (200, "accepted"), (st, b)
    assert secs < 2.0, secs
    assert stored(db, "lock-1") == 1
    assert half_written(db) == 0, half_written(db)

srv.stop()

# ---------------------------------------------------------------------------------------------
# Overload

srv = Server(dict(BASE_ENV, HELPDESK_MAX_INFLIGHT="8")).start()
db = srv.env["HELPDESK_DB"]
N = 100

with r.case("overload: 100 requests while every handler is stuck: most 503 at once, none hangs"):
    m0 = metrics(srv)
    lock = Lock(db)
    results = []
    metrics_secs = []
    try:
        def one(i):
            try:
                st, hdrs, b, secs = kannel(srv, "09121002%02d" % i, "kich hoat vneid", "ov-%d" % i)
                return st, secs, hdrs.get("Retry-After")
            except OSError as e:  # a timeout here is the failure this case is about
                return "error: %s" % e, None, None

        def watch():
            # A monitoring scrape while the handler threads are saturated.
            time.sleep(1.0)
            t = time.monotonic()
            metrics(srv)
            metrics_secs.append(time.monotonic() - t)

        w = threading.Thread(target=watch)
        w.start()
        with concurrent.futures.ThreadPoolExecutor(N) as ex:
            results = list(ex.map(one, range(N)))
        w.join()
    finally:
        lock.release()
    errors = [x for x in results if not isinstance(x[0], int)]
    assert not errors, errors[:3]
    statuses = [st for st, _, _ in results]
    assert all(st == 503 for st in statuses), sorted(set(statuses))
    assert all(ra for _, _, ra in results), "a 503 without Retry-After"
    fast = [s for _, s, _ in results if s < 0.5]
    slowest = max(s for _, s, _ in results)
    assert len(fast) >= N - 8 - 4, "only %d of %d answered within 0.5 s" % (len(fast), N)
    assert slowest < BUSY_TIMEOUT_S + WAIT_MS / 1000.0 + 2.0, "slowest %.1fs" % slowest
    assert metrics_secs and metrics_secs[0] < 1.0, metrics_secs
    m1 = metrics(srv)
    overload = val(m1, "errors_total", kind="overload") - val(m0, "errors_total", kind="overload")
    assert overload >= N - 8 - 4, (overload, len(fast))
    assert val(m1, "http_requests_total", route="/webhooks/kannel", status="503") == N
    r.note("overload: %d of %d refused within 0.5 s, slowest answer %.2fs, metrics in %.3fs"
           % (len(fast), N, slowest, metrics_secs[0]))

with r.case("overload: afterwards the server is healthy and every refused message is accepted"):
    assert http("GET", srv.url("/healthz"), timeout=5)[0] == 200
    assert db_one(db, "SELECT count(*) FROM messages WHERE external_id LIKE 'ov-%'") == 0
    # Fewer at once than HELPDESK_MAX_INFLIGHT (8): none is refused now.
    with concurrent.futures.ThreadPoolExecutor(6) as ex:
        again = list(ex.map(lambda i: kannel(srv, "09121002%02d" % i, "kich hoat vneid", "ov-%d" % i),
                            range(N)))
    assert all((st, b["status"]) == (200, "accepted") for st, _, b, _ in again), \
        sorted({st for st, _, _, _ in again})
    assert max(s for _, _, _, s in again) < 3.0
    assert db_one(db, "SELECT count(*) FROM messages WHERE external_id LIKE 'ov-%'") == N
    assert half_written(db) == 0

with r.case("slow clients: 300 connections holding half-sent requests block nobody"):
    socks = []
    try:
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            s.sendall(b"GET /webhooks/kannel?from=0912 HTTP/1.1\r\nHost: x\r\n")   # never finished
            socks.append(s)
        for i in range(5):
            st, _, b, secs = kannel(srv, "0912100300", "xin chao", "slow-%d" % i)
            assert (st, b["status"]) == (200, "accepted") and secs < 1.0, (st, b, secs)
    finally:
        for s in socks:
            s.close()

srv.stop()

# ---------------------------------------------------------------------------------------------
# A full disk

mnt = make_tmpdir("tmpfs")
mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt],
                         capture_output=True, text=True).returncode == 0
if not mounted:
    r.note("full disk: SKIPPED (cannot mount a tmpfs here; needs root)")
else:
    @on_exit
    def _umount():
        subprocess.run(["umount", "-l", mnt], capture_output=True)

    srv = Server(dict(BASE_ENV, HELPDESK_DB=os.path.join(mnt, "helpdesk.db"))).start()
    db = srv.env["HELPDESK_DB"]
    filler = os.path.join(mnt, "filler")
    LONG = "Tôi đã cài ứng dụng VNeID nhưng không nhận được mã kích hoạt, " * 12
    accepted, refused = [], []

    with r.case("full disk: writes fail with 503 (never 500, never a hang)"):
        for i in range(3):
            st, _, b, _ = kannel(srv, "09121004%02d" % i, LONG, "full-warm-%d" % i)
            assert st == 200, (st, b)
            accepted.append(("09121004%02d" % i, "full-warm-%d" % i))
        # Unbuffered: the write that does not fit fails here, and closing the
        # file has nothing left to flush (which would raise ENOSPC again).
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
        # Pages already in the WAL file are reused without new space; keep writing until the
        # database has to grow.
        for i in range(600):
            frm, mid = "09121005%02d" % (i % 100), "full-%d" % i
            st, hdrs, b, secs = kannel(srv, frm, LONG, mid)
            assert st in (200, 503), (st, b)
            assert secs < BUSY_TIMEOUT_S, secs
            if st == 200:
                accepted.append((frm, mid))
                continue
            assert b["error"]["code"] == "busy" and hdrs.get("Retry-After"), (b, dict(hdrs))
            refused.append((frm, mid))
            if len(refused) >= 5:
                break
        assert len(refused) >= 5, "the disk never filled up (%d accepted)" % len(accepted)
        m = metrics(srv)
        assert val(m, "errors_total", kind="db_io") >= 5, val(m, "errors_total", kind="db_io")
        assert http("GET", srv.url("/healthz"), timeout=5)[0] == 200   # reads still work
        r.note("full disk: %d accepted, then 503" % len(accepted))

    with r.case("full disk: nothing half-written; recovery by itself once space is freed"):
        for _, mid in refused:
            assert stored(db, mid) == 0, mid
        for _, mid in accepted:
            assert stored(db, mid) == 1, mid
        os.remove(filler)
        for frm, mid in refused:
            st, _, b, _ = kannel(srv, frm, LONG, mid)
            assert (st, b["status"]) == (200, "accepted"), (mid, st, b)
        st, _, b, _ = kannel(srv, "0912100600", "xin chao", "full-after")
        assert (st, b["status"]) == (200, "accepted"), (st, b)
        for _, mid in refused:
            assert stored(db, mid) == 1, mid
        assert half_written(db) == 0, half_written(db)
        assert db_one(db, "PRAGMA integrity_check") == "ok"

    srv.stop()

# ---------------------------------------------------------------------------------------------
# One sender flooding

RATE = 30                         # a minute; bursts of RATE // 3
BURST = RATE // 3
srv = Server(dict(BASE_ENV, HELPDESK_SENDER_RATE_PER_MIN=str(RATE))).start()
db = srv.env["HELPDESK_DB"]
FLOODER = "0912109999"
OTHERS = ["09121098%02d" % i for i in range(10)]


def others_round(numbers, tag):
    """Each number sends 3 messages, 0.1 s apart, all numbers at once -> latencies, statuses."""
    def one(n):
        out = []
        for k in range(3):
            st, _, b, secs = kannel(srv, n, "quen mat khau vneid", "%s-%s-%d" % (tag, n, k))
            out.append((st, b and b.get("status"), secs))
            time.sleep(0.1)
        return out
    with concurrent.futures.ThreadPoolExecutor(len(numbers)) as ex:
        return [x for res in ex.map(one, numbers) for x in res]


def no_accent(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn").lower()


with r.case("flood: the other senders' latency stays low while one sender floods"):
    base = others_round(["09121097%02d" % i for i in range(10)], "base")
    assert all(st == 200 for st, _, _ in base), base
    flood_results = []
    stop = threading.Event()
    counter = iter(range(100000))
    counter_lock = threading.Lock()

    def flood():
        while not stop.is_set():
            with counter_lock:
                i = next(counter)
            st, _, b, secs = kannel(srv, FLOODER, "alo alo", "flood-%d" % i)
            flood_results.append((i, st, b and b.get("status")))

    t_flood = time.monotonic()
    flooders = [threading.Thread(target=flood) for _ in range(8)]
    for t in flooders:
        t.start()
    time.sleep(1.0)                    # the flood is on
    during = others_round(OTHERS, "during")
    time.sleep(1.0)
    stop.set()
    for t in flooders:
        t.join()
    flood_secs = time.monotonic() - t_flood
    assert all((st, s) == (200, "accepted") for st, s, _ in during), during
    lat_base, lat_during = [x[2] for x in base], [x[2] for x in during]
    p95_base, p95_during = percentile(lat_base, 95), percentile(lat_during, 95)
    r.note("flood: %d messages in %.1fs from one sender; others p95 %.1f ms (alone %.1f ms), max %.1f ms"
           % (len(flood_results), flood_secs, p95_during * 1000, p95_base * 1000, max(lat_during) * 1000))
    assert len(flood_results) >= 100, "the flood was too weak to test anything: %d" % len(flood_results)
    assert p95_during < max(0.25, 4 * p95_base), (p95_during, p95_base)
    assert max(lat_during) < 1.0, max(lat_during)

with r.case("flood: every message of the flooder is stored, answered only up to the rate"):
    assert all((st, s) == (200, "accepted") for _, st, s in flood_results), \
        {(st, s) for _, st, s in flood_results}
    cid = db_one(db, "SELECT id FROM contacts WHERE address LIKE '%912109999'")
    n_in = db_one(db, "SELECT count(*) FROM messages WHERE contact_id = ? AND dir = 'in'", cid)
    answered = db_one(db, "SELECT count(*) FROM messages WHERE contact_id = ? AND dir = 'in'"
                          " AND status = 'received'", cid)
    throttled = db_one(db, "SELECT count(*) FROM messages WHERE contact_id = ? AND dir = 'in'"
                           " AND status = 'throttled'", cid)
    assert n_in == len(flood_results) == answered + throttled, (n_in, len(flood_results), answered, throttled)
    allowed = BURST + int(flood_secs * RATE / 60.0) + 1
    assert BURST <= answered <= allowed, (answered, allowed)
    # Others were never throttled, and each of their messages was answered.
    assert db_one(db, "SELECT count(*) FROM messages WHERE status = 'throttled' AND contact_id <> ?", cid) == 0
    assert half_written(db) == 0
    m = metrics(srv)
    assert val(m, "messages_throttled_total", channel="sms") == throttled, \
        (val(m, "messages_throttled_total", channel="sms"), throttled)

with r.case("flood: one polite notice from messages/ (slow_down), not one per message"):
    import json
    with open(os.path.join(srv.env["HELPDESK_MESSAGES"], "flow.json"), encoding="utf-8") as f:
        notice = json.load(f)["texts"]["slow_down"]
    key = no_accent(notice)[:40]
    outs = [t for (t,) in sqlite3.connect(db).execute(
        "SELECT text FROM outbox WHERE contact_id = ?", (cid,))]
    notices = [t for t in outs if no_accent(t).startswith(key)]
    assert len(notices) == 1, (len(notices), len(outs))
    # A retried throttled message is a duplicate, as always.
    tid = db_one(db, "SELECT external_id FROM messages WHERE contact_id = ? AND status = 'throttled'"
                     " LIMIT 1", cid)
    st, _, b, _ = kannel(srv, FLOODER, "alo alo", tid)
    assert (st, b["status"]) == (200, "duplicate"), (st, b)

with r.case("flood: once the sender slows down it is answered again"):
    time.sleep(60.0 / RATE + 0.3)     # one token
    st, _, b, _ = kannel(srv, FLOODER, "quen mat khau", "flood-after")
    assert (st, b["status"]) == (200, "accepted"), (st, b)
    assert db_one(db, "SELECT status FROM messages WHERE external_id = 'flood-after'") == "received"

srv.stop()
r.finish()
