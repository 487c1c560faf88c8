/* SCIP dashboard views: how a delivery is placed on each kind of page, on top of
 * dash-state.js (SCIP.dash).
 *
 *   SCIP.dash.place(d)       puts the delivery's fragment on the page: newest first in the
 *                            feed and on the wall, into its sender's conversation on SMS
 *   SCIP.dash.openEmail(seq) shows an e-mail in the reading pane and marks it read
 *   SCIP.dash.showThread(sender, asRead)   shows one SMS conversation
 *   SCIP.dash.popUp(d)       the urgent pop-up (the BREAKING strip on the wall)
 *
 * Conversation lists are built here with textContent only; every other fragment comes
 * rendered (and escaped) by the server.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var dash = SCIP.dash;
  if (!dash || !dash.feed) return;
  var feed = dash.feed;

  /* E-mail ------------------------------------------------------------------------------- */
  dash.openMail = 0;
  dash.openEmail = function (seq) {
    var d = dash.items.get(seq);
    var pane = document.getElementById("mail-pane");
    if (!d || !d.reader || !pane) return;
    dash.openMail = seq;
    var rows = feed.querySelectorAll(".mail-list__item");
    for (var i = 0; i < rows.length; i++) {
      var current = dash.seqOf(rows[i]) === seq;
      rows[i].classList.toggle("is-selected", current);
      if (current) rows[i].setAttribute("aria-current", "true"); else rows[i].removeAttribute("aria-current");
    }
    Array.prototype.slice.call(pane.children).forEach(function (child) {
      if (child.hasAttribute("data-feed-empty")) child.hidden = true; else child.remove();
    });
    pane.insertAdjacentHTML("beforeend", d.reader);
    dash.markRead([seq]);
  };

  /* SMS: conversations by sender ---------------------------------------------------------- */
  var threads = new Map(); // sender → [seq]
  dash.openThread = null;
  var PALETTE = ["#2563eb", "#0f766e", "#7c3aed", "#b45309", "#be185d", "#15803d", "#0369a1", "#9f1239"];
  function colourOf(name) {
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return PALETTE[h % PALETTE.length];
  }
  function initialsOf(name) {
    return name.split(/\s+/).filter(Boolean).slice(0, 2).map(function (w) { return w.charAt(0).toUpperCase(); }).join("") || "?";
  }
  function node(tag, className, text) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    if (text) n.textContent = text;
    return n;
  }
  function avatar(name) {
    var a = node("span", "avatar", initialsOf(name));
    a.setAttribute("aria-hidden", "true");
    a.style.setProperty("--avatar-c", colourOf(name));
    return a;
  }
  function senderOf(d) { return (d.payload && d.payload.content && d.payload.content.from) || "Unknown"; }
  function renderThreads() {
    var list = document.getElementById("sms-threads");
    if (!list) return;
    var last = function (sender) { var seqs = threads.get(sender); return seqs[seqs.length - 1]; };
    var order = Array.from(threads.keys()).sort(function (a, b) { return last(b) - last(a); });
    list.textContent = "";
    order.forEach(function (sender) {
      var seqs = threads.get(sender);
      var newest = dash.items.get(last(sender));
      var unread = seqs.filter(function (s) { return !dash.isRead(s); }).length;
      var link = node("a", "sms-threads__item");
      link.href = "#thread";
      link.setAttribute("data-sender", sender);
      if (sender === dash.openThread) link.setAttribute("aria-current", "true");
      link.appendChild(avatar(sender));
      link.appendChild(node("span", "sms-threads__name", sender));
      link.appendChild(node("span", "sms-threads__time", SCIP.timer ? SCIP.timer.format((newest.payload.delivered_at || 0) * 1000) : ""));
      link.appendChild(node("span", "sms-threads__last", (newest.payload.content && newest.payload.content.body) || ""));
      link.appendChild(unread ? node("span", "count", String(unread)) : node("span", "", ""));
      list.appendChild(link);
    });
  }
  dash.showThread = function (sender, asRead) {
    dash.openThread = sender;
    var seqs = threads.get(sender) || [];
    var head = document.getElementById("sms-thread-head");
    if (head) {
      head.hidden = false;
      head.textContent = "";
      head.appendChild(avatar(sender));
      var who = node("div");
      who.appendChild(node("div", "sms-thread__name", sender));
      var first = dash.items.get(seqs[0]);
      var to = first && first.payload.content && first.payload.content.to;
      if (to) who.appendChild(node("div", "sms-thread__number", "To " + to));
      head.appendChild(who);
    }
    feed.textContent = "";
    seqs.forEach(function (seq) {
      dash.placed(SCIP.live.insert(dash.items.get(seq).html, feed, "beforeend"), { seq: seq, live: false });
    });
    feed.scrollTop = feed.scrollHeight;
    if (asRead) dash.markRead(seqs);
    renderThreads();
  };
  if (dash.view === "sms") dash.onRead = renderThreads;

  /* The wall: the newest story leads ------------------------------------------------------- */
  function arrangeWall() {
    var stories = feed.querySelectorAll(".wall-item");
    for (var i = 0; i < stories.length; i++) {
      stories[i].classList.toggle("wall-item--lead", i === 0);
      stories[i].classList.toggle("wall-item--older", i >= 4);
    }
  }

  dash.place = function (d) {
    if (!d.html) return;
    if (dash.view !== "sms") {
      dash.placed(SCIP.live.insert(d.html, feed, "afterbegin"), d);
      if (dash.view === "wall") arrangeWall();
      return;
    }
    var sender = senderOf(d);
    var list = threads.get(sender) || [];
    if (list.indexOf(d.seq) < 0) list.push(d.seq);
    threads.set(sender, list);
    if (dash.openThread === null) dash.openThread = sender;
    if (sender === dash.openThread) {
      dash.placed(SCIP.live.insert(d.html, feed, "beforeend"), d);
      feed.scrollTop = feed.scrollHeight;
    }
    renderThreads();
  };

  /* Urgent items ------------------------------------------------------------------------ */
  dash.popUp = function (d) {
    if (dash.view === "wall") {
      var strip = document.getElementById("wall-ticker");
      var text = strip && strip.querySelector("[data-ticker-text]");
      if (!strip || !text) return;
      var c = d.payload.content || {};
      text.textContent = c.headline || c.title || c.subject || c.body || "";
      strip.hidden = false;
      return;
    }
    var slot = document.getElementById("breaking");
    if (!slot || !d.banner) return;
    slot.innerHTML = d.banner;
    var link = slot.querySelector("a[href]");
    if (link) link.addEventListener("click", function () { dash.markRead([d.seq]); });
  };

  dash.onReset.push(function () {
    threads.clear();
    dash.openMail = 0;
    dash.openThread = null;
    var pane = document.getElementById("mail-pane");
    if (pane) Array.prototype.slice.call(pane.children).forEach(function (c) { if (!c.hasAttribute("data-feed-empty")) c.remove(); });
    if (dash.view === "sms") renderThreads();
  });
})();
