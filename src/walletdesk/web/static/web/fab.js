// The floating "Contact us" (web/_contact_fab.html) never sits on what someone reads or taps:
// - it steps aside once the place where the page itself offers a person ([data-fab-stop]: an
//   article's feedback row, which "Still need help?" follows; a search's no-answer card; a
//   troubleshooter's "Talk to a person" form) is on screen or above it;
// - on a page that marks its text column ([data-fab-column], the help pages), where it would
//   float over that column (a phone, a narrow tablet) it shows only when the reader scrolls
//   back up (looking for something, or for help), not on arrival and not while they read on
//   down. On a wide screen it stays beside the column.
// Without this script it stays put and the footer keeps room for it at the page's end.
(function () {
  "use strict";
  var fab = document.querySelector(".fab");
  var column = document.querySelector("[data-fab-column]");
  var stop = document.querySelector("[data-fab-stop]");
  if (!fab) return;
  var JITTER = 8, LOOK_BACK = 64;  // px: a finger's wobble; a deliberate scroll up
  var reached = false, lookingBack = false;
  var lastY = window.scrollY, runFrom = lastY, direction = 0;

  function overColumn() {
    if (!column) return false;
    var f = fab.getBoundingClientRect(), c = column.getBoundingClientRect();
    return f.left < c.right && f.right > c.left;
  }

  function update() {
    var away = (reached || (!lookingBack && overColumn())) && !fab.contains(document.activeElement);
    fab.classList.toggle("fab-away", away);
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
  fab.classList.add("fab-ready");
})();
