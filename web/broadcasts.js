/* broadcasts.js -- the campaigns staff send: "#/broadcasts" lists them,
 * "#/broadcasts/N" follows one (progress from GET /broadcasts/N, reloaded
 * every few seconds while it is on screen) and pauses, resumes or cancels
 * it. Creating one is broadcast-new.js. What is shown is what the server
 * holds: after every action the broadcast is read again. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = HD.ui, el = ui.el, staff = HD.staff;
  const $ = (id) => document.getElementById(id);
  const NS = "http://www.w3.org/2000/svg";
  const ACTIVE_MS = 4000, IDLE_MS = 15000;
  const LIVE = ["scheduled", "sending", "waiting_window"];
  const bc = {};
  let timer = null, seq = 0, current = null, wired = false, listTimer = null, clipN = 0, me = null;

  const cid = (id) => encodeURIComponent(String(id));

  /* The audience in parts that add up to it. The API's counts overlap
   * (src/http/api_broadcasts.c): "sent" is every message handed to the
   * provider, delivered ones included; "failed" also holds those the
   * provider reported undelivered; "waiting" and "held" are queued ones not
   * out yet. Each part is clamped to what the earlier ones left of the
   * queued recipients; whatever is left is cancelled. The planner has not
   * yet reached the audience's rest. */
  const PENDING = ["waiting", "held", "unplanned"];
  function parts(c, status) {
    const n = (k) => staff.n(c, k);
    const queued = n("queued"), skipped = n("skipped");
    const audience = Math.max(n("audience"), queued + skipped);
    let left = queued;
    const take = (v) => { const x = Math.max(0, Math.min(v, left)); left -= x; return x; };
    const delivered = take(n("delivered")), failed = take(n("failed"));
    const sent = take(n("sent") - n("delivered")), waiting = take(n("waiting")), held = take(n("held"));
    return [
      { key: "delivered", label: "Đã đến máy", v: delivered, color: "#15803d" },
      { key: "sent", label: "Đã gửi, chờ báo nhận", v: sent, color: "#3b82f6" },
      { key: "failed", label: "Gửi lỗi", v: failed, color: "#dc2626" },
      { key: "waiting", label: "Chờ gửi", v: waiting, color: "#a5c4f3" },
      { key: "held", label: "Tạm giữ", v: held, color: "#f2c36b" },
      { key: "cancelled", label: status === "cancelled" ? "Đã huỷ" : "Khác", v: left, color: "#6b7280" },
      { key: "skipped", label: "Bỏ qua", v: skipped, color: "#9aa3ae" },
      { key: "unplanned", label: "Chưa xử lý", v: Math.max(0, audience - queued - skipped), color: "#e6eaf0" },
    ].map((p) => Object.assign(p, { of: audience }));
  }
  const pendingOf = (ps) => ps.filter((p) => PENDING.includes(p.key)).reduce((a, p) => a + p.v, 0);

  /* A stacked bar in SVG: widths in percent, so it needs no redraw. */
  function progressBar(c, big, status) {
    const ps = parts(c, status), total = ps[0].of;
    const h = big ? 18 : 8;
    const s = document.createElementNS(NS, "svg");
    s.setAttribute("class", "progress" + (big ? " progress-big" : ""));
    s.setAttribute("width", "100%");
    s.setAttribute("height", String(h));
    s.setAttribute("role", "img");
    const done = total ? Math.round(100 * (total - pendingOf(ps)) / total) : 0;
    s.setAttribute("aria-label", "Đã xử lý " + done + "%");
    /* Round ends for the whole bar, whatever segment comes first or last. */
    const clip = document.createElementNS(NS, "clipPath"), id = "bc-clip-" + (++clipN);
    clip.setAttribute("id", id);
    const shape = document.createElementNS(NS, "rect");
    for (const [k, v] of [["width", "100%"], ["height", h], ["rx", h / 2]]) shape.setAttribute(k, v);
    clip.append(shape);
    s.append(clip);
    const g = document.createElementNS(NS, "g");
    g.setAttribute("clip-path", "url(#" + id + ")");
    s.append(g);
    const bg = document.createElementNS(NS, "rect");
    for (const [k, v] of [["width", "100%"], ["height", h], ["fill", "#e6eaf0"]]) bg.setAttribute(k, v);
    g.append(bg);
    let x = 0;
    for (const p of ps) {
      if (!total || !p.v || p.key === "unplanned") continue;
      const w = (100 * p.v) / total, r = document.createElementNS(NS, "rect");
      for (const [k, v] of [["x", x + "%"], ["width", w + "%"], ["height", h], ["fill", p.color],
        ["class", "seg"], ["data-part", p.key], ["data-value", p.v]]) r.setAttribute(k, v);
      g.append(r);
      x += w;
    }
    return s;
  }

  function statusBadge(status) {
    return ui.badge("bc-" + (status || "none"), staff.label("bcStatus", status));
  }

  function audienceText(a) {
    a = a || {};
    const bits = [];
    const seg = String(a.segment || "");
    if (seg.startsWith("intent:")) bits.push("Đã hỏi về: " + staff.label("intent", seg.slice(7)));
    else if (seg) bits.push(staff.label("segment", seg));
    const communes = Array.isArray(a.communes) ? a.communes : [];
    if (communes.length)
      bits.push(communes.map((c) => (typeof c === "object" && c ? (c.name || c.code) : String(c))).join(", "));
    else if (a.province) bits.push("Cả tỉnh, thành phố (mã " + (a.province.code || a.province) + ")");
    else bits.push("Mọi tỉnh, thành phố");
    return bits.join(" · ");
  }

  /* ---- the list ---------------------------------------------------- */

  function footText(b, c, handled, total) {
    const started = staff.n(c, "queued") + staff.n(c, "skipped") > 0;
    if (!started && b.status === "cancelled") return "Đã huỷ trước khi gửi.";
    if (!started && b.status === "paused") return "Tạm dừng trước khi gửi.";
    if (!started) return b.status === "scheduled" ? "Chưa đến giờ gửi." : "Đang chuẩn bị gửi.";
    return "Đã xử lý " + staff.num(handled) + "/" + staff.num(total) + " · đã gửi " +
      staff.num(staff.n(c, "sent")) + " · bỏ qua " + staff.num(staff.n(c, "skipped"));
  }

  function listItem(b) {
    const href = "#/broadcasts/" + cid(b.id);
    const c = b.counts || {};
    const ps = parts(c, b.status), total = ps[0].of;
    const handled = total - pendingOf(ps);
    const li = el("li", { class: "bc-item card", "data-broadcast-id": b.id },
      el("div", { class: "bc-item-head" },
        el("a", { href: href, class: "bc-link" }, b.name || "Chiến dịch số " + b.id),
        statusBadge(b.status)),
      el("p", { class: "muted small" }, [
        "Gửi " + (b.send_at ? "lúc " + ui.time(b.send_at) : "ngay"),
        total ? staff.num(total) + " người nhận" : "",
        b.audience ? audienceText(b.audience) : "",
      ].filter(Boolean).join(" · ")),
      progressBar(c, false, b.status),
      el("p", { class: "small bc-item-foot" }, footText(b, c, handled, total)));
    li.addEventListener("click", (ev) => { if (!ev.target.closest("a")) location.hash = href; });
    return li;
  }

  async function loadList() {
    const my = ++seq;
    try {
      const data = await HD.api.call("GET", "broadcasts");
      if (my !== seq) return;
      const list = Array.isArray(data) ? data : Array.isArray(data.broadcasts) ? data.broadcasts : [];
      const ul = $("bc-list");
      ui.clear(ul);
      for (const b of list) ul.append(listItem(b));
      $("bc-list-empty").hidden = list.length > 0;
      $("bc-list-updated").textContent = "Cập nhật lúc " + ui.clock(Date.now());
      ui.show("bc-list-error", "");
    } catch (e) {
      if (my !== seq || e.status === 401) return;
      ui.show("bc-list-error", staff.errorText(e));
    }
  }

  bc.showList = function () {
    wire();
    bc.hide();
    loadList();
    listTimer = setInterval(() => { if (!document.hidden) loadList(); }, IDLE_MS);
  };

  /* ---- one broadcast ----------------------------------------------- */

  function fact(dl, label, value) {
    dl.append(el("dt", {}, label), el("dd", {}, value === "" || value === null || value === undefined ? "—" : String(value)));
  }

  function render(b) {
    current = b;
    const c = b.counts || {};
    $("bc-title").textContent = b.name || "Chiến dịch số " + b.id;
    $("bc-sub").textContent = audienceText(b.audience);
    const badges = $("bc-badges");
    ui.clear(badges);
    badges.append(statusBadge(b.status));
    if (b.status === "waiting_window") badges.append(ui.badge("kind", "Chỉ gửi 07:00–22:00"));

    const ps = parts(c, b.status), total = ps[0].of;
    const bar = $("bc-progress");
    ui.clear(bar);
    bar.append(progressBar(c, true, b.status));
    const handled = total - pendingOf(ps);
    $("bc-percent").textContent = total
      ? "Đã xử lý " + Math.round((100 * handled) / total) + "% (" + staff.num(handled) + "/" + staff.num(total) + " người)"
      : (b.status === "scheduled" ? "Chưa đến giờ gửi." : "Chưa có người nhận.");
    const lg = $("bc-legend");
    ui.clear(lg);
    for (const p of ps) {
      if (!p.v && ["unplanned", "held", "cancelled"].includes(p.key)) continue;
      const sw = document.createElementNS(NS, "svg");
      sw.setAttribute("width", "12"); sw.setAttribute("height", "12"); sw.setAttribute("aria-hidden", "true");
      const r = document.createElementNS(NS, "rect");
      for (const [k, v] of [["width", 12], ["height", 12], ["rx", 3], ["fill", p.color]]) r.setAttribute(k, v);
      sw.append(r);
      lg.append(el("li", { "data-part": p.key }, sw, p.label + ": ", el("strong", {}, staff.num(p.v))));
    }

    const tiles = $("bc-tiles");
    ui.clear(tiles);
    const t = (k, label, tone) => tiles.append(staff.tile(label, staff.n(c, k), { key: k, tone: tone }));
    t("audience", "Người nhận");
    t("queued", "Đã xếp gửi");
    t("sent", "Đã gửi đi");
    t("delivered", "Đã đến máy", "ok");
    t("failed", "Gửi lỗi", staff.n(c, "failed") ? "err" : null);
    t("skipped", "Bỏ qua", null);

    const sk = $("bc-skipped");
    ui.clear(sk);
    const by = b.skipped_by_reason || {};
    for (const k of ["opted_out", "daily_cap", "no_channel"])
      sk.append(el("li", { "data-reason": k }, el("span", {}, staff.label("skip", k)),
        el("strong", { "data-value": staff.n(by, k) }, staff.num(staff.n(by, k)))));

    $("bc-text").textContent = b.text || "";
    const pv = b.preview || {};
    $("bc-pv-sms").textContent = pv.sms || "";
    $("bc-pv-sms-meta").textContent = pv.sms ? smsMeta(pv.sms, pv.sms_parts, pv.sms_chars) : "";
    $("bc-pv-zalo").textContent = pv.zalo || "";
    $("bc-pv-zalo-meta").textContent = pv.zalo ? staff.num(staff.chars(pv.zalo)) + " ký tự" : "";

    const dl = $("bc-facts");
    ui.clear(dl);
    fact(dl, "Trạng thái", staff.label("bcStatus", b.status));
    fact(dl, "Thời điểm gửi", b.send_at ? ui.time(b.send_at) : "Ngay khi tạo");
    if (b.created_at) fact(dl, "Tạo lúc", ui.time(b.created_at));
    if (b.created_by) {
      const by = typeof b.created_by === "object" ? b.created_by : { id: b.created_by };
      fact(dl, "Người tạo", me && me.id === by.id ? "Bạn (" + (me.name || "cán bộ") + ")" : by.name || "Cán bộ số " + by.id);
    }
    if (b.done_at) fact(dl, "Xong lúc", ui.time(b.done_at));
    fact(dl, "Nhóm người nhận", audienceText(b.audience));

    const live = LIVE.includes(b.status);
    $("bc-pause").hidden = !live;
    $("bc-resume").hidden = b.status !== "paused";
    $("bc-cancel").hidden = !(live || b.status === "paused");
    $("bc-no-actions").hidden = live || b.status === "paused";
    $("bc-body").hidden = false;
    $("bc-updated").textContent = "Cập nhật lúc " + ui.clock(Date.now());
    document.title = (b.name || "Chiến dịch") + " · Hồ sơ hỗ trợ VNeID";
  }

  /* chars: the server's count of GSM-7 characters, when it gives one. */
  function smsMeta(text, partsN, chars) {
    const n = typeof chars === "number" ? chars : staff.gsmLength(text);
    return staff.num(n) + " ký tự" + (typeof partsN === "number" ? " · " + partsN + " tin SMS" : "");
  }
  bc.smsMeta = smsMeta;

  function schedule(b) {
    clearTimeout(timer);
    const every = b && (LIVE.includes(b.status) || b.status === "paused") ? ACTIVE_MS : IDLE_MS;
    timer = setTimeout(() => {
      if (document.hidden) return schedule(current);
      if (current) load(current.id);
    }, every);
  }

  async function load(id) {
    const my = ++seq;
    try {
      const b = await HD.api.call("GET", "broadcasts/" + cid(id));
      if (my !== seq) return;
      render(b);
      ui.show("bc-error", "");
      schedule(b);
    } catch (e) {
      if (my !== seq || e.status === 401) return;
      ui.show("bc-error", staff.errorText(e));
      if (e.status === 404) $("bc-body").hidden = true;
      else schedule(current);
    }
  }

  async function act(btn, what, notice) {
    ui.show("bc-act-error", "");
    ui.show("bc-notice", "");
    const id = current.id;
    btn.disabled = true;
    try {
      await HD.api.call("POST", "broadcasts/" + cid(id) + "/" + what, {});
      ui.show("bc-notice", notice);
    } catch (e) {
      if (e.status !== 401) ui.show("bc-act-error", staff.errorText(e));
    } finally {
      btn.disabled = false;
    }
    await load(id);
  }

  function wire() {
    if (wired) return;
    wired = true;
    $("bc-refresh").addEventListener("click", () => current && load(current.id));
    $("bc-list-refresh").addEventListener("click", loadList);
    $("bc-pause").addEventListener("click", () =>
      act($("bc-pause"), "pause", "Đã tạm dừng. Tin đã xếp gửi được giữ lại cho đến khi tiếp tục."));
    $("bc-resume").addEventListener("click", () => act($("bc-resume"), "resume", "Chiến dịch tiếp tục gửi."));
    $("bc-cancel").addEventListener("click", async () => {
      const waiting = current ? pendingOf(parts(current.counts || {}, current.status)) : 0;
      const ok = await staff.confirm($("bc-confirm"),
        "Huỷ chiến dịch này? " + (waiting ? staff.num(waiting) + " người chưa nhận tin sẽ không được gửi. " : "") +
        "Không thể hoàn tác.", "Huỷ chiến dịch", "danger");
      if (ok) act($("bc-cancel"), "cancel", "Đã huỷ chiến dịch. Những tin chưa gửi sẽ không được gửi.");
    });
  }

  bc.showOne = function (id, notice) {
    wire();
    bc.hide();
    if (!current || String(current.id) !== String(id)) {
      current = null;
      $("bc-body").hidden = true;
      ui.show("bc-notice", "");
      ui.show("bc-act-error", "");
    }
    ui.clear($("bc-confirm"));
    $("bc-confirm").hidden = true;
    if (notice) ui.show("bc-notice", notice);
    ui.show("bc-error", "");
    load(id);
  };

  bc.hide = function () {
    clearTimeout(timer);
    clearInterval(listTimer);
    timer = listTimer = null;
    seq++;
  };

  bc.reset = function () {
    bc.hide();
    current = null;
    ui.clear($("bc-list"));
  };

  bc.setMe = function (m) { me = m; };
  bc.audienceText = audienceText;
  HD.broadcasts = bc;
})(window.HD);
