#!/usr/bin/env python3
"""test_cases_sms.py -- a police case from a real phone: an SMS conversation through Kannel
(fakesmsc as the phone) goes from a device change the bot cannot solve, through the intake, to a
case in the citizen's commune; the commune's officer claims, replies and resolves it through the
API, and the phone receives both the officer's answer and the resolution, each exactly once."""
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.kannel import Kannel  # noqa: E402
from lib.util import REPO_ROOT, Reporter, Server, http_json, wait_until  # noqa: E402

r = Reporter(deadline=300)
SHORT = "8088"
PHONE, CANON = "0912666001", "84912666001"

srv = Server(env={"SMS_SENDER": SHORT, "SMS_RATE_PER_S": 100})
k = Kannel(srv.base_url, http_request_retry=30, http_queue_delay=1).start()
srv.env.update({"KANNEL_SENDSMS_URL": k.sendsms_url, "KANNEL_USER": k.user,
                "KANNEL_PASSWORD": k.password})
srv.start()


def q(sql, *args):
    con = sqlite3.connect(srv.env["HELPDESK_DB"], timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def officer(commune):
    p = subprocess.run([srv.binary, "user", "add", "--name", "Cán bộ " + commune, "--role", "officer",
                        "--commune", commune], capture_output=True, text=True, env=srv.env,
                       cwd=REPO_ROOT, timeout=30)
    assert p.returncode == 0, p.stderr
    return {"Authorization": "Bearer " + p.stdout.strip()}


def inbound_count():
    return q("SELECT count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id "
             "WHERE m.dir = 'in' AND c.address = ?", CANON)[0][0]


def text_and_wait(text, ucs2):
    """Send one SMS and wait until it is stored and every reply it caused reached the phone."""
    before, n_in = len(k.phones.to(CANON)), inbound_count()
    k.phones.send(PHONE, SHORT, text, ucs2=ucs2)
    assert wait_until(lambda: inbound_count() > n_in, 20), "the SMS was not stored"

    def done():
        rows = q("SELECT status FROM outbox WHERE address = ?", CANON)
        return all(st not in ("queued", "sending") for (st,) in rows) and \
            len(k.phones.to(CANON)) >= len(rows)
    assert wait_until(done, 20), "replies did not all arrive"
    return k.phones.to(CANON)[before:]


ba_dinh = officer("00004")
ngoc_ha = officer("00008")
case_id = None
with r.case("an SMS conversation becomes a case in the citizen's commune"):
    text_and_wait("Tôi mới đổi điện thoại, không đăng nhập được VNeID", True)
    got = text_and_wait("van khong duoc", False)
    assert got, "no answer to 'van khong duoc'"
    for t, u in (("Nguyen Van An", False), ("001090123456", False), ("Phường Ba Đình, Hà Nội", True),
                 ("1", False), ("Điện thoại cũ bị mất", True)):
        text_and_wait(t, u)
    got = text_and_wait("1", False)
    rows = q("SELECT id, commune_code, callback_phone, channel FROM cases")
    assert len(rows) == 1, rows
    case_id, commune, phone, channel = rows[0]
    assert (commune, phone, channel) == ("00004", PHONE, "sms"), rows[0]
    assert any(str(case_id) in m.text for m in got), [m.text for m in got]
    assert all(ord(c) < 128 for m in got for c in m.text), "SMS replies carry no diacritics"

with r.case("another commune's officer cannot see it"):
    st, _, body = http_json("GET", srv.url("/api/v1/cases/%d" % case_id), headers=ngoc_ha)
    assert st == 404, (st, body)
    st, _, body = http_json("GET", srv.url("/api/v1/cases"), headers=ngoc_ha)
    assert st == 200 and body["cases"] == [], body

with r.case("the officer claims, replies and resolves; the phone gets both messages once"):
    before = len(k.phones.to(CANON))
    st, _, c = http_json("POST", srv.url("/api/v1/cases/%d/claim" % case_id), headers=ba_dinh)
    assert st == 200 and c["status"] == "claimed", (st, c)
    st, _, c = http_json("POST", srv.url("/api/v1/cases/%d/reply" % case_id),
                         {"text": "Mời anh đến trụ sở Công an phường Ba Đình sáng mai, mang thẻ căn cước."},
                         headers=ba_dinh)
    assert st == 202, (st, c)
    st, _, c = http_json("POST", srv.url("/api/v1/cases/%d/resolve" % case_id),
                         {"note": "Đã đổi thiết bị đăng nhập cho anh."}, headers=ba_dinh)
    assert st == 200 and c["status"] == "resolved", (st, c)
    got = k.phones.wait_for(before + 2, lambda m: m.receiver == CANON, timeout=20)[before:]
    texts = [m.text for m in got]
    assert len(texts) == 2, texts
    assert "Moi anh den tru so Cong an phuong Ba Dinh" in texts[0], texts[0]
    assert "Da doi thiet bi dang nhap" in texts[1], texts[1]
    time.sleep(2)
    assert len(k.phones.to(CANON)) == before + 2, "a message arrived twice"

with r.case("what the citizen writes while the case is open reaches the officer's page"):
    st, _, c = http_json("GET", srv.url("/api/v1/cases/%d" % case_id), headers=ba_dinh)
    assert st == 200 and c["id_number"] == "001090123456", c.get("id_number")
    ins = [m["text"] for m in c["conversation"] if m["dir"] == "in"]
    assert "van khong duoc" in ins and "Điện thoại cũ bị mất" in ins, ins
    assert "001090123456" not in " ".join(ins) and "********3456" in " ".join(ins), ins

srv.stop()
k.stop()
r.finish()
