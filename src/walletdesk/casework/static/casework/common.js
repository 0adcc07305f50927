/* Casework on the script core (web/wd.js, loaded first): the support API with the guest's
   token when there is one, and our event labels added to the chat log's strings. */
"use strict";
window.CW = window.CW || {};
(function (CW, WD) {
  CW.api = function (method, path, body, guest) {
    return WD.request(method, "/api/v1/support" + path, body, guest ? { "X-Guest-Token": guest } : null);
  };
  /* The chat log labels its event lines from #support-strings: add ours to it. */
  document.addEventListener("DOMContentLoaded", function () {
    var mine = document.getElementById("cw-ev"), theirs = document.getElementById("support-strings");
    if (!mine || !theirs) { return; }
    Object.keys(mine.dataset).forEach(function (k) { if (!theirs.dataset[k]) { theirs.dataset[k] = mine.dataset[k]; } });
  });
})(window.CW, window.WD);
