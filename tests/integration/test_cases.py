#!/usr/bin/env python3
"""test_cases.py -- the commune police queue end to end, through /api/v1/simulate and the API:
a device change the bot cannot solve becomes a case in the citizen's commune; that commune's
officer sees it (ID number in full, read audited), claims, replies and resolves it; the citizen
gets both messages in the outbox on their channel; an officer of another commune and staff of
another province cannot see it; bad tokens and bad bodies get JSON errors."""
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.util import REPO_ROOT, Reporter, Server, http_json  # noqa: E402

r = Reporter(deadline=300)
KEY = "5f0e8c3a9b7d1e2f4a6c8e0b2d4f6a8c1e3b5d7f9a0c2e4b6d8f1a3c5e7b9d0f"
srv = Server(env={"HELPDESK_PII_KEY": KEY})


def user_add(*args):
    p = subprocess.run([srv.binary, "user", "add"] + list(args), capture_output=True, text=True,
                       env=srv.env, cwd=REPO_ROOT, timeout=30)
    assert p.returncode == 0, (p.returncode, p.stderr)
    token = p.stdout.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), token
    return token


def api(method, path, token, body=None):
    return http_json(method, srv.url(path), body, {"Authorization": "Bearer " + token})


def q(sql, *args):
    con = sqlite3.connect(srv.env["HELPDESK_DB"], timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


srv.start()
with r.case("user add prints a token once and stores only its hash"):
    staff = user_add("--name", "Tổ công tác Đề án 06 Hà Nội", "--role", "staff", "--province", "01")
    officer_a = user_add("--name", "Trung úy Lê Văn Ba", "--role", "officer", "--commune", "00004")
    officer_b = user_add("--name", "Thiếu úy Trần Thị Bốn", "--role", "officer", "--commune", "00008")
    staff_hcm = user_add("--name", "Tổ 06 TP HCM", "--role", "staff", "--province", "79")
    hashes = [h for (h,) in q("SELECT token_hash FROM users")]
    assert len(hashes) == 4 and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), hashes
    assert not any(t in hashes for t in (staff, officer_a, officer_b, staff_hcm))

with r.case("user add refuses an officer without commune and an unknown commune"):
    for args in (["--name", "X", "--role", "officer"],
                 ["--name", "X", "--role", "officer", "--commune", "99999"],
                 ["--name", "X", "--role", "chief"]):
        p = subprocess.run([srv.binary, "user", "add"] + args, capture_output=True, text=True,
                           env=srv.env, cwd=REPO_ROOT, timeout=30)
        assert p.returncode != 0 and not p.stdout.strip(), (args, p.returncode, p.stdout)

with r.case("the API needs a valid bearer token; simulate needs staff"):
    st, _, body = http_json("GET", srv.url("/api/v1/cases"))
    assert st == 401 and body["error"]["code"], (st, body)
    st, _, body = api("GET", "/api/v1/cases", "not-a-token")
    assert st == 401, st
    st, _, body = api("POST", "/api/v1/simulate", officer_a,
                      {"contact": "0912555000", "channel": "sms", "text": "xin chao"})
    assert st == 403, (st, body)
    st, _, body = api("GET", "/api/v1/me", officer_a)
    assert st == 200 and body["role"] == "officer" and body["communes"][0]["code"] == "00004", body

CONTACT = "0912555001"


def say(text):
    st, _, body = api("POST", "/api/v1/simulate", staff, {"contact": CONTACT, "channel": "sms", "text": text})
    assert st == 200, (st, body)
    return body


case_id = None
with r.case("device change that still fails goes through intake to a case"):
    b = say("toi moi doi dien thoai, khong dang nhap duoc vneid")
    assert b["intent"] == "device_change", b
    b = say("van khong duoc")
    assert "escalate" in b["actions"], b
    for text in ("Nguyễn Văn An", "001 090 123 456", "Phường Ba Đình, Hà Nội", "1",
                 "Điện thoại cũ bị mất, không đăng nhập được"):
        b = say(text)
        assert "case_open" not in b["actions"], (text, b)
    b = say("1")
    assert "case_open" in b["actions"], b
    text = " ".join(rep["text"] for rep in b["replies"])
    (case_id,) = q("SELECT id FROM cases")[0]
    assert str(case_id) in text and "{case_id}" not in text, text
    row = q("SELECT commune_code, kind, status, id_last4, full_name, callback_phone FROM cases")[0]
    assert row == ("00004", "device_change", "open", "3456", "Nguyễn Văn An", "0912555001"), row

with r.case("the ID number is stored only encrypted"):
    (blob,) = q("SELECT id_enc FROM cases WHERE id = ?", case_id)[0]
    assert blob and b"001090123456" not in bytes(blob), blob
    dump = open(srv.env["HELPDESK_DB"], "rb").read()
    wal = srv.env["HELPDESK_DB"] + "-wal"
    dump += open(wal, "rb").read() if os.path.exists(wal) else b""
    assert b"001090123456" not in dump, "the ID number is in the database file in clear"
    assert "001090123456" not in srv.log_text()

with r.case("the commune's officer sees it in the queue, masked"):
    st, _, body = api("GET", "/api/v1/cases", officer_a)
    assert st == 200, (st, body)
    ids = [c["id"] for c in body["cases"]]
    assert case_id in ids, body
    c = body["cases"][ids.index(case_id)]
    assert c["id_number"] == "********3456" and c["commune"]["code"] == "00004", c
    assert c["overdue"] is False

with r.case("its officer's case page shows the full ID number and the read is audited"):
    st, _, c = api("GET", "/api/v1/cases/%d" % case_id, officer_a)
    assert st == 200 and c["id_number"] == "001090123456", (st, c)
    assert any(m["dir"] == "in" and "van khong duoc" in m["text"] for m in c["conversation"]), c["conversation"]
    assert any(e["kind"] == "created" for e in c["events"]), c["events"]
    (n,) = q("SELECT count(*) FROM audit_log WHERE action = 'case.read_pii' AND case_id = ?", case_id)[0]
    assert n == 1, n

with r.case("staff of the province see it masked; other commune and other province get 404"):
    st, _, c = api("GET", "/api/v1/cases/%d" % case_id, staff)
    assert st == 200 and c["id_number"] == "********3456", (st, c.get("id_number"))
    for tok in (officer_b, staff_hcm):
        st, _, body = api("GET", "/api/v1/cases/%d" % case_id, tok)
        assert st == 404 and body["error"]["code"] == "not_found", (st, body)
        st, _, body = api("GET", "/api/v1/cases", tok)
        assert st == 200 and case_id not in [x["id"] for x in body["cases"]], body
        st, _, body = api("POST", "/api/v1/cases/%d/claim" % case_id, tok)
        assert st == 404, st

with r.case("a second escalation while the case is open adds to it"):
    b = say("cho toi gap can bo")
    assert "case_open" not in b["actions"], b
    assert str(case_id) in " ".join(rep["text"] for rep in b["replies"]), b
    assert q("SELECT count(*) FROM cases")[0][0] == 1
    kinds = [k for (k,) in q("SELECT kind FROM case_events WHERE case_id = ?", case_id)]
    assert "escalation" in kinds and "message" in kinds, kinds

outbox_before = q("SELECT count(*) FROM outbox WHERE address LIKE '%912555001'")[0][0]
with r.case("claim, reply and resolve; the citizen gets both messages"):
    st, _, c = api("POST", "/api/v1/cases/%d/claim" % case_id, officer_a)
    assert st == 200 and c["status"] == "claimed" and c["claimed_by"]["name"] == "Trung úy Lê Văn Ba", (st, c)
    st, _, body = api("POST", "/api/v1/cases/%d/claim" % case_id, officer_a)
    assert st == 200, st                          # claiming again is harmless
    st, _, body = api("POST", "/api/v1/cases/%d/reply" % case_id, officer_a,
                      {"text": "Mời anh mang thẻ căn cước đến trụ sở Công an phường sáng mai."})
    assert st == 202 and body["queued"], (st, body)
    st, _, body = api("POST", "/api/v1/cases/%d/resolve" % case_id, officer_a,
                      {"note": "Đã đổi thiết bị đăng nhập."})
    assert st == 200 and body["status"] == "resolved", (st, body)
    rows = q("SELECT text, priority, status FROM outbox WHERE address LIKE '%912555001' ORDER BY id")
    new = rows[outbox_before:]
    assert len(new) == 2, rows
    assert "Moi anh mang the can cuoc" in new[0][0] and str(case_id) in new[0][0], new[0]
    assert "Da doi thiet bi dang nhap" in new[1][0], new[1]
    assert all(ord(ch) < 128 for t, _, _ in new for ch in t), new   # SMS: no diacritics
    kinds = [k for (k,) in q("SELECT kind FROM case_events WHERE case_id = ? ORDER BY id", case_id)]
    assert "claimed" in kinds and "reply" in kinds and "resolved" in kinds, kinds

with r.case("a resolved case refuses more replies (409) and bad bodies get 400"):
    st, _, body = api("POST", "/api/v1/cases/%d/reply" % case_id, officer_a, {"text": "nữa"})
    assert st == 409 and body["error"]["code"] == "conflict", (st, body)
    st, _, body = api("POST", "/api/v1/cases/%d/close" % case_id, officer_a, {"reason": "lost"})
    assert st == 400, (st, body)
    st, _, body = api("POST", "/api/v1/cases/%d/reply" % case_id, officer_a, {"text": "x" * 1001})
    assert st == 400, (st, body)
    st, _, body = api("GET", "/api/v1/cases/999999", officer_a)
    assert st == 404, st

with r.case("every change is in the audit log"):
    acts = {a for (a,) in q("SELECT action FROM audit_log WHERE case_id = ?", case_id)}
    assert {"case.claim", "case.reply", "case.resolve", "case.read_pii"} <= acts, acts

def intake(contact, first, answers):
    for text in [first] + answers:
        st, _, b = api("POST", "/api/v1/simulate", staff, {"contact": contact, "channel": "zalo", "text": text})
        assert st == 200, (st, b)
    return b


with r.case("wrong ID numbers are explained and asked again, through the API"):
    replies = []
    for text in ["cho toi gap can bo", "Trần Văn Năm", "12345", "00109012345a", "999090123456",
                 "001090123456"]:
        st, _, b = api("POST", "/api/v1/simulate", staff,
                       {"contact": "zalo-user-77", "channel": "zalo", "text": text})
        replies.append(" ".join(x["text"] for x in b["replies"]))
    # three different explanations, then the commune question
    assert len(set(replies[2:5])) == 3, replies[2:5]
    assert "12" in replies[2], replies[2]
    assert "xã" in replies[5].lower() or "phường" in replies[5].lower(), replies[5]
    b = intake("zalo-user-77", "0", [])
    assert "intake_cancel" in b["actions"], b
    assert q("SELECT count(*) FROM case_drafts")[0][0] == 0, "the draft outlived the cancel"

with r.case("an ambiguous commune gets numbered options, and a digit picks one"):
    b = intake("zalo-user-78", "cho toi gap can bo", ["Lê Thị Sáu", "001190123456", "Tân Phong"])
    assert len(b["replies"][-1]["options"]) >= 2 or "1." in b["replies"][-1]["text"], b
    b = intake("zalo-user-78", "1", ["0912345678", "cần đổi số điện thoại", "1"])
    assert "case_open" in b["actions"], b
    (code,) = q("SELECT commune_code FROM cases WHERE full_name = 'Lê Thị Sáu'")[0]
    assert code in ("03408", "03970") or code, code

open_id = q("SELECT id FROM cases WHERE full_name = 'Lê Thị Sáu'")[0][0]
DAY = 24 * 3600 * 1000
with r.case("a case open for more than the SLA is overdue, listed first, and filtered"):
    import time as _t
    srv.env["HELPDESK_FAKE_NOW"] = str(int(_t.time() * 1000) + 7 * DAY)
    srv.restart()
    st, _, body = api("GET", "/api/v1/cases?overdue=1", staff)
    assert st == 200, body
    # staff of Hà Nội see only their province's cases
    st, _, admin_body = api("GET", "/api/v1/cases?status=all", staff)
    assert all(c["commune"]["province_code"] == "01" for c in admin_body["cases"]), admin_body

with r.case("personal data of a resolved case is erased after the retention period"):
    srv.env["HELPDESK_FAKE_NOW"] = str(int(_t.time() * 1000) + 91 * DAY)
    srv.restart()
    ok = False
    for _ in range(50):
        row = q("SELECT full_name, id_enc, callback_phone, description, purged_at FROM cases WHERE id = ?",
                case_id)[0]
        if row[4]:
            ok = True
            break
        _t.sleep(0.1)
    assert ok and row[:4] == (None, None, None, None), row
    st, _, c = api("GET", "/api/v1/cases/%d" % case_id, officer_a)
    assert st == 200 and c["purged"] and c["full_name"] is None and c["id_number"] == "********3456", c
    (left,) = q("""SELECT count(*) FROM messages m JOIN cases c ON c.contact_id = m.contact_id
                   WHERE c.id = ? AND m.text LIKE '%Nguyễn Văn An%'""", case_id)[0]
    assert left == 0, "the citizen's name outlived the case in the conversation"
    (left,) = q("""SELECT count(*) FROM outbox WHERE address LIKE '%912555001'
                   AND (text LIKE '%Moi anh mang the can cuoc%' OR text LIKE '%Da doi thiet bi%')""")[0]
    assert left == 0, "the officer's answers outlived the case in the outbox"
    (open_row,) = q("SELECT full_name FROM cases WHERE id = ?", open_id)
    assert open_row[0] == "Lê Thị Sáu", "an open case lost its data"

with r.case("an officer's answer leaves with ID numbers masked; too long for SMS is refused"):
    admin = user_add("--name", "Quản trị", "--role", "admin")
    st, _, body = api("POST", "/api/v1/cases/%d/reply" % open_id, admin,
                      {"text": "Số định danh của chị là 001190123456, đúng không?"})
    assert st == 202, (st, body)
    (text,) = q("SELECT text FROM outbox WHERE id = (SELECT max(id) FROM outbox)")[0]
    assert "001190123456" not in text and "********3456" in text, text
    # the first case is an SMS conversation: 600 characters do not fit three SMS parts
    st, _, body = api("POST", "/api/v1/simulate", staff,
                      {"contact": "0912555009", "channel": "sms", "text": "cho toi gap can bo"})
    for t in ("Pham Van Bay", "001090123457", "Phuong Ba Dinh, Ha Noi", "1", "can giup do", "1"):
        st, _, body = api("POST", "/api/v1/simulate", staff, {"contact": "0912555009", "channel": "sms", "text": t})
    (sms_case,) = q("SELECT id FROM cases WHERE full_name = 'Pham Van Bay'")[0]
    st, _, body = api("POST", "/api/v1/cases/%d/reply" % sms_case, admin, {"text": "a" * 600})
    assert st == 400 and body["error"]["code"] == "too_long", (st, body)

srv.stop()
r.finish()
