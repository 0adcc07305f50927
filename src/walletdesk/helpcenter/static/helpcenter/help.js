// Live suggestions for the help search box: debounced fetch of /api/v1/help/suggest,
// arrow keys to move, Enter to open, Escape to close. No build step.
(function () {
  "use strict";
  var input = document.getElementById("help-q");
  var list = document.getElementById("help-suggestions");
  if (!input || !list) return;
  var timer = null, active = -1, seq = 0;

  function close() { list.hidden = true; list.innerHTML = ""; active = -1; input.setAttribute("aria-expanded", "false"); }

  function render(items) {
    list.innerHTML = "";
    active = -1;
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "help-suggestion-" + i;
      li.setAttribute("data-testid", "help-suggestion");
      li.setAttribute("data-slug", item.slug);
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.title;  // text, never HTML
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }

  function fetchSuggestions() {
    var q = input.value.trim();
    if (!q) { close(); return; }
    var mine = ++seq;
    var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(q.slice(0, 200)) +
      "&lang=" + encodeURIComponent(input.dataset.lang || "");
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (mine === seq) render(data.suggestions || []); })
      .catch(function () { if (mine === seq) close(); });
  }

  function move(step) {
    var items = list.querySelectorAll("li");
    if (!items.length) return;
    if (active >= 0) items[active].removeAttribute("aria-selected");
    active = (active + step + items.length) % items.length;
    items[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 150); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
    else if (e.key === "Escape") { close(); }
    else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      window.location.href = list.querySelectorAll("li a")[active].href;
    }
  });
  document.addEventListener("click", function (e) { if (!list.contains(e.target) && e.target !== input) close(); });
})();
