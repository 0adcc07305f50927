/* Agent console add-on (mailroom): a channel badge on the conversations in the lists that did
   not come by chat and, for an email conversation, its subject and the address that replies go
   to by email. It reads the support API and the rows' data-channel; the console itself stays
   unaware of email. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("console"), banner = document.getElementById("mailroom-email");
  if (!root || !banner) { return; }
  var WD = window.WD, t = banner.dataset, timer = null, shownFor = null;
  var log = document.getElementById("chat-log"), api = WD.api("/api/v1/support"), el = WD.el;
  log.parentNode.insertBefore(banner, log);

  function get(path) { return api("GET", path); }
  function channelLabel(ch) { return t["channel" + ch.charAt(0).toUpperCase() + ch.slice(1)] || ch; }
  /* The channel of a conversation that did not come by chat (most do), from the console's own
     list row: an email or a phone call says so. */
  function badge(li) {
    var ch = li.dataset.channel;
    if (!ch || ch === "chat" || li.querySelector(".mailroom-channel")) { return; }
    var b = el("span", "mailroom-channel " + ch, channelLabel(ch));
    b.dataset.testid = "channel-" + li.dataset.testid.replace(/^conv-/, "");
    (li.querySelector(".tags") || li).appendChild(b);
  }
  function badges() { document.querySelectorAll("#queue li, #mine li").forEach(badge); }
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
