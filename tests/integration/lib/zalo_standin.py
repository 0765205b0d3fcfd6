"""zalo_standin.py -- a local server that answers like Zalo's Official Account API.

Zalo's service cannot run here; this is the one stand-in the project allows for a real component
(see /work/shared/CHANNELS.md, whose facts it follows). Point the gateway's Zalo base URLs at
`standin.base_url` (the paths are the real ones):

    POST /v3.0/oa/message/cs      header access_token; JSON {"recipient":{"user_id"},"message":{"text"}}
    POST /v4/oa/access_token      form refresh_token, app_id, grant_type=refresh_token; header secret_key
    POST /message/template        (ZNS) header access_token; JSON {"phone","template_id","template_data"}

Errors come as HTTP 200 with a non-zero "error", as Zalo does, unless a test scripts an HTTP
status, a timeout or a slow answer. Tests drive it in-process:

    z = ZaloStandin().start()
    z.script([-230], user_id="6142494823000000001")    # that user's next send fails with -230
    z.script([HttpStatus(503), Timeout(), Slow(1.5)])  # the next three sends, whoever they are for
    z.fail_user("614...", -213)                        # every send to that user, until cleared
    z.expire_access_token()                            # current token now answers -220
    z.deliveries[("614...", "Xin chào")]              # how many times that text was delivered
    z.requests                                         # every request: path, headers, body, json, form

The OAuth error codes of the token endpoint were not confirmed (*unsure*): the gateway should
treat any answer without an access_token as a failed refresh.
"""

import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler

from . import util

ERRORS = {
    -32: "Rate limit exceeded",
    -201: "Parameters are invalid",
    -211: "Out of quota",
    -213: "User has not followed OA",
    -216: "Access token is invalid",
    -220: "Access token has expired",
    -227: "User is banned or has been inactive for more than 45 days",
    -230: "User has not interacted with the OA in the last 7 days",
    -232: "User interaction has expired",
    -234: "Message type cannot be sent at night",
    -244: "User has restricted this message type",
    -248: "Message content violates policy",
}
# OAuth endpoint errors (*unsure* of Zalo's exact numbers; configurable on the instance)
OAUTH_INVALID_REFRESH_TOKEN = -14014
OAUTH_INVALID_SECRET = -14010
OAUTH_INVALID_APP_ID = -14002

# ---------------------------------------------------------------------------------------------
# Scripted outcomes


class Outcome:
    pass


class Ok(Outcome):
    """Answer success (the default)."""

    def __repr__(self):
        return "Ok()"


class Error(Outcome):
    """HTTP 200 with {"error": code, "message": ...}."""

    def __init__(self, code, message=None):
        self.code, self.message = code, message or ERRORS.get(code, "Error")

    def __repr__(self):
        return "Error(%d)" % self.code


class HttpStatus(Outcome):
    """A plain HTTP error (e.g. 502 from a proxy in front of Zalo)."""

    def __init__(self, status=503, body=b"<html>Service Unavailable</html>"):
        self.status, self.body = status, body

    def __repr__(self):
        return "HttpStatus(%d)" % self.status


class Timeout(Outcome):
    """Hold the connection `seconds` without answering, then close it. consume=True (token
    endpoint): rotate the tokens anyway -- the answer got lost, the refresh token is burnt."""

    def __init__(self, seconds=None, consume=False):
        self.seconds, self.consume = seconds, consume

    def __repr__(self):
        return "Timeout(%s)" % self.seconds


class Slow(Outcome):
    """Answer `then` (default success) after `seconds`."""

    def __init__(self, seconds, then=None):
        self.seconds, self.then = seconds, then or Ok()

    def __repr__(self):
        return "Slow(%s, %r)" % (self.seconds, self.then)


def as_outcome(x):
    """-230 -> Error(-230); 503 -> HttpStatus(503); "ok"/"timeout"/("slow", s) accepted too."""
    if isinstance(x, Outcome):
        return x
    if x is None or x == "ok" or x == 0:
        return Ok()
    if x == "timeout":
        return Timeout()
    if isinstance(x, tuple) and x and x[0] == "slow":
        return Slow(*x[1:])
    if isinstance(x, int) and x < 0:
        return Error(x)
    if isinstance(x, int) and 400 <= x <= 599:
        return HttpStatus(x)
    raise ValueError("not an outcome: %r" % (x,))

# ---------------------------------------------------------------------------------------------
# Webhook helpers


def sign_webhook(app_id, raw_body, timestamp, key):
    """X-ZEvent-Signature value: "mac=" + hex(sha256(app_id + raw_body + timestamp + key)).
    raw_body: the exact bytes posted (str is taken as UTF-8)."""
    if isinstance(raw_body, str):
        raw_body = raw_body.encode("utf-8")
    data = str(app_id).encode("utf-8") + raw_body + str(timestamp).encode("utf-8") \
        + str(key).encode("utf-8")
    return "mac=" + hashlib.sha256(data).hexdigest()


APP_ID = "2553928453557884079"
OA_ID = "3662729599332560487"


def new_msg_id():
    return secrets.token_hex(10)


def new_user_id():
    # 19 digits: larger than 2^53, as real ids are; must survive as a string
    return "61" + "".join(str(secrets.randbelow(10)) for _ in range(17))


def now_ms():
    return str(int(time.time() * 1000))


def _base(event_name, app_id, timestamp):
    return {"event_name": event_name, "app_id": app_id, "timestamp": timestamp or now_ms()}


def make_event(event_name, user_id, text=None, app_id=APP_ID, oa_id=OA_ID, msg_id=None,
               timestamp=None, attachments=None):
    """A webhook event as Zalo posts it. Every id and the timestamp are strings."""
    ev = _base(event_name, app_id, timestamp)
    if event_name in ("follow", "unfollow"):
        ev.update({"oa_id": oa_id, "follower": {"id": user_id}, "user_id_by_app": user_id[::-1],
                   "source": "oa_profile"})
        return ev
    ev.update({"sender": {"id": user_id}, "recipient": {"id": oa_id},
               "user_id_by_app": user_id[::-1]})
    msg = {"msg_id": msg_id or new_msg_id()}
    if text is not None:
        msg["text"] = text
    if attachments is not None:
        msg["attachments"] = attachments
    ev["message"] = msg
    return ev


def user_send_text(user_id, text, **kw):
    return make_event("user_send_text", user_id, text=text, **kw)


def follow(user_id, **kw):
    return make_event("follow", user_id, **kw)


def unfollow(user_id, **kw):
    return make_event("unfollow", user_id, **kw)


def user_send_image(user_id, url="https://photo-stal.zadn.vn/sample.jpg", text="", **kw):
    att = [{"type": "image", "payload": {"thumbnail": url, "url": url}}]
    return make_event("user_send_image", user_id, text=text, attachments=att, **kw)


def user_send_sticker(user_id, sticker_id="bfe458bf64fa8da4d4eb",
                      url="https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=12345", **kw):
    att = [{"type": "sticker", "payload": {"id": sticker_id, "url": url}}]
    return make_event("user_send_sticker", user_id, attachments=att, **kw)


def encode_event(event):
    """The raw body: compact UTF-8 JSON (sign exactly these bytes)."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def post_event(url, event, key, app_id=None, signature=None, timeout=5):
    """POST an event to our webhook, signed as Zalo signs it (or with `signature` as given).
    Returns util.http's (status, headers, body)."""
    raw = event if isinstance(event, bytes) else encode_event(event)
    parsed = json.loads(raw.decode("utf-8"))
    if signature is None:
        signature = sign_webhook(app_id or parsed.get("app_id", ""), raw,
                                 parsed.get("timestamp", ""), key)
    return util.http("POST", url, raw, {"Content-Type": "application/json",
                                        "X-ZEvent-Signature": signature}, timeout=timeout)

# ---------------------------------------------------------------------------------------------
# The stand-in server


class Recorded:
    """One request: method, path, headers (lower-case names), body bytes, json, form, t."""

    def __init__(self, method, path, headers, body):
        self.method, self.path = method, path
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body
        self.t = time.monotonic()
        self.json = None
        self.form = {}
        ctype = self.headers.get("content-type", "")
        try:
            if "json" in ctype or body[:1] in (b"{", b"["):
                self.json = json.loads(body.decode("utf-8"))
            elif body:
                self.form = dict(urllib.parse.parse_qsl(body.decode("utf-8"),
                                                        keep_blank_values=True))
        except (ValueError, UnicodeDecodeError):
            pass

    def __repr__(self):
        return "<%s %s %r>" % (self.method, self.path, self.body[:80])


class ZaloStandin:
    """See the module notes. Thread-safe; all state is on the instance."""

    def __init__(self, app_id=APP_ID, secret_key="zalo-app-secret", oa_id=OA_ID,
                 expires_in="90000", timeout_hold=15.0, revoke_old_access_token=True, port=0):
        self.app_id, self.secret_key, self.oa_id = app_id, secret_key, oa_id
        self.expires_in = expires_in
        self.timeout_hold = timeout_hold    # how long Timeout() holds a connection by default
        self.revoke_old_access_token = revoke_old_access_token
        self.oauth_invalid_refresh_token = OAUTH_INVALID_REFRESH_TOKEN
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self.access_token = self._new_token("at")
        self.refresh_token = self._new_token("rt")
        self.access_tokens_issued = [self.access_token]
        self.refresh_tokens_issued = [self.refresh_token]
        self.expired_tokens = set()
        self.requests = []
        self.deliveries = Counter()         # (user_id, text) -> successful sends
        self.sent = []                      # (user_id, text, message_id) in order
        self.templates = []                 # successful ZNS sends (phone, template_id, data)
        self.refreshes = 0                  # successful token refreshes
        self._script_global = []
        self._script_user = {}
        self._script_refresh = []
        self._script_template = []
        self._user_errors = {}
        self._msg_seq = 0
        self._httpd = util.QuietHTTPServer(("127.0.0.1", port), self._handler_class())
        self._httpd.block_on_close = False
        self.port = self._httpd.server_address[1]
        self._thread = None

    # -- control interface for tests
    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def send_url(self):
        return self.base_url + "/v3.0/oa/message/cs"

    @property
    def token_url(self):
        return self.base_url + "/v4/oa/access_token"

    @property
    def template_url(self):
        return self.base_url + "/message/template"

    def start(self):
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        util.on_exit(self.stop)
        return self

    def stop(self):
        if self._thread:
            self._stopping.set()            # cut held connections short
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def script(self, outcomes, user_id=None):
        """Queue outcomes for the next sends (to user_id, or to anyone). User scripts are used
        before the global one. A scripted outcome replaces the normal checks (token, user
        errors); Slow(s) keeps them. Outcomes: see as_outcome()."""
        with self._lock:
            q = self._script_user.setdefault(user_id, []) if user_id else self._script_global
            q.extend(as_outcome(o) for o in outcomes)

    def script_refresh(self, outcomes):
        """Queue outcomes for the next token refreshes (Error, HttpStatus, Timeout, Slow)."""
        with self._lock:
            self._script_refresh.extend(as_outcome(o) for o in outcomes)

    def script_template(self, outcomes):
        with self._lock:
            self._script_template.extend(as_outcome(o) for o in outcomes)

    def fail_user(self, user_id, code):
        """Every send to user_id answers `code` until clear_user(user_id)."""
        with self._lock:
            self._user_errors[user_id] = code

    def clear_user(self, user_id):
        with self._lock:
            self._user_errors.pop(user_id, None)

    def expire_access_token(self):
        """The current access token now answers -220 (expired); a refresh is needed."""
        with self._lock:
            self.expired_tokens.add(self.access_token)

    def set_tokens(self, access_token, refresh_token):
        """Start from a known pair (what the gateway was configured with)."""
        with self._lock:
            self.access_token, self.refresh_token = access_token, refresh_token
            self.access_tokens_issued.append(access_token)
            self.refresh_tokens_issued.append(refresh_token)

    def pending_script(self):
        with self._lock:
            return len(self._script_global) + sum(len(q) for q in self._script_user.values())

    def requests_to(self, path):
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def delivered_to(self, user_id):
        with self._lock:
            return [t for (u, t, _) in self.sent if u == user_id]

    def wait_for_sends(self, count, user_id=None, timeout=10.0):
        """Wait until `count` successful sends (to user_id if given); returns their texts."""
        end = time.monotonic() + timeout
        with self._lock:
            while True:
                got = [t for (u, t, _) in self.sent if user_id is None or u == user_id]
                left = end - time.monotonic()
                if len(got) >= count or left <= 0:
                    return got
                self._lock.wait(left)

    def wait_for_requests(self, count, path=None, timeout=10.0):
        end = time.monotonic() + timeout
        with self._lock:
            while True:
                got = [r for r in self.requests if path is None or r.path == path]
                left = end - time.monotonic()
                if len(got) >= count or left <= 0:
                    return got
                self._lock.wait(left)

    # -- decisions (called from handler threads)
    def _new_token(self, prefix):
        return "%s-%s" % (prefix, secrets.token_urlsafe(24))

    def _next_outcome(self, queue_key):
        with self._lock:
            if queue_key == "refresh":
                return self._script_refresh.pop(0) if self._script_refresh else Ok()
            if queue_key == "template":
                return self._script_template.pop(0) if self._script_template else Ok()
            q = self._script_user.get(queue_key)
            if q:
                return q.pop(0)
            return self._script_global.pop(0) if self._script_global else Ok()

    def _token_error(self, token):
        with self._lock:
            if token in self.expired_tokens:
                return -220
            if token == self.access_token:
                return 0
            if not self.revoke_old_access_token and token in self.access_tokens_issued:
                return 0
            return -216

    def _handle_send(self, req):
        body = req.json if isinstance(req.json, dict) else None
        user_id = ((body or {}).get("recipient") or {}).get("user_id")
        text = ((body or {}).get("message") or {}).get("text")
        outcome = self._next_outcome(user_id)
        if isinstance(outcome, Ok):
            code = self._token_error(req.headers.get("access_token", ""))
            if code:
                return Error(code), None
            if not isinstance(user_id, str) or not user_id or not isinstance(text, str) \
                    or not text or len(text) > 2000:
                return Error(-201), None
            with self._lock:
                ucode = self._user_errors.get(user_id)
            if ucode:
                return Error(ucode), None
        return outcome, (user_id, text)

    def _deliver(self, user_id, text):
        with self._lock:
            self._msg_seq += 1
            mid = "%s%08d" % (secrets.token_hex(6), self._msg_seq)
            self.deliveries[(user_id, text)] += 1
            self.sent.append((user_id, text, mid))
            self._lock.notify_all()
        return {"error": 0, "message": "Success", "data": {"message_id": mid, "user_id": user_id}}

    def _rotate(self):
        with self._lock:
            self.access_token = self._new_token("at")
            self.refresh_token = self._new_token("rt")
            self.access_tokens_issued.append(self.access_token)
            self.refresh_tokens_issued.append(self.refresh_token)
            self.refreshes += 1
            self._lock.notify_all()
            return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                    "expires_in": self.expires_in}

    def _handle_refresh(self, req):
        """-> (outcome, answer dict or None)"""
        outcome = self._next_outcome("refresh")
        form = req.form
        err = None
        if req.headers.get("secret_key") != self.secret_key:
            err = (OAUTH_INVALID_SECRET, "Invalid secret key")
        elif form.get("app_id") != self.app_id:
            err = (OAUTH_INVALID_APP_ID, "Invalid app id")
        elif form.get("grant_type") != "refresh_token":
            err = (self.oauth_invalid_refresh_token, "Invalid grant type")
        else:
            with self._lock:
                valid = form.get("refresh_token") == self.refresh_token
            if not valid:
                err = (self.oauth_invalid_refresh_token, "Invalid refresh token")
        if err:
            if isinstance(outcome, (Timeout, HttpStatus)):
                return outcome, None
            return Ok(), {"error": err[0], "error_name": err[1], "error_reason": err[1],
                          "error_description": err[1]}
        if isinstance(outcome, Timeout) and outcome.consume:
            self._rotate()
            return outcome, None
        if isinstance(outcome, (Error, HttpStatus, Timeout)):
            if isinstance(outcome, Error):
                return Ok(), {"error": outcome.code, "error_name": outcome.message,
                              "error_description": outcome.message}
            return outcome, None
        return outcome, "rotate"

    def _handle_template(self, req):
        body = req.json if isinstance(req.json, dict) else {}
        outcome = self._next_outcome("template")
        if isinstance(outcome, Ok):
            code = self._token_error(req.headers.get("access_token", ""))
            if code:
                return Error(code), None
            if not body.get("phone") or not body.get("template_id"):
                return Error(-201), None
        return outcome, body

    def _handler_class(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _reply(self, status, obj=None, raw=None):
                data = raw if raw is not None else json.dumps(obj, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8"
                                     if raw is None else "text/html")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except ConnectionError:
                    self.close_connection = True  # the client gave up waiting (slow answer)

            def _hold(self, seconds):
                owner._stopping.wait(owner.timeout_hold if seconds is None else seconds)
                self.close_connection = True

            def _play(self, outcome, success):
                """Answer per outcome; success() builds the success body when due."""
                if isinstance(outcome, Slow):
                    if owner._stopping.wait(outcome.seconds):
                        self.close_connection = True
                        return
                    outcome = outcome.then
                if isinstance(outcome, Timeout):
                    self._hold(outcome.seconds)
                elif isinstance(outcome, HttpStatus):
                    self._reply(outcome.status, raw=outcome.body)
                elif isinstance(outcome, Error):
                    self._reply(200, {"error": outcome.code, "message": outcome.message})
                else:
                    self._reply(200, success())

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                path = urllib.parse.urlsplit(self.path).path
                req = Recorded("POST", path, self.headers, body)
                with owner._lock:
                    owner.requests.append(req)
                    owner._lock.notify_all()
                if path == "/v3.0/oa/message/cs":
                    outcome, target = owner._handle_send(req)
                    self._play(outcome, lambda: owner._deliver(*target))
                elif path == "/v4/oa/access_token":
                    outcome, answer = owner._handle_refresh(req)
                    if answer == "rotate":
                        self._play(outcome, owner._rotate)
                    elif answer is not None:
                        self._reply(200, answer)
                    else:
                        self._play(outcome, lambda: {})
                elif path == "/message/template":
                    outcome, body_json = owner._handle_template(req)

                    def ok():
                        with owner._lock:
                            owner.templates.append((body_json.get("phone"),
                                                    body_json.get("template_id"),
                                                    body_json.get("template_data")))
                            owner._lock.notify_all()
                        return {"error": 0, "message": "Success",
                                "data": {"msg_id": secrets.token_hex(10),
                                         "sent_time": now_ms(),
                                         "quota": {"dailyQuota": "500",
                                                   "remainingQuota": "499"}}}
                    self._play(outcome, ok)
                else:
                    self._reply(404, {"error": -404, "message": "Not found"})

            def do_GET(self):
                path = urllib.parse.urlsplit(self.path).path
                with owner._lock:
                    owner.requests.append(Recorded("GET", path, self.headers, b""))
                    owner._lock.notify_all()
                self._reply(404, {"error": -404, "message": "Not found"})

            def log_message(self, *args):
                pass

        return Handler
