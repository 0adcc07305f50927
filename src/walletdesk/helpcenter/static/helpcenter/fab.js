// The floating "Contact us" of the help pages never sits on what someone reads or taps:
// - it steps aside once the end of the page is on screen or above it, where the page offers a
//   person itself ([data-fab-stop], the first of: an article's feedback row, which "Still need
//   help?" follows; a search's no-answer card or its "Still need help?");
// - where it would float over the text column (a phone, a narrow tablet) it shows only when
//   the reader scrolls back up (looking for something, or for help), not on arrival and not
//   while they read on down. On a wide screen it stays beside the column.
// Without this script it stays put and the footer keeps room for it at the page's end.
(function () {
  "use strict";
  var fab = document.querySelector(".fab");
  var column = document.querySelector(".help-column");
  var stop = document.querySelector("[data-fab-stop]");
  if (!fab || !column) return;
  var JITTER = 8, LOOK_BACK = 64;  // px: a finger's wobble; a deliberate scroll up
  var reached = false, lookingBack = false;
  var lastY = window.scrollY, runFrom = lastY, direction = 0;

  function overColumn() {
    var f = fab.getBoundingClientRect(), c = column.getBoundingClientRect();
    return f.left < c.right && f.right > c.left;
  }

  function update() {
    var away = (reached || (!lookingBack && overColumn())) && !fab.contains(document.activeElement);
    fab.classList.toggle("help-fab-away", away);
  }

  if (stop && window.IntersectionObserver) {
    // It steps aside at the page's end: the footer need not keep room for it there.
    document.body.classList.add("fab-steps-aside");
    new IntersectionObserver(function (entries) {
      var e = entries[entries.length - 1];
      reached = e.isIntersecting || e.boundingClientRect.top < 0;
      update();
    }).observe(stop);
  }

  window.addEventListener("scroll", function () {
    var y = window.scrollY, step = y > lastY ? 1 : y < lastY ? -1 : 0;
    if (!step) return;
    if (step !== direction) { direction = step; runFrom = lastY; }
    lastY = y;
    if (step > 0 && y - runFrom > JITTER) lookingBack = false;
    if (step < 0 && runFrom - y > LOOK_BACK) lookingBack = true;
    update();
  }, { passive: true });
  window.addEventListener("resize", update);
  reached = !!stop && stop.getBoundingClientRect().top < window.innerHeight;  // before the observer says
  update();
  fab.classList.add("help-fab-ready");
})();
