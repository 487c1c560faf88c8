/* SCIP live: a Server-Sent Events connection that stays up, says how it is doing, and hands
 * named events to the page.
 *
 *   var live = SCIP.live.connect(url, { events: { delivery: fn },  // handlers get (data, event)
 *     indicator: "[data-live-indicator]", resumeParam: "after", staleAfterMs: 0 });  // defaults
 *   live.on("receipt", fn); live.close(); live.reconnect();
 *   // { startLater: true }: nothing opens until live.start() (handlers can be added first).
 *
 * States: "connecting" → "online"; after a drop "reconnecting", and "offline" when the browser
 * is offline or the server keeps refusing. Indicators get data-state and their
 * [data-live-label] child (or the element itself) a human label. Every state change and
 * event is also dispatched on document as "scip:live-state" / "scip:live" CustomEvents.
 *
 * Reconnects: EventSource retries network errors by itself and sends Last-Event-ID. When the
 * server answers with an error the browser gives up (readyState CLOSED); then this module
 * reconnects with exponential back-off (1 s doubling to 30 s, with jitter) and, since a new
 * EventSource cannot send Last-Event-ID, adds ?after=<last id> so the server resumes there.
 * Data is parsed as JSON when it looks like JSON; otherwise handlers get the string.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var LABELS = { connecting: "Connecting…", online: "Live", reconnecting: "Reconnecting…", offline: "Offline" };

  function parse(text) {
    var first = text.charAt(0);
    try { return first === "{" || first === "[" || first === "\"" ? JSON.parse(text) : text; } catch (e) { return text; }
  }

  function withParam(url, name, value) {
    var hash = url.indexOf("#");
    var base = hash >= 0 ? url.slice(0, hash) : url;
    base = base.replace(new RegExp("([?&])" + name + "=[^&]*&?"), "$1").replace(/[?&]$/, "");
    return base + (base.indexOf("?") >= 0 ? "&" : "?") + name + "=" + encodeURIComponent(value);
  }

  function connect(url, options) {
    options = options || {};
    var handlers = {};
    var source = null;
    var failures = 0;
    var retryTimer = 0;
    var staleTimer = 0;
    var closed = false;
    var minDelay = options.minRetryMs || 1000;
    var maxDelay = options.maxRetryMs || 30000;
    var staleAfter = options.staleAfterMs || 0;
    var resumeParam = options.resumeParam === undefined ? "after" : options.resumeParam;

    var conn = { state: "connecting", lastEventId: options.lastEventId || null };

    function indicators() {
      var sel = options.indicator || "[data-live-indicator]";
      return typeof sel === "string" ? document.querySelectorAll(sel) : sel.length !== undefined ? sel : [sel];
    }

    function setState(state) {
      if (conn.state === state && state !== "connecting") return;
      conn.state = state;
      var nodes = indicators();
      for (var i = 0; i < nodes.length; i++) {
        nodes[i].setAttribute("data-state", state);
        var label = nodes[i].querySelector("[data-live-label]") || nodes[i];
        label.textContent = LABELS[state];
      }
      if (options.onState) options.onState(state);
      document.dispatchEvent(new CustomEvent("scip:live-state", { detail: { url: url, state: state } }));
    }

    function touch() {
      if (!staleAfter) return;
      clearTimeout(staleTimer);
      // Silence longer than the server's ping interval means a dead link the browser has not
      // noticed (a proxy holding the socket): start again.
      staleTimer = setTimeout(function () { reopen("reconnecting"); }, staleAfter);
    }

    function dispatch(name, event) {
      if (event.lastEventId) conn.lastEventId = event.lastEventId;
      touch();
      var data = parse(event.data);
      var list = handlers[name] || [];
      for (var i = 0; i < list.length; i++) list[i](data, event);
      document.dispatchEvent(new CustomEvent("scip:live", { detail: { url: url, event: name, data: data } }));
    }

    function listen(name) {
      if (source) source.addEventListener(name, function (e) { dispatch(name, e); });
    }

    function open() {
      clearTimeout(retryTimer);
      var target = conn.lastEventId && resumeParam ? withParam(url, resumeParam, conn.lastEventId) : url;
      source = new EventSource(target, { withCredentials: !!options.withCredentials });
      source.onopen = function () { failures = 0; setState("online"); touch(); };
      source.onmessage = function (e) { dispatch("message", e); };
      source.onerror = function () {
        if (closed) return;
        if (source.readyState === EventSource.CONNECTING) {
          setState(navigator.onLine === false ? "offline" : "reconnecting");
        } else {
          scheduleRetry();
        }
      };
      Object.keys(handlers).forEach(function (name) { if (name !== "message") listen(name); });
    }

    function scheduleRetry() {
      if (source) source.close();
      failures += 1;
      setState(failures > 3 || navigator.onLine === false ? "offline" : "reconnecting");
      var delay = Math.min(maxDelay, minDelay * Math.pow(2, failures - 1));
      delay = delay * (0.8 + Math.random() * 0.4); // jitter: dashboards must not reconnect in lockstep
      retryTimer = setTimeout(open, delay);
    }

    function reopen(state) {
      if (closed) return;
      if (source) source.close();
      setState(state);
      open();
    }

    conn.on = function (name, handler) {
      var isNew = !handlers[name];
      (handlers[name] = handlers[name] || []).push(handler);
      if (isNew && name !== "message") listen(name);
      return conn;
    };
    conn.off = function (name, handler) {
      handlers[name] = (handlers[name] || []).filter(function (h) { return h !== handler; });
      return conn;
    };
    conn.close = function () {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(staleTimer);
      if (source) source.close();
      setState("offline");
    };
    /** Reconnects at once (for a "retry now" button). */
    conn.reconnect = function () { if (!closed) { failures = 0; reopen("connecting"); } };

    var events = options.events || {};
    Object.keys(events).forEach(function (name) { (handlers[name] = handlers[name] || []).push(events[name]); });
    window.addEventListener("online", function () { if (conn.state !== "online") conn.reconnect(); });
    window.addEventListener("offline", function () { setState("offline"); });
    setState("connecting");
    if (options.startLater) {
      /** Opens the connection held back by `startLater` (once). */
      conn.start = function () { if (!source && !closed) open(); };
    } else {
      open();
    }
    return conn;
  }

  /** Inserts server-rendered HTML. Elements whose id already exists replace the old one (a
   *  resent delivery updates in place); new ones go at `position` ("afterbegin" by default)
   *  of `into` and get "is-new" for the arrival animation. Returns the inserted elements. */
  function insert(html, into, position) {
    var container = typeof into === "string" ? document.querySelector(into) : into;
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var added = [];
    var nodes = Array.prototype.slice.call(template.content.children);
    if ((position || "afterbegin") === "afterbegin") nodes.reverse();
    nodes.forEach(function (node) {
      var old = node.id && document.getElementById(node.id);
      if (old) {
        old.replaceWith(node);
      } else if (container) {
        node.classList.add("is-new");
        container.insertAdjacentElement(position || "afterbegin", node);
      } else {
        return;
      }
      added.push(node);
    });
    return added;
  }

  /* The page connection. <body data-live-url="…"> connects on load and understands SCIP's
   * standard events, so most pages need no script of their own:
   *   timer  {elapsed_ms, speed, state, turn, total_turns} → every [data-timer] on the page
   *   html   {html, target, position}                      → SCIP.live.insert (position
   *          "afterbegin" (default), "beforeend", or "replace" to swap the target's content)
   *   toast  {message, kind, title}                        → SCIP.ui.toast
   *   unread {news: 2, sms: 0, …}                          → [data-unread-count] badges
   *   reload {}                                            → reloads the page
   * Pages add their own with SCIP.live.page.on(name, fn). */
  function autoConnect() {
    var url = document.body && document.body.getAttribute("data-live-url");
    if (!url) return;
    SCIP.live.page = connect(url, {
      startLater: true,
      staleAfterMs: Number(document.body.getAttribute("data-live-stale-ms")) || 0,
      events: {
        timer: function (tick) { if (SCIP.timer) SCIP.timer.updateAll(tick); },
        html: function (data) {
          if (data.position === "replace") {
            var target = document.querySelector(data.target);
            if (target) target.innerHTML = data.html;
          } else {
            insert(data.html, data.target, data.position);
          }
        },
        toast: function (data) { if (SCIP.ui) SCIP.ui.toast(data.message, data); },
        unread: function (counts) {
          Object.keys(counts).forEach(function (key) {
            var nodes = document.querySelectorAll('[data-unread-count="' + key + '"]');
            for (var i = 0; i < nodes.length; i++) {
              nodes[i].textContent = counts[key];
              nodes[i].hidden = !counts[key];
              nodes[i].setAttribute("aria-label", counts[key] + " unread");
            }
          });
        },
        reload: function () { window.location.reload(); }
      }
    });
  }

  /* The page connection exists as soon as this script runs, so the page's own deferred scripts
   * (dashboard.js, control.js, …) can add their handlers; it opens only once they have all run
   * (DOMContentLoaded, or load when that already passed). Opened earlier, a backlog or the
   * first state event could arrive while a later script was still downloading, and be lost. */
  function startPage() {
    var page = SCIP.live.page;
    if (page && page.start) page.start();
  }

  SCIP.live = { connect: connect, insert: insert, labels: LABELS, page: null };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { autoConnect(); startPage(); });
  } else {
    autoConnect();
    if (document.readyState === "complete") {
      startPage();
    } else {
      var started = false;
      var once = function () { if (!started) { started = true; startPage(); } };
      document.addEventListener("DOMContentLoaded", once);
      window.addEventListener("load", once);
    }
  }
})();
