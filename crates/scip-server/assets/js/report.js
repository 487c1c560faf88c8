/* SCIP report: a [data-print] button prints the page (the report has print styles); the page's
 * Content-Security-Policy allows no inline handlers, so this is wired here.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  SCIP.report = {
    print: function () { window.print(); }
  };
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) SCIP.report.print();
  });
})();
