"""kannel.py -- a real Kannel (bearerbox + smsbox) for integration tests, with fakesmsc as the phones.

    with Kannel(server.base_url) as k:          # inbound SMS go to <base>/webhooks/kannel?...
        k.phones.send("0912345678", "8088", "Tôi không nhận được mã OTP", ucs2=True)
        k.sendsms("0912345678", "Xin chào", coding=2)   # or our server calls k.sendsms_url
        sms = k.phones.wait_for(1, lambda m: m.receiver == "0912345678")

Everything (ports, config, logs) is private to one Kannel object; logs stay in self.dir.

Facts learned by running Kannel 1.4.5 (Debian) here -- the tests rely on them
-------------------------------------------------------------------------------
fakesmsc (/usr/lib/kannel/test/fakesmsc) is a TCP client of bearerbox's `smsc = fake` listener.
  * Line protocol, one message per line, "SENDER RECEIVER TYPE DATA". Types it sends: `text` (rest
    of the line, raw; arrives coding=0 charset=UTF-8, so raw UTF-8 bytes pass through unchanged),
    `data` (URL-encoded, arrives coding=1 charset=8-BIT), `ucs2` (URL-encoded UTF-16BE; arrives
    coding=2 charset=UTF-16BE), `udh`/`udh-data`/`udh-text`, `route`, `dlr-mask`. NOT `ucs-2`, and
    1.4.5 has no `utf8` type (the line is dropped: "invalid message syntax"). URL decoding turns
    '+' into a space, so we send every byte that is not [A-Za-z0-9] as %XX.
  * What it prints for a message from us ("Got message N: <...>", at DEBUG level on stderr):
      7-bit   "8088 0912345678 text Xin chào"            (raw bytes: UTF-8; letters outside GSM-7
                                                         such as ạ/ô already became '?' in Kannel)
      UCS-2   "8088 0912345678 ucs-2 %00X%00i%00n..."     (URL-encoded UTF-16BE, spaces as '+')
      8-bit   "8088 0912345678 data <url-encoded>"
      long    "8088 0912345678 udh %05%00%03%0D%03%01 data <url-encoded part>"  one line per part,
              (concatenation=true). No coding is shown for udh lines: UCS-2 parts are UTF-16BE
              (their data contains %00), 7-bit parts are plain text. We reassemble by the UDH
              reference and decode UTF-16BE when the joined bytes contain NUL.
      A text with '\n' is split by the line protocol: the part after the newline comes as a
      separate "Got message" line ("line2 ["); we glue such lines (no "FROM DIGITS TYPE" head)
      back onto the previous message.
  * One process can both send and receive, in interactive mode (no message arguments, no -m):
      - it reads stdin with select()+fgets() on a buffered FILE: lines written together stay in
        the stdio buffer and are NOT sent until more input arrives. So: write one line, wait for
        its "fakesmsc: sent message N" DEBUG line, then write the next (FakePhones.send does).
      - fgets uses a 256-byte buffer: a line longer than 254 bytes is cut into two messages.
        Longer messages go through a second, send-only fake SMSC (allowed-smsc-id set to a name
        nothing uses, so bearerbox never routes replies to it) with a short-lived fakesmsc in
        argument mode (-m 1), stopped with SIGINT after "sent message 1".
      - while idle it polls the connection once a second: replies show up within ~1 s.
      - with -m N it stops reading stdin after N messages and only receives.
  * bearerbox's fake SMSC serves ONE client at a time (it accepts the next connection only when
    the current one closes). While no client is connected, sendsms answers 202 "3: Queued for
    later delivery" and the message is delivered when a client connects.

smsbox towards our webhook (sms-service get-url, max-messages = 0):
  * Use %b for the text, not %a. %a ("all words") is rebuilt by splitting the message bytes on
    C whitespace (0x09-0x0D, 0x20) and joining with one space: "  spaces  inside  " arrives as
    "spaces inside", a newline becomes a space, and in UCS-2 the split works on the UTF-16BE
    bytes: "  Tôi  có\n hai dòng  " arrived as an odd number of bytes (broken UTF-16), and any
    character whose low byte is 0x09-0x0D/0x20 (e.g. U+0309, the combining hook above of
    decomposed Vietnamese) is cut. %b carries the exact bytes. (CHANNELS.md's example uses %a.)
  * %b/%a text: UCS-2 arrives as %-encoded UTF-16BE with coding=2&charset=UTF-16BE; 7-bit as UTF-8
    with coding=0&charset=UTF-8; 8-bit coding=1&charset=8-BIT. %I (id) is a UUID, identical on every
    retry of the same message: the key for dropping duplicates. %T is epoch seconds.
  * Only HTTP 200 and 202 count as success. Anything else -- 204, 4xx, 5xx, connection refused,
    timeout -- is a failure. Without `http-request-retry` (smsbox group; default 0) a failed
    request is NOT retried: the message is lost (logged "Couldn't fetch <url>"). With
    http-request-retry = N, smsbox retries N more times every `http-queue-delay` seconds (default
    10) -- in memory only: if smsbox stops meanwhile, the message is lost. So our webhook must
    answer 200 (or 202) quickly and only after the message is stored.
  * A webhook slower than `http-timeout` (smsbox group -- in core it does not apply to smsbox;
    default 240 s) is a failure too: with retries on, the same message (same %I) comes again
    although our first call went on and stored it. Duplicates by id are normal, not an error.
  * While smsbox is down, bearerbox keeps inbound SMS queued ("SMS: received N (K queued)") and
    hands them over when smsbox reconnects: nothing is lost (bearerbox's own queue is in memory
    unless store=True, i.e. store-type = file). While smsbox is down, sendsms is connection refused.
  * The admin status (http://127.0.0.1:ADMIN/status.xml?password=...) lists boxes and SMSCs; a
    connected fakesmsc shows as <status>online ...</status>.

sendsms (GET /cgi-bin/sendsms):
  * 202 "0: Accepted for delivery"; 202 "3: Queued for later delivery" (no phone connected);
    403 "Authorization failed for sendsms"; 400 "Sender missing and no global set, rejected" when
    neither from= nor the user's default-sender is set (we set default-sender unless told not to).
  * Vietnamese needs coding=2&charset=UTF-8; without coding=2 letters outside GSM-7 become '?'.
  * 'text' longer than one SMS (160 GSM-7 / 70 UCS-2) is split into parts with UDH (153 / 67).

Delivery reports against the fake SMSC:
  * dlr-mask bits 1 delivered, 2 failed, 4 buffered, 8 SMSC accepted, 16 SMSC rejected. The fake
    SMSC produces only 8 ("%A" = "ACK/") when the line is written to fakesmsc, then 1 (delivered,
    %A empty) right after; with mask 31 the dlr-url is called twice (st=8, then st=1). Never 2,
    4 or 16. A message queued in bearerbox (no phone connected) gets no DLR until it is written.
  * %I in a dlr-url is NOT the id of the sent message (each DLR call has its own id): put our own
    outbox id in the dlr-url as a plain parameter. A failed dlr-url call follows the same retry
    rule as get-url (http-request-retry); seen here: st=8 answered 500, st=1 accepted, st=8 came
    again 1 s later -- reports can arrive out of order, so a late "8 accepted" must not undo
    "1 delivered".
"""

import os
import re
import signal
import subprocess
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections import namedtuple

from . import util

BEARERBOX = os.environ.get("KANNEL_BEARERBOX", "/usr/sbin/bearerbox")
SMSBOX = os.environ.get("KANNEL_SMSBOX", "/usr/sbin/smsbox")
FAKESMSC = os.environ.get("KANNEL_FAKESMSC", "/usr/lib/kannel/test/fakesmsc")

# text=%b, not %a: %a is "all words" -- smsbox splits the message on whitespace BYTES and joins
# the words with single spaces, which collapses spaces/newlines and, for UCS-2, cuts UTF-16 code
# units apart (see the module notes). %b is the message exactly as received.
INBOUND_QUERY = "from=%p&to=%P&text=%b&smsc=%i&ts=%T&coding=%c&charset=%C&id=%I"

# fakesmsc reads stdin with fgets(buf, 256): 254 bytes plus '\n' is the longest whole line.
MAX_STDIN_LINE = 254

Sms = namedtuple("Sms", "sender receiver text")


def available():
    """True when the Kannel binaries are installed (tests may report a FAIL otherwise)."""
    return all(os.access(p, os.X_OK) for p in (BEARERBOX, SMSBOX, FAKESMSC))


def decode_inbound(args):
    """Decode the parameters smsbox puts on our get-url (INBOUND_QUERY).

    args: dict name -> value or list of values, values being str decoded as Latin-1 (so that
    value.encode('latin-1') gives the original bytes) -- e.g. util.Request.args -- or a raw
    query string. Returns dict: from, to, smsc, ts, id, coding (int or None), charset, text (str),
    text_bytes."""
    if isinstance(args, str):
        args = urllib.parse.parse_qs(args, keep_blank_values=True, encoding="latin-1")

    def one(name):
        v = args.get(name)
        if isinstance(v, list):
            v = v[0] if v else None
        return v

    raw = (one("text") or "").encode("latin-1")
    coding = one("coding")
    coding = int(coding) if coding not in (None, "") and coding.lstrip("-").isdigit() else None
    charset = one("charset") or ""
    if coding == 2 or charset.upper() in ("UTF-16BE", "UCS-2", "UTF-16"):
        text = raw.decode("utf-16-be", "replace")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    return {"from": one("from"), "to": one("to"), "smsc": one("smsc"), "ts": one("ts"),
            "id": one("id"), "coding": coding, "charset": charset, "text": text,
            "text_bytes": raw}


def _pct(data):
    """URL-encode bytes for fakesmsc: only [A-Za-z0-9] literal ('+' would decode to a space)."""
    return "".join(chr(b) if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122) else "%%%02X" % b
                   for b in data)


def _unpct(s):
    return urllib.parse.unquote_to_bytes(s.replace(b"+", b" "))


def _decode_guess(data):
    # UCS-2 parts of a concatenated message carry no coding on fakesmsc's line; Vietnamese or
    # ASCII in UTF-16BE always has NUL high bytes, 7-bit text never contains NUL.
    if len(data) % 2 == 0 and b"\x00" in data:
        return data.decode("utf-16-be", "replace")
    return data.decode("utf-8", "replace")


_GOT = re.compile(rb"Got message (\d+): <(.*)>\s*$", re.S)
_SENT = re.compile(rb"fakesmsc: sent message (\d+)")
_HEAD = re.compile(rb"^(\S+) (\+?\d+) (text|data|ucs-2|udh) ?(.*)$", re.S)


class FakePhones:
    """The phones: one long-running fakesmsc (sends and receives) on bearerbox's fake SMSC, plus
    short-lived senders on a second, send-only fake SMSC for lines too long for its stdin.

    received: list of Sms(sender, receiver, text) in arrival order, text decoded;
    details: parallel list of dicts {kind: text|ucs-2|data|udh, parts, raw: [lines]}."""

    def __init__(self, port, long_port, log_path, host="127.0.0.1", binary=FAKESMSC):
        self.port, self.long_port, self.host, self.binary = port, long_port, host, binary
        self.log_path = log_path
        self.received = []
        self.details = []
        self.sent = 0           # lines fakesmsc confirmed writing to bearerbox
        self._acked = 0
        self._cond = threading.Condition()
        self._send_lock = threading.Lock()
        self._parts = {}        # (sender, receiver, ref, total) -> {seq: (bytes, raw line)}
        self.proc = None
        self._reader = None
        self._log = None

    # -- lifecycle
    def start(self):
        self._log = open(self.log_path, "ab")
        self.proc = util.Proc([self.binary, "-H", self.host, "-r", self.port, "-i", "0"],
                              name="fakesmsc", log_path=self.log_path + ".proc",
                              stdin=subprocess.PIPE, pipe_stdout=True).start()
        self._reader = threading.Thread(target=self._read, args=(self.proc.popen.stdout,),
                                        daemon=True)
        self._reader.start()
        return self

    def stop(self):
        if self.proc is None:
            return
        try:
            self.proc.popen.stdin.close()   # EOF on stdin ends interactive mode cleanly
        except OSError:
            pass
        self.proc.stop(timeout=3, sig=signal.SIGINT)  # the signal fakesmsc handles
        if self._reader:
            self._reader.join(3)
        if self._log:
            self._log.close()
            self._log = None
        self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.alive()

    # -- sending
    def line_for(self, sender, receiver, text, ucs2=False):
        """The fakesmsc line for one message from a phone (see the module notes)."""
        if " " in sender or " " in receiver or not sender or not receiver:
            raise ValueError("phone numbers must be non-empty and without spaces")
        if ucs2:
            return "%s %s ucs2 %s" % (sender, receiver, _pct(text.encode("utf-16-be")))
        if "\n" in text or "\r" in text:
            raise ValueError("a 7-bit text cannot carry a newline through fakesmsc; use ucs2=True")
        return "%s %s text %s" % (sender, receiver, text)

    def send(self, sender, receiver, text, ucs2=False, timeout=5.0):
        """A phone `sender` texts `receiver` (our short code). ucs2=True sends it as a real phone
        sends Vietnamese (coding=2, UTF-16BE); otherwise as 7-bit text (raw UTF-8 bytes for any
        non-ASCII letter). Returns once fakesmsc has written it to bearerbox."""
        line = self.line_for(sender, receiver, text, ucs2)
        data = line.encode("utf-8")
        with self._send_lock:
            if len(data) <= MAX_STDIN_LINE:
                self._send_stdin(data, timeout)
            else:
                self._send_long(line, timeout)
            self.sent += 1

    def _send_stdin(self, data, timeout):
        if not self.alive():
            raise RuntimeError("fakesmsc is not running; log %s" % self.log_path)
        with self._cond:
            want = self._acked + 1
        self.proc.popen.stdin.write(data + b"\n")
        self.proc.popen.stdin.flush()
        with self._cond:
            if not self._cond.wait_for(lambda: self._acked >= want, timeout):
                raise TimeoutError("fakesmsc did not confirm sending %r" % data[:60])

    def _send_long(self, line, timeout):
        p = util.Proc([self.binary, "-H", self.host, "-r", self.long_port, "-i", "0", "-m", "1",
                       line], name="fakesmsc-long", log_path=self.log_path + ".long")
        p.start()
        try:
            ok = util.wait_until(lambda: b"sent message 1" in _read_bytes(p.log_path)
                                 or not p.alive(), timeout)
            if not ok or b"sent message 1" not in _read_bytes(p.log_path):
                raise TimeoutError("long-message fakesmsc did not send; log %s" % p.log_path)
        finally:
            p.stop(timeout=3, sig=signal.SIGINT)

    # -- receiving
    def _read(self, pipe):
        for raw in iter(pipe.readline, b""):
            if self._log:
                self._log.write(raw)
                self._log.flush()
            m = _SENT.search(raw)
            if m:
                with self._cond:
                    self._acked += 1
                    self._cond.notify_all()
                continue
            m = _GOT.search(raw.rstrip(b"\r\n"))
            if m:
                self._got(m.group(2))

    def _got(self, payload):
        m = _HEAD.match(payload)
        with self._cond:
            if not m:
                # the rest of a text cut by a newline (see module notes)
                if self.details and self.details[-1]["kind"] == "text":
                    last = self.received[-1]
                    self.received[-1] = last._replace(
                        text=last.text + "\n" + payload.decode("utf-8", "replace"))
                    self.details[-1]["raw"].append(payload)
                    self._cond.notify_all()
                return
            sender, receiver = m.group(1).decode(), m.group(2).decode()
            kind, rest = m.group(3).decode(), m.group(4)
            if kind == "text":
                self._add(sender, receiver, rest.decode("utf-8", "replace"), kind, [payload])
            elif kind == "ucs-2":
                self._add(sender, receiver, _unpct(rest).decode("utf-16-be", "replace"), kind,
                          [payload])
            elif kind == "data":
                self._add(sender, receiver, _decode_guess(_unpct(rest)), kind, [payload])
            else:
                self._udh(sender, receiver, rest, payload)

    def _udh(self, sender, receiver, rest, payload):
        fields = rest.split(b" ")
        if len(fields) < 3 or fields[1] != b"data":
            self._add(sender, receiver, rest.decode("utf-8", "replace"), "udh", [payload])
            return
        udh, data = _unpct(fields[0]), _unpct(b" ".join(fields[2:]))
        ref = total = seq = None
        i = 1
        while i + 1 < len(udh):            # walk the information elements after UDHL
            iei, ln = udh[i], udh[i + 1]
            ie = udh[i + 2:i + 2 + ln]
            if iei == 0x00 and ln == 3:
                ref, total, seq = ie[0], ie[1], ie[2]
            elif iei == 0x08 and ln == 4:
                ref, total, seq = (ie[0] << 8) | ie[1], ie[2], ie[3]
            i += 2 + ln
        if ref is None:
            self._add(sender, receiver, _decode_guess(data), "udh", [payload])
            return
        key = (sender, receiver, ref, total)
        parts = self._parts.setdefault(key, {})
        parts[seq] = (data, payload)
        if len(parts) == total:
            del self._parts[key]
            seqs = sorted(parts)
            joined = b"".join(parts[s][0] for s in seqs)
            self._add(sender, receiver, _decode_guess(joined), "udh",
                      [parts[s][1] for s in seqs], parts=total)

    def _add(self, sender, receiver, text, kind, raw, parts=1):
        # caller holds self._cond
        self.received.append(Sms(sender, receiver, text))
        self.details.append({"kind": kind, "parts": parts, "raw": raw})
        self._cond.notify_all()

    def wait_for(self, count=1, pred=None, timeout=10.0):
        """Wait until `count` received messages satisfy pred(Sms); returns the matching ones
        (fewer on timeout)."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [m for m in self.received if pred is None or pred(m)]
                left = end - time.monotonic()
                if len(got) >= count or left <= 0:
                    return got
                self._cond.wait(min(left, 0.5))

    def to(self, number):
        with self._cond:
            return [m for m in self.received if m.receiver == number]

    def clear(self):
        with self._cond:
            self.received.clear()
            self.details.clear()


def _read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


class Kannel:
    """bearerbox + smsbox + phones on free ports, configured to call
    webhook_base_url + webhook_path + "?" + INBOUND_QUERY for every inbound SMS.

    Options: user/password (sendsms-user), default_sender (sendsms default-sender; None: from=
    is required), http_request_retry / http_queue_delay (smsbox retries of failed webhook calls;
    None = Kannel's defaults: no retry), http_timeout (smsbox http-timeout, s), store=True
    (bearerbox queue kept in a file), start_phones=False (start k.phones yourself),
    inbound_query (the get-url's query; default INBOUND_QUERY)."""

    def __init__(self, webhook_base_url, webhook_path="/webhooks/kannel", tmpdir=None,
                 user="bot", password="botpw", admin_password="adminpw", default_sender="8088",
                 http_request_retry=None, http_queue_delay=None, http_timeout=None, store=False,
                 start_phones=True, log_level=0, inbound_query=None):
        self.dir = tmpdir or util.make_tmpdir("kannel")
        self.webhook_url = (webhook_base_url.rstrip("/") + webhook_path + "?"
                            + (inbound_query or INBOUND_QUERY))
        self.user, self.password, self.admin_password = user, password, admin_password
        self.default_sender = default_sender
        self.http_request_retry, self.http_queue_delay = http_request_retry, http_queue_delay
        self.http_timeout, self.store, self.log_level = http_timeout, store, log_level
        self.start_phones = start_phones
        self.admin_port = util.free_port()
        self.smsbox_port = util.free_port()
        self.phone_port = util.free_port()
        self.long_port = util.free_port()
        self.sendsms_port = util.free_port()
        self.conf_path = os.path.join(self.dir, "kannel.conf")
        self.bearerbox_log = os.path.join(self.dir, "bearerbox.log")
        self.smsbox_log = os.path.join(self.dir, "smsbox.log")
        self.access_log = os.path.join(self.dir, "access.log")
        self.bearerbox = None
        self.smsbox = None
        self.phones = FakePhones(self.phone_port, self.long_port,
                                 os.path.join(self.dir, "fakesmsc.log"))

    # -- addresses
    @property
    def sendsms_url(self):
        return "http://127.0.0.1:%d/cgi-bin/sendsms" % self.sendsms_port

    @property
    def admin_url(self):
        return "http://127.0.0.1:%d" % self.admin_port

    # -- configuration
    def config_text(self):
        core = [
            "group = core",
            "admin-port = %d" % self.admin_port,
            "admin-password = %s" % self.admin_password,
            'admin-allow-ip = "127.0.0.1"',
            "smsbox-port = %d" % self.smsbox_port,
            'box-allow-ip = "127.0.0.1"',
            'log-file = "%s"' % self.bearerbox_log,
            "log-level = %d" % self.log_level,
            'access-log = "%s"' % self.access_log,
            "dlr-storage = internal",
        ]
        if self.store:
            core += ["store-type = file",
                     'store-location = "%s"' % os.path.join(self.dir, "bearerbox.store")]
        smsbox = [
            "group = smsbox",
            "bearerbox-host = 127.0.0.1",
            "bearerbox-port = %d" % self.smsbox_port,
            "sendsms-port = %d" % self.sendsms_port,
            'log-file = "%s"' % self.smsbox_log,
            "log-level = %d" % self.log_level,
        ]
        if self.http_timeout is not None:   # read from the smsbox group by smsbox (not core)
            smsbox.append("http-timeout = %d" % self.http_timeout)
        if self.http_request_retry is not None:
            smsbox.append("http-request-retry = %d" % self.http_request_retry)
        if self.http_queue_delay is not None:
            smsbox.append("http-queue-delay = %d" % self.http_queue_delay)
        user = [
            "group = sendsms-user",
            "username = %s" % self.user,
            "password = %s" % self.password,
            "concatenation = true",
            "max-messages = 10",
        ]
        if self.default_sender:
            user.append("default-sender = %s" % self.default_sender)
        groups = [
            core,
            ["group = smsc", "smsc = fake", "smsc-id = FAKE", "smsc-admin-id = phones",
             "port = %d" % self.phone_port, "connect-allow-ip = 127.0.0.1"],
            # send-only: nothing is ever routed here (no message carries that smsc id)
            ["group = smsc", "smsc = fake", "smsc-id = FAKE", "smsc-admin-id = phones-long",
             "port = %d" % self.long_port, "connect-allow-ip = 127.0.0.1",
             'allowed-smsc-id = "never-route-here"'],
            smsbox,
            user,
            ["group = sms-service", "keyword = default", "catch-all = true", "max-messages = 0",
             'get-url = "%s"' % self.webhook_url],
        ]
        return "\n\n".join("\n".join(g) for g in groups) + "\n"

    # -- lifecycle
    def start(self):
        for p in (BEARERBOX, SMSBOX, FAKESMSC):
            if not os.access(p, os.X_OK):
                raise FileNotFoundError("%s missing (Debian packages kannel, kannel-extras)" % p)
        with open(self.conf_path, "w") as f:
            f.write(self.config_text())
        util.on_exit(self.stop)
        self.bearerbox = util.Proc([BEARERBOX, self.conf_path], name="bearerbox",
                                   log_path=os.path.join(self.dir, "bearerbox.out")).start()
        util.wait_port(self.admin_port, 15, proc=self.bearerbox)
        util.wait_port(self.smsbox_port, 15, proc=self.bearerbox)
        self.start_smsbox()
        if self.start_phones:
            self.start_phones_now()
        return self

    def start_phones_now(self):
        self.phones.start()
        if not util.wait_until(lambda: self.smsc_status("phones").startswith("online"), 10):
            raise TimeoutError("fakesmsc did not connect; see %s" % self.phones.log_path)

    def stop(self):
        self.phones.stop()
        if self.smsbox:
            self.smsbox.stop(5)
        if self.bearerbox:
            self.bearerbox.stop(10)

    def start_smsbox(self):
        self.smsbox = util.Proc([SMSBOX, self.conf_path], name="smsbox",
                                log_path=os.path.join(self.dir, "smsbox.out")).start()
        util.wait_port(self.sendsms_port, 15, proc=self.smsbox)
        if not util.wait_until(lambda: self.status()["boxes"] >= 1, 10):
            raise TimeoutError("smsbox did not connect to bearerbox; see %s" % self.smsbox_log)

    def stop_smsbox(self, kill=False):
        """Stop smsbox (SIGTERM, or SIGKILL with kill=True) and wait until bearerbox notices."""
        if self.smsbox:
            self.smsbox.kill() if kill else self.smsbox.stop(5)
        util.wait_until(lambda: self.status()["boxes"] == 0, 10)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- status
    def status(self):
        """bearerbox's status.xml, summarised: sms_received, sms_received_queued, sms_sent,
        sms_sent_queued, dlr_received, boxes (connected smsboxes), smscs {admin-id: status}."""
        status, _, body = util.http("GET", "%s/status.xml?password=%s"
                                    % (self.admin_url, self.admin_password), timeout=3)
        if status != 200:
            raise RuntimeError("bearerbox status: HTTP %d" % status)
        root = ET.fromstring(body)

        def num(path):
            t = root.findtext(path)
            return int(t) if t and t.strip().lstrip("-").isdigit() else 0

        return {
            "sms_received": num("sms/received/total"),
            "sms_received_queued": num("sms/received/queued"),
            "sms_sent": num("sms/sent/total"),
            "sms_sent_queued": num("sms/sent/queued"),
            "dlr_received": num("dlr/received/total"),
            "boxes": len([b for b in root.iter("box") if b.findtext("type") == "smsbox"]),
            "smscs": {(s.findtext("admin-id") or s.findtext("name") or ""):
                      (s.findtext("status") or "") for s in root.iter("smsc")},
        }

    def smsc_status(self, admin_id):
        try:
            return self.status()["smscs"].get(admin_id, "")
        except (OSError, RuntimeError, ET.ParseError):
            return ""

    # -- sending as our server does
    def sendsms(self, to, text, sender=None, coding=None, charset="UTF-8", dlr_mask=None,
                dlr_url=None, username=None, password=None, timeout=5, **extra):
        """GET sendsms like our server does. Returns (HTTP status, body text)."""
        q = {"username": username or self.user, "password": password or self.password,
             "to": to, "text": text}
        if sender is not None:
            q["from"] = sender
        if coding is not None:
            q["coding"] = coding
        if charset:
            q["charset"] = charset
        if dlr_mask is not None:
            q["dlr-mask"] = dlr_mask
        if dlr_url is not None:
            q["dlr-url"] = dlr_url
        q.update(extra)
        status, _, body = util.http("GET", self.sendsms_url + "?" + urllib.parse.urlencode(q),
                                    timeout=timeout)
        return status, body.decode("utf-8", "replace")
