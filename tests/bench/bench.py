#!/usr/bin/env python3
"""bench.py -- `make bench`: the figures of issue 6, measured the same way every time.

  (a), (b) and the latency of (a) three times each, and the median of each (BENCH_RUNS)
  (a) inbound SMS webhooks, durable (answered once the log is synced, see include/ingest/batch.h):
      wrk, 512 connections (smsbox's default max-pending-requests), 10 s, 10,000 senders
  (b) the machine's ceiling: the same libmicrohttpd set-up answering 200 (tests/bench/ceiling.c),
      driven the same way
  (a) at a fixed offered load of 5,000 messages/s: p50 / p99 (tests/bench/loadgen.c, open loop)
  (c) classification alone, one core (tests/bench/classify_bench.c)
  (d) queueing a broadcast to 1,000,000 citizens: from the POST until all of them are on the
      broadcast's list (its audience fixed and counted; the planner then feeds the outbox from
      the list at the channels' pace, see include/store/broadcasts.h)
  (e) peak resident memory of the server, with 1,000,000 contacts stored

Prints one table, then as its last line `BENCH {json}`."""
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from lib.util import REPO_ROOT, Proc, Server, free_port, http_json, make_tmpdir, wait_port  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
TOOLS = os.path.join(REPO_ROOT, BUILD, "bench")
THREADS = int(os.environ.get("BENCH_THREADS", str(os.cpu_count() or 2)))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))


CONNS = int(os.environ.get("BENCH_CONNECTIONS", "512"))


def cpu_times():
    """The machine's CPU time so far, from /proc/stat: (total, steal) in ticks."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v[:8]), v[7] if len(v) > 7 else 0


NOTES = []   # what the machine did during each run, printed under the table


def wrk(url, script=None, seconds=SECONDS, conns=CONNS, what="run"):
    args = ["wrk", "-t1", "-c%d" % conns, "-d%ds" % int(seconds), "--latency"]
    if script:
        args += ["-s", script]
    t0, s0 = cpu_times()
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    t1, s1 = cpu_times()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    # A run far off the others is usually this shared machine pausing (steal), not the code:
    # say which, next to the figures.
    errs = re.search(r"Socket errors: (.*)", out)
    NOTES.append("%s %.0f/s: steal %.1f%%%s" % (what, rps, 100.0 * (s1 - s0) / max(t1 - t0, 1),
                                                 ", wrk socket errors: " + errs.group(1) if errs else ""))
    return rps, total, int(m.group(1)) if m else 0


def server_env(extra=None):
    env = {"HELPDESK_HTTP_THREADS": THREADS, "HELPDESK_SENDER_RATE_PER_MIN": 0,
           "HELPDESK_LOG_LEVEL": "warn",
           "KANNEL_SENDSMS_URL": None}
    env.update(extra or {})
    return env


def ceiling():
    port = free_port()
    p = Proc([os.path.join(TOOLS, "ceiling"), str(port), str(THREADS)], name="ceiling",
             log_path=os.path.join(make_tmpdir("bench"), "ceiling.log")).start()
    wait_port(port, 10, proc=p)
    try:
        rps, _, _ = wrk("http://127.0.0.1:%d/x" % port, what="ceiling")
    finally:
        p.stop()
    return rps


def inbound():
    srv = Server(env=server_env()).start()
    try:
        rps, total, bad = wrk(srv.url("/"), os.path.join(REPO_ROOT, "tests", "bench", "kannel_inbound.lua"),
                              what="inbound")
        con = sqlite3.connect(srv.env["HELPDESK_DB"])
        stored = con.execute("SELECT count(*) FROM messages WHERE dir = 'in'").fetchone()[0]
        con.close()
    finally:
        srv.stop()
        shutil.rmtree(srv.tmpdir, ignore_errors=True)
    return rps, total - bad, stored


def latency_at(rate=5000):
    srv = Server(env=server_env()).start()
    tmp = make_tmpdir("bench")
    urls = os.path.join(tmp, "urls.txt")
    with open(urls, "w") as f:
        for i in range(50000):
            f.write("POST %s from=849%08d&to=8088&text=kich+hoat+vneid&coding=0&charset=UTF-8&id=lat-%d\n"
                    % (srv.url("/webhooks/kannel"), i % 10000, i))
    try:
        out = subprocess.run([os.path.join(TOOLS, "loadgen"), urls, "256", str(int(SECONDS)), str(rate)],
                             capture_output=True, text=True, timeout=SECONDS + 60).stdout
    finally:
        srv.stop()
    return json.loads(out)


def classify():
    out = subprocess.run([os.path.join(TOOLS, "classify_bench"), os.path.join(REPO_ROOT, "messages"), "3"],
                         capture_output=True, text=True, timeout=60).stdout
    return json.loads(out)["classify_per_s"]


def seed_contacts(db, n):
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=OFF")
    now = int(time.time() * 1000) - 86400000   # known since yesterday: in today's audiences
    con.executemany("INSERT INTO contacts (channel, address, state, opted_out, created_at, commune_code)"
                    " VALUES ('sms', ?, '', 0, ?, '00004')",
                    (("849%08d" % (50000000 + i), now) for i in range(n)))
    con.commit()
    con.close()


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return None


def broadcast_and_rss():
    """1,000,000 contacts stored; a broadcast to all of them; the server's peak memory."""
    srv = Server(env=server_env({"HELPDESK_FAKE_NOW": int(time.time() * 1000)}))
    srv.start()
    srv.stop()                                   # schema created
    seed_contacts(srv.env["HELPDESK_DB"], 1000000)
    srv.start()
    secs = None
    try:
        p = subprocess.run([srv.binary, "user", "add", "--name", "bench", "--role", "admin"],
                           capture_output=True, text=True, env=srv.env, cwd=REPO_ROOT, timeout=60)
        auth = {"Authorization": "Bearer " + p.stdout.strip()}
        t0 = time.monotonic()
        st, _, body = http_json("POST", srv.url("/api/v1/broadcasts"),
                                {"name": "bench", "text": "Nhac nho kich hoat VNeID",
                                 "audience": {"segment": "all"}, "send_at": "now"}, auth, timeout=30)
        if st in (200, 201):
            bid = body["id"]
            while time.monotonic() - t0 < 120:
                st, _, b = http_json("GET", srv.url("/api/v1/broadcasts/%d" % bid), headers=auth, timeout=30)
                if (b.get("counts") or {}).get("listed") == 1000000:
                    secs = time.monotonic() - t0
                    break
                time.sleep(0.05)
        peak = rss_mb(srv.proc.pid)
    finally:
        srv.stop()
    return secs, peak


def settle():
    """Each figure on a quiet machine: the previous one's writes reach the disk first (the
    kernel writing back gigabytes of the inbound run would otherwise stall this run's syncs)."""
    os.sync()
    time.sleep(2)


RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def main():
    results = {}
    # (a) and (b) RUNS times, one after the other, and the median of each: a shared machine's
    # speed drifts by a fifth from one minute to the next, and one run of each would measure
    # the drift as much as the server.
    ceilings, runs = [], []
    for _ in range(RUNS):
        ceilings.append(ceiling())
        runs.append(inbound())
        settle()
    t_ceiling = statistics.median(ceilings)
    rps = statistics.median(r[0] for r in runs)
    accepted = sum(r[1] for r in runs)
    stored = sum(r[2] for r in runs)
    durable = all(r[2] >= r[1] for r in runs)
    # The same for the latency: a single disk hiccup in a 10 s run is the p99 of that run.
    lats = []
    for _ in range(RUNS):
        lats.append(latency_at())
        settle()
    lat = sorted(lats, key=lambda x: x["p99_ms"])[len(lats) // 2]
    cls = classify()
    b1m, peak = broadcast_and_rss()
    results = {
        "inbound_per_s": round(rps, 1),
        "ceiling_per_s": round(t_ceiling, 1),
        "ratio": round(rps / t_ceiling, 3) if t_ceiling else None,
        "p50_ms": lat["p50_ms"], "p99_ms": lat["p99_ms"],
        "classify_per_s_per_core": round(cls),
        "broadcast_1m_s": round(b1m, 2) if b1m else None,
        "peak_rss_mb": round(peak, 1) if peak else None,
    }
    targets = [("inbound_per_s", ">=", 20000), ("ratio", ">=", 0.10), ("p99_ms", "<=", 10),
               ("classify_per_s_per_core", ">=", 200000), ("broadcast_1m_s", "<=", 5),
               ("peak_rss_mb", "<=", 64)]
    print("%-26s %14s %10s %6s" % ("figure", "measured", "target", "met"))
    for k, op, t in targets:
        v = results[k]
        met = v is not None and (v >= t if op == ">=" else v <= t)
        print("%-26s %14s %10s %6s" % (k, v, op + " " + str(t), "yes" if met else "NO"))
    print("%-26s %14s" % ("p50_ms", results["p50_ms"]))
    print("inbound: median of %d runs %s; ceiling: %s; p99 at 5,000/s: %s" % (
        RUNS, ", ".join("%.0f" % r[0] for r in runs), ", ".join("%.0f" % c for c in ceilings),
        ", ".join("%.2f" % x["p99_ms"] for x in lats)))
    print("inbound: %d answered 2xx, %d stored (durable: every 2xx is on disk: %s)"
          % (accepted, stored, "yes" if durable else "NO"))
    print("runs: " + "; ".join(NOTES))
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                  if line.startswith("model name")), "unknown CPU")
    print("machine: %d cores, %s, %d MiB" % (os.cpu_count(), model,
                                            os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20))
    print("BENCH " + json.dumps(results))


if __name__ == "__main__":
    main()
