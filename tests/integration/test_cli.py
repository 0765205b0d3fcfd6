#!/usr/bin/env python3
"""test_cli.py -- the `classify` and `chat` commands as a person or a script uses them.

classify must print exactly one valid JSON line for every input line, whatever the line holds
(invalid UTF-8, nothing, 10,000 characters, NUL bytes), and never crash. chat must hold a
conversation whose state lives in the database, so a second session continues the first."""
import json
import re
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.util import REPO_ROOT, TEST_PII_KEY, Reporter, binary_path, make_tmpdir  # noqa: E402

r = Reporter(deadline=120)
BIN = binary_path()
INTENTS = [l.strip() for l in open(os.path.join(REPO_ROOT, "tests", "data", "intent_ids.txt"),
                                   encoding="utf-8") if l.strip() and not l.startswith("#")]


def run(args, data, env=None, timeout=60):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([BIN] + args, input=data, capture_output=True, timeout=timeout,
                       cwd=REPO_ROOT, env=e)
    return p.returncode, p.stdout, p.stderr


lines = [
    "kich hoat vneid".encode(),
    "".encode(),
    "   ".encode(),
    "không nhận được mã OTP".encode(),
    b"\xff\xfe\xc3\x28 invalid \xe2\x82",          # invalid UTF-8
    ("a" * 10000).encode(),
    ("đăng ký mức 2 " * 800).encode(),             # > 10,000 bytes of Vietnamese
    b"nul\x00inside the line",
    "🙂🙂🙂".encode(),
    "0".encode(),
    "thời tiết hôm nay thế nào".encode(),
    b"\r",
]
with r.case("classify: one valid JSON line per input line"):
    rc, out, err = run(["classify"], b"\n".join(lines) + b"\n")
    assert rc == 0, (rc, err[-300:])
    outs = out.decode("utf-8").split("\n")
    assert outs[-1] == "", "output does not end with a newline"
    outs = outs[:-1]
    assert len(outs) == len(lines), (len(outs), len(lines))
    for i, o in enumerate(outs):
        j = json.loads(o)
        assert set(j) == {"intent", "score"}, j
        assert j["intent"] in INTENTS, (i, j)
        assert 0.0 <= j["score"] <= 1.0, (i, j)
    got = [json.loads(o)["intent"] for o in outs]
    assert got[0] == "activate_account", got[0]
    assert got[1] == "unknown" and got[2] == "unknown", got[:3]
    assert got[3] == "otp_not_received", got[3]
    assert got[9] == "menu", got[9]

with r.case("classify: last line without a newline still answered"):
    rc, out, _ = run(["classify"], "quên mật khẩu vneid".encode())
    assert rc == 0
    outs = out.decode().splitlines()
    assert len(outs) == 1 and json.loads(outs[0])["intent"] == "forgot_passcode", outs

with r.case("classify: 20,000 random lines, no crash"):
    import random
    rnd = random.Random(7)
    junk = [bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 300))).replace(b"\n", b" ")
            for _ in range(20000)]
    rc, out, err = run(["classify"], b"\n".join(junk) + b"\n", timeout=120)
    assert rc == 0, (rc, err[-300:])
    outs = out.decode("utf-8").splitlines()
    assert len(outs) == len(junk), (len(outs), len(junk))
    assert all(json.loads(o)["intent"] in INTENTS for o in outs)

tmp = make_tmpdir("chat")
env = {"HELPDESK_DB": os.path.join(tmp, "chat.db"), "HELPDESK_PII_KEY": TEST_PII_KEY}

with r.case("chat: a whole conversation in Vietnamese, one answer per line"):
    talk = ["xin chào", "kích hoạt tài khoản thế nào", "0", "tôi mới đổi điện thoại"]
    rc, out, err = run(["chat", "--contact", "0987000001"], ("\n".join(talk) + "\n").encode(), env)
    assert rc == 0, (rc, err[-300:])
    text = out.decode("utf-8")
    # each turn starts with the echoed line "> what was typed" at the start of a line
    turns = re.split(r"(?m)^> ", text)[1:]
    assert len(turns) == len(talk), (len(turns), text[:500])
    for t in turns:
        body = t.split("\n", 1)[1].strip()
        assert body, "an empty answer in:\n" + text
    assert any(ord(c) > 127 for c in text), "console replies are in full Vietnamese"

with r.case("chat: a second session continues the first (state in the database)"):
    rc, out, err = run(["chat", "--contact", "0987000001"], "van khong duoc\n".encode(), env)
    assert rc == 0, (rc, err[-300:])
    assert "[escalate device_change]" in out.decode(), out.decode()[-600:]

with r.case("chat --channel sms renders without diacritics"):
    rc, out, err = run(["chat", "--channel", "sms", "--contact", "0987000002"],
                       "ko nhan dc ma otp\n".encode(), env)
    assert rc == 0, (rc, err[-300:])
    answer = out.decode("utf-8").split("\n", 1)[1]
    assert answer.strip() and all(ord(c) < 128 for c in answer), answer[:300]

with r.case("chat: bad arguments are refused with usage"):
    rc, _, err = run(["chat", "--channel", "fax"], b"", env)
    assert rc == 2 and err, rc

with r.case("without HELPDESK_PII_KEY the program refuses to start, except in development mode"):
    e = dict(env, HELPDESK_PII_KEY="")
    rc, out, err = run(["chat", "--contact", "0987000003"], b"xin chao\n", e)
    assert rc == 1 and b"HELPDESK_PII_KEY" in err, (rc, err[-300:])
    rc, out, err = run(["chat", "--contact", "0987000003"], b"xin chao\n", dict(e, HELPDESK_PII_KEY="12ab"))
    assert rc == 1 and b"12ab" not in err, (rc, err[-300:])          # a bad key is not echoed
    rc, out, err = run(["chat", "--contact", "0987000003"], b"xin chao\n",
                       dict(e, HELPDESK_MODE="development"))
    assert rc == 0 and b"development" in err, (rc, err[-300:])

r.finish()
