/* case.js -- one case: its facts, the whole conversation, its history, and
 * what the officer can do (claim, reply, resolve, close). Every change goes
 * to the server, then the page reloads the case from it: what is shown is
 * what the server holds, never a local guess -- except a reply just queued,
 * shown as pending until the server lists it. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = HD.ui, el = ui.el;
  const $ = (id) => document.getElementById(id);
  const EVERY_MS = 30000, TEXT_MAX = 1000;
  const page = {};
  let current = null, me = null, seq = 0, timer = null, wired = false, pending = null;

  const chars = (s) => Array.from(s).length;  /* code points, as the server counts */

  function actorName(actor, c) {
    if (actor === "citizen") return "Người dân";
    if (actor === "bot") return "Tổng đài";
    if (actor === "system") return "Hệ thống";
    const m = /^user:(\d+)$/.exec(actor || "");
    if (m) {
      const id = Number(m[1]);
      if (me && me.id === id) return "Bạn (" + (me.name || "cán bộ") + ")";
      if (c && c.claimed_by && c.claimed_by.id === id && c.claimed_by.name) return c.claimed_by.name;
      return "Cán bộ số " + id;
    }
    return actor || "";
  }

  function fact(dl, label, value, cls) {
    if (value === null || value === undefined || value === "") value = "—";
    dl.append(el("dt", {}, label), value instanceof Node ? el("dd", { class: cls }, value)
      : el("dd", { class: cls }, String(value)));
  }

  function renderFacts(c) {
    const dl = $("facts");
    ui.clear(dl);
    const purged = c.purged || c.purged_at ? "(đã xoá theo thời hạn lưu trữ)" : "";
    fact(dl, "Loại việc", ui.label("kind", c.kind));
    if (c.reason) fact(dl, "Lý do chuyển", ui.label("reason", c.reason));
    const cm = c.commune || {};
    fact(dl, "Xã, phường", [ui.commune(cm), cm.province].filter(Boolean).join(", "));
    fact(dl, "Kênh liên lạc", ui.label("channel", c.channel));
    fact(dl, "Họ và tên", c.full_name || purged);
    const full = /^\d{12}$/.test(c.id_number || "");
    fact(dl, full ? "Số định danh cá nhân" : "Số định danh cá nhân (đã che)", c.id_number || purged, "mono");
    const phone = c.callback_phone || "";
    if (/^\+?\d{6,15}$/.test(phone))
      fact(dl, "Số điện thoại gọi lại",
        el("a", { href: "tel:" + phone, class: "mono" }, phone));
    else fact(dl, "Số điện thoại gọi lại", phone || purged);
    fact(dl, "Mô tả của người dân", c.description || purged, "desc");
    const active = c.status === "open" || c.status === "claimed";
    const age = ui.age(c.created_at_ms || c.created_at);
    fact(dl, "Tạo lúc", ui.time(c.created_at_ms || c.created_at) +
      (!active ? "" : age === "vừa xong" ? " (vừa xong)" : " (đã chờ " + age + ")"));
    if (c.claimed_at) fact(dl, "Nhận xử lý lúc", ui.time(c.claimed_at));
    fact(dl, "Người xử lý", c.claimed_by ? (c.claimed_by.name || "Cán bộ số " + c.claimed_by.id) : "Chưa có");
    if (c.resolved_at) fact(dl, "Giải quyết lúc", ui.time(c.resolved_at));
    if (c.closed_at) fact(dl, "Đóng lúc", ui.time(c.closed_at));
  }

  function bubble(m, c) {
    const out = m.dir === "out";
    const actor = m.actor || m.by || "";
    const officer = out && /^user:/.test(actor);
    let who = out ? (actor ? actorName(actor, c) : "Gửi đi") : "Người dân";
    if (officer && !/^Bạn/.test(who)) who = "Cán bộ: " + who;
    const meta = [who, ui.time(m.at)];
    if (out && m.status) meta.push(ui.label("msgStatus", m.status));
    return el("li", {
      class: "msg " + (out ? "msg-out" : "msg-in") + (officer ? " msg-officer" : "") +
        (m.pending ? " msg-pending" : ""),
      "data-dir": out ? "out" : "in",
    },
    el("div", { class: "bubble" }, m.text || ""),
    el("div", { class: "msg-meta" }, meta.filter(Boolean).join(" · ")));
  }

  function renderConversation(c) {
    const ol = $("conv");
    /* A reload keeps the officer's place, unless they were at the newest. */
    const first = !ol.firstChild, top = ol.scrollTop;
    const atEnd = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
    ui.clear(ol);
    const list = Array.isArray(c.conversation) ? c.conversation.slice() : [];
    /* Who wrote an outgoing message, when the server says: on the message
     * itself, or through the reply event that names its message id. */
    const byMsg = new Map(), byText = new Map();
    for (const ev of Array.isArray(c.events) ? c.events : []) {
      if (!/^user:/.test(ev.actor || "") || (ev.kind !== "reply" && ev.kind !== "message")) continue;
      if (ev.message_id) byMsg.set(ev.message_id, ev.actor);
      /* The event keeps the text as sent: the same words as the message. */
      if (ev.text) byText.set(ev.text, ev.actor);
    }
    for (let i = 0; i < list.length; i++) {
      const m = list[i];
      if (m.dir !== "out" || m.actor) continue;
      const actor = (m.id && byMsg.get(m.id)) || byText.get(m.text) || "bot";
      list[i] = Object.assign({}, m, { actor: actor });
    }
    if (pending) {
      const outs = list.filter((m) => m.dir === "out").length;
      if (outs > pending.outsBefore) pending = null;    /* the server lists it now */
      else list.push({ dir: "out", text: pending.text, at: pending.at, status: "queued", pending: true,
        actor: me ? "user:" + me.id : "" });
    }
    for (const m of list) ol.append(bubble(m, c));
    $("conv-empty").hidden = list.length > 0;
    ol.scrollTop = first || atEnd ? ol.scrollHeight : top;
  }

  function renderHistory(c) {
    const ol = $("history");
    ui.clear(ol);
    const events = Array.isArray(c.events) ? c.events : [];
    for (const ev of events) {
      let what = ui.label("event", ev.kind);
      if (ev.kind === "message" && ev.actor !== "citizen") what = "Tin gửi người dân";
      /* Some events carry an id as their text: say it in words. */
      let text = ev.text || "";
      if (ev.kind === "escalation" && Object.prototype.hasOwnProperty.call(ui.labels.reason, text))
        text = ui.label("reason", text);
      if (ev.kind === "closed" && Object.prototype.hasOwnProperty.call(ui.labels.closeReason, text))
        text = ui.label("closeReason", text);
      const li = el("li", { "data-kind": ev.kind || "" },
        el("div", { class: "h-what" }, what),
        el("div", { class: "h-meta" }, [actorName(ev.actor, c), ui.time(ev.at)].filter(Boolean).join(" · ")));
      if (text) li.append(el("div", { class: "h-text" }, text));
      ol.append(li);
    }
    if (!events.length) ol.append(el("li", {}, el("div", { class: "h-meta" }, "Chưa có sự kiện.")));
  }

  function renderActions(c) {
    const done = c.status === "resolved" || c.status === "closed";
    const mine = c.claimed_by && me && c.claimed_by.id === me.id;
    const other = c.status === "claimed" && c.claimed_by && !mine;
    $("act-none").hidden = !done;
    $("reply-card").hidden = done;
    $("resolve-form").hidden = done;
    $("close-form").hidden = done;
    const claim = $("act-claim");
    claim.hidden = done || mine;
    claim.disabled = other;
    claim.textContent = other ? "Đã có cán bộ khác nhận" : "Nhận xử lý";
  }

  function render(c) {
    current = c;
    $("case-title").textContent = "Hồ sơ số " + c.id;
    /* Who and where at a glance: on a phone the facts are far below. */
    const sub = $("case-sub");
    ui.clear(sub);
    const bits = [c.full_name, ui.commune(c.commune)].filter(Boolean);
    sub.append(bits.join(" · "));
    if (/^\+?\d{6,15}$/.test(c.callback_phone || ""))
      sub.append(bits.length ? " · " : "", el("a", { href: "tel:" + c.callback_phone, class: "mono" },
        c.callback_phone));
    const b = $("case-badges");
    ui.clear(b);
    b.append(ui.statusBadge(c));
    if (c.overdue) b.append(ui.badge("overdue", "Quá hạn"));
    b.append(ui.badge("kind", ui.label("kind", c.kind)));
    $("case-body").hidden = false;      /* first: scrolling needs a laid-out list */
    renderFacts(c);
    renderConversation(c);
    renderHistory(c);
    renderActions(c);
    document.title = "Hồ sơ số " + c.id + " · Hồ sơ hỗ trợ VNeID";
  }

  async function load(id) {
    const my = ++seq;
    try {
      const c = await HD.api.getCase(id);
      if (my !== seq) return;
      render(c);
      ui.show("case-error", "");
    } catch (e) {
      if (my !== seq || e.status === 401) return;
      ui.show("case-error", ui.errorText(e));
      if (e.status === 404) $("case-body").hidden = true;
    }
  }

  /* Runs one change: buttons off meanwhile, the error under the form, the
   * notice on top, then the case as the server now has it. */
  async function act(btn, errId, fn, notice) {
    ui.show(errId, "");
    ui.show("case-notice", "");
    const id = current.id;
    btn.disabled = true;
    try {
      const res = await fn(id);
      ui.show("case-notice", typeof notice === "function" ? notice(res) : notice);
      await load(id);
      return true;
    } catch (e) {
      if (e.status !== 401) ui.show(errId, ui.errorText(e));
      if (e.status === 409) await load(id);
      return false;
    } finally {
      btn.disabled = false;
      if (current) renderActions(current);
    }
  }

  function updateCount() {
    const n = chars($("reply-text").value);
    const c = $("reply-count");
    c.textContent = n + "/" + TEXT_MAX;
    c.classList.toggle("over", n > TEXT_MAX);
  }

  function wire() {
    if (wired) return;
    wired = true;
    $("case-refresh").addEventListener("click", () => current && load(current.id));
    $("reply-text").addEventListener("input", updateCount);
    $("act-claim").addEventListener("click", () =>
      act($("act-claim"), "act-error", (id) => HD.api.claim(id), "Bạn đã nhận xử lý hồ sơ này."));

    $("reply-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const box = $("reply-text"), text = box.value;
      const n = chars(text);
      if (!text.trim()) return ui.show("reply-error", "Hãy nhập nội dung trả lời.");
      if (n > TEXT_MAX) return ui.show("reply-error", "Nội dung dài " + n + " ký tự, tối đa " + TEXT_MAX + ".");
      const outsBefore = (current.conversation || []).filter((m) => m.dir === "out").length;
      const ok = await act($("reply-send"), "reply-error", async (id) => {
        const res = await HD.api.reply(id, text);
        pending = { text: text, at: Date.now(), outsBefore: outsBefore };
        return res;
      }, (res) => "Đã đưa tin trả lời vào hàng đợi gửi" +
        (res && res.message_id ? " (tin số " + res.message_id + ")" : "") + ": «" + text + "»");
      if (ok) { box.value = ""; updateCount(); }
    });

    $("resolve-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const note = $("resolve-note").value.trim();
      if (chars(note) > TEXT_MAX) return ui.show("act-error", "Ghi chú tối đa " + TEXT_MAX + " ký tự.");
      const ok = await act($("act-resolve"), "act-error", (id) => HD.api.resolve(id, note),
        "Hồ sơ đã được đánh dấu đã giải quyết; người dân sẽ nhận được thông báo.");
      if (ok) $("resolve-note").value = "";
    });

    $("close-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const reason = $("close-reason").value;
      if (!reason) return ui.show("act-error", "Hãy chọn lý do đóng hồ sơ.");
      act($("act-close"), "act-error", (id) => HD.api.close(id, reason),
        "Hồ sơ đã đóng (" + ui.label("closeReason", reason) + ").");
    });
  }

  page.setMe = function (m) { me = m; };

  page.show = function (id) {
    wire();
    if (!current || String(current.id) !== String(id)) {
      current = null;
      pending = null;
      $("case-body").hidden = true;
      ui.clear($("conv"));
      ui.show("case-notice", "");
      $("reply-text").value = "";
      $("resolve-note").value = "";
      $("close-reason").value = "";
      ui.show("reply-error", "");
      ui.show("act-error", "");
      updateCount();
    }
    ui.show("case-error", "");
    load(id);
    clearInterval(timer);
    timer = setInterval(() => { if (!document.hidden && current) load(current.id); }, EVERY_MS);
  };

  page.hide = function () {
    clearInterval(timer);
    timer = null;
    seq++;
  };

  page.reset = function () {
    page.hide();
    current = null;
    pending = null;
    me = null;
  };

  HD.casePage = page;
})(window.HD);
