/* SCIP live-inject composer and launch form.
 *
 * Composer (#live-form on the control page): the type select shows that type's fields; "Stage"
 * keeps the inject in a list on the page; "Send all staged" posts each to the API
 * (/api/v2/…/live-injects, with the session's X-CSRF-Token); "Send now" submits the form to
 * the portal (works without JavaScript).
 *
 * Launch form (#launch-form): choosing another scenario reloads the page for its versions.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});

  function csrf() {
    var node = document.querySelector("[data-csrf]");
    return node ? node.getAttribute("data-csrf") : "";
  }

  function toast(message, kind) {
    if (SCIP.ui && SCIP.ui.toast) SCIP.ui.toast(message, { kind: kind || "info" });
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
    var form = document.getElementById("live-form");
    if (form) composer(form);
    var launch = document.getElementById("launch-form");
    if (launch) launchForm(launch);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
