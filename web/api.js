/* api.js -- the /api/v1 calls. The token lives in sessionStorage only (gone
 * when the tab closes, never in a URL) and travels as a Bearer header. Every
 * failure becomes one error shape: {status, code, message, network}; a 401
 * anywhere signs the officer out. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const KEY = "hd.token";
  const api = {};

  api.token = function () {
    try { return sessionStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  };
  api.setToken = function (t) {
    try { sessionStorage.setItem(KEY, t); } catch (e) { /* private mode: the call fails with 401 */ }
  };
  api.clearToken = function () {
    try { sessionStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
  };

  /* Set by app.js: what to do when the server no longer accepts the token. */
  api.onUnauthorized = null;

  function apiError(status, body) {
    const e = new Error("api " + status);
    const er = body && typeof body === "object" && body.error && typeof body.error === "object"
      ? body.error : {};
    e.status = status;
    e.code = typeof er.code === "string" ? er.code : (status === 401 ? "unauthorized" : "");
    e.message = typeof er.message === "string" ? er.message : "";
    return e;
  }

  /* call("GET", "cases?status=open") -> the parsed JSON body (2xx), or throws. */
  api.call = async function (method, path, body) {
    const headers = { Accept: "application/json" };
    const tok = api.token();
    if (tok) headers.Authorization = "Bearer " + tok;
    const init = { method: method, headers: headers, cache: "no-store", credentials: "omit" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let resp;
    try {
      /* Relative: the dashboard works under whatever prefix a proxy gives it. */
      resp = await fetch("api/v1/" + path, init);
    } catch (e) {
      const ne = new Error("network");
      ne.network = true;
      ne.status = 0;
      throw ne;
    }
    let data = null;
    const text = await resp.text();
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (resp.status === 401) {
      const e = apiError(401, data);
      if (api.onUnauthorized) api.onUnauthorized(e);
      throw e;
    }
    if (resp.status < 200 || resp.status > 299) throw apiError(resp.status, data);
    return data || {};
  };

  api.me = () => api.call("GET", "me");

  api.cases = function (filters) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filters || {}))
      if (v !== "" && v !== null && v !== undefined && v !== false) q.set(k, String(v));
    const qs = q.toString();
    return api.call("GET", "cases" + (qs ? "?" + qs : ""));
  };

  const cid = (id) => encodeURIComponent(String(id));
  api.getCase = (id) => api.call("GET", "cases/" + cid(id));
  api.claim = (id) => api.call("POST", "cases/" + cid(id) + "/claim", {});
  api.reply = (id, text) => api.call("POST", "cases/" + cid(id) + "/reply", { text: text });
  api.resolve = (id, note) => api.call("POST", "cases/" + cid(id) + "/resolve", { note: note });
  api.close = (id, reason) => api.call("POST", "cases/" + cid(id) + "/close", { reason: reason });

  HD.api = api;
})(window.HD);
