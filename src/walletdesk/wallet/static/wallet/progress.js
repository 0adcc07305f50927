// A pending transaction's live progress: ask the server every few seconds
// (status.json), show the state and the step, and reload once it has ended.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var label = box.querySelector("[data-progress-label]");
  var message = box.querySelector("[data-progress-message]");
  var steps = box.querySelectorAll("[data-step]");
  var delay = 2000;
  function show(state) {
    label.textContent = state.status_label;
    message.textContent = state.message;
    steps.forEach(function (li) {
      var n = parseInt(li.getAttribute("data-step"), 10);
      li.classList.toggle("done", n < state.step || (state.done && n === state.step));
      li.classList.toggle("current", n === state.step && !state.done);
      if (n === state.step) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
    });
  }
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (state) {
        show(state);
        if (state.done) { window.location.reload(); return; }
        delay = 2000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
