#!/usr/bin/env python3
"""test_browser.py -- the officers' dashboard in a real browser, against the real server.

Sets the stage, then hands over to tests/browser/dashboard.test.js (playwright-core driving
Debian's Chromium, headless), whose PASS/FAIL lines are passed on as this program's own:

  1. npm ci in tests/browser when its node_modules is missing (playwright-core, pinned);
  2. the server, with a PII key, in production mode;
  3. users made with `vneid-helpdesk user add`: a staff member (for /api/v1/simulate), the
     officer of Phường Hoàn Kiếm and an officer of Phường Ngọc Hà (who must not see the case);
  4. a case made the way a citizen makes one: a Zalo conversation through /api/v1/simulate --
     device change, self-service fails, the intake (name, ID number, commune, phone,
     description with some markup in it, confirm);
  5. the browser: sign-in -> queue -> case -> claim -> reply -> resolve, on a desktop and a
     360 px phone screen; screenshots in $TEST_TMPDIR/screens, the last ones also copied to
     tests/browser/screenshots/ (not in git);
  6. afterwards: the citizen's two messages (the reply, the resolution) are in the outbox.
"""
import os
import secrets
import sqlite3
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.browser import CHROMIUM, keep_screenshots, npm_ci, run_node, tools_missing, user_add  # noqa: E402
from lib.util import REPO_ROOT, Reporter, Server, http, http_json, tmp_root  # noqa: E402

r = Reporter(deadline=840)

CONTACT = "zalo-browser-%s" % secrets.token_hex(4)
NAME = "Trần Thị Bình"
IDNUM = "001190123456"           # Hà Nội (001), a woman born in 1990 (century digit 1)
COMMUNE_CODE, COMMUNE_NAME = "00070", "Phường Hoàn Kiếm"
OTHER_COMMUNE = "00008"           # Phường Ngọc Hà: the other officer's
PHONE = "0912345678"
UNTRUSTED = '<img src=x onerror="window.__hd_xss=1"><b>gấp</b>'
DESCRIPTION = "Tôi đổi điện thoại mới, đăng nhập VNeID báo thiết bị không hợp lệ. " + UNTRUSTED
STILL_FAILS = "vẫn không được"
REPLY = ("Chào chị, Công an phường đã nhận hồ sơ. Chị mang căn cước đến trụ sở "
         "sáng thứ Hai để được hỗ trợ đổi thiết bị.")
NOTE = "Đã hỗ trợ đổi thiết bị đăng nhập tại trụ sở."


def plain(s):
    """Vietnamese without its marks, lower case: an SMS text is stored unaccented."""
    s = unicodedata.normalize("NFD", s or "").replace("đ", "d").replace("Đ", "D")
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).lower().split())


def say(srv, staff, text):
    st, _, body = http_json("POST", srv.url("/api/v1/simulate"),
                            {"contact": CONTACT, "channel": "zalo", "text": text},
                            {"Authorization": "Bearer " + staff}, timeout=15)
    assert st == 200, "simulate %r: %d %r" % (text, st, body)
    return body


def replies_text(body):
    return " | ".join(x.get("text", "") for x in body.get("replies", []))


def answer_for(body):
    """What the citizen answers to the bot's last question. The intake's order and wording
    belong to messages/intake.json: the question is recognised by its words, and a numbered
    list is answered with the number of the option wanted."""
    reps = body.get("replies") or [{}]
    opts = [plain(o) for rep in reps for o in rep.get("options", [])]
    lines = [ln for ln in plain(reps[-1].get("text", "")).splitlines() if ln.strip()]
    ask = " ".join(lines[-2:]) if lines else ""
    for i, o in enumerate(opts):                     # communes offered, or the confirmation
        if "hoan kiem" in o or o.startswith("dung"):
            return str(i + 1)
    if "mo ta" in ask:                               # its example may name a phone
        return DESCRIPTION
    if "ho va ten" in ask or "ho ten" in ask:
        return NAME
    if "dinh danh" in ask:
        return IDNUM
    if "dien thoai" in ask:
        return PHONE
    if "tinh" in ask and "xa" not in ask:
        return "Thành phố Hà Nội"
    if "xa" in ask or "phuong" in ask or "noi o" in ask:
        return COMMUNE_NAME + ", Hà Nội"
    return None


def make_case(srv, staff, officer):
    """The citizen's side, through the engine, until the case exists."""
    log = []

    def turn(text):
        b = say(srv, staff, text)
        log.append("> %s\n< %s  [state %s, actions %s]"
                   % (text, replies_text(b)[:300], b.get("state"), b.get("actions")))
        return b

    turn("Tôi mới đổi điện thoại, không đăng nhập được VNeID")
    b = turn(STILL_FAILS)
    opened = False
    for _ in range(12):
        if "case_open" in (b.get("actions") or []):
            opened = True
            break
        text = answer_for(b)
        if text is None:
            break
        b = turn(text)
    st, _, lst = http_json("GET", srv.url("/api/v1/cases"), headers={"Authorization": "Bearer " + officer})
    cases = (lst or {}).get("cases", []) if st == 200 else []
    assert opened and len(cases) == 1, \
        "no case from the conversation (case_open %s, officer's queue %d: %r)\n%s" \
        % (opened, st, cases, "\n".join(log))
    return cases[0], log


def outbox_texts(db):
    con = sqlite3.connect(db, timeout=10)
    try:
        return [t for (t,) in con.execute(
            "SELECT text FROM outbox WHERE channel = 'zalo' AND address = ? ORDER BY id", (CONTACT,))]
    finally:
        con.close()


missing = tools_missing()
if missing:
    r.fail("browser tools", "missing: " + ", ".join(missing) + " (make deps installs them)")
    r.finish()

with r.case("playwright-core installed from the lock file"):
    npm_ci()

srv = Server(env={"HELPDESK_PII_KEY": secrets.token_hex(32), "HELPDESK_MODE": "production",
                  "HELPDESK_WEB": os.path.join(REPO_ROOT, "web")})
srv.start()
db = srv.env["HELPDESK_DB"]

with r.case("the dashboard's files are served: page, script, style; nothing outside web/"):
    st, h, body = http("GET", srv.url("/"))
    assert st == 200 and h.get("Content-Type", "").startswith("text/html"), (st, h.get("Content-Type"))
    assert b'<html lang="vi">' in body, body[:200]
    for name, ctype in (("app.js", "text/javascript"), ("app.css", "text/css"), ("icon.svg", "image/svg+xml")):
        st, h, _ = http("GET", srv.url("/assets/" + name))
        assert st == 200 and h.get("Content-Type", "").startswith(ctype), (name, st, h.get("Content-Type"))
    for bad in ("/assets/..%2Fsrc%2Fmain.c", "/assets/.hidden.js", "/assets/nope.js"):
        st, _, _ = http("GET", srv.url(bad))
        assert st == 404, (bad, st)

tokens = {}
with r.case("users made with `user add`: staff, the commune's officer, another commune's officer"):
    tokens["staff"] = user_add(srv, "Tổ điều phối Hà Nội", "staff", "--province", "01")
    tokens["officer"] = user_add(srv, "Nguyễn Văn An", "officer", "--commune", COMMUNE_CODE)
    tokens["other"] = user_add(srv, "Lê Thị Hoa", "officer", "--commune", OTHER_COMMUNE)
    assert len(set(tokens.values())) == 3

case = None
with r.case("a Zalo conversation with the intake makes a case in Phường Hoàn Kiếm"):
    assert len(tokens) == 3, "no users"
    case, transcript = make_case(srv, tokens["staff"], tokens["officer"])
    assert case["status"] == "open" and case["kind"] == "device_change", case
    assert case["commune"]["code"] == COMMUNE_CODE, case["commune"]
    assert case["id_number"] == "********" + IDNUM[-4:], case["id_number"]
    r.note("case %s made in %d turns" % (case["id"], len(transcript)))

if case:
    screens = os.path.join(tmp_root(), "screens")
    env = dict(os.environ)
    env.update({
        "HD_BASE_URL": srv.base_url, "HD_TOKEN": tokens["officer"], "HD_OTHER_TOKEN": tokens["other"],
        "HD_CASE_ID": str(case["id"]), "HD_CASE_NAME": NAME, "HD_CASE_IDNUM": IDNUM,
        "HD_CASE_COMMUNE": COMMUNE_NAME, "HD_CASE_TEXT": STILL_FAILS, "HD_UNTRUSTED": UNTRUSTED,
        "HD_REPLY": REPLY, "HD_NOTE": NOTE, "HD_SCREEN_DIR": screens, "HD_CHROMIUM": CHROMIUM,
    })
    run_node(r, "dashboard.test.js", env)

    with r.case("the citizen gets the reply and the resolution (outbox, Zalo)"):
        texts = outbox_texts(db)
        assert any(plain(REPLY) in plain(t) for t in texts), texts
        assert any(plain(NOTE) in plain(t) and "giai quyet" in plain(t) for t in texts), texts

    with r.case("the case page's read of the full ID number is audited, the number never logged"):
        con = sqlite3.connect(db, timeout=10)
        try:
            n = con.execute("SELECT count(*) FROM audit_log WHERE action = 'case.read_pii' AND case_id = ?",
                            (case["id"],)).fetchone()[0]
            details = " ".join(d or "" for (d,) in con.execute("SELECT detail FROM audit_log"))
        finally:
            con.close()
        assert n >= 1, "no case.read_pii"
        assert IDNUM not in details and IDNUM not in srv.log_text(), "the ID number leaked"

    keep_screenshots(r, screens)

srv.stop()
r.finish()
