#!/usr/bin/env python3
"""test_broadcast.py -- reminders and follow-ups against the real server, a real Kannel (its fake
SMSC's phones receive the SMS) and the Zalo stand-in, with the clock moved by HELPDESK_FAKE_NOW
across restarts. SQLite is only read (and written to seed Zalo contacts and opt-outs; SMS
contacts come in through POST /api/v1/contacts/import).

Part A (one server): preview (texts per channel, audience size), refusals (too long for 3 SMS,
bad audience, bad send_at), a staff account of another province (400 on create, 404 on read and
actions, not listed), pause / resume / cancel with exact counts, and follow-ups: activation
guidance by Zalo and SMS, the clock moved past HELPDESK_FOLLOWUP_HOURS across a restart, the
question asked once, the answers recorded, nothing asked again the next day.

Part B (another server): 10,000 citizens of one province (8,500 imported SMS numbers, 1,500 Zalo
users: recent, silent with a phone, silent without one; opt-outs; a few people known twice) and
200 of another province. A broadcast due at 21:59:52 sends until 22:00, stops (waiting_window),
the server is SIGKILLed, restarted at 06:59:57 the next day (nothing before 07:00), SIGKILLed
again while sending and restarted; it finishes. A second broadcast the same morning meets the
daily cap. Every expectation -- who is reached, on which channel, skipped for which reason -- is
computed here from the seed by the rules of the issue, and compared with what the phones and
the stand-in received (each at most once per broadcast, at most one reminder a day) and with
GET /api/v1/broadcasts/{id}."""
import collections
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import zalo_standin as zs  # noqa: E402
from lib.kannel import Kannel  # noqa: E402
from lib.util import REPO_ROOT, Reporter, Server, http_json, wait_until  # noqa: E402

r = Reporter(deadline=840)
SHORT = "8088"
OA_SECRET = "oa-secret-campaign"
H = 3600 * 1000
DAY = 24 * H
D10 = 1773075600000          # 2026-03-10 00:00 in Viet Nam (UTC+7)
HN = ["00004", "00008", "00025", "00070", "00082"]   # communes of Hà Nội (province 01)
CB = "01273"                                        # a commune of Cao Bằng (province 04)

with open(os.path.join(REPO_ROOT, "messages", "campaign.json"), encoding="utf-8") as f:
    CAMPAIGN = json.load(f)["texts"]
with open(os.path.join(REPO_ROOT, "messages", "flow.json"), encoding="utf-8") as f:
    FLOW = json.load(f)
with open(os.path.join(REPO_ROOT, "messages", "answers.json"), encoding="utf-8") as f:
    ANSWERS = json.load(f)["nodes"]
FOOTER = CAMPAIGN["broadcast_footer"]


def unaccent(s):
    """What an SMS of ours carries: Vietnamese without diacritics (đ -> d)."""
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def canon(national):
    return "84" + national[1:]


def q(db, sql, *args):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def user_add(srv, *args):
    p = subprocess.run([srv.binary, "user", "add"] + list(args), capture_output=True, text=True,
                       env=srv.env, cwd=REPO_ROOT, timeout=30)
    assert p.returncode == 0, (p.returncode, p.stderr)
    return p.stdout.strip()


def api(srv, method, path, token, body=None, timeout=10):
    st, _, b = http_json(method, srv.url(path), body, {"Authorization": "Bearer " + token},
                         timeout=timeout)
    return st, b


def import_csv(srv, token, rows):
    """rows: (national phone, commune, name); sent in bodies under 64 KiB."""
    total, chunk = 0, []
    for i, row in enumerate(rows + [None]):
        if row is not None:
            chunk.append("%s,%s,%s" % row)
        if chunk and (row is None or len(chunk) == 1500):
            body = ("phone,commune_code,name\n" + "\n".join(chunk) + "\n").encode("utf-8")
            assert len(body) < 64 * 1024, len(body)
            st, _, b = http_json("POST", srv.url("/api/v1/contacts/import"), body,
                                 {"Authorization": "Bearer " + token,
                                  "Content-Type": "text/csv; charset=utf-8"}, timeout=60)
            assert st == 200 and not b["rejected"], (st, b)
            total += b["imported"]
            chunk = []
    return total


def sms_to(k, number, start=0):
    return [m.text for m in k.phones.received[start:] if m.receiver == number]


def wait_quiet(count_fn, secs=1.5, timeout=60):
    """Until count_fn() stays the same for secs."""
    end = time.monotonic() + timeout
    last, since = count_fn(), time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.2)
        now = count_fn()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= secs:
            return last
    return None


def local_ms_of_day(ms):
    return (ms + 7 * H) % DAY


z = zs.ZaloStandin().start()


def server_env(**extra):
    env = {
        "SMS_SENDER": SHORT, "HELPDESK_OUTBOX_LEASE_MS": 4000, "HELPDESK_SEND_TIMEOUT_MS": 2000,
        "HELPDESK_OUTBOX_BACKOFF_MAX_MS": 1000,
        "ZALO_APP_ID": zs.APP_ID, "ZALO_OA_SECRET": OA_SECRET, "ZALO_APP_SECRET": z.secret_key,
        "ZALO_ACCESS_TOKEN": z.access_token, "ZALO_REFRESH_TOKEN": z.refresh_token,
        "ZALO_API_BASE": z.base_url, "ZALO_OAUTH_BASE": z.base_url,
    }
    env.update(extra)
    return env


# =============================================================================================
# Part A
# =============================================================================================
A0 = D10 + 10 * H                                           # 2026-03-10 10:00
srv = Server(env=server_env(SMS_RATE_PER_S=4, ZALO_RATE_PER_S=50, HELPDESK_FOLLOWUP_HOURS=1,
                            HELPDESK_FAKE_NOW=A0))
k = Kannel(srv.base_url, http_request_retry=120, http_queue_delay=1).start()
srv.env.update({"KANNEL_SENDSMS_URL": k.sendsms_url, "KANNEL_USER": k.user,
                "KANNEL_PASSWORD": k.password})
admin = user_add(srv, "--name", "Quản trị", "--role", "admin")
staff01 = user_add(srv, "--name", "Tổ công tác Hà Nội", "--role", "staff", "--province", "01")
staff04 = user_add(srv, "--name", "Tổ công tác Cao Bằng", "--role", "staff", "--province", "04")
officer = user_add(srv, "--name", "Cán bộ", "--role", "officer", "--commune", HN[0])
srv.start()
db = srv.env["HELPDESK_DB"]

# Three groups of 40 numbers, one commune each, and 5 in Cao Bằng.
groups = {c: ["0981%02d%04d" % (i, n) for n in range(40)] for i, c in enumerate(HN[:3])}
with r.case("contacts imported through the API (3 x 40 in Hà Nội, 5 in Cao Bằng)"):
    rows = [(p, c, "Công dân %d" % i) for c, ps in groups.items() for i, p in enumerate(ps)]
    assert import_csv(srv, staff01, rows) == 120
    assert import_csv(srv, admin, [("0982000%03d" % i, CB, "") for i in range(5)]) == 5

TEXT_A = "Công an phường nhắc: hãy kích hoạt tài khoản định danh điện tử trên VNeID."

with r.case("preview: full text on Zalo, unaccented SMS with the opt-out line, audience size"):
    st, b = api(srv, "POST", "/api/v1/broadcasts/preview", staff01,
                {"text": TEXT_A, "audience": {"communes": [HN[0]], "segment": "all"}})
    assert st == 200, (st, b)
    assert b["preview"]["zalo"] == TEXT_A + "\n" + FOOTER, b
    assert b["preview"]["sms"] == unaccent(TEXT_A + "\n" + FOOTER), b
    assert b["preview"]["sms_parts"] == 1 and b["audience"] == 40, b
    assert q(db, "SELECT COUNT(*) FROM broadcasts") == [(0,)]
    st, b = api(srv, "POST", "/api/v1/broadcasts/preview", admin,
                {"text": TEXT_A, "audience": {"segment": "all"}})
    assert st == 200 and b["audience"] == 125, (st, b)
    st, b = api(srv, "POST", "/api/v1/broadcasts/preview", staff04,
                {"text": TEXT_A, "audience": {}})
    assert st == 200 and b["audience"] == 5, (st, b)     # a province's staff: that province

with r.case("refused with 400: over 459 SMS characters, empty text, bad audience or send_at"):
    long_text = "Kích hoạt VNeID. " * 26
    for body, word in [
            ({"name": "x", "text": long_text}, "459"),
            ({"name": "x", "text": "  "}, "text"),
            ({"name": "", "text": TEXT_A}, "name"),
            ({"name": "x", "text": TEXT_A, "audience": {"segment": "everyone"}}, "segment"),
            ({"name": "x", "text": TEXT_A, "audience": {"segment": "intent:nope"}}, "segment"),
            ({"name": "x", "text": TEXT_A, "audience": {"communes": ["99999"]}}, "99999"),
            ({"name": "x", "text": TEXT_A, "audience": {"province": "77"}}, "province"),
            ({"name": "x", "text": TEXT_A, "send_at": "tomorrow"}, "send_at"),
            ({"name": "x", "text": TEXT_A, "send_at": "2026-02-30T10:00:00+07:00"}, "send_at")]:
        st, b = api(srv, "POST", "/api/v1/broadcasts", admin, body)
        assert st == 400 and word in b["error"]["message"], (body, st, b)
    st, b = api(srv, "POST", "/api/v1/broadcasts", officer, {"name": "x", "text": TEXT_A})
    assert st == 403, (st, b)
    assert q(db, "SELECT COUNT(*) FROM broadcasts") == [(0,)]


def get(token, bid):
    return api(srv, "GET", "/api/v1/broadcasts/%d" % bid, token)


def group_received(commune, text):
    want = unaccent(text + "\n" + FOOTER)
    got = collections.Counter(m.receiver for m in list(k.phones.received) if m.text == want)
    return {canon(p): got[canon(p)] for p in groups[commune] if got[canon(p)]}


TEXT_P = "Nhắc lần 1: kích hoạt tài khoản VNeID tại nhà."
with r.case("a staff account reaches only its province: 400 to create, 404 to read or act"):
    st, b = api(srv, "POST", "/api/v1/broadcasts", staff04,
                {"name": "x", "text": TEXT_P, "audience": {"communes": [HN[1]]}})
    assert st == 400 and "province" in b["error"]["message"], (st, b)
    st, b = api(srv, "POST", "/api/v1/broadcasts", staff04,
                {"name": "x", "text": TEXT_P, "audience": {"province": "01"}})
    assert st == 400, (st, b)
    st, b = api(srv, "POST", "/api/v1/broadcasts", staff01,
                {"name": "Nhắc phường Ngọc Hà", "text": TEXT_P,
                 "audience": {"communes": [HN[1]], "segment": "all"}, "send_at": "now"})
    assert st == 201 and b["id"] > 0, (st, b)
    bid_pause = b["id"]
    for path in ["/api/v1/broadcasts/%d" % bid_pause]:
        st, b = api(srv, "GET", path, staff04)
        assert st == 404 and b["error"]["code"] == "not_found", (st, b)
    for act in ("pause", "resume", "cancel"):
        st, b = api(srv, "POST", "/api/v1/broadcasts/%d/%s" % (bid_pause, act), staff04)
        assert st == 404, (act, st, b)
    st, b = api(srv, "GET", "/api/v1/broadcasts", staff04)
    assert st == 200 and b["broadcasts"] == [], b
    st, b = api(srv, "GET", "/api/v1/broadcasts", admin)
    assert st == 200 and [x["id"] for x in b["broadcasts"]] == [bid_pause], b
    st, b = get(staff01, bid_pause)
    assert st == 200 and b["audience"] == {"communes": [HN[1]], "province": "01",
                                           "segment": "all"}, b
    assert b["name"] == "Nhắc phường Ngọc Hà" and b["text"] == TEXT_P, b
    assert b["send_at"].startswith("2026-03-10T10:") and b["send_at"].endswith("+07:00"), b
    st, b = api(srv, "GET", "/api/v1/broadcasts/999", staff01)
    assert st == 404, (st, b)

with r.case("pause holds what is not sent yet; resume sends the rest; exact counts"):
    assert wait_until(lambda: len(group_received(HN[1], TEXT_P)) >= 3, 30), "nothing sent"
    st, b = api(srv, "POST", "/api/v1/broadcasts/%d/pause" % bid_pause, staff01)
    assert st == 200 and b["status"] == "paused", (st, b)
    # The batch the worker had claimed may still go; then nothing.
    wait_quiet(lambda: len(group_received(HN[1], TEXT_P)), secs=2.5)
    n_paused = len(group_received(HN[1], TEXT_P))
    time.sleep(2)
    assert len(group_received(HN[1], TEXT_P)) == n_paused
    st, b = get(staff01, bid_pause)
    c = b["counts"]
    assert b["status"] == "paused" and c["audience"] == 40 and c["queued"] == 40, b
    assert c["held"] == 40 - n_paused > 0, (b, n_paused)
    st, b = api(srv, "POST", "/api/v1/broadcasts/%d/pause" % bid_pause, staff01)
    assert st == 409 and b["error"]["code"] == "conflict", (st, b)
    st, b = api(srv, "POST", "/api/v1/broadcasts/%d/resume" % bid_pause, staff01)
    assert st == 200 and b["status"] == "scheduled", (st, b)
    assert wait_until(lambda: get(staff01, bid_pause)[1]["status"] == "done", 60), \
        get(staff01, bid_pause)
    wait_until(lambda: len(group_received(HN[1], TEXT_P)) >= 40, 20)
    wait_quiet(lambda: len(group_received(HN[1], TEXT_P)), secs=1)
    got = group_received(HN[1], TEXT_P)
    assert len(got) == 40 and set(got.values()) == {1}, got
    st, b = get(staff01, bid_pause)
    c = b["counts"]
    assert (c["queued"], c["sent"], c["held"], c["skipped"]) == (40, 40, 0, 0), b
    assert wait_until(lambda: get(staff01, bid_pause)[1]["counts"]["delivered"] == 40, 20)

TEXT_C = "Nhắc: mang thẻ căn cước đến Công an phường để được hỗ trợ kích hoạt VNeID."
with r.case("cancel stops a broadcast for good; a future one never sends"):
    st, b = api(srv, "POST", "/api/v1/broadcasts", admin,
                {"name": "Hủy giữa chừng", "text": TEXT_C, "audience": {"communes": [HN[2]]}})
    assert st == 201, (st, b)
    bid_cancel = b["id"]
    assert wait_until(lambda: len(group_received(HN[2], TEXT_C)) >= 2, 30)
    st, b = api(srv, "POST", "/api/v1/broadcasts/%d/cancel" % bid_cancel, staff01)
    assert st == 200 and b["status"] == "cancelled", (st, b)
    wait_quiet(lambda: len(group_received(HN[2], TEXT_C)), secs=2.5)
    n = len(group_received(HN[2], TEXT_C))
    time.sleep(2)
    got = group_received(HN[2], TEXT_C)
    assert len(got) == n < 40 and set(got.values()) == {1}, got
    st, b = get(admin, bid_cancel)
    c = b["counts"]
    assert b["status"] == "cancelled" and c["sent"] == n and c["waiting"] == 0, (b, n)
    assert q(db, "SELECT COUNT(*) FROM outbox WHERE broadcast_id = ? AND status = 'cancelled'",
             bid_cancel) == [(40 - n,)]
    for act in ("resume", "cancel"):
        st, b = api(srv, "POST", "/api/v1/broadcasts/%d/%s" % (bid_cancel, act), admin)
        assert st == 409, (act, st, b)
    st, b = api(srv, "POST", "/api/v1/broadcasts", admin,
                {"name": "Ngày mai", "text": TEXT_C, "audience": {"communes": [HN[0]]},
                 "send_at": "2026-03-11T09:00:00+07:00"})
    assert st == 201, (st, b)
    bid_future = b["id"]
    assert get(admin, bid_future)[1]["status"] == "scheduled"
    st, b = api(srv, "POST", "/api/v1/broadcasts/%d/cancel" % bid_future, admin)
    assert st == 200 and b["status"] == "cancelled", (st, b)

# ---- follow-ups ----------------------------------------------------------------------------
zuser = zs.new_user_id()
phone_f = "0983000001"
ACTIVATE = ANSWERS["activate_account"]["text"]
OTP = ANSWERS["otp_not_received"]["text"]


def followup_text(topic, sms):
    t = "%s\n1. %s\n2. %s" % (CAMPAIGN["followup_" + topic], FLOW["texts"]["opt_solved"],
                              FLOW["texts"]["opt_failed"])
    return unaccent(t) if sms else t


with r.case("activation guidance by Zalo and by SMS schedules one follow-up each"):
    st, _, _ = zs.post_event(srv.url("/webhooks/zalo"), zs.user_send_text(zuser, "2"), OA_SECRET)
    assert st == 200
    assert wait_until(lambda: any(ACTIVATE in t for t in z.delivered_to(zuser)), 15), \
        z.delivered_to(zuser)
    k.phones.send(phone_f, SHORT, "3")
    assert wait_until(lambda: any(unaccent(OTP)[:40] in t for t in sms_to(k, canon(phone_f))), 30), \
        sms_to(k, canon(phone_f))
    rows = q(db, "SELECT c.channel, f.intent, f.status, f.due_at FROM followups f"
                 " JOIN contacts c ON c.id = f.contact_id ORDER BY f.id")
    assert [(ch, i, s) for ch, i, s, _ in rows] == [("zalo", "activate_account", "pending"),
                                                    ("sms", "otp_not_received", "pending")], \
        ("is campaign_followup_on_step called from ingest?", rows)
    assert all(A0 + H - 60000 < d < A0 + H + 120000 for *_, d in rows), rows

n_zalo_before = len(z.delivered_to(zuser))
n_sms_before = len(sms_to(k, canon(phone_f)))
with r.case("an hour later (a restart with the clock moved) the question is asked once"):
    srv.env["HELPDESK_FAKE_NOW"] = str(A0 + H + 5 * 60000)
    srv.restart()
    ztext, stext = followup_text("activate_account", False), followup_text("otp_not_received", True)
    assert wait_until(lambda: ztext in z.delivered_to(zuser), 20), z.delivered_to(zuser)
    assert wait_until(lambda: stext in sms_to(k, canon(phone_f)), 30), sms_to(k, canon(phone_f))
    time.sleep(2)
    assert z.delivered_to(zuser)[n_zalo_before:] == [ztext], z.delivered_to(zuser)
    assert sms_to(k, canon(phone_f))[n_sms_before:] == [stext], sms_to(k, canon(phone_f))
    assert [s for (s,) in q(db, "SELECT status FROM followups ORDER BY id")] == ["sent", "sent"]

with r.case("the answers are recorded: solved (activation confirmed) and failed"):
    n_z = len(z.delivered_to(zuser))
    st, _, _ = zs.post_event(srv.url("/webhooks/zalo"), zs.user_send_text(zuser, "1"), OA_SECRET)
    assert st == 200
    solved = FLOW["nodes"]["activation_done"]["text"]   # the security reminder
    assert wait_until(lambda: solved in z.delivered_to(zuser)[n_z:], 15), z.delivered_to(zuser)
    k.phones.send(phone_f, SHORT, "2")
    assert wait_until(lambda: q(db, "SELECT COUNT(*) FROM followups WHERE status = 'answered'")
                      == [(2,)], 30)
    rows = q(db, "SELECT c.channel, f.status, f.outcome FROM followups f JOIN contacts c"
                 " ON c.id = f.contact_id ORDER BY f.id")
    assert rows == [("zalo", "answered", "solved"), ("sms", "answered", "failed")], rows
    assert q(db, "SELECT activated_at IS NOT NULL FROM contacts WHERE address = ?", zuser) == [(1,)]
    assert q(db, "SELECT activated_at FROM contacts WHERE address = ?", canon(phone_f)) == [(None,)]
    outcomes = q(db, "SELECT c.channel, h.intent, h.outcome FROM help_requests h JOIN contacts c"
                     " ON c.id = h.contact_id WHERE h.outcome IS NOT NULL ORDER BY h.id")
    assert ("zalo", "activate_account", "solved") in outcomes, outcomes
    assert ("sms", "otp_not_received", "failed") in outcomes, outcomes

with r.case("the next day nothing is asked again"):
    wait_quiet(lambda: len(sms_to(k, canon(phone_f))), secs=1.5)
    n_z, n_s = len(z.delivered_to(zuser)), len(sms_to(k, canon(phone_f)))
    srv.env["HELPDESK_FAKE_NOW"] = str(A0 + DAY + 2 * H)
    srv.restart()
    time.sleep(3)
    assert len(z.delivered_to(zuser)) == n_z and len(sms_to(k, canon(phone_f))) == n_s
    assert q(db, "SELECT COUNT(*) FROM followups WHERE status IN ('pending', 'sent')") == [(0,)]

srv.stop()

# =============================================================================================
# Part B: 10,000 citizens across 22:00 and two SIGKILLs
# =============================================================================================
D12 = D10 + 2 * DAY                                         # 2026-03-12
# Only the final delivery report (mask 1): half the callbacks, the same proof of delivery.
srvb = Server(env=server_env(SMS_RATE_PER_S=500, ZALO_RATE_PER_S=2000, HELPDESK_FAKE_NOW=D12 + 21 * H,
                             KANNEL_SENDSMS_URL=k.sendsms_url, KANNEL_USER=k.user,
                             KANNEL_PASSWORD=k.password, KANNEL_DLR_MASK=1))
adminb = user_add(srvb, "--name", "Quản trị", "--role", "admin")
staffb = user_add(srvb, "--name", "Tổ công tác Hà Nội", "--role", "staff", "--province", "01")
srvb.start()
dbb = srvb.env["HELPDESK_DB"]

# The citizens, in contact id order: Zalo users first (inserted directly), then the imported SMS
# numbers. Each is (kind, key, commune, phone, opted_out); expectations follow from these.
N_SMS, N_ZALO = 8500, 1500
sms_people = [("sms", "09%08d" % (70000000 + i), HN[i % 5], None, i % 17 == 3) for i in range(N_SMS)]
zalo_people = []
for i in range(N_ZALO):
    uid = "61%017d" % (10 ** 16 + i)
    if i < 1000:            # wrote two days ago: Zalo
        zalo_people.append(("zalo_recent", uid, HN[i % 5], None, i % 20 == 7))
    elif i < 1250:          # silent for 10 days, a phone of its own: SMS to it
        zalo_people.append(("zalo_phone", uid, HN[i % 5], "09%08d" % (60000000 + i), False))
    elif i < 1300:          # silent, its phone is one of the imported numbers: one person twice
        j = (i - 1250) * 97 + 11
        zalo_people.append(("zalo_pair", uid, HN[i % 5], sms_people[j][1], False))
    elif i < 1400:          # silent, no phone
        zalo_people.append(("zalo_none", uid, HN[i % 5], None, False))
    else:                   # never wrote, no phone
        zalo_people.append(("zalo_never", uid, HN[i % 5], None, False))
people = zalo_people + sms_people          # id order
outside = [("09%08d" % (50000000 + i)) for i in range(200)]

with r.case("10,000 citizens seeded: 8,500 through the import API, 1,500 Zalo users"):
    con = sqlite3.connect(dbb, timeout=30)
    with con:
        for kind, uid, commune, phone, opted in zalo_people:
            last = {"zalo_recent": D12 - 2 * DAY + 12 * H}.get(kind, D12 - 10 * DAY)
            con.execute("INSERT INTO contacts (channel, address, state, opted_out, created_at,"
                        " last_inbound_at, commune_code, phone) VALUES ('zalo', ?, '', ?, ?, ?, ?, ?)",
                        (uid, int(opted), D12 - 20 * DAY, None if kind == "zalo_never" else last,
                         commune, phone))
    con.close()
    assert import_csv(srvb, staffb, [(p, c, "Công dân") for _, p, c, _, _ in sms_people]) == N_SMS
    assert import_csv(srvb, adminb, [(p, CB, "") for p in outside]) == 200
    con = sqlite3.connect(dbb, timeout=30)
    with con:
        for _, p, _, _, opted in sms_people:
            if opted:
                con.execute("UPDATE contacts SET opted_out = 1, opted_out_at = ? WHERE channel = 'sms'"
                            " AND address = ?", (D12, canon(p)))
        con.execute("UPDATE contacts SET created_at = ? WHERE channel = 'sms'", (D12 + 20 * H,))
    con.close()
    ids = q(dbb, "SELECT channel, address FROM contacts WHERE commune_code LIKE '000%' ORDER BY id")
    assert [a for _, a in ids] == [p[1] if p[0] != "sms" else canon(p[1]) for p in people], \
        "contacts are not in the expected id order"
    assert q(dbb, "SELECT COUNT(*) FROM contacts") == [(10200,)]


def address_of(person):
    kind, key, _, phone, _ = person
    return canon(key) if kind == "sms" else key


def simulate(people, stamped):
    """The rules of the issue, applied in contact id order. stamped: the people (addresses of
    their contact rows) who had a reminder today already. Returns (sent: address -> channel,
    skipped: reason -> count)."""
    sms_opted = {canon(p[1]) for p in people if p[0] == "sms" and p[4]}
    stamped = set(stamped)
    sent, skipped = {}, collections.Counter()
    for person in people:
        kind, key, _, phone, opted = person
        me = address_of(person)
        if opted:
            skipped["opted_out"] += 1
            continue
        if kind in ("zalo_none", "zalo_never"):
            skipped["no_channel"] += 1
            continue
        if kind in ("zalo_phone", "zalo_pair"):
            to = canon(phone)
            if to in sms_opted:
                skipped["opted_out"] += 1
                continue
            keys = {me, to}
        else:
            to, keys = me, {me}
        if keys & stamped:
            skipped["daily_cap"] += 1
            continue
        stamped |= keys
        sent[to] = "zalo" if kind == "zalo_recent" else "sms"
    return sent, skipped


EXP1, SKIP1 = simulate(people, set())
TEXT_B1 = "Công an phường nhắc: tài khoản VNeID của anh/chị đã được duyệt, hãy kích hoạt ngay."
TEXT_B2 = "Nhắc lần 2: kích hoạt VNeID trong tuần này để dùng dịch vụ công."
SMS_B1, SMS_B2 = unaccent(TEXT_B1 + "\n" + FOOTER), unaccent(TEXT_B2 + "\n" + FOOTER)
ZALO_B1, ZALO_B2 = TEXT_B1 + "\n" + FOOTER, TEXT_B2 + "\n" + FOOTER
r.note("expected b1: %d SMS, %d Zalo, skipped %s" % (
    sum(1 for v in EXP1.values() if v == "sms"), sum(1 for v in EXP1.values() if v == "zalo"),
    dict(SKIP1)))


def received(sms_text, zalo_text, start_sms=0, start_zalo=0):
    """address -> times received, from the phones and the stand-in."""
    got = collections.Counter(m.receiver for m in list(k.phones.received)[start_sms:]
                              if m.text == sms_text)
    got.update(u for (u, t, _) in list(z.sent)[start_zalo:] if t == zalo_text)
    return got


k.phones.clear()
n_zalo_start = len(z.sent)
srvb.env["HELPDESK_FAKE_NOW"] = str(D12 + 21 * H + 59 * 60000 + 45000)   # 21:59:45
bid1 = None
with r.case("a broadcast due at 21:59:52 sends until 22:00, then waits (waiting_window)"):
    srvb.restart(crash=True)
    st, b = api(srvb, "POST", "/api/v1/broadcasts", staffb,
                {"name": "Nhắc kích hoạt", "text": TEXT_B1, "audience": {"segment": "all"},
                 "send_at": "2026-03-12T21:59:52+07:00"})
    assert st == 201, (st, b)
    bid1 = b["id"]
    assert api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)[1]["status"] == "scheduled"
    assert wait_until(lambda: api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)[1]["status"]
                      == "waiting_window", 40), \
        api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)
    st, b = api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)
    queued_at_close = b["counts"]["queued"]
    time.sleep(2.5)
    st, b = api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)
    assert b["status"] == "waiting_window" and b["counts"]["audience"] == 10000, b
    assert b["counts"]["queued"] <= queued_at_close and b["counts"]["waiting"] == 0, b
    sent_at = [s for (s,) in q(dbb, "SELECT sent_at FROM outbox WHERE broadcast_id = ?"
                                    " AND sent_at IS NOT NULL", bid1)]
    assert sent_at, "nothing was sent before 22:00"
    late = [s for s in sent_at if not (7 * H <= local_ms_of_day(s) < 22 * H + 1000)]
    assert not late, "sent in the quiet hours: %r" % late[:5]
    r.note("before 22:00: %d sent, %d recipients planned" % (len(sent_at), b["counts"]["queued"]))

with r.case("SIGKILL in the quiet hours; the phones got each message once"):
    srvb.kill()
    settle = wait_quiet(lambda: len(k.phones.received), secs=2, timeout=60)
    assert settle is not None
    DAY1 = received(SMS_B1, ZALO_B1, 0, n_zalo_start)
    assert DAY1 and max(DAY1.values()) == 1, DAY1.most_common(3)
    assert set(DAY1) <= set(EXP1), set(DAY1) - set(EXP1)
    assert len(DAY1) < len(EXP1)
n_sms_day2, n_zalo_day2 = len(k.phones.received), len(z.sent)

D13 = D12 + DAY
with r.case("restarted at 06:59:57 the next day: nothing before 07:00, then it resumes"):
    srvb.env["HELPDESK_FAKE_NOW"] = str(D13 + 7 * H - 3000)
    t0 = time.monotonic()           # the process's clock starts after this: at most 06:59:57 + elapsed
    srvb.start()
    st, b = api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)
    assert b["status"] == "waiting_window", b
    time.sleep(max(0, 2.5 - (time.monotonic() - t0)))
    assert len(k.phones.received) == n_sms_day2 and len(z.sent) == n_zalo_day2, "sent before 07:00"
    assert wait_until(lambda: len(received(SMS_B1, ZALO_B1, n_sms_day2, n_zalo_day2)) >= 300, 60)

with r.case("SIGKILL while sending, restart, it finishes: done"):
    # Zalo has no delivery reports to settle a send cut by the kill: kill while only SMS go.
    assert wait_until(lambda: q(dbb, "SELECT COUNT(*) FROM outbox WHERE channel = 'zalo' AND"
                                     " status IN ('queued', 'sending')") == [(0,)], 60)
    b = api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)[1]
    assert b["status"] == "sending" and b["counts"]["sent"] < len(EXP1), b
    t_kill = time.monotonic()
    srvb.kill()
    # The clock of the next start goes on from about where this one stopped (t0 was taken
    # before the start, so this is a little ahead): leases of the rows cut by the kill have
    # not run out, and Kannel's delivery reports settle them first.
    fake_kill = D13 + 7 * H - 3000 + int((t_kill - t0) * 1000)
    srvb.env["HELPDESK_FAKE_NOW"] = str(fake_kill + 1000)
    srvb.start()
    assert wait_until(lambda: api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)[1]
                      ["status"] == "done", 240), \
        api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)
    assert wait_quiet(lambda: len(k.phones.received), secs=2, timeout=60) is not None

with r.case("broadcast 1: exact counts, every citizen reached once on the right channel"):
    got = received(SMS_B1, ZALO_B1, 0, n_zalo_start)
    twice = [a for a, n in got.items() if n > 1]
    assert not twice, "received twice: %r" % twice[:10]
    missing, extra = set(EXP1) - set(got), set(got) - set(EXP1)
    assert not missing and not extra, (sorted(missing)[:5], sorted(extra)[:5])
    zalo_got = {u for (u, t, _) in list(z.sent)[n_zalo_start:] if t == ZALO_B1}
    assert zalo_got == {a for a, ch in EXP1.items() if ch == "zalo"}
    assert not any(m.receiver in {canon(p) for p in outside} for m in k.phones.received)
    st, b = api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)
    c, s = b["counts"], b["skipped_by_reason"]
    assert c["audience"] == 10000 and c["queued"] == len(EXP1) and c["sent"] == len(EXP1), c
    assert c["skipped"] == sum(SKIP1.values()) and c["queued"] + c["skipped"] == 10000, c
    assert s == {"opted_out": SKIP1["opted_out"], "daily_cap": SKIP1["daily_cap"],
                 "no_channel": SKIP1["no_channel"]}, (s, SKIP1)
    assert wait_until(lambda: api(srvb, "GET", "/api/v1/broadcasts/%d" % bid1, staffb)[1]
                      ["counts"]["delivered"] == sum(1 for v in EXP1.values() if v == "sms"), 30)

with r.case("broadcast 1 crossed the night: some reached on each day, none on both"):
    day2 = received(SMS_B1, ZALO_B1, n_sms_day2, n_zalo_day2)
    assert DAY1 and day2 and not set(DAY1) & set(day2), (len(DAY1), len(day2))
    r.note("broadcast 1: %d reached before 22:00, %d the next morning" % (len(DAY1), len(day2)))

with r.case("a second broadcast the same morning meets the daily cap exactly"):
    part = [p for p in people if p[2] in (HN[0], HN[1])]
    stamped = set()
    for person in part:             # who had broadcast 1 this morning (their contact rows)
        kind, key, _, phone, _ = person
        to = canon(phone) if kind in ("zalo_phone", "zalo_pair") else address_of(person)
        if to in day2:
            stamped |= {address_of(person), to}
    for a in day2:                  # SMS numbers reached this morning through a Zalo user's phone
        stamped.add(a)
    exp2, skip2 = simulate(part, stamped)
    n_sms_b2, n_zalo_b2 = len(k.phones.received), len(z.sent)
    st, b = api(srvb, "POST", "/api/v1/broadcasts", staffb,
                {"name": "Nhắc lần 2", "text": TEXT_B2,
                 "audience": {"communes": [HN[0], HN[1]], "segment": "all"}})
    assert st == 201, (st, b)
    bid2 = b["id"]
    assert wait_until(lambda: api(srvb, "GET", "/api/v1/broadcasts/%d" % bid2, staffb)[1]
                      ["status"] == "done", 120)
    assert wait_quiet(lambda: len(k.phones.received), secs=2, timeout=60) is not None
    got2 = received(SMS_B2, ZALO_B2, n_sms_b2, n_zalo_b2)
    assert max(got2.values() or [0]) <= 1, got2.most_common(3)
    assert set(got2) == set(exp2), (sorted(set(exp2) - set(got2))[:5],
                                    sorted(set(got2) - set(exp2))[:5])
    st, b = api(srvb, "GET", "/api/v1/broadcasts/%d" % bid2, staffb)
    c, s = b["counts"], b["skipped_by_reason"]
    assert c["audience"] == len(part) and c["sent"] == len(exp2), (c, len(part), len(exp2))
    assert s == {"opted_out": skip2["opted_out"], "daily_cap": skip2["daily_cap"],
                 "no_channel": skip2["no_channel"]}, (s, skip2)
    assert skip2["daily_cap"] > 0 and len(exp2) > 0, (skip2, len(exp2))
    # At most one reminder a citizen this day.
    both = set(got2) & set(day2)
    assert not both, sorted(both)[:5]
    r.note("broadcast 2: %d sent, skipped %s" % (len(exp2), dict(skip2)))

with r.case("opted-out citizens received nothing"):
    opted = {canon(p[1]) for p in sms_people if p[4]} | {p[1] for p in zalo_people if p[4]}
    hit = [m.receiver for m in k.phones.received if m.receiver in opted]
    hit += [u for (u, _, _) in list(z.sent)[n_zalo_start:] if u in opted]
    assert not hit, hit[:5]

srvb.stop()
k.stop()
z.stop()
r.finish()
