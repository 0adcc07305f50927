/* The supervisor view stays live: every 15 s it fetches itself and swaps the figures in place. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var live = document.getElementById("sv-live");
  if (!live || !window.DOMParser) { return; }
  function refresh() {
    if (document.hidden) { return; }
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("sv-live");
        if (fresh) { live.replaceWith(fresh); live = fresh; }
      }).catch(function () { /* keep the last figures; the next tick tries again */ });
  }
  setInterval(refresh, 15000);
});
