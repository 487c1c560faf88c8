/* SCIP team dashboard: the page's live feed, wired to its event stream.
 *
 * The page's stream (live.js connects <body data-live-url>) sends every delivery of the run
 * after the last one the page holds, then the state and the clock, then live events:
 *   delivery {run, seq, type, priority, live, html, reader, banner, payload}
 *   state {state, run, turn, total_turns}   reset {run}   control {…}
 *   signed-out {reason}   closed {reason}
 * Deliveries are placed by dash-views.js and counted by dash-state.js; this module also sends
 * the "received" receipts, pops up urgent items as they arrive, reloads into the sign-in page
 * when the session ends, and handles clicks: opening an e-mail or a conversation, marking a
 * card or the whole page read.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var dash = SCIP.dash;
  var live = SCIP.live && SCIP.live.page;
  if (!dash || !dash.feed || !live) return;

  function onDelivery(d) {
    if (d.run < dash.run) return;
    if (d.run > dash.run) dash.reset(d.run);
    var known = dash.items.has(d.seq);
    dash.items.set(d.seq, d);
    dash.receipt(d.seq, "received");
    dash.place(d);
    // Urgent items pop up when they arrive; the wall's strip also shows the latest one from
    // before the page was opened.
    if (d.banner && (dash.view === "wall" || (d.live && !known))) dash.popUp(d);
    if (dash.view === "email" && !dash.openMail && location.hash === "#d-" + d.seq) dash.openEmail(d.seq);
    dash.updateCounts();
  }

  live.on("delivery", onDelivery);
  live.on("reset", function (data) {
    if (!data || data.run <= dash.run) return;
    dash.reset(data.run);
    if (SCIP.ui) SCIP.ui.toast("Exercise control restarted the exercise. Your feed starts again.", { kind: "info", title: "Exercise reset" });
  });
  live.on("state", function (state) {
    if (!dash.backlogDone) {
      // The first state event ends the backlog: the feed is complete.
      dash.backlogDone = true;
      dash.feed.setAttribute("aria-busy", "false");
      if (dash.view === "sms" && dash.openThread) dash.showThread(dash.openThread, false);
      if (dash.view === "email" && !dash.openMail && /^#d-\d+$/.test(location.hash)) dash.openEmail(Number(location.hash.slice(3)));
      var target = /^#d-\d+$/.test(location.hash) && document.querySelector(location.hash);
      if (target && !dash.shownType) target.scrollIntoView();
    }
    if (state && state.run > dash.run) dash.reset(state.run);
    dash.updateCounts();
  });
  live.on("control", function (control) {
    if (!SCIP.ui || !control) return;
    var of = control.total_turns ? " of " + control.total_turns : "";
    if (control.event === "turn_started") SCIP.ui.toast("Turn " + control.turn + of + " has started.", { kind: "info" });
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

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest("[data-mark-all-read]")) { dash.markRead(dash.shownItems()); return; }
    var row = target.closest("#feed .mail-list__item");
    if (row) { event.preventDefault(); dash.openEmail(dash.seqOf(row)); return; }
    var thread = target.closest(".sms-threads__item");
    if (thread) { event.preventDefault(); dash.showThread(thread.getAttribute("data-sender"), true); return; }
    // Clicking a card (its text or a picture, not a link or a player) reads it.
    var card = target.closest("#feed .feed-item");
    if (card && (!target.closest("a, button, video") || target.closest("[data-viewer]"))) dash.markRead([dash.seqOf(card)]);
  });
  window.addEventListener("hashchange", function () {
    if (dash.view === "email" && /^#d-\d+$/.test(location.hash)) dash.openEmail(Number(location.hash.slice(3)));
  });
})();
