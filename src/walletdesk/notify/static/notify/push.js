/* Turn Web Push on or off for this device: subscribe with the server's VAPID key and send
   the subscription (with the kinds ticked) to /api/v1/notifications/push/subscriptions. */
(function () {
  "use strict";
  var on = document.getElementById("push-on"), off = document.getElementById("push-off");
  var form = document.getElementById("push-kinds");
  if (!on || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  function key(b64) {
    var s = (b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function kinds() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=kinds]:checked"),
                                    function (el) { return el.value; });
  }
  function post(path, body) {
    return fetch("/api/v1/notifications/push/" + path, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": window.WD.csrf()},
      body: JSON.stringify(body)});
  }
  function show(sub) {
    on.classList.toggle("hidden", !!sub); off.classList.toggle("hidden", !sub);
    if (Notification.permission === "denied") {
      on.classList.add("hidden"); document.getElementById("push-blocked").classList.remove("hidden");
    }
  }
  navigator.serviceWorker.ready.then(function (reg) {
    reg.pushManager.getSubscription().then(show);
    on.addEventListener("click", function () {
      reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(on.dataset.key)})
        .then(function (sub) {
          var json = sub.toJSON();
          return post("subscriptions", {endpoint: json.endpoint, keys: json.keys, kinds: kinds()})
            .then(function () { window.location.reload(); });
        }).catch(function () { show(null); });
    });
    off.addEventListener("click", function () {
      reg.pushManager.getSubscription().then(function (sub) {
        if (!sub) return show(null);
        return post("unsubscribe", {endpoint: sub.endpoint}).then(function () {
          return sub.unsubscribe();
        }).then(function () { window.location.reload(); });
      });
    });
  });
})();
