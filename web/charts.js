/* charts.js -- bar charts drawn as SVG by hand: no library, nothing from
 * outside, nothing but attributes (the page's CSP forbids inline style).
 *
 *   HD.charts.bars(holder, {
 *     label: "…",                         what the chart shows (for screen readers)
 *     series: [{key, label, color}],      one bar (or one segment) per series
 *     rows: [{key, label, values: [n…]}], one group of bars per row
 *     stacked: false,                     true: the series are segments of one bar
 *     columns: false,                     true: vertical columns (days of a week)
 *   })
 *
 * Every bar is a <rect class="bar"> carrying data-row, data-series and
 * data-value (the number it stands for) and a <title> a pointer shows. The
 * chart is drawn for its holder's width and drawn again when the window is
 * resized. A legend (HTML) goes above the chart when there are two series
 * or more. */
"use strict";
window.HD = window.HD || {};

(function (HD) {
  const ui = HD.ui, el = ui.el;
  const NS = "http://www.w3.org/2000/svg";
  const charts = {};
  const drawn = new Set();          /* holders to redraw on resize */
  const FONT = 13, CHAR_W = 7.1;    /* px; an estimate good enough to cut long labels */

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {}))
      if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  const fmt = (n) => (HD.staff ? HD.staff.num(n) : String(n));

  /* A round upper bound for the axis and its step: 1, 2 or 5 times a power of ten. */
  function scale(max, ticks) {
    if (!(max > 0)) return { max: 1, step: 1 };
    const raw = max / ticks, p = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = p;
    for (const m of [1, 2, 5, 10]) { step = m * p; if (raw <= step) break; }
    if (step < 1) step = 1;                   /* counts: whole numbers on the axis */
    return { max: Math.ceil(max / step) * step, step: step };
  }

  function cut(text, px) {
    const s = String(text || ""), n = Math.max(3, Math.floor(px / CHAR_W));
    return Array.from(s).length <= n ? s : Array.from(s).slice(0, n - 1).join("") + "…";
  }

  function legend(series) {
    const ul = el("ul", { class: "legend" });
    for (const s of series) {
      const sw = svg("svg", { width: 12, height: 12, viewBox: "0 0 12 12", "aria-hidden": "true", focusable: "false" });
      sw.append(svg("rect", { width: 12, height: 12, rx: 3, fill: s.color }));
      ul.append(el("li", { "data-series": s.key }, sw, s.label));
    }
    return ul;
  }

  function title(row, s, v) {
    return svg("title", {}, row.label + (s.label ? " · " + s.label : "") + ": " + fmt(v));
  }

  /* Horizontal bars: a row's label on the left (above the bars on a narrow
   * screen, so that commune names are not cut to nothing). */
  function drawRows(spec, width) {
    const series = spec.series, rows = spec.rows, stacked = !!spec.stacked;
    const narrow = width < 560;
    const labelW = narrow ? 0 : Math.min(230, Math.round(width * 0.3));
    const valueW = 56, padL = narrow ? 2 : labelW + 10;
    const plotW = Math.max(60, width - padL - valueW);
    const barH = stacked || series.length === 1 ? 20 : 13, gap = 3;
    const groupH = stacked ? barH : series.length * barH + (series.length - 1) * gap;
    const labelH = narrow ? 18 : 0, rowGap = narrow ? 14 : 12, top = 22;
    const totals = rows.map((r) => stacked ? r.values.reduce((a, b) => a + (b || 0), 0) : Math.max(0, ...r.values));
    const sc = scale(Math.max(0, ...totals), narrow ? 3 : 5);
    const x = (v) => padL + (v / sc.max) * plotW;
    const height = top + rows.length * (labelH + groupH + rowGap) + 4;
    const root = svg("svg", {
      class: "chart-svg", width: width, height: height, viewBox: "0 0 " + width + " " + height,
      role: "img", "aria-label": spec.label || "", "font-size": FONT,
    });
    root.append(svg("title", {}, spec.label || ""));
    const grid = svg("g", { class: "grid", "aria-hidden": "true" });
    for (let v = 0; v <= sc.max + 1e-9; v += sc.step) {
      const gx = Math.round(x(v)) + 0.5;
      grid.append(svg("line", { x1: gx, x2: gx, y1: top - 6, y2: height - 4, stroke: v === 0 ? "#9aa6b4" : "#e3e8ee" }));
      grid.append(svg("text", { x: gx, y: 12, "text-anchor": "middle", fill: "#5b6776", "font-size": 11 }, fmt(v)));
    }
    root.append(grid);
    let y = top;
    rows.forEach((r, i) => {
      const g = svg("g", { class: "chart-row", "data-row": r.key });
      if (narrow) {
        g.append(svg("text", { x: padL, y: y + 13, fill: "#1b2430", "font-weight": 600, class: "row-label" },
          cut(r.label, width - 4)));
      } else {
        g.append(svg("text", { x: labelW, y: y + groupH / 2 + 4.5, "text-anchor": "end", fill: "#1b2430",
          class: "row-label" }, cut(r.label, labelW)));
      }
      const by = y + labelH;
      if (stacked) {
        let acc = 0;
        series.forEach((s, j) => {
          const v = r.values[j] || 0;
          const bx = x(acc), bw = Math.max(0, x(acc + v) - bx);
          const rect = svg("rect", { class: "bar", x: bx, y: by, width: bw, height: barH, fill: s.color,
            "data-row": r.key, "data-series": s.key, "data-value": v });
          rect.append(title(r, s, v));
          g.append(rect);
          acc += v;
        });
        g.append(svg("text", { x: x(acc) + 6, y: by + barH / 2 + 4.5, fill: "#1b2430", class: "bar-value",
          "font-weight": 600, "data-row": r.key }, fmt(totals[i])));
      } else {
        series.forEach((s, j) => {
          const v = r.values[j] || 0, yy = by + j * (barH + gap);
          const bw = Math.max(v > 0 ? 2 : 0, x(v) - padL);
          const rect = svg("rect", { class: "bar", x: padL, y: yy, width: bw, height: barH, rx: 2, fill: s.color,
            "data-row": r.key, "data-series": s.key, "data-value": v });
          rect.append(title(r, s, v));
          g.append(rect);
          g.append(svg("text", { x: padL + bw + 5, y: yy + barH / 2 + 4, fill: "#374151", class: "bar-value",
            "font-size": 12, "data-row": r.key, "data-series": s.key }, fmt(v)));
        });
      }
      root.append(g);
      y += labelH + groupH + rowGap;
    });
    return root;
  }

  /* Vertical columns: one group a row (a day of the week), labels below. */
  function drawColumns(spec, width) {
    const series = spec.series, rows = spec.rows;
    const padL = 40, padR = 8, top = 16, bottom = 40, plotH = 190;
    const plotW = Math.max(120, width - padL - padR);
    const slot = plotW / Math.max(1, rows.length);
    const colW = Math.max(4, Math.min(26, (slot * 0.72) / series.length));
    const sc = scale(Math.max(0, ...rows.map((r) => Math.max(0, ...r.values))), 4);
    const yv = (v) => top + plotH - (v / sc.max) * plotH;
    const height = top + plotH + bottom;
    const root = svg("svg", {
      class: "chart-svg", width: width, height: height, viewBox: "0 0 " + width + " " + height,
      role: "img", "aria-label": spec.label || "", "font-size": FONT,
    });
    root.append(svg("title", {}, spec.label || ""));
    const grid = svg("g", { class: "grid", "aria-hidden": "true" });
    for (let v = 0; v <= sc.max + 1e-9; v += sc.step) {
      const gy = Math.round(yv(v)) + 0.5;
      grid.append(svg("line", { x1: padL, x2: width - padR, y1: gy, y2: gy, stroke: v === 0 ? "#9aa6b4" : "#e3e8ee" }));
      grid.append(svg("text", { x: padL - 6, y: gy + 4, "text-anchor": "end", fill: "#5b6776", "font-size": 11 }, fmt(v)));
    }
    root.append(grid);
    rows.forEach((r, i) => {
      const g = svg("g", { class: "chart-row", "data-row": r.key });
      const x0 = padL + i * slot + (slot - colW * series.length) / 2;
      series.forEach((s, j) => {
        const v = r.values[j] || 0, h = Math.max(v > 0 ? 2 : 0, top + plotH - yv(v));
        const rect = svg("rect", { class: "bar", x: x0 + j * colW, y: top + plotH - h, width: colW - 1,
          height: h, rx: 2, fill: s.color, "data-row": r.key, "data-series": s.key, "data-value": v });
        rect.append(title(r, s, v));
        g.append(rect);
      });
      const lines = String(r.label).split("\n");
      lines.forEach((t, k) => g.append(svg("text", { x: padL + i * slot + slot / 2, y: top + plotH + 16 + k * 14,
        "text-anchor": "middle", fill: k ? "#5b6776" : "#1b2430", "font-size": k ? 11 : 12, class: "row-label" }, t)));
      root.append(g);
    });
    return root;
  }

  function draw(holder) {
    const spec = holder.__hdChart;
    if (!spec) return;
    ui.clear(holder);
    if (!spec.rows.length) {
      holder.append(el("p", { class: "chart-empty muted" }, spec.emptyText || "Chưa có số liệu."));
      return;
    }
    if (spec.series.length > 1) holder.append(legend(spec.series));
    const width = Math.max(260, Math.floor(holder.clientWidth || 600));
    holder.append(spec.columns ? drawColumns(spec, width) : drawRows(spec, width));
  }

  charts.bars = function (holder, spec) {
    holder.__hdChart = {
      label: spec.label || "", series: spec.series || [], stacked: !!spec.stacked, columns: !!spec.columns,
      emptyText: spec.emptyText,
      rows: (spec.rows || []).map((r) => ({ key: String(r.key !== undefined ? r.key : r.label), label: String(r.label),
        values: (r.values || []).map((v) => (typeof v === "number" && Number.isFinite(v) ? v : 0)) })),
    };
    holder.classList.add("chart");
    drawn.add(holder);
    draw(holder);
  };

  let pending = null, lastW = window.innerWidth;
  window.addEventListener("resize", () => {
    if (window.innerWidth === lastW) return;        /* a phone's bar hiding: height only */
    lastW = window.innerWidth;
    clearTimeout(pending);
    pending = setTimeout(() => {
      for (const h of Array.from(drawn)) {
        if (!h.isConnected) { drawn.delete(h); continue; }
        if (h.offsetParent !== null) draw(h);
      }
    }, 150);
  });

  /* Draw again the charts inside a container that just became visible (a
   * hidden holder has no width to draw for). */
  charts.redraw = function (container) {
    for (const h of Array.from(drawn)) if (container.contains(h)) draw(h);
  };

  HD.charts = charts;
})(window.HD);
