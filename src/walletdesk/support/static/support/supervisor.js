/* The supervisor view stays live: every 15 s (and at once when its tab is shown again) it
   fetches itself and swaps the figures and their "as of" time in place. Links into the console
   (?c=<reference>, ADR 0128) and every time in words come from the server. When a refresh
   fails, a line says the figures may be out of date until one succeeds. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var live = document.getElementById("sv-live");
  if (!live || !window.DOMParser || !window.fetch) { return; }
  var stale = document.getElementById("sv-stale");
  function swap(doc, id) {
    var fresh = doc.getElementById(id), old = document.getElementById(id);
    if (fresh && old) { old.replaceWith(fresh); }
    return fresh;
  }
  function refresh() {
    if (document.hidden) { return; }
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        if (!doc.getElementById("sv-live")) { throw new Error("no figures"); }
        // Keep the reader's place: the focused region or link is found again by its id or testid.
        var focused = document.activeElement, key = focused && (focused.id || focused.dataset.testid);
        live = swap(doc, "sv-live") || live;
        swap(doc, "sv-as-of");
        if (stale) { stale.hidden = true; }
        if (key) {
          var again = document.getElementById(key) || live.querySelector('[data-testid="' + key + '"]');
          if (again) { again.focus({ preventScroll: true }); }
        }
      }).catch(function () { if (stale) { stale.hidden = false; } });
  }
  setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
});
