// Athlete page: trend charts (one point per finished session) and picking two sessions to compare.
(function () {
  "use strict";
  var node = document.getElementById("trend-data");
  var grid = document.getElementById("trend-grid");
  if (node && grid) {
    var data = JSON.parse(node.textContent);
    var sessions = data.sessions.map(function (s) { return Object.assign({t: Date.parse(s.iso)}, s); });
    var days = sessions.map(function (s) { return new Date(s.t).toDateString(); });
    var sameDay = days.some(function (d, i) { return days.indexOf(d) !== i; });
    var ticks = sessions.map(function (s) {
      var d = new Date(s.t), label = d.toLocaleDateString(undefined, {day: "numeric", month: "short"});
      if (sameDay) label += " " + d.toLocaleTimeString(undefined, {hour: "2-digit", minute: "2-digit"});
      return {x: s.t, label: label};
    });
    if (ticks.length > 6) ticks = ticks.filter(function (_, i) { return i % Math.ceil(ticks.length / 6) === 0; });
    data.charts.forEach(function (c) {
      window.StrideCharts.chart(grid, {
        title: c.title, unit: c.unit, line: true, xTicks: ticks, band: c.band,
        points: sessions.map(function (s) {
          var v = s[c.key];
          return {x: s.t, y: v, id: s.id,
                  label: s.date + ": " + (v === null ? "–" : window.StrideCharts.fmt(v)) + " " + c.unit};
        }),
        onClick: function (p) { window.location = "/analyses/" + p.id; }
      });
    });
  }

  var form = document.getElementById("compare-form");
  if (!form || !document.getElementById("compare-btn")) return;
  var boxes = form.querySelectorAll('input[name="pick"]');
  var picked = [];
  function update() {
    var btn = document.getElementById("compare-btn"), hint = document.getElementById("compare-hint");
    btn.disabled = picked.length !== 2;
    hint.textContent = picked.length === 2 ? "" : "Tick " + (2 - picked.length) + " more session" + (picked.length ? "." : "s.");
    document.getElementById("cmp-a").value = picked[0] || "";
    document.getElementById("cmp-b").value = picked[1] || "";
  }
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      picked = picked.filter(function (v) { return v !== box.value; });
      if (box.checked) picked.push(box.value);
      while (picked.length > 2) {
        var drop = picked.shift();
        form.querySelector('input[name="pick"][value="' + drop + '"]').checked = false;
      }
      update();
    });
  });
  form.addEventListener("submit", function () { boxes.forEach(function (b) { b.disabled = true; }); });
  update();
})();
