#!/usr/bin/env python3
"""test_browser_staff.py -- the campaign staff's pages in a real browser, against the real server
and a real Kannel.

Sets the stage, then hands over to tests/browser/staff.test.js (playwright-core driving Debian's
Chromium, headless), whose PASS/FAIL lines are passed on as this program's own:

  1. the server (production mode, a PII key) with its clock at 10:00 today in Viet Nam
     (HELPDESK_FAKE_NOW), so that reminders may go out whenever the test runs, and Kannel with
     fakesmsc as the citizens' phones;
  2. users made with `vneid-helpdesk user add`: staff of Hà Nội (province 01) and an officer;
  3. the day's traffic, from real phones over SMS: in Phường Hoàn Kiếm one citizen asks about an
     OTP, another opts out (HUY), a third goes through the police intake (a device change) and
     the officer resolves the case; in Phường Ba Đình a fourth reports the account activated;
  4. the lists the browser imports: Hoàn Kiếm's (4 good lines, 5 bad ones: a bad phone, an
     unknown commune, a commune of another province, a missing column, markup for a name; UTF-8
     with a BOM and CRLF, as Excel writes it) and a long one for Ba Đình (2,500 lines, one bad);
  5. the browser: import, a campaign "not activated" to Hoàn Kiếm sent now (4 in the audience, the
     opted-out one skipped), its progress to the end, a scheduled one paused, resumed and
     cancelled, the report's charts and CSV; desktop and 360 px phone screenshots in
     $TEST_TMPDIR/screens, also copied to tests/browser/screenshots/ (not in git);
  6. afterwards: each of the three phones got the reminder once, without diacritics, and the
     opted-out one did not.
"""
import calendar
import json
import os
import secrets
import sqlite3
import sys
import time
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.browser import CHROMIUM, keep_screenshots, npm_ci, run_node, tools_missing, user_add  # noqa: E402
from lib.kannel import Kannel, available as kannel_available  # noqa: E402
from lib.util import REPO_ROOT, Reporter, Server, http_json, make_tmpdir, tmp_root, wait_until  # noqa: E402

r = Reporter(deadline=840)

SHORT = "8088"
PROVINCE = "01"
COMMUNE_CODE, COMMUNE_NAME = "00070", "Phường Hoàn Kiếm"
BIG_COMMUNE = "00004"                      # Phường Ba Đình
OUTSIDE = "00691"                          # Phường Hà Giang 2, Tuyên Quang (08): not Hà Nội's
ASKS, OPTS_OUT, QUIET_1, QUIET_2 = "0912000001", "0912000002", "0912000003", "0912000004"
ACTIVATED = "0913000005"                   # on the long Ba Đình list
BIG_LINES, BIG_BAD_LINE = 2500, 1501       # data lines; the file line of the bad one
BC_NAME = "Nhắc kích hoạt tài khoản định danh"
BC_TEXT = ("Công an phường Hoàn Kiếm nhắc: tài khoản định danh điện tử của anh/chị đã được "
           "duyệt. Mời anh/chị mở ứng dụng VNeID để kích hoạt. Cần hỗ trợ, nhắn tin tới tổng đài này.")


def plain(s):
    """Vietnamese without its marks, lower case: an SMS text is sent unaccented."""
    s = unicodedata.normalize("NFD", s or "").replace("đ", "d").replace("Đ", "D")
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).lower().split())


def canon(phone):
    return "84" + phone[1:]


def ten_o_clock_today_ms():
    """10:00 today in Viet Nam (UTC+7, no daylight saving), as epoch ms."""
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600))
    return (calendar.timegm(time.strptime(day + " 10:00", "%Y-%m-%d %H:%M")) - 7 * 3600) * 1000, day


def write_lists(d):
    small = [
        ("phone,commune_code,name", None),
        (ASKS + "," + COMMUNE_CODE + ",Nguyễn Văn An", None),
        (OPTS_OUT + "," + COMMUNE_CODE + ',"Trần Thị Bình"', None),
        (QUIET_1 + "," + COMMUNE_CODE + ",Lê Văn Cường", None),
        ("12345," + COMMUNE_CODE + ",Số không hợp lệ", "bad_phone"),
        (QUIET_2 + "," + COMMUNE_CODE + ',"Phạm, Thị Dung"', None),
        ("0912000009,99999,Mã xã không có", "unknown_commune"),
        ("0912000010," + OUTSIDE + ",Ngoài tỉnh", "commune_outside_province"),
        ("0912000011," + COMMUNE_CODE, "wrong_columns"),
        ("0912abc," + COMMUNE_CODE + ",<img src=x onerror=window.__hd_xss=1>", "bad_phone"),
    ]
    small_path = os.path.join(d, "danh-sach-hoan-kiem.csv")
    with open(small_path, "wb") as f:
        f.write(b"\xef\xbb\xbf" + "\r\n".join(t for t, _ in small).encode("utf-8") + b"\r\n")
    rejected = [{"line": i + 1, "reason": why, "text": t} for i, (t, why) in enumerate(small) if why]
    lines = ["phone,commune_code,name"]
    for i in range(BIG_LINES):
        if len(lines) + 1 == BIG_BAD_LINE:
            lines.append("0913abc%03d,%s,Số sai" % (i, BIG_COMMUNE))
        else:
            lines.append("0913%06d,%s,Người dân số %d" % (i, BIG_COMMUNE, i))
    assert ACTIVATED + "," in "\n".join(lines)
    big_path = os.path.join(d, "danh-sach-ba-dinh.csv")
    with open(big_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return ({"file": small_path, "imported": len(small) - 1 - len(rejected), "rejected": rejected},
            {"file": big_path, "lines": BIG_LINES, "imported": BIG_LINES - 1, "bad_line": BIG_BAD_LINE,
             "bad_reason": "bad_phone"})


missing = tools_missing() + ([] if kannel_available() else ["Kannel (Debian packages kannel, kannel-extras)"])
if missing:
    r.fail("browser tools", "missing: " + ", ".join(missing) + " (make deps installs them)")
    r.finish()

with r.case("playwright-core installed from the lock file"):
    npm_ci()

fake_now, today = ten_o_clock_today_ms()
srv = Server(env={"HELPDESK_PII_KEY": secrets.token_hex(32), "HELPDESK_MODE": "production",
                  "HELPDESK_WEB": os.path.join(REPO_ROOT, "web"), "HELPDESK_FAKE_NOW": fake_now,
                  "SMS_SENDER": SHORT, "SMS_RATE_PER_S": 100})
k = Kannel(srv.base_url, http_request_retry=30, http_queue_delay=1).start()
srv.env.update({"KANNEL_SENDSMS_URL": k.sendsms_url, "KANNEL_USER": k.user, "KANNEL_PASSWORD": k.password})
srv.start()
db = srv.env["HELPDESK_DB"]


def q(sql, *args):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def text_and_wait(phone, text, ucs2):
    """One SMS from a phone; waits until it is stored and every reply it caused reached it."""
    address = canon(phone)

    def inbound():
        return q("SELECT count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id "
                 "WHERE m.dir = 'in' AND c.address = ?", address)[0][0]
    n_in = inbound()
    k.phones.send(phone, SHORT, text, ucs2=ucs2)
    assert wait_until(lambda: inbound() > n_in, 20), "the SMS %r from %s was not stored" % (text, phone)

    def done():
        rows = q("SELECT status FROM outbox WHERE address = ?", address)
        return all(st not in ("queued", "sending") for (st,) in rows) and len(k.phones.to(address)) >= len(rows)
    assert wait_until(done, 20), "the replies to %r did not all reach %s" % (text, phone)


tokens = {}
with r.case("users made with `user add`: staff of Hà Nội, an officer"):
    tokens["staff"] = user_add(srv, "Tổ công tác Đề án 06 Hà Nội", "staff", "--province", PROVINCE)
    tokens["officer"] = user_add(srv, "Nguyễn Văn An", "officer", "--commune", COMMUNE_CODE)

with r.case("a police case from a phone in Phường Hoàn Kiếm, resolved by its officer"):
    for t, u in (("Tôi mới đổi điện thoại, không đăng nhập được VNeID", True), ("van khong duoc", False),
                 ("Le Van Cuong", False), ("001090123456", False), (COMMUNE_NAME + ", Hà Nội", True),
                 ("1", False), ("Điện thoại cũ bị mất", True), ("1", False)):
        text_and_wait(QUIET_1, t, u)
    rows = q("SELECT id, commune_code FROM cases")
    assert len(rows) == 1 and rows[0][1] == COMMUNE_CODE, "cases: %r" % rows
    officer = {"Authorization": "Bearer " + tokens["officer"]}
    st, _, c = http_json("POST", srv.url("/api/v1/cases/%d/claim" % rows[0][0]), headers=officer)
    assert st == 200, (st, c)
    st, _, c = http_json("POST", srv.url("/api/v1/cases/%d/resolve" % rows[0][0]),
                         {"note": "Đã đổi thiết bị đăng nhập cho anh tại trụ sở."}, headers=officer)
    assert st == 200 and c["status"] == "resolved", (st, c)

with r.case("the day's traffic from phones: a question, an opt-out, an activation"):
    text_and_wait(ASKS, "Tôi không nhận được mã OTP", True)
    text_and_wait(OPTS_OUT, "HUY", False)
    text_and_wait(ACTIVATED, "Tôi đã kích hoạt tài khoản thành công rồi", True)
    out = q("SELECT opted_out FROM contacts WHERE channel = 'sms' AND address = ?", canon(OPTS_OUT))
    assert out == [(1,)], "HUY did not opt the citizen out: %r" % out
    act = q("SELECT activated_at FROM contacts WHERE channel = 'sms' AND address = ?", canon(ACTIVATED))
    assert act and act[0][0], "the activation was not recorded: %r" % act

small, big = write_lists(make_tmpdir("lists"))
screens = os.path.join(tmp_root(), "screens")
plan = {
    "base": srv.base_url, "staff_token": tokens.get("staff", ""), "officer_token": tokens.get("officer", ""),
    "screens": screens, "chromium": CHROMIUM,
    "commune": {"code": COMMUNE_CODE, "name": COMMUNE_NAME}, "province": PROVINCE,
    "list": small, "big": big,
    "broadcast": {"name": BC_NAME, "text": BC_TEXT, "audience": 4, "queued": 3,
                  "skipped": {"opted_out": 1, "daily_cap": 0, "no_channel": 0}},
    "report": {"date": today, "communes": {
        COMMUNE_CODE: {"conversations": 3, "opt_outs": 1, "activations": 0, "cases_opened": 1,
                       "cases_resolved": 1},
        BIG_COMMUNE: {"conversations": 1, "activations": 1, "opt_outs": 0}}},
}
env = dict(os.environ)
env.update({"HD_PLAN": json.dumps(plan, ensure_ascii=False)})
p = run_node(r, "staff.test.js", env)

if "# broadcast " in p.stdout:
    with r.case("each listed phone got the reminder once, unaccented; the opted-out one did not"):
        def got(phone):
            return [m for m in k.phones.to(canon(phone)) if plain(BC_TEXT) in plain(m.text)]
        assert wait_until(lambda: all(got(x) for x in (ASKS, QUIET_1, QUIET_2)), 30), \
            {x: [m.text for m in k.phones.to(canon(x))] for x in (ASKS, QUIET_1, QUIET_2)}
        time.sleep(1)
        for x in (ASKS, QUIET_1, QUIET_2):
            assert len(got(x)) == 1, "%s got it %d times" % (x, len(got(x)))
            assert all(ord(c) < 128 for m in got(x) for c in m.text), "diacritics in %r" % got(x)[0].text
        assert not got(OPTS_OUT), "the opted-out citizen got the reminder"

keep_screenshots(r, screens)
srv.stop()
k.stop()
r.finish()
