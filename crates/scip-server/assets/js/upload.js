/* SCIP upload: a drag-and-drop zone that uploads each file on its own with a progress bar.
 *
 * Declarative: a .dropzone with data-upload-url attaches itself on load.
 *   <div class="dropzone" data-upload-url="/media" data-upload-max="52428800"
 *        data-upload-accept="image/,video/,application/pdf" data-upload-list="#uploads">
 *     <input class="dropzone__input" type="file" multiple aria-label="Choose files"> …
 *   </div>
 *   <ul class="uploads" id="uploads"></ul>
 * Or: SCIP.upload.attach(zone, {url, field: "file", maxBytes, accept: [...], list, headers,
 *   onDone(file, response), onError(file, message)}).
 *
 * Type and size are checked before sending, so a 2 GB video is refused at once with the
 * limit in the message; the server checks again (never trust the browser). Each file is one
 * multipart POST (XMLHttpRequest, the only browser API with upload progress); error bodies
 * shaped {"error":{"message"}} are shown as they are.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});

  /** 1536 → "1.5 KB"; binary units, as file managers show them. */
  function formatBytes(n) {
    if (n < 1024) return n + " B";
    var units = ["KB", "MB", "GB", "TB"], i = -1;
    do { n /= 1024; i++; } while (n >= 1024 && i < units.length - 1);
    return (n >= 10 ? Math.round(n) : Math.round(n * 10) / 10) + " " + units[i];
  }

  /** Why a file cannot be sent, or null. */
  function check(file, options) {
    var accept = options.accept || [];
    if (accept.length && !accept.some(function (a) { return file.type.indexOf(a) === 0 || file.name.toLowerCase().endsWith(a); })) {
      return "This type of file (" + (file.type || "unknown") + ") cannot be uploaded here.";
    }
    if (options.maxBytes && file.size > options.maxBytes) {
      return "Too large: " + formatBytes(file.size) + "; the limit is " + formatBytes(options.maxBytes) + ".";
    }
    return null;
  }

  function row(file) {
    var item = document.createElement("li");
    item.className = "upload";
    item.innerHTML = '<span class="upload__thumb"><svg class="icon" aria-hidden="true"><use href="#i-file"></use></svg></span>' +
      '<div class="upload__main"><div class="upload__line"><span class="upload__name"></span><span class="upload__meta"></span></div>' +
      '<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"><div class="progress__bar"></div></div>' +
      '<div class="upload__status" aria-live="polite"></div></div>';
    item.querySelector(".upload__name").textContent = file.name;
    item.querySelector(".upload__meta").textContent = formatBytes(file.size);
    if (file.type.indexOf("image/") === 0 && window.URL) {
      var img = document.createElement("img");
      img.className = "upload__thumb";
      img.alt = "";
      img.src = URL.createObjectURL(file);
      img.onload = function () { URL.revokeObjectURL(img.src); };
      item.querySelector(".upload__thumb").replaceWith(img);
    }
    return item;
  }

  function setProgress(item, fraction, status) {
    var pct = Math.round(fraction * 100);
    item.querySelector(".progress").style.setProperty("--value", pct + "%");
    item.querySelector(".progress").setAttribute("aria-valuenow", String(pct));
    if (status) item.querySelector(".upload__status").textContent = status;
  }

  function fail(item, message, file, options) {
    item.classList.add("is-error");
    item.querySelector(".upload__status").textContent = message;
    setProgress(item, 1);
    if (options.onError) options.onError(file, message);
  }

  function errorMessage(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.error && body.error.message) return body.error.message;
    } catch (e) { /* not JSON: use the status line */ }
    return "Upload failed (" + (xhr.status ? xhr.status + " " + xhr.statusText : "no connection") + ").";
  }

  function send(file, item, options) {
    var xhr = new XMLHttpRequest();
    var form = new FormData();
    form.append(options.field || "file", file);
    xhr.open("POST", options.url);
    Object.keys(options.headers || {}).forEach(function (h) { xhr.setRequestHeader(h, options.headers[h]); });
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) setProgress(item, e.loaded / e.total, formatBytes(e.loaded) + " of " + formatBytes(e.total));
    };
    xhr.onload = function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        item.classList.add("is-done");
        setProgress(item, 1, "Uploaded");
        if (options.onDone) options.onDone(file, xhr.responseText);
      } else {
        fail(item, errorMessage(xhr), file, options);
      }
    };
    xhr.onerror = function () { fail(item, errorMessage(xhr), file, options); };
    setProgress(item, 0, "Waiting…");
    xhr.send(form);
  }

  function handle(files, options) {
    Array.prototype.forEach.call(files, function (file) {
      var item = row(file);
      if (options.list) options.list.appendChild(item);
      var problem = check(file, options);
      if (problem) fail(item, problem, file, options); else send(file, item, options);
    });
  }

  function attach(zone, options) {
    if (typeof options.list === "string") options.list = document.querySelector(options.list);
    var input = zone.querySelector("input[type=file]");
    var depth = 0; // dragenter/leave fire for every child; count to know when the drag left the zone
    zone.addEventListener("dragenter", function (e) { e.preventDefault(); depth++; zone.classList.add("is-dragover"); });
    zone.addEventListener("dragover", function (e) { e.preventDefault(); });
    zone.addEventListener("dragleave", function () { if (--depth <= 0) { depth = 0; zone.classList.remove("is-dragover"); } });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      depth = 0;
      zone.classList.remove("is-dragover");
      handle(e.dataTransfer.files, options);
    });
    if (input) input.addEventListener("change", function () { handle(input.files, options); input.value = ""; });
  }

  function init() {
    var zones = document.querySelectorAll(".dropzone[data-upload-url]");
    for (var i = 0; i < zones.length; i++) {
      var z = zones[i];
      attach(z, {
        url: z.getAttribute("data-upload-url"),
        field: z.getAttribute("data-upload-field") || "file",
        maxBytes: Number(z.getAttribute("data-upload-max")) || 0,
        accept: (z.getAttribute("data-upload-accept") || "").split(",").filter(Boolean),
        list: z.getAttribute("data-upload-list")
      });
    }
  }

  SCIP.upload = { attach: attach, check: check, formatBytes: formatBytes };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
