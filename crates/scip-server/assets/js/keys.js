/* SCIP keys: one registry of keyboard shortcuts per page, and a help dialog listing them.
 *
 *   SCIP.keys.register("g s", "Go to scenarios", fn, {group: "Navigation"})
 *   SCIP.keys.register("shift+p", "Pause or resume the clock", fn)
 *   SCIP.keys.register("mod+k", "Search", fn)        // mod = Ctrl, or ⌘ on a Mac
 *
 * Combos: one key ("?", "n", "escape"), a key with modifiers ("shift+", "alt+", "ctrl+",
 * "meta+", "mod+"), or a two-key sequence ("g s", second key within a second).
 * Declarative: an element with data-shortcut="g s" is clicked by that combo, described by its
 * data-shortcut-label, aria-label or text, and grouped by data-shortcut-group.
 * Shortcuts without modifiers are ignored while typing in a field or when a dialog is open,
 * so they never steal keystrokes. "?" (and any [data-shortcuts-help] button) opens the help.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var bindings = [];
  var pending = null; // first key of a sequence, waiting for the second
  var pendingTimer = 0;
  var isMac = /Mac|iPhone|iPad/.test(navigator.platform || "");

  function normalise(combo) {
    return combo.trim().toLowerCase().split(/\s+/).map(function (step) {
      var parts = step.split("+");
      var key = parts.pop() || "+";
      var mods = parts.map(function (m) { return m === "mod" ? (isMac ? "meta" : "ctrl") : m; }).sort();
      return mods.concat([key]).join("+");
    }).join(" ");
  }

  function eventStep(event) {
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key.toLowerCase();
    var mods = [];
    if (event.altKey) mods.push("alt");
    if (event.ctrlKey) mods.push("ctrl");
    if (event.metaKey) mods.push("meta");
    // Shift is implied by characters like "?" itself; record it only for letters and named keys.
    if (event.shiftKey && (/^[a-z]$/.test(key) || key.length > 1)) mods.push("shift");
    return mods.sort().concat([key]).join("+");
  }

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  var keys = (SCIP.keys = {
    /** Adds a shortcut; returns a function that removes it. */
    register: function (combo, description, handler, options) {
      var binding = { combo: normalise(combo), label: combo, description: description, handler: handler,
        group: (options && options.group) || "General" };
      bindings.push(binding);
      return function () { bindings = bindings.filter(function (b) { return b !== binding; }); };
    },
    /** Every registered shortcut, for the help dialog. */
    list: function () { return bindings.slice(); },
    /** Opens the help dialog. */
    showHelp: showHelp
  });

  function run(binding, event) {
    event.preventDefault();
    binding.handler(event);
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing || /^(shift|control|alt|meta)$/i.test(event.key)) return;
    var step = eventStep(event);
    var hasModifier = /(alt|ctrl|meta)\+/.test(step);
    if (!hasModifier && (typing(event.target) || document.querySelector("dialog[open]"))) return;
    var combo = pending ? pending + " " + step : step;
    clearTimeout(pendingTimer);
    pending = null;
    for (var i = 0; i < bindings.length; i++) {
      if (bindings[i].combo === combo) return run(bindings[i], event);
    }
    var startsSequence = bindings.some(function (b) { return b.combo.indexOf(step + " ") === 0; });
    if (startsSequence) {
      pending = step;
      pendingTimer = setTimeout(function () { pending = null; }, 1000);
    }
  });

  var dialog;
  function showHelp() {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "modal modal--wide";
      dialog.setAttribute("aria-labelledby", "scip-keys-title");
      document.body.appendChild(dialog);
    }
    var groups = {};
    bindings.forEach(function (b) { (groups[b.group] = groups[b.group] || []).push(b); });
    var html = '<div class="modal__header"><h2 class="modal__title" id="scip-keys-title">Keyboard shortcuts</h2>' +
      '<button class="btn btn--ghost btn--icon modal__close" data-close-dialog aria-label="Close">' +
      '<svg class="icon" aria-hidden="true"><use href="#i-x"></use></svg></button></div><div class="modal__body"><div class="grid grid--2">';
    Object.keys(groups).forEach(function (name) {
      html += '<section class="stack stack--sm"><h3 class="section-title"></h3><dl class="kv"></dl></section>';
    });
    dialog.innerHTML = html + "</div></div>";
    // Text goes in through textContent so descriptions can never inject markup.
    var sections = dialog.querySelectorAll("section");
    Object.keys(groups).forEach(function (name, i) {
      sections[i].querySelector("h3").textContent = name;
      var list = sections[i].querySelector("dl");
      groups[name].forEach(function (b) {
        var dt = document.createElement("dt");
        b.label.split(" ").forEach(function (k) {
          var kbd = document.createElement("kbd");
          kbd.className = "kbd";
          kbd.textContent = k.replace(/^mod\+/, isMac ? "⌘" : "Ctrl+");
          dt.appendChild(kbd);
          dt.appendChild(document.createTextNode(" "));
        });
        var dd = document.createElement("dd");
        dd.textContent = b.description;
        list.appendChild(dt);
        list.appendChild(dd);
      });
    });
    dialog.showModal();
  }

  keys.register("?", "Show keyboard shortcuts", showHelp, { group: "Help" });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcuts-help]")) showHelp();
  });

  function registerDeclared() {
    var nodes = document.querySelectorAll("[data-shortcut]");
    for (var i = 0; i < nodes.length; i++) {
      (function (node) {
        var label = node.getAttribute("data-shortcut-label") || node.getAttribute("aria-label") || node.textContent.trim();
        keys.register(node.getAttribute("data-shortcut"), label, function () { node.focus(); node.click(); },
          { group: node.getAttribute("data-shortcut-group") || "Page" });
      })(nodes[i]);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", registerDeclared);
  else registerDeclared();
})();
