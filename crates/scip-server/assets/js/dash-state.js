/* SCIP dashboard state: what this browser holds of its team's feed, what it has read, and the
 * receipts it owes the dashboard. Used by dash-views.js and dashboard.js as SCIP.dash.
 *
 *   SCIP.dash.items          Map seq → delivery event data of the current run
 *   SCIP.dash.receipt(seq, kind)   queue a receipt (received | displayed | read) once
 *   SCIP.dash.markRead([seq])      mark read here and tell the dashboard
 *   SCIP.dash.updateCounts()       unread badges, the page's count line, the empty state
 *   SCIP.dash.placed(nodes, d)     after inserting a fragment: read marks, "displayed" watch
 *   SCIP.dash.reset(run)           a new run: forget everything of the old one
 *
 * What this browser read and which receipts it sent are kept in localStorage per exercise,
 * team and run ("scip-dash:<exercise>:<team>:<run>"), so unread counts survive a reload and a
 * room of browsers does not resend what it already reported. Receipts go to POST /receipts in
 * batches; a failed batch is sent again, and what is left when the page closes goes by beacon.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var page = document.getElementById("dash-data");
  if (!page) return;
  var SECTION = { news: "news", social: "social", email: "email", sms: "sms", intel: "intel", alert: "alerts" };
  var VIEW_TYPES = { all: null, wall: null, news: "news", social: "social", email: "email", sms: "sms", intel: "intel", alerts: "alert" };
  var dash = (SCIP.dash = {
    exercise: page.getAttribute("data-exercise"),
    team: page.getAttribute("data-team"),
    view: page.getAttribute("data-view"),
    run: Number(page.getAttribute("data-run")) || 1,
    feed: document.getElementById("feed"),
    items: new Map(),
    backlogDone: false,
    onReset: []
  });
  dash.shownType = VIEW_TYPES[dash.view];
  var memory;

  function storeKey() { return "scip-dash:" + dash.exercise + ":" + dash.team + ":" + dash.run; }
  function loadMemory() {
    var saved = {};
    try { saved = JSON.parse(window.localStorage.getItem(storeKey()) || "{}") || {}; } catch (e) { saved = {}; }
    memory = {
      read: new Set(saved.read || []),
      sent: { received: new Set(saved.received || []), displayed: new Set(saved.displayed || []), read: new Set(saved.sentRead || []) }
    };
  }
  function saveMemory() {
    try {
      window.localStorage.setItem(storeKey(), JSON.stringify({
        read: Array.from(memory.read),
        received: Array.from(memory.sent.received),
        displayed: Array.from(memory.sent.displayed),
        sentRead: Array.from(memory.sent.read)
      }));
    } catch (e) { /* private mode or full: unread state lasts for this page only */ }
  }
  loadMemory();
  dash.isRead = function (seq) { return memory.read.has(seq); };

  /* Receipts ------------------------------------------------------------------------------ */
  var pending = [];
  var flushTimer = 0;
  dash.receipt = function (seq, kind) {
    if (memory.sent[kind].has(seq)) return;
    memory.sent[kind].add(seq);
    pending.push({ run: dash.run, seq: seq, kind: kind });
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, pending.length >= 200 ? 0 : 400);
  };
  function flush() {
    if (!pending.length) return;
    var batch = pending.splice(0, 500);
    saveMemory();
    fetch("/receipts", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ receipts: batch })
    }).then(function (response) {
      if (response.status !== 401 && !response.ok) retry(batch);
    }, function () { retry(batch); });
    if (pending.length) flushTimer = setTimeout(flush, 0);
  }
  function retry(batch) {
    // Not recorded: forget they were sent, so they go again with the next batch.
    batch.forEach(function (r) { if (r.run === dash.run) { memory.sent[r.kind].delete(r.seq); pending.push(r); } });
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, 3000);
  }
  window.addEventListener("pagehide", function () {
    saveMemory();
    if (!pending.length || !navigator.sendBeacon) return;
    var body = new Blob([JSON.stringify({ receipts: pending.splice(0, 500) })], { type: "application/json" });
    navigator.sendBeacon("/receipts", body);
  });

  /* Unread --------------------------------------------------------------------------------- */
  dash.shownItems = function () {
    var list = [];
    dash.items.forEach(function (d, seq) { if (!dash.shownType || d.type === dash.shownType) list.push(seq); });
    return list;
  };
  dash.updateCounts = function () {
    var counts = { all: 0, news: 0, social: 0, email: 0, sms: 0, intel: 0, alerts: 0 };
    var shownUnread = 0;
    dash.items.forEach(function (d, seq) {
      if (memory.read.has(seq)) return;
      counts.all += 1;
      if (SECTION[d.type]) counts[SECTION[d.type]] += 1;
      if (!dash.shownType || d.type === dash.shownType) shownUnread += 1;
    });
    Object.keys(counts).forEach(function (key) {
      var nodes = document.querySelectorAll('[data-unread-count="' + key + '"]');
      for (var i = 0; i < nodes.length; i++) {
        nodes[i].textContent = counts[key];
        nodes[i].hidden = !counts[key];
        nodes[i].setAttribute("aria-label", counts[key] + " unread");
      }
    });
    if (dash.backlogDone) {
      var shown = dash.shownItems().length;
      var label = document.querySelector("[data-feed-count]");
      var noun = dash.view === "email" || dash.view === "sms" ? "message" : "item";
      if (label) label.textContent = shown + " " + noun + (shown === 1 ? "" : "s") + (shownUnread ? " · " + shownUnread + " unread" : "");
      var empty = document.querySelector("[data-feed-empty]");
      if (empty) empty.hidden = dash.view === "email" ? !!dash.openMail : shown > 0;
    }
    var base = document.title.replace(/^\(\d+\) /, "");
    document.title = counts.all ? "(" + counts.all + ") " + base : base;
  };

  dash.showRead = function (node) {
    node.classList.remove("is-unread");
    node.removeAttribute("data-unread");
    var dot = node.querySelector(".feed-meta__end");
    if (dot) dot.remove();
  };
  dash.markRead = function (seqs) {
    var changed = false;
    seqs.forEach(function (seq) {
      if (!dash.items.has(seq)) return;
      dash.receipt(seq, "read");
      if (memory.read.has(seq)) return;
      memory.read.add(seq);
      changed = true;
      var node = document.getElementById("d-" + seq);
      if (node) dash.showRead(node);
    });
    if (changed) {
      saveMemory();
      dash.updateCounts();
      if (dash.onRead) dash.onRead();
    }
  };

  /* Displayed: an element counts as shown once half of it has been on screen. */
  var seen = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting || document.visibilityState !== "visible") return;
      dash.receipt(Number(entry.target.getAttribute("data-seq")), "displayed");
      seen.unobserve(entry.target);
    });
  }, { threshold: 0.5 }) : null;
  dash.placed = function (nodes, d) {
    nodes.forEach(function (node) {
      if (!d.live) node.classList.remove("is-new");
      if (memory.read.has(d.seq)) dash.showRead(node);
      node.setAttribute("data-seq", d.seq);
      if (seen) seen.observe(node); else dash.receipt(d.seq, "displayed");
    });
  };
  document.addEventListener("visibilitychange", function () {
    // Elements on screen while the tab was hidden count as displayed once it is shown.
    if (document.visibilityState !== "visible" || !seen || !dash.feed) return;
    var nodes = dash.feed.querySelectorAll("[data-seq]");
    for (var i = 0; i < nodes.length; i++) { seen.unobserve(nodes[i]); seen.observe(nodes[i]); }
  });

  dash.seqOf = function (node) { return Number((node.id || "").replace(/^d-/, "")); };

  dash.reset = function (run) {
    dash.run = run;
    loadMemory();
    dash.items.clear();
    if (dash.feed) dash.feed.textContent = "";
    var slot = document.getElementById("breaking");
    if (slot) slot.textContent = "";
    dash.onReset.forEach(function (fn) { fn(); });
    dash.updateCounts();
  };
})();
