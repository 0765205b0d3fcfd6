#!/usr/bin/env python3
"""test_http.py -- the real server on a free port: /healthz, /api/v1/simulate, errors.

Checks what a client of the HTTP skeleton relies on: answers are JSON, bad requests get a 4xx
with a JSON error and change nothing in the database, oversize bodies are refused, the
conversation state lives in SQLite and survives a restart, SMS replies are rendered without
diacritics and fit three GSM-7 parts."""
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.util import REPO_ROOT, Reporter, Server, http, http_json  # noqa: E402

r = Reporter(deadline=240)


def counts(db):
    con = sqlite3.connect(db)
    try:
        return tuple(con.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                     for t in ("contacts", "messages", "help_requests"))
    finally:
        con.close()


def simulate(srv, contact, channel, text):
    return http_json("POST", srv.url("/api/v1/simulate"),
                     {"contact": contact, "channel": channel, "text": text}, AUTH)


def is_gsm_ascii(s):
    return all(c == "\n" or 32 <= ord(c) < 127 for c in s)


srv = Server().start()
db = srv.env["HELPDESK_DB"]
p = subprocess.run([srv.binary, "user", "add", "--name", "Staff", "--role", "staff"],
                   capture_output=True, text=True, env=srv.env, cwd=REPO_ROOT, timeout=30)
AUTH = {"Authorization": "Bearer " + p.stdout.strip()}

with r.case("simulate without a token is 401 and records nothing"):
    st, _, body = http_json("POST", srv.url("/api/v1/simulate"),
                            {"contact": "0912000009", "channel": "sms", "text": "xin chao"})
    assert st == 401 and body["error"]["code"] == "unauthorized", (st, body)
    assert counts(db)[0] == 0, counts(db)

with r.case("healthz answers 200 JSON"):
    st, hdrs, body = http_json("GET", srv.url("/healthz"))
    assert st == 200, st
    assert body and body.get("status") == "ok", body
    assert hdrs.get("Content-Type", "").startswith("application/json"), hdrs.get("Content-Type")

with r.case("simulate sms answers unaccented, within 459 characters"):
    st, _, body = simulate(srv, "0912000001", "sms", "Làm sao để kích hoạt tài khoản định danh điện tử?")
    assert st == 200, (st, body)
    assert body["intent"] == "activate_account", body["intent"]
    assert body["replies"], body
    for rep in body["replies"]:
        assert rep["text"].strip(), rep
        assert is_gsm_ascii(rep["text"]), rep["text"]
        assert len(rep["text"]) <= 459, len(rep["text"])
        assert isinstance(rep["options"], list)
    assert isinstance(body["actions"], list) and isinstance(body["state"], str)

with r.case("simulate zalo answers in full Vietnamese"):
    st, _, body = simulate(srv, "zalo-user-1", "zalo", "ko nhan dc ma otp")
    assert st == 200, (st, body)
    assert body["intent"] == "otp_not_received", body["intent"]
    text = "".join(rep["text"] for rep in body["replies"])
    assert any(ord(c) > 127 for c in text), "no diacritics in a Zalo reply: %r" % text[:80]

with r.case("device change: self-service first, escalate when it still fails"):
    st, _, body = simulate(srv, "0912000002", "sms", "toi moi doi dien thoai khong dang nhap duoc vneid")
    assert st == 200 and body["intent"] == "device_change", body
    assert "escalate" not in body["actions"], body["actions"]
    st, _, body = simulate(srv, "0912000002", "sms", "van khong duoc")
    assert st == 200, body
    assert "escalate" in body["actions"], body
    reasons = [a["arg"] for a in body["action_details"] if a["name"] == "escalate"]
    assert reasons == ["device_change"], reasons

with r.case("opt-out word works at once"):
    st, _, body = simulate(srv, "0912000003", "sms", "STOP")
    assert st == 200 and "opt_out" in body["actions"], body
    con = sqlite3.connect(db)
    (opted,) = con.execute("SELECT opted_out FROM contacts WHERE channel='sms' AND address='0912000003'").fetchone()
    con.close()
    assert opted == 1, opted

before = counts(db)
bad = [
    ("not JSON", b"{nope", 400),
    ("JSON array", b"[1,2]", 400),
    ("empty body", b"", 400),
    ("no contact", json.dumps({"channel": "sms", "text": "hi"}).encode(), 400),
    ("contact not a string", json.dumps({"contact": 5, "channel": "sms", "text": "hi"}).encode(), 400),
    ("contact with spaces", json.dumps({"contact": "a b", "channel": "sms", "text": "hi"}).encode(), 400),
    ("contact too long", json.dumps({"contact": "x" * 100, "channel": "sms", "text": "hi"}).encode(), 400),
    ("unknown channel", json.dumps({"contact": "c1", "channel": "fax", "text": "hi"}).encode(), 400),
    ("text missing", json.dumps({"contact": "c1", "channel": "sms"}).encode(), 400),
    ("text not a string", json.dumps({"contact": "c1", "channel": "zalo", "text": ["a"]}).encode(), 400),
]
for name, payload, want in bad:
    with r.case("bad request is %d with a JSON error: %s" % (want, name)):
        st, hdrs, data = http("POST", srv.url("/api/v1/simulate"), payload,
                              dict(AUTH, **{"Content-Type": "application/json"}))
        assert st == want, (st, data[:200])
        err = json.loads(data)["error"]
        assert err["code"] and err["message"], err

with r.case("body over 64 KiB is refused with 413"):
    big = json.dumps({"contact": "c2", "channel": "sms", "text": "a" * (70 * 1024)}).encode()
    st, _, data = http("POST", srv.url("/api/v1/simulate"), big,
                       dict(AUTH, **{"Content-Type": "application/json"}))
    assert st == 413, st
    assert json.loads(data)["error"]["code"], data[:100]

with r.case("a body just under 64 KiB is accepted"):
    text = "kich hoat " * 6000          # about 60 KiB
    st, _, body = simulate(srv, "0912000004", "sms", text)
    assert st == 200, st
    assert body["replies"], body

with r.case("bad requests changed nothing in the database"):
    after = counts(db)
    # the 60 KiB message above is one contact, one inbound, its replies and perhaps a help row
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM contacts WHERE address IN ('c1','c2','a b')").fetchone()[0]
    con.close()
    assert n == 0, "a refused request created a contact"
    assert after[0] == before[0] + 1, (before, after)

with r.case("a query string up to 16 KiB is read, a longer one is 414 with a JSON error"):
    # A Kannel GET with a long UCS-2 text: each connection's memory must hold
    # the whole request line (HTTP_CONN_POOL).
    pad = "&x=" + "a" * (16 * 1024 - 200)
    st, _, data = http("GET", srv.url("/webhooks/kannel?from=84912000005&to=8088&text=hi" + pad))
    assert st not in (414, 431) and st < 500, (st, data[:200])
    st, _, data = http("GET", srv.url("/webhooks/kannel?from=84912000005&to=8088&text=hi" + pad + "a" * 400))
    assert st == 414, (st, data[:200])
    assert json.loads(data)["error"]["code"] == "uri_too_long", data[:200]

with r.case("unknown path 404 and wrong method 405, both JSON"):
    st, _, data = http("GET", srv.url("/nope"))
    assert st == 404 and json.loads(data)["error"]["code"] == "not_found", (st, data)
    st, hdrs, data = http("GET", srv.url("/api/v1/simulate"))
    assert st == 405 and "POST" in (hdrs.get("Allow") or ""), (st, hdrs.get("Allow"))
    assert json.loads(data)["error"]["code"], data

with r.case("conversation state survives a restart"):
    st, _, body = simulate(srv, "0912000005", "zalo", "doi may moi")
    assert st == 200 and body["intent"] == "device_change", body
    state_before = body["state"]
    srv.restart()
    con = sqlite3.connect(db)
    (state_json,) = con.execute(
        "SELECT state FROM contacts WHERE channel='zalo' AND address='0912000005'").fetchone()
    con.close()
    assert state_before and state_before in state_json, (state_before, state_json)
    st, _, body = simulate(srv, "0912000005", "zalo", "vẫn không được")
    assert st == 200 and "escalate" in body["actions"], body

with r.case("every message of a conversation is stored, in and out"):
    con = sqlite3.connect(db)
    rows = con.execute("""SELECT m.dir, count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id
                          WHERE c.address = '0912000002' GROUP BY m.dir""").fetchall()
    helps = con.execute("""SELECT h.intent, h.resolution FROM help_requests h JOIN contacts c
                           ON c.id = h.contact_id WHERE c.address = '0912000002'
                           ORDER BY h.id""").fetchall()
    con.close()
    d = dict(rows)
    assert d.get("in") == 2 and d.get("out", 0) >= 2, d
    assert ("device_change", "bot") in helps, helps

srv.stop()
r.finish()
