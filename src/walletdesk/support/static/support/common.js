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
    return WD.request("POST", "/api/v1/support/conversations/" + convId + "/attachments", fd,
                      guest ? { "X-Guest-Token": guest } : null);
  };
})(window.WD);
