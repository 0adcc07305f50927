/* The customer's side of a verification: show the request, confirm in the app or type a code. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var card = document.getElementById("cw-verify"), chat = document.getElementById("chat");
  if (!card || !chat) { return; }
  var CW = window.CW, WD = window.WD, s = card.dataset, conv = card.dataset.conversation, guest = chat.dataset.guest || "";
  var text = document.getElementById("cw-verify-text"), code = document.getElementById("cw-code");
  var form = document.getElementById("cw-verify-form"), err = document.getElementById("cw-verify-error");
  var current = null;

  function show(v) {
    current = v;
    if (!v || v.status === "cancelled") { card.classList.add("hidden"); return; }
    card.classList.remove("hidden");
    if (v.status === "pending") {
      form.classList.remove("hidden");
      code.classList.toggle("hidden", v.method === "in_app");
      text.textContent = s.pending + " " + (v.method === "in_app" ? s.inApp : v.method === "code" ? s.code : s.totp);
    } else {
      form.classList.add("hidden");
      text.textContent = v.status === "confirmed" ? WD.fmt(s.verified, { min: Math.ceil(v.seconds_left / 60) }) : s.expired;
    }
  }
  function poll() {
    CW.api("GET", "/conversations/" + conv + "/verification", null, guest)
      .then(function (b) { show(b.verification); }).catch(function () {});
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!current) { return; }
    err.textContent = "";
    var body = current.method === "in_app" ? {} : { code: code.value.trim() };
    CW.api("POST", "/verifications/" + current.id + "/confirm", body, guest)
      .then(function (v) { code.value = ""; show(v); }).catch(function (e) { err.textContent = e.message; });
  });
  poll();
  setInterval(poll, 3000);
});
