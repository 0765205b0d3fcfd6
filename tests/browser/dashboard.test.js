#!/usr/bin/env node
/* dashboard.test.js -- the officers' dashboard in a real browser (Debian's
 * Chromium, headless, driven by playwright-core): sign in -> the queue shows
 * the case -> open it (also on a 360 px phone screen) -> claim -> reply ->
 * resolve, each step checked on the page and again through the API; then a
 * refused token, sign-out, and an officer of another commune who must not
 * see the case.
 *
 * Started by tests/integration/test_browser.py, which runs the server and
 * makes the users and the case. Input (environment):
 *   HD_BASE_URL        the server, e.g. http://127.0.0.1:8123
 *   HD_TOKEN           the token of an officer of the case's commune
 *   HD_CASE_ID         the case to work on (open, unclaimed)
 *   HD_CASE_NAME       the citizen's full name as typed in the intake
 *   HD_CASE_IDNUM      the 12-digit ID number typed in the intake
 *   HD_CASE_COMMUNE    the commune's name as the API gives it
 *   HD_CASE_TEXT       a text the citizen sent (must show in the conversation)
 *   HD_UNTRUSTED       optional: markup the citizen sent, which must show as text
 *   HD_OTHER_TOKEN     optional: an officer of another commune
 *   HD_REPLY, HD_NOTE  optional: the officer's reply and resolution note
 *   HD_SCREEN_DIR      where the screenshots go
 *   HD_CHROMIUM        the browser (default /usr/bin/chromium)
 * Output: "PASS name" / "FAIL name: why" lines (tests/run.sh counts them);
 * exit status 1 when anything failed. */
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const h = require("./harness");
const { env, assert, plain } = h;
const BASE = env("HD_BASE_URL", "").replace(/\/+$/, "");
const TOKEN = env("HD_TOKEN", "");
const CASE_ID = env("HD_CASE_ID", "");
const NAME = env("HD_CASE_NAME", "");
const IDNUM = env("HD_CASE_IDNUM", "");
const COMMUNE = env("HD_CASE_COMMUNE", "");
const CITIZEN_TEXT = env("HD_CASE_TEXT", "");
const UNTRUSTED = env("HD_UNTRUSTED", "");
const OTHER_TOKEN = env("HD_OTHER_TOKEN", "");
const SHOTS = env("HD_SCREEN_DIR", path.join(os.tmpdir(), "hd-screens"));
const CHROMIUM = env("HD_CHROMIUM", "/usr/bin/chromium");
const T = 15000;                       /* one step's patience, in ms */

const REPLY = env("HD_REPLY", "Chào chị, công an phường đã nhận hồ sơ. Chị mang căn cước đến trụ sở sáng thứ Hai.");
const NOTE = env("HD_NOTE", "Đã hỗ trợ đổi thiết bị đăng nhập tại trụ sở.");

const rep = h.reporter();
const step = rep.step, fail = rep.fail;
const call = h.apiClient(BASE);
const api = (method, p, token, body) => call(method, p, token || TOKEN, body);
const shot = (page, name, full) => h.shot(page, SHOTS, name, full);
const watch = h.watch;

async function signIn(page, token) {
  await page.goto(BASE + "/", { waitUntil: "domcontentloaded" });
  await page.locator("#view-login").waitFor({ state: "visible", timeout: T });
  await page.getByLabel("Mã đăng nhập").fill(token);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.locator("#view-queue").waitFor({ state: "visible", timeout: T });
}

const row = (page) => page.locator('#queue-body tr[data-case-id="' + CASE_ID + '"]');

async function main() {
  for (const [k, v] of Object.entries({ HD_BASE_URL: BASE, HD_TOKEN: TOKEN, HD_CASE_ID: CASE_ID }))
    if (!v) { fail("setup", k + " is not set"); return; }
  fs.mkdirSync(SHOTS, { recursive: true });
  const ctx = await h.launch(CHROMIUM);
  const log = { requests: [], errors: [] };
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    watch(page, log);
    let me = null;

    await step("sign-in page first, nothing else shown", async () => {
      await page.goto(BASE + "/", { waitUntil: "domcontentloaded" });
      await page.locator("#view-login").waitFor({ state: "visible", timeout: T });
      assert(await page.locator("#view-queue").isHidden(), "the queue is visible before sign-in");
      assert(await page.getByLabel("Mã đăng nhập").getAttribute("type") === "password",
        "the token field is not a password field");
      await shot(page, "desktop-1-login");
    });

    await step("a wrong token is refused with a message", async () => {
      await page.getByLabel("Mã đăng nhập").fill("not-a-real-token-0000000000000000000000000");
      await page.getByRole("button", { name: "Đăng nhập" }).click();
      await page.locator("#login-error").waitFor({ state: "visible", timeout: T });
      const msg = await page.locator("#login-error").textContent();
      assert(/không đúng/.test(msg), "message: " + msg);
      assert(await page.locator("#view-queue").isHidden(), "queue shown for a wrong token");
      assert(await page.evaluate(() => sessionStorage.getItem("hd.token")) === null,
        "a refused token stays in sessionStorage");
    });

    await step("sign in: who is signed in, token kept out of the URL", async () => {
      await signIn(page, TOKEN);
      const r = await api("GET", "me");
      assert(r.status === 200, "GET /me: " + r.status);
      me = r.data;
      await page.locator("#who").waitFor({ state: "visible", timeout: T });
      const who = await page.locator("#who-name").textContent();
      assert(who === me.name, "header shows " + JSON.stringify(who) + ", /me says " + me.name);
      assert(!page.url().includes(TOKEN), "the token is in the URL");
      assert(await page.evaluate(() => sessionStorage.getItem("hd.token")) === TOKEN,
        "the token is not in sessionStorage");
      assert(await page.evaluate(() => localStorage.length) === 0, "something went to localStorage");
    });

    await step("the queue lists the case with kind, commune, name and masked ID", async () => {
      await row(page).waitFor({ state: "visible", timeout: T });
      const text = await row(page).innerText();
      assert(text.includes("#" + CASE_ID), "no case number in " + JSON.stringify(text));
      assert(text.includes("Đổi thiết bị"), "kind not in Vietnamese: " + JSON.stringify(text));
      if (NAME) assert(text.includes(NAME), "no name " + NAME + " in " + JSON.stringify(text));
      if (COMMUNE) assert(text.includes(COMMUNE), "no commune " + COMMUNE + " in " + JSON.stringify(text));
      if (IDNUM) {
        assert(text.includes("********" + IDNUM.slice(-4)), "no masked ID in " + JSON.stringify(text));
        assert(!text.includes(IDNUM), "the full ID number is in the queue");
      }
      assert(/Mới/.test(text), "status not shown as new: " + JSON.stringify(text));
      await shot(page, "desktop-2-queue");
    }, ["sign in: who is signed in, token kept out of the URL"]);

    await step("the status filter hides the open case from 'Đã giải quyết'", async () => {
      await page.getByLabel("Trạng thái").selectOption("resolved");
      await page.waitForFunction((id) =>
        !document.querySelector('#queue-body tr[data-case-id="' + id + '"]'), CASE_ID, { timeout: T });
      await page.getByLabel("Trạng thái").selectOption("active");
      await row(page).waitFor({ state: "visible", timeout: T });
    }, ["the queue lists the case with kind, commune, name and masked ID"]);

    await step("the case page: full ID, conversation, history", async () => {
      await row(page).locator("a.case-link").click();
      await page.waitForURL((u) => u.hash === "#/case/" + CASE_ID, { timeout: T });
      await page.locator("#case-body").waitFor({ state: "visible", timeout: T });
      assert((await page.locator("#case-title").textContent()).includes(CASE_ID), "title");
      const facts = await page.locator("#facts").innerText();
      if (IDNUM) assert(facts.includes(IDNUM), "the full ID number is not on its officer's case page");
      if (NAME) assert(facts.includes(NAME), "no name in the facts");
      const ins = page.locator('#conv li[data-dir="in"]');
      const outs = page.locator('#conv li[data-dir="out"]');
      assert(await ins.count() >= 1 && await outs.count() >= 1,
        "conversation: " + await ins.count() + " in, " + await outs.count() + " out");
      if (CITIZEN_TEXT) {
        const conv = await page.locator("#conv").innerText();
        assert(plain(conv).includes(plain(CITIZEN_TEXT)), "citizen's text not in the conversation");
      }
      /* Citizen's messages on the left, ours on the right. */
      const inBox = await ins.first().boundingBox(), outBox = await outs.first().boundingBox();
      assert(inBox.x < outBox.x, "in at x=" + inBox.x + ", out at x=" + outBox.x);
      assert(await page.locator("#history li").count() >= 1, "no history");
      assert(await page.locator("#act-claim").isVisible(), "no claim button on an open case");
    }, ["the queue lists the case with kind, commune, name and masked ID"]);

    await step("untrusted text from the citizen is shown as text, not markup", async () => {
      if (!UNTRUSTED) return;
      const shown = await page.locator("#case-body").innerText();
      assert(shown.includes(UNTRUSTED), "the markup is not shown literally");
      const injected = await page.evaluate(() =>
        document.querySelectorAll("#case-body img, #case-body script, #case-body b").length);
      assert(injected === 0, injected + " elements came from the citizen's text");
      assert(await page.evaluate(() => window.__hd_xss === undefined), "the citizen's script ran");
    }, ["the case page: full ID, conversation, history"]);

    /* A phone: 360 px wide, touch, its own tab (sessionStorage is per tab).
     * One column, nothing wider than the screen, buttons big enough for a
     * thumb. Looked at while the case is still open, so its actions show. */
    const mob = await ctx.newPage();
    watch(mob, log);
    await mob.setViewportSize({ width: 360, height: 740 });
    await mob.clock.install();          /* this tab's timers run when the test says */
    await step("phone: the queue fits a 360 px screen", async () => {
      await mob.goto(BASE + "/", { waitUntil: "domcontentloaded" });
      await mob.locator("#view-login").waitFor({ state: "visible", timeout: T });
      await shot(mob, "phone-0-login");
      await signIn(mob, TOKEN);
      await row(mob).waitFor({ state: "visible", timeout: T });
      const wide = await mob.evaluate(() => document.documentElement.scrollWidth);
      assert(wide <= 360, "page is " + wide + " px wide");
      const box = await row(mob).boundingBox();
      assert(box.width <= 360 && box.width > 300, "row is " + box.width + " px wide");
      await shot(mob, "phone-1-queue", true);
    }, ["the queue lists the case with kind, commune, name and masked ID"]);

    await step("the queue reloads by itself every 30 seconds", async () => {
      const lists = () => log.requests.filter((u) => u.includes("/api/v1/cases?")).length;
      const before = lists();
      await mob.clock.runFor(31000);
      await mob.waitForFunction(() => true);          /* let the fetch start */
      const t0 = Date.now();
      while (lists() <= before && Date.now() - t0 < T) await new Promise((res) => setTimeout(res, 50));
      assert(lists() > before, "no reload after 31 s");
      await row(mob).waitFor({ state: "visible", timeout: T });
    }, ["phone: the queue fits a 360 px screen"]);

    await step("phone: the case page is one column with large buttons", async () => {
      await row(mob).locator("a.case-link").click();
      await mob.locator("#case-body").waitFor({ state: "visible", timeout: T });
      const wide = await mob.evaluate(() => document.documentElement.scrollWidth);
      assert(wide <= 360, "page is " + wide + " px wide");
      const a = await mob.locator("#conv-title").boundingBox(), b = await mob.locator("#info-title").boundingBox();
      assert(Math.abs(a.x - b.x) < 2 && b.y > a.y, "two columns on a phone");
      for (const sel of ["#act-claim", "#reply-send", "#act-resolve", "#act-close", "#case-refresh", "#logout"]) {
        const bb = await mob.locator(sel).boundingBox();
        assert(bb && bb.height >= 44, sel + " is " + (bb && bb.height) + " px high");
      }
      await shot(mob, "phone-2-case", true);
      await mob.getByRole("button", { name: "Đăng xuất" }).click();
      await mob.locator("#view-login").waitFor({ state: "visible", timeout: T });
    }, ["phone: the queue fits a 360 px screen"]);
    await mob.close();

    await step("claim: the page and the API say claimed by me", async () => {
      await page.getByRole("button", { name: "Nhận xử lý" }).click();
      await page.locator("#case-badges .badge-claimed").waitFor({ state: "visible", timeout: T });
      assert(await page.locator("#act-claim").isHidden(), "claim button still shown");
      const r = await api("GET", "cases/" + CASE_ID);
      assert(r.status === 200, "GET case: " + r.status);
      assert(r.data.status === "claimed", "API status " + r.data.status);
      assert(r.data.claimed_by && r.data.claimed_by.id === me.id, "claimed_by " + JSON.stringify(r.data.claimed_by));
      const hist = await page.locator("#history").innerText();
      assert(hist.includes("Nhận xử lý"), "no claim in the history: " + JSON.stringify(hist));
    }, ["the case page: full ID, conversation, history"]);

    await step("reply: queued, shown, and in the API's conversation", async () => {
      const before = await page.locator('#conv li[data-dir="out"]').count();
      await page.getByLabel("Nội dung trả lời").fill(REPLY);
      assert((await page.locator("#reply-count").textContent()).startsWith(Array.from(REPLY).length + "/"),
        "character count");
      await page.getByRole("button", { name: "Gửi trả lời" }).click();
      await page.locator("#case-notice").waitFor({ state: "visible", timeout: T });
      assert((await page.locator("#case-notice").textContent()).includes(REPLY), "notice lacks the text");
      await page.waitForFunction((n) =>
        document.querySelectorAll('#conv li[data-dir="out"]').length > n, before, { timeout: T });
      const last = await page.locator('#conv li[data-dir="out"]').last().innerText();
      assert(plain(last).includes(plain(REPLY)), "last message shown: " + JSON.stringify(last));
      assert(await page.getByLabel("Nội dung trả lời").inputValue() === "", "reply box not emptied");
      const r = await api("GET", "cases/" + CASE_ID);
      const conv = (r.data.conversation || []).filter((m) => m.dir === "out");
      assert(conv.some((m) => plain(m.text).includes(plain(REPLY))),
        "the reply is not in the API's conversation: " + JSON.stringify(conv.slice(-2)));
      assert((r.data.events || []).some((e) => e.kind === "reply"), "no reply event");
      await shot(page, "desktop-3-case", true);
    }, ["claim: the page and the API say claimed by me"]);

    await step("an empty reply is refused in the page", async () => {
      await page.getByLabel("Nội dung trả lời").fill("   ");
      await page.getByRole("button", { name: "Gửi trả lời" }).click();
      await page.locator("#reply-error").waitFor({ state: "visible", timeout: T });
      await page.getByLabel("Nội dung trả lời").fill("");
    }, ["reply: queued, shown, and in the API's conversation"]);

    await step("resolve with a note: the page and the API say resolved", async () => {
      await page.getByLabel("Ghi chú khi giải quyết (gửi cho người dân)").fill(NOTE);
      await page.getByRole("button", { name: "Đã giải quyết" }).click();
      await page.locator("#case-badges .badge-resolved").waitFor({ state: "visible", timeout: T });
      assert(await page.locator("#reply-card").isHidden(), "reply box still shown on a resolved case");
      assert(await page.locator("#act-none").isVisible(), "no 'finished' note");
      const r = await api("GET", "cases/" + CASE_ID);
      assert(r.data.status === "resolved", "API status " + r.data.status);
      const ev = (r.data.events || []).find((e) => e.kind === "resolved");
      assert(ev, "no resolved event");
      await shot(page, "desktop-4-resolved", true);
    }, ["reply: queued, shown, and in the API's conversation"]);

    await step("a resolved case leaves the active queue and is under 'Đã giải quyết'", async () => {
      await page.locator("#case-back").click();
      await page.locator("#view-queue").waitFor({ state: "visible", timeout: T });
      await page.waitForFunction(() => document.querySelector("#queue-updated").textContent !== "", null, { timeout: T });
      await page.waitForFunction((id) =>
        !document.querySelector('#queue-body tr[data-case-id="' + id + '"]'), CASE_ID, { timeout: T });
      await page.getByLabel("Trạng thái").selectOption("resolved");
      await row(page).waitFor({ state: "visible", timeout: T });
      assert((await row(page).innerText()).includes("Đã giải quyết"), "status label");
      await page.getByLabel("Trạng thái").selectOption("active");
    }, ["resolve with a note: the page and the API say resolved"]);

    await step("a token the server refuses sends the officer back to sign-in", async () => {
      await page.evaluate(() => sessionStorage.setItem("hd.token", "revoked-token-000000000000000000000000000"));
      await page.getByRole("button", { name: "Làm mới" }).click();
      await page.locator("#view-login").waitFor({ state: "visible", timeout: T });
      assert(await page.evaluate(() => sessionStorage.getItem("hd.token")) === null, "token kept");
      await signIn(page, TOKEN);
    }, ["sign in: who is signed in, token kept out of the URL"]);

    await step("sign-out clears the token", async () => {
      await page.getByRole("button", { name: "Đăng xuất" }).click();
      await page.locator("#view-login").waitFor({ state: "visible", timeout: T });
      assert(await page.evaluate(() => sessionStorage.getItem("hd.token")) === null, "token kept");
      await page.reload({ waitUntil: "domcontentloaded" });
      await page.locator("#view-login").waitFor({ state: "visible", timeout: T });
      assert(await page.locator("#view-queue").isHidden(), "queue after reload");
    }, ["sign in: who is signed in, token kept out of the URL"]);

    if (OTHER_TOKEN) {
      await step("an officer of another commune sees neither the case nor its page", async () => {
        await signIn(page, OTHER_TOKEN);
        await page.getByLabel("Trạng thái").selectOption("resolved");
        await page.waitForFunction(() => document.querySelector("#queue-updated").textContent !== "", null, { timeout: T });
        await page.waitForTimeout(300);
        assert(await row(page).count() === 0, "the case is in the other officer's queue");
        await page.goto(BASE + "/#/case/" + CASE_ID);
        await page.locator("#case-error").waitFor({ state: "visible", timeout: T });
        const msg = await page.locator("#case-error").textContent();
        assert(/Không tìm thấy/.test(msg), "message: " + msg);
        assert(await page.locator("#case-body").isHidden(), "case body shown");
        const r = await api("GET", "cases/" + CASE_ID, OTHER_TOKEN);
        assert(r.status === 404, "API answers " + r.status);
      });
    }

    await step("nothing loaded from outside, no script error", async () => {
      const outside = log.requests.filter((u) => !u.startsWith(BASE + "/") && !u.startsWith("data:"));
      assert(outside.length === 0, "outside requests: " + outside.slice(0, 3).join(", "));
      assert(log.errors.length === 0, log.errors.slice(0, 3).join(" | "));
    });
  } finally {
    await h.close(ctx);
  }
}

const deadline = setTimeout(() => {
  fail("dashboard deadline", "still running after 240 s");
  process.exit(1);
}, 240000);

main().catch((e) => fail("dashboard", e)).finally(() => {
  clearTimeout(deadline);
  console.log("# dashboard: " + rep.passed + " passed, " + rep.failed + " failed; screenshots in " + SHOTS);
  process.exit(rep.failed ? 1 : 0);
});
