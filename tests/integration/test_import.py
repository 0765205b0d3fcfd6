#!/usr/bin/env python3
"""test_import.py -- POST /api/v1/contacts/import against a real server: a police list of citizens
(approved, not activated) becomes SMS contacts with listed_not_activated = 1; bad lines come back
with their line number and reason and nothing of them is written; a citizen already known keeps
their conversation and opt-out; a staff user of one province imports only into its communes;
wrong content type, header, size and role are refused with JSON errors; 10,000 citizens go in
through 64 KiB pieces (the time is printed, not asserted).

Communes used (data/communes.tsv): 00004, 00008 in province 01 (Hà Nội), 25747 in 79."""
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.util import REPO_ROOT, Reporter, Server, http, http_json  # noqa: E402

r = Reporter(deadline=300)
srv = Server()
HEADER = "phone,commune_code,name\r\n"
CSV = "text/csv; charset=utf-8"


def user_add(*args):
    p = subprocess.run([srv.binary, "user", "add"] + list(args), capture_output=True, text=True,
                       env=srv.env, cwd=REPO_ROOT, timeout=30)
    assert p.returncode == 0, (p.returncode, p.stderr)
    token = p.stdout.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), token
    return token


def import_csv(token, body, ctype=CSV):
    headers = {"Authorization": "Bearer " + token}
    if ctype is not None:
        headers["Content-Type"] = ctype
    if isinstance(body, str):
        body = body.encode("utf-8")
    return http_json("POST", srv.url("/api/v1/contacts/import"), body, headers, timeout=60)


def q(sql, *args):
    con = sqlite3.connect(srv.env["HELPDESK_DB"], timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def contact(address):
    rows = q("SELECT id, commune_code, display_name, listed_not_activated, opted_out, state,"
             " created_at FROM contacts WHERE channel = 'sms' AND address = ?", address)
    return rows[0] if rows else None


srv.start()
staff_hn = user_add("--name", "Tổ công tác Đề án 06 Hà Nội", "--role", "staff", "--province", "01")
staff_hcm = user_add("--name", "Tổ 06 TP HCM", "--role", "staff", "--province", "79")
admin = user_add("--name", "Quản trị", "--role", "admin")
officer = user_add("--name", "Trung úy Lê Văn Ba", "--role", "officer", "--commune", "00004")

with r.case("a good list is imported as SMS contacts, not activated, names intact"):
    body = ("\ufeff" + HEADER +
            "0912000001,00004,Nguyễn Văn An\r\n"
            "+84 912 000 002,00008,\"Trần Thị Bình, con\"\r\n"
            "912000003,4,Đặng Thị Ngọc Ánh\r\n")
    st, _, b = import_csv(staff_hn, body)
    assert st == 200, (st, b)
    assert b["imported"] == 3 and b["created"] == 3 and b["rejected"] == [], b
    assert contact("84912000001")[1:4] == ("00004", "Nguyễn Văn An", 1), contact("84912000001")
    assert contact("84912000002")[1:4] == ("00008", "Trần Thị Bình, con", 1)
    # A spreadsheet's "4" for 00004 is forgiven.
    assert contact("84912000003")[1:4] == ("00004", "Đặng Thị Ngọc Ánh", 1)
    (audit,) = q("SELECT detail FROM audit_log WHERE action = 'contacts.import'")[0]
    assert audit == "imported 3 (3 new), rejected 0", audit

with r.case("bad lines are reported with their line number and reason, the good ones imported"):
    body = (HEADER +                                   # 1
            "0912000011,00004,Lê Văn Một\r\n"          # 2 good
            "02438123456,00004,Điện thoại bàn\r\n"      # 3 landline
            "0912000013,99999,Xã lạ\r\n"                # 4 unknown commune
            "0912000014,00004\r\n"                      # 5 two columns
            "0912000015,00004,%s\r\n"                   # 6 name of 101 characters
            "\r\n"                                      # 7 empty: skipped
            "0912000017,00004,Bé \"Na\"\r\n"            # 8 stray quote
            "0912000018,00008,Phạm Thị Tám\r\n"         # 9 good
            "84912000011,00008,Lần hai\r\n"             # 10 same phone as line 2
            "0912000020,00004,a,b\r\n"                  # 11 four columns
            "0912000021,25747,Sài Gòn\r\n"              # 12 outside province 01
            "abc,00004,Chữ\r\n"                         # 13 not a number
            % ("Ư" * 101))
    raw = body.encode("utf-8") + b"0912000022,00004,Nguy\xe9n\r\n"   # 14 Latin-1, not UTF-8
    st, _, b = import_csv(staff_hn, raw)
    assert st == 200, (st, b)
    got = [(x["line"], x["reason"]) for x in b["rejected"]]
    assert got == [(3, "bad_phone"), (4, "unknown_commune"), (5, "wrong_columns"),
                   (6, "name_too_long"), (8, "bad_quote"), (10, "duplicate_in_file"),
                   (11, "wrong_columns"), (12, "commune_outside_province"), (13, "bad_phone"),
                   (14, "bad_utf8")], got
    assert all(x["message"] for x in b["rejected"]), b
    assert b["imported"] == 2, b
    # Nothing of a rejected line; the first line of a repeated phone wins.
    for n in ("84912000013", "84912000014", "84912000015", "84912000017", "84912000020",
              "84912000021", "84912000022"):
        assert contact(n) is None, n
    assert contact("84912000011")[1:3] == ("00004", "Lê Văn Một"), contact("84912000011")
    assert contact("84912000018")[1:3] == ("00008", "Phạm Thị Tám")

KNOWN = "84912555100"

with r.case("a number already known keeps its conversation and its opt-out"):
    for text in ("xin chao", "STOP"):
        st, _, b = http_json("POST", srv.url("/api/v1/simulate"),
                             {"contact": KNOWN, "channel": "sms", "text": text},
                             {"Authorization": "Bearer " + staff_hn})
        assert st == 200, (st, b)
    before = contact(KNOWN)
    assert before is not None and before[4] == 1, ("STOP did not opt out", before)
    (n_msgs,) = q("SELECT count(*) FROM messages WHERE contact_id = ?", before[0])[0]
    assert n_msgs >= 3, n_msgs
    (opted_at,) = q("SELECT opted_out_at FROM contacts WHERE id = ?", before[0])[0]
    st, _, b = import_csv(staff_hn, HEADER + "0912 555 100,00008,Võ Thị Mười\r\n")
    assert st == 200 and b["imported"] == 1 and b["created"] == 0 and not b["rejected"], (st, b)
    after = contact(KNOWN)
    assert after[0] == before[0], "a second contact was created"
    assert after[1:4] == ("00008", "Võ Thị Mười", 1), after
    assert after[4] == 1 and after[5] == before[5] and after[6] == before[6], (before, after)
    assert q("SELECT opted_out_at FROM contacts WHERE id = ?", before[0])[0][0] == opted_at
    assert q("SELECT count(*) FROM messages WHERE contact_id = ?", before[0])[0][0] == n_msgs
    # A later list without a name keeps the name it had.
    st, _, b = import_csv(staff_hn, HEADER + "0912555100,00004,\r\n")
    assert st == 200 and b["imported"] == 1, b
    assert contact(KNOWN)[1:3] == ("00004", "Võ Thị Mười"), contact(KNOWN)

with r.case("a staff user of one province imports only into its communes; admin anywhere"):
    body = HEADER + "0912000031,00004,Hà Nội\r\n0912000032,25747,Bình Dương\r\n"
    st, _, b = import_csv(staff_hcm, body)
    assert st == 200, (st, b)
    assert b["imported"] == 1 and [(x["line"], x["reason"]) for x in b["rejected"]] == \
        [(2, "commune_outside_province")], b
    assert contact("84912000031") is None and contact("84912000032")[1] == "25747"
    st, _, b = import_csv(admin, body)
    assert st == 200 and b["imported"] == 2 and b["rejected"] == [], b
    assert contact("84912000031")[1] == "00004"

with r.case("officers and anonymous callers cannot import"):
    st, _, b = import_csv(officer, HEADER + "0912000041,00004,X\r\n")
    assert st == 403 and b["error"]["code"], (st, b)
    st, _, b = http_json("POST", srv.url("/api/v1/contacts/import"), b"x",
                         {"Content-Type": "text/csv"})
    assert st == 401, (st, b)
    st, _, b = http_json("GET", srv.url("/api/v1/contacts/import"),
                         headers={"Authorization": "Bearer " + staff_hn})
    assert st == 405, (st, b)
    assert contact("84912000041") is None

with r.case("a body that is not text/csv in UTF-8 is refused with 415"):
    good = HEADER + "0912000051,00004,Y\r\n"
    for ctype in ("application/json", "text/plain", None, "text/csv; charset=windows-1258",
                  "text/csvx"):
        st, hdrs, b = import_csv(staff_hn, good, ctype)
        assert st == 415 and b["error"]["code"] == "unsupported_media_type", (ctype, st, b)
        assert hdrs.get("Content-Type", "").startswith("application/json"), hdrs
    assert contact("84912000051") is None
    st, _, b = import_csv(staff_hn, good, "Text/CSV;Charset=\"UTF-8\"")
    assert st == 200 and b["imported"] == 1, (st, b)

with r.case("an empty body or a wrong header is refused with 400, nothing imported"):
    for body, code in (("", "empty"), ("\r\n\r\n", "empty"),
                       ("0912000061,00004,Không có dòng tiêu đề\r\n", "bad_header"),
                       ("so_dien_thoai,ma_xa,ho_ten\r\n0912000062,00004,Z\r\n", "bad_header"),
                       ("phone;commune_code;name\r\n0912000063;00004;Z\r\n", "bad_header")):
        st, _, b = import_csv(staff_hn, body)
        assert st == 400 and b["error"]["code"] == code, (body, st, b)
        assert "phone,commune_code,name" in b["error"]["message"], b
        # The message never repeats what the first line held (a citizen's number).
        assert "0912000061" not in b["error"]["message"], b
    for n in ("84912000061", "84912000062", "84912000063"):
        assert contact(n) is None, n

with r.case("a body over 64 KiB is refused with 413"):
    lines = ["0913%06d,00004,Nguyễn Văn Dài Tên Cho Đủ Số Byte\r\n" % i for i in range(2000)]
    body = HEADER + "".join(lines)
    assert len(body.encode("utf-8")) > 64 * 1024
    st, _, b = import_csv(staff_hn, body)
    assert st == 413 and b["error"]["code"], (st, b)
    assert contact("84913000000") is None

with r.case("10,000 citizens through 64 KiB pieces"):
    communes = ["00004", "00008", "00025", "00070", "00082"]
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
    given = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Én", "Hữu Phước", "Thu Hằng"]
    lines = ["09%08d,%s,%s %s\r\n" % (70000000 + i, communes[i % 5], family[i % 10], given[i % 7])
             for i in range(10000)]
    chunks, cur, size = [], [], len(HEADER)
    for line in lines:
        n = len(line.encode("utf-8"))
        if size + n > 64 * 1024:
            chunks.append(HEADER + "".join(cur))
            cur, size = [], len(HEADER)
        cur.append(line)
        size += n
    chunks.append(HEADER + "".join(cur))
    t0 = time.monotonic()
    total, slowest = 0, 0.0
    for c in chunks:
        t1 = time.monotonic()
        st, _, b = import_csv(staff_hn, c)
        slowest = max(slowest, time.monotonic() - t1)
        assert st == 200 and not b["rejected"], (st, b and b["rejected"][:3])
        total += b["imported"]
    elapsed = time.monotonic() - t0
    print("     %d lines in %d requests: %.2f s in all, slowest request %.3f s"
          % (total, len(chunks), elapsed, slowest), flush=True)
    assert total == 10000, total
    (n,) = q("SELECT count(*) FROM contacts WHERE address BETWEEN '84970000000' AND '84970009999'"
             " AND listed_not_activated = 1 AND channel = 'sms'")[0]
    assert n == 10000, n
    (n,) = q("SELECT count(*) FROM contacts WHERE address = '84970004321'"
             " AND commune_code = '00008' AND display_name = 'Trần Minh Châu'")[0]
    assert n == 1, n
    # The same list again changes nobody's count: it is an update.
    st, _, b = import_csv(staff_hn, chunks[0])
    assert st == 200 and b["created"] == 0 and b["imported"] > 0, b

srv.stop()
r.finish()
