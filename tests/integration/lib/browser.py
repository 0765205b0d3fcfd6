"""browser.py -- what the dashboard's browser tests share (test_browser.py, test_browser_staff.py).

  tools_missing()                 node, npm and Debian's Chromium, or what is missing of them
  npm_ci()                        playwright-core into tests/browser/node_modules, from the lock file
  user_add(srv, name, role, ...)  `vneid-helpdesk user add` against srv's database -> the token
  run_node(r, script, env)        a tests/browser/*.test.js program; its PASS/FAIL lines become r's
  keep_screenshots(r, screens)    copies $TEST_TMPDIR/screens/*.png to tests/browser/screenshots/
"""

import glob
import os
import shutil
import subprocess

from .util import REPO_ROOT, binary_path

BROWSER_DIR = os.path.join(REPO_ROOT, "tests", "browser")
CHROMIUM = os.environ.get("HD_CHROMIUM", "/usr/bin/chromium")


def tools_missing():
    missing = [t for t in ("node", "npm") if not shutil.which(t)]
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(CHROMIUM + " (Debian package chromium)")
    return missing


def npm_ci():
    if os.path.exists(os.path.join(BROWSER_DIR, "node_modules", "playwright-core", "package.json")):
        return
    p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=BROWSER_DIR,
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("npm ci failed (%d): %s" % (p.returncode, (p.stderr or p.stdout)[-800:]))


def user_add(srv, name, role, *extra):
    p = subprocess.run([binary_path(), "user", "add", "--name", name, "--role", role] + list(extra),
                       cwd=REPO_ROOT, env=srv.env, capture_output=True, text=True, timeout=30)
    token = p.stdout.strip()
    assert p.returncode == 0 and len(token) >= 40, \
        "user add %s: status %d, stdout %r, stderr %r" % (role, p.returncode, p.stdout, p.stderr)
    return token


def run_node(r, script, env, timeout=420):
    """Runs tests/browser/<script>; its PASS/FAIL lines are passed on as r's own, indented
    detail lines as they are, anything else as notes. Returns the completed process."""
    p = subprocess.run(["node", script], cwd=BROWSER_DIR, env=env,
                       capture_output=True, text=True, timeout=timeout)
    for line in p.stdout.splitlines():
        if line.startswith("PASS "):
            r.ok(line[5:])
        elif line.startswith("FAIL "):
            name, _, why = line[5:].partition(": ")
            r.fail(name, why)
        elif line.startswith("     "):
            print(line)
        elif line.strip():
            r.note(line.lstrip("# "))
    if p.returncode != 0 and "FAIL " not in p.stdout:
        r.fail(script, "exited with status %d" % p.returncode, p.stderr[-2000:])
    return p


def keep_screenshots(r, screens):
    """The screenshots to look at after a run, kept out of git (.gitignore)."""
    keep = os.path.join(BROWSER_DIR, "screenshots")
    os.makedirs(keep, exist_ok=True)
    for f in sorted(glob.glob(os.path.join(screens, "*.png"))):
        shutil.copy(f, keep)
    r.note("screenshots: %s (copied to %s)" % (screens, keep))
