/* SCIP scenario authoring pages.
 * - Editor: switching an inject's type reloads its form with the fields of the new type (the
 *   values that fit are kept by the server). Without JavaScript the "+ Inject" menu does it.
 * - Import: the file drop zone names the files chosen. */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});

  function fileZone() {
    var zone = document.querySelector("[data-file-zone]");
    if (!zone) return;
    var input = zone.querySelector("input[type=file]");
    var label = zone.querySelector("[data-file-names]");
    zone.addEventListener("dragenter", function () { zone.classList.add("is-dragover"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("is-dragover"); });
    zone.addEventListener("drop", function () { zone.classList.remove("is-dragover"); });
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      label.textContent = names.length ? names.join(", ") : "Drop files here or browse";
    });
  }

  function init() {
    fileZone();
    var select = document.querySelector("select[data-retype]");
    if (!select) return;
    select.addEventListener("change", function () {
      window.location.href = select.getAttribute("data-retype") + encodeURIComponent(select.value);
    });
  }
  SCIP.authoring = { fileZone: fileZone };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
