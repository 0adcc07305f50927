/* Registers the service worker, offers "new version available: reload", and tells the server
   whether the app runs installed (a cookie read when a support conversation starts). */
(function () {
  "use strict";
  var script = document.currentScript;
  var standalone = window.matchMedia("(display-mode: standalone)").matches ||
    window.navigator.standalone === true;
  document.cookie = "wd_display=" + (standalone ? "standalone" : "browser") +
    "; path=/; max-age=31536000; samesite=lax";
  if (!("serviceWorker" in navigator) || !script) return;
  var banner = document.getElementById("pwa-update");
  var reloading = false;

  function offer(worker) {
    if (!banner || !worker) return;
    banner.classList.remove("hidden");
    document.getElementById("pwa-reload").onclick = function () {
      worker.postMessage({type: "SKIP_WAITING"});
    };
  }

  navigator.serviceWorker.register(script.dataset.sw, {scope: "/"}).then(function (reg) {
    if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
    reg.addEventListener("updatefound", function () {
      var worker = reg.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        /* A new version installed while an older one controls the page. */
        if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
      });
    });
  }).catch(function () { /* no worker: the site still works online */ });

  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (reloading || !banner || banner.classList.contains("hidden")) return;
    reloading = true;
    window.location.reload();
  });
})();
