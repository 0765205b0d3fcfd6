/* app.js -- sign-in, sign-out and the router: "#/" is the queue, "#/case/N"
 * one case. Nothing is shown before /api/v1/me has accepted the token. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = HD.ui, api = HD.api;
  const $ = (id) => document.getElementById(id);
  let me = null;

  function showView(name) {
    for (const v of ["login", "queue", "case"]) $("view-" + v).hidden = v !== name;
    if (name !== "queue") HD.queue.hide();
    if (name !== "case") HD.casePage.hide();
  }

  /* message: why the officer is here (an error), info: a plain note. */
  function showLogin(message, info) {
    me = null;
    $("who").hidden = true;
    HD.queue.reset();
    HD.casePage.reset();
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
    HD.queue.setMe(m);
    HD.casePage.setMe(m);
  }

  function route() {
    if (!me) return;
    const h = location.hash || "#/";
    if (!h.startsWith("#/")) return;          /* an in-page anchor, not a route */
    const m = /^#\/case\/(\d{1,18})$/.exec(h);
    ui.show("global-error", "");
    if (m) {
      showView("case");
      HD.casePage.show(m[1]);
      $("case-title").focus({ preventScroll: true });
      return;
    }
    showView("queue");
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
    $("case-title").setAttribute("tabindex", "-1");
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
