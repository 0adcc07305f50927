"""What the browser tests ask of the floating "Contact us" (web/_contact_fab.html and
web/static/web/fab.js) on any page that has it."""

# What can be tapped on screen and lies (partly) under the floating button, while it shows.
UNDER_FAB = """() => {
  const fab = document.querySelector('.fab');
  const s = getComputedStyle(fab), f = fab.getBoundingClientRect();
  if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0) return [];
  return [...document.querySelectorAll('a[href], button, summary, input, textarea, select')]
    .filter(el => !fab.contains(el) && !el.closest('[hidden], .visually-hidden'))
    .filter(el => {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || r.bottom <= 0 || r.top >= innerHeight) return false;
      return r.left < f.right && r.right > f.left && r.top < f.bottom && r.bottom > f.top;
    })
    .map(el => el.textContent.trim() || el.outerHTML.slice(0, 60));
}"""

FAB_SHOWN = ("() => { const s = getComputedStyle(document.querySelector('.fab'));"
             " return s.visibility === 'visible' && Number(s.opacity) === 1; }")
FAB_AWAY = ("() => { const s = getComputedStyle(document.querySelector('.fab'));"
            " return s.visibility === 'hidden'; }")
