/* SCIP team dashboard: the page side of a team's live feed.
 *
 * The page's event stream (live.js connects <body data-live-url>) sends every delivery of the
 * run after the last one the page holds, then the state and the clock, then live events:
 *   delivery {run, seq, type, priority, live, html, reader, banner, payload}
 *   state {state, run, turn, total_turns}   reset {run}   control {…}   signed-out {reason}
 * This module inserts the server-rendered fragments (cards, inbox rows, bubbles, wall
 * stories), keeps unread counts per page, sends receipts (received, displayed, read) in
 * batches to POST /receipts, pops up urgent items, and reloads into the sign-in page when the
 * session ends.
 *
 * What this browser has read, and which receipts it already sent, is kept in localStorage per
 * exercise, team and run ("scip-dash:<exercise>:<team>:<run>"), so unread counts survive a
 * reload and a room of browsers does not resend what it already reported.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var page = document.getElementById("dash-data");
  var live = SCIP.live && SCIP.live.page;
  if (!page || !live) return;

  var exercise = page.getAttribute("data-exercise");
  var team = page.getAttribute("data-team");
  var view = page.getAttribute("data-view");
  var run = Number(page.getAttribute("data-run")) || 1;
  var feed = document.getElementById("feed");
  var SECTION = { news: "news", social: "social", email: "email", sms: "sms", intel: "intel", alert: "alerts" };
  var VIEW_TYPES = { all: null, wall: null, news: "news", social: "social", email: "email", sms: "sms", intel: "intel", alerts: "alert" };
  var shownType = VIEW_TYPES[view];

  /* Memory of this browser --------------------------------------------------------------- */
  var memory;
  function storeKey() { return "scip-dash:" + exercise + ":" + team + ":" + run; }
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

  /* Receipts ------------------------------------------------------------------------------ */
  var pending = [];
  var flushTimer = 0;
  function receipt(seq, kind) {
    if (memory.sent[kind].has(seq)) return;
    memory.sent[kind].add(seq);
    pending.push({ run: run, seq: seq, kind: kind });
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, pending.length >= 200 ? 0 : 400);
  }
  function flush() {
    if (!pending.length) return;
    var batch = pending.splice(0, 500);
    saveMemory();
    fetch("/receipts", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ receipts: batch })
    }).then(function (response) {
      if (response.status === 401) return;
      if (!response.ok) retry(batch);
    }, function () { retry(batch); });
    if (pending.length) flushTimer = setTimeout(flush, 0);
  }
  function retry(batch) {
    // Not recorded: forget they were sent, so they go again with the next batch.
    batch.forEach(function (r) { if (r.run === run) { memory.sent[r.kind].delete(r.seq); pending.push(r); } });
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, 3000);
  }
  window.addEventListener("pagehide", function () {
    saveMemory();
    if (!pending.length || !navigator.sendBeacon) return;
    var body = new Blob([JSON.stringify({ receipts: pending.splice(0, 500) })], { type: "application/json" });
    navigator.sendBeacon("/receipts", body);
    saveMemory();
  });

  /* Deliveries and unread counts ----------------------------------------------------------- */
  var items = new Map(); // seq → delivery event data
  var backlogDone = false;

  function unreadOf(type) {
    var n = 0;
    items.forEach(function (d, seq) { if ((!type || d.type === type) && !memory.read.has(seq)) n += 1; });
    return n;
  }
  function shownItems() {
    var list = [];
    items.forEach(function (d, seq) { if (!shownType || d.type === shownType) list.push(seq); });
    return list;
  }
  function updateCounts() {
    var counts = { all: 0, news: 0, social: 0, email: 0, sms: 0, intel: 0, alerts: 0 };
    items.forEach(function (d, seq) {
      if (memory.read.has(seq)) return;
      counts.all += 1;
      if (SECTION[d.type]) counts[SECTION[d.type]] += 1;
    });
    Object.keys(counts).forEach(function (key) {
      var nodes = document.querySelectorAll('[data-unread-count="' + key + '"]');
      for (var i = 0; i < nodes.length; i++) {
        nodes[i].textContent = counts[key];
        nodes[i].hidden = !counts[key];
        nodes[i].setAttribute("aria-label", counts[key] + " unread");
      }
    });
    var shown = shownItems().length;
    var unread = unreadOf(shownType);
    var label = document.querySelector("[data-feed-count]");
    if (label && backlogDone) {
      var noun = view === "email" || view === "sms" ? "message" : "item";
      label.textContent = shown + " " + noun + (shown === 1 ? "" : "s") + (unread ? " · " + unread + " unread" : "");
    }
    var empty = document.querySelector("[data-feed-empty]");
    if (empty && backlogDone) empty.hidden = shown > 0 && view !== "email";
    if (view === "email" && empty && backlogDone) empty.hidden = !!openMail;
    var base = document.title.replace(/^\(\d+\) /, "");
    document.title = counts.all ? "(" + counts.all + ") " + base : base;
  }

  function markRead(seqs) {
    var changed = false;
    seqs.forEach(function (seq) {
      if (!items.has(seq)) return;
      receipt(seq, "read");
      if (memory.read.has(seq)) return;
      memory.read.add(seq);
      changed = true;
      var node = document.getElementById("d-" + seq);
      if (node) showRead(node);
    });
    if (changed) { saveMemory(); updateCounts(); if (view === "sms") renderThreads(); }
  }
  function showRead(node) {
    node.classList.remove("is-unread");
    node.removeAttribute("data-unread");
    var dot = node.querySelector(".feed-meta__end");
    if (dot) dot.remove();
  }

  /* Displayed: an element counts as shown once half of it has been on screen. */
  var seen = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting || document.visibilityState !== "visible") return;
      var seq = Number(entry.target.getAttribute("data-seq"));
      receipt(seq, "displayed");
      seen.unobserve(entry.target);
    });
  }, { threshold: 0.5 }) : null;
  function watchShown(node, seq) {
    node.setAttribute("data-seq", seq);
    if (seen) seen.observe(node); else receipt(seq, "displayed");
  }

  function seqOf(node) { return Number((node.id || "").replace(/^d-/, "")); }

  function placed(nodes, d) {
    nodes.forEach(function (node) {
      if (!d.live) node.classList.remove("is-new");
      if (memory.read.has(d.seq)) showRead(node);
      watchShown(node, d.seq);
    });
  }

  /* E-mail: rows in the inbox, the reading pane on demand ----------------------------------- */
  var openMail = 0;
  function openEmail(seq) {
    var d = items.get(seq);
    var pane = document.getElementById("mail-pane");
    if (!d || !d.reader || !pane) return;
    openMail = seq;
    var rows = feed.querySelectorAll(".mail-list__item");
    for (var i = 0; i < rows.length; i++) {
      var current = seqOf(rows[i]) === seq;
      rows[i].classList.toggle("is-selected", current);
      if (current) rows[i].setAttribute("aria-current", "true"); else rows[i].removeAttribute("aria-current");
    }
    var empty = pane.querySelector("[data-feed-empty]");
    Array.prototype.slice.call(pane.children).forEach(function (child) { if (child !== empty) child.remove(); });
    if (empty) empty.hidden = true;
    pane.insertAdjacentHTML("beforeend", d.reader);
    markRead([seq]);
  }

  /* SMS: conversations by sender ---------------------------------------------------------- */
  var threads = new Map(); // sender → [seq]
  var openThread = null;
  var PALETTE = ["#2563eb", "#0f766e", "#7c3aed", "#b45309", "#be185d", "#15803d", "#0369a1", "#9f1239"];
  function colourOf(name) {
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return PALETTE[h % PALETTE.length];
  }
  function initialsOf(name) {
    return name.split(/\s+/).filter(Boolean).slice(0, 2).map(function (w) { return w.charAt(0).toUpperCase(); }).join("") || "?";
  }
  function span(className, text) { var s = document.createElement("span"); s.className = className; s.textContent = text; return s; }
  function avatar(name) {
    var a = span("avatar", initialsOf(name));
    a.setAttribute("aria-hidden", "true");
    a.style.setProperty("--avatar-c", colourOf(name));
    return a;
  }
  function senderOf(d) { return (d.payload && d.payload.content && d.payload.content.from) || "Unknown"; }
  function renderThreads() {
    var list = document.getElementById("sms-threads");
    if (!list) return;
    var order = Array.from(threads.keys()).sort(function (a, b) {
      var la = threads.get(a), lb = threads.get(b);
      return lb[lb.length - 1] - la[la.length - 1];
    });
    list.textContent = "";
    order.forEach(function (sender) {
      var seqs = threads.get(sender);
      var last = items.get(seqs[seqs.length - 1]);
      var unread = seqs.filter(function (s) { return !memory.read.has(s); }).length;
      var link = document.createElement("a");
      link.className = "sms-threads__item";
      link.href = "#thread";
      link.setAttribute("data-sender", sender);
      if (sender === openThread) link.setAttribute("aria-current", "true");
      link.appendChild(avatar(sender));
      link.appendChild(span("sms-threads__name", sender));
      link.appendChild(span("sms-threads__time", SCIP.timer ? SCIP.timer.format((last.payload.delivered_at || 0) * 1000) : ""));
      link.appendChild(span("sms-threads__last", (last.payload.content && last.payload.content.body) || ""));
      if (unread) link.appendChild(span("count", String(unread))); else link.appendChild(span("", ""));
      list.appendChild(link);
    });
  }
  function showThread(sender, asRead) {
    openThread = sender;
    var seqs = threads.get(sender) || [];
    var head = document.getElementById("sms-thread-head");
    if (head) {
      head.hidden = false;
      head.textContent = "";
      head.appendChild(avatar(sender));
      var who = document.createElement("div");
      var name = document.createElement("div");
      name.className = "sms-thread__name";
      name.textContent = sender;
      who.appendChild(name);
      var first = items.get(seqs[0]);
      var to = first && first.payload.content && first.payload.content.to;
      if (to) {
        var number = document.createElement("div");
        number.className = "sms-thread__number";
        number.textContent = "To " + to;
        who.appendChild(number);
      }
      head.appendChild(who);
    }
    feed.textContent = "";
    seqs.forEach(function (seq) {
      var d = items.get(seq);
      placed(SCIP.live.insert(d.html, feed, "beforeend"), { seq: seq, live: false });
    });
    feed.scrollTop = feed.scrollHeight;
    if (asRead) markRead(seqs);
    renderThreads();
  }

  /* Wall: the newest story leads ------------------------------------------------------------ */
  function arrangeWall() {
    var stories = feed.querySelectorAll(".wall-item");
    for (var i = 0; i < stories.length; i++) {
      stories[i].classList.toggle("wall-item--lead", i === 0);
      stories[i].classList.toggle("wall-item--older", i >= 4);
    }
  }
  function ticker(d) {
    var strip = document.getElementById("wall-ticker");
    var text = strip && strip.querySelector("[data-ticker-text]");
    if (!strip || !text) return;
    var c = d.payload.content || {};
    text.textContent = c.headline || c.title || c.subject || c.body || "";
    strip.hidden = false;
  }

  /* The pop-up for urgent items ------------------------------------------------------------ */
  function popUp(d) {
    if (view === "wall") { ticker(d); return; }
    var slot = document.getElementById("breaking");
    if (!slot || !d.banner) return;
    slot.innerHTML = d.banner;
    var banner = slot.firstElementChild;
    var link = banner && banner.querySelector("a[href]");
    if (link) link.addEventListener("click", function () { markRead([d.seq]); });
  }

  /* Events ---------------------------------------------------------------------------------- */
  function reset(newRun) {
    run = newRun;
    loadMemory();
    items.clear();
    threads.clear();
    openMail = 0;
    openThread = null;
    feed.textContent = "";
    var pane = document.getElementById("mail-pane");
    if (pane) Array.prototype.slice.call(pane.children).forEach(function (c) { if (!c.hasAttribute("data-feed-empty")) c.remove(); });
    var slot = document.getElementById("breaking");
    if (slot) slot.textContent = "";
    if (view === "sms") renderThreads();
    updateCounts();
  }

  function onDelivery(d) {
    if (d.run < run) return;
    if (d.run > run) reset(d.run);
    var known = items.has(d.seq);
    items.set(d.seq, d);
    receipt(d.seq, "received");
    if (d.html) {
      if (view === "sms") {
        var sender = senderOf(d);
        var list = threads.get(sender) || [];
        if (list.indexOf(d.seq) < 0) list.push(d.seq);
        threads.set(sender, list);
        if (openThread === null) openThread = sender;
        if (sender === openThread) {
          placed(SCIP.live.insert(d.html, feed, "beforeend"), d);
          feed.scrollTop = feed.scrollHeight;
        }
        renderThreads();
      } else {
        placed(SCIP.live.insert(d.html, feed, "afterbegin"), d);
        if (view === "wall") arrangeWall();
      }
    }
    // Urgent items pop up when they arrive; the wall's ticker also shows the latest one from
    // before the page was opened.
    if (view === "wall" && d.banner) ticker(d);
    else if (d.live && !known && d.banner) popUp(d);
    if (view === "email" && !openMail && location.hash === "#d-" + d.seq) openEmail(d.seq);
    updateCounts();
  }

  live.on("delivery", onDelivery);
  live.on("reset", function (data) {
    if (data && data.run > run) {
      reset(data.run);
      if (SCIP.ui) SCIP.ui.toast("Exercise control restarted the exercise. Your feed starts again.", { kind: "info", title: "Exercise reset" });
    }
  });
  live.on("state", function (state) {
    if (!backlogDone) {
      backlogDone = true;
      feed.setAttribute("aria-busy", "false");
      if (view === "sms" && openThread) showThread(openThread, false);
      if (view === "email" && !openMail && /^#d-\d+$/.test(location.hash)) openEmail(Number(location.hash.slice(3)));
      if (!shownType && location.hash && document.querySelector(location.hash)) document.querySelector(location.hash).scrollIntoView();
    }
    if (state && state.run > run) reset(state.run);
    updateCounts();
  });
  live.on("control", function (control) {
    if (!SCIP.ui || !control) return;
    if (control.event === "turn_started") SCIP.ui.toast("Turn " + control.turn + (control.total_turns ? " of " + control.total_turns : "") + " has started.", { kind: "info" });
    else if (control.event === "turn_complete") SCIP.ui.toast("Turn " + control.turn + " is complete. Waiting for exercise control to start the next turn.", { kind: "info" });
    else if (control.event === "exercise_complete") SCIP.ui.toast("Every inject of the exercise has been delivered.", { kind: "info" });
  });
  live.on("signed-out", function () {
    live.close();
    window.location.reload();
  });
  live.on("closed", function () {
    // The dashboard was torn down with its exercise: keep what is on screen, say it ended.
    live.close();
    var clock = document.querySelector("[data-timer-primary]");
    var shown = clock && SCIP.timer && SCIP.timer.get(clock);
    if (SCIP.timer) SCIP.timer.updateAll({ elapsed_ms: shown ? shown.shownMs : 0, speed: 1, state: "stopped" });
  });

  /* What the participant does --------------------------------------------------------------- */
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var all = target.closest("[data-mark-all-read]");
    if (all) { markRead(shownItems()); return; }
    var row = target.closest("#feed .mail-list__item");
    if (row) { event.preventDefault(); openEmail(seqOf(row)); return; }
    var thread = target.closest(".sms-threads__item");
    if (thread) { event.preventDefault(); showThread(thread.getAttribute("data-sender"), true); return; }
    var card = target.closest("#feed .feed-item");
    if (card && !target.closest("a, button, video, [data-viewer]")) markRead([seqOf(card)]);
    else if (card && target.closest("[data-viewer]")) markRead([seqOf(card)]);
  });
  window.addEventListener("hashchange", function () {
    if (view === "email" && /^#d-\d+$/.test(location.hash)) openEmail(Number(location.hash.slice(3)));
  });
  document.addEventListener("visibilitychange", function () {
    // Elements on screen while the tab was hidden count as displayed once it is shown.
    if (document.visibilityState !== "visible" || !seen) return;
    var nodes = feed.querySelectorAll("[data-seq]");
    for (var i = 0; i < nodes.length; i++) { seen.unobserve(nodes[i]); seen.observe(nodes[i]); }
  });
})();
