/* The agent console's casework panel: verification, each action with why it is or is not
   available now, the action form, this conversation's actions, and the approval queue. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("cw"), link = document.getElementById("cur-transcript");
  if (!root || !link) { return; }
  var CW = window.CW, s = root.dataset, conv = null, panel = null, labels = {};
  var form = document.getElementById("cw-form"), err = document.getElementById("cw-error");
  var result = document.getElementById("cw-result"), actionSel = document.getElementById("cw-action");
  Array.prototype.forEach.call(actionSel.options, function (o) { labels[o.value] = o.textContent; });

  function stLabel(st) { return s["st" + st.split("_").map(function (w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join("")] || st; }
  function vstate(v) {
    if (!v) { return s.none; }
    var left = v.seconds_left || 0, vars = { min: Math.floor(left / 60), sec: left % 60 };
    if (v.status === "pending") { return CW.fmt(s.pending, vars); }
    if (v.status === "confirmed") { return CW.fmt(s.confirmed, vars); }
    return v.status === "cancelled" ? s.cancelled : s.expired;
  }
  function whyList(ul, items) {
    ul.textContent = "";
    items.forEach(function (w) { var li = CW.el("li", "", "⚠ " + w.message); li.dataset.code = w.code; ul.appendChild(li); });
  }
  function historyItem(a, approvable) {
    var li = CW.el("li", "", (labels[a.action] || a.action) + " · " + stLabel(a.status) + " · " + a.requested_by +
      (a.approved_by ? " → " + a.approved_by : "") + (a.reference ? " · " + a.reference : "") + " — " + a.reason);
    li.dataset.testid = "cw-item-" + a.id; li.dataset.status = a.status;
    if (approvable) {
      var ok = CW.el("button", "secondary", s.approve); ok.type = "button"; ok.dataset.testid = "cw-approve-" + a.id;
      ok.addEventListener("click", function () { decide(a.id, "approve"); });
      var no = CW.el("button", "secondary", s.reject); no.type = "button"; no.dataset.testid = "cw-reject-" + a.id;
      no.addEventListener("click", function () { decide(a.id, "reject"); });
      li.appendChild(ok); li.appendChild(no);
    }
    return li;
  }
  function render(p) {
    panel = p;
    document.getElementById("cw-vstate").textContent = vstate(p.verification);
    var methods = document.getElementById("cw-method");
    Array.prototype.forEach.call(methods.options, function (o) { o.disabled = p.methods.indexOf(o.value) < 0; });
    whyList(document.getElementById("cw-blockers"), p.blockers);
    var ul = document.getElementById("cw-actions"); ul.textContent = "";
    p.actions.forEach(function (a) {
      var li = CW.el("li", a.available ? "ok" : "no");
      li.dataset.testid = "cw-act-" + a.action; li.dataset.available = a.available ? "1" : "0";
      li.appendChild(CW.el("strong", "", labels[a.action] || a.action));
      var info = [];
      if (a.needs) { info.push(s.needs + ": " + a.needs); }
      if (a.approval === "always") { info.push(s.approvalAlways); }
      else if (a.approval.indexOf("above:") === 0) { info.push(CW.fmt(s.approvalAbove, { amount: (+a.approval.slice(6) / 100).toFixed(2) })); }
      info.push(s.roles + ": " + a.roles.join(", "));
      li.appendChild(CW.el("div", "muted", info.join(" · ")));
      li.appendChild(CW.el("div", a.available ? "ok" : "why", a.available ? "✓ " + s.available :
        a.why_not.map(function (w) { return w.message; }).join(" ")));
      li.addEventListener("click", function () { actionSel.value = a.action; });
      ul.appendChild(li);
    });
    objects(p);
    var hist = document.getElementById("cw-history"); hist.textContent = "";
    p.history.forEach(function (a) { hist.appendChild(historyItem(a, false)); });
    approvals(p.approvals);
  }
  function objects(p) {
    var ul = document.getElementById("cw-objects"); ul.textContent = "";
    p.holds.forEach(function (h) {
      var li = CW.el("li", "", s.hold + " #" + h.id + " · " + h.kind + (h.reason ? " · " + h.reason : ""));
      li.title = s.pick; li.dataset.testid = "cw-hold-" + h.id;
      li.addEventListener("click", function () { document.getElementById("cw-hold").value = h.id; });
      ul.appendChild(li);
    });
    p.transactions.forEach(function (t) {
      var li = CW.el("li", "", t.id + " · " + t.type + " · " + t.status + " · " + t.currency + " " +
        (t.amount / 100).toFixed(2) + (t.fee ? " (+" + (t.fee / 100).toFixed(2) + ")" : ""));
      li.title = s.pick; li.dataset.testid = "cw-txn-" + t.id;
      li.addEventListener("click", function () { document.getElementById("cw-txn").value = t.id; });
      ul.appendChild(li);
    });
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
  function pick() {
    var m = (link.getAttribute("href") || "").match(/\/support\/c\/(\d+)\//);
    var id = m ? +m[1] : null;
    if (id !== conv) { conv = id; err.textContent = ""; result.classList.add("hidden"); refresh(); }
  }
  new MutationObserver(pick).observe(link, { attributes: true, attributeFilter: ["href"] });
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
    if (amount) { body.amount = parseInt(amount, 10); }
    if (hold) { body.hold_id = parseInt(hold, 10); }
    CW.api("POST", "/conversations/" + conv + "/actions", body).then(function (a) {
      result.textContent = (labels[a.action] || a.action) + ": " + stLabel(a.status) +
        (a.result ? "\n" + JSON.stringify(a.result, null, 2) : "");
      result.dataset.status = a.status;
      result.classList.remove("hidden");
      document.getElementById("cw-reason").value = "";
      refresh();
    }).catch(function (e) { err.textContent = e.message; err.dataset.code = e.code || ""; });
  });
  setInterval(refresh, 3000);
  pick();
});
