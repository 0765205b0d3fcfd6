#!/usr/bin/env python3
"""test_zalo.py -- Zalo end to end: the real server (build/vneid-helpdesk serve) against the Zalo
stand-in (lib/zalo_standin.py), which answers as Zalo's OA API does.

Webhook side: signatures accepted and refused (401, nothing recorded), duplicates of a msg_id
answered once, follow / unfollow / image / sticker / malformed JSON. Sending side: the reply
reaches /v3.0/oa/message/cs with the access_token header and the documented JSON, in full
Vietnamese; retries after -32, HTTP 5xx and a timeout end in exactly one delivery; -230 ends
'unreachable' and -201 'failed' without further attempts; an invalid access token is refreshed,
the rotated pair is stored in the database and, after a restart, used instead of the seeds.

What was sent is read from the stand-in, what was recorded from the SQLite database. The texts
expected come from messages/ (flow.json, answers.json), never from the server's own output.
The last case (a slow Zalo with a backlog) shows replies sent twice when a batch of claimed
outbox rows outlives its lease while another channel's worker recovers expired leases."""
import json
import os
import secrets
import sqlite3
import sys
import time
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import zalo_standin as zs  # noqa: E402
from lib.util import (REPO_ROOT, Reporter, Server, free_port, http, http_json,  # noqa: E402
                      wait_until)

r = Reporter(deadline=170)

OA_SECRET = "oa-secret-5b1f0c"
PII_KEY = secrets.token_hex(32)
SEND_TIMEOUT_MS = 1500
CS = "/v3.0/oa/message/cs"
# Letters that exist only in Vietnamese orthography (and no other text the server could emit)
VI_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ" "áàảãạấầẩẫậắằẳẵặ" "éèẻẽẹếềểễệ" "íìỉĩị"
                 "óòỏõọốồổỗộớờởỡợ" "úùủũụứừửữự" "ýỳỷỹỵ")

with open(os.path.join(REPO_ROOT, "messages", "flow.json"), encoding="utf-8") as f:
    FLOW = json.load(f)
NON_TEXT = FLOW["texts"]["non_text"]
GREETING = FLOW["nodes"]["greeting"]["text"]
with open(os.path.join(REPO_ROOT, "messages", "answers.json"), encoding="utf-8") as f:
    OTP_ANSWER = json.load(f)["nodes"]["otp_not_received"]["text"]


def q(db, sql, *args):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def contacts(db, user):
    return q(db, "SELECT id FROM contacts WHERE channel='zalo' AND address=?", user)


def inbound(db, user):
    return q(db, """SELECT m.text, m.status, m.external_id FROM messages m JOIN contacts c
                    ON c.id = m.contact_id WHERE m.dir='in' AND c.channel='zalo'
                    AND c.address=? ORDER BY m.id""", user)


def outbox(db, user):
    return q(db, """SELECT text, status, attempts, last_error, provider_id FROM outbox
                    WHERE channel='zalo' AND address=? ORDER BY id""", user)


def kv(db, key):
    rows = q(db, "SELECT value FROM kv WHERE key=?", key)
    return rows[0][0] if rows else None


def settled(db, user, n=1):
    """n outbox rows for user, none of them still queued or being sent."""
    rows = outbox(db, user)
    return rows if len(rows) >= n and all(st not in ("queued", "sending")
                                          for _, st, _, _, _ in rows) else None


def sends_to(z, user):
    return [x for x in z.requests_to(CS)
            if x.json and x.json.get("recipient", {}).get("user_id") == user]


def post(srv, ev, key=OA_SECRET, **kw):
    if kw.get("signature") is False:        # no X-ZEvent-Signature header at all
        return http("POST", srv.url("/webhooks/zalo"), zs.encode_event(ev),
                    {"Content-Type": "application/json"})
    return zs.post_event(srv.url("/webhooks/zalo"), ev, key, **kw)


def post_json(srv, ev, key=OA_SECRET, **kw):
    st, _, body = post(srv, ev, key, **kw)
    try:
        return st, json.loads(body.decode("utf-8"))
    except ValueError:
        return st, None


def server_env(z, access=None, refresh=None, **extra):
    env = {
        "ZALO_APP_ID": zs.APP_ID,
        "ZALO_OA_SECRET": OA_SECRET,
        "ZALO_APP_SECRET": z.secret_key,
        "ZALO_ACCESS_TOKEN": access if access is not None else z.access_token,
        "ZALO_REFRESH_TOKEN": refresh if refresh is not None else z.refresh_token,
        "ZALO_API_BASE": z.base_url,
        "ZALO_OAUTH_BASE": z.base_url,
        "ZALO_RATE_PER_S": 100,
        "HELPDESK_OUTBOX_BACKOFF_MAX_MS": 1000,
        "HELPDESK_SEND_TIMEOUT_MS": SEND_TIMEOUT_MS,
        "HELPDESK_OUTBOX_LEASE_MS": 8000,
        "HELPDESK_OUTBOX_MAX_ATTEMPTS": 6,
        "HELPDESK_PII_KEY": PII_KEY,
        # Both delivery workers run, as in a deployment; no SMS is sent (nothing listens here).
        "KANNEL_SENDSMS_URL": "http://127.0.0.1:%d/cgi-bin/sendsms" % free_port(),
        "KANNEL_USER": "bot",
        "KANNEL_PASSWORD": "unused",
    }
    env.update(extra)
    return env


def quiet_for(z, user, count, secs=1.5):
    """True if no send to user beyond `count` happens within secs."""
    time.sleep(secs)
    return len(sends_to(z, user)) == count

# ---------------------------------------------------------------------------------------------
# One server, one stand-in: webhook behaviour and delivery outcomes


z = zs.ZaloStandin(timeout_hold=SEND_TIMEOUT_MS / 1000.0 + 2).start()
srv = Server(env=server_env(z)).start()
db = srv.env["HELPDESK_DB"]

with r.case("signed user_send_text is answered on Zalo in full Vietnamese"):
    u = zs.new_user_id()
    st, body = post_json(srv, zs.user_send_text(u, "Tôi không nhận được mã OTP"))
    assert st == 200 and body == {"status": "accepted"}, (st, body)
    got = z.wait_for_sends(1, user_id=u, timeout=10)
    assert got, "nothing reached the stand-in; server log:\n" + srv.proc.log_tail()
    req = sends_to(z, u)[0]
    assert req.method == "POST" and req.path == CS, req
    assert req.headers.get("access_token") == z.access_token, req.headers
    assert "authorization" not in req.headers, req.headers
    assert "json" in req.headers.get("content-type", ""), req.headers
    assert set(req.json) == {"recipient", "message"}, req.json
    assert req.json["recipient"] == {"user_id": u}, req.json     # 19 digits kept as a string
    text = req.json["message"]["text"]
    assert set(req.json["message"]) == {"text"} and isinstance(text, str), req.json
    rows = wait_until(lambda: settled(db, u), 5)
    assert rows and all(s == "sent" for _, s, _, _, _ in rows), outbox(db, u)
    got = z.delivered_to(u)
    assert sorted(got) == sorted(t for t, _, _, _, _ in rows), (got, rows)
    for t in got:
        assert 0 < len(t) <= 2000, len(t)
        assert "\ufffd" not in t and unicodedata.normalize("NFC", t) == t, t
    letters = set("".join(got)) & VI_LETTERS
    assert len(letters) >= 8, "too few Vietnamese letters (%r) in %r" % (letters, got)
    assert any(OTP_ANSWER in t for t in got), "the OTP guidance is not in %r" % got
    ins = inbound(db, u)
    assert [(t, s) for t, s, _ in ins] == [("Tôi không nhận được mã OTP", "received")], ins
    assert ins[0][2], "no msg_id kept as external id"

with r.case("the reply's provider_id is Zalo's message_id"):
    mids = sorted(m for (uu, _, m) in z.sent if uu == u)
    assert sorted(x[4] or "" for x in outbox(db, u)) == mids, (outbox(db, u), mids)


def refused(name, ev, **kw):
    with r.case(name):
        user = ev.get("sender", ev.get("follower", {})).get("id")
        st, body = post_json(srv, ev, **kw)
        assert st == 401, (st, body)
        assert isinstance(body, dict) and isinstance(body.get("error"), dict) \
            and body["error"].get("code") and body["error"].get("message"), body
        time.sleep(0.2)
        assert contacts(db, user) == [], "a contact was recorded"
        assert q(db, "SELECT count(*) FROM messages WHERE external_id=?",
                 ev.get("message", {}).get("msg_id", "-"))[0][0] == 0, "a message was recorded"
        assert not sends_to(z, user), "something was sent"


ev = zs.user_send_text(zs.new_user_id(), "kich hoat vneid")
good = zs.sign_webhook(ev["app_id"], zs.encode_event(ev), ev["timestamp"], OA_SECRET)
bad = good[:-1] + ("0" if good[-1] != "0" else "1")
refused("bad signature (one hex digit off) -> 401 JSON, nothing recorded", ev, signature=bad)
refused("missing signature -> 401 JSON, nothing recorded",
        zs.user_send_text(zs.new_user_id(), "kich hoat vneid"), signature=False)
refused("empty signature header -> 401", zs.user_send_text(zs.new_user_id(), "kich hoat vneid"),
        signature="")
refused("signature made with the wrong key -> 401",
        zs.user_send_text(zs.new_user_id(), "xin chào"), key="not-the-oa-secret")
ev = zs.user_send_text(zs.new_user_id(), "Quên mật khẩu")
sig = zs.sign_webhook(ev["app_id"], zs.encode_event(ev), ev["timestamp"], OA_SECRET)
ev["message"]["text"] = "Quên mật khẩu!"
refused("a body changed after signing -> 401", ev, signature=sig)
refused("an oa_id-first signature is refused with the default variant (app_id)",
        zs.user_send_text(zs.new_user_id(), "xin chào"),
        signature=None, app_id=zs.OA_ID)

with r.case("a duplicate msg_id is stored once and answered once"):
    u = zs.new_user_id()
    ev = zs.user_send_text(u, "Cách kích hoạt tài khoản định danh điện tử")
    st1, b1 = post_json(srv, ev)
    st2, b2 = post_json(srv, ev)
    assert (st1, b1) == (200, {"status": "accepted"}), (st1, b1)
    assert (st2, b2) == (200, {"status": "duplicate"}), (st2, b2)
    assert len(inbound(db, u)) == 1, inbound(db, u)
    rows = wait_until(lambda: settled(db, u), 10)
    assert rows, outbox(db, u)
    n = len(rows)
    assert n >= 1 and all(s == "sent" for _, s, _, _, _ in rows), rows
    # a third copy arriving after the reply went out changes nothing either
    st3, b3 = post_json(srv, ev)
    assert (st3, b3) == (200, {"status": "duplicate"}), (st3, b3)
    assert quiet_for(z, u, n), sends_to(z, u)
    assert len(z.delivered_to(u)) == n and len(outbox(db, u)) == n, \
        (z.delivered_to(u), outbox(db, u))
    assert sorted(z.delivered_to(u)) == sorted(t for t, _, _, _, _ in rows)

with r.case("follow -> the greeting is sent"):
    u = zs.new_user_id()
    st, body = post_json(srv, zs.follow(u))
    assert (st, body) == (200, {"status": "accepted"}), (st, body)
    got = z.wait_for_sends(1, user_id=u, timeout=10)
    assert got and got[0].startswith(GREETING), got
    assert [s for _, s, _ in inbound(db, u)] == ["follow"], inbound(db, u)
    assert wait_until(lambda: settled(db, u), 5)

with r.case("a follow retried by Zalo (same event) is answered once"):
    ev = zs.follow(zs.new_user_id())
    u = ev["follower"]["id"]
    post(srv, ev)
    st, body = post_json(srv, ev)
    assert (st, body) == (200, {"status": "duplicate"}), (st, body)
    assert z.wait_for_sends(1, user_id=u, timeout=10)
    assert quiet_for(z, u, 1, 1.0), sends_to(z, u)

with r.case("unfollow -> recorded as 'unfollow', nothing sent"):
    u = zs.new_user_id()
    st, body = post_json(srv, zs.unfollow(u))
    assert (st, body) == (200, {"status": "accepted"}), (st, body)
    assert [s for _, s, _ in inbound(db, u)] == ["unfollow"], inbound(db, u)
    assert quiet_for(z, u, 0), sends_to(z, u)
    assert outbox(db, u) == [], outbox(db, u)

for kind, make in (("image", zs.user_send_image), ("sticker", zs.user_send_sticker)):
    with r.case("%s -> the polite 'please type' reply, never an error" % kind):
        u = zs.new_user_id()
        st, body = post_json(srv, make(u))
        assert (st, body) == (200, {"status": "accepted"}), (st, body)
        got = z.wait_for_sends(1, user_id=u, timeout=10)
        assert got == [NON_TEXT], got
        assert [s for _, s, _ in inbound(db, u)] == ["non_text"], inbound(db, u)
        assert quiet_for(z, u, 1, 0.5), sends_to(z, u)

with r.case("an unknown event from a user is answered politely too"):
    u = zs.new_user_id()
    ev = zs.make_event("user_send_hologram", u)
    st, body = post_json(srv, ev)
    assert (st, body) == (200, {"status": "accepted"}), (st, body)
    assert z.wait_for_sends(1, user_id=u, timeout=10) == [NON_TEXT], sends_to(z, u)

with r.case("malformed JSON with a valid signature -> 400, nothing recorded"):
    u = zs.new_user_id()
    ts = zs.now_ms()
    raw = ('{"event_name":"user_send_text","app_id":"%s","sender":{"id":"%s"},'
           '"message":{"text":"Chào","msg_id":"m1"},"timestamp":"%s"'   # no closing brace
           % (zs.APP_ID, u, ts)).encode()
    sig = zs.sign_webhook(zs.APP_ID, raw, ts, OA_SECRET)
    st, _, body = http_json("POST", srv.url("/webhooks/zalo"), raw,
                            {"Content-Type": "application/json", "X-ZEvent-Signature": sig})
    assert st == 400 and isinstance(body, dict) and body.get("error"), (st, body)
    assert contacts(db, u) == [], contacts(db, u)
    assert srv.alive()


def retry_case(name, outcomes, reason):
    """The user's first len(outcomes) sends fail as scripted: every reply is still delivered
    exactly once, and the attempts recorded add up to the requests the stand-in saw."""
    with r.case(name):
        u = zs.new_user_id()
        z.script(outcomes, user_id=u)
        t0 = time.monotonic()
        st, body = post_json(srv, zs.user_send_text(u, "Tôi mới đổi điện thoại"))
        assert st == 200, (st, body)
        rows = wait_until(lambda: settled(db, u), 20)
        assert rows, outbox(db, u)
        assert all(s == "sent" for _, s, _, _, _ in rows), rows
        want = len(rows) + len(outcomes)
        assert quiet_for(z, u, want, 1.2), "%d sends, want %d" % (len(sends_to(z, u)), want)
        assert sum(a for _, _, a, _, _ in rows) == want, rows
        assert sorted(z.delivered_to(u)) == sorted(t for t, _, _, _, _ in rows), \
            (z.delivered_to(u), rows)
        assert all(v == 1 for (uu, _), v in list(z.deliveries.items()) if uu == u), z.deliveries
        retried = [e for _, _, a, e, _ in rows if a > 1]
        assert retried and all(e and reason in e for e in retried), rows
        if [t for t, _, _, _, _ in rows] != z.delivered_to(u):
            r.note("%s: the replies reached the citizen out of order" % name)
        r.note("%s: settled in %.1fs" % (name, time.monotonic() - t0))


# Each script applies to the user's first sends, whichever reply they carry.
retry_case("-32 rate limit, then success: delivered once after a retry", [-32], "-32")
retry_case("HTTP 503, then success: delivered once after a retry", [503], "503")
retry_case("HTTP 502 twice, then success: delivered once", [502, 502], "502")
retry_case("a timeout longer than HELPDESK_SEND_TIMEOUT_MS, then success: delivered once",
           [zs.Timeout(SEND_TIMEOUT_MS / 1000.0 + 2)], "imeout")

with r.case("a slow answer within the timeout is one delivery, no retry"):
    u = zs.new_user_id()
    z.script([zs.Slow(SEND_TIMEOUT_MS / 1000.0 / 3)], user_id=u)
    post(srv, zs.user_send_text(u, "cam on"))
    rows = wait_until(lambda: settled(db, u), 10)
    assert rows and all(s == "sent" and a == 1 for _, s, a, _, _ in rows), rows
    assert quiet_for(z, u, len(rows), 0.8), sends_to(z, u)


def final_case(name, code, want_status):
    with r.case(name):
        u = zs.new_user_id()
        z.fail_user(u, code)
        post(srv, zs.user_send_text(u, "Tôi không nhận được mã OTP"))
        rows = wait_until(lambda: settled(db, u), 10)
        assert rows, outbox(db, u)
        assert all(s == want_status for _, s, _, _, _ in rows), rows
        assert all(a == 1 for _, _, a, _, _ in rows), rows
        assert all(e and str(code) in e for _, _, _, e, _ in rows), rows
        n = len(sends_to(z, u))
        assert n == len(rows), sends_to(z, u)
        time.sleep(2.5)     # more than two back-off periods: a retry would show
        assert len(sends_to(z, u)) == n, "retried: %r" % sends_to(z, u)
        assert [x[1] for x in outbox(db, u)] == [want_status] * len(rows), outbox(db, u)
        z.clear_user(u)


final_case("-230 -> the outbox row ends 'unreachable' with the reason, no endless retry",
           -230, "unreachable")
final_case("-201 -> the outbox row ends 'failed' with the reason", -201, "failed")
final_case("-213 (not a follower) -> 'unreachable'", -213, "unreachable")

with r.case("the server log holds no token, secret or message text"):
    log = srv.log_text()
    for s in (OA_SECRET, z.secret_key, z.access_token, z.refresh_token,
              "Tôi không nhận được mã OTP", "Tôi mới đổi điện thoại"):
        assert s not in log, "found %r in the log" % s

srv.stop()
z.stop()

# ---------------------------------------------------------------------------------------------
# Token refresh and rotation: a fresh stand-in and database


z = zs.ZaloStandin().start()
seed_access, seed_refresh = "at-seed-" + "x" * 20, z.refresh_token
srv = Server(env=server_env(z, access=seed_access, refresh=seed_refresh)).start()
db = srv.env["HELPDESK_DB"]

with r.case("seeds go to the kv table at the first start"):
    assert kv(db, "zalo.access_token") == seed_access, kv(db, "zalo.access_token")
    assert kv(db, "zalo.refresh_token") == seed_refresh, kv(db, "zalo.refresh_token")

with r.case("an invalid access token (-216) is refreshed, the rotated pair stored, "
            "and the message delivered"):
    u = zs.new_user_id()
    post(srv, zs.user_send_text(u, "Xin chào"))
    got = z.wait_for_sends(1, user_id=u, timeout=10)
    assert got, (z.requests, srv.proc.log_tail())
    assert z.refreshes == 1, z.refreshes
    ref = z.requests_to("/v4/oa/access_token")[0]
    assert ref.form == {"refresh_token": seed_refresh, "app_id": zs.APP_ID,
                        "grant_type": "refresh_token"}, ref.form
    assert ref.headers.get("secret_key") == z.secret_key, ref.headers
    sends = sends_to(z, u)
    assert sends[0].headers.get("access_token") == seed_access, sends[0].headers
    assert sends[1].headers.get("access_token") == z.access_token, sends[1].headers
    assert kv(db, "zalo.refresh_token") == z.refresh_token != seed_refresh, \
        (kv(db, "zalo.refresh_token"), z.refresh_token)
    assert kv(db, "zalo.access_token") == z.access_token, kv(db, "zalo.access_token")
    exp = int(kv(db, "zalo.expires_at") or 0)
    assert abs(exp - (time.time() + 90000) * 1000) < 120000, exp
    rows = wait_until(lambda: settled(db, u), 5)
    assert rows and all(s == "sent" for _, s, _, _, _ in rows), outbox(db, u)
    assert quiet_for(z, u, len(rows) + 1, 0.5), sends_to(z, u)
    assert len(z.delivered_to(u)) == len(rows), z.delivered_to(u)

with r.case("after a restart the stored pair is used, not the seeds"):
    stored_at, stored_rt = z.access_token, z.refresh_token
    srv.restart()
    assert kv(db, "zalo.refresh_token") == stored_rt, "the seeds overwrote the stored pair"
    u = zs.new_user_id()
    post(srv, zs.user_send_text(u, "cam on"))
    assert z.wait_for_sends(1, user_id=u, timeout=10), sends_to(z, u)
    assert [x.headers.get("access_token") for x in sends_to(z, u)][0] == stored_at
    assert z.refreshes == 1, z.refreshes

with r.case("after the restart an expired token (-220) is refreshed with the stored "
            "refresh token (the seed is refused)"):
    z.expire_access_token()
    old_rt = z.refresh_token
    u = zs.new_user_id()
    post(srv, zs.user_send_text(u, "Quên mật khẩu VNeID"))
    got = z.wait_for_sends(1, user_id=u, timeout=10)
    assert got, (z.requests[-3:], srv.proc.log_tail())
    refs = z.requests_to("/v4/oa/access_token")
    assert [x.form.get("refresh_token") for x in refs] == [seed_refresh, old_rt], refs
    assert z.refreshes == 2, z.refreshes
    assert kv(db, "zalo.refresh_token") == z.refresh_token not in (old_rt, seed_refresh)
    rows = wait_until(lambda: settled(db, u), 5)
    assert rows and all(s == "sent" for _, s, _, _, _ in rows), outbox(db, u)

with r.case("a token about to expire is refreshed before use, no send is rejected"):
    z.expires_in = "3601"           # the server refreshes 1 h early: this pair is due in 1 s
    z.expire_access_token()
    u = zs.new_user_id()
    post(srv, zs.user_send_text(u, "cam on"))
    assert z.wait_for_sends(1, user_id=u, timeout=10), sends_to(z, u)
    assert wait_until(lambda: settled(db, u), 5), outbox(db, u)
    exp = int(kv(db, "zalo.expires_at") or 0)
    assert abs(exp - (time.time() + 3601) * 1000) < 60000, exp
    time.sleep(1.2)
    n_ref = len(z.requests_to("/v4/oa/access_token"))
    u = zs.new_user_id()
    post(srv, zs.user_send_text(u, "Quên mật khẩu VNeID"))
    rows = wait_until(lambda: settled(db, u), 10)
    assert rows and all(s == "sent" for _, s, _, _, _ in rows), outbox(db, u)
    assert len(z.requests_to("/v4/oa/access_token")) > n_ref, "no refresh ahead of expiry"
    assert len(sends_to(z, u)) == len(rows) == len(z.delivered_to(u)), \
        "a send was rejected: %r" % sends_to(z, u)
    z.expires_in = "90000"

with r.case("a refused refresh leaves the message queued for later, not lost or failed"):
    z.set_tokens("at-revoked-elsewhere", "rt-revoked-elsewhere")     # our pair is now void
    n_ref = len(z.requests_to("/v4/oa/access_token"))
    u = zs.new_user_id()
    post(srv, zs.user_send_text(u, "cam on"))
    assert wait_until(lambda: len(z.requests_to("/v4/oa/access_token")) > n_ref, 10)
    time.sleep(0.5)
    rows = outbox(db, u)
    assert rows and all(s == "queued" for _, s, _, _, _ in rows), rows
    assert not z.delivered_to(u)
    assert srv.alive()

with r.case("the token log lines hold no token"):
    log = srv.log_text()
    for s in [seed_access, seed_refresh] + z.access_tokens_issued + z.refresh_tokens_issued:
        assert s not in log, "found a token in the log"

srv.stop()
z.stop()

# ---------------------------------------------------------------------------------------------
# Signature variant "any": the OA id as the first term is accepted too


z = zs.ZaloStandin().start()
srv = Server(env=server_env(z, ZALO_SIGNATURE_VARIANT="any")).start()
db = srv.env["HELPDESK_DB"]

with r.case("ZALO_SIGNATURE_VARIANT=any accepts an oa_id-first signature"):
    u = zs.new_user_id()
    st, body = post_json(srv, zs.user_send_text(u, "kich hoat vneid"), app_id=zs.OA_ID)
    assert (st, body) == (200, {"status": "accepted"}), (st, body)
    assert len(inbound(db, u)) == 1, inbound(db, u)
    assert z.wait_for_sends(1, user_id=u, timeout=10), sends_to(z, u)

with r.case("ZALO_SIGNATURE_VARIANT=any still accepts the app_id-first form"):
    u = zs.new_user_id()
    st, body = post_json(srv, zs.user_send_text(u, "kich hoat vneid"))
    assert (st, body) == (200, {"status": "accepted"}), (st, body)

with r.case("ZALO_SIGNATURE_VARIANT=any accepts an oa_id-first follow (oa_id at top level)"):
    u = zs.new_user_id()
    st, body = post_json(srv, zs.follow(u), app_id=zs.OA_ID)
    assert (st, body) == (200, {"status": "accepted"}), (st, body)

with r.case("ZALO_SIGNATURE_VARIANT=any still refuses a wrong signature"):
    u = zs.new_user_id()
    st, body = post_json(srv, zs.user_send_text(u, "x"), key="wrong", app_id=zs.OA_ID)
    assert st == 401 and contacts(db, u) == [], (st, body)

srv.stop()
z.stop()

# ---------------------------------------------------------------------------------------------
# A slow Zalo with a backlog. Every send takes less than the lease (0.9 s < 1.5 s timeout <
# 2 s lease, as store/outbox.c asks), but a batch of claimed rows takes longer than the lease
# as a whole: a row must not be taken back while it waits its turn, or it goes out twice.


z = zs.ZaloStandin().start()
srv = Server(env=server_env(z, HELPDESK_OUTBOX_LEASE_MS=2000)).start()
db = srv.env["HELPDESK_DB"]

with r.case("a slow Zalo with a backlog: every reply is sent once, none twice"):
    users = [zs.new_user_id() for _ in range(10)]
    z.script([zs.Slow(0.9)] * 60)
    for u in users:
        st, body = post_json(srv, zs.user_send_text(u, "Tôi không nhận được mã OTP"))
        assert st == 200, (st, body)
    assert wait_until(lambda: all(settled(db, u) for u in users), 60), \
        [outbox(db, u) for u in users][:2]
    time.sleep(1.0)
    rows = sum((outbox(db, u) for u in users), [])
    r.note("backlog: %d replies, %d sends" % (len(rows), len(z.requests_to(CS))))
    assert len(rows) >= 16, "fewer rows than a batch: %d" % len(rows)
    twice = {k: v for k, v in list(z.deliveries.items()) if v > 1}
    assert not twice, "%d of %d replies delivered more than once (%d sends in all)" \
        % (len(twice), len(rows), len(z.requests_to(CS)))
    assert len(z.requests_to(CS)) == len(rows), (len(z.requests_to(CS)), len(rows))
    assert all(s == "sent" for _, s, _, _, _ in rows), rows

srv.stop()
z.stop()
r.finish()
