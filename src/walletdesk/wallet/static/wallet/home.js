/* The wallet home's "hide amounts" switch (a pressed/unpressed button): hides the balances on
   this device and remembers it across visits. Without this script the button stays hidden and
   the amounts show. A hidden amount reads "hidden" to a screen reader, never a row of dots. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var purse = document.getElementById("purse"), button = document.getElementById("hide-amounts");
  if (!purse || !button) { return; }
  var KEY = "wd-hide-amounts";
  purse.querySelectorAll(".masked").forEach(function (m) {
    var dots = document.createElement("span"), word = document.createElement("span");
    dots.setAttribute("aria-hidden", "true"); dots.textContent = "••••";
    word.className = "visually-hidden"; word.textContent = button.dataset.hidden;
    m.replaceChildren(dots, word);
  });
  function apply(hidden) {
    purse.classList.toggle("amounts-hidden", hidden);
    button.setAttribute("aria-pressed", hidden ? "true" : "false");
  }
  var remembered = false;
  try { remembered = window.localStorage.getItem(KEY) === "1"; } catch (e) { remembered = false; }
  button.hidden = false;
  apply(remembered);
  button.addEventListener("click", function () {
    var hidden = button.getAttribute("aria-pressed") !== "true";
    try { window.localStorage.setItem(KEY, hidden ? "1" : "0"); } catch (e) { /* storage off: this visit only */ }
    apply(hidden);
  });
});
