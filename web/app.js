/* app.js -- sign-in, sign-out and the router: "#/" is the queue, "#/case/N"
 * one case; for staff and admins also "#/broadcasts" (campaigns, "/new",
 * "/N"), "#/import" (lists) and "#/reports", with a menu an officer never
 * sees. Nothing is shown before /api/v1/me has accepted the token. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = HD.ui, api = HD.api;
  const $ = (id) => document.getElementById(id);
  let me = null;

  const VIEWS = ["login", "queue", "case", "broadcasts", "bc-new", "bc", "import", "reports"];
  const isStaff = (m) => !!m && (m.role === "staff" || m.role === "admin");
  const BRAND_SUB = "Dành cho cán bộ Công an xã, phường, đặc khu";

  function showView(name) {
    for (const v of VIEWS) $("view-" + v).hidden = v !== name;
    if (name !== "queue") HD.queue.hide();
    if (name !== "case") HD.casePage.hide();
    if (name !== "broadcasts" && name !== "bc") HD.broadcasts.hide();
    if (name !== "bc-new") HD.broadcastNew.hide();
    if (name !== "reports") HD.reports.hide();
  }

  /* The menu marks where the user is: the queue for a case too, the
   * campaigns for one campaign or a new one. */
  function markNav(name) {
    const section = { queue: "queue", case: "queue", broadcasts: "broadcasts", "bc-new": "broadcasts",
      bc: "broadcasts", import: "import", reports: "reports" }[name] || "";
    for (const a of document.querySelectorAll("#staff-nav a")) {
      if (a.getAttribute("data-nav") === section) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
  }

  /* message: why the officer is here (an error), info: a plain note. */
  function showLogin(message, info) {
    me = null;
    $("who").hidden = true;
    $("staff-nav").hidden = true;
    $("brand-sub").textContent = BRAND_SUB;
    HD.queue.reset();
    HD.casePage.reset();
    HD.broadcasts.reset();
    HD.broadcastNew.reset();
    HD.importPage.reset();
    HD.reports.reset();
    showView("login");
    document.title = "Đăng nhập · Hồ sơ hỗ trợ VNeID";
    ui.show("login-error", message || "");
    ui.show("login-info", info || "");
    $("token").value = "";
    $("token").focus();
  }

  function signedIn(m) {
    me = m;
    $("who-name").textContent = m.name || "";
    const communes = Array.isArray(m.communes) ? m.communes.map((c) => c.name || c.code) : [];
    $("who-role").textContent = ui.label("role", m.role) + (communes.length ? " · " + communes.join(", ") : "");
    $("who").hidden = false;
    $("staff-nav").hidden = !isStaff(m);
    $("brand-sub").textContent = isStaff(m) ? "Hồ sơ, chiến dịch nhắc nhở và báo cáo Đề án 06" : BRAND_SUB;
    HD.queue.setMe(m);
    HD.casePage.setMe(m);
    if (isStaff(m)) {
      HD.broadcastNew.setMe(m);
      HD.broadcasts.setMe(m);
    }
  }

  /* The staff pages; false when the hash is none of them. An officer who
   * types such an address gets the queue (the API would refuse anyway). */
  function staffRoute(h) {
    const page = (view, title, fn) => {
      showView(view);
      markNav(view);
      document.title = title + " · Hồ sơ hỗ trợ VNeID";
      fn();
      const h1 = document.querySelector("#view-" + view + " h1");
      if (h1) h1.focus({ preventScroll: true });
      return true;
    };
    let m;
    if (h === "#/broadcasts") return page("broadcasts", "Chiến dịch nhắc nhở", () => HD.broadcasts.showList());
    if (h === "#/broadcasts/new") return page("bc-new", "Tạo chiến dịch", () => HD.broadcastNew.show());
    if ((m = /^#\/broadcasts\/(\d{1,18})$/.exec(h))) {
      const id = m[1];
      return page("bc", "Chiến dịch số " + id, () => {
        HD.broadcasts.showOne(id, HD.broadcasts.flash);
        HD.broadcasts.flash = "";
      });
    }
    if (h === "#/import") return page("import", "Nhập danh sách", () => HD.importPage.show());
    if (h === "#/reports") return page("reports", "Báo cáo chiến dịch", () => HD.reports.show());
    return false;
  }

  function route() {
    if (!me) return;
    const h = location.hash || "#/";
    if (!h.startsWith("#/")) return;          /* an in-page anchor, not a route */
    const m = /^#\/case\/(\d{1,18})$/.exec(h);
    ui.show("global-error", "");
    if (isStaff(me) && staffRoute(h)) return;
    if (m) {
      showView("case");
      markNav("case");
      HD.casePage.show(m[1]);
      $("case-title").focus({ preventScroll: true });
      return;
    }
    showView("queue");
    markNav("queue");
    document.title = "Hàng đợi hồ sơ · Hồ sơ hỗ trợ VNeID";
    HD.queue.show();
  }

  async function start() {
    let m;
    try {
      m = await api.me();
    } catch (e) {
      if (e.status === 401) return;           /* onUnauthorized has shown the sign-in */
      showLogin(ui.errorText(e));
      return;
    }
    signedIn(m);
    route();
  }

  api.onUnauthorized = function () {
    const was = me !== null;
    api.clearToken();
    showLogin(was ? "Phiên đăng nhập đã hết hoặc mã đã bị thu hồi. Vui lòng đăng nhập lại."
      : "Mã đăng nhập không đúng hoặc đã bị thu hồi.");
  };

  document.addEventListener("DOMContentLoaded", () => {
    for (const id of ["case-title", "bcl-title", "bcn-title", "bc-title", "imp-title", "rep-title"])
      $(id).setAttribute("tabindex", "-1");
    $("login-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const tok = $("token").value.trim();
      if (!tok) return ui.show("login-error", "Hãy nhập mã đăng nhập.");
      const btn = $("login-submit");
      btn.disabled = true;
      ui.show("login-error", "");
      ui.show("login-info", "");
      api.setToken(tok);
      try {
        await start();
      } finally {
        btn.disabled = false;
      }
    });
    $("logout").addEventListener("click", () => {
      api.clearToken();
      showLogin("", "Bạn đã đăng xuất.");
      history.replaceState(null, "", "#/");
    });
    window.addEventListener("hashchange", route);
    if (api.token()) start();
    else showLogin("");
  });
})(window.HD);
