/* Helpers of the chat and the console on top of the script core (web/wd.js, loaded first):
   translated strings, the message list item, the reconnecting socket, uploads. */
"use strict";
window.WD = window.WD || {};
(function (WD) {
  WD.t = function (key, vars) {
    var el = document.getElementById("support-strings");
    var s = (el && el.dataset[key]) || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); });
    return s;
  };
  WD.uuid = function () {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  };
  WD.wsUrl = function (path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  };
  /* One message as a list item; every agent message carries name + employee ID (linked) + time.
     A message that continues its sender's group (cont) shows no name line: the group's first
     message names the sender and the time. Times are the clock only (HH:MM in the page's zone);
     the day is said once, by the separator above (WD.appendMessage). */
  WD.renderMessage = function (m, mine, cont) {
    var li = WD.el("li", m.kind === "event" ? "event" : (mine ? "me" : "them"));
    li.dataset.seq = m.seq;
    if (m.kind === "note") { li.classList.add("note"); }
    if (m.kind === "event") {
      var who = m.sender && m.sender.employee_id ? m.sender.name + " (" + m.sender.employee_id + ")" : "";
      var key = "ev" + (m.event || "").split("_").map(function (w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join("");
      var label = WD.t(key) === key ? (m.event || "") : WD.t(key);
      li.textContent = label + (who ? " · " + who : "") + " · " + WD.clock(m.sent_at);
      return li;
    }
    if (cont) { li.classList.add("cont"); }
    else {
      var meta = WD.el("span", "meta");
      meta.dataset.testid = "msg-meta";
      meta.appendChild(WD.el("span", "name", m.sender.name || WD.t("customer")));
      if (m.sender.role === "agent" && m.sender.employee_id) {
        meta.appendChild(document.createTextNode(" · " + WD.t("eid") + " "));
        var a = WD.el("a", "eid", m.sender.employee_id);
        a.href = m.sender.verify_url; a.target = "_blank"; a.rel = "noopener";
        a.dataset.testid = "employee-id";
        meta.appendChild(a);
      }
      if (m.kind === "note") { meta.appendChild(document.createTextNode(" · " + WD.t("note"))); }
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(WD.el("time", "at", WD.clock(m.sent_at)));
      li.appendChild(meta);
    }
    var bubble = WD.el("span", "bubble");
    if (m.kind === "image" && m.attachment_url) {
      var img = WD.el("img", "shot"); img.src = m.attachment_url; img.alt = WD.t("image");
      bubble.appendChild(img);
    } else { bubble.textContent = m.text; }
    bubble.dataset.testid = "msg-text";
    bubble.title = WD.clock(m.sent_at);
    li.appendChild(bubble);
    return li;
  };

  /* The calendar day of a moment in the page's zone, as YYYY-MM-DD (comparable as text). */
  WD.dayKey = function (when) {
    var p = {};
    try {
      new Intl.DateTimeFormat("en-CA", { timeZone: WD.zone(), year: "numeric", month: "2-digit", day: "2-digit" })
        .formatToParts(when).forEach(function (x) { p[x.type] = x.value; });
    } catch (e) { return when.toISOString().slice(0, 10); }
    return p.year + "-" + p.month + "-" + p.day;
  };
  /* "Today", "Yesterday", else the date in words (the year only when it is not this year). */
  WD.dayLabel = function (iso) {
    var at = new Date(iso), now = new Date(), key = WD.dayKey(at);
    if (key === WD.dayKey(now)) { return WD.t("today"); }
    if (key === WD.dayKey(new Date(now.getTime() - 86400000))) { return WD.t("yesterday"); }
    var opts = { weekday: "short", month: "long", day: "numeric" };
    if (key.slice(0, 4) !== WD.dayKey(now).slice(0, 4)) { opts.year = "numeric"; }
    return WD.time(iso, opts);
  };
  /* A moment as the console says it, like the server's day_clock: "Today 11:00", "Yesterday
     10:47", "Dec 2, 10:47" / "12月2日 10:47", the year only when it is not this one. */
  WD.shortTime = function (iso) {
    var at = new Date(iso), now = new Date(), key = WD.dayKey(at), clock = WD.clock(iso);
    if (key === WD.dayKey(now)) { return WD.t("today") + " " + clock; }
    if (key === WD.dayKey(new Date(now.getTime() - 86400000))) { return WD.t("yesterday") + " " + clock; }
    var en = document.documentElement.lang === "en", opts = { month: en ? "short" : "long", day: "numeric" };
    if (key.slice(0, 4) !== WD.dayKey(now).slice(0, 4)) { opts.year = "numeric"; }
    return WD.time(iso, opts, en ? "en-US" : null) + (en ? ", " : " ") + clock;
  };
  /* Messages from one sender within this many minutes of the previous one form a group. */
  var GROUP_MS = 5 * 60 * 1000;
  /* Append message m to the list: a day separator when the day changes, and the message as the
     continuation of its sender's group when it follows their previous one closely. The state is
     read from the list itself, so emptying the list (another conversation) starts afresh. */
  WD.appendMessage = function (log, m, mine) {
    var at = new Date(m.sent_at), day = WD.dayKey(at), last = null;
    for (var el = log.lastElementChild; el; el = el.previousElementSibling) {
      if (el.dataset.day) { last = el; break; }
    }
    if (!last || last.dataset.day !== day) {
      var sep = WD.el("li", "day");
      sep.dataset.testid = "day-separator";
      sep.appendChild(WD.el("span", "", WD.dayLabel(m.sent_at)));
      log.appendChild(sep);
      last = null;
    }
    var who = m.kind === "event" || !m.sender ? "" :
      [m.sender.role, m.sender.employee_id || m.sender.name || "", m.kind === "note" ? "note" : ""].join("|");
    var cont = !!(who && last && last.dataset.who === who && at - new Date(last.dataset.at) <= GROUP_MS);
    var li = WD.renderMessage(m, mine, cont);
    li.dataset.day = day; li.dataset.who = who; li.dataset.at = m.sent_at;
    log.appendChild(li);
    log.querySelectorAll("li.pending").forEach(function (p) { log.appendChild(p); });  /* still last */
    return li;
  };
  /* A message written but not stored yet: shown at once as "Sending…", below the stored ones,
     until its echo or its ack removes it (WD.settle); the customer's chat and the console alike. */
  WD.pending = function (log, cid, body, note) {
    var li = WD.el("li", "me pending" + (note ? " note" : ""));
    li.dataset.clientId = cid; li.dataset.testid = "msg-pending";
    li.appendChild(WD.el("span", "meta", WD.t("sending")));
    li.appendChild(WD.el("span", "bubble", body));
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
  };
  WD.settle = function (log, outbox, cid) {
    delete outbox[cid];
    log.querySelectorAll("li.pending").forEach(function (li) { if (li.dataset.clientId === cid) { li.remove(); } });
  };
  /* The server refused a message (its error frame names the client id: too fast, the chat has
     ended), or ended the socket for good (every one): the words go back to the box when it is
     empty, and they leave the outbox (nothing re-sends them). */
  WD.unsent = function (log, box, outbox, cid) {
    var words = [];
    log.querySelectorAll("li.pending").forEach(function (li) {
      if (cid && li.dataset.clientId !== cid) { return; }
      delete outbox[li.dataset.clientId]; words.push(li.querySelector(".bubble").textContent); li.remove();
    });
    if (words.length && box && !box.value.trim()) { box.value = words.join("\n"); }
  };
  /* Closes that end a socket for good, never retried: its session or token ended (4401, after an
     error frame that says so), not allowed here (4403), no such conversation (4404). */
  var FINAL_CLOSES = [4401, 4403, 4404];
  /* A websocket that reconnects with backoff and asks to resume after the last sequence seen;
     handlers.lost(final) hears each close, final when it will not reconnect. */
  WD.socket = function (url, handlers) {
    var ws = null, delay = 500, closed = false;
    var api = { send: function (obj) { if (ws && ws.readyState === 1) { ws.send(JSON.stringify(obj)); return true; } return false; },
                close: function () { closed = true; if (ws) { ws.close(); } } };
    function open() {
      ws = new WebSocket(url);
      ws.onopen = function () { delay = 500; handlers.open(api); };
      ws.onmessage = function (ev) { handlers.frame(JSON.parse(ev.data), api); };
      ws.onclose = function (ev) {
        var final = FINAL_CLOSES.indexOf(ev.code) >= 0;
        if (handlers.lost) { handlers.lost(final); }
        if (!closed && !final) { setTimeout(open, delay); delay = Math.min(delay * 2, 10000); }
      };
    }
    open();
    return api;
  };
  WD.upload = function (convId, file, guest) {
    var fd = new FormData(); fd.append("file", file); fd.append("client_id", WD.uuid());
    return WD.request("POST", "/api/v1/support/conversations/" + convId + "/attachments", fd,
                      guest ? { "X-Guest-Token": guest } : null);
  };
})(window.WD);
