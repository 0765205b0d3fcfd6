#!/usr/bin/env python3
"""make_seeds.py -- writes the seed corpora under tests/fuzz/corpus/.

Run from the repository root when a seed is to be added or changed; the
files are committed, so `make fuzz` and the regression test do not need
Python. Each seed is a small realistic input in the format its target's
header comment describes."""
import os
import urllib.parse

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def q(b):
    if isinstance(b, str):
        b = b.encode("utf-8")
    return urllib.parse.quote_plus(b, safe="")


# ---- kannel: "METHOD[ content-type]\nquery\nbody" ----
put("kannel", "get_utf8",
    "GET\nfrom=%2B84912345678&to=8088&text=" + q("Tôi không nhận được mã OTP") +
    "&smsc=viettel&ts=1732270000&coding=0&charset=UTF-8&id=6f1c2a7e-1\n")
put("kannel", "get_ucs2",
    "GET\nfrom=0912345678&to=8088&text=" + q("Đăng ký mức 2 ở đâu?".encode("utf-16-be")) +
    "&coding=2&charset=UTF-16BE&smsc=mobifone&ts=1732270001&id=a1\n")
put("kannel", "post_form",
    "POST application/x-www-form-urlencoded\n\nfrom=84987654321&to=8088&text=" +
    q("quen mat ma vneid") + "&coding=0&charset=UTF-8&smsc=vina&id=xyz-77&ts=1732270002")
put("kannel", "post_8bit",
    b"POST application/x-www-form-urlencoded; charset=ISO-8859-1\ncoding=1\nfrom=%2884%29+912+345+678&text=" +
    q("caf\xe9 \x80 ok".encode("latin-1")).encode() + b"&charset=8-BIT&id=b2")
put("kannel", "latin1", "GET\nfrom=0084912345678&text=" + q("ch\xe0o".encode("latin-1")) +
    "&charset=ISO-8859-1&smsc=a%2Fb&id=z9\n")
put("kannel", "empty_text", "GET\nfrom=0351234567&text=&coding=0&id=e1\n")
put("kannel", "dlr", "GET\noutbox=42&status=1\n")
put("kannel", "dlr_post", "POST\n\noutbox=9001&status=16")

# ---- zalo: "<cfg><form>[header]\nbody" (no header: the harness signs) ----
put("zalo", "text", '00\n{"app_id":"1234567890123456789","user_id_by_app":"552177279717587730",'
    '"event_name":"user_send_text","timestamp":"1732270000000",'
    '"sender":{"id":"2512523625412515"},"recipient":{"id":"579745863508352884"},'
    '"message":{"msg_id":"96d51c39a25e4a0b1350","text":"Tôi bị lỗi không kích hoạt được VNeID"}}')
put("zalo", "follow", '30\n{"oa_id":"579745863508352884","follower":{"id":"6955310588963744445"},'
    '"user_id_by_app":"552177279717587730","event_name":"follow","app_id":"1234567890123456789",'
    '"timestamp":1732270000000,"source":"testing_webhook"}')
put("zalo", "image", '11\n{"event_name":"user_send_image","timestamp":"1732270000001",'
    '"sender":{"id":"2512523625412515"},"recipient":{"id":"579745863508352884"},'
    '"message":{"msg_id":"aa01","attachments":[{"type":"image","payload":{"url":"https://x/y.jpg"}}]}}')
put("zalo", "oa_echo", '22\n{"event_name":"oa_send_text","timestamp":"1732270000002",'
    '"sender":{"id":"579745863508352884"},"recipient":{"id":"2512523625412515"},'
    '"message":{"msg_id":"bb02","text":"Chào anh/chị"}}')
put("zalo", "seen", '31\n{"event_name":"user_seen_message","timestamp":"1732270000003",'
    '"sender":{"id":"2512523625412515"},"message":{"msg_ids":["a","b"]}}')
put("zalo", "badsig", '00mac=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n'
    '{"event_name":"user_send_text","timestamp":"1","sender":{"id":"1"},"message":{"text":"x"}}')

# ---- form: byte 0 name, byte 1 output size, then the form text ----
put("form", "text", b"\x00\xc8from=%2B84912345678&text=Xin+ch%C3%A0o+c%C3%A1n+b%E1%BB%99&id=1")
put("form", "ucs2", b"\x00\xc8text=%00A%1E%A1%00B&coding=2")
put("form", "small", b"\x01\x05from=0912.345.678&text=abc")
put("form", "phone", b"\x01\xc80084 (912) 345-678")
put("form", "badesc", b"\x00\xc8te%78t=%zz&from=1")
put("form", "cp1252", b"\x02\xc8caf\xe9 \x80\x9d \xfe\xff\x00\x41")
put("form", "utf8bad", b"\x03\xc8\xc3\x28 \xe0\x80\x80 \xed\xa0\x80 \xf4\x90\x80\x80 ok \xef\xbf\xbd")

# ---- nlu: byte 0 unaccent size, then the message ----
for i, t in enumerate([
        "Tôi không nhận được mã OTP khi đăng ký VNeID",
        "ko dc dk muc 2 , sdt cua toi bi khoa roi alooo",
        "Làm sao để tích hợp giấy phép lái xe vào ứng dụng?",
        "ddawng kys taif khoanr ddinhj danh",
        "HUY",
        "cảm ơn 🙏🙏 nhé!!!",
        "Quên passcode, đổi điện thoại mới thì làm thế nào vậy ạ",
        "Ｆｕｌｌｗｉｄｔｈ “quotes” … — ½ ﬁ",
]):
    put("nlu", "msg%d" % i, bytes([0xF0 if i % 2 else 40]) + t.encode("utf-8"))

# ---- geo: byte 0 how many matches, then the text ----
for i, t in enumerate([
        "Phường Ba Đình, Hà Nội",
        "p tan phong lai chau",
        "Xã Tân Thành, huyện Hàm Yên, Tuyên Quang",
        "tphcm",
        "xa tan tien",
        "Bình Dương",
        "phuong ben thanh quan 1",
]):
    put("geo", "place%d" % i, bytes([4 + i]) + t.encode("utf-8"))

# ---- idnum: bytes 0-1 year, byte 2 mask size, then the text ----
def year(y):
    return bytes([((y - 1900) >> 8) & 0xFF, (y - 1900) & 0xFF])

put("idnum", "ok", year(2025) + b"\x0d001099012345")
put("idnum", "dots", year(2025) + b"\x10001.099.012345")
put("idnum", "spaces", year(2025) + b"\x0c 079 305 001234 ")
put("idnum", "cmnd", year(2025) + b"\x0d123456789")
put("idnum", "young", year(2025) + b"\x0d001215012345")
put("idnum", "letters", year(2025) + b"\x0dso cccd 001099012345")

# ---- json: byte 0 token output size, then the JSON ----
put("json", "state", b"\x80" + '{"node":"otp_not_received","topic":"otp_not_received","tries":1,"opted_out":0}'.encode())
put("json", "state_intake", b"\x80" + ('{"node":"escalate_device","topic":"","tries":0,"opted_out":0,'
    '"intake":{"step":"commune","kind":"device_change","reason":"device_change",'
    '"name":"Nguyễn Văn An","id":"********2345","cands":["00004","00008"],'
    '"fails":[0,0,1,0,0,0,0]}}').encode())
put("json", "token", b"\x80" + b'{"access_token":"ZmFrZS1hY2Nlc3M","refresh_token":"ZmFrZS1yZWZyZXNo","expires_in":"90000"}')
put("json", "token_num", b"\x05" + b'{"access_token":"abcdefgh","refresh_token":"ijklmnop","expires_in":90000}')
put("json", "token_err", b"\x80" + b'{"error":-14014,"error_name":"Invalid refresh token","error_reason":"x"}')

# ---- settings: a .env file ----
put("settings", "env", "# local settings\nHELPDESK_HTTP_PORT=8080\nexport HELPDESK_MODE=\"demo\"\n"
    "KANNEL_USER='helpdesk'\n\nZALO_SIGNATURE_VARIANT = any \n")
put("settings", "bad", "HELPDESK_FUZZ_A=1\nno equals sign here\n")
put("settings", "empty_name", "=value\n")
put("settings", "crlf", "HELPDESK_FUZZ_B=x\r\nHELPDESK_FUZZ_C=\"q\"\r\n")

# ---- dialog: byte 0 environment, then messages separated by '\n' ----
put("dialog", "otp", b"\x00" + "xin chào\nkhông nhận được OTP\n2\n1\ncảm ơn".encode())
put("dialog", "intake", b"\x02" + ("đổi điện thoại mới không đăng nhập được\n2\n2\n"
    "Nguyễn Văn An\n001099012345\nphường Ba Đình Hà Nội\n1\n1\n"
    "tôi đổi máy mới, cần hỗ trợ đăng nhập\n1").encode())
put("dialog", "intake_cancel", b"\x00" + "gặp cán bộ\nTrần Thị B\n0\nmenu\nHUY\nDANG KY".encode())
put("dialog", "open_case", b"\x01" + "tôi muốn gặp người hỗ trợ\n\x02\nthêm thông tin".encode())
put("dialog", "events", b"\x08" + "\x01\n3\n\x02\nko dc\n99\n0".encode())
put("dialog", "province", b"\x02" + ("gặp cán bộ\nLê Văn C\n079305001234\nxyz abc\nqwe\nHà Nội\n1\n"
    "0987654321\nmất điện thoại\n2\n0").encode())

# ---- csv: byte 0 max_records, then the file ----
put("csv", "import", b"\x0a" + "phone,commune_code,name\r\n0912345678,00004,Nguyễn Văn An\r\n"
    "+84 987 654 321,4,\"Trần, Thị B\"\r\n912345678,00008,\"Lê \"\"Cu\"\" C\"\r\n".encode())
put("csv", "bom_lf", b"\xc8" + b"\xef\xbb\xbfphone,commune_code,name\n0351234567,00004,\n\n0351234568,00004,A\n")
put("csv", "multiline", b"\x05" + b'phone,name\n"0912345678","line one\nline two"\rx,y')
put("csv", "bad", b"\x0f" + b'a"b,c\n"open,never closed\n1,2,3,4,5,6,7,8,9\n\xff\xfe,ok\n"x"y,z')

# dialog with bit 5: a raw first state (sizeof(dlg_state) bytes), then messages
raw = bytearray(b"\xa5" * 1800)
raw[0:17] = b"otp_not_received\x00"
raw[48:60] = b"no_terminator"
put("dialog", "raw_state", b"\x20" + bytes(raw) + "\n1\n2\nNguyễn Văn An\n0".encode())
