/* Casework helpers shared by the console panel and the customer's chat page. */
"use strict";
window.CW = window.CW || {};
(function (CW) {
  CW.csrf = function () {
    var el = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (el) { return el.value; }
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  };
  CW.api = function (method, path, body, guest) {
    var headers = { "Content-Type": "application/json", "X-CSRFToken": CW.csrf() };
    if (guest) { headers["X-Guest-Token"] = guest; }
    return fetch("/api/v1/support" + path, { method: method, credentials: "same-origin", headers: headers,
      body: body ? JSON.stringify(body) : undefined })
      .then(function (r) { return r.json().then(function (b) { if (!r.ok) { var e = new Error(b.message || r.status); e.code = b.code; throw e; } return b; }); });
  };
  CW.fmt = function (s, vars) {
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); });
    return s;
  };
  CW.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  };
  /* The chat log labels its event lines from #support-strings: add ours to it. */
  document.addEventListener("DOMContentLoaded", function () {
    var mine = document.getElementById("cw-ev"), theirs = document.getElementById("support-strings");
    if (!mine || !theirs) { return; }
    Object.keys(mine.dataset).forEach(function (k) { if (!theirs.dataset[k]) { theirs.dataset[k] = mine.dataset[k]; } });
  });
})(window.CW);
