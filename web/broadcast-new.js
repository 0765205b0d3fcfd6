/* broadcast-new.js -- "#/broadcasts/new": a campaign's text, audience and
 * time. While staff type, POST /broadcasts/preview shows how the text reads
 * on each channel (SMS without diacritics, its length and parts; Zalo as
 * written) and how many citizens the audience holds. Nothing is sent before
 * an in-page confirmation that repeats who and when. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = HD.ui, el = ui.el, staff = HD.staff;
  const $ = (id) => document.getElementById(id);
  const TEXT_MAX = 1000, NAME_MAX = 120, PREVIEW_DELAY = 450;
  const page = {};
  let me = null, wired = false, pseq = 0, ptimer = null, lastAudience = null, busy = false;

  const radio = (name) => (document.querySelector('input[name="' + name + '"]:checked') || {}).value;

  /* "70, 00004 00025" -> ["00070", "00004", "00025"]: codes are 5 digits,
   * leading zeros are easy to drop in a spreadsheet. */
  function communeCodes() {
    const seen = new Set();
    for (const t of $("bcn-communes").value.split(/[^0-9]+/))
      if (t && t.length <= 5) seen.add(t.padStart(5, "0"));
    return Array.from(seen);
  }
  const badCommuneTokens = () => $("bcn-communes").value.split(/[\s,;]+/)
    .filter((t) => t && !/^\d{1,5}$/.test(t));

  function sendAtMs() {
    return radio("bcn-when") === "at" ? staff.vnLocalToMs($("bcn-at").value) : null;
  }

  function body() {
    const audience = {};
    const seg = $("bcn-segment").value;
    audience.segment = seg === "intent" ? "intent:" + $("bcn-intent").value : seg;
    if (radio("bcn-scope") === "communes") audience.communes = communeCodes();
    const prov = me && me.province ? me.province : $("bcn-province").value.trim();
    if (prov) audience.province = prov;
    const at = sendAtMs(), name = $("bcn-name").value.trim();
    return {
      name: name || undefined,           /* a preview needs none; an empty one is refused */
      text: $("bcn-text").value,
      audience: audience,
      send_at: at === null ? "now" : new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
  }

  /* What is wrong with the form, for sending (full) or previewing. */
  function problem(full) {
    const text = $("bcn-text").value, n = staff.chars(text);
    if (!text.trim()) return "Hãy nhập nội dung tin nhắn.";
    if (n > TEXT_MAX) return "Nội dung dài " + n + " ký tự, tối đa " + TEXT_MAX + ".";
    if (radio("bcn-scope") === "communes") {
      const bad = badCommuneTokens();
      if (bad.length) return "Mã xã, phường không hợp lệ: " + bad.slice(0, 3).join(", ") + " (mã gồm 5 chữ số).";
      if (!communeCodes().length) return "Hãy nhập mã của ít nhất một xã, phường.";
    }
    if (!(me && me.province) && $("bcn-province").value.trim() && !/^\d{2}$/.test($("bcn-province").value.trim()))
      return "Mã tỉnh, thành phố gồm 2 chữ số.";
    if (!full) return "";
    if (!$("bcn-name").value.trim()) return "Hãy đặt tên cho chiến dịch.";
    if (staff.chars($("bcn-name").value.trim()) > NAME_MAX) return "Tên chiến dịch tối đa " + NAME_MAX + " ký tự.";
    if (radio("bcn-when") === "at") {
      const at = sendAtMs();
      if (at === null) return "Hãy chọn ngày giờ gửi.";
      if (at < Date.now() - 60000) return "Thời điểm gửi đã qua. Chọn thời điểm khác hoặc «Gửi ngay».";
    }
    return "";
  }

  const SEGMENT_HINT = {
    not_activated: "Người có tên trong danh sách công an xã đã nhập, hoặc đã hỏi tổng đài mà chưa báo kích hoạt xong.",
    intent: "Người đã hỏi tổng đài về chủ đề chọn dưới đây.",
    all: "Mọi người dân đã liên hệ tổng đài hoặc có trong danh sách. Người đã từ chối nhận tin vẫn được đếm nhưng không nhận tin.",
  };

  /* One line over the send button: who and when, as of the last preview. */
  function summary() {
    const at = sendAtMs();
    const who = lastAudience === null ? "" : "Gửi tới " + staff.num(lastAudience) + " người";
    $("bcn-summary").textContent = !who ? ""
      : who + (radio("bcn-when") === "at" ? (at === null ? "" : " lúc " + ui.time(at)) : " ngay khi xác nhận") + ".";
  }

  function clearPreview(status) {
    lastAudience = null;
    $("bcp-audience").textContent = "—";
    $("bcp-audience").removeAttribute("data-value");
    for (const k of ["sms", "zalo"]) {
      $("bcp-" + k).textContent = "";
      $("bcp-" + k + "-meta").textContent = "";
      $("bcp-" + k).hidden = true;
    }
    $("bcp-status").textContent = status || "";
    summary();
  }

  async function preview() {
    const my = ++pseq;
    const why = problem(false);
    if (why) {
      clearPreview($("bcn-text").value.trim() ? why : "Nhập nội dung để xem tin hiển thị thế nào trên từng kênh.");
      return null;
    }
    $("bcp-status").textContent = "Đang cập nhật…";
    $("bc-preview").setAttribute("aria-busy", "true");
    try {
      const r = await HD.api.call("POST", "broadcasts/preview", body());
      if (my !== pseq) return null;
      const pv = r.preview || {};
      lastAudience = typeof r.audience === "number" ? r.audience : null;
      $("bcp-audience").textContent = lastAudience === null ? "—" : staff.num(lastAudience);
      if (lastAudience !== null) $("bcp-audience").setAttribute("data-value", String(lastAudience));
      $("bcp-sms").textContent = pv.sms || "";
      $("bcp-sms").hidden = !pv.sms;
      $("bcp-sms-meta").textContent = pv.sms ? HD.broadcasts.smsMeta(pv.sms, pv.sms_parts, pv.sms_chars) : "";
      $("bcp-zalo").textContent = pv.zalo || "";
      $("bcp-zalo").hidden = !pv.zalo;
      $("bcp-zalo-meta").textContent = pv.zalo ? staff.num(staff.chars(pv.zalo)) + " ký tự" : "";
      $("bcp-status").textContent = "Cập nhật lúc " + ui.clock(Date.now());
      summary();
      return r;
    } catch (e) {
      if (my !== pseq || e.status === 401) return null;
      clearPreview(staff.errorText(e));
      return null;
    } finally {
      if (my === pseq) $("bc-preview").removeAttribute("aria-busy");
    }
  }

  function later() {
    clearTimeout(ptimer);
    ptimer = setTimeout(preview, PREVIEW_DELAY);
  }

  function whenHint() {
    const at = radio("bcn-when") === "at";
    $("bcn-at-field").hidden = !at;
    $("bcn-submit").textContent = at ? "Lên lịch gửi…" : "Gửi ngay…";
    const ms = at ? sendAtMs() : Date.now();
    let s = "";
    if (ms !== null) {
      const m = staff.vnMinutes(ms);
      if (m < 7 * 60 || m >= 22 * 60)
        s = (at ? "Giờ này" : "Bây giờ") + " ngoài khung 07:00–22:00: tin sẽ chờ đến 07:00 sáng để gửi.";
      else if (at) s = "Gửi lúc " + ui.time(ms) + " (giờ Việt Nam).";
    }
    ui.show("bcn-when-hint", s);
    summary();
  }

  function scopeChanged() {
    const communes = radio("bcn-scope") === "communes";
    $("bcn-communes-field").hidden = !communes;
    later();
  }

  function countText() {
    const n = staff.chars($("bcn-text").value), c = $("bcn-text-count");
    c.textContent = n + "/" + TEXT_MAX;
    c.classList.toggle("over", n > TEXT_MAX);
  }

  async function submit(ev) {
    ev.preventDefault();
    if (busy) return;
    ui.show("bcn-error", "");
    const why = problem(true);
    if (why) return ui.show("bcn-error", why);
    const btn = $("bcn-submit");
    busy = true;
    btn.disabled = true;
    try {
      clearTimeout(ptimer);
      const r = await preview();              /* the count as of now, not as of the last keystroke */
      if (!r) return ui.show("bcn-error", $("bcp-status").textContent || "Không xem trước được chiến dịch.");
      const n = typeof r.audience === "number" ? r.audience : null;
      const who = n === null ? "nhóm người nhận đã chọn" : staff.num(n) + " người";
      const at = sendAtMs();
      const q = at === null ? "Gửi ngay tin nhắc này tới " + who + "?"
        : "Lên lịch gửi tin nhắc này tới " + who + " lúc " + ui.time(at) + "?";
      const ok = await staff.confirm($("bcn-confirm"),
        q + " Người đã từ chối nhận tin hoặc đã nhận tin nhắc khác hôm nay sẽ được bỏ qua.",
        at === null ? "Xác nhận gửi" : "Xác nhận lên lịch");
      if (!ok) return;
      const res = await HD.api.call("POST", "broadcasts", body());
      if (!res || res.id === undefined) throw Object.assign(new Error("no id"), { message: "máy chủ không trả về số chiến dịch" });
      HD.broadcasts.flash = at === null ? "Đã tạo chiến dịch, bắt đầu gửi." : "Đã lên lịch chiến dịch.";
      page.clear();
      location.hash = "#/broadcasts/" + encodeURIComponent(String(res.id));
    } catch (e) {
      if (e.status !== 401) ui.show("bcn-error", staff.errorText(e));
    } finally {
      busy = false;
      btn.disabled = false;
    }
  }

  function wire() {
    if (wired) return;
    wired = true;
    const intents = $("bcn-intent");
    for (const [id, label] of Object.entries(staff.labels.intent)) {
      if (["greeting", "menu", "thanks", "unknown", "opt_out"].includes(id)) continue;
      intents.append(el("option", { value: id, selected: id === "activate_account" }, label));
    }
    $("bcn-form").addEventListener("submit", submit);
    $("bcn-text").addEventListener("input", () => { countText(); later(); });
    $("bcn-communes").addEventListener("input", later);
    $("bcn-province").addEventListener("input", later);
    $("bcn-segment").addEventListener("change", () => {
      $("bcn-intent-field").hidden = $("bcn-segment").value !== "intent";
      $("bcn-segment-hint").textContent = SEGMENT_HINT[$("bcn-segment").value] || "";
      later();
    });
    intents.addEventListener("change", later);
    for (const r of document.querySelectorAll('input[name="bcn-scope"]')) r.addEventListener("change", scopeChanged);
    for (const r of document.querySelectorAll('input[name="bcn-when"]'))
      r.addEventListener("change", () => { whenHint(); if (radio("bcn-when") === "at") $("bcn-at").focus(); });
    $("bcn-at").addEventListener("input", whenHint);
  }

  page.setMe = function (m) {
    me = m;
    const fixed = !!(m && m.province);
    $("bcn-province-input").hidden = fixed;
    $("bcn-province-fixed").hidden = !fixed;
    $("bcn-province-fixed").textContent = fixed
      ? "Chỉ người dân thuộc tỉnh, thành phố của bạn (mã " + m.province + ")." : "";
    $("bcn-scope-province-label").textContent = fixed ? "Cả tỉnh, thành phố" : "Theo tỉnh hoặc cả nước";
  };

  page.show = function () {
    wire();
    $("bcn-segment-hint").textContent = SEGMENT_HINT[$("bcn-segment").value] || "";
    countText();
    whenHint();
    scopeChanged();
    if (!$("bcn-at").value) {
      /* Tomorrow 08:00 in Vietnam: a sensible first choice for a reminder. */
      const t = staff.vnLocalToMs(staff.today(Date.now() + 86400000) + "T08:00");
      $("bcn-at").value = staff.msToVnLocal(t);
    }
    $("bcn-at").min = staff.msToVnLocal(Date.now());
    preview();
  };

  page.hide = function () {
    clearTimeout(ptimer);
    pseq++;
  };

  page.clear = function () {
    page.hide();
    $("bcn-form").reset();
    $("bcn-at").value = "";
    $("bcn-intent-field").hidden = true;
    ui.clear($("bcn-confirm"));
    $("bcn-confirm").hidden = true;
    ui.show("bcn-error", "");
    clearPreview("");
  };

  page.reset = function () {
    page.clear();
    me = null;
  };

  HD.broadcastNew = page;
})(window.HD);
