/* The refund form's photo picker: the browser's own file button speaks the browser's language,
   so the page shows its own button and says, in the page's language, how many photos were chosen. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var input = document.getElementById("rr-images"), out = document.getElementById("rr-chosen");
  if (!input || !out) { return; }
  var none = out.textContent;
  input.addEventListener("change", function () {
    var n = input.files ? input.files.length : 0;
    out.textContent = n ? out.dataset.chosen.replace("{n}", String(n)) : none;
  });
});
