/* SCIP widgets: small self-wiring controls.
 *
 *   [role=tablist] > [role=tab][aria-controls]   in-page tabs: click or arrow keys show the
 *       tab's panel (panels are elements with the ids the tabs control; others get hidden).
 *   <input|textarea data-maxlength="200"> with a .field__counter[data-counter-for=its id]
 *       a live "12 / 200" counter; near the limit it turns amber, past it red and the field
 *       is marked aria-invalid (typing is never cut off: the server has the last word).
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});

  /* Tabs -------------------------------------------------------------------------------- */
  function selectTab(tab) {
    var tabs = tab.parentNode.querySelectorAll("[role=tab][aria-controls]");
    for (var i = 0; i < tabs.length; i++) {
      var on = tabs[i] === tab;
      tabs[i].setAttribute("aria-selected", String(on));
      tabs[i].tabIndex = on ? 0 : -1;
      var panel = document.getElementById(tabs[i].getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    }
  }
  document.addEventListener("click", function (e) { var t = e.target.closest("[role=tab][aria-controls]"); if (t) selectTab(t); });
  document.addEventListener("keydown", function (e) {
    var tab = e.target.closest && e.target.closest("[role=tab][aria-controls]");
    if (!tab || (e.key !== "ArrowRight" && e.key !== "ArrowLeft")) return;
    var tabs = Array.prototype.slice.call(tab.parentNode.querySelectorAll("[role=tab][aria-controls]"));
    var next = tabs[(tabs.indexOf(tab) + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    selectTab(next);
    next.focus();
  });

  /* Character counters ------------------------------------------------------------------ */
  function updateCounter(field) {
    var counter = document.querySelector('[data-counter-for="' + field.id + '"]');
    var max = Number(field.getAttribute("data-maxlength"));
    if (!counter || !max) return;
    // Count characters as people see them (code points), like the server's chars().count().
    var length = Array.from(field.value).length;
    counter.textContent = length + " / " + max;
    counter.classList.toggle("is-near", length <= max && length >= max * 0.9);
    counter.classList.toggle("is-over", length > max);
    if (length > max) field.setAttribute("aria-invalid", "true");
    else if (!field.closest(".field--invalid")) field.removeAttribute("aria-invalid");
  }
  document.addEventListener("input", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-maxlength")) updateCounter(e.target);
  });

  SCIP.widgets = { selectTab: selectTab, updateCounter: updateCounter };
})();
