/* SCIP exercise control: live panels, the space key, and the live-inject composer.
 *
 * Live panels: the page holds [data-panel="matrix"] (and controls, teams, upcoming, attention,
 * log). /exercises/{id}/stream sends "changed" {parts: [...]} when something changed; the
 * named panels are fetched again from /exercises/{id}/panels?part=… and swapped in, at most
 * twice a second. "timer" ticks go straight to the clock. A panel holding an open dialog or
 * focus inside a form waits until it is free again. Nothing polls.
 *
 * Space pauses or resumes (clicks the Pause or Resume button on the page).
 *
 * Composer (#live-form): the type select shows that type's fields; "Stage" keeps the inject in
 * a list on the page; "Send all staged" posts each to the API (/api/v2/…/live-injects, with the
 * session's X-CSRF-Token); "Send now" submits the form to the portal.
 *
 * Launch form: choosing another scenario reloads the page for that scenario's versions.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var MIN_GAP_MS = 500;

  function csrf() {
    var node = document.querySelector("[data-csrf]");
    return node ? node.getAttribute("data-csrf") : "";
  }

  function toast(message, kind) {
    if (SCIP.ui && SCIP.ui.toast) SCIP.ui.toast(message, { kind: kind || "info" });
  }

  /* Live panels ----------------------------------------------------------------------------- */
  function livePanels(root) {
    var id = root.getAttribute("data-exercise");
    var pending = {};
    var timer = 0;
    var lastRun = 0;
    var running = false;

    function busy(panel) {
      if (panel.querySelector("dialog[open]")) return true;
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
          .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
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

  /* Live-inject composer ------------------------------------------------------------------------- */
  function composer(form) {
    var staged = [];
    var typeSelect = form.querySelector('select[name="type"]');
    var dialog = form.closest("dialog");
    var list = form.querySelector("[data-staged-list]");
    var box = form.querySelector("[data-staged]");
    var count = form.querySelector("[data-staged-count]");
    var sendAll = dialog && dialog.querySelector("[data-send-all]");
    var stageButton = dialog && dialog.querySelector("[data-stage]");

    function showType() {
      var kind = typeSelect.value;
      var groups = form.querySelectorAll("[data-type-fields]");
      for (var i = 0; i < groups.length; i++) {
        var on = groups[i].getAttribute("data-type-fields") === kind;
        groups[i].hidden = !on;
        groups[i].disabled = !on;
      }
    }

    function activeFields() {
      return form.querySelector('[data-type-fields="' + typeSelect.value + '"]');
    }

    function collect() {
      var kind = typeSelect.value;
      var content = {};
      var inputs = activeFields().querySelectorAll("input, textarea, select");
      for (var i = 0; i < inputs.length; i++) {
        var input = inputs[i];
        var name = input.name.split(".").slice(2).join(".");
        if (input.type === "checkbox") { if (input.checked) content[name] = true; continue; }
        var value = input.value.trim();
        if (!value) continue;
        content[name] = input.type === "number" ? Number(value) : value;
      }
      var teams = Array.prototype.map.call(form.querySelectorAll('input[name="teams"]:checked'), function (c) { return c.value; });
      var media = form.querySelector('input[name="media"]').value.split(",").map(function (m) { return m.trim(); }).filter(Boolean);
      return { type: kind, priority: form.querySelector('select[name="priority"]').value, teams: teams, content: content, media: media };
    }

    function title(item) {
      var c = item.content;
      return c.headline || c.subject || c.title || (c.body || c.message || "").slice(0, 60) || item.type;
    }

    function render() {
      list.innerHTML = "";
      staged.forEach(function (item, index) {
        var li = document.createElement("li");
        li.className = "list__item";
        var main = document.createElement("div");
        main.className = "list__main";
        var t = document.createElement("span");
        t.className = "truncate";
        t.textContent = title(item);
        var meta = document.createElement("span");
        meta.className = "list__meta";
        meta.textContent = item.type + " · " + item.priority + " · " + item.teams.join(", ");
        main.appendChild(t);
        main.appendChild(meta);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn--ghost btn--sm";
        remove.textContent = "Remove";
        remove.addEventListener("click", function () { staged.splice(index, 1); render(); });
        li.appendChild(main);
        li.appendChild(remove);
        list.appendChild(li);
      });
      box.hidden = staged.length === 0;
      if (sendAll) sendAll.hidden = staged.length === 0;
      count.textContent = String(staged.length);
    }

    function clearContent() {
      var inputs = activeFields().querySelectorAll("input, textarea, select");
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].type === "checkbox") inputs[i].checked = false; else inputs[i].value = "";
      }
    }

    typeSelect.addEventListener("change", showType);
    showType();
    var all = form.querySelector("[data-all-teams]");
    if (all) all.addEventListener("click", function () {
      var boxes = form.querySelectorAll('input[name="teams"]');
      var every = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = !every;
    });

    form.addEventListener("submit", function (event) {
      if (!form.querySelector('input[name="teams"]:checked')) {
        event.preventDefault();
        toast("Choose at least one team.", "warning");
      }
    });

    if (stageButton) stageButton.addEventListener("click", function () {
      if (!form.reportValidity()) return;
      var item = collect();
      if (!item.teams.length) { toast("Choose at least one team.", "warning"); return; }
      staged.push(item);
      render();
      clearContent();
      toast("Staged. Stage more, then send them all at once.", "info");
    });

    if (sendAll) sendAll.addEventListener("click", function () {
      sendAll.disabled = true;
      var url = form.getAttribute("data-api");
      var sent = 0;
      function next() {
        if (!staged.length) {
          sendAll.disabled = false;
          render();
          toast(sent + " live inject" + (sent === 1 ? "" : "s") + " sent.", "success");
          if (dialog) dialog.close();
          return;
        }
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), Accept: "application/json" },
          body: JSON.stringify(staged[0])
        }).then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (body) {
            if (!r.ok) throw new Error((body.error && body.error.message) || ("HTTP " + r.status));
            staged.shift();
            sent += 1;
            next();
          });
        }).catch(function (e) {
          sendAll.disabled = false;
          render();
          toast("Not sent: " + e.message + (sent ? " (" + sent + " sent before this one)" : ""), "error");
        });
      }
      next();
    });
  }

  /* Launch form ----------------------------------------------------------------------------------- */
  function launchForm(form) {
    var select = form.querySelector('select[name="scenario"]');
    if (!select) return;
    select.addEventListener("change", function () {
      window.location.href = "/exercises/new?scenario=" + encodeURIComponent(select.value);
    });
  }

  function init() {
    var root = document.querySelector("[data-control]");
    if (root) { livePanels(root); spaceKey(); }
    var form = document.getElementById("live-form");
    if (form) composer(form);
    var launch = document.getElementById("launch-form");
    if (launch) launchForm(launch);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
