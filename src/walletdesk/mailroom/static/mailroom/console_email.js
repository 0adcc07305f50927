/* Agent console add-on (mailroom): a channel badge on every conversation in the lists and, for
   an email conversation, its subject and the address that replies go to by email. It only reads
   the support API; the console itself stays unaware of email. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("console"), banner = document.getElementById("mailroom-email");
  if (!root || !banner) { return; }
  var WD = window.WD, t = banner.dataset, known = {}, timer = null, shownFor = null;
  var log = document.getElementById("chat-log"), api = WD.api("/api/v1/support"), el = WD.el;
  log.parentNode.insertBefore(banner, log);

  function get(path) { return api("GET", path); }
  function channelLabel(ch) { return t["channel" + ch.charAt(0).toUpperCase() + ch.slice(1)] || ch; }
  function badge(li) {
    var c = known[li.dataset.id];
    if (!c || li.querySelector(".mailroom-channel")) { return; }
    var b = el("span", "mailroom-channel " + c.channel, channelLabel(c.channel));
    b.dataset.testid = "channel-" + c.reference;
    li.firstChild ? li.insertBefore(b, li.firstChild.nextSibling) : li.appendChild(b);
  }
  function badges() {
    var items = document.querySelectorAll("#queue li, #mine li");
    var missing = Array.prototype.some.call(items, function (li) { return !known[li.dataset.id]; });
    var done = function () { items.forEach(badge); };
    if (!missing) { done(); return; }
    get("/conversations").then(function (list) {
      list.forEach(function (c) { known[c.id] = c; });
      done();
    }).catch(function () { /* the console shows its own errors */ });
  }
  /* The email banner of the selected conversation (the console's wd:conversation event). */
  function showCurrent(conv) {
    var id = conv.id === null ? null : String(conv.id);
    if (id === shownFor) { return; }
    shownFor = id;
    banner.textContent = ""; banner.classList.add("hidden");
    if (!id) { return; }
    get("/conversations/" + id).then(function (c) {
      if (String(c.id) !== shownFor || c.channel !== "email") { return; }
      var mailCtx = (c.context || {}).email || {};
      banner.appendChild(el("p", "", WD.labelled(t.channel, channelLabel("email")) + " · " + WD.labelled(t.subject, c.subject || "")));
      banner.appendChild(el("p", "", t.byEmail.replace("__ADDRESS__", mailCtx.from || "")));
      banner.appendChild(el("p", mailCtx.sender_verified ? "" : "warn", mailCtx.sender_verified ? t.verified : t.unverified));
      banner.classList.remove("hidden");
    }).catch(function () { shownFor = null; });
  }
  function soon() { clearTimeout(timer); timer = setTimeout(badges, 150); }
  var watch = new MutationObserver(soon);
  ["queue", "mine"].forEach(function (id) {
    watch.observe(document.getElementById(id), { childList: true, subtree: true });
  });
  WD.onConversation(showCurrent);
  soon();
});
