// The "was this helpful?" row of an article: the vote is posted in the background and the row
// is replaced, in place, by the one the server renders after it (the thanks, or why the vote
// was not taken; when the reader can change that, the form stays under the reason). Without
// this script the form posts and the page comes back at #feedback.
(function () {
  "use strict";
  var row = document.getElementById("feedback");
  var form = row && row.querySelector("form");
  if (!form || !window.fetch || !window.DOMParser) return;

  function swapIn(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("feedback");
    var note = fresh && fresh.querySelector("[data-testid=feedback-thanks]");
    if (!note) throw new Error("no feedback note in the page");
    if (fresh.querySelector("form")) {  // refused for something the reader can change: say why
      var said = row.querySelector("[data-testid=feedback-thanks]");  // above the same form
      if (said) said.remove();
      var shown = row.insertBefore(document.importNode(note, true), form);
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
      form.removeAttribute("aria-busy");
      shown.focus();
      return;
    }
    row.removeAttribute("aria-labelledby");
    row.replaceChildren(document.importNode(note, true));
    row.firstChild.focus();  // the buttons are gone: keep the reader's place on the answer
  }

  function postNatively(button) {  // the page's own way, when the background post fails
    var vote = document.createElement("input");
    vote.type = "hidden";
    vote.name = button.name;
    vote.value = button.value;
    form.appendChild(vote);
    form.submit();
  }

  form.addEventListener("submit", function (e) {
    var button = e.submitter;
    if (!button || button.name !== "helpful") return;
    e.preventDefault();
    var body = new URLSearchParams(new FormData(form));  // the form's own encoding
    body.append(button.name, button.value);
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(swapIn)
      .catch(function () { postNatively(button); });
  });
})();
