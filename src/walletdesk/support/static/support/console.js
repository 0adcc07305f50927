/* The agent console: queue, my conversations, one chat at a time, context, notes, transfer, resolve. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("console");
  if (!root) { return; }
  var WD = window.WD, me = root.dataset.employeeId, current = null, convs = {}, seen = {}, outbox = {};
  var log = document.getElementById("chat-log"), typingEl = document.getElementById("chat-typing");
  var warnEl = document.getElementById("chat-warning"), text = document.getElementById("chat-text");
  var labels = document.getElementById("ctx-labels").dataset, typingTimer = null, lastTyping = 0;
  var txnLabels = JSON.parse(document.getElementById("txn-labels").textContent);
  function tl(code) { return txnLabels[code] || code; }

  function api(method, path, body) {
    return fetch("/api/v1/support" + path, { method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": WD.csrf() }, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) { return r.json().then(function (b) { if (!r.ok) { throw new Error(b.message || r.status); } return b; }); });
  }
  function item(c) {
    var li = WD.el("li", c.id === current ? "current" : "");
    li.dataset.id = c.id; li.dataset.testid = "conv-" + c.reference;
    var p = WD.el("span", "prio-" + c.priority, c.reference); li.appendChild(p);
    li.appendChild(WD.el("div", "muted", c.topic_label + " · " + c.language + (c.offered_to ? " ★" : "")));
    li.addEventListener("click", function () { select(c.id); });
    return li;
  }
  function refresh() {
    return api("GET", "/conversations").then(function (list) {
      var q = document.getElementById("queue"), mine = document.getElementById("mine");
      q.textContent = ""; mine.textContent = "";
      list.forEach(function (c) {
        convs[c.id] = c;
        if (c.status === "queued") { q.appendChild(item(c)); }
        else if (c.agent && c.agent.employee_id === me && (c.status === "active" || c.status === "waiting")) { mine.appendChild(item(c)); }
      });
      if (current && convs[current]) { showContext(convs[current]); }
    });
  }
  function money(t) { return t.currency + " " + (t.amount / 100).toFixed(2); }
  function row(dl, k, v) { dl.appendChild(WD.el("dt", "", k)); dl.appendChild(WD.el("dd", "", v)); }
  function showContext(c) {
    var dl = document.getElementById("ctx"), tx = document.getElementById("ctx-txns"), ctx = c.context || {};
    dl.textContent = ""; tx.textContent = "";
    var cu = ctx.customer || {}, acc = ctx.account;
    row(dl, labels.topic, c.topic_label); row(dl, labels.priority, String(c.priority));
    row(dl, labels.name, cu.name || c.customer || ""); row(dl, labels.region, cu.region || "");
    row(dl, labels.language, cu.language || c.language);
    if (!acc) { row(dl, "⚠", labels.guest); }
    else {
      row(dl, labels.locked, acc.locked ? labels.yes : labels.no);
      row(dl, labels.holds, (acc.holds || []).join(", ") || "—");
      row(dl, labels.twofa, acc.two_factor ? labels.yes : labels.no);
    }
    if (ctx.picked_transaction) { var p = ctx.picked_transaction; row(dl, labels.picked, p.id + " · " + tl(p.status) + " · " + money(p)); }
    if (ctx.client) { row(dl, "⌂", ctx.client.summary); dl.lastChild.dataset.testid = "ctx-client"; }
    if (ctx.troubleshooter) { row(dl, ctx.troubleshooter.title, ctx.troubleshooter.summary); dl.lastChild.dataset.testid = "ctx-troubleshooter"; }
    (ctx.recent_transactions || []).forEach(function (t) { tx.appendChild(WD.el("li", "", tl(t.type) + " · " + tl(t.status) + " · " + money(t))); });
    document.getElementById("cur-ref").textContent = c.reference;
    var acc2 = document.getElementById("btn-accept"); acc2.classList.toggle("hidden", c.status !== "queued");
    var tr = document.getElementById("cur-transcript"); tr.href = "/support/c/" + c.id + "/transcript/"; tr.classList.remove("hidden");
  }
  function select(id) {
    current = id; log.textContent = ""; seen[id] = 0; typingEl.textContent = "";
    api("GET", "/conversations/" + id).then(function (c) { convs[id] = c; showContext(c); });
    sock.send({ type: "watch", conversation_id: id, after_seq: 0 });
    document.querySelectorAll(".clist li").forEach(function (li) { li.classList.toggle("current", +li.dataset.id === id); });
  }
  function show(m) {
    if (m.conversation_id !== current) { return; }
    if (m.seq <= (seen[current] || 0)) { return; }
    seen[current] = m.seq;
    if (m.client_id) { delete outbox[m.client_id]; }
    log.appendChild(WD.renderMessage(m, m.sender && m.sender.role === "agent"));
    log.scrollTop = log.scrollHeight;
    if (m.sender && m.sender.role === "customer") { sock.send({ type: "read", conversation_id: current, seq: m.seq }); }
  }
  var sock = WD.socket(WD.wsUrl("/ws/agent/"), {
    open: function (s) {
      refresh();
      if (current) { s.send({ type: "watch", conversation_id: current, after_seq: seen[current] || 0 }); }
      Object.keys(outbox).forEach(function (cid) { s.send(outbox[cid]); });
    },
    frame: function (f) {
      document.dispatchEvent(new CustomEvent("wd:frame", { detail: f }));  /* phone and SLA panels listen */
      if (f.type === "message") { show(f); }
      else if (f.type === "ack") { delete outbox[f.client_id]; }
      else if (f.type === "typing" && f.conversation_id === current) {
        typingEl.textContent = WD.t("typing");
        clearTimeout(typingTimer); typingTimer = setTimeout(function () { typingEl.textContent = ""; }, 3000);
      } else if (f.type === "warning" || f.type === "error") { warnEl.textContent = f.message; }
      else if (["queue_changed", "offer", "assigned", "released", "requeued", "resolved", "context"].indexOf(f.type) >= 0) {
        refresh().then(function () { if (f.type === "assigned" && f.conversation_id === current) { select(current); } });
      }
    }
  });
  setInterval(function () { sock.send({ type: "heartbeat" }); }, 30000);
  document.getElementById("btn-accept").addEventListener("click", function () {
    if (current) { sock.send({ type: "accept", conversation_id: current }); }
  });
  document.getElementById("chat-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = text.value.trim(); if (!body || !current) { return; }
    var frame = { type: "message", conversation_id: current, text: body, client_id: WD.uuid(),
                  "private": document.getElementById("as-note").checked };
    outbox[frame.client_id] = frame; warnEl.textContent = "";
    sock.send(frame); text.value = "";
  });
  text.addEventListener("input", function () {
    var now = Date.now();
    if (current && now - lastTyping > 2000) { lastTyping = now; sock.send({ type: "typing", conversation_id: current }); }
  });
  document.getElementById("canned").addEventListener("change", function (ev) {
    var opt = ev.target.selectedOptions[0];
    if (opt && opt.value !== "") {
      var lang = current && convs[current] ? convs[current].language : "zh-hans";
      text.value = lang === "en" ? opt.dataset.en : opt.dataset.zh; ev.target.value = "";
    }
  });
  document.getElementById("btn-transfer").addEventListener("click", function () {
    var v = document.getElementById("transfer-to").value; if (!v || !current) { return; }
    var body = v.indexOf("skill:") === 0 ? { skill: v.slice(6) } : { employee_id: v.slice(6) };
    api("POST", "/conversations/" + current + "/transfer", body).then(refresh).catch(function (e) { warnEl.textContent = e.message; });
  });
  document.getElementById("btn-resolve").addEventListener("click", function () {
    if (!current) { return; }
    api("POST", "/conversations/" + current + "/resolve").then(refresh).catch(function (e) { warnEl.textContent = e.message; });
  });
  document.getElementById("agent-status").addEventListener("change", function (ev) {
    sock.send({ type: "status", status: ev.target.value });
  });
});
