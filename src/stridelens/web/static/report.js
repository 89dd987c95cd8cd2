// Report page: interactive step plots; clicking a plot point or a step row seeks the video to that landing.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("plot-data").textContent);
  var player = document.getElementById("player");
  var rows = document.querySelectorAll(".step-row");
  var COLORS = {L: "#2f6fdf", R: "#e0662a"};

  function seek(seconds, n) {
    rows.forEach(function (r) { r.classList.remove("playing"); });
    if (n && rows[n - 1]) rows[n - 1].classList.add("playing");
    if (!player || seconds === null || seconds === undefined || isNaN(seconds)) return;
    player.currentTime = Math.max(0, seconds);
    player.pause();
    var r = player.getBoundingClientRect();
    if (r.top < 60 || r.bottom > window.innerHeight) player.scrollIntoView({behavior: "smooth", block: "center"});
  }

  var grid = document.getElementById("plot-grid");
  data.plots.forEach(function (plot) {
    window.StrideCharts.chart(grid, {
      title: plot.title, unit: plot.unit, band: plot.band,
      xFormat: function (v) { return v.toFixed(0) + " s"; },
      points: data.steps.map(function (s) {
        var v = s[plot.key];
        return {x: s.t, y: v, color: COLORS[s.side], faint: s.low, seek: s.seek, n: s.n,
                label: "Step " + s.n + " (" + (s.side === "L" ? "left" : "right") + "): " +
                       (v === null ? "–" : window.StrideCharts.fmt(v)) + " " + plot.unit};
      }),
      onClick: function (p) { seek(p.seek, p.n); }
    });
  });

  rows.forEach(function (row, i) {
    function go() { seek(parseFloat(row.dataset.seek), i + 1); }
    row.addEventListener("click", go);
    row.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
  });
})();
