/* SCIP timer: the exercise clock, running smoothly between server ticks.
 *
 * The server sends the clock as {elapsed_ms, speed, state, turn, total_turns} (MQTT timer
 * topic, relayed over SSE) about once a second while running, and on every change. Between
 * ticks the display is extrapolated from the last tick and the time it arrived
 * (performance.now(), a monotonic clock): elapsed = elapsed_ms + (now − received) × speed.
 * Only "running" advances. A tick slightly behind what is already shown (network delay) does
 * not make the display step back; a real jump (seek, reset) does.
 *
 * Markup (rendered by the server with the values at render time):
 *   <div class="timer" data-timer data-elapsed-ms="754000" data-speed="1" data-state="running">
 *     <div class="timer__value"><span class="timer__prefix">T+</span>
 *       <span class="timer__digits" data-timer-digits>12:34</span></div>
 *     <span class="badge badge--state-running badge--dot" data-timer-state>Running</span>
 *     <span data-timer-turn>Turn 2 of 4</span> <span data-timer-speed hidden></span>
 *   </div>
 * A timer marked data-timer-primary is the page's clock: it keeps <body data-exercise-state>
 * current and shows only the [data-when-state="paused …"] elements that match the state.
 * SCIP.timer.init() attaches every [data-timer] on load; feed ticks with
 * SCIP.timer.get(element).update(tick). SCIP.timer.format(ms) gives "T+MM:SS" / "T+H:MM:SS".
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var STATE_LABELS = { deployed: "Not started", running: "Running", paused: "Paused", finished: "Ended", stopped: "Closed" };
  var BACKSTEP_TOLERANCE_MS = 2000;
  var instances = new WeakMap();

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  /** "T+MM:SS" under an hour, "T+H:MM:SS" from an hour; milliseconds are dropped. */
  function format(ms) {
    var total = Math.floor(Math.max(0, ms) / 1000);
    var h = Math.floor(total / 3600), m = Math.floor(total / 60) % 60, s = total % 60;
    return "T+" + (h > 0 ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
  }

  function Timer(element, tick, receivedAt) {
    this.el = element;
    this.shownMs = 0;
    this.floorMs = 0;
    this.handle = 0;
    this.update(tick, receivedAt);
  }

  /** Exercise time at monotonic instant `now` (performance.now()), as the server would say. */
  Timer.prototype.elapsedAt = function (now) {
    var ms = this.baseMs;
    if (this.state === "running") ms += Math.max(0, now - this.receivedAt) * this.speed;
    return ms;
  };

  /** Re-anchors on a server tick; `receivedAt` defaults to now. */
  Timer.prototype.update = function (tick, receivedAt) {
    var now = receivedAt === undefined ? performance.now() : receivedAt;
    var wasRunning = this.state === "running";
    var sameSpeed = this.speed === Number(tick.speed || 1);
    this.baseMs = Math.max(0, Number(tick.elapsed_ms) || 0);
    this.speed = Number(tick.speed) > 0 ? Number(tick.speed) : 1;
    this.state = tick.state || "deployed";
    this.receivedAt = now;
    // Hold the display while a late tick catches up, rather than step back a second.
    var behind = this.shownMs - this.baseMs;
    this.floorMs = wasRunning && sameSpeed && this.state === "running" && behind > 0 && behind < BACKSTEP_TOLERANCE_MS
      ? this.shownMs : 0;
    if (tick.turn !== undefined) this.turn = tick.turn;
    if (tick.total_turns !== undefined) this.totalTurns = tick.total_turns;
    this.renderMeta();
    this.schedule();
  };

  Timer.prototype.renderMeta = function () {
    var el = this.el;
    el.setAttribute("data-state", this.state);
    if (el.hasAttribute("data-timer-primary")) {
      // The page's own clock: banners and badges marked data-when-state="paused …" follow it.
      document.body.setAttribute("data-exercise-state", this.state);
      var dependents = document.querySelectorAll("[data-when-state]");
      for (var i = 0; i < dependents.length; i++) {
        dependents[i].hidden = dependents[i].getAttribute("data-when-state").split(" ").indexOf(this.state) < 0;
      }
    }
    var badge = el.querySelector("[data-timer-state]");
    if (badge) {
      badge.textContent = STATE_LABELS[this.state] || this.state;
      badge.className = badge.className.replace(/badge--state-[a-z]+/, "badge--state-" + this.state);
    }
    var turn = el.querySelector("[data-timer-turn]");
    if (turn) {
      turn.hidden = !this.turn;
      turn.textContent = this.turn ? "Turn " + this.turn + (this.totalTurns ? " of " + this.totalTurns : "") : "";
    }
    var speed = el.querySelector("[data-timer-speed]");
    if (speed) {
      speed.hidden = this.speed === 1;
      speed.textContent = "×" + this.speed;
    }
  };

  Timer.prototype.render = function (now) {
    var raw = this.elapsedAt(now);
    if (raw >= this.floorMs) this.floorMs = 0;
    var ms = Math.max(raw, this.floorMs);
    this.shownMs = ms;
    var text = format(ms);
    var digits = this.el.querySelector("[data-timer-digits]");
    if (digits) digits.textContent = text.slice(2); else this.el.textContent = text;
  };

  /** Renders now and, while running, again when the displayed second changes. */
  Timer.prototype.schedule = function () {
    clearTimeout(this.handle);
    var now = performance.now();
    this.render(now);
    if (this.state !== "running") return;
    var ms = this.elapsedAt(now);
    var wait = (1000 - (ms % 1000)) / this.speed;
    var self = this;
    this.handle = setTimeout(function () { self.schedule(); }, Math.max(16, wait + 5));
  };

  Timer.prototype.stop = function () { clearTimeout(this.handle); };

  function fromAttributes(el) {
    return {
      elapsed_ms: Number(el.getAttribute("data-elapsed-ms")) || 0,
      speed: Number(el.getAttribute("data-speed")) || 1,
      state: el.getAttribute("data-state") || "deployed",
      turn: el.hasAttribute("data-turn") ? Number(el.getAttribute("data-turn")) : undefined,
      total_turns: el.hasAttribute("data-total-turns") ? Number(el.getAttribute("data-total-turns")) : undefined
    };
  }

  /** Attaches a timer to an element (from its data-* attributes unless a tick is given). */
  function attach(el, tick, receivedAt) {
    var timer = instances.get(el);
    if (timer) { timer.update(tick || fromAttributes(el), receivedAt); return timer; }
    timer = new Timer(el, tick || fromAttributes(el), receivedAt);
    instances.set(el, timer);
    return timer;
  }

  function init(root) {
    var nodes = (root || document).querySelectorAll("[data-timer]");
    var timers = [];
    for (var i = 0; i < nodes.length; i++) if (!instances.has(nodes[i])) timers.push(attach(nodes[i]));
    return timers;
  }

  /** Updates every attached timer on the page from one tick (the usual case: one exercise). */
  function updateAll(tick) {
    var nodes = document.querySelectorAll("[data-timer]");
    var now = performance.now();
    for (var i = 0; i < nodes.length; i++) attach(nodes[i], tick, now);
  }

  // Background tabs throttle timers; catch up the moment the page is visible again.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) return;
    var nodes = document.querySelectorAll("[data-timer]");
    for (var i = 0; i < nodes.length; i++) { var t = instances.get(nodes[i]); if (t) t.schedule(); }
  });

  SCIP.timer = { format: format, attach: attach, init: init, updateAll: updateAll,
    get: function (el) { return instances.get(el); }, labels: STATE_LABELS };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
})();
