#!/usr/bin/env python3
"""test_reports.py -- the campaign reports against a seeded week of traffic.

Two local days (Tuesday 10 and Wednesday 11 November 2026, Asia/Ho_Chi_Minh) are played through
the real server: citizens write through /api/v1/simulate, cases are opened by the bot's intake and
resolved by officers through the API, the clock is placed with HELPDESK_FAKE_NOW and restarts
(including a message in the last seconds of Tuesday and one just after midnight). A `Plan` records
what each step must leave behind; the expected figures are computed from that plan only, never from
the code under test. The engine's part is checked first (the help_requests rows equal the plan), so
that a change in the dialogue shows as such and not as a wrong report.

Then: every figure of GET /api/v1/reports/daily (JSON) per commune, per province and in total, for
each day and for the week (Monday..Sunday, whose days the dashboard charts); the CSV (BOM, CRLF,
header, Vietnamese names intact, numbers equal to the JSON); `vneid-helpdesk report daily` equal to
the API; and who may see what.

activated_at / opted_out_at: used as the server sets them; where a build does not set them yet, the
test sets them by SQL to the time of the citizen's message and says so in a note."""
import csv
import datetime
import io
import json
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.util import REPO_ROOT, Reporter, Server, http, http_json  # noqa: E402

r = Reporter(deadline=400)
TZ = datetime.timezone(datetime.timedelta(hours=7))
H = 3600 * 1000


def local_ms(y, mo, d, h=0, mi=0, s=0):
    return int(datetime.datetime(y, mo, d, h, mi, s, tzinfo=TZ).timestamp() * 1000)


D1, D2 = "2026-11-10", "2026-11-11"           # Tuesday, Wednesday
WEEK_DAYS = ["2026-11-%02d" % d for d in range(9, 16)]
# The intent ids of the interface (a copy of the shared intents.tsv's first column is kept in
# tests/data: a clean clone has nothing outside the repository).
INTENTS = [line.strip() for line in
           open(os.path.join(REPO_ROOT, "tests", "data", "intent_ids.txt"), encoding="utf-8")
           if line.strip() and not line.startswith("#")]
assert len(INTENTS) == 26, INTENTS

srv = Server(env={"HELPDESK_FAKE_NOW": str(local_ms(2026, 11, 10, 9))})


def user_add(*args):
    p = subprocess.run([srv.binary, "user", "add"] + list(args), capture_output=True, text=True,
                       env=srv.env, cwd=REPO_ROOT, timeout=30)
    assert p.returncode == 0, (p.returncode, p.stderr)
    return p.stdout.strip()


def q(sql, *args):
    con = sqlite3.connect(srv.env["HELPDESK_DB"], timeout=10)
    try:
        rows = con.execute(sql, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def api(method, path, token, body=None):
    return http_json(method, srv.url(path), body, {"Authorization": "Bearer " + token} if token else {})


def at(ms):
    """Move the server's clock: restart with HELPDESK_FAKE_NOW."""
    srv.env["HELPDESK_FAKE_NOW"] = str(ms)
    srv.restart()


# ------------------------------------------------------------------------------------------------
# The plan: what the seeding must produce, and the figures that follow from it.

NO_PLACE = (None, None)


class Plan:
    def __init__(self):
        self.place = {}            # contact -> (commune, province)
        self.convs = set()         # (contact, day)
        self.help = []             # (contact, day, intent, resolution)
        self.cases = {}            # key -> dict(place, opened_day, opened_ms, resolved_day, hours)
        self.activations = []      # (contact, day)
        self.optouts = []          # (contact, day)

    def place_of(self, contact):
        return self.place.get(contact, NO_PLACE)

    def figures(self, days, end_key, province=None):
        """Expected rows: {place: figures} for the communes, {province: figures}, total."""
        def blank():
            return {"conversations": 0, "help_requests": 0,
                    "help_requests_by_intent": {i: 0 for i in INTENTS}, "answered_by_bot": 0,
                    "escalated": 0, "cases_opened": 0, "cases_resolved": 0, "cases_open": 0,
                    "cases_overdue": 0, "activations": 0, "opt_outs": 0, "_hours": []}
        rows = {}

        def row(place):
            return rows.setdefault(place, blank())
        for contact, day in self.convs:
            if day in days:
                row(self.place_of(contact))["conversations"] += 1
        for contact, day, intent, res in self.help:
            if day in days:
                f = row(self.place_of(contact))
                f["help_requests"] += 1
                f["help_requests_by_intent"][intent] += 1
                f["answered_by_bot" if res == "bot" else "escalated"] += 1
        for c in self.cases.values():
            if c["opened_day"] in days:
                row(c["place"])["cases_opened"] += 1
            if c["resolved_day"] in days:
                row(c["place"])["cases_resolved"] += 1
                row(c["place"])["_hours"].append(c["hours"])
            if c["open_at"].get(end_key) is not None:
                row(c["place"])["cases_open"] += 1
                row(c["place"])["cases_overdue"] += c["open_at"][end_key]
        for contact, day in self.activations:
            if day in days:
                row(self.place_of(contact))["activations"] += 1
        for contact, day in self.optouts:
            if day in days:
                row(self.place_of(contact))["opt_outs"] += 1
        if province:
            rows = {p: f for p, f in rows.items() if p[1] == province}
        provinces, total = {}, blank()
        for (commune, prov), f in rows.items():
            for target in (provinces.setdefault(prov, blank()), total):
                add(target, f)
        return rows, provinces, total


def add(to, f):
    for k, v in f.items():
        if k == "help_requests_by_intent":
            for i, n in v.items():
                to[k][i] += n
        elif k == "_hours":
            to[k] += v
        else:
            to[k] += v


def median(v):
    v = sorted(v)
    if not v:
        return None
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


plan = Plan()
tokens = {}
addresses = {}      # plan name -> (channel, address)


def say(name, texts, day, helps=()):
    """name writes texts (one channel, one local day); helps: the help requests that must follow."""
    ch, addr = addresses[name]
    for t in texts:
        st, _, b = api("POST", "/api/v1/simulate", tokens["staff_all"], {"contact": addr, "channel": ch, "text": t})
        assert st == 200, (name, t, st, b)
        last = b
    plan.convs.add((name, day))
    for intent, res in helps:
        plan.help.append((name, day, intent, res))
    return last


def contact_id(name):
    ch, addr = addresses[name]
    return q("SELECT id FROM contacts WHERE channel = ? AND address = ?", ch, addr)[0][0]


def case_of(name):
    """The newest case of a contact."""
    return q("SELECT id FROM cases WHERE contact_id = ? ORDER BY id DESC LIMIT 1", contact_id(name))[0][0]


def resolve(case_id, officer):
    st, _, b = api("POST", "/api/v1/cases/%d/resolve" % case_id, tokens[officer], {"note": "Đã xong."})
    assert st == 200 and b["status"] == "resolved", (st, b)


def fallback_time(name, column):
    """column (activated_at / opted_out_at) as the server left it; when this build does not set
    it, set it by SQL to the time of the contact's last inbound message (noted)."""
    cid = contact_id(name)
    (v,) = q("SELECT %s FROM contacts WHERE id = ?" % column, cid)[0]
    if v is None:
        (t,) = q("SELECT max(created_at) FROM messages WHERE contact_id = ? AND dir = 'in'", cid)[0]
        q("UPDATE contacts SET %s = ? WHERE id = ?" % column, t, cid)
        r.note("%s of %s not set by the server: set by SQL to its message's time" % (column, name))


INTAKE_SMS = lambda name, idn, commune, desc: ["cho toi gap can bo", name, idn, commune, "1", desc, "1"]
INTAKE_ZALO = lambda name, idn, commune, phone, desc: ["cho toi gap can bo", name, idn, commune, phone, desc, "1"]

srv.start()
with r.case("accounts for the test"):
    tokens["staff_all"] = user_add("--name", "Tổ công tác Đề án 06", "--role", "staff")
    tokens["staff_hn"] = user_add("--name", "Tổ 06 Hà Nội", "--role", "staff", "--province", "01")
    tokens["staff_hcm"] = user_add("--name", "Tổ 06 TP Hồ Chí Minh", "--role", "staff", "--province", "79")
    tokens["admin"] = user_add("--name", "Quản trị", "--role", "admin")
    tokens["officer_a"] = user_add("--name", "Trung úy Lê Văn Ba", "--role", "officer", "--commune", "00004")
    tokens["officer_b"] = user_add("--name", "Thiếu úy Trần Thị Bốn", "--role", "officer", "--commune", "00008")
    for i, ch in [(1, "sms"), (2, "zalo"), (3, "sms"), (4, "zalo"), (5, "sms"), (6, "sms"), (7, "sms"),
                  (8, "sms"), (9, "sms"), (10, "zalo"), (11, "sms"), (12, "sms")]:
        addresses["C%d" % i] = (ch, "09110000%02d" % i if ch == "sms" else "z-report-%d" % i)
    plan.place.update({"C3": ("00004", "01"), "C4": ("26740", "79"), "C7": ("00008", "01"),
                       "C10": ("00004", "01")})

seeded = False
with r.case("seed Tuesday 09:00: questions, three cases by the bot's intake, an opt-out, an activation"):
    say("C1", ["cach cai dat ung dung vneid"], D1, [("install_app", "bot")])
    say("C2", ["toi khong nhan duoc ma otp"], D1, [("otp_not_received", "bot")])
    b = say("C3", INTAKE_SMS("Nguyễn Văn An", "001090123456", "Phường Ba Đình, Hà Nội", "Mất điện thoại cũ"),
            D1, [("human_agent", "person")])
    assert "case_open" in b["actions"], b
    b = say("C4", ["doi dien thoai moi khong dang nhap duoc", "van khong duoc", "Trần Thị Bảy", "079190123456",
                   "Phường Sài Gòn, TP Hồ Chí Minh", "0912345670", "Đổi sang máy mới", "1"],
            D1, [("device_change", "bot"), ("device_change", "person")])
    assert "case_open" in b["actions"], b
    b = say("C7", INTAKE_SMS("Lê Văn Bảy", "001090123457", "Phường Ngọc Hà, Hà Nội", "Cần đổi số"),
            D1, [("human_agent", "person")])
    assert "case_open" in b["actions"], b
    say("C5", ["xin chao", "HUY"], D1)
    plan.optouts.append(("C5", D1))
    fallback_time("C5", "opted_out_at")
    say("C6", ["toi da kich hoat thanh cong"], D1)
    plan.activations.append(("C6", D1))
    fallback_time("C6", "activated_at")
    t0 = local_ms(2026, 11, 10, 9)
    # Open at the end of: Tuesday, Wednesday, the week -> overdue (1) or not (0). C4's case opened on
    # Tuesday 09:00 with the default hours (mon-fri 07:30-17:00, sat 07:30-11:30) and a 16 h SLA:
    # 8 working hours by Tuesday night, 17.5 by Wednesday night.
    plan.cases["K1"] = {"place": ("00004", "01"), "opened_day": D1, "resolved_day": D1, "hours": 6.0,
                        "open_at": {}}
    plan.cases["K2"] = {"place": ("26740", "79"), "opened_day": D1, "resolved_day": None, "hours": None,
                        "open_at": {D1: 0, D2: 1, "week": 1}}
    plan.cases["K3"] = {"place": ("00008", "01"), "opened_day": D1, "resolved_day": D1, "hours": 12.0,
                        "open_at": {}}
    rows = q("SELECT cm.code, c.province_code, c.status FROM cases c LEFT JOIN communes cm ON cm.code = c.commune_code"
             " ORDER BY c.id")
    assert rows == [("00004", "01", "open"), ("26740", "79", "open"), ("00008", "01", "open")], rows
    seeded = True

with r.case("seed Tuesday 15:00 and 21:00: officers resolve two cases; more questions"):
    assert seeded
    at(local_ms(2026, 11, 10, 15))
    resolve(case_of("C3"), "officer_a")
    say("C1", ["cam on"], D1)
    say("C8", ["dang ky tai khoan muc 1 nhu the nao"], D1, [("register_level1", "bot")])
    at(local_ms(2026, 11, 10, 21))
    resolve(case_of("C7"), "officer_b")

with r.case("seed the last seconds of Tuesday and the first of Wednesday"):
    at(local_ms(2026, 11, 10, 23, 59, 45))
    say("C9", ["quen mat khau vneid"], D1, [("forgot_passcode", "bot")])
    at(local_ms(2026, 11, 11, 0, 0, 5))
    say("C9", ["toi khong nhan duoc ma otp"], D2, [("otp_not_received", "bot")])
    say("C1", ["cach cai dat ung dung vneid"], D2, [("install_app", "bot")])

with r.case("seed Wednesday: a case opened and resolved, an activation in a commune, an opt-out"):
    at(local_ms(2026, 11, 11, 10))
    b = say("C10", INTAKE_ZALO("Lê Văn Mười", "001090123458", "Phường Ba Đình, Hà Nội", "0912345671",
                               "Cần đổi thiết bị"), D2, [("human_agent", "person")])
    assert "case_open" in b["actions"], b
    plan.cases["K4"] = {"place": ("00004", "01"), "opened_day": D2, "resolved_day": D2, "hours": 2.5,
                        "open_at": {}}
    say("C3", ["cam on"], D2)
    say("C11", ["toi da kich hoat thanh cong"], D2)
    plan.activations.append(("C11", D2))
    fallback_time("C11", "activated_at")
    say("C12", ["xin chao", "HUY"], D2)
    plan.optouts.append(("C12", D2))
    fallback_time("C12", "opted_out_at")
    at(local_ms(2026, 11, 11, 12, 30))
    resolve(case_of("C10"), "officer_a")
    say("C10", ["toi da kich hoat thanh cong"], D2)
    plan.activations.append(("C10", D2))
    fallback_time("C10", "activated_at")

with r.case("seed next Monday (outside the week), then read the reports from there"):
    at(local_ms(2026, 11, 16, 10))
    say("C2", ["quen mat khau vneid"], "2026-11-16", [("forgot_passcode", "bot")])

with r.case("the engine left exactly the planned help requests (by contact, local day, intent)"):
    got = sorted((name, datetime.datetime.fromtimestamp(t / 1000, TZ).strftime("%Y-%m-%d"), intent, res)
                 for name in addresses
                 for (intent, res, t) in q("SELECT intent, resolution, created_at FROM help_requests"
                                           " WHERE contact_id = ?", contact_id(name)))
    assert got == sorted(plan.help), (got, sorted(plan.help))
    # And the places the plan assumes: contacts of cases know their commune (or the report falls
    # back to the latest case's, which is the same here).
    for name, (commune, _) in plan.place.items():
        (cc,) = q("SELECT coalesce(commune_code, (SELECT commune_code FROM cases WHERE contact_id = contacts.id"
                  " ORDER BY id DESC LIMIT 1)) FROM contacts WHERE id = ?", contact_id(name))[0]
        assert cc == commune, (name, cc, commune)


def get_report(token, date, week=False, fmt="json", extra=""):
    path = "/api/v1/reports/daily?date=%s&format=%s%s%s" % (date, fmt, "&week=1" if week else "", extra)
    if fmt == "json":
        return api("GET", path, token)
    return http("GET", srv.url(path), None, {"Authorization": "Bearer " + token})


def strip_figures(o):
    return {k: v for k, v in o.items() if k not in ("commune_code", "commune_name", "province_code",
                                                    "province_name", "median_hours_to_resolve", "date")}


def check_figures(where, got, want, db_hours=None):
    exp = {k: v for k, v in want.items() if k != "_hours"}
    assert strip_figures(got) == exp, (where, strip_figures(got), exp)
    m = median(want["_hours"])
    g = got["median_hours_to_resolve"]
    if m is None:
        assert g is None, (where, g)
    else:
        # the plan's hours, give or take the seconds a restart and a request take
        assert g is not None and abs(g - m) < 0.02, (where, g, m)
        if db_hours is not None:
            assert abs(g - db_hours) < 0.006, (where, g, db_hours)


def db_median(days, place=None, province=None):
    """The median resolution time in hours from the cases table's own times (exact)."""
    v = []
    for (cc, pc, c, res) in q("SELECT commune_code, province_code, created_at, resolved_at FROM cases"
                              " WHERE resolved_at IS NOT NULL"):
        day = datetime.datetime.fromtimestamp(res / 1000, TZ).strftime("%Y-%m-%d")
        if day in days and (place is None or (cc, pc) == place) and (province is None or pc == province):
            v.append((res - c) / H)
    return median(v)


NAMES = {"00004": ("Phường Ba Đình", "Thành phố Hà Nội"), "00008": ("Phường Ngọc Hà", "Thành phố Hà Nội"),
         "26740": ("Phường Sài Gòn", "Thành phố Hồ Chí Minh")}


def check_report(body, days, end_key, province=None):
    rows, provinces, total = plan.figures(days, end_key, province)
    # every place with something, and only those, in order: province code, commune code, unknown last
    want_places = sorted(rows, key=lambda p: (p[1] is None, p[1] or "", p[0] is None, p[0] or ""))
    got_places = [(c["commune_code"], c["province_code"]) for c in body["communes"]]
    assert got_places == want_places, (got_places, want_places)
    for c in body["communes"]:
        place = (c["commune_code"], c["province_code"])
        if c["commune_code"]:
            assert (c["commune_name"], c["province_name"]) == NAMES[c["commune_code"]], c
        check_figures(place, c, rows[place], db_median(days, place=place))
    got_prov = [p["province_code"] for p in body["provinces"]]
    assert got_prov == sorted(provinces, key=lambda p: (p is None, p or "")), got_prov
    for p in body["provinces"]:
        check_figures(p["province_code"], p, provinces[p["province_code"]],
                      db_median(days, province=p["province_code"]) if p["province_code"] else None)
    check_figures("total", body["total"], total,
                  db_median(days, province=province) if province else db_median(days))
    assert len(body["total"]["help_requests_by_intent"]) == 26


reports = {}
with r.case("Tuesday's report: every figure per commune, province and in total equals the plan"):
    st, hdrs, body = get_report(tokens["admin"], D1)
    assert st == 200 and hdrs.get("Content-Type").startswith("application/json"), (st, body)
    assert body["period"]["type"] == "day" and body["period"]["start"] == "2026-11-10T00:00:00+07:00", body["period"]
    assert body["period"]["end"] == "2026-11-11T00:00:00+07:00" and body["province"] is None, body
    check_report(body, {D1}, D1)
    # spot checks written out, so that a reader sees the numbers
    t = body["total"]
    assert (t["conversations"], t["help_requests"], t["answered_by_bot"], t["escalated"]) == (9, 8, 5, 3), t
    assert (t["cases_opened"], t["cases_resolved"], t["cases_open"], t["cases_overdue"]) == (3, 2, 1, 0), t
    assert abs(t["median_hours_to_resolve"] - 9.0) < 0.02 and t["activations"] == 1 and t["opt_outs"] == 1, t
    reports["d1"] = body

with r.case("Wednesday's report: the message after midnight counts here, the overdue case too"):
    st, _, body = get_report(tokens["admin"], D2)
    assert st == 200, (st, body)
    check_report(body, {D2}, D2)
    t = body["total"]
    assert t["help_requests_by_intent"]["otp_not_received"] == 1 and t["help_requests_by_intent"]["forgot_passcode"] == 0, t
    assert (t["cases_open"], t["cases_overdue"], t["activations"], t["opt_outs"]) == (1, 1, 2, 1), t
    reports["d2"] = body

with r.case("the weekly roll-up (Monday 9 to Sunday 15) is the sum of the two days, per place"):
    st, _, body = get_report(tokens["admin"], "2026-11-13", week=True)
    assert st == 200, (st, body)
    assert body["period"]["type"] == "week" and body["period"]["first_day"] == "2026-11-09", body["period"]
    assert body["period"]["last_day"] == "2026-11-15", body["period"]
    check_report(body, set(WEEK_DAYS), "week")
    additive = ["conversations", "help_requests", "answered_by_bot", "escalated", "cases_opened",
                "cases_resolved", "activations", "opt_outs"]
    for k in additive:
        assert body["total"][k] == reports["d1"]["total"][k] + reports["d2"]["total"][k], k
    for i in INTENTS:
        assert body["total"]["help_requests_by_intent"][i] == (reports["d1"]["total"]["help_requests_by_intent"][i]
                                                               + reports["d2"]["total"]["help_requests_by_intent"][i])
    assert [d["date"] for d in body["days"]] == WEEK_DAYS, body["days"]
    assert strip_figures(body["days"][1]) == strip_figures(reports["d1"]["total"])
    assert strip_figures(body["days"][2]) == strip_figures(reports["d2"]["total"])
    assert all(d["conversations"] == 0 and d["help_requests"] == 0 for d in body["days"][3:]), body["days"]
    reports["week"] = body


def parse_csv(raw):
    assert raw[:3] == b"\xef\xbb\xbf", raw[:10]
    text = raw[3:].decode("utf-8")
    assert text.endswith("\r\n") and text.count("\n") == text.count("\r\n"), "lines must end with CRLF"
    return text, list(csv.reader(io.StringIO(text, newline="")))


FIG_COLS = ["conversations", "help_requests", "answered_by_bot", "escalated", "cases_opened", "cases_resolved",
            "cases_open", "cases_overdue", "median_hours_to_resolve", "activations", "opt_outs"]

with r.case("CSV: BOM, CRLF, Vietnamese header, names intact, numbers equal to the JSON"):
    st, hdrs, raw = get_report(tokens["admin"], D1, fmt="csv")
    assert st == 200, (st, raw[:200])
    assert hdrs.get("Content-Type") == "text/csv; charset=utf-8", hdrs.get("Content-Type")
    assert 'attachment; filename="bao-cao-2026-11-10.csv"' == hdrs.get("Content-Disposition"), hdrs.get("Content-Disposition")
    text, rows = parse_csv(raw)
    header = rows[0]
    assert header[:5] == ["Cấp", "Mã tỉnh", "Tỉnh, thành phố", "Mã xã", "Xã, phường, đặc khu"], header
    assert "Phường Ba Đình" in text and "Thành phố Hồ Chí Minh" in text and "Phường Sài Gòn" in text
    intent_col = {}
    for i, h in enumerate(header):
        m = re.search(r"\(([a-z0-9_]+)\)$", h)
        if m:
            intent_col[m.group(1)] = i
    assert sorted(intent_col) == sorted(INTENTS), intent_col
    body = reports["d1"]
    assert len(rows) == 1 + len(body["communes"]) + len(body["provinces"]) + 1, len(rows)

    def same(row, fig, where):
        for k, col in zip(FIG_COLS, range(5, 16)):
            want = fig[k]
            cell = row[col]
            if k == "median_hours_to_resolve":
                assert (cell == "" if want is None else abs(float(cell) - want) < 0.006), (where, k, cell, want)
            else:
                assert int(cell) == want, (where, k, cell, want)
        for i, col in intent_col.items():
            assert int(row[col]) == fig["help_requests_by_intent"][i], (where, i, row[col])

    n = 1
    for c in body["communes"]:
        row = rows[n]
        assert row[0] == "Xã" and row[1] == (c["province_code"] or "") and row[3] == (c["commune_code"] or ""), row
        if c["commune_code"]:
            assert row[4] == c["commune_name"] and row[2] == c["province_name"], row
        same(row, c, c["commune_code"])
        n += 1
    for p in body["provinces"]:
        assert rows[n][0] == "Tỉnh" and rows[n][1] == (p["province_code"] or ""), rows[n]
        same(rows[n], p, p["province_code"])
        n += 1
    assert rows[n][0] == "Tổng cộng", rows[n]
    same(rows[n], body["total"], "total")
    st, hdrs, raw = get_report(tokens["admin"], "2026-11-13", week=True, fmt="csv")
    assert st == 200 and hdrs.get("Content-Disposition") == 'attachment; filename="bao-cao-tuan-2026-11-09.csv"', hdrs
    _, rows = parse_csv(raw)
    same(rows[-1], reports["week"]["total"], "week total")
    reports["d1_csv"] = get_report(tokens["admin"], D1, fmt="csv")[2]


def cli(*args):
    p = subprocess.run([srv.binary, "report", "daily"] + list(args), capture_output=True, env=srv.env,
                       cwd=REPO_ROOT, timeout=60)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def no_clock(o):
    o = dict(o)
    o.pop("generated_at", None)
    return o


with r.case("the CLI prints the same report as the API (JSON, CSV, week, one province)"):
    rc, out, err = cli("--date", D1)
    assert rc == 0, (rc, err)
    assert no_clock(json.loads(out)) == no_clock(reports["d1"])
    rc, out, err = cli("--date", D1, "--format", "csv")
    assert rc == 0 and out == reports["d1_csv"], (rc, err, out[:200])
    rc, out, err = cli("--date", "2026-11-13", "--week")
    assert rc == 0 and no_clock(json.loads(out)) == no_clock(reports["week"]), (rc, err)
    rc, out, err = cli("--date", D2, "--province", "01")
    st, _, body = get_report(tokens["staff_hn"], D2)
    assert rc == 0 and st == 200 and no_clock(json.loads(out)) == no_clock(body), (rc, err, st)

with r.case("the CLI refuses bad arguments"):
    for args in (["--date", "2026-02-30"], ["--date", D1, "--format", "xml"], ["--date", D1, "--province", "99"],
                 ["--bogus"]):
        rc, out, err = cli(*args)
        assert rc == 2 and not out, (args, rc, out[:100])
    env = dict(srv.env, HELPDESK_DB=os.path.join(srv.tmpdir, "none", "x.db"))
    p = subprocess.run([srv.binary, "report", "daily", "--date", D1], capture_output=True, env=env,
                       cwd=REPO_ROOT, timeout=30)
    assert p.returncode == 1 and not os.path.exists(env["HELPDESK_DB"]), p

with r.case("a province's staff sees only its province; asking for another is refused"):
    st, _, body = get_report(tokens["staff_hn"], D1)
    assert st == 200 and body["province"] == "01", (st, body)
    assert {c["province_code"] for c in body["communes"]} == {"01"} and len(body["provinces"]) == 1, body
    check_report(body, {D1}, D1, province="01")
    st, _, body = get_report(tokens["staff_hcm"], D2)
    assert st == 200 and [c["commune_code"] for c in body["communes"]] == ["26740"], body
    check_report(body, {D2}, D2, province="79")
    assert body["total"]["cases_overdue"] == 1 and body["total"]["conversations"] == 0, body["total"]
    st, _, body = get_report(tokens["staff_hn"], D1, extra="&province=79")
    assert st == 403 and body["error"]["code"] == "forbidden", (st, body)
    st, _, body = get_report(tokens["staff_hn"], D1, extra="&province=01")
    assert st == 200 and body["province"] == "01", (st, body)
    st, _, week = get_report(tokens["staff_hn"], "2026-11-13", week=True)
    assert st == 200, week
    check_report(week, set(WEEK_DAYS), "week", province="01")
    st, hdrs, raw = get_report(tokens["staff_hcm"], D1, fmt="csv")
    assert st == 200 and "Hà Nội" not in raw.decode("utf-8"), raw

with r.case("admins and national staff see everything, or one province when they ask"):
    st, _, a = get_report(tokens["staff_all"], D1)
    assert st == 200 and no_clock(a) == no_clock(reports["d1"]), st
    st, _, a = get_report(tokens["admin"], D2, extra="&province=79")
    st2, _, b = get_report(tokens["staff_hcm"], D2)
    assert st == 200 and st2 == 200 and no_clock(a) == no_clock(b), (st, st2)
    st, _, body = get_report(tokens["admin"], D1, extra="&province=99")
    assert st == 400 and body["error"]["code"] == "bad_province", (st, body)

with r.case("officers get 403, no token 401"):
    for tok in ("officer_a", "officer_b"):
        st, _, body = get_report(tokens[tok], D1)
        assert st == 403 and body["error"]["code"] == "forbidden", (tok, st, body)
    st, _, body = api("GET", "/api/v1/reports/daily?date=" + D1, None)
    assert st == 401, (st, body)

with r.case("bad dates, formats and flags get 400 JSON; no date means today"):
    for extra in ("date=2026-02-30", "date=10/11/2026", "date=2026-11-1", "date=2026-11-10T00:00",
                  "date=2026-11-18"):                 # the last: after "now" (Monday 16)
        st, _, body = api("GET", "/api/v1/reports/daily?" + extra, tokens["admin"])
        assert st == 400 and body["error"]["code"] == "bad_date", (extra, st, body)
    for extra in ("format=xml", "week=yes"):
        st, _, body = api("GET", "/api/v1/reports/daily?date=%s&%s" % (D1, extra), tokens["admin"])
        assert st == 400 and body["error"]["code"] in ("bad_format", "bad_week"), (extra, st, body)
    st, _, body = api("GET", "/api/v1/reports/daily", tokens["admin"])
    assert st == 200 and body["period"]["date"] == "2026-11-16", (st, body.get("period"))
    assert body["total"]["help_requests_by_intent"]["forgot_passcode"] == 1 and body["total"]["conversations"] == 1, body["total"]
    st, _, body = api("POST", "/api/v1/reports/daily?date=" + D1, tokens["admin"])
    assert st == 405, st

srv.stop()
r.finish()
