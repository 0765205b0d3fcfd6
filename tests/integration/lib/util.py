"""util.py -- small pieces every integration test needs (standard library only).

  free_port()                 a TCP port nobody listens on right now
  wait_port(port, timeout)    until something accepts on 127.0.0.1:port (TimeoutError otherwise)
  wait_until(pred, timeout)   poll pred() until it returns something truthy; returns it, or None
  http(method, url, ...)      -> (status, headers, body bytes); 4xx/5xx are answers, not exceptions
  tmp_root(), make_tmpdir()   every temporary file lives under $TEST_TMPDIR (set by tests/run.sh)
  Proc                        a child process with its output in a log file, stopped for sure at exit
  Server                      build/vneid-helpdesk serve, started with an env dict, ready on /healthz
  RecordingHTTPServer         a tiny threaded HTTP server recording every request (stand-in webhooks)
  Reporter                    prints "PASS name" / "FAIL name: reason" (the protocol tests/run.sh
                              counts), detail lines indented by 5 spaces, exit status 1 on any failure

Every child process is registered when started and killed at interpreter exit (atexit), also when
the test is ended by SIGTERM/SIGINT (tests/run.sh uses timeout(1), which sends SIGTERM): a failing
or hanging test never leaves a bearerbox or a server behind to disturb the next one.
"""

import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The key of every test server (production mode needs one). Public: test data only.
TEST_PII_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

# ---------------------------------------------------------------------------------------------
# Cleanup registry: processes and callbacks that must not outlive the test program.

_cleanup_lock = threading.Lock()
_live_procs = set()
_cleanups = []          # callables, run last-registered first


def on_exit(fn):
    """Run fn() at exit (also after SIGTERM/SIGINT). Returns fn, so it can be a decorator."""
    with _cleanup_lock:
        _cleanups.append(fn)
    return fn


def _run_cleanups():
    with _cleanup_lock:
        fns = list(reversed(_cleanups))
        _cleanups.clear()
        procs = list(_live_procs)
    for fn in fns:
        try:
            fn()
        except Exception:  # cleanup must go on whatever one step does
            traceback.print_exc()
    for p in procs:
        p.kill()


atexit.register(_run_cleanups)


def _on_signal(signum, _frame):
    # SystemExit unwinds with-blocks and then runs atexit: children get stopped.
    raise SystemExit(128 + signum)


for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    try:
        signal.signal(_sig, _on_signal)
    except (ValueError, OSError):  # not the main thread (imported late): atexit still works
        pass

# ---------------------------------------------------------------------------------------------
# Temporary files

_own_tmp = None


def tmp_root():
    """$TEST_TMPDIR when run by tests/run.sh, else one private directory for this program."""
    global _own_tmp
    root = os.environ.get("TEST_TMPDIR")
    if root:
        os.makedirs(root, exist_ok=True)
        return root
    if _own_tmp is None:
        _own_tmp = tempfile.mkdtemp(prefix="helpdesk-it.")
    return _own_tmp


def make_tmpdir(prefix="t"):
    """A fresh directory under tmp_root(). Without $TEST_TMPDIR the private root is removed when
    Reporter.finish() sees no failure (kept on failure, or with TEST_KEEP_TMP=1)."""
    return tempfile.mkdtemp(prefix=prefix + ".", dir=tmp_root())

# ---------------------------------------------------------------------------------------------
# Ports and waiting


def free_port():
    """A port free at the time of the call (the kernel's choice, so parallel runs do not collide)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_port(port, timeout=10.0, host="127.0.0.1", proc=None):
    """Wait until host:port accepts connections. Raises TimeoutError, or RuntimeError early if
    `proc` (a Proc) has exited meanwhile -- no point waiting for a dead program."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if port_open(port, host):
            return True
        if proc is not None and not proc.alive():
            raise RuntimeError("%s exited (status %s) before listening on %d; log %s:\n%s"
                               % (proc.name, proc.returncode(), port, proc.log_path, proc.log_tail()))
        time.sleep(0.05)
    raise TimeoutError("nothing listening on %s:%d after %.1fs" % (host, port, timeout))


def wait_until(pred, timeout=10.0, interval=0.05):
    """Call pred() until it returns something truthy; return that value, or None on timeout."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= end:
            return None
        time.sleep(interval)

# ---------------------------------------------------------------------------------------------
# HTTP client


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to check, not to follow


# No proxy: a stray http_proxy in the environment must not reroute calls to 127.0.0.1.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def http(method, url, body=None, headers=None, timeout=5):
    """One HTTP request. Returns (status, headers, body bytes); headers is an
    http.client.HTTPMessage (case-insensitive .get()). HTTP errors (4xx/5xx, redirects) are
    returned, not raised; connection failures and timeouts raise OSError (URLError, timeout).
    body: bytes, str (UTF-8), or dict/list (sent as JSON unless a Content-Type is given)."""
    headers = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
    elif isinstance(body, str):
        body = body.encode("utf-8")
    req = urllib.request.Request(url, data=body, headers=headers, method=method.upper())
    try:
        with _opener.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        try:
            data = e.read()
        finally:
            e.close()
        return e.code, e.headers, data


def http_json(method, url, body=None, headers=None, timeout=5):
    """http() and the body parsed as JSON (None when it is not JSON)."""
    status, hdrs, data = http(method, url, body, headers, timeout)
    try:
        parsed = json.loads(data.decode("utf-8")) if data else None
    except (ValueError, UnicodeDecodeError):
        parsed = None
    return status, hdrs, parsed

# ---------------------------------------------------------------------------------------------
# Child processes


class Proc:
    """A child process whose stdout+stderr go to log_path (or to a pipe when pipe_stdout=True,
    for programs whose output the test reads). Registered for killing at exit. Started in its
    own process group, so stopping it also stops whatever it forked."""

    def __init__(self, argv, name=None, log_path=None, env=None, cwd=None, stdin=None,
                 pipe_stdout=False):
        self.argv = [str(a) for a in argv]
        self.name = name or os.path.basename(self.argv[0])
        self.log_path = log_path or os.path.join(make_tmpdir(self.name), self.name + ".log")
        self.env, self.cwd, self.stdin, self.pipe_stdout = env, cwd, stdin, pipe_stdout
        self.popen = None
        self._log = None

    def start(self):
        if self.alive():
            raise RuntimeError("%s already running" % self.name)
        self._log = open(self.log_path, "ab")
        self.popen = subprocess.Popen(
            self.argv, env=self.env, cwd=self.cwd,
            stdin=self.stdin if self.stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE if self.pipe_stdout else self._log,
            stderr=subprocess.STDOUT if self.pipe_stdout else self._log,
            start_new_session=True)
        with _cleanup_lock:
            _live_procs.add(self)
        return self

    @property
    def pid(self):
        return self.popen.pid if self.popen else None

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def returncode(self):
        return self.popen.poll() if self.popen else None

    def _signal_group(self, sig):
        try:
            os.killpg(self.popen.pid, sig)  # the group this object created, nothing wider
        except (ProcessLookupError, PermissionError):
            pass

    def send_signal(self, sig):
        if self.alive():
            self._signal_group(sig)

    def stop(self, timeout=10.0, sig=signal.SIGTERM):
        """Ask politely (sig), wait, then SIGKILL. Returns the exit status."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            self._signal_group(sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.popen.wait(5)
        return self._reap()

    def kill(self):
        """SIGKILL at once (crash tests). Returns the exit status."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            self._signal_group(signal.SIGKILL)
            try:
                self.popen.wait(5)
            except subprocess.TimeoutExpired:
                pass
        return self._reap()

    def _reap(self):
        with _cleanup_lock:
            _live_procs.discard(self)
        if self.popen.stdout and self.pipe_stdout:
            pass  # the reader owns the pipe; it sees EOF now
        if self._log:
            self._log.close()
            self._log = None
        return self.popen.poll()

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, lines=20):
        return "\n".join(self.log_text().splitlines()[-lines:])

# ---------------------------------------------------------------------------------------------
# Our server


def binary_path():
    build = os.environ.get("BUILD", "build")
    if not os.path.isabs(build):
        build = os.path.join(REPO_ROOT, build)
    return os.path.join(build, "vneid-helpdesk")


class Server:
    """build/vneid-helpdesk serve, on a free port with its database in a temp dir.

        with Server({"HELPDESK_KANNEL_SENDSMS_URL": k.sendsms_url}) as srv:
            status, _, body = http("GET", srv.url("/healthz"))

    env: extra variables, applied over the defaults (HELPDESK_HTTP_PORT, HELPDESK_DB,
    HELPDESK_MESSAGES); a value of None removes a variable. stderr (the server's log) goes to
    self.log_path. restart() keeps port, env and database: for "nothing lost across a crash".
    """

    def __init__(self, env=None, args=("serve",), binary=None, tmpdir=None, port=None,
                 ready_path="/healthz", ready_timeout=15.0):
        self.tmpdir = tmpdir or make_tmpdir("server")
        self.port = port or free_port()
        self.binary = binary or binary_path()
        self.args = list(args)
        self.ready_path, self.ready_timeout = ready_path, ready_timeout
        self.env = dict(os.environ)
        self.env.update({
            "HELPDESK_PII_KEY": TEST_PII_KEY,
            "HELPDESK_HTTP_PORT": str(self.port),
            "HELPDESK_DB": os.path.join(self.tmpdir, "helpdesk.db"),
            "HELPDESK_MESSAGES": os.environ.get("HELPDESK_MESSAGES",
                                                os.path.join(REPO_ROOT, "messages")),
        })
        for k, v in (env or {}).items():
            if v is None:
                self.env.pop(k, None)
            else:
                self.env[k] = str(v)
        self.log_path = os.path.join(self.tmpdir, "server.log")
        self.proc = None
        self.starts = 0

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    def url(self, path="/"):
        return self.base_url + path

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise FileNotFoundError("server binary %s missing: run make first" % self.binary)
        self.starts += 1
        self.proc = Proc([self.binary] + self.args, name="vneid-helpdesk",
                         log_path=self.log_path, env=self.env, cwd=REPO_ROOT).start()
        self.wait_ready()
        return self

    def wait_ready(self):
        end = time.monotonic() + self.ready_timeout
        last = "no answer"
        while time.monotonic() < end:
            if not self.proc.alive():
                raise RuntimeError("server exited with status %s before it was ready:\n%s"
                                   % (self.proc.returncode(), self.proc.log_tail()))
            try:
                status, _, _ = http("GET", self.url(self.ready_path), timeout=1)
                if status == 200:
                    return
                last = "status %d" % status
            except OSError as e:
                last = str(e)
            time.sleep(0.05)
        raise TimeoutError("server not ready after %.0fs (%s):\n%s"
                           % (self.ready_timeout, last, self.proc.log_tail()))

    def alive(self):
        return self.proc is not None and self.proc.alive()

    def stop(self, timeout=10.0):
        """SIGTERM and wait (SIGKILL after timeout). Returns the exit status."""
        return self.proc.stop(timeout) if self.proc else None

    def kill(self):
        """SIGKILL: a crash, no chance to finish anything."""
        return self.proc.kill() if self.proc else None

    def restart(self, crash=False):
        self.kill() if crash else self.stop()
        return self.start()

    def log_text(self):
        return self.proc.log_text() if self.proc else ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

# ---------------------------------------------------------------------------------------------
# A recording HTTP server (stand-in webhooks for the harness self-check, DLR receivers, ...)


class Request:
    """One request as received: method, path (without query), query (raw string), args (dict of
    lists, values decoded as Latin-1 so that the original bytes are arg.encode('latin-1')),
    headers (dict, lower-case names), body bytes, t (time.monotonic())."""

    def __init__(self, method, target, headers, body):
        self.method = method
        split = urllib.parse.urlsplit(target)
        self.path, self.query = split.path, split.query
        self.args = urllib.parse.parse_qs(self.query, keep_blank_values=True, encoding="latin-1")
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body
        self.t = time.monotonic()

    def arg(self, name, default=None):
        v = self.args.get(name)
        return v[0] if v else default

    def __repr__(self):
        return "<%s %s?%s>" % (self.method, self.path, self.query)


class QuietHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that does not print a traceback when a client hangs up (Kannel
    stopped mid-request, a client timing out): that is what these tests provoke."""
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class RecordingHTTPServer:
    """Records every request; answers with responder(req) -> (status, body bytes) or 200 "ok".
    Thread-safe; wait_for(pred, timeout) waits for a matching request."""

    def __init__(self, responder=None, port=0):
        self.responder = responder
        self.requests = []
        self._cond = threading.Condition()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                req = Request(self.command, self.path, self.headers, body)
                with owner._cond:
                    owner.requests.append(req)
                    owner._cond.notify_all()
                status, data = 200, b"ok"
                if owner.responder:
                    status, data = owner.responder(req)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except ConnectionError:
                    pass  # the client gave up (a timeout being tested): nothing to answer

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args):
                pass

        self.httpd = QuietHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self._thread = None

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        on_exit(self.stop)
        return self

    def stop(self):
        if self._thread:
            self.httpd.shutdown()
            self.httpd.server_close()
            self._thread = None

    def matching(self, pred=None):
        with self._cond:
            return [r for r in self.requests if pred is None or pred(r)]

    def wait_for(self, pred=None, count=1, timeout=10.0):
        """Wait until `count` requests satisfy pred; returns them (possibly fewer on timeout)."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [r for r in self.requests if pred is None or pred(r)]
                left = end - time.monotonic()
                if len(got) >= count or left <= 0:
                    return got
                self._cond.wait(left)

    def clear(self):
        with self._cond:
            self.requests.clear()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

# ---------------------------------------------------------------------------------------------
# Reporting


class Reporter:
    """PASS/FAIL lines for tests/run.sh.

        r = Reporter("kannel_inbound", deadline=120)
        r.check("inbound arrives", got == want, "got %r" % got)
        with r.case("sendsms 403 on bad password"):   # exception or assert = FAIL
            assert status == 403, status
        r.finish()                                    # exits 1 if anything failed

    deadline: seconds after which the whole program reports FAIL and exits (children are
    stopped by the exit handlers), so a hang becomes a readable failure, not a silent timeout.
    """

    def __init__(self, name=None, deadline=None, out=None):
        self.name = name or os.path.splitext(os.path.basename(sys.argv[0]))[0]
        self.out = out or sys.stdout
        self.passed = 0
        self.failed = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        if deadline:
            t = threading.Timer(deadline, self._deadline_hit, args=(deadline,))
            t.daemon = True
            t.start()

    def _emit(self, line):
        with self._lock:
            self.out.write(line + "\n")
            self.out.flush()

    def ok(self, name):
        self.passed += 1
        self._emit("PASS %s" % name)
        return True

    def fail(self, name, reason="", details=None):
        self.failed += 1
        reason = " ".join(str(reason).splitlines()) or "failed"  # one line, spaces kept
        self._emit("FAIL %s: %s" % (name, reason[:400]))
        if details:
            for line in str(details).rstrip().splitlines()[:40]:
                self._emit("     " + line)
        return False

    def check(self, name, cond, reason="", details=None):
        """PASS if cond is truthy, else FAIL with reason. Returns bool(cond)."""
        return self.ok(name) if cond else self.fail(name, reason, details)

    def equal(self, name, got, want, details=None):
        return self.check(name, got == want, "got %r, want %r" % (got, want), details)

    @contextlib.contextmanager
    def case(self, name):
        """PASS when the block finishes; FAIL with the assertion message or the traceback."""
        try:
            yield
        except AssertionError as e:
            self.fail(name, str(e) or "assertion failed", traceback.format_exc(limit=3))
        except Exception as e:  # any error inside a case is that case's failure
            self.fail(name, "%s: %s" % (type(e).__name__, e), traceback.format_exc(limit=6))
        else:
            self.ok(name)

    def note(self, text):
        """A line run.sh ignores (goes to the log)."""
        self._emit("# " + text)

    def _deadline_hit(self, secs):
        self.fail(self.name + " deadline", "still running after %ds" % secs)
        self.out.flush()
        # os._exit skips atexit: run the cleanups ourselves first.
        _run_cleanups()
        os._exit(1)

    def finish(self):
        self.note("%s: %d passed, %d failed in %.1fs"
                  % (self.name, self.passed, self.failed, time.monotonic() - self.started))
        if not self.failed and _own_tmp and not os.environ.get("TEST_KEEP_TMP"):
            _run_cleanups()                 # stop children before their logs go
            shutil.rmtree(_own_tmp, ignore_errors=True)
        sys.exit(1 if self.failed else 0)
