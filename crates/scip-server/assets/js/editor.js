/* SCIP scenario editor: switching an inject's type reloads its form with the fields of the
 * new type (the values that fit are kept by the server). Without JavaScript the type menu of
 * "+ Inject" does the same. */
(function () {
  "use strict";
  function init() {
    var select = document.querySelector("select[data-retype]");
    if (!select) return;
    select.addEventListener("change", function () {
      window.location.href = select.getAttribute("data-retype") + encodeURIComponent(select.value);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
