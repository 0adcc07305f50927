/* The customer's callback: status and session code refreshed every 10 s (the code appears
   30 minutes before the slot, or as soon as the agent starts the call). */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var boxes = document.querySelectorAll("[data-callback-id]");
  if (!boxes.length) { return; }
  function refresh() {
    boxes.forEach(function (box) {
      var id = box.dataset.callbackId;
      fetch("/api/v1/phone/callbacks/" + id, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (cb) {
          if (!cb) { return; }
          var st = box.querySelector("[data-status-for]");
          st.textContent = cb.status_label; st.dataset.status = cb.status;
          box.querySelector("[data-code-for]").textContent = cb.session_code || "";
          box.querySelector("[data-code-line]").hidden = !cb.session_code;
          box.querySelector("[data-code-hint]").hidden = !!cb.session_code || cb.status !== "scheduled";
        });
    });
  }
  setInterval(refresh, 10000);
});
