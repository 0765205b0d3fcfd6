/* harness.js -- what a browser test of the dashboard needs besides its
 * steps: the PASS/FAIL protocol of tests/run.sh, a browser (Debian's
 * Chromium through playwright-core, headless, in a throwaway profile), the
 * API called directly to check what the page says, screenshots, and a watch
 * on everything the pages load and complain about. Used by dashboard.test.js
 * and staff.test.js. */
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const env = (k, d) => (process.env[k] !== undefined && process.env[k] !== "" ? process.env[k] : d);

/* PASS/FAIL lines. A step that needs an earlier one to have worked says so
 * with `needs`: it is then a FAIL too ("skipped: ..."), not a confusing
 * second error. */
function reporter() {
  const done = new Set();
  const r = { passed: 0, failed: 0 };
  r.pass = (name) => { r.passed++; console.log("PASS " + name); };
  r.fail = (name, why) => {
    r.failed++;
    console.log("FAIL " + name + ": " + String((why && why.message) || why).split("\n").join(" ").slice(0, 400));
    if (why && why.stack) for (const l of why.stack.split("\n").slice(1, 6)) console.log("     " + l.trim());
  };
  r.step = async (name, fn, needs) => {
    for (const n of needs || []) if (!done.has(n)) return r.fail(name, "skipped: needs '" + n + "'");
    try {
      await fn();
      done.add(name);
      r.pass(name);
    } catch (e) {
      r.fail(name, e);
    }
  };
  r.ok = (name) => done.has(name);
  return r;
}

function assert(cond, why) { if (!cond) throw new Error(why); }

/* Vietnamese compared without its marks: an SMS text is sent unaccented. */
function plain(s) {
  return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
}

/* api(method, path, token, body) -> {status, headers, data}: the server as
 * the page sees it, without the page. */
function apiClient(base) {
  return async function api(method, p, token, body) {
    const r = await fetch(base + "/api/v1/" + p, {
      method,
      headers: Object.assign({ Authorization: "Bearer " + token }, body ? { "Content-Type": "application/json" } : {}),
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let data = null;
    try { data = JSON.parse(text); } catch (e) { data = text; }
    return { status: r.status, headers: r.headers, data };
  };
}

async function shot(page, dir, name, full) {
  const file = path.join(dir, name + ".png");
  await page.screenshot({ path: file, fullPage: !!full });
  return file;
}

/* Everything the pages asked for and complained about (a CSP violation is
 * a console error too). */
function watch(page, log) {
  page.on("request", (q) => log.requests.push(q.url()));
  page.on("pageerror", (e) => log.errors.push("pageerror: " + e.message));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    /* Answers the test provokes are logged by Chromium as failed resources. */
    if (/Failed to load resource: the server responded with a status of (401|403|404|409)/.test(m.text())) return;
    log.errors.push("console: " + m.text());
  });
}

async function launch(executablePath) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "hd-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 860 },
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    acceptDownloads: true,
  });
  ctx.__profile = profile;
  return ctx;
}

async function close(ctx) {
  await ctx.close().catch(() => {});
  fs.rmSync(ctx.__profile, { recursive: true, force: true });
}

module.exports = { env, reporter, assert, plain, apiClient, shot, watch, launch, close };
