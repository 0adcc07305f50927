/* The supervisor view stays live: every 15 s it fetches itself and swaps the figures in place.
   The service levels' warnings name conversations by reference: each becomes a link that opens
   it in the agent console (its one deep link, ?c=<reference>: ADR 0128). */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var live = document.getElementById("sv-live");
  if (!live) { return; }
  var consoleUrl = live.dataset.console || "/support/console/";
  function linkEvents(box) {
    box.querySelectorAll('[data-testid="sla-events"] tbody tr').forEach(function (tr) {
      var cell = tr.cells[1], ref = cell ? cell.textContent.trim() : "";
      if (!ref || cell.querySelector("a")) { return; }
      var a = document.createElement("a");
      a.href = consoleUrl + "?c=" + encodeURIComponent(ref); a.textContent = ref;
      a.title = live.dataset.openConsole || ""; a.dataset.testid = "sla-event-link";
      cell.textContent = ""; cell.appendChild(a); cell.classList.add("nowrap");
    });
  }
  linkEvents(live);
  if (!window.DOMParser) { return; }
  function refresh() {
    if (document.hidden) { return; }
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("sv-live");
        if (fresh) { linkEvents(fresh); live.replaceWith(fresh); live = fresh; }
      }).catch(function () { /* keep the last figures; the next tick tries again */ });
  }
  setInterval(refresh, 15000);
});
