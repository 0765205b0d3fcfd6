/* reports.js -- "#/reports": the day's (or the week's) campaign figures from
 * GET /reports/daily?format=json, as tiles, bar charts and a table, all
 * drawn from the same answer; "Tải CSV" saves the server's own CSV
 * (format=csv) for the spreadsheet the plans ask for. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = HD.ui, el = ui.el, staff = HD.staff, charts = HD.charts;
  const $ = (id) => document.getElementById(id);
  const TOP = 20;                         /* communes in a chart; all of them are in the table */
  const rep = {};
  let wired = false, seq = 0, last = null;

  const C = {
    conv: "#1f4b8f", help: "#60a5fa", bot: "#15803d", esc: "#d97706",
    opened: "#1f4b8f", resolved: "#15803d", overdue: "#dc2626", act: "#0f766e", opt: "#9aa3ae",
  };

  const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

  /* One row of figures -- a commune, a province, the total or a day -- as
   * GET /reports/daily gives it (src/report/render.c): a null code is a
   * place the help line could not tell. */
  function fig(o, kind) {
    o = o || {};
    const code = kind === "commune" ? o.commune_code : kind === "province" ? o.province_code
      : kind === "day" ? o.date : "total";
    const name = kind === "commune" ? o.commune_name || "Chưa rõ xã, phường"
      : kind === "province" ? o.province_name || "Chưa rõ tỉnh, thành phố" : kind === "day" ? o.date : "Tổng cộng";
    const n = (k) => num(o[k]) || 0;
    return {
      code: code === null || code === undefined ? "unknown" : String(code),
      name: String(name),
      province: String(o.province_name || ""),
      provinceCode: o.province_code === null || o.province_code === undefined ? "unknown" : String(o.province_code),
      conversations: n("conversations"),
      help: n("help_requests"),
      byIntent: o.help_requests_by_intent && typeof o.help_requests_by_intent === "object" ? o.help_requests_by_intent : {},
      bot: n("answered_by_bot"),
      escalated: n("escalated"),
      opened: n("cases_opened"),
      resolved: n("cases_resolved"),
      open: n("cases_open"),
      overdue: n("cases_overdue"),
      median: num(o.median_hours_to_resolve),
      activations: n("activations"),
      optOuts: n("opt_outs"),
    };
  }

  const list = (v) => (Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : []);

  /* A median time to resolve: minutes under an hour, else hours. */
  function hours(h) {
    if (h === null) return "—";
    if (h < 1) {
      const m = Math.round(h * 60);
      return m < 1 ? "dưới 1 phút" : m + " phút";
    }
    return staff.num(h) + " giờ";
  }

  function tiles(t) {
    const box = $("rep-tiles");
    box.replaceChildren(
      staff.tile("Cuộc trò chuyện", t.conversations, { key: "conversations" }),
      staff.tile("Yêu cầu hỗ trợ", t.help, { key: "help_requests" }),
      staff.tile("Tổng đài tự trả lời", t.bot, { key: "answered_by_bot", tone: "ok" }),
      staff.tile("Chuyển cán bộ", t.escalated, { key: "escalated", tone: "warn" }),
      staff.tile("Hồ sơ mở mới", t.opened, { key: "cases_opened" }),
      staff.tile("Hồ sơ đã giải quyết", t.resolved, { key: "cases_resolved", tone: "ok" }),
      staff.tile("Hồ sơ quá hạn", t.overdue, { key: "cases_overdue", tone: t.overdue ? "err" : null,
        sub: "trong " + staff.num(t.open) + " hồ sơ đang mở" }),
      staff.tile("Thời gian giải quyết (trung vị)", hours(t.median), { key: "median" }),
      staff.tile("Kích hoạt thành công", t.activations, { key: "activations", tone: "ok" }),
      staff.tile("Từ chối nhận tin", t.optOuts, { key: "opt_outs" }));
  }

  /* Communes in a chart: the busiest first, at most TOP of them. */
  function top(rows, score) {
    return rows.slice().sort((a, b) => score(b) - score(a) || a.name.localeCompare(b.name, "vi")).slice(0, TOP);
  }

  function drawCharts(communes, provinces, total, days) {
    const note = communes.length > TOP ? " (" + TOP + " xã, phường nhiều nhất; đủ số liệu ở bảng bên dưới)" : "";
    $("rep-note").textContent = note ? "Biểu đồ theo xã, phường chỉ vẽ" + note.slice(1, -1) + "." : "";
    const rowsOf = (list2, vals) => list2.map((c) => ({ key: c.code, label: c.name, values: vals(c) }));

    const busy = top(communes, (c) => c.conversations + c.help);
    charts.bars($("chart-conv"), {
      label: "Cuộc trò chuyện và yêu cầu hỗ trợ theo xã, phường",
      series: [{ key: "conversations", label: "Cuộc trò chuyện", color: C.conv },
        { key: "help_requests", label: "Yêu cầu hỗ trợ", color: C.help }],
      rows: rowsOf(busy, (c) => [c.conversations, c.help]),
    });

    const intents = Object.entries(total.byIntent).filter(([, v]) => num(v))
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    charts.bars($("chart-intents"), {
      label: "Yêu cầu hỗ trợ theo chủ đề",
      series: [{ key: "help_requests", label: "Yêu cầu", color: C.help }],
      rows: intents.map(([k, v]) => ({ key: k, label: staff.label("intent", k), values: [v] })),
      emptyText: "Không có yêu cầu hỗ trợ nào.",
    });

    charts.bars($("chart-answered"), {
      label: "Tổng đài tự trả lời và chuyển cán bộ theo xã, phường", stacked: true,
      series: [{ key: "answered_by_bot", label: "Tổng đài tự trả lời", color: C.bot },
        { key: "escalated", label: "Chuyển cán bộ", color: C.esc }],
      rows: rowsOf(top(communes, (c) => c.bot + c.escalated).filter((c) => c.bot + c.escalated),
        (c) => [c.bot, c.escalated]),
      emptyText: "Không có câu hỏi nào được trả lời.",
    });

    charts.bars($("chart-cases"), {
      label: "Hồ sơ của công an xã: mở mới, đã giải quyết, quá hạn",
      series: [{ key: "cases_opened", label: "Mở mới", color: C.opened },
        { key: "cases_resolved", label: "Đã giải quyết", color: C.resolved },
        { key: "cases_overdue", label: "Quá hạn", color: C.overdue }],
      rows: rowsOf(top(communes, (c) => c.opened + c.resolved + c.overdue).filter((c) => c.opened + c.resolved + c.overdue),
        (c) => [c.opened, c.resolved, c.overdue]),
      emptyText: "Không có hồ sơ nào.",
    });

    charts.bars($("chart-activations"), {
      label: "Kích hoạt thành công và từ chối nhận tin theo xã, phường",
      series: [{ key: "activations", label: "Kích hoạt thành công", color: C.act },
        { key: "opt_outs", label: "Từ chối nhận tin", color: C.opt }],
      rows: rowsOf(top(communes, (c) => c.activations + c.optOuts).filter((c) => c.activations + c.optOuts),
        (c) => [c.activations, c.optOuts]),
      emptyText: "Chưa có ai báo kích hoạt hay từ chối nhận tin.",
    });

    $("chart-provinces-card").hidden = provinces.length < 2;
    if (provinces.length >= 2)
      charts.bars($("chart-provinces"), {
        label: "Theo tỉnh, thành phố",
        series: [{ key: "conversations", label: "Cuộc trò chuyện", color: C.conv },
          { key: "activations", label: "Kích hoạt thành công", color: C.act }],
        rows: rowsOf(top(provinces, (p) => p.conversations), (p) => [p.conversations, p.activations]),
      });

    $("chart-days-card").hidden = !days.length;
    if (days.length)
      charts.bars($("chart-days"), {
        label: "Theo ngày trong tuần", columns: true,
        series: [{ key: "conversations", label: "Cuộc trò chuyện", color: C.conv },
          { key: "help_requests", label: "Yêu cầu hỗ trợ", color: C.help },
          { key: "activations", label: "Kích hoạt thành công", color: C.act }],
        rows: days.map((d) => ({ key: d.code, label: dayLabel(d.code), values: [d.conversations, d.help, d.activations] })),
      });
  }

  function dayLabel(iso) {
    const t = Date.parse(iso + "T00:00:00Z");
    if (Number.isNaN(t)) return iso;
    const names = ["CN", "T2", "T3", "T4", "T5", "T6", "T7"];
    return names[new Date(t).getUTCDay()] + "\n" + iso.slice(8, 10) + "/" + iso.slice(5, 7);
  }

  const COLS = [
    ["conversations", "Trò chuyện"], ["help", "Yêu cầu"], ["bot", "Tổng đài trả lời"], ["escalated", "Chuyển cán bộ"],
    ["opened", "Hồ sơ mở mới"], ["resolved", "Đã giải quyết"], ["open", "Đang mở"], ["overdue", "Quá hạn"],
    ["median", "Trung vị"],
    ["activations", "Kích hoạt"], ["optOuts", "Từ chối nhận tin"],
  ];

  function tableRow(f, cls, kind) {
    const tr = el("tr", { class: cls || null, "data-kind": kind, "data-code": f.code },
      el(kind === "commune" ? "td" : "th", { scope: kind === "commune" ? null : "row", class: "t-name" }, f.name));
    for (const [k] of COLS)
      tr.append(el("td", { class: "num", "data-col": k, "data-value": k === "median" ? null : f[k] },
        k === "median" ? (f.median === null ? "—" : staff.num(f.median, 2)) : staff.num(f[k])));
    return tr;
  }

  function table(communes, provinces, total) {
    const head = $("rep-thead");
    ui.clear(head);
    const hr = el("tr", {}, el("th", { scope: "col" }, "Xã, phường"));
    for (const [k, label] of COLS)
      hr.append(el("th", { scope: "col", class: "num", "data-col": k,
        title: k === "median" ? "Thời gian giải quyết hồ sơ, trung vị, tính bằng giờ" : null },
      label + (k === "median" ? " (giờ)" : "")));
    head.append(hr);
    const body = $("rep-tbody");
    ui.clear(body);
    const byProv = new Map();
    for (const c of communes) {
      const k = c.provinceCode;
      if (!byProv.has(k)) byProv.set(k, []);
      byProv.get(k).push(c);
    }
    const provOf = (k) => provinces.find((p) => p.code === k);
    for (const [k, cs] of byProv) {
      const p = provOf(k);
      if (p && (byProv.size > 1 || provinces.length > 1)) body.append(tableRow(p, "t-province", "province"));
      cs.sort((a, b) => a.name.localeCompare(b.name, "vi"));
      for (const c of cs) body.append(tableRow(c, null, "commune"));
    }
    const foot = $("rep-tfoot");
    ui.clear(foot);
    foot.append(tableRow(Object.assign({}, total, { name: "Tổng cộng", code: "total" }), "t-total", "total"));
    $("rep-table-empty").hidden = communes.length > 0;
  }

  function params() {
    const d = $("rep-date").value || staff.today();
    return { date: d, week: $("rep-week").checked };
  }

  function periodText(p, data) {
    const per = data.period || {};
    if (!p.week) return "Ngày " + staff.dateVi(per.date || p.date);
    const w = staff.week(p.date) || {};
    return "Tuần từ thứ Hai " + staff.dateVi(per.first_day || w.from) + " đến Chủ nhật " + staff.dateVi(per.last_day || w.to);
  }

  function query(p, format) {
    return "reports/daily?date=" + encodeURIComponent(p.date) + "&format=" + format + (p.week ? "&week=1" : "");
  }

  async function load() {
    const my = ++seq, p = params();
    $("rep-body").setAttribute("aria-busy", "true");
    ui.show("rep-error", "");
    try {
      const data = await HD.api.call("GET", query(p, "json"));
      if (my !== seq) return;
      last = { p: p, data: data };
      const communes = list(data.communes).map((o) => fig(o, "commune"));
      const provinces = list(data.provinces).map((o) => fig(o, "province"));
      const total = fig(data.total, "total");
      const days = list(data.days).map((o) => fig(o, "day"));
      $("rep-period").textContent = periodText(p, data);
      $("rep-scope").textContent = provinces.length === 1 ? provinces[0].name
        : provinces.length ? provinces.length + " tỉnh, thành phố" : "";
      $("rep-body").hidden = false;
      tiles(total);
      drawCharts(communes, provinces, total, days);
      table(communes, provinces, total);
    } catch (e) {
      if (my !== seq || e.status === 401) return;
      $("rep-body").hidden = true;
      ui.show("rep-error", staff.errorText(e));
    } finally {
      if (my === seq) $("rep-body").removeAttribute("aria-busy");
    }
  }

  async function download() {
    const btn = $("rep-csv"), p = params();
    btn.disabled = true;
    ui.show("rep-error", "");
    try {
      const resp = await staff.fetchRaw("GET", query(p, "csv"));
      const blob = await resp.blob();
      const cd = resp.headers.get("Content-Disposition") || "";
      const m = /filename="?([A-Za-z0-9._-]+)"?/.exec(cd);
      const w = staff.week(p.date) || {};
      const name = m ? m[1] : p.week ? "bao-cao-tuan-" + w.from + ".csv" : "bao-cao-" + p.date + ".csv";
      staff.saveBlob(new Blob([blob], { type: "text/csv;charset=utf-8" }), name);
    } catch (e) {
      if (e.status !== 401) ui.show("rep-error", "Không tải được tệp CSV. " + staff.errorText(e));
    } finally {
      btn.disabled = false;
    }
  }

  function wire() {
    if (wired) return;
    wired = true;
    $("rep-form").addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
    $("rep-date").addEventListener("change", load);
    $("rep-week").addEventListener("change", load);
    $("rep-csv").addEventListener("click", download);
  }

  rep.show = function () {
    wire();
    const today = staff.today();
    $("rep-date").max = today;
    if (!$("rep-date").value) $("rep-date").value = today;
    if (last) charts.redraw($("rep-body"));
    load();
  };
  rep.hide = function () { seq++; };
  rep.reset = function () {
    rep.hide();
    last = null;
    $("rep-date").value = "";
    $("rep-week").checked = false;
    $("rep-body").hidden = true;
  };

  HD.reports = rep;
})(window.HD);
