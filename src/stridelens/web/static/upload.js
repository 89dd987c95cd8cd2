// Upload page: drag and drop, new-athlete field, upload with its own progress bar (XHR), then the job page.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var input = document.getElementById("file");
  var zone = document.getElementById("dropzone");
  var select = document.getElementById("athlete_id");
  var newAthlete = document.getElementById("new-athlete");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;

  function showNewAthlete() { newAthlete.hidden = select.value !== "new"; }
  select.addEventListener("change", showNewAthlete);
  showNewAthlete();

  function sizeText(bytes) {
    return bytes > 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " kB";
  }
  function showFile() {
    var f = input.files && input.files[0];
    zone.classList.toggle("has-file", !!f);
    if (f) {
      document.getElementById("dz-title").textContent = f.name;
      document.getElementById("dz-sub").textContent = sizeText(f.size) + " · click to choose another";
    }
  }
  input.addEventListener("change", showFile);
  ["dragenter", "dragover"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; showFile(); }
  });

  function fail(message, advice) {
    var box = document.getElementById("upload-error");
    box.textContent = "";
    var p = document.createElement("p"); p.textContent = message; box.appendChild(p);
    if (advice) { var a = document.createElement("p"); a.textContent = "What to do: " + advice; box.appendChild(a); }
    box.hidden = false;
    document.getElementById("upload-progress").hidden = true;
    document.getElementById("submit").disabled = false;
  }

  form.addEventListener("submit", function (e) {
    if (!window.FormData || !window.XMLHttpRequest) return; // plain form post
    e.preventDefault();
    if (!input.files || !input.files.length) { fail("Choose a video first.", ""); return; }
    document.getElementById("upload-error").hidden = true;
    document.getElementById("upload-progress").hidden = false;
    document.getElementById("submit").disabled = true;
    var bar = document.getElementById("upload-bar"), text = document.getElementById("upload-text");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/analyses");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (ev) {
      if (!ev.lengthComputable) return;
      var pct = Math.round(100 * ev.loaded / ev.total);
      bar.style.width = pct + "%";
      text.textContent = pct < 100 ? "Uploading… " + pct + " % of " + sizeText(ev.total)
                                   : "Checking the video…";
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { /* not JSON */ }
      if (xhr.status === 202 && body.url) { text.textContent = "Uploaded. Starting the analysis…"; window.location = body.url; }
      else if (xhr.status === 401) { window.location = "/login?next=/"; }
      else { fail(body.message || ("The upload failed (" + xhr.status + ")."), body.advice || "Try again."); }
    };
    xhr.onerror = function () { fail("The connection was lost during the upload.", "Check that the server is running and try again."); };
    xhr.send(new FormData(form));
  });
})();
