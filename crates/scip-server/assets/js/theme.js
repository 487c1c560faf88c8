/* SCIP theme: picks light or dark before the page paints, and lets people change it.
 *
 * Loaded synchronously in <head> (it is tiny) so the page never flashes the wrong theme.
 * The choice comes from, in order:
 *   1. `?theme=light|dark|system` in the URL — for wall screens and kiosks; not stored;
 *   2. what the person chose before (localStorage "scip-theme");
 *   3. `data-theme-default` on <html> (the news wall defaults to dark);
 *   4. the operating system (`prefers-color-scheme`), which CSS follows on its own.
 * Any element with `data-theme-toggle` cycles system → light → dark and stores the choice.
 * <html data-theme-choice> always says which of the three is active, for the toggle's icon.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var KEY = "scip-theme";
  var CHOICES = ["system", "light", "dark"];
  var LABELS = { system: "Theme: follows the system", light: "Theme: light", dark: "Theme: dark" };
  var root = document.documentElement;

  function valid(choice) {
    return CHOICES.indexOf(choice) >= 0 ? choice : null;
  }

  function stored() {
    try {
      return valid(window.localStorage.getItem(KEY));
    } catch (e) {
      return null; // Storage can be disabled by policy; fall back quietly.
    }
  }

  function fromUrl() {
    var match = /[?&]theme=([a-z]+)/.exec(window.location.search);
    return match ? valid(match[1]) : null;
  }

  function apply(choice) {
    if (choice === "light" || choice === "dark") {
      root.setAttribute("data-theme", choice);
    } else {
      root.removeAttribute("data-theme");
    }
    root.setAttribute("data-theme-choice", choice);
    var toggles = document.querySelectorAll("[data-theme-toggle]");
    for (var i = 0; i < toggles.length; i++) {
      toggles[i].setAttribute("aria-label", LABELS[choice]);
      toggles[i].setAttribute("data-tip", LABELS[choice]);
    }
  }

  function current() {
    return root.getAttribute("data-theme-choice") || "system";
  }

  function set(choice) {
    choice = valid(choice) || "system";
    try {
      window.localStorage.setItem(KEY, choice);
    } catch (e) {
      /* not stored: the choice still applies to this page */
    }
    apply(choice);
  }

  SCIP.theme = {
    /** The active choice: "system", "light" or "dark". */
    get: current,
    /** Applies and stores a choice. */
    set: set,
    /** Moves to the next choice in the cycle system → light → dark. */
    cycle: function () {
      set(CHOICES[(CHOICES.indexOf(current()) + 1) % CHOICES.length]);
    }
  };

  apply(fromUrl() || stored() || valid(root.getAttribute("data-theme-default")) || "system");

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-theme-toggle]")) {
      SCIP.theme.cycle();
    }
  });
  // Labels the toggles once they exist.
  document.addEventListener("DOMContentLoaded", function () {
    apply(current());
  });
})();
