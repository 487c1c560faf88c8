/* SCIP media library: the drop zone uploads each file to the API with its progress (upload.js)
 * using the session's CSRF token, and reloads the grid once every file has finished. */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});

  function init() {
    var zone = document.querySelector(".dropzone[data-media-upload]");
    if (!zone || !SCIP.upload) return;
    var holder = document.querySelector("[data-csrf]");
    var pending = 0, stored = 0;
    function settled() {
      pending--;
      if (pending <= 0 && stored > 0) window.setTimeout(function () { window.location.reload(); }, 900);
    }
    SCIP.upload.attach(zone, {
      url: zone.getAttribute("data-media-upload"),
      field: "file",
      maxBytes: Number(zone.getAttribute("data-upload-max")) || 0,
      accept: (zone.getAttribute("data-upload-accept") || "").split(",").filter(Boolean),
      list: zone.getAttribute("data-upload-list"),
      headers: { "X-CSRF-Token": holder ? holder.getAttribute("data-csrf") : "" },
      onDone: function () { stored++; settled(); },
      onError: function () { settled(); }
    });
    var input = zone.querySelector("input[type=file]");
    if (input) input.addEventListener("change", function () { pending += input.files.length; }, true);
    zone.addEventListener("drop", function (e) { pending += e.dataTransfer.files.length; }, true);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
