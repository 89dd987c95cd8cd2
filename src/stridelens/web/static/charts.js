// Small interactive SVG charts (no library, works offline): points over x, an optional target band,
// a tooltip on hover and a callback on click.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var W = 560, H = 230, M = {l: 48, r: 14, t: 12, b: 30};

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function niceTicks(lo, hi, count) {
    var span = hi - lo || 1, step = Math.pow(10, Math.floor(Math.log10(span / count)));
    var err = span / count / step;
    step *= err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1;
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v / step) * step);
    return out;
  }

  function fmt(v) {
    var a = Math.abs(v);
    return (a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(0) : v.toFixed(1)).replace("-", "\u2212");
  }

  // opts: {title, unit, points: [{x, y, cls, label}], band: [lo, hi], line: bool, xTicks: [{x, label}],
  //        xFormat: fn, onClick: fn(point)}
  function chart(container, opts) {
    var pts = opts.points.filter(function (p) { return p.y !== null && p.y !== undefined && isFinite(p.y); });
    var box = document.createElement("div");
    box.className = "plot";
    var h = document.createElement("h3");
    h.textContent = opts.title + (opts.unit ? " (" + opts.unit + ")" : "");
    box.appendChild(h);
    container.appendChild(box);
    if (!pts.length) {
      var p = document.createElement("p"); p.className = "muted small"; p.textContent = "Not measured."; box.appendChild(p);
      return;
    }
    var xs = pts.map(function (p) { return p.x; }), ys = pts.map(function (p) { return p.y; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    if (x1 === x0) { x0 -= 1; x1 += 1; }
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var band = opts.band || [null, null];
    [band[0], band[1]].forEach(function (b) {
      if (b !== null && b !== undefined && Math.abs(b - (y0 + y1) / 2) < 3 * (y1 - y0 + 1)) { y0 = Math.min(y0, b); y1 = Math.max(y1, b); }
    });
    var pad = (y1 - y0) * 0.12 || 1; y0 -= pad; y1 += pad;
    var xpad = (x1 - x0) * 0.03; x0 -= xpad; x1 += xpad;
    function X(v) { return M.l + (v - x0) / (x1 - x0) * (W - M.l - M.r); }
    function Y(v) { return H - M.b - (v - y0) / (y1 - y0) * (H - M.t - M.b); }

    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": opts.title}, box);
    if (band[0] !== null || band[1] !== null) {
      var lo = band[0] === null ? y0 : Math.max(y0, band[0]), hi = band[1] === null ? y1 : Math.min(y1, band[1]);
      if (hi > lo) el("rect", {x: M.l, y: Y(hi), width: W - M.l - M.r, height: Y(lo) - Y(hi), fill: "#e7f6ef"}, svg);
    }
    niceTicks(y0, y1, 4).forEach(function (v) {
      el("line", {x1: M.l, x2: W - M.r, y1: Y(v), y2: Y(v), stroke: v === 0 ? "#98a2b3" : "#eef0f3"}, svg);
      var t = el("text", {x: M.l - 8, y: Y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#667085"}, svg);
      t.textContent = fmt(v);
    });
    var xticks = opts.xTicks || niceTicks(x0, x1, 6).map(function (v) { return {x: v, label: (opts.xFormat || fmt)(v)}; });
    xticks.forEach(function (tk) {
      var px = X(tk.x), anchor = px < M.l + 40 ? "start" : px > W - M.r - 40 ? "end" : "middle";
      var t = el("text", {x: anchor === "start" ? Math.max(0, px - 6) : anchor === "end" ? Math.min(W, px + 6) : px,
        y: H - 10, "text-anchor": anchor, "font-size": 11, fill: "#667085"}, svg);
      t.textContent = tk.label;
    });
    el("line", {x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b, stroke: "#d0d5dd"}, svg);
    if (opts.line && pts.length > 1) {
      el("polyline", {points: pts.map(function (p) { return X(p.x) + "," + Y(p.y); }).join(" "), fill: "none",
        stroke: "#0e7c66", "stroke-width": 2.5, "stroke-linejoin": "round"}, svg);
    }
    var tip = document.createElement("div");
    tip.className = "tip"; tip.hidden = true; box.appendChild(tip);
    pts.forEach(function (p) {
      var c = el("circle", {cx: X(p.x), cy: Y(p.y), r: opts.line ? 6 : 5, "class": "pt " + (p.cls || ""),
        fill: p.color || "#0e7c66", stroke: "#fff", "stroke-width": 1.5, tabindex: 0,
        opacity: p.faint ? 0.35 : 1, style: opts.onClick ? "cursor:pointer" : ""}, svg);
      function over() {
        tip.textContent = p.label; tip.hidden = false;
        var r = svg.getBoundingClientRect(), s = r.width / W;
        tip.style.left = (X(p.x) * s) + "px"; tip.style.top = (svg.offsetTop + Y(p.y) * s) + "px";
        c.setAttribute("r", opts.line ? 8 : 7);
      }
      function out() { tip.hidden = true; c.setAttribute("r", opts.line ? 6 : 5); }
      c.addEventListener("mouseenter", over); c.addEventListener("focus", over);
      c.addEventListener("mouseleave", out); c.addEventListener("blur", out);
      if (opts.onClick) {
        c.addEventListener("click", function () { opts.onClick(p); });
        c.addEventListener("keydown", function (e) { if (e.key === "Enter") opts.onClick(p); });
      }
    });
  }

  window.StrideCharts = {chart: chart, fmt: fmt};
})();
