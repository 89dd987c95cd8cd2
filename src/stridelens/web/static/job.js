// Job page: live progress by stage (server-sent events, polling as a fallback); reloads into the report.
(function () {
  "use strict";
  var job = document.getElementById("job");
  if (!job) return;
  var id = job.dataset.id;
  var order = Array.prototype.map.call(document.querySelectorAll("#stages li"), function (li) { return li.dataset.stage; });
  var finished = false;
  var spans = JSON.parse(job.dataset.stages || "{}");

  function stagePct(key, progress) {
    var span = spans[key];
    if (!span || !span[1]) return null;
    return Math.max(0, Math.min(100, Math.round(100 * (progress - span[0]) / span[1])));
  }

  function show(state) {
    var pct = Math.round(100 * (state.progress || 0));
    document.getElementById("job-bar").style.width = (100 * (state.progress || 0)).toFixed(1) + "%";
    document.getElementById("job-pct").textContent = pct;
    document.getElementById("job-progressbar").setAttribute("aria-valuenow", pct);
    job.dataset.status = state.status;
    job.dataset.stage = state.stage || "";
    document.getElementById("job-title").textContent =
      state.status === "queued" ? "Waiting for its turn…" : state.status === "done" ? "Done: opening the report…"
        : state.status === "failed" ? "The analysis stopped" : "Analysing your run…";
    var current = order.indexOf(state.stage);
    order.forEach(function (key, i) {
      var li = document.querySelector('#stages li[data-stage="' + key + '"]');
      var done = state.status === "done" || (state.status === "running" && i < current);
      var active = state.status === "running" && i === current;
      li.classList.toggle("done", done);
      li.classList.toggle("active", active);
      var pct = active ? stagePct(key, state.progress || 0) : null;
      li.querySelector(".stage-state").textContent = done ? "done" : active ? (pct === null ? "working…" : pct + " %") : "";
    });
    if ((state.status === "done" || state.status === "failed") && !finished) {
      finished = true;
      setTimeout(function () { window.location.reload(); }, 400);
    }
  }

  show({status: job.dataset.status, stage: job.dataset.stage, progress: parseFloat(job.dataset.progress) || 0});

  function poll() {
    if (finished) return;
    fetch("/api/analyses/" + id, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) { show(s); if (!finished) setTimeout(poll, 1000); })
      .catch(function () { setTimeout(poll, 3000); });
  }

  if (window.EventSource) {
    var source = new EventSource("/api/analyses/" + id + "/events");
    source.addEventListener("progress", function (e) { show(JSON.parse(e.data)); if (finished) source.close(); });
    source.onerror = function () { source.close(); if (!finished) poll(); };
  } else {
    poll();
  }
})();
