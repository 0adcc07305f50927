/* The agent console's casework panel: verification, each action with why it is or is not
   available now, the action form, this conversation's actions, and the approval queue.
   It polls every 3 s, but a list is drawn again only when its data changed, and then the
   element that had the focus (by its data-focus key) gets it back. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("cw");
  if (!root || !document.getElementById("console")) { return; }
  var CW = window.CW, WD = window.WD, s = root.dataset, conv = null, panel = null, labels = {};
  var form = document.getElementById("cw-form"), err = document.getElementById("cw-error");
  var result = document.getElementById("cw-result"), actionSel = document.getElementById("cw-action");
  var txnInput = document.getElementById("cw-txn"), apBox = document.getElementById("cw-approvals-box");
  var holdSel = document.getElementById("cw-hold"), recentSel = document.getElementById("cw-recent");
  var drawn = {};          /* list name → the data it was last drawn from */
  var shown = null;        /* {id, status} of the action whose result the form shows */
  var deciding = null;     /* {id, what, reason}: the approval row asking to confirm */
  var approvalList = [];
  Array.prototype.forEach.call(actionSel.options, function (o) { labels[o.value] = o.textContent; });
  /* The approval queue on top of the right pane, above the customer's cards. */
  if (apBox && apBox.parentNode) { apBox.parentNode.insertBefore(apBox, apBox.parentNode.firstElementChild); }

  function stLabel(st) { return s["st" + st.split("_").map(function (w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join("")] || st; }
  function vstate(v) {
    if (!v) { return s.none; }
    var left = v.seconds_left || 0, vars = { min: Math.floor(left / 60), sec: left % 60 };
    if (v.status === "pending") { return WD.fmt(s.pending, vars); }
    if (v.status === "confirmed") { return WD.fmt(s.confirmed, vars); }
    return v.status === "cancelled" ? s.cancelled : s.expired;
  }
  /* Draw a list again only when its data changed; keep the focus on the same logical element. */
  function update(name, box, data, draw) {
    var key = JSON.stringify(data);
    if (drawn[name] === key) { return; }
    drawn[name] = key;
    var a = document.activeElement, focus = a && box.contains(a) && a.dataset ? a.dataset.focus : null;
    var caret = focus && typeof a.selectionStart === "number" ? [a.selectionStart, a.selectionEnd] : null;
    draw();
    if (!focus) { return; }
    var again = box.querySelector('[data-focus="' + focus.replace(/["\\]/g, "\\$&") + '"]');
    if (!again) { return; }
    again.focus();
    if (caret) { try { again.setSelectionRange(caret[0], caret[1]); } catch (e) { /* not a text field */ } }
  }
  function button(text, cls, testid, focus, onClick) {
    var b = WD.el("button", cls, text); b.type = "button"; b.dataset.testid = testid; b.dataset.focus = focus;
    b.addEventListener("click", onClick); return b;
  }
  function whyList(ul, items) {
    ul.textContent = "";
    items.forEach(function (w) { var li = WD.el("li", "", "⚠ " + w.message); li.dataset.code = w.code; ul.appendChild(li); });
  }
  function historyItem(a) {
    var li = WD.el("li", "", (labels[a.action] || a.action) + " · " + stLabel(a.status) + " · " + a.requested_by +
      (a.approved_by ? " → " + a.approved_by : "") + " — " + a.reason);
    li.dataset.testid = "cw-item-" + a.id; li.dataset.status = a.status;
    return li;
  }
  /* Actions grouped by what the customer asked; the group that matches the conversation's topic first. */
  var GROUPS = [["access", ["start_unlock", "release_hold", "reset_2fa"]], ["protect", ["freeze"]],
                ["payment", ["trace_transaction", "retry_transaction", "expire_transaction"]],
                ["moneyBack", ["refund_from_merchant", "close_refund_request", "request_merchant_refund", "refund_fee"]]];
  var TOPIC_GROUP = { account_locked: "access", account_security: "access", suspected_fraud: "protect",
                      missing_money: "payment", payments: "payment", refunds: "moneyBack" };
  /* What each action's form asks for: a hold, a transaction (needed, or "txn?" when it may be
     left out) and an amount; the other fields are hidden and never sent. */
  var FIELDS = { start_unlock: [], release_hold: ["hold"], freeze: [], reset_2fa: [],
                 trace_transaction: ["txn"], retry_transaction: ["txn"], expire_transaction: ["txn"],
                 request_merchant_refund: ["txn", "amount"], refund_fee: ["txn", "amount"],
                 refund_from_merchant: ["txn?", "amount"], close_refund_request: ["txn?"] };
  function fields(action) { return FIELDS[action] || []; }
  function asks(action, field) {
    return fields(action).some(function (f) { return f.replace("?", "") === field; });
  }
  function showFields() {
    var action = actionSel.value, a = panel && panel.actions.filter(function (x) { return x.action === action; })[0];
    form.querySelectorAll(".cw-field").forEach(function (div) { div.classList.toggle("hidden", !asks(action, div.dataset.field)); });
    var label = document.getElementById("cw-txn-label");
    label.textContent = fields(action).indexOf("txn?") >= 0 ? label.dataset.optional : label.dataset.required;
    document.getElementById("cw-needs").textContent = !fields(action).length ? s.noFields :
      (a && a.needs ? WD.labelled(s.needs, a.needs) : "");
  }
  function money(minor, currency) { return WD.money(minor, currency || "CNY"); }
  function when(iso) { return WD.shortTime(iso); }
  /* The currency the form's amount is in: the named transaction's, else the customer's wallet's. */
  function digits(text) { return String(text || "").replace(/\s+/g, ""); }
  function formCurrency() {
    var typed = digits(txnInput.value), fallback = (panel && panel.currency) || "CNY";
    if (!typed || !panel) { return fallback; }
    var t = panel.transactions.filter(function (x) { return x.id === typed || digits(x.reference) === typed; })[0];
    return t ? t.currency : fallback;
  }
  function showCurrency() {
    document.getElementById("cw-amount-cur").textContent = money(0, formCurrency()).replace(/[0-9.,]/g, "");
    if (panel) { drawActions(panel); }
  }
  /* One action in a line: its name, whether a colleague must approve, and why it cannot be
     done now; choosing it opens the form with that action's fields. */
  function actionItem(a, cur) {
    var li = WD.el("li", a.available ? "ok" : "no"), b = WD.el("button", "cw-act");
    b.type = "button"; b.dataset.testid = "cw-act-" + a.action; b.dataset.available = a.available ? "1" : "0";
    b.dataset.focus = "act:" + a.action;
    b.title = WD.labelled(s.roles, (a.role_labels || a.roles).join(", "));
    var head = WD.el("span", "cw-act-head");
    head.appendChild(WD.el("span", "cw-mark", a.available ? "✓" : "–")).setAttribute("aria-hidden", "true");
    head.appendChild(WD.el("strong", "", labels[a.action] || a.action));
    if (a.available) { head.appendChild(WD.el("span", "visually-hidden", " · " + s.available)); }
    var approval = a.approval === "always" ? s.approvalAlways :
      (a.approval.indexOf("above:") === 0 ? WD.fmt(s.approvalAbove, { amount: money(+a.approval.slice(6), cur) }) : "");
    if (approval) { head.appendChild(WD.el("span", "cw-badge", approval)); }
    b.appendChild(head);
    if (!a.available) { b.appendChild(WD.el("span", "why", a.why_not.map(function (w) { return w.message; }).join(" "))); }
    b.addEventListener("click", function () { choose(a.action); });
    li.appendChild(b);
    return li;
  }
  /* Choose an action in the form and go to its first field to fill in. */
  function choose(action, focusId) {
    actionSel.value = action; showFields();
    var first = focusId || (asks(action, "hold") ? "cw-hold" : (asks(action, "txn") ? "cw-txn" : "cw-reason"));
    document.getElementById(first).focus();
  }
  function drawActions(p) {
    var box = document.getElementById("cw-actions"), cur = formCurrency();
    update("actions", box, [p.actions, p.topic, cur], function () {
      box.textContent = "";
      var byName = {}; p.actions.forEach(function (a) { byName[a.action] = a; });
      var first = TOPIC_GROUP[p.topic], order = GROUPS.slice().sort(function (x, y) { return (y[0] === first) - (x[0] === first); });
      order.forEach(function (g) {
        var names = g[1].filter(function (n) { return byName[n]; }); if (!names.length) { return; }
        var sec = WD.el("div", "cw-group" + (g[0] === first ? " asked" : ""));
        sec.dataset.testid = "cw-group-" + g[0];
        var key = "g" + g[0].charAt(0).toUpperCase() + g[0].slice(1);
        sec.appendChild(WD.el("h3", "", s[key] + (g[0] === first ? " · " + s.asked : "")));
        var ul = WD.el("ul");
        names.forEach(function (n) { ul.appendChild(actionItem(byName[n], cur)); });
        sec.appendChild(ul); box.appendChild(sec);
      });
    });
  }
  function render(p) {
    panel = p;
    document.getElementById("cw-vstate").textContent = vstate(p.verification);
    var methods = document.getElementById("cw-method");
    Array.prototype.forEach.call(methods.options, function (o) { o.disabled = p.methods.indexOf(o.value) < 0; });
    var blockers = document.getElementById("cw-blockers");
    update("blockers", blockers, p.blockers, function () { whyList(blockers, p.blockers); });
    document.getElementById("cw-amount-cur").textContent = money(0, formCurrency()).replace(/[0-9.,]/g, "");
    drawActions(p);
    var holdList = document.getElementById("cw-holds");
    update("holds", holdList, p.holds, function () { drawHolds(p); });
    document.getElementById("cw-holds-none").classList.toggle("hidden", p.holds.length > 0);
    update("recent", recentSel, p.transactions, function () { drawRecent(p); });
    showFields();
    var hist = document.getElementById("cw-history");
    update("history", hist, p.history, function () {
      hist.textContent = "";
      p.history.forEach(function (a) { hist.appendChild(historyItem(a)); });
    });
    document.getElementById("cw-history-none").classList.toggle("hidden", p.history.length > 0);
    followResult(p.history);
    approvals(p.approvals);
  }
  /* The result the form shows follows its action: approved, rejected or done by the customer. */
  function followResult(history) {
    if (!shown) { return; }
    var a = history.filter(function (x) { return x.id === shown.id; })[0];
    if (!a || a.status === shown.status) { return; }
    shown.status = a.status;
    showResult(a, true);
  }
  function holdText(h) {
    return (h.kind_label || h.kind) + " · " + (h.until ? WD.fmt(s.until, { time: when(h.until) }) : s.openEnded);
  }
  /* The holds in force now (live, unlike the customer card's snapshot), each with a way to
     release it; and the same holds in the form's hold chooser. */
  function drawHolds(p) {
    var ul = document.getElementById("cw-holds"), keep = holdSel.value;
    ul.textContent = ""; holdSel.textContent = "";
    var all = WD.el("option", "", WD.fmt(holdSel.dataset.all, { count: p.holds.length })); all.value = ""; holdSel.appendChild(all);
    p.holds.forEach(function (h) {
      var li = WD.el("li", "cw-hold"), text = WD.el("div", "cw-hold-text");
      text.appendChild(WD.el("strong", "", holdText(h)));
      text.appendChild(WD.el("div", "muted", (h.reason_label || h.reason || "") +
        (h.since ? " · " + WD.fmt(s.since, { time: when(h.since) }) : "")));
      li.appendChild(text);
      var b = button(s.release, "secondary small", "cw-hold-" + h.id, "hold:" + h.id, function () {
        holdSel.value = String(h.id); choose("release_hold", "cw-reason");
      });
      b.setAttribute("aria-label", WD.fmt(s.releaseName, { hold: holdText(h) }));
      li.appendChild(b); ul.appendChild(li);
      var o = WD.el("option", "", holdText(h) + (h.reason_label ? " · " + h.reason_label : "")); o.value = String(h.id);
      holdSel.appendChild(o);
    });
    holdSel.value = p.holds.some(function (h) { return String(h.id) === keep; }) ? keep : "";
  }
  /* The customer's recent transactions to pick from; the pick fills in the 16 digits people see. */
  function drawRecent(p) {
    recentSel.textContent = "";
    var none = WD.el("option", "", recentSel.dataset.choose); none.value = ""; recentSel.appendChild(none);
    var en = (document.documentElement.lang || "").indexOf("en") === 0;
    p.transactions.forEach(function (t) {
      var who = (en && t.counterparty_en) || t.counterparty || "";
      var sign = t.direction === "in" ? "+" : (t.direction === "out" ? "\u2212" : "");
      var o = WD.el("option", "", (t.type_label || t.type) + (who ? " · " + who : "") + " · " + sign + money(t.amount, t.currency) +
        " · " + (t.status_label || t.status) + " · " + when(t.created_at) +
        (t.fee ? " · " + WD.fmt(s.fee, { amount: money(t.fee, t.currency) }) : ""));
      o.value = t.reference ? WD.groupDigits(t.reference) : t.id;
      recentSel.appendChild(o);
    });
  }
  /* An action's result in words: amounts in the currency's major unit, statuses as labels. */
  function showResult(a, changed) {
    result.textContent = "";
    result.dataset.status = a.status; result.dataset.actionId = a.id;
    var head = WD.labelled(labels[a.action] || a.action, stLabel(a.status));
    if (changed) { head = WD.fmt(s.changed, { action: labels[a.action] || a.action, status: stLabel(a.status) }); }
    result.appendChild(WD.el("strong", "", head));
    var r = a.result || {}, lines = [], txnLabels = {};
    (panel ? panel.transactions : []).forEach(function (t) { txnLabels[t.status] = t.status_label; txnLabels[t.type] = t.type_label; });
    function tl(code) { return txnLabels[code] || code; }
    if (a.status === "rejected") {
      if (r.rejected_by) { lines.push(WD.fmt(s.rRejectedBy, { who: r.rejected_by })); }
      if (r.reason) { lines.push(WD.labelled(s.rReason, r.reason)); }
    } else if (r.transaction) {
      var t = r.transaction;
      // the reference the customer reads out, in fours, as their app shows it
      var ref = t.reference ? WD.groupDigits(t.reference) : t.id;
      lines.push(ref + " · " + tl(t.type) + " · " + tl(t.status) + " · " + money(t.amount, t.currency));
      (r.history || []).forEach(function (e) { lines.push(WD.labelled(s.rHistory, (e.from_status ? tl(e.from_status) + " → " : "") + tl(e.to_status) + " · " + when(e.at))); });
      if (r.refundable_fee !== undefined) { lines.push(WD.labelled(s.rRefundable, money(r.refundable_fee, t.currency))); }
    } else if (r.amount !== undefined) {
      lines.push(WD.labelled(s.rAmount, money(r.amount, r.currency)));
    }
    lines.forEach(function (line) { result.appendChild(WD.el("div", "", line)); });
    result.classList.remove("hidden");
  }
  function showError(e) {
    err.textContent = e.message; err.dataset.code = e.code || "";
    result.classList.add("hidden"); result.textContent = ""; shown = null;  /* never beside an old success */
  }
  /* One request waiting for this agent: what, for whom, who asked, in which conversation. */
  function approvalItem(a) {
    var li = WD.el("li", "cw-approval"), label = labels[a.action] || a.action;
    li.dataset.testid = "cw-appr-" + a.id; li.dataset.reference = a.reference; li.dataset.status = a.status;
    li.tabIndex = -1; li.dataset.focus = "appr:" + a.id;
    var head = WD.el("div", "cw-appr-head");
    head.appendChild(WD.el("strong", "", label));
    head.appendChild(document.createTextNode(" · "));
    var link = WD.el("a", "cw-conv-link", a.reference);
    link.href = "/support/console/?c=" + encodeURIComponent(a.reference);
    link.title = WD.fmt(s.openConv, { reference: a.reference });
    link.dataset.testid = "cw-conv-link-" + a.id; link.dataset.focus = "conv:" + a.id;
    link.addEventListener("click", function (ev) { ev.preventDefault(); goTo(a.reference); });
    head.appendChild(link);
    li.appendChild(head);
    li.appendChild(WD.el("div", "", WD.fmt(s.customer, { name: a.customer_name || "—" })));
    var by = WD.el("div", "", WD.fmt(s.requestedBy, { name: a.requested_by_name || a.requested_by }) + " ");
    by.appendChild(WD.el("span", "muted", WD.fmt(s.employee, { id: a.requested_by }) + " · " + when(a.created_at)));
    li.appendChild(by);
    li.appendChild(WD.el("div", "muted", a.reason));
    if (deciding && deciding.id === a.id) { li.appendChild(confirmBox(a, label)); return li; }
    var row = WD.el("div", "cw-appr-buttons");
    row.appendChild(button(s.approve, "secondary", "cw-approve-" + a.id, "approve:" + a.id, function () { ask(a.id, "approve"); }));
    row.appendChild(button(s.reject, "secondary", "cw-reject-" + a.id, "reject:" + a.id, function () { ask(a.id, "reject"); }));
    li.appendChild(row);
    return li;
  }
  /* The small confirm step: approving says what happens; rejecting asks why (required). */
  function confirmBox(a, label) {
    var box = WD.el("div", "cw-confirm"), id = a.id, what = deciding.what;
    box.dataset.testid = "cw-confirm-" + id;
    if (what === "approve") {
      box.appendChild(WD.el("p", "", WD.fmt(s.approveQuestion, { action: label, customer: a.customer_name || a.reference })));
    } else {
      var lab = WD.el("label", "", s.rejectLabel), ta = WD.el("textarea");
      ta.id = "cw-reject-reason-" + id; lab.htmlFor = ta.id; ta.rows = 2; ta.maxLength = 500; ta.required = true;
      ta.dataset.testid = "cw-reject-reason-" + id; ta.dataset.focus = "reason:" + id; ta.value = deciding.reason || "";
      ta.addEventListener("input", function () { if (deciding && deciding.id === id) { deciding.reason = ta.value; } });
      box.appendChild(lab); box.appendChild(ta);
    }
    var note = WD.el("p", "chat-warning", deciding.error || ""); note.setAttribute("role", "status");
    note.dataset.testid = "cw-confirm-error-" + id;
    box.appendChild(note);
    var row = WD.el("div", "cw-appr-buttons");
    row.appendChild(button(what === "approve" ? s.confirmApprove : s.confirmReject, "primary",
      "cw-" + what + "-confirm-" + id, "confirm:" + id, function () { decide(id, what); }));
    row.appendChild(button(s.cancel, "secondary", "cw-cancel-" + id, "cancel:" + id, function () {
      deciding = null; redrawApprovals();
      var back = document.querySelector('[data-focus="' + what + ":" + id + '"]'); if (back) { back.focus(); }
    }));
    box.appendChild(row);
    return box;
  }
  function ask(id, what) {
    deciding = { id: id, what: what, reason: "", error: "" };
    redrawApprovals();
    var first = document.querySelector(what === "reject" ? '[data-focus="reason:' + id + '"]' : '[data-focus="confirm:' + id + '"]');
    if (first) { first.focus(); }
  }
  function redrawApprovals() { drawn.approvals = null; approvals(approvalList); }
  function approvals(list) {
    approvalList = list;
    var ap = document.getElementById("cw-approvals");
    if (deciding && !list.some(function (a) { return a.id === deciding.id; })) { deciding = null; }
    update("approvals", ap, [list, deciding && { id: deciding.id, what: deciding.what, error: deciding.error }], function () {
      ap.textContent = "";
      list.forEach(function (a) { ap.appendChild(approvalItem(a)); });
    });
    document.getElementById("cw-approvals-count").textContent = list.length ? "(" + list.length + ")" : "";
    document.getElementById("cw-approvals-none").classList.toggle("hidden", list.length > 0);
    if (list.length) { apBox.classList.remove("hidden"); }
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
    var body = null;
    if (what === "reject") {
      var reason = (deciding && deciding.reason || "").trim();
      if (reason.length < 5) { deciding.error = s.rejectShort; redrawApprovals(); return; }
      body = { reason: reason };
    }
    CW.api("POST", "/actions/" + id + "/" + what, body).then(function () { deciding = null; refresh(); })
      .catch(function (e) { if (deciding && deciding.id === id) { deciding.error = e.message; redrawApprovals(); } });
  }
  /* A conversation's link is the console's one deep link (?c=<reference>, ADR 0128); inside
     the console the console itself opens it (its list, or a lookup: a supervisor watches one
     that is not theirs), without reloading the page. */
  function goTo(reference) {
    document.dispatchEvent(new CustomEvent("wd:open", { detail: { reference: reference } }));
  }
  /* The console tells which conversation is selected. */
  WD.onConversation(function (c) {
    if (c.id !== conv) {
      conv = c.id; err.textContent = ""; result.classList.add("hidden"); shown = null; drawn = {};
      txnInput.value = ""; holdSel.value = ""; refresh();
    }
  });
  document.getElementById("cw-verify").addEventListener("click", function () {
    if (!conv) { return; }
    err.textContent = "";
    CW.api("POST", "/conversations/" + conv + "/verification", { method: document.getElementById("cw-method").value })
      .then(refresh).catch(showError);
  });
  txnInput.addEventListener("input", function () { recentSel.value = ""; showCurrency(); });
  recentSel.addEventListener("change", function () { if (recentSel.value) { txnInput.value = recentSel.value; showCurrency(); } });
  actionSel.addEventListener("change", showFields);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!conv) { return; }
    err.textContent = "";
    var action = actionSel.value, body = { action: action, reason: document.getElementById("cw-reason").value };
    var txn = txnInput.value.trim(), amount = document.getElementById("cw-amount").value.trim(), hold = holdSel.value;
    /* only what this action asks for: a field left filled in for another action is not sent */
    if (txn && asks(action, "txn")) { body.transaction_id = txn; }
    if (amount && asks(action, "amount")) { body.amount_major = amount; }  /* as typed, in the form's currency; the server converts exactly */
    if (hold && asks(action, "hold")) { body.hold_id = parseInt(hold, 10); }
    CW.api("POST", "/conversations/" + conv + "/actions", body).then(function (a) {
      shown = { id: a.id, status: a.status };
      showResult(a, false);
      document.getElementById("cw-reason").value = ""; document.getElementById("cw-amount").value = "";
      refresh();
    }).catch(showError);
  });
  setInterval(refresh, 3000);
  refresh();
});
