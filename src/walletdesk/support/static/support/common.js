/* Shared helpers of the chat and the console (no build step). */
"use strict";
window.WD = window.WD || {};
(function (WD) {
  WD.t = function (key, vars) {
    var el = document.getElementById("support-strings");
    var s = (el && el.dataset[key]) || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); });
    return s;
  };
  WD.csrf = function () {
    var el = document.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  };
  WD.uuid = function () {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  };
  WD.wsUrl = function (path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  };
  WD.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  };
  /* Times in the viewer's zone: a staff page names it (data-tz, from the time-zone middleware). */
  WD.locale = function () { return document.documentElement.lang === "en" ? "en-GB" : "zh-CN"; };
  WD.zone = function () {
    var el = document.querySelector("[data-tz]");
    return el && el.dataset.tz ? el.dataset.tz : undefined;
  };
  WD.time = function (iso, opts) {
    var o = Object.assign({ hour12: false, timeZone: WD.zone() }, opts || {});
    try { return new Date(iso).toLocaleString(WD.locale(), o); }
    catch (e) { delete o.timeZone; return new Date(iso).toLocaleString(WD.locale(), o); }
  };
  WD.shortTime = function (iso) {
    return WD.time(iso, { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  };
  /* Minor units as the currency's major unit, integer arithmetic only: 100000 CNY → ¥1,000.00. */
  var SYMBOLS = { CNY: "¥", HKD: "HK$", USD: "US$" }, EXPONENTS = { CNY: 2, HKD: 2, USD: 2 };
  WD.money = function (minor, currency) {
    var exp = EXPONENTS[currency] === undefined ? 2 : EXPONENTS[currency], unit = Math.pow(10, exp);
    var n = Math.abs(Math.round(minor)), whole = Math.floor(n / unit), frac = String(n % unit);
    while (frac.length < exp) { frac = "0" + frac; }
    var text = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (exp ? "." + frac : "");
    return (minor < 0 ? "-" : "") + (SYMBOLS[currency] || (currency + " ")) + text;
  };
  /* One message as a list item; every agent message carries name + employee ID (linked) + time. */
  WD.renderMessage = function (m, mine) {
    var li = WD.el("li", m.kind === "event" ? "event" : (mine ? "me" : "them"));
    li.dataset.seq = m.seq;
    if (m.kind === "note") { li.classList.add("note"); }
    if (m.kind === "event") {
      var who = m.sender && m.sender.employee_id ? m.sender.name + " (" + m.sender.employee_id + ")" : "";
      var key = "ev" + (m.event || "").split("_").map(function (w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join("");
      var label = WD.t(key) === key ? (m.event || "") : WD.t(key);
      li.textContent = "— " + label + (who ? " · " + who : "") + " · " + WD.time(m.sent_at) + " —";
      return li;
    }
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
    meta.appendChild(document.createTextNode(" · " + WD.time(m.sent_at)));
    li.appendChild(meta);
    var bubble = WD.el("span", "bubble");
    if (m.kind === "image" && m.attachment_url) {
      var img = WD.el("img", "shot"); img.src = m.attachment_url; img.alt = WD.t("image");
      bubble.appendChild(img);
    } else { bubble.textContent = m.text; }
    bubble.dataset.testid = "msg-text";
    li.appendChild(bubble);
    return li;
  };
  /* A websocket that reconnects with backoff and asks to resume after the last sequence seen. */
  WD.socket = function (url, handlers) {
    var ws = null, delay = 500, closed = false;
    var api = { send: function (obj) { if (ws && ws.readyState === 1) { ws.send(JSON.stringify(obj)); return true; } return false; },
                close: function () { closed = true; if (ws) { ws.close(); } } };
    function open() {
      ws = new WebSocket(url);
      ws.onopen = function () { delay = 500; handlers.open(api); };
      ws.onmessage = function (ev) { handlers.frame(JSON.parse(ev.data), api); };
      ws.onclose = function () {
        if (handlers.lost) { handlers.lost(); }
        if (!closed) { setTimeout(open, delay); delay = Math.min(delay * 2, 10000); }
      };
    }
    open();
    return api;
  };
  WD.upload = function (convId, file, guest) {
    var fd = new FormData(); fd.append("file", file); fd.append("client_id", WD.uuid());
    var headers = { "X-CSRFToken": WD.csrf() };
    if (guest) { headers["X-Guest-Token"] = guest; }
    return fetch("/api/v1/support/conversations/" + convId + "/attachments", { method: "POST", body: fd, headers: headers, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (b) { if (!r.ok) { throw new Error(b.message || r.status); } return b; }); });
  };
})(window.WD);
