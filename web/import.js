/* import.js -- "#/import": a commune police list (CSV: phone,commune_code,
 * name) into the contacts, through POST /contacts/import. The server takes
 * at most 64 KiB a request, so a long list goes in parts of at most 60 KiB,
 * each starting with the header line; the server's line numbers (counted
 * within a part) are turned back into the file's own. Rejected lines are
 * listed with the reason and can be saved, fixed and imported again. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = HD.ui, el = ui.el, staff = HD.staff;
  const $ = (id) => document.getElementById(id);
  const PART_MAX = 60 * 1024;            /* bytes of UTF-8, header included */
  const HEADER = "phone,commune_code,name";
  const imp = {};
  let wired = false, busy = false, lastRejected = [];

  const enc = new TextEncoder();
  const bytes = (s) => enc.encode(s).length;

  /* The file's records, quotes respected (a quoted name may hold a comma or
   * even a line break), each with the line it starts on. */
  function records(text) {
    const out = [];
    let start = 0, line = 1, startLine = 1, q = false;
    for (let i = 0; i <= text.length; i++) {
      const ch = text[i];
      if (i < text.length && ch === '"') q = !q;
      if (i === text.length || (ch === "\n" && !q)) {
        out.push({ line: startLine, text: text.slice(start, i).replace(/\r$/, "") });
        start = i + 1;
        startLine = line + 1;
      }
      if (ch === "\n") line++;
    }
    return out;
  }

  const normHeader = (s) => s.replace(/^\uFEFF/, "").replace(/["\s]/g, "").toLowerCase();

  /* The list cut into parts: {body, at: Map(line in the part -> record)}. */
  function split(text) {
    const recs = records(text.replace(/^\uFEFF/, ""));
    while (recs.length && !recs[0].text.trim()) recs.shift();
    if (!recs.length) return { error: "Danh sách trống." };
    if (normHeader(recs[0].text) !== HEADER)
      return { error: "Dòng đầu phải là tiêu đề «" + HEADER + "» (đang là «" + recs[0].text.slice(0, 60) + "»)." };
    const head = HEADER + "\n", parts = [], local = [];
    let cur = null;
    /* The server numbers the physical lines of each part, header = 1; a
     * quoted line break makes a record span two. */
    for (const r of recs.slice(1)) {
      if (!r.text.trim()) continue;
      const size = bytes(r.text) + 1;
      if (bytes(head) + size > PART_MAX) {
        local.push({ line: r.line, text: r.text, reason: "too_long" });
        continue;
      }
      if (!cur || cur.size + size > PART_MAX) {
        cur = { body: head, size: bytes(head), next: 2, at: new Map() };
        parts.push(cur);
      }
      cur.at.set(cur.next, r);
      cur.next += r.text.split("\n").length;
      cur.body += r.text + "\n";
      cur.size += size;
    }
    return { parts: parts, local: local, total: parts.reduce((a, p) => a + p.at.size, 0) + local.length };
  }

  /* The server's reason ids (src/campaign/import.c), in words. */
  const reasons = {
    wrong_columns: "Sai số cột (cần đúng 3 cột: số điện thoại, mã xã, họ tên)",
    bad_quote: "Dấu ngoặc kép đặt sai chỗ",
    unterminated_quote: "Thiếu dấu ngoặc kép đóng",
    bad_utf8: "Chữ không đọc được (tệp không ở mã UTF-8)",
    bad_phone: "Số điện thoại không phải số di động Việt Nam",
    unknown_commune: "Mã xã, phường không tồn tại",
    commune_outside_province: "Xã, phường không thuộc tỉnh, thành phố của bạn",
    name_too_long: "Họ tên quá dài",
    bad_name: "Họ tên có ký tự không hợp lệ",
    duplicate_in_file: "Số điện thoại trùng với một dòng trước đó",
    too_long: "Dòng quá dài",
  };
  const reasonText = (r) => (Object.prototype.hasOwnProperty.call(reasons, r) ? reasons[r] : String(r || "Không rõ lý do"));

  function renderResult(imported, created, rejected, note) {
    const box = $("imp-result");
    $("imp-tiles").replaceChildren(
      staff.tile("Đã nhập", imported, { key: "imported", tone: "ok",
        sub: created === null ? "" : staff.num(created) + " số mới, " + staff.num(Math.max(0, imported - created)) + " số đã có" }),
      staff.tile("Bị từ chối", rejected.length, { key: "rejected", tone: rejected.length ? "err" : null }));
    const body = $("imp-rejected-body");
    ui.clear(body);
    rejected.sort((a, b) => a.line - b.line);
    for (const r of rejected)
      body.append(el("tr", { "data-line": r.line },
        el("td", { class: "nowrap", "data-label": "Dòng" }, String(r.line)),
        el("td", { class: "imp-text", "data-label": "Nội dung" }, r.text || ""),
        el("td", { "data-label": "Lý do", "data-reason": r.reason, title: r.message || null }, reasonText(r.reason))));
    $("imp-rejected").hidden = rejected.length === 0;
    lastRejected = rejected;
    ui.show("imp-note", note || "");
    box.hidden = false;
  }

  async function run(ev) {
    ev.preventDefault();
    if (busy) return;
    ui.show("imp-error", "");
    const text = $("imp-text").value;
    if (text.includes("\uFFFD"))
      return ui.show("imp-error", "Tệp không ở mã UTF-8 nên tiếng Việt bị lỗi. Trong Excel hãy chọn " +
        "«Lưu thành» → «CSV UTF-8 (phân tách bằng dấu phẩy)» rồi chọn lại tệp.");
    const sp = split(text);
    if (sp.error) return ui.show("imp-error", sp.error);
    if (!sp.total) return ui.show("imp-error", "Danh sách chỉ có dòng tiêu đề.");
    busy = true;
    $("imp-submit").disabled = true;
    $("imp-result").hidden = true;
    const prog = $("imp-progress");
    prog.max = Math.max(1, sp.parts.length);
    prog.value = 0;
    $("imp-progress-box").hidden = false;
    let imported = 0, created = 0, counted = true, done = 0;
    const rejected = sp.local.slice();
    try {
      for (const p of sp.parts) {
        $("imp-progress-text").textContent = sp.parts.length > 1
          ? "Đang gửi phần " + (done + 1) + "/" + sp.parts.length + "…" : "Đang gửi…";
        const resp = await staff.fetchRaw("POST", "contacts/import", p.body, "text/csv; charset=utf-8");
        const r = await resp.json();
        imported += typeof r.imported === "number" ? r.imported : 0;
        if (typeof r.created === "number") created += r.created; else counted = false;
        for (const x of Array.isArray(r.rejected) ? r.rejected : []) {
          const rec = p.at.get(Number(x.line));
          rejected.push({ line: rec ? rec.line : Number(x.line) || 0, text: rec ? rec.text : "",
            reason: x.reason, message: x.message });
        }
        prog.value = ++done;
      }
      renderResult(imported, counted ? created : null, rejected, sp.parts.length > 1 ? "Danh sách được gửi thành " + sp.parts.length + " phần." : "");
    } catch (e) {
      if (e.status === 401) return;
      const from = sp.parts[done] ? sp.parts[done].at.get(2).line : 0;
      ui.show("imp-error", "Phần " + (done + 1) + "/" + sp.parts.length + " không nhập được: " + staff.errorText(e));
      if (done > 0)
        renderResult(imported, counted ? created : null, rejected, "Các phần trước đã được nhập. Từ dòng " + from + " trở đi chưa được nhập: " +
          "có thể nhập lại cả tệp, số điện thoại đã có sẽ không bị trùng.");
    } finally {
      busy = false;
      $("imp-submit").disabled = false;
      $("imp-progress-box").hidden = true;
    }
  }

  function fileChosen() {
    const f = $("imp-file").files && $("imp-file").files[0];
    ui.show("imp-error", "");
    $("imp-file-name").textContent = f ? f.name : "Chưa chọn tệp";
    if (!f) return;
    f.text().then((t) => {
      $("imp-text").value = t.replace(/^\uFEFF/, "");
      countLines();
    }, () => ui.show("imp-error", "Không đọc được tệp."));
  }

  function countLines() {
    const t = $("imp-text").value;
    const n = t.trim() ? records(t).filter((r) => r.text.trim()).length - 1 : 0;
    const f = $("imp-file").files && $("imp-file").files[0];
    $("imp-count").textContent = n > 0 ? (f ? f.name + ": " : "") + staff.num(n) + " dòng dữ liệu" : "";
  }

  function saveRejected() {
    if (!lastRejected.length) return;
    const csv = "\uFEFF" + HEADER + "\r\n" + lastRejected.filter((r) => r.text).map((r) => r.text).join("\r\n") + "\r\n";
    staff.saveBlob(new Blob([csv], { type: "text/csv;charset=utf-8" }), "dong-bi-tu-choi.csv");
  }

  function wire() {
    if (wired) return;
    wired = true;
    $("imp-form").addEventListener("submit", run);
    $("imp-file").addEventListener("change", fileChosen);
    $("imp-text").addEventListener("input", countLines);
    $("imp-save-rejected").addEventListener("click", saveRejected);
  }

  imp.show = function () { wire(); };
  imp.hide = function () {};
  imp.reset = function () {
    $("imp-form").reset();
    $("imp-result").hidden = true;
    $("imp-count").textContent = "";
    $("imp-file-name").textContent = "Chưa chọn tệp";
    ui.show("imp-error", "");
    lastRejected = [];
  };

  imp.split = split;      /* for the browser test's own checks */
  HD.importPage = imp;
})(window.HD);
