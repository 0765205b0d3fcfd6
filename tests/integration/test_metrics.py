#!/usr/bin/env python3
"""test_metrics.py -- GET /metrics on the real server.

Scrapes before and after known traffic and checks that each counter moved by exactly what was
sent; that the page parses as Prometheus text format 0.0.4 (a small parser below, strict about
what a scraper relies on: TYPE before samples, no duplicate series, cumulative buckets); that
unknown paths do not create series (the route label is the route's pattern, never the raw path);
that the gauges match the database; and that HELPDESK_METRICS_TOKEN closes the page."""
import os
import re
import sqlite3
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.promtext import parse, val  # noqa: E402
from lib.util import RecordingHTTPServer, Reporter, Server, http, http_json, wait_until  # noqa: E402

r = Reporter(deadline=180)

def scrape(srv, headers=None):
    st, hdrs, body = http("GET", srv.url("/metrics"), headers=headers)
    assert st == 200, (st, body[:300])
    ctype = hdrs.get("Content-Type", "")
    assert ctype.startswith("text/plain") and "version=0.0.4" in ctype, ctype
    return parse(body.decode("utf-8"))[0]


def kannel(srv, frm, text, msg_id):
    q = urllib.parse.urlencode({"from": frm, "to": "8088", "text": text, "coding": "0",
                                "charset": "UTF-8", "id": msg_id})
    return http_json("GET", srv.url("/webhooks/kannel?" + q))


def db_one(db, sql, *args):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchone()[0]
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------

with r.case("the parser itself refuses what a scraper would refuse"):
    good = ("# HELP a_total x\n# TYPE a_total counter\na_total{k=\"v\\\"w\"} 3\n"
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3.5\nh_count 2\n")
    s, _ = parse(good)
    assert val(s, "a_total", k='v"w') == 3 and val(s, "h_count") == 2, s
    for bad in ("a 1\n",                                                   # no TYPE
                "# TYPE a counter\na 1\na 2\n",                            # duplicate series
                "# TYPE a counter\na{k=v} 1\n",                            # unquoted label
                "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
                "# TYPE a counter\na 1"):                                  # no final newline
        try:
            parse(bad)
        except ValueError:
            continue
        raise AssertionError("parsed although malformed: %r" % bad)

sender = RecordingHTTPServer(lambda req: (202, b"0: Accepted for delivery")).start()
srv = Server({"HELPDESK_HTTP_THREADS": "2"}).start()   # nothing sends: KANNEL_SENDSMS_URL unset
db = srv.env["HELPDESK_DB"]

before = None
with r.case("a scrape before any traffic parses; gauges read the empty database"):
    before = scrape(srv)
    assert val(before, "store_up") == 1, before
    assert val(before, "outbox_depth", channel="sms") == 0
    assert val(before, "cases_open") == 0 and val(before, "cases_overdue") == 0
    assert val(before, "process_resident_memory_bytes") > 1e6
    assert val(before, "messages_in_total", channel="sms") == 0

N = 5
with r.case("counters move by exactly the traffic sent"):
    for i in range(N):
        st, _, b = kannel(srv, "091200100%d" % i, "ko nhan dc ma otp", "m-%d" % i)
        assert (st, b["status"]) == (200, "accepted"), (st, b)
    st, _, b = kannel(srv, "0912001000", "ko nhan dc ma otp", "m-0")      # provider retry
    assert (st, b["status"]) == (200, "duplicate"), (st, b)
    st, _, _ = http("GET", srv.url("/webhooks/kannel?to=8088&text=x&id=bad"))  # no sender
    assert st == 400, st
    for path in ("/nope/1", "/nope/2?x=1", "/api/v1/cases/abc"):
        st, _, _ = http("GET", srv.url(path))
        assert st == 404, (path, st)
    st, _, _ = http("DELETE", srv.url("/healthz"))
    assert st == 405, st
    for _ in range(3):
        assert http("GET", srv.url("/healthz"))[0] == 200
    after = scrape(srv)

    def delta(name, **labels):
        return val(after, name, **labels) - val(before, name, **labels)

    assert delta("http_requests_total", route="/webhooks/kannel", status="200") == N + 1
    assert delta("http_requests_total", route="/webhooks/kannel", status="400") == 1
    assert delta("http_requests_total", route="unmatched", status="404") == 3
    assert delta("http_requests_total", route="/healthz", status="200") == 3
    assert delta("http_requests_total", route="/healthz", status="405") == 1
    assert delta("http_requests_total", route="/metrics", status="200") == 1   # the first scrape
    assert delta("http_request_duration_seconds_count", route="/webhooks/kannel") == N + 2
    assert delta("http_request_duration_seconds_sum", route="/webhooks/kannel") > 0
    assert delta("messages_in_total", channel="sms") == N, "duplicates and bad requests are not messages"
    assert delta("messages_in_total", channel="zalo") == 0
    queued = db_one(db, "SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')")
    assert queued >= N, queued
    assert val(after, "outbox_depth", channel="sms") == queued, (val(after, "outbox_depth", channel="sms"), queued)
    assert val(after, "outbox_oldest_seconds", channel="sms") >= 0
    assert val(after, "errors_total", kind="internal") == 0

with r.case("unknown paths never create series; route labels are patterns"):
    s1 = scrape(srv)
    for i in range(50):
        http("GET", srv.url("/random/%d/%s" % (i, "x" * i)))
        http("POST", srv.url("/webhooks/kannel/%d" % i))
        http("GET", srv.url("/api/v1/cases/%d" % (1000 + i)))   # a real pattern: 401, one series
    s2 = scrape(srv)
    new = {k for k in s2 if k not in s1}
    routes = {dict(l).get("route") for (_, l) in s2 if "route" in dict(l)}
    assert all(rt == "unmatched" or rt.startswith("/") and not re.search(r"/\d", rt) for rt in routes), routes
    assert "/api/v1/cases/{id}" in routes, routes
    # 50 unknown paths and 50 ids: only the series of "unmatched 404" and "/api/v1/cases/{id} 401"
    # (and their histograms) can be new.
    allowed = {"unmatched", "/api/v1/cases/{id}", "/metrics"}
    assert all(dict(l).get("route") in allowed for (_, l) in new), sorted(new, key=str)[:10]
    assert val(s2, "http_requests_total", route="unmatched", status="404") - \
        val(s1, "http_requests_total", route="unmatched", status="404") == 100
    assert len(s2) < 200, len(s2)

with r.case("cases_open and cases_overdue count the database's cases"):
    now_ms = int(time.time() * 1000)
    con = sqlite3.connect(db, timeout=10)
    with con:
        ids = [row[0] for row in con.execute("SELECT id FROM contacts ORDER BY id LIMIT 4")]
        assert len(ids) == 4, ids
        rows = [(ids[0], "open", now_ms - 40 * 86400000),      # weeks old: overdue
                (ids[1], "claimed", now_ms - 30 * 86400000),   # overdue
                (ids[2], "open", now_ms - 60000),              # a minute old: not overdue
                (ids[3], "resolved", now_ms - 50 * 86400000)]  # not open
        for cid, status, created in rows:
            con.execute("INSERT INTO cases (contact_id, channel, kind, reason, province_code, status,"
                        " created_at) VALUES (?, 'sms', 'other', 'human_agent', '01', ?, ?)",
                        (cid, status, created))
    con.close()
    s = scrape(srv)
    assert val(s, "cases_open") == 3, val(s, "cases_open")
    assert val(s, "cases_overdue") == 2, val(s, "cases_overdue")

srv.stop()

with r.case("messages out: each send the worker records is counted by channel and result"):
    srv.env.update({"KANNEL_SENDSMS_URL": sender.base_url + "/cgi-bin/sendsms",
                    "KANNEL_USER": "helpdesk", "KANNEL_PASSWORD": "pw"})
    pending = db_one(db, "SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')")
    assert pending >= N, pending
    srv.start()   # the counters start at 0 with the process; the worker sends at once
    assert wait_until(lambda: db_one(db, "SELECT count(*) FROM outbox WHERE status IN "
                                         "('queued', 'sending')") == 0, 30)
    s1 = scrape(srv)
    sent = val(s1, "messages_out_total", channel="sms", status="sent")
    assert sent == pending == len(sender.matching()), (sent, pending, [q.query[:200] for q in sender.matching()])
    assert val(s1, "outbox_depth", channel="sms") == 0
    assert val(s1, "outbox_oldest_seconds", channel="sms") == 0

with r.case("HELPDESK_METRICS_TOKEN: the page needs the bearer token; /healthz stays public"):
    srv.stop()
    srv.env["HELPDESK_METRICS_TOKEN"] = "s3cret-metrics-token"
    srv.start()
    assert http("GET", srv.url("/metrics"))[0] == 401
    assert http("GET", srv.url("/metrics"), headers={"Authorization": "Bearer wrong"})[0] == 401
    assert http("GET", srv.url("/metrics"), headers={"Authorization": "Bearer s3cret-metrics-tokenX"})[0] == 401
    s = scrape(srv, {"Authorization": "Bearer s3cret-metrics-token"})
    assert val(s, "store_up") == 1
    assert http("GET", srv.url("/healthz"))[0] == 200

srv.stop()
sender.stop()
r.finish()
