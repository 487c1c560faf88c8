/* SCIP exercise control: live panels and the space key.
 *
 * Live panels: the page holds [data-panel="matrix"] (and controls, teams, upcoming, attention,
 * log). /exercises/{id}/stream sends "changed" {parts: [...]} when something changed; the
 * named panels are fetched again from /exercises/{id}/panels?part=… and swapped in, at most
 * twice a second. "timer" ticks go straight to the clock. While a dialog is open, or focus is
 * in a panel's field, swaps wait. Nothing polls.
 *
 * Space pauses or resumes (clicks the Pause or Resume button on the page). The live-inject
 * composer is composer.js.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var MIN_GAP_MS = 500;

  /* Live panels ----------------------------------------------------------------------------- */
  function livePanels(root) {
    var id = root.getAttribute("data-exercise");
    var pending = {};
    var timer = 0;
    var lastRun = 0;
    var running = false;

    function busy(panel) {
      // An open dialog (a QR code, a confirmation whose button must stay in the page) holds
      // every panel until it closes.
      if (document.querySelector("dialog[open]")) return true;
      var active = document.activeElement;
      return !!(active && panel.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
    }

    function swap(part, html) {
      var panels = document.querySelectorAll('[data-panel="' + part + '"]');
      for (var i = 0; i < panels.length; i++) {
        var panel = panels[i];
        if (panel.hasAttribute("data-static")) continue;
        if (busy(panel)) { pending[part] = true; continue; }
        var old = panel.querySelectorAll("[data-timer]");
        for (var j = 0; j < old.length; j++) {
          var t = SCIP.timer && SCIP.timer.get(old[j]);
          if (t) t.stop();
        }
        panel.innerHTML = html;
        if (SCIP.timer) SCIP.timer.init(panel);
        panel.dispatchEvent(new CustomEvent("scip:panel", { bubbles: true, detail: { part: part } }));
      }
    }

    function run() {
      timer = 0;
      if (running) { schedule(); return; }
      var parts = Object.keys(pending);
      if (!parts.length) return;
      pending = {};
      running = true;
      lastRun = Date.now();
      Promise.all(parts.map(function (part) {
        return fetch("/exercises/" + encodeURIComponent(id) + "/panels?part=" + part, { credentials: "same-origin", headers: { Accept: "text/html" } })
          .then(function (r) {
            // Signed out meanwhile: the page itself goes to the sign-in form.
            if (r.redirected) { window.location.reload(); throw new Error("signed out"); }
            if (!r.ok) throw new Error("HTTP " + r.status);
            return r.text();
          })
          .then(function (html) { swap(part, html); })
          .catch(function () { pending[part] = true; });
      })).then(function () { running = false; if (Object.keys(pending).length) schedule(); });
    }

    function schedule() {
      if (timer) return;
      var wait = Math.max(0, MIN_GAP_MS - (Date.now() - lastRun));
      timer = setTimeout(run, wait);
    }

    function stateBadge(tick) {
      var badge = document.querySelector("[data-state-badge] .badge");
      if (!badge || !tick || !tick.state) return;
      badge.className = badge.className.replace(/badge--state-\w+/, "badge--state-" + tick.state);
      var names = { deployed: "Deployed", running: "Running", paused: "Paused", finished: "Finished", stopped: "Stopped" };
      var label = badge.querySelector(".badge__label") || badge;
      if (label === badge) {
        // Keep the dot/icon elements; replace only the text.
        for (var i = badge.childNodes.length - 1; i >= 0; i--) if (badge.childNodes[i].nodeType === 3) badge.removeChild(badge.childNodes[i]);
        badge.appendChild(document.createTextNode(names[tick.state] || tick.state));
      } else {
        label.textContent = names[tick.state] || tick.state;
      }
    }

    if (!SCIP.live) return;
    var conn = SCIP.live.connect(root.getAttribute("data-stream"), {
      events: {
        changed: function (data) {
          (data && data.parts || []).forEach(function (p) { pending[p] = true; });
          schedule();
        },
        timer: function (tick) {
          if (SCIP.timer) SCIP.timer.updateAll(tick);
          stateBadge(tick);
        }
      }
    });
    // After a reconnect, catch up on everything missed while away.
    document.addEventListener("scip:live-state", function (e) {
      if (e.detail && e.detail.state === "online" && conn.everOnline) {
        ["controls", "teams", "matrix", "upcoming", "attention", "log"].forEach(function (p) { pending[p] = true; });
        schedule();
      }
      if (e.detail && e.detail.state === "online") conn.everOnline = true;
    });
    // Dialogs closed or fields left: apply what waited.
    document.addEventListener("close", function () { if (Object.keys(pending).length) schedule(); }, true);
    document.addEventListener("focusout", function () { if (Object.keys(pending).length) schedule(); });
    SCIP.control = { refresh: function (parts) { parts.forEach(function (p) { pending[p] = true; }); schedule(); } };
  }

  /* Space: pause or resume ---------------------------------------------------------------------- */
  function spaceKey() {
    if (SCIP.keys) SCIP.keys.register("space", "Pause or resume the clock", function () {}, { group: "Exercise" });
    document.addEventListener("keydown", function (event) {
      if (event.key !== " " || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      var target = event.target;
      if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|A|SUMMARY)$/.test(target.tagName)) return;
      if (document.querySelector("dialog[open]")) return;
      var button = document.querySelector('[data-action="pause"], [data-action="resume"]');
      if (!button) return;
      event.preventDefault();
      button.click();
    });
  }

  function init() {
    var root = document.querySelector("[data-control]");
    if (root) { livePanels(root); spaceKey(); }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
