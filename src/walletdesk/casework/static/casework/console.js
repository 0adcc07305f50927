/* The agent console's casework panel: verification, each action with why it is or is not
   available now, the action form, this conversation's actions, and the approval queue. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("cw");
  if (!root || !document.getElementById("console")) { return; }
  var CW = window.CW, WD = window.WD, s = root.dataset, conv = null, panel = null, labels = {};
  var form = document.getElementById("cw-form"), err = document.getElementById("cw-error");
  var result = document.getElementById("cw-result"), actionSel = document.getElementById("cw-action");
  Array.prototype.forEach.call(actionSel.options, function (o) { labels[o.value] = o.textContent; });

  function stLabel(st) { return s["st" + st.split("_").map(function (w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join("")] || st; }
  function vstate(v) {
    if (!v) { return s.none; }
    var left = v.seconds_left || 0, vars = { min: Math.floor(left / 60), sec: left % 60 };
    if (v.status === "pending") { return WD.fmt(s.pending, vars); }
    if (v.status === "confirmed") { return WD.fmt(s.confirmed, vars); }
    return v.status === "cancelled" ? s.cancelled : s.expired;
  }
  function whyList(ul, items) {
    ul.textContent = "";
    items.forEach(function (w) { var li = WD.el("li", "", "⚠ " + w.message); li.dataset.code = w.code; ul.appendChild(li); });
  }
  function historyItem(a, approvable) {
    var li = WD.el("li", "", (labels[a.action] || a.action) + " · " + stLabel(a.status) + " · " + a.requested_by +
      (a.approved_by ? " → " + a.approved_by : "") + (a.reference ? " · " + a.reference : "") + " — " + a.reason);
    li.dataset.testid = "cw-item-" + a.id; li.dataset.status = a.status;
    if (approvable) {
      var ok = WD.el("button", "secondary", s.approve); ok.type = "button"; ok.dataset.testid = "cw-approve-" + a.id;
      ok.addEventListener("click", function () { decide(a.id, "approve"); });
      var no = WD.el("button", "secondary", s.reject); no.type = "button"; no.dataset.testid = "cw-reject-" + a.id;
      no.addEventListener("click", function () { decide(a.id, "reject"); });
      li.appendChild(ok); li.appendChild(no);
    }
    return li;
  }
  /* Actions grouped by what the customer asked; the group that matches the conversation's topic first. */
  var GROUPS = [["access", ["start_unlock", "release_hold", "reset_2fa"]], ["protect", ["freeze"]],
                ["payment", ["trace_transaction", "retry_transaction", "expire_transaction"]],
                ["moneyBack", ["refund_from_merchant", "close_refund_request", "request_merchant_refund", "refund_fee"]]];
  var TOPIC_GROUP = { account_locked: "access", account_security: "access", suspected_fraud: "protect",
                      missing_money: "payment", payments: "payment", refunds: "moneyBack" };
  function money(minor, currency) { return WD.money(minor, currency || "CNY"); }
  function when(iso) { return WD.shortTime(iso); }
  function actionItem(a) {
    var li = WD.el("li", a.available ? "ok" : "no");
    li.dataset.testid = "cw-act-" + a.action; li.dataset.available = a.available ? "1" : "0"; li.tabIndex = 0;
    li.appendChild(WD.el("strong", "", labels[a.action] || a.action));
    var info = [];
    if (a.needs) { info.push(s.needs + ": " + a.needs); }
    if (a.approval === "always") { info.push(s.approvalAlways); }
    else if (a.approval.indexOf("above:") === 0) { info.push(WD.fmt(s.approvalAbove, { amount: money(+a.approval.slice(6), "CNY") })); }
    info.push(s.roles + ": " + (a.role_labels || a.roles).join(", "));
    li.appendChild(WD.el("div", "muted", info.join(" · ")));
    li.appendChild(WD.el("div", a.available ? "ok" : "why", a.available ? "✓ " + s.available :
      a.why_not.map(function (w) { return w.message; }).join(" ")));
    var use = function () { actionSel.value = a.action; actionSel.focus(); };
    li.addEventListener("click", use);
    li.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); use(); } });
    return li;
  }
  function render(p) {
    panel = p;
    document.getElementById("cw-vstate").textContent = vstate(p.verification);
    var methods = document.getElementById("cw-method");
    Array.prototype.forEach.call(methods.options, function (o) { o.disabled = p.methods.indexOf(o.value) < 0; });
    whyList(document.getElementById("cw-blockers"), p.blockers);
    var box = document.getElementById("cw-actions"); box.textContent = "";
    var byName = {}; p.actions.forEach(function (a) { byName[a.action] = a; });
    var first = TOPIC_GROUP[p.topic], order = GROUPS.slice().sort(function (x, y) { return (y[0] === first) - (x[0] === first); });
    order.forEach(function (g) {
      var names = g[1].filter(function (n) { return byName[n]; }); if (!names.length) { return; }
      var sec = WD.el("div", "cw-group" + (g[0] === first ? " asked" : ""));
      sec.dataset.testid = "cw-group-" + g[0];
      var key = "g" + g[0].charAt(0).toUpperCase() + g[0].slice(1);
      sec.appendChild(WD.el("h3", "", s[key] + (g[0] === first ? " · " + s.asked : "")));
      var ul = WD.el("ul");
      names.forEach(function (n) { ul.appendChild(actionItem(byName[n])); });
      sec.appendChild(ul); box.appendChild(sec);
    });
    objects(p);
    var hist = document.getElementById("cw-history"); hist.textContent = "";
    p.history.forEach(function (a) { hist.appendChild(historyItem(a, false)); });
    approvals(p.approvals);
  }
  function pickButton(text, sub, testid, onPick) {
    var li = WD.el("li"), b = WD.el("button", "cw-pick", text); b.type = "button";
    if (sub) { b.appendChild(WD.el("span", "muted", " · " + sub)); }
    b.title = s.pick; b.dataset.testid = testid; b.addEventListener("click", onPick);
    li.appendChild(b); return li;
  }
  function objects(p) {
    var ul = document.getElementById("cw-objects"); ul.textContent = "";
    p.holds.forEach(function (h) {
      var text = s.hold + " · " + (h.kind_label || h.kind) + " · " + (h.until ? WD.fmt(s.until, { time: when(h.until) }) : s.openEnded);
      ul.appendChild(pickButton(text, h.reason, "cw-hold-" + h.id, function () { document.getElementById("cw-hold").value = h.id; }));
    });
    var en = (document.documentElement.lang || "").indexOf("en") === 0;
    p.transactions.forEach(function (t) {
      var who = (en && t.counterparty_en) || t.counterparty || "";
      var text = (t.type_label || t.type) + (who ? " · " + who : "") + " · " + (t.status_label || t.status) + " · " +
        money(t.amount, t.currency) + (t.fee ? " (" + WD.fmt(s.fee, { amount: money(t.fee, t.currency) }) + ")" : "");
      ul.appendChild(pickButton(text, when(t.created_at) + " · " + WD.groupDigits(t.reference || t.id), "cw-txn-" + t.id, function () {
        document.getElementById("cw-txn").value = t.id;
        document.getElementById("cw-amount-cur").textContent = money(0, t.currency).replace(/[0-9.,]/g, "");
      }));
    });
  }
  /* An action's result in words: amounts in the currency's major unit, statuses as labels. */
  function showResult(a) {
    result.textContent = "";
    result.appendChild(WD.el("strong", "", (labels[a.action] || a.action) + ": " + stLabel(a.status)));
    var r = a.result || {}, lines = [], txnLabels = {};
    (panel ? panel.transactions : []).forEach(function (t) { txnLabels[t.status] = t.status_label; txnLabels[t.type] = t.type_label; });
    function tl(code) { return txnLabels[code] || code; }
    if (r.transaction) {
      var t = r.transaction;
      // the reference the customer reads out, in fours, as their app shows it
      var ref = t.reference ? t.reference.replace(/(\d{4})(?=\d)/g, "$1 ") : t.id;
      lines.push(ref + " · " + tl(t.type) + " · " + tl(t.status) + " · " + money(t.amount, t.currency));
      (r.history || []).forEach(function (e) { lines.push(s.rHistory + ": " + (e.from_status ? tl(e.from_status) + " → " : "") + tl(e.to_status) + " · " + when(e.at)); });
      if (r.refundable_fee !== undefined) { lines.push(s.rRefundable + ": " + money(r.refundable_fee, t.currency)); }
    } else if (r.amount !== undefined) {
      lines.push(s.rAmount + ": " + money(r.amount, r.currency));
    }
    lines.forEach(function (line) { result.appendChild(WD.el("div", "", line)); });
  }
  function approvals(list) {
    var box = document.getElementById("cw-approvals-box"), ap = document.getElementById("cw-approvals");
    ap.textContent = "";
    list.forEach(function (a) { ap.appendChild(historyItem(a, true)); });
    box.classList.toggle("hidden", list.length === 0);
  }
  function refresh() {
    if (!conv) {
      CW.api("GET", "/actions/approvals").then(function (list) { if (!conv) { approvals(list); } }).catch(function () {});
      return;
    }
    var id = conv;
    CW.api("GET", "/conversations/" + id + "/casework").then(function (p) { if (id === conv) { render(p); } })
      .catch(function (e) { err.textContent = e.message; });
  }
  function decide(id, what) {
    err.textContent = "";
    var body = what === "reject" ? { reason: s.rejectReason } : null;
    CW.api("POST", "/actions/" + id + "/" + what, body).then(refresh).catch(function (e) { err.textContent = e.message; });
  }
  /* The console tells which conversation is selected. */
  WD.onConversation(function (c) {
    if (c.id !== conv) { conv = c.id; err.textContent = ""; result.classList.add("hidden"); refresh(); }
  });
  document.getElementById("cw-verify").addEventListener("click", function () {
    if (!conv) { return; }
    err.textContent = "";
    CW.api("POST", "/conversations/" + conv + "/verification", { method: document.getElementById("cw-method").value })
      .then(refresh).catch(function (e) { err.textContent = e.message; });
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!conv) { return; }
    err.textContent = "";
    var body = { action: actionSel.value, reason: document.getElementById("cw-reason").value };
    var txn = document.getElementById("cw-txn").value.trim(), amount = document.getElementById("cw-amount").value;
    var hold = document.getElementById("cw-hold").value;
    if (txn) { body.transaction_id = txn; }
    if (amount.trim()) { body.amount_major = amount.trim(); }  /* yuan as typed; the server converts exactly */
    if (hold) { body.hold_id = parseInt(hold, 10); }
    CW.api("POST", "/conversations/" + conv + "/actions", body).then(function (a) {
      showResult(a);
      result.dataset.status = a.status;
      result.classList.remove("hidden");
      document.getElementById("cw-reason").value = ""; document.getElementById("cw-amount").value = "";
      refresh();
    }).catch(function (e) { err.textContent = e.message; err.dataset.code = e.code || ""; });
  });
  setInterval(refresh, 3000);
  refresh();
});
