/* queue.js -- the list of cases of the officer's communes. The server sorts
 * (overdue first, then oldest first); this view filters, pages, and reloads
 * every 30 seconds while it is on screen. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = HD.ui, el = ui.el;
  const PAGE = 50, EVERY_MS = 30000;
  const $ = (id) => document.getElementById(id);
  const queue = {};
  let offset = 0, timer = null, seq = 0, wired = false;

  function filters() {
    return {
      status: $("f-status").value,
      kind: $("f-kind").value,
      commune: $("f-commune").value,
      overdue: $("f-overdue").checked ? 1 : "",
      limit: PAGE,
      offset: offset,
    };
  }

  function row(c, now) {
    const href = "#/case/" + encodeURIComponent(String(c.id));
    const idCell = el("td", { class: "c-id" },
      el("a", { href: href, class: "case-link", "data-case-id": c.id }, "#" + c.id));
    if (c.overdue) idCell.append(ui.badge("overdue", "Quá hạn"));
    const claimed = c.claimed_by ? (c.claimed_by.name || "#" + c.claimed_by.id) : "Chưa có";
    const tr = el("tr", { class: c.overdue ? "is-overdue" : null, "data-case-id": c.id, role: "row" },
      idCell,
      el("td", { class: "c-status" }, ui.statusBadge(c)),
      el("td", { "data-label": "Loại việc" }, ui.label("kind", c.kind)),
      el("td", { "data-label": "Xã, phường" }, ui.commune(c.commune)),
      el("td", { "data-label": "Họ và tên", class: "c-name" }, c.full_name || "(chưa có)"),
      el("td", { "data-label": "Số định danh", class: "nowrap" }, el("span", { class: "mono" }, c.id_number || "")),
      el("td", { "data-label": "Đã chờ", class: "nowrap", title: ui.time(c.created_at_ms || c.created_at) },
        ui.age(c.created_at_ms || c.created_at, now)),
      el("td", { "data-label": "Người xử lý" }, claimed));
    /* The whole row opens the case (a big target on a phone); the link
     * inside stays the keyboard and screen-reader way in. */
    tr.addEventListener("click", (ev) => {
      if (ev.target.closest("a")) return;
      location.hash = href;
    });
    return tr;
  }

  queue.refresh = async function () {
    const my = ++seq;
    const btn = $("queue-refresh");
    btn.disabled = true;
    try {
      const data = await HD.api.cases(filters());
      if (my !== seq) return;
      const list = Array.isArray(data.cases) ? data.cases : [];
      const total = typeof data.total === "number" ? data.total : list.length;
      const now = Date.now();
      const body = $("queue-body");
      ui.clear(body);
      /* A reload must not take the keyboard focus away from the officer. */
      const f = document.activeElement;
      const keep = f && body.contains(f) ? f.getAttribute("data-case-id") : null;
      for (const c of list) body.append(row(c, now));
      for (const td of body.querySelectorAll("td")) td.setAttribute("role", "cell");
      if (keep) {
        const again = body.querySelector('a[data-case-id="' + CSS.escape(keep) + '"]');
        if (again) again.focus();
      }
      $("queue-table").hidden = list.length === 0;
      $("queue-empty").hidden = list.length !== 0;
      const overdue = list.filter((c) => c.overdue).length;
      $("queue-summary").textContent = total === 0 ? "" :
        total + " hồ sơ" + (overdue ? ", " + overdue + " quá hạn trên trang này" : "");
      $("queue-pager").hidden = total <= PAGE;
      $("page-prev").disabled = offset === 0;
      $("page-next").disabled = offset + list.length >= total;
      $("page-info").textContent = list.length
        ? (offset + 1) + "–" + (offset + list.length) + " / " + total : "";
      $("queue-updated").textContent = "Cập nhật lúc " + ui.clock(now);
      ui.show("queue-error", "");
    } catch (e) {
      if (my !== seq || e.status === 401) return;
      ui.show("queue-error", ui.errorText(e));
    } finally {
      if (my === seq) btn.disabled = false;
    }
  };

  function wire() {
    if (wired) return;
    wired = true;
    $("queue-refresh").addEventListener("click", () => queue.refresh());
    $("filters").addEventListener("submit", (ev) => ev.preventDefault());
    for (const id of ["f-status", "f-kind", "f-commune", "f-overdue"])
      $(id).addEventListener("change", () => { offset = 0; queue.refresh(); });
    $("page-prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); queue.refresh(); });
    $("page-next").addEventListener("click", () => { offset += PAGE; queue.refresh(); });
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && timer) queue.refresh();
    });
  }

  /* The commune filter lists the officer's own communes (staff and admins,
   * who have none, do without it). */
  queue.setMe = function (me) {
    const sel = $("f-commune");
    while (sel.options.length > 1) sel.remove(1);
    const communes = Array.isArray(me.communes) ? me.communes : [];
    for (const c of communes) sel.append(el("option", { value: c.code }, c.name || c.code));
    $("f-commune-field").hidden = communes.length < 2;
    $("queue-communes").textContent = communes.length
      ? "Hồ sơ của " + communes.map((c) => c.name || c.code).join(", ")
      : (me.role === "staff" && me.province ? "Hồ sơ của tỉnh, thành phố được giao" : "Tất cả hồ sơ");
  };

  queue.show = function () {
    wire();
    queue.refresh();
    clearInterval(timer);
    timer = setInterval(() => { if (!document.hidden) queue.refresh(); }, EVERY_MS);
  };

  queue.hide = function () {
    clearInterval(timer);
    timer = null;
    seq++;
  };

  queue.reset = function () {
    queue.hide();
    offset = 0;
    ui.clear($("queue-body"));
    $("f-status").value = "active";
    $("f-kind").value = "";
    $("f-commune").value = "";
    $("f-overdue").checked = false;
  };

  HD.queue = queue;
})(window.HD);
