/* staff.js -- what the staff pages (campaigns, list import, reports) share:
 * Vietnamese labels for the campaign API's ids, numbers and dates on
 * Vietnam's clock, readable errors, figure tiles, and the in-page
 * confirmation used before anything reaches many citizens. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = HD.ui, el = ui.el;
  const staff = {};
  const VN_MS = 7 * 3600 * 1000;          /* Asia/Ho_Chi_Minh: UTC+7, no DST */
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

  staff.labels = {
    bcStatus: {
      scheduled: "Đã lên lịch", sending: "Đang gửi", waiting_window: "Chờ khung giờ gửi",
      paused: "Tạm dừng", done: "Đã gửi xong", cancelled: "Đã huỷ",
    },
    segment: {
      not_activated: "Người dân chưa kích hoạt tài khoản",
      intent: "Người dân đã hỏi về một chủ đề",
      all: "Mọi người dân (trừ người đã từ chối nhận tin)",
    },
    skip: {
      opted_out: "Đã từ chối nhận tin",
      daily_cap: "Đã nhận một tin nhắc khác trong ngày",
      no_channel: "Không có kênh liên lạc",
    },
    /* The topics a citizen may have asked about (shared/intents.tsv). */
    intent: {
      install_app: "Cài ứng dụng VNeID",
      register_level1: "Đăng ký tài khoản mức 1",
      register_level2: "Đăng ký tài khoản mức 2",
      activate_account: "Kích hoạt tài khoản",
      pending_approval: "Hồ sơ chờ duyệt",
      otp_not_received: "Không nhận được mã OTP",
      forgot_passcode: "Quên mật khẩu, passcode",
      device_change: "Đổi thiết bị",
      phone_change: "Đổi số điện thoại",
      sim_not_owner: "SIM không chính chủ",
      chip_face_error: "Lỗi quét chip, khuôn mặt",
      app_error: "Lỗi ứng dụng",
      integrate_documents: "Tích hợp giấy tờ",
      public_services_login: "Đăng nhập dịch vụ công",
      eligibility: "Ai được đăng ký",
      documents_needed: "Giấy tờ cần mang",
      where_to_go: "Nơi làm, giờ làm việc",
      benefits: "Lợi ích của VNeID",
      scam_report: "Báo lừa đảo",
      human_agent: "Xin gặp cán bộ",
      greeting: "Chào hỏi",
      menu: "Xem menu",
      opt_out: "Từ chối nhận tin",
      activation_done: "Báo đã kích hoạt",
      thanks: "Cảm ơn, chào",
      unknown: "Ngoài phạm vi, chưa rõ",
    },
  };

  staff.label = function (map, id) {
    if (id === null || id === undefined || id === "") return "";
    return has(staff.labels[map], id) ? staff.labels[map][id] : String(id);
  };

  /* "1.234", "2,5": Vietnamese separators, whatever the browser's locale;
   * at most `digits` decimals (1 unless told). */
  staff.num = function (n, digits) {
    if (typeof n !== "number" || !Number.isFinite(n)) return "—";
    const f10 = Math.pow(10, digits === undefined ? 1 : digits);
    const neg = n < 0, s = String(Math.round(Math.abs(n) * f10) / f10);
    const [i, f] = s.split(".");
    return (neg ? "-" : "") + i.replace(/\B(?=(\d{3})+(?!\d))/g, ".") + (f ? "," + f : "");
  };

  /* A count from an API object: a number, or 0 when absent. */
  staff.n = function (o, k) {
    const v = o && o[k];
    return typeof v === "number" && Number.isFinite(v) ? v : 0;
  };

  const pad = (n) => String(n).padStart(2, "0");

  /* Today in Vietnam as YYYY-MM-DD (the report's date). */
  staff.today = function (now) {
    const d = new Date((now || Date.now()) + VN_MS);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
  };

  /* "2025-11-22" -> "22/11/2025". */
  staff.dateVi = function (iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : String(iso || "");
  };

  /* The Monday..Sunday week containing a YYYY-MM-DD date, as two dates. */
  staff.week = function (iso) {
    const t = Date.parse(iso + "T00:00:00Z");
    if (Number.isNaN(t)) return null;
    const dow = (new Date(t).getUTCDay() + 6) % 7;     /* Monday = 0 */
    const f = (ms) => new Date(ms).toISOString().slice(0, 10);
    return { from: f(t - dow * 86400000), to: f(t + (6 - dow) * 86400000) };
  };

  /* A <input type="datetime-local"> value read as Vietnam's clock -> epoch
   * ms (null if empty or invalid), and back. */
  staff.vnLocalToMs = function (v) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v || "");
    if (!m) return null;
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - VN_MS;
  };
  staff.msToVnLocal = function (ms) {
    const d = new Date(ms + VN_MS);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      "T" + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  };
  /* Minutes since midnight in Vietnam. */
  staff.vnMinutes = function (ms) {
    const d = new Date(ms + VN_MS);
    return d.getUTCHours() * 60 + d.getUTCMinutes();
  };

  /* Errors in the staff pages' words (the officers' texts speak of cases). */
  const byCode = {
    not_found: "Không tìm thấy, hoặc không thuộc tỉnh, thành phố của bạn.",
    conflict: "Trạng thái hiện tại không cho phép thao tác này. Trang đã được tải lại.",
    forbidden: "Tài khoản của bạn không có quyền dùng chức năng này.",
    too_large: "Dữ liệu gửi lên quá lớn.",
    payload_too_large: "Dữ liệu gửi lên quá lớn.",
  };
  staff.errorText = function (e) {
    if (e && !e.network && byCode[e.code]) {
      let s = byCode[e.code];
      if (e.message) s += " Chi tiết: " + e.message;
      return s;
    }
    if (e && e.status === 413) return "Dữ liệu gửi lên quá lớn (413).";
    return ui.errorText(e);
  };

  /* One figure: a label over a big number. */
  staff.tile = function (label, value, opts) {
    const o = opts || {};
    return el("div", { class: "tile" + (o.tone ? " tile-" + o.tone : ""), "data-key": o.key || null },
      el("div", { class: "tile-label" }, label),
      el("div", { class: "tile-value", "data-value": typeof value === "number" ? value : null },
        typeof value === "number" ? staff.num(value) : String(value)),
      o.sub ? el("div", { class: "tile-sub" }, o.sub) : null);
  };

  /* An in-page "are you sure?" under a button: a question with a confirming
   * and a cancelling button. Resolves true or false. Replaces any earlier
   * question in the same holder. */
  staff.confirm = function (holder, question, yesText, tone) {
    ui.clear(holder);
    return new Promise((resolve) => {
      const yes = el("button", { type: "button", class: "btn " + (tone === "danger" ? "btn-danger-solid" : "btn-primary"),
        "data-confirm": "yes" }, yesText);
      const no = el("button", { type: "button", class: "btn", "data-confirm": "no" }, "Quay lại");
      const box = el("div", { class: "confirm", role: "alertdialog", "aria-live": "assertive" },
        el("p", { class: "confirm-q" }, question), el("div", { class: "confirm-actions" }, yes, no));
      const end = (v) => { ui.clear(holder); holder.hidden = true; resolve(v); };
      yes.addEventListener("click", () => end(true));
      no.addEventListener("click", () => end(false));
      holder.append(box);
      holder.hidden = false;
      yes.focus();
    });
  };

  /* A call whose body or answer is not JSON (a CSV up or down), with the
   * same token, the same error shape and the same 401 handling as
   * HD.api.call. Resolves to the Response (2xx), its body unread. */
  staff.fetchRaw = async function (method, path, body, type) {
    const headers = { Accept: "*/*" };
    const tok = HD.api.token();
    if (tok) headers.Authorization = "Bearer " + tok;
    if (type) headers["Content-Type"] = type;
    let resp;
    try {
      resp = await fetch("api/v1/" + path, { method: method, headers: headers, body: body,
        cache: "no-store", credentials: "omit" });
    } catch (e) {
      throw Object.assign(new Error("network"), { network: true, status: 0 });
    }
    if (resp.status >= 200 && resp.status <= 299) return resp;
    let data = null;
    try { data = JSON.parse(await resp.text()); } catch (e) { data = null; }
    const er = data && typeof data.error === "object" && data.error ? data.error : {};
    const err = Object.assign(new Error("api " + resp.status), {
      status: resp.status,
      code: typeof er.code === "string" ? er.code : (resp.status === 401 ? "unauthorized" : ""),
    });
    err.message = typeof er.message === "string" ? er.message : "";
    if (resp.status === 401 && HD.api.onUnauthorized) HD.api.onUnauthorized(err);
    throw err;
  };

  /* Hands a Blob to the browser as a file to save. */
  staff.saveBlob = function (blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
  };

  /* Characters as the server counts them (code points). */
  staff.chars = (s) => Array.from(String(s || "")).length;

  /* GSM 03.38: characters of the extension table take two septets. */
  const GSM_EXT = "^{}\\[~]|€\f";
  staff.gsmLength = function (s) {
    let n = 0;
    for (const ch of String(s || "")) n += GSM_EXT.includes(ch) ? 2 : 1;
    return n;
  };

  HD.staff = staff;
})(window.HD);
