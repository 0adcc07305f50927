/* The customer's chat: resume after reconnect, resend unacknowledged messages (shown at once as
   "Sending…" until the server has them), typing, read state, and a word when the connection drops. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("chat");
  if (!root) { return; }
  var WD = window.WD, convId = root.dataset.conversation, guest = root.dataset.guest;
  var log = document.getElementById("chat-log"), statusEl = document.getElementById("chat-status");
  var typingEl = document.getElementById("chat-typing"), warnEl = document.getElementById("chat-warning");
  var form = document.getElementById("chat-form"), text = document.getElementById("chat-text");
  var fileInput = document.getElementById("chat-file"), fileName = document.getElementById("chat-file-name");
  var lastSeq = 0, outbox = {}, typingTimer = null, lastTyping = 0, ended = false;
  var path = "/ws/support/conversations/" + convId + "/" + (guest ? "?guest=" + encodeURIComponent(guest) : "");

  function show(m) {
    if (m.seq <= lastSeq) { return; }
    lastSeq = m.seq;
    if (m.client_id) { WD.settle(log, outbox, m.client_id); }
    var mine = !!(m.sender && m.sender.role === "customer");
    var atEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
    var li = WD.appendMessage(log, m, mine);
    /* A wide screen scrolls the list; a phone scrolls the page (the composer stays pinned),
       following the conversation when the reader is at its end or has just written. */
    if (log.scrollHeight > log.clientHeight) { log.scrollTop = log.scrollHeight; }
    else if (atEnd || mine) { li.scrollIntoView({ block: "end" }); }
    if (m.sender && m.sender.role === "agent" && m.kind !== "event") { sock.send({ type: "read", seq: m.seq }); }
  }
  var sock = WD.socket(WD.wsUrl(path), {
    open: function (s) {
      s.send({ type: "resume", after_seq: lastSeq });
      Object.keys(outbox).forEach(function (cid) { s.send({ type: "message", text: outbox[cid], client_id: cid }); });
      if (warnEl.textContent === WD.t("offline")) { warnEl.textContent = ""; }
    },
    lost: function (final) {  /* final: the error frame said why; nothing can be sent any more */
      if (!final) { warnEl.textContent = WD.t("offline"); return; }
      ended = true;
      WD.unsent(log, text, outbox);
    },
    frame: function (f) {
      if (f.type === "message") { show(f); }
      else if (f.type === "ack") { WD.settle(log, outbox, f.client_id); }
      else if (f.type === "queue") {
        var s = WD.t("queue", { pos: f.position }) + (document.documentElement.lang.indexOf("zh") === 0 ? "" : " ");
        s += f.estimated_wait_seconds !== null ? WD.t("wait", { min: Math.max(1, Math.round(f.estimated_wait_seconds / 60)) }) : WD.t("nowait");
        statusEl.textContent = s;
      } else if (f.type === "assigned") {
        statusEl.textContent = WD.spaceLatin(WD.t("joined", { name: f.agent.name, eid: f.agent.employee_id }));
        var closed = document.getElementById("after-hours");
        if (closed) { closed.classList.add("hidden"); }
      } else if (f.type === "typing") {
        typingEl.textContent = WD.t("typing");
        clearTimeout(typingTimer); typingTimer = setTimeout(function () { typingEl.textContent = ""; }, 3000);
      } else if (f.type === "warning" || f.type === "error") {
        warnEl.textContent = f.message;
        /* A refused message (too fast, or the chat has ended): its words go back to the box. */
        if (f.type === "error" && f.client_id) { WD.unsent(log, text, outbox, f.client_id); }
      }
      else if (f.type === "resolved") { statusEl.textContent = WD.t("resolved"); setTimeout(function () { location.reload(); }, 800); }
      else if (f.type === "read" && f.role === "agent") {
        log.querySelectorAll("li.me").forEach(function (li) { if (+li.dataset.seq <= f.seq) { li.title = WD.t("read"); li.classList.add("read"); } });
      }
    }
  });
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = text.value.trim();
      if (ended) { return; }  /* the words stay in the box, under the server's reason */
      if (fileInput && fileInput.files.length) {
        WD.upload(convId, fileInput.files[0], guest).catch(function (e) { warnEl.textContent = e.message; });
        fileInput.value = "";
        if (fileName) { fileName.hidden = true; fileName.textContent = ""; }
      }
      if (!body) { return; }
      var cid = WD.uuid(); outbox[cid] = body;
      if (warnEl.textContent !== WD.t("offline")) { warnEl.textContent = ""; }
      WD.pending(log, cid, body);
      sock.send({ type: "message", text: body, client_id: cid });
      text.value = "";
    });
    if (fileInput && fileName) {
      fileInput.addEventListener("change", function () {
        var f = fileInput.files[0];
        fileName.textContent = f ? WD.labelled(WD.t("image"), f.name) : "";
        fileName.hidden = !f;
      });
    }
    text.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTyping > 2000) { lastTyping = now; sock.send({ type: "typing" }); }
    });
  }
});
