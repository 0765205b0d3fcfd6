/* ui.js -- small helpers shared by the views: building elements (text is
 * always set as textContent: citizens' messages are untrusted), Vietnamese
 * labels for the API's ids, times in Vietnam's clock, readable errors. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = {};

  /* el("p", {class: "x", "data-label": "…"}, "text", child, …): attributes
   * through setAttribute, children as nodes or text nodes, never HTML. */
  ui.el = function (tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") e.textContent = String(v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const k of kids) {
      if (k === null || k === undefined || k === false) continue;
      e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    }
    return e;
  };

  ui.clear = function (e) {
    while (e.firstChild) e.removeChild(e.firstChild);
  };

  ui.show = function (e, text) {
    if (typeof e === "string") e = document.getElementById(e);
    e.textContent = text || "";
    e.hidden = !text;
  };

  ui.labels = {
    kind: { device_change: "Đổi thiết bị", phone_change: "Đổi số điện thoại", other: "Khác" },
    status: { open: "Mới", claimed: "Đang xử lý", resolved: "Đã giải quyết", closed: "Đã đóng" },
    closeReason: { duplicate: "Trùng", unreachable: "Không liên lạc được" },
    channel: { sms: "SMS", zalo: "Zalo" },
    role: { officer: "Cán bộ công an xã", staff: "Cán bộ điều phối", admin: "Quản trị viên" },
    reason: {
      device_change: "Đổi thiết bị, người dân tự làm không được",
      phone_change: "Đổi số điện thoại, người dân tự làm không được",
      human_agent: "Người dân xin gặp cán bộ",
      sim_not_owner: "SIM không chính chủ",
      chip_face_error: "Lỗi quét chip hoặc khuôn mặt",
      app_error: "Lỗi ứng dụng",
      activate_account: "Kích hoạt tài khoản",
      otp_not_received: "Không nhận được mã OTP",
      forgot_passcode: "Quên mật khẩu",
      pending_approval: "Hồ sơ chờ duyệt",
      scam_report: "Báo lừa đảo",
      unknown: "Chưa rõ",
    },
    event: {
      created: "Tạo hồ sơ", message: "Tin nhắn của người dân", escalation: "Chuyển cán bộ",
      claimed: "Nhận xử lý", reply: "Trả lời người dân", resolved: "Đã giải quyết",
      closed: "Đóng hồ sơ", purged: "Xoá dữ liệu cá nhân",
    },
    msgStatus: {
      queued: "đang chờ gửi", sending: "đang gửi", sent: "đã gửi", delivered: "đã nhận",
      failed: "gửi lỗi", undelivered: "không đến được máy", unreachable: "không liên lạc được",
      shown: "đã hiển thị",
    },
  };

  ui.label = function (map, id) {
    if (id === null || id === undefined || id === "") return "";
    return Object.prototype.hasOwnProperty.call(ui.labels[map], id) ? ui.labels[map][id] : String(id);
  };

  /* Milliseconds since the epoch from a number or an ISO-8601 string. */
  ui.ms = function (t) {
    if (typeof t === "number") return t;
    if (typeof t === "string" && t) {
      const v = Date.parse(t);
      return Number.isNaN(v) ? null : v;
    }
    return null;
  };

  const pad = (n) => String(n).padStart(2, "0");

  /* "dd/mm/yyyy HH:MM" on Vietnam's clock (UTC+7 all year: no DST), whatever
   * the browser's own time zone is. */
  ui.time = function (t) {
    const ms = ui.ms(t);
    if (ms === null) return "";
    const d = new Date(ms + 7 * 3600 * 1000);
    return pad(d.getUTCDate()) + "/" + pad(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear() +
      " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  };

  ui.clock = function (ms) {
    const d = new Date(ms + 7 * 3600 * 1000);
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  };

  /* How long ago: "5 phút", "3 giờ 20 phút", "2 ngày 4 giờ". */
  ui.age = function (t, now) {
    const ms = ui.ms(t);
    if (ms === null) return "";
    const min = Math.max(0, Math.floor(((now || Date.now()) - ms) / 60000));
    if (min < 1) return "vừa xong";
    if (min < 60) return min + " phút";
    const h = Math.floor(min / 60);
    if (h < 24) return h + " giờ" + (min % 60 ? " " + (min % 60) + " phút" : "");
    const days = Math.floor(h / 24);
    return days + " ngày" + (h % 24 ? " " + (h % 24) + " giờ" : "");
  };

  ui.badge = function (cls, text) {
    return ui.el("span", { class: "badge badge-" + cls }, text);
  };

  ui.statusBadge = function (c) {
    let t = ui.label("status", c.status);
    if (c.status === "closed" && c.close_reason) t += ": " + ui.label("closeReason", c.close_reason);
    return ui.badge(c.status || "closed", t);
  };

  ui.commune = function (c) {
    if (!c) return "";
    if (typeof c === "string") return c;
    return c.name || c.code || "";
  };

  /* A readable sentence for an error from HD.api (or anything thrown). */
  const byCode = {
    conflict: "Hồ sơ đã có người khác nhận hoặc không còn ở trạng thái cho phép thao tác này.",
    not_found: "Không tìm thấy hồ sơ, hoặc hồ sơ không thuộc xã, phường của bạn.",
    forbidden: "Bạn không có quyền làm việc này.",
    unauthorized: "Phiên đăng nhập đã hết hoặc mã đăng nhập không đúng.",
    bad_request: "Dữ liệu gửi lên không hợp lệ.",
    bad_text: "Nội dung không hợp lệ (từ 1 đến 1000 ký tự).",
    bad_note: "Ghi chú không hợp lệ.",
    bad_reason: "Lý do đóng hồ sơ không hợp lệ.",
    rate_limited: "Thao tác quá nhanh, vui lòng thử lại sau ít phút.",
  };
  ui.errorText = function (err) {
    if (!err) return "";
    if (err.network) return "Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.";
    let s = byCode[err.code] || "";
    if (!s && err.status >= 500) s = "Máy chủ gặp lỗi (" + err.status + "). Vui lòng thử lại sau.";
    if (!s) s = "Yêu cầu không thực hiện được" + (err.status ? " (" + err.status + ")" : "") + ".";
    /* The server's own words, in case they say more than the code does. */
    if (err.message && err.message !== s) s += " Chi tiết: " + err.message;
    return s;
  };

  HD.ui = ui;
})(window.HD);
