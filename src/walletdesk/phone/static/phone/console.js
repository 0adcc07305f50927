/* The phone panel of the agent console: for the selected conversation's callback, start the
   call (the answer carries the session code to read out), follow its status, hang up, log it. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var panel = document.getElementById("phone-panel");
  if (!panel || !document.getElementById("console")) { return; }
  var WD = window.WD, cb = null, call = null, timer = null, d = panel.dataset;
  var labels = JSON.parse(document.getElementById("phone-call-labels").textContent);
  var $ = WD.$, api = WD.api("/api/v1/phone");
  /* The agent is on the phone with this customer: the callback comes first in the pane, above
     the customer's cards, where the session code to read out is seen without scrolling. */
  var firstCard = panel.parentNode && panel.parentNode.querySelector(".ctx-card.conv-only");
  if (firstCard) { panel.parentNode.insertBefore(panel, firstCard); }
  $("phone-number-label").textContent = WD.labelled($("phone-number-label").dataset.label, "");
  function currentId() { var c = WD.conversation(); return c ? c.id : null; }
  function showCalls(list) {
    var ul = $("phone-calls"); ul.textContent = "";
    (list || []).forEach(function (c) {
      var li = document.createElement("li");
      li.dataset.outcome = c.outcome || "";
      li.textContent = c.status_label + (c.outcome ? " · " + c.outcome_label : "") + (c.duration_seconds !== null ? " · " + WD.fmt(d.seconds, { seconds: c.duration_seconds }) : "") + " · " + c.agent.employee_id;
      ul.appendChild(li);
    });
  }
  /* The server lets a call start from EARLY_START (data-early-minutes) before the slot. */
  var openTimer = null;
  function opensAt(b) { return new Date(b.slot_start).getTime() - (+d.earlyMinutes || 0) * 60000; }
  /* "15:00" today; another day with its date: "12月8日 15:00" / "Dec 8, 15:00". */
  function dayOf(when) { return WD.time(when, { year: "numeric", month: "2-digit", day: "2-digit" }); }
  function dueText(iso) {
    if (dayOf(iso) === dayOf(new Date().toISOString())) { return WD.clock(iso); }
    var en = WD.locale().indexOf("en") === 0, o = { month: en ? "short" : "long", day: "numeric", hour: "2-digit",
      minute: "2-digit", hour12: false, timeZone: WD.zone() };
    try { return new Date(iso).toLocaleString(en ? "en-US" : WD.locale(), o); }
    catch (e) { delete o.timeZone; return new Date(iso).toLocaleString(en ? "en-US" : WD.locale(), o); }
  }
  function render() {
    if (!cb) { panel.classList.add("hidden"); return; }
    panel.classList.remove("hidden");
    /* In the agent's zone (the console's data-tz), as the server pages show times: "15:00"
       today, "12月8日 15:00" / "Dec 8, 15:00" another day. */
    $("phone-due").textContent = WD.fmt(d.due, { time: dueText(cb.slot_start) });
    $("phone-number").textContent = cb.number;
    var st = $("phone-status");
    st.dataset.status = call ? call.status : cb.status;
    st.textContent = call ? (labels[call.status] || call.status) : cb.status_label;
    var start = $("phone-start"), why = $("phone-start-why"), opens = opensAt(cb);
    var early = cb.status === "scheduled" && Date.now() < opens;
    start.classList.toggle("hidden", cb.status !== "scheduled" || !!(call && !call.logged));
    start.disabled = early;
    why.textContent = early ? WD.fmt(d.opens, { time: dueText(new Date(opens).toISOString()), minutes: d.earlyMinutes }) : "";
    why.classList.toggle("hidden", !early || start.classList.contains("hidden"));
    clearTimeout(openTimer);
    if (early) { openTimer = setTimeout(render, Math.min(opens - Date.now() + 500, 60000)); }
    $("phone-live").classList.toggle("hidden", !(call && !call.logged));
    showCalls(cb.calls);
  }
  function load(id) {
    if (!id) { cb = null; render(); return; }  /* a conversation without a callback answers null */
    api("GET", "/conversations/" + id + "/callback").then(function (b) {
      cb = b; if (call && call.logged) { call = null; } render();
    }).catch(function () { cb = null; render(); });
  }
  function poll() {
    clearTimeout(timer);
    if (!call || call.logged) { return; }
    api("GET", "/calls/" + call.id).then(function (c) { call.status = c.status; render(); timer = setTimeout(poll, 1500); })
      .catch(function () { timer = setTimeout(poll, 3000); });
  }
  /* The console tells which conversation is selected (and when its details were refreshed). */
  var shown = null;
  WD.onConversation(function (c) {
    if (c.id !== shown) { shown = c.id; call = null; $("phone-msg").textContent = ""; }
    if (!call) { load(c.id); }
  });
  $("phone-start").addEventListener("click", function () {
    if (!cb) { return; }
    api("POST", "/callbacks/" + cb.id + "/start").then(function (b) {
      call = b.call; call.logged = false;
      $("phone-code-label").textContent = d.calling; $("phone-code").textContent = b.session_code;
      $("phone-msg").textContent = ""; cb.status = "calling"; render(); poll();
    }).catch(function (e) { $("phone-msg").textContent = e.message || d.failed; load(cb.id && currentId()); });
  });
  $("phone-hangup").addEventListener("click", function () {
    if (call) { api("POST", "/calls/" + call.id + "/hangup").then(function (c) { call.status = c.status; render(); }); }
  });
  $("phone-log").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!call) { return; }
    api("POST", "/calls/" + call.id + "/outcome", { outcome: $("phone-outcome").value, notes: $("phone-notes").value })
      .then(function () { call.logged = true; $("phone-notes").value = ""; $("phone-code").textContent = "";
        $("phone-msg").textContent = d.logged; load(currentId()); })
      .catch(function (e) { $("phone-msg").textContent = e.message; });
  });
  /* Queue items of callbacks show their due time. */
  var dueAt = {};
  function markDue() {
    document.querySelectorAll("#queue li, #mine li").forEach(function (li) {
      var at = dueAt[li.dataset.id], tag = li.querySelector(".phone-due");
      if (!at) { if (tag) { tag.remove(); } return; }
      if (!tag) { tag = document.createElement("span"); tag.className = "phone-due"; (li.querySelector(".tags") || li).appendChild(tag); }
      tag.dataset.testid = "due-" + li.dataset.id;
      tag.textContent = "☎ " + dueText(at);
    });
  }
  function loadDue() {
    api("GET", "/due").then(function (list) { dueAt = {}; list.forEach(function (c) { dueAt[c.conversation_id] = c.slot_start; }); markDue(); }).catch(function () {});
  }
  ["queue", "mine"].forEach(function (id) {
    var el = $(id);
    if (el) { new MutationObserver(function (m) { if (m.some(function (x) { return x.addedNodes.length; })) { loadDue(); } }).observe(el, { childList: true }); }
  });
  document.addEventListener("wd:frame", function (ev) {
    var f = ev.detail || {};
    if (f.type === "call" && call && f.call_id === call.id) { call.status = f.status; render(); }
  });
});
