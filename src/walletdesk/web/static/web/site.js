/* The compact menu on phones: one button opens and closes the top navigation. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var bar = document.getElementById("topbar");
  var toggle = bar && bar.querySelector(".menu-toggle");
  if (!toggle) { return; }
  toggle.addEventListener("click", function () {
    var open = bar.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && bar.classList.contains("open")) {
      bar.classList.remove("open"); toggle.setAttribute("aria-expanded", "false"); toggle.focus();
    }
  });
});
