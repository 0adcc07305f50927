/* Service-level badges in the agent console: one per conversation in the queue and in "mine",
   refreshed every 20 s and at once when the console's socket brings an "sla" frame. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var strings = document.getElementById("sla-strings");
  if (!strings || !document.getElementById("console")) { return; }
  var WD = window.WD, s = strings.dataset, timers = {};
  function fmt(key, min) {
    if (min < 60) { return WD.fmt(s[key], { min: min }); }
    if (min < 24 * 60) { return WD.fmt(s[key + "H"], { h: Math.floor(min / 60), min: min % 60 }); }
    // A day or more: days and whole hours, as a person would say it.
    var hours = Math.round(min / 60);
    return WD.fmt(s[key + "D"], { d: Math.floor(hours / 24), h: hours % 24 });
  }
  // [state word, what is due]: when there is a time, the state word is read out but not shown
  // (the colour, a warning sign and "left"/"over" show it), so the badge stays one line in the
  // list; with no time (paused, met) the word is the badge.
  function parts(t) {
    var label = s[t.state] || t.state;
    var due = t.first_response_at ? t.resolution_due : t.first_response_due;
    if (t.paused && t.first_response_at) { return [label, s.paused]; }
    if (!due) { return [label, ""]; }
    var min = Math.round((new Date(due).getTime() - Date.now()) / 60000);
    return [label, (t.first_response_at ? s.resolution : s.first) + " " + (min >= 0 ? fmt("left", min) : fmt("over", -min))];
  }
  function fill(badge, t) {
    var p = parts(t), quiet = !!p[1];
    var state = WD.el("span", quiet ? "visually-hidden" : "", p[0] + (p[1] ? " · " : ""));
    badge.replaceChildren(state, p[1]);
    badge.title = p[0] + (p[1] ? " · " + p[1] : "");
  }
  function decorate() {
    document.querySelectorAll("#queue li, #mine li").forEach(function (li) {
      var t = timers[li.dataset.id], badge = li.querySelector(".sla-badge");
      if (!t) { if (badge) { badge.remove(); } return; }
      if (!badge) { badge = document.createElement("span"); (li.querySelector(".tags") || li).prepend(badge); }
      badge.className = "sla-badge sla-" + t.state;
      badge.dataset.testid = "sla-" + t.reference;
      fill(badge, t);
    });
  }
  function load() {
    WD.request("GET", "/api/v1/sla/timers").catch(function () { return []; })
      .then(function (list) { timers = {}; (list || []).forEach(function (t) { timers[t.conversation_id] = t; }); decorate(); });
  }
  ["queue", "mine"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) { new MutationObserver(function (m) { if (m.some(function (x) { return x.addedNodes.length; })) { decorate(); } }).observe(el, { childList: true }); }
  });
  document.addEventListener("wd:frame", function (ev) { if (ev.detail && ev.detail.type === "sla") { load(); } });
  load(); setInterval(load, 20000);
});
