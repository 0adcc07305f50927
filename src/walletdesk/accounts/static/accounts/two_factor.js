// Two-step setup: copy the key (without its spaces) or the recovery codes.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target) { return; }
      var attr = button.getAttribute("data-copy-attr");
      var text = attr ? target.getAttribute(attr) : Array.prototype.map.call(
        target.querySelectorAll("li"), function (li) { return li.textContent.trim(); }).join("\n");
      var done = function () { window.wdShowCopied(button); };  // web/site.js
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {});
      }
    });
  });
})();
