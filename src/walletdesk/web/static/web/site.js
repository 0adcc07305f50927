/* The top menu. On phones one button opens and closes it. On a desktop it stays on one line:
   when its links do not fit beside the tools (a long name, a longer language, more entries for
   a role), the bar turns compact, the same menu button as on a tablet, instead of wrapping. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var bar = document.getElementById("topbar");
  var toggle = bar && bar.querySelector(".menu-toggle");
  var nav = bar && document.getElementById("mainnav");
  if (!toggle || !nav) { return; }
  var desktop = window.matchMedia("(min-width: 1024px)");
  function fit() {
    if (!desktop.matches) { bar.classList.remove("compact"); return; }
    if (bar.classList.contains("open")) { return; }
    bar.classList.remove("compact");
    if (nav.scrollWidth > nav.clientWidth + 1) { bar.classList.add("compact"); }
  }
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fit(); });
  });
  fit();
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(fit); }
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
/* After a copy: a status line beside the button says so in the page's language
   (`data-copied`); also used by the two-step set-up's copy buttons. */
window.wdShowCopied = function (button) {
  var note = button.nextElementSibling;
  if (!note || !note.classList.contains("copy-done")) {
    note = document.createElement("span");
    note.className = "copy-done";
    note.setAttribute("role", "status");
    button.insertAdjacentElement("afterend", note);
  }
  note.textContent = button.getAttribute("data-copied") || "";
};
/* A copy button anywhere: `data-copy-text` goes to the clipboard. */
document.addEventListener("click", function (ev) {
  var button = ev.target instanceof Element ? ev.target.closest("[data-copy-text]") : null;
  if (!button || !navigator.clipboard || !navigator.clipboard.writeText) { return; }
  navigator.clipboard.writeText(button.getAttribute("data-copy-text")).then(function () {
    window.wdShowCopied(button);
  }, function () {});
});
/* Password fields get a show / hide button (as banking apps have), so a long password typed on
   a phone can be checked before it is sent. Its words come from the page (<body data-reveal-*>);
   the field is a password field again when its form is sent. */
document.addEventListener("DOMContentLoaded", function () {
  var show = document.body.getAttribute("data-reveal-show");
  var hide = document.body.getAttribute("data-reveal-hide");
  if (!show || !hide) { return; }
  var eye = '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/><path class="reveal-slash" d="M4 4l16 16"/></svg>';
  document.querySelectorAll("input[type=password]").forEach(function (input) {
    var wrap = document.createElement("span");
    wrap.className = "reveal-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "reveal";
    button.innerHTML = eye;
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", show);
    button.setAttribute("data-testid", "reveal-" + (input.name || "password"));
    wrap.appendChild(button);
    function set(visible) {
      input.type = visible ? "text" : "password";
      button.setAttribute("aria-pressed", visible ? "true" : "false");
      button.setAttribute("aria-label", visible ? hide : show);
    }
    button.addEventListener("click", function () { set(input.type === "password"); input.focus(); });
    if (input.form) { input.form.addEventListener("submit", function () { set(false); }); }
  });
});
