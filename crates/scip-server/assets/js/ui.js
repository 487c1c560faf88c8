/* SCIP ui: small behaviours every page gets from data attributes, without page code.
 *
 *   data-confirm="Stop the exercise?"   asks first (a <dialog>), then clicks/submits/follows.
 *       data-confirm-title, data-confirm-label ("Stop"), data-confirm-danger (red button).
 *   data-copy="text" | data-copy-target="#id"   copies to the clipboard, also on plain http.
 *   data-dismiss[=".selector"]          removes the closest toast, banner or the selector's match.
 *   data-tip="text"                     tooltip on hover and keyboard focus (\n for new lines).
 *   data-open-dialog="#id", data-close-dialog   open and close <dialog> elements.
 *   <time data-relative datetime="…">   "just now", "4 min ago", refreshed every 30 s.
 *   .toast[data-timeout="6000"]          server-rendered toasts fade after the timeout.
 *
 * JavaScript API: SCIP.ui.toast(message, {kind, title, timeout}), SCIP.ui.confirm({...}) →
 * Promise<boolean>, SCIP.ui.copy(text) → Promise, SCIP.ui.relativeTime(date, now).
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var ui = (SCIP.ui = {});
  var ICONS = { success: "check-circle", info: "info", warning: "alert-triangle", error: "x-circle" };

  function icon(name) {
    return '<svg class="icon" aria-hidden="true"><use href="#i-' + name + '"></use></svg>';
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* Toasts ------------------------------------------------------------------------------ */
  function toastRegion() {
    var region = document.querySelector(".toasts");
    if (!region) {
      region = el("div", "toasts");
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", "Notifications");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  ui.dismiss = function (node) {
    if (!node || node.classList.contains("is-leaving")) return;
    node.classList.add("is-leaving");
    // Removes after the leave animation; the timer covers reduced motion (no animationend).
    setTimeout(function () { node.remove(); }, 200);
  };

  ui.toast = function (message, options) {
    options = options || {};
    var kind = ICONS[options.kind] ? options.kind : "info";
    var toast = el("div", "toast toast--" + kind);
    toast.setAttribute("role", kind === "error" ? "alert" : "status");
    toast.innerHTML = icon(ICONS[kind]);
    var body = el("div", "toast__body");
    if (options.title) body.appendChild(el("div", "toast__title", options.title));
    body.appendChild(el("div", "toast__text", message));
    toast.appendChild(body);
    var close = el("button", "btn btn--ghost btn--icon btn--sm");
    close.type = "button";
    close.setAttribute("data-dismiss", "");
    close.setAttribute("aria-label", "Dismiss");
    close.innerHTML = icon("x");
    toast.appendChild(close);
    toastRegion().appendChild(toast);
    var timeout = options.timeout === undefined ? (kind === "error" || kind === "warning" ? 0 : 5000) : options.timeout;
    if (timeout > 0) setTimeout(function () { ui.dismiss(toast); }, timeout);
    return toast;
  };

  /* Confirm dialogs ------------------------------------------------------------------- */
  var confirmDialog;
  ui.confirm = function (options) {
    if (!confirmDialog) {
      confirmDialog = el("dialog", "modal");
      confirmDialog.innerHTML =
        '<form method="dialog"><div class="modal__header"><span class="modal__icon">' + icon("alert-triangle") +
        '</span><h2 class="modal__title"></h2></div><div class="modal__body"><p></p></div>' +
        '<div class="modal__footer"><button class="btn" value="cancel">Cancel</button>' +
        '<button class="btn" value="confirm" data-role="confirm"></button></div></form>';
      document.body.appendChild(confirmDialog);
    }
    var d = confirmDialog;
    d.classList.toggle("modal--danger", !!options.danger);
    d.querySelector(".modal__title").textContent = options.title || "Are you sure?";
    d.querySelector(".modal__body p").textContent = options.message || "";
    var ok = d.querySelector("[data-role=confirm]");
    ok.textContent = options.label || "Confirm";
    ok.className = "btn " + (options.danger ? "btn--danger" : "btn--primary");
    d.returnValue = "";
    d.showModal();
    ok.focus();
    return new Promise(function (resolve) {
      d.addEventListener("close", function () { resolve(d.returnValue === "confirm"); }, { once: true });
    });
  };

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-confirm]");
    if (!trigger) return;
    if (trigger.dataset.confirmed === "yes") { delete trigger.dataset.confirmed; return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    ui.confirm({
      title: trigger.dataset.confirmTitle,
      message: trigger.dataset.confirm,
      label: trigger.dataset.confirmLabel || trigger.textContent.trim(),
      danger: trigger.hasAttribute("data-confirm-danger")
    }).then(function (yes) {
      if (!yes) return;
      trigger.dataset.confirmed = "yes";
      if (trigger.form && trigger.type === "submit") trigger.form.requestSubmit(trigger);
      else trigger.click();
    });
  }, true);

  /* Clipboard --------------------------------------------------------------------------- */
  ui.copy = function (text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Team dashboards are often served over plain http on a local network, where the
    // Clipboard API is unavailable: fall back to a hidden textarea.
    return new Promise(function (resolve, reject) {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.cssText = "position:fixed;opacity:0;top:0;left:0";
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand("copy");
      area.remove();
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  };

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-copy-target]");
    if (!button) return;
    var target = button.dataset.copyTarget && document.querySelector(button.dataset.copyTarget);
    var text = target ? (target.value !== undefined ? target.value : target.textContent) : button.dataset.copy;
    ui.copy(text || "").then(function () {
      button.classList.add("is-copied");
      button.setAttribute("data-tip", "Copied");
      showTip(button);
      setTimeout(function () { button.classList.remove("is-copied"); button.setAttribute("data-tip", "Copy"); }, 1600);
    }, function () { ui.toast("Copying was refused by the browser; select the text instead.", { kind: "warning" }); });
  });

  /* Dismiss and dialogs ----------------------------------------------------------------- */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss], [data-open-dialog], [data-close-dialog]");
    if (!button) return;
    if (button.hasAttribute("data-open-dialog")) {
      var dialog = document.querySelector(button.getAttribute("data-open-dialog"));
      if (dialog) dialog.showModal();
    } else if (button.hasAttribute("data-close-dialog")) {
      button.closest("dialog").close();
    } else {
      var node = button.closest(button.getAttribute("data-dismiss") || ".toast, .callout, .breaking, .dash-banner");
      if (node && node.classList.contains("toast")) ui.dismiss(node); else if (node) node.remove();
    }
  });

  /* Tooltips ---------------------------------------------------------------------------- */
  var tip;
  function showTip(target) {
    var text = target.getAttribute("data-tip");
    if (!text) return;
    if (!tip) { tip = el("div", "tooltip"); tip.setAttribute("role", "tooltip"); }
    tip.textContent = text;
    document.body.appendChild(tip);
    var r = target.getBoundingClientRect(), t = tip.getBoundingClientRect();
    var top = r.top - t.height - 8 < 4 ? r.bottom + 8 : r.top - t.height - 8;
    var left = Math.min(Math.max(4, r.left + r.width / 2 - t.width / 2), window.innerWidth - t.width - 4);
    tip.style.top = top + "px";
    tip.style.left = left + "px";
  }
  function hideTip() { if (tip) tip.remove(); }
  document.addEventListener("mouseover", function (e) { var t = e.target.closest("[data-tip]"); if (t) showTip(t); });
  document.addEventListener("mouseout", function (e) { if (e.target.closest("[data-tip]")) hideTip(); });
  document.addEventListener("focusin", function (e) { if (e.target.matches("[data-tip]:focus-visible")) showTip(e.target); });
  document.addEventListener("focusout", hideTip);
  window.addEventListener("scroll", hideTip, true);

  /* Relative times ---------------------------------------------------------------------- */
  ui.relativeTime = function (date, now) {
    var s = Math.round(((now || Date.now()) - date.getTime()) / 1000);
    if (s < 45) return "just now";
    var m = Math.round(s / 60);
    if (m < 60) return m + " min ago";
    var h = Math.round(m / 60);
    if (h < 24) return h + " h ago";
    var d = Math.round(h / 24);
    return d === 1 ? "yesterday" : d + " days ago";
  };
  function refreshTimes() {
    var times = document.querySelectorAll("time[data-relative]");
    for (var i = 0; i < times.length; i++) {
      var date = new Date(times[i].getAttribute("datetime"));
      if (isNaN(date)) continue;
      times[i].textContent = ui.relativeTime(date);
      times[i].title = date.toLocaleString();
    }
  }

  function init() {
    refreshTimes();
    setInterval(refreshTimes, 30000);
    var toasts = document.querySelectorAll(".toast[data-timeout]");
    for (var i = 0; i < toasts.length; i++) {
      (function (t) { setTimeout(function () { ui.dismiss(t); }, Number(t.dataset.timeout)); })(toasts[i]);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
