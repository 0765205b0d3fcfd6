#!/usr/bin/env node
/* staff.test.js -- the campaign staff's side of the dashboard in a real
 * browser, against the real server: an officer sees none of it; staff
 * sign in -> import a police list (bad lines listed with their reasons; a
 * long list goes in parts) -> write a campaign to a commune with its
 * preview per channel and its audience -> send it now -> its progress
 * reloads by itself until every message is sent -> schedule, pause, resume
 * and cancel another -> the day's report as charts whose bars carry the
 * API's figures -> the CSV download. Desktop and a 360 px phone, with
 * screenshots.
 *
 * Started by tests/integration/test_browser_staff.py, which runs the server
 * and Kannel, makes the users, the lists and the day's traffic, and checks
 * afterwards what reached the phones. Input: HD_PLAN, a JSON object:
 *   base, staff_token, officer_token, screens, chromium
 *   commune {code, name}, province          the campaign's commune, the staff's province
 *   list {file, imported, rejected: [{line, reason, text}]}
 *   big {file, lines, imported, bad_line, bad_reason}
 *   broadcast {name, text, audience, queued, skipped: {opted_out, daily_cap, no_channel}}
 *   report {date, communes: {code: {figure: n}}}   figures the seeded traffic must show
 * Output: "PASS name" / "FAIL name: why" lines; exit status 1 when anything
 * failed. Prints "# broadcast N" for the wrapper. */
"use strict";

const fs = require("fs");
const h = require("./harness");
const { assert, plain } = h;

const PLAN = JSON.parse(h.env("HD_PLAN", "{}"));
const BASE = String(PLAN.base || "").replace(/\/+$/, "");
const STAFF = PLAN.staff_token || "", OFFICER = PLAN.officer_token || "";
const SHOTS = PLAN.screens || "/tmp/hd-screens";
const T = 15000;
const HEADER = "phone,commune_code,name";

const r = h.reporter();
const api = h.apiClient(BASE);
const shot = (page, name, full) => h.shot(page, SHOTS, "staff-" + name, full);
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

async function signIn(page, token) {
  await page.goto(BASE + "/", { waitUntil: "domcontentloaded" });
  await page.locator("#view-login").waitFor({ state: "visible", timeout: T });
  await page.getByLabel("Mã đăng nhập").fill(token);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.locator("#view-queue").waitFor({ state: "visible", timeout: T });
}

async function signOut(page) {
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await page.locator("#view-login").waitFor({ state: "visible", timeout: T });
}

const nav = (page, name) => page.locator("#staff-nav").getByRole("link", { name: name, exact: true });
const tileValue = async (scope, key) =>
  Number(await scope.locator('.tile[data-key="' + key + '"] .tile-value').getAttribute("data-value"));

async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(250);
  }
  throw new Error("timed out waiting for " + what);
}

/* The number of SMS parts of a text without diacritics: 160 characters
 * fit one, 153 each when it is split (GSM 03.38; the extension table's
 * characters take two). Worked out here, not read from the page. */
function gsmParts(s) {
  let n = 0;
  for (const ch of s) n += "^{}\\[~]|€".includes(ch) ? 2 : 1;
  return n <= 160 ? 1 : Math.ceil(n / 153);
}

function fits(page, width) {
  return page.evaluate((w) => document.documentElement.scrollWidth <= w, width);
}

async function main() {
  for (const [k, v] of Object.entries({ base: BASE, staff_token: STAFF, officer_token: OFFICER }))
    if (!v) return r.fail("setup", "HD_PLAN." + k + " is not set");
  fs.mkdirSync(SHOTS, { recursive: true });
  const ctx = await h.launch(PLAN.chromium || "/usr/bin/chromium");
  const log = { requests: [], errors: [] };
  let bcId = null, bc2Id = null;
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    h.watch(page, log);

    await r.step("an officer sees no staff menu, and staff addresses show the queue", async () => {
      await signIn(page, OFFICER);
      assert(await page.locator("#staff-nav").isHidden(), "the staff menu is shown to an officer");
      for (const hash of ["#/reports", "#/broadcasts/new", "#/import"]) {
        await page.goto(BASE + "/" + hash);
        await page.locator("#view-queue").waitFor({ state: "visible", timeout: T });
        for (const v of ["reports", "bc-new", "import", "broadcasts"])
          assert(await page.locator("#view-" + v).isHidden(), hash + " shows #view-" + v + " to an officer");
      }
      const rep = await api("GET", "reports/daily?format=json", OFFICER);
      assert(rep.status === 403, "the API gives reports to an officer: " + rep.status);
      await signOut(page);
    });

    await r.step("staff sign in: the menu has Hồ sơ, Chiến dịch, Danh sách, Báo cáo", async () => {
      await signIn(page, STAFF);
      await page.locator("#staff-nav").waitFor({ state: "visible", timeout: T });
      const names = await page.locator("#staff-nav a").allInnerTexts();
      assert(JSON.stringify(names.map((s) => s.trim())) === JSON.stringify(["Hồ sơ", "Chiến dịch", "Danh sách", "Báo cáo"]),
        "menu: " + JSON.stringify(names));
      assert(await nav(page, "Hồ sơ").getAttribute("aria-current") === "page", "the queue is not marked current");
    });
    const SIGNED = "staff sign in: the menu has Hồ sơ, Chiến dịch, Danh sách, Báo cáo";

    await r.step("import a list: imported count, each bad line with its line number and reason", async () => {
      await nav(page, "Danh sách").click();
      await page.locator("#view-import").waitFor({ state: "visible", timeout: T });
      await page.locator("#imp-file").setInputFiles(PLAN.list.file);
      await page.waitForFunction(() => /dòng dữ liệu/.test(document.querySelector("#imp-count").textContent), null, { timeout: T });
      assert((await page.locator("#imp-file-name").textContent()).endsWith(".csv"), "the file's name is not shown");
      await page.getByRole("button", { name: "Nhập danh sách" }).click();
      await page.locator("#imp-result").waitFor({ state: "visible", timeout: T });
      const res = page.locator("#imp-result");
      assert(await tileValue(res, "imported") === PLAN.list.imported,
        "imported " + await tileValue(res, "imported") + ", want " + PLAN.list.imported);
      assert(await tileValue(res, "rejected") === PLAN.list.rejected.length, "rejected count");
      for (const want of PLAN.list.rejected) {
        const row = page.locator('#imp-rejected-body tr[data-line="' + want.line + '"]');
        assert(await row.count() === 1, "line " + want.line + " is not listed as rejected");
        const cells = await row.locator("td").allInnerTexts();
        assert(cells[1].trim() === want.text, "line " + want.line + " shows " + JSON.stringify(cells[1]));
        assert(await row.locator("td[data-reason]").getAttribute("data-reason") === want.reason,
          "line " + want.line + ": reason " + await row.locator("td[data-reason]").getAttribute("data-reason") +
          ", want " + want.reason);
        assert(/[àáảãạăâđêôơưếềểễệốồổỗộớờởỡợ]/i.test(cells[2]) && !/_/.test(cells[2]),
          "line " + want.line + ": the reason is not in Vietnamese words: " + JSON.stringify(cells[2]));
      }
      assert(await page.locator("#imp-rejected-body tr").count() === PLAN.list.rejected.length, "extra rejected rows");
      assert(await page.locator("#imp-rejected-body img, #imp-rejected-body script").count() === 0,
        "a line's text became markup");
      assert(await page.evaluate(() => window.__hd_xss === undefined), "a line's text ran as script");
      await shot(page, "desktop-1-import", true);
    }, [SIGNED]);

    await r.step("a list without its header line is refused before anything is sent", async () => {
      const sent = log.requests.filter((u) => u.endsWith("/api/v1/contacts/import")).length;
      await page.getByLabel("Hoặc dán nội dung danh sách").fill("0912345678,00070,Nguyễn Văn An\n");
      await page.getByRole("button", { name: "Nhập danh sách" }).click();
      await page.locator("#imp-error").waitFor({ state: "visible", timeout: T });
      assert(/tiêu đề/.test(await page.locator("#imp-error").textContent()), await page.locator("#imp-error").textContent());
      assert(log.requests.filter((u) => u.endsWith("/api/v1/contacts/import")).length === sent, "a request went out");
    }, [SIGNED]);

    await r.step("a long list goes in parts of at most 60 KiB, each with the header; line numbers are the file's", async () => {
      const bodies = [];
      const onReq = (q) => { if (q.url().endsWith("/api/v1/contacts/import")) bodies.push(q.postDataBuffer() || Buffer.alloc(0)); };
      page.on("request", onReq);
      /* A file (typing 100 KB into the box through the test driver takes half a minute). */
      await page.locator("#imp-file").setInputFiles(PLAN.big.file);
      await page.waitForFunction((n) => document.querySelector("#imp-count").textContent.includes(n),
        PLAN.big.lines.toLocaleString("de-DE"), { timeout: T });
      await page.getByRole("button", { name: "Nhập danh sách" }).click();
      await page.locator("#imp-submit:disabled").waitFor({ state: "attached", timeout: T }).catch(() => {});
      await page.locator("#imp-submit:enabled").waitFor({ state: "attached", timeout: 60000 });
      page.off("request", onReq);
      assert(await page.locator("#imp-error").isHidden(), await page.locator("#imp-error").textContent());
      const res = page.locator("#imp-result");
      assert(await tileValue(res, "imported") === PLAN.big.imported,
        "imported " + await tileValue(res, "imported") + ", want " + PLAN.big.imported);
      const lines = await page.locator("#imp-rejected-body tr").evaluateAll((rows) => rows.map((x) => Number(x.dataset.line)));
      assert(JSON.stringify(lines) === JSON.stringify([PLAN.big.bad_line]), "rejected lines " + JSON.stringify(lines));
      assert(bodies.length >= 2, "sent in " + bodies.length + " request(s)");
      for (const b of bodies) {
        assert(b.length <= 60 * 1024, "a part of " + b.length + " bytes");
        assert(b.toString("utf8").startsWith(HEADER + "\n"), "a part without the header");
      }
      console.log("# the long list went in parts of " + bodies.map((b) => b.length).join(", ") + " bytes");
    }, [SIGNED]);

    let preview = null;
    const B = PLAN.broadcast;
    await r.step("new campaign: preview per channel (SMS unaccented, parts) and the audience size", async () => {
      await nav(page, "Chiến dịch").click();
      await page.locator("#view-broadcasts").waitFor({ state: "visible", timeout: T });
      await page.getByRole("link", { name: "Tạo chiến dịch" }).click();
      await page.locator("#view-bc-new").waitFor({ state: "visible", timeout: T });
      await page.getByLabel("Nội dung tin nhắn").fill(B.text);
      await page.getByRole("button", { name: "Gửi ngay…" }).click();
      await page.locator("#bcn-error").waitFor({ state: "visible", timeout: T });
      assert(/tên/.test(await page.locator("#bcn-error").textContent()), "no name: " + await page.locator("#bcn-error").textContent());
      assert(await page.locator("#bcn-confirm").isHidden(), "a confirmation without a name");
      await page.getByLabel("Tên chiến dịch").fill(B.name);
      await page.locator('label[for="bcn-scope-communes"]').click();
      await page.getByLabel("Mã xã, phường").fill(PLAN.commune.code);
      await page.getByLabel("Nhóm người nhận").selectOption("not_activated");
      await page.waitForFunction((n) => document.querySelector("#bcp-audience").dataset.value === String(n),
        B.audience, { timeout: T }).catch(async () => {
        throw new Error("audience shown " + await page.locator("#bcp-audience").textContent() + ", want " + B.audience +
          " (" + await page.locator("#bcp-status").textContent() + ")");
      });
      const body = { name: B.name, text: B.text, audience: { communes: [PLAN.commune.code], province: PLAN.province,
        segment: "not_activated" }, send_at: "now" };
      const pv = await api("POST", "broadcasts/preview", STAFF, body);
      assert(pv.status === 200, "POST preview: " + pv.status + " " + JSON.stringify(pv.data));
      preview = pv.data.preview;
      const sms = await page.locator("#bcp-sms").textContent();
      assert(/^[\x20-\x7e\n]*$/.test(sms), "the SMS preview has letters outside ASCII: " + JSON.stringify(sms));
      /* The text, unaccented (a footer the server adds, e.g. how to opt out, may follow). */
      assert(plain(sms).startsWith(plain(B.text)), "the SMS preview is not the text unaccented: " + JSON.stringify(sms));
      assert(sms === preview.sms, "the page's SMS preview differs from the API's");
      const meta = await page.locator("#bcp-sms-meta").textContent();
      const want = gsmParts(sms);
      assert(preview.sms_parts === want, "the API says " + preview.sms_parts + " SMS parts, " + sms.length + " characters need " + want);
      assert(meta.includes(want + " tin SMS") && meta.includes(sms.length + " ký tự"), "SMS meta: " + JSON.stringify(meta));
      assert((await page.locator("#bcp-zalo").textContent()).startsWith(B.text), "the Zalo preview is not the text as written");
      assert(pv.data.audience === B.audience, "the API's audience is " + pv.data.audience);
      await shot(page, "desktop-2-broadcast-new", true);
    }, [SIGNED]);

    await r.step("send now, after a confirmation naming the audience", async () => {
      await page.getByRole("button", { name: "Gửi ngay…" }).click();
      const q = page.locator("#bcn-confirm .confirm-q");
      await q.waitFor({ state: "visible", timeout: T });
      assert((await q.textContent()).includes(B.audience + " người"), "confirmation: " + await q.textContent());
      await page.getByRole("button", { name: "Xác nhận gửi" }).click();
      await page.waitForURL((u) => /^#\/broadcasts\/\d+$/.test(u.hash), { timeout: T });
      bcId = /(\d+)$/.exec(new URL(page.url()).hash)[1];
      console.log("# broadcast " + bcId);
      await page.locator("#bc-body").waitFor({ state: "visible", timeout: T });
      assert(await page.locator("#bc-notice").isVisible(), "no notice after creating");
      assert(await page.locator("#bc-title").textContent() === B.name, "title");
    }, ["new campaign: preview per channel (SMS unaccented, parts) and the audience size"]);

    await r.step("the progress reloads by itself until every message is out; its figures are the API's", async () => {
      /* No click from here: the page must follow by itself. */
      /* Done: every queued message handed to Kannel ("sent" counts the
       * delivered too) and reported delivered by the fake SMSC. */
      let g = null;
      await waitFor(async () => {
        g = (await api("GET", "broadcasts/" + bcId, STAFF)).data;
        const c = g.counts || {};
        return g.status === "done" && c.queued === B.queued && c.waiting === 0 && c.held === 0 &&
          c.sent === c.queued && c.delivered === c.queued;
      }, 90000, "the broadcast to be delivered").catch((e) => {
        throw new Error(e.message + " (last: " + JSON.stringify(g && { status: g.status, counts: g.counts }) + ")");
      });
      await page.waitForFunction((c) => {
        const v = (k) => { const e = document.querySelector('#bc-tiles .tile[data-key="' + k + '"] .tile-value'); return e && Number(e.dataset.value); };
        return v("delivered") === c.delivered && v("sent") === c.sent && v("queued") === c.queued &&
          document.querySelector("#bc-badges .badge-bc-done") !== null;
      }, g.counts, { timeout: 20000 });
      for (const k of ["audience", "queued", "sent", "delivered", "failed", "skipped"])
        assert(await tileValue(page.locator("#bc-tiles"), k) === g.counts[k], k + ": page " +
          await tileValue(page.locator("#bc-tiles"), k) + ", API " + g.counts[k]);
      assert(g.counts.audience === B.audience && g.counts.skipped === B.audience - B.queued && g.counts.failed === 0,
        "counts " + JSON.stringify(g.counts));
      for (const [k, n] of Object.entries(B.skipped)) {
        const shown = Number(await page.locator('#bc-skipped li[data-reason="' + k + '"] strong').getAttribute("data-value"));
        assert(shown === n && g.skipped_by_reason[k] === n, "skipped " + k + ": page " + shown + ", API " + g.skipped_by_reason[k] + ", want " + n);
      }
      const segs = await page.locator("#bc-progress rect.seg").evaluateAll((rs) =>
        Object.fromEntries(rs.map((x) => [x.dataset.part, Number(x.dataset.value)])));
      assert((segs.delivered || 0) === g.counts.delivered && (segs.skipped || 0) === g.counts.skipped,
        "progress bar " + JSON.stringify(segs));
      assert(/100%/.test(await page.locator("#bc-percent").textContent()), await page.locator("#bc-percent").textContent());
      assert(await page.locator("#bc-pause").isHidden() && await page.locator("#bc-cancel").isHidden(),
        "a finished campaign still offers pause or cancel");
      assert(plain(await page.locator("#bc-pv-sms").textContent()).startsWith(plain(B.text)), "stored SMS preview");
      await shot(page, "desktop-3-broadcast", true);
    }, ["send now, after a confirmation naming the audience"]);

    await r.step("the campaign list shows it with its status", async () => {
      await page.locator("#view-bc .back").click();
      const item = page.locator('#bc-list li[data-broadcast-id="' + bcId + '"]');
      await item.waitFor({ state: "visible", timeout: T });
      const text = await item.innerText();
      assert(text.includes(B.name) && text.includes("Đã gửi xong"), JSON.stringify(text));
    }, ["send now, after a confirmation naming the audience"]);

    await r.step("schedule another for tomorrow 08:00, then pause, resume and cancel it", async () => {
      await page.getByRole("link", { name: "Tạo chiến dịch" }).click();
      await page.getByLabel("Tên chiến dịch").fill(B.name + " (hẹn giờ)");
      await page.getByLabel("Nội dung tin nhắn").fill(B.text);
      await page.locator('label[for="bcn-when-at"]').click();
      const at = await page.getByLabel("Ngày giờ gửi (giờ Việt Nam)").inputValue();
      assert(/T08:00$/.test(at), "default time " + at);
      await page.getByRole("button", { name: "Lên lịch gửi…" }).click();
      await page.getByRole("button", { name: "Xác nhận lên lịch" }).click();
      await page.waitForURL((u) => /^#\/broadcasts\/\d+$/.test(u.hash) && !u.hash.endsWith("/" + bcId), { timeout: T });
      bc2Id = /(\d+)$/.exec(new URL(page.url()).hash)[1];
      await page.locator("#bc-badges .badge-bc-scheduled").waitFor({ state: "visible", timeout: T });
      let g = (await api("GET", "broadcasts/" + bc2Id, STAFF)).data;
      const wantAt = Date.parse(at + ":00+07:00");
      assert(g.status === "scheduled" && Date.parse(g.send_at) === wantAt, "API: " + g.status + " at " + g.send_at);
      await page.getByRole("button", { name: "Tạm dừng" }).click();
      await page.locator("#bc-badges .badge-bc-paused").waitFor({ state: "visible", timeout: T });
      assert((await api("GET", "broadcasts/" + bc2Id, STAFF)).data.status === "paused", "API not paused");
      await page.getByRole("button", { name: "Tiếp tục gửi" }).click();
      await page.locator("#bc-badges .badge-bc-scheduled").waitFor({ state: "visible", timeout: T });
      await page.getByRole("button", { name: "Huỷ chiến dịch…" }).click();
      await page.locator("#bc-confirm .confirm").waitFor({ state: "visible", timeout: T });
      await shot(page, "desktop-4-broadcast-cancel", false);
      await page.locator("#bc-confirm").getByRole("button", { name: "Huỷ chiến dịch" }).click();
      await page.locator("#bc-badges .badge-bc-cancelled").waitFor({ state: "visible", timeout: T });
      g = (await api("GET", "broadcasts/" + bc2Id, STAFF)).data;
      assert(g.status === "cancelled", "API status " + g.status);
      assert(await page.locator("#bc-no-actions").isVisible(), "actions still offered after cancelling");
    }, ["send now, after a confirmation naming the audience"]);

    const today = PLAN.report.date;
    let rep = null;
    const REPORTS = "reports: today's charts carry the API's figures";
    await r.step(REPORTS, async () => {
      await nav(page, "Báo cáo").click();
      await page.locator("#view-reports").waitFor({ state: "visible", timeout: T });
      assert(await page.getByLabel("Ngày", { exact: true }).inputValue() === today, "date " + await page.getByLabel("Ngày", { exact: true }).inputValue());
      await page.locator("#rep-body").waitFor({ state: "visible", timeout: T });
      await page.waitForFunction(() => !document.querySelector("#rep-body").hasAttribute("aria-busy"), null, { timeout: T });
      const got = await api("GET", "reports/daily?date=" + today + "&format=json", STAFF);
      assert(got.status === 200, "GET report: " + got.status);
      rep = got.data;
      const bar = async (chart, row, series) => {
        const loc = page.locator("#" + chart + ' rect.bar[data-row="' + row + '"][data-series="' + series + '"]');
        return (await loc.count()) ? Number(await loc.getAttribute("data-value")) : null;
      };
      /* Every commune's figures, as the API has them, are bars. */
      const communes = rep.communes || [];
      assert(communes.length >= 2, "communes in the report: " + communes.length);
      for (const c of communes) {
        const code = c.commune_code === null ? "unknown" : c.commune_code;
        const pairs = [["chart-conv", "conversations"], ["chart-conv", "help_requests"]];
        if (c.activations + c.opt_outs) pairs.push(["chart-activations", "activations"], ["chart-activations", "opt_outs"]);
        if (c.answered_by_bot + c.escalated) pairs.push(["chart-answered", "answered_by_bot"], ["chart-answered", "escalated"]);
        for (const [chart, k] of pairs) {
          const v = await bar(chart, code, k);
          assert(v === c[k], chart + " " + code + " " + k + ": bar " + v + ", API " + c[k]);
        }
      }
      for (const [intent, n] of Object.entries(rep.total.help_requests_by_intent || {})) {
        if (!n) continue;
        const v = await bar("chart-intents", intent, "help_requests");
        assert(v === n, "intent " + intent + ": bar " + v + ", API " + n);
      }
      for (const [key, k] of [["conversations", "conversations"], ["help_requests", "help_requests"],
        ["activations", "activations"], ["opt_outs", "opt_outs"], ["cases_opened", "cases_opened"]])
        assert(await tileValue(page.locator("#rep-tiles"), key) === rep.total[k], "tile " + key);
      const foot = await page.locator('#rep-tfoot td[data-col="conversations"]').getAttribute("data-value");
      assert(Number(foot) === rep.total.conversations, "table total " + foot);
      const name = communes.find((x) => x.commune_code === PLAN.commune.code).commune_name;
      assert((await page.locator("#rep-tbody").innerText()).includes(name), "commune name not in the table");
      assert(await page.locator("#chart-conv svg text.row-label").first().textContent() !== "", "no labels");
      await shot(page, "desktop-5-reports", true);
    }, [SIGNED]);

    await r.step("the day's traffic from the phones is where it belongs in the charts", async () => {
      for (const [code, want] of Object.entries(PLAN.report.communes)) {
        const c = rep.communes.find((x) => x.commune_code === code);
        assert(c, "no row for commune " + code);
        for (const [k, n] of Object.entries(want)) {
          assert(c[k] === n, "commune " + code + " " + k + ": API " + c[k] + ", the phones made " + n);
          const chart = k === "activations" || k === "opt_outs" ? "chart-activations"
            : k.startsWith("cases_") ? "chart-cases" : "chart-conv";
          const loc = page.locator("#" + chart + ' rect.bar[data-row="' + code + '"][data-series="' + k + '"]');
          const v = (await loc.count()) ? Number(await loc.getAttribute("data-value")) : 0;
          assert(v === n, "commune " + code + " " + k + ": bar " + v + ", want " + n);
        }
      }
    }, [REPORTS]);

    await r.step("the week's report: Monday..Sunday, one column group a day so far", async () => {
      await page.getByLabel("Cả tuần (thứ Hai – Chủ nhật)").check();
      await page.locator("#chart-days-card").waitFor({ state: "visible", timeout: T });
      await page.waitForFunction(() => /^Tuần/.test(document.querySelector("#rep-period").textContent), null, { timeout: T });
      const wk = (await api("GET", "reports/daily?date=" + today + "&format=json&week=1", STAFF)).data;
      const days = await page.locator('#chart-days rect.bar[data-series="conversations"]').evaluateAll((rs) =>
        rs.map((x) => [x.dataset.row, Number(x.dataset.value)]));
      assert(JSON.stringify(days) === JSON.stringify(wk.days.map((d) => [d.date, d.conversations])),
        "days " + JSON.stringify(days) + " vs " + JSON.stringify(wk.days.map((d) => [d.date, d.conversations])));
      const dow = (new Date(today + "T00:00:00Z").getUTCDay() + 6) % 7;
      assert(wk.days.length === dow + 1, "the week has " + wk.days.length + " days so far, today is day " + (dow + 1));
      await shot(page, "desktop-6-reports-week", true);
      await page.getByLabel("Cả tuần (thứ Hai – Chủ nhật)").uncheck();
      await page.waitForFunction(() => /^Ngày/.test(document.querySelector("#rep-period").textContent), null, { timeout: T });
    }, [REPORTS]);

    await r.step("CSV download: text/csv, BOM, CRLF, Vietnamese names intact, saved as a file", async () => {
      const resP = page.waitForResponse((q) => q.url().includes("/api/v1/reports/daily") && q.url().includes("format=csv"), { timeout: T });
      const dlP = page.waitForEvent("download", { timeout: T });
      await page.getByRole("button", { name: "Tải CSV" }).click();
      const res = await resP, dl = await dlP;
      assert(res.status() === 200, "status " + res.status());
      assert(/^text\/csv/.test(res.headers()["content-type"] || ""), "Content-Type " + res.headers()["content-type"]);
      /* The bytes as saved (Chromium hands the page's fetch a decoded copy, BOM dropped). */
      const body = fs.readFileSync(await dl.path());
      assert(body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf, "no byte order mark");
      const text = body.toString("utf8");
      assert(text.includes("\r\n") && !/[^\r]\n/.test(text), "lines are not CRLF");
      const name = rep.communes.find((x) => x.commune_code === PLAN.commune.code).commune_name;
      assert(text.includes(name), "the commune's name is not in the CSV intact");
      assert(/^bao-cao-\d{4}-\d{2}-\d{2}\.csv$/.test(dl.suggestedFilename()), "file name " + dl.suggestedFilename());
      const direct = await fetch(BASE + "/api/v1/reports/daily?date=" + today + "&format=csv",
        { headers: { Authorization: "Bearer " + STAFF } });
      const server = Buffer.from(await direct.arrayBuffer());
      assert(server.equals(body), "the saved file differs from the server's answer");
    }, [REPORTS]);

    /* A phone: 360 px, its own tab (sessionStorage is per tab). */
    const mob = await ctx.newPage();
    h.watch(mob, log);
    await mob.setViewportSize({ width: 360, height: 740 });
    await r.step("phone: the campaign page fits 360 px, buttons big enough for a thumb", async () => {
      await signIn(mob, STAFF);
      assert(await fits(mob, 360), "the queue page is wider than the screen");
      await nav(mob, "Chiến dịch").click();
      await mob.locator('#bc-list li[data-broadcast-id="' + bcId + '"]').waitFor({ state: "visible", timeout: T });
      await shot(mob, "phone-1-broadcasts", true);
      await mob.locator('#bc-list li[data-broadcast-id="' + bcId + '"] a.bc-link').click();
      await mob.locator("#bc-body").waitFor({ state: "visible", timeout: T });
      assert(await fits(mob, 360), "the campaign page is wider than the screen");
      for (const sel of ["#bc-refresh", "#logout"]) {
        const bb = await mob.locator(sel).boundingBox();
        assert(bb && bb.height >= 44, sel + " is " + (bb && bb.height) + " px high");
      }
      for (const a of await mob.locator("#staff-nav a").all()) {
        const bb = await a.boundingBox();
        assert(bb && bb.height >= 44 && bb.x >= 0 && bb.x + bb.width <= 360, "menu entry " + JSON.stringify(bb));
      }
      await shot(mob, "phone-2-broadcast", true);
      await mob.goto(BASE + "/#/broadcasts/new");
      await mob.getByLabel("Nội dung tin nhắn").fill(B.text);
      await mob.waitForFunction(() => document.querySelector("#bcp-audience").dataset.value !== undefined, null, { timeout: T });
      assert(await fits(mob, 360), "the new campaign form is wider than the screen");
      await shot(mob, "phone-3-broadcast-new", true);
    }, ["the progress reloads by itself until every message is out; its figures are the API's"]);

    await r.step("phone: the report's charts fit 360 px", async () => {
      if (await mob.locator("#staff-nav").isHidden()) await signIn(mob, STAFF);
      await nav(mob, "Báo cáo").click();
      await mob.locator("#rep-body").waitFor({ state: "visible", timeout: T });
      await mob.locator("#chart-conv svg.chart-svg").waitFor({ state: "visible", timeout: T });
      assert(await fits(mob, 360), "the report page is wider than the screen");
      for (const svg of await mob.locator(".chart svg.chart-svg").all()) {
        const bb = await svg.boundingBox();
        assert(bb.x >= 0 && bb.x + bb.width <= 360, "a chart spans " + bb.x + ".." + (bb.x + bb.width));
      }
      assert(await mob.locator('#chart-conv rect.bar[data-row="' + PLAN.commune.code + '"]').count() === 2, "bars of the commune");
      await shot(mob, "phone-4-reports", true);
    }, [REPORTS]);
    await mob.close();

    await r.step("nothing loaded from outside, no script error, no CSP violation", async () => {
      const outside = log.requests.filter((u) => !u.startsWith(BASE + "/") && !u.startsWith("data:") && !u.startsWith("blob:" + BASE));
      assert(outside.length === 0, "outside requests: " + outside.slice(0, 3).join(", "));
      assert(log.errors.length === 0, log.errors.slice(0, 3).join(" | "));
    });
  } finally {
    await h.close(ctx);
  }
}

const deadline = setTimeout(() => {
  r.fail("staff deadline", "still running after 300 s");
  process.exit(1);
}, 300000);

main().catch((e) => r.fail("staff", e)).finally(() => {
  clearTimeout(deadline);
  console.log("# staff: " + r.passed + " passed, " + r.failed + " failed; screenshots in " + SHOTS);
  process.exit(r.failed ? 1 : 0);
});
