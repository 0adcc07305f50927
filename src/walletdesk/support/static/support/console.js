/* The agent console: queue, my conversations, one chat at a time, the customer's context in
   words, notes, canned replies, transfer, resolve, and a key for each (help overlay on "?").
   A supervisor may open any conversation (watch mode, ADR 0128): another agent's live chat is
   shown with a banner and a "Take over" button, and only internal notes can be written in it.
   One deep link opens a conversation: /support/console/?c=<reference>. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("console");
  if (!root) { return; }
  var WD = window.WD, me = root.dataset.employeeId, current = null, convs = {}, seen = {}, outbox = {}, held = {};
  var log = document.getElementById("chat-log"), typingEl = document.getElementById("chat-typing");
  var warnEl = document.getElementById("chat-warning"), text = document.getElementById("chat-text");
  var noteBox = document.getElementById("as-note"), help = document.getElementById("kb-help");
  var labels = document.getElementById("ctx-labels").dataset, typingTimer = null, lastTyping = 0;
  var L = JSON.parse(document.getElementById("console-labels").textContent);
  var $ = WD.$, fmt = WD.fmt, api = WD.api("/api/v1/support");
  text.dataset.placeholder = text.placeholder;
  var sendBtn = root.querySelector("#chat-form button[type=submit]"); sendBtn.dataset.label = sendBtn.textContent;
  function word(table, code) { return (L[table] || {})[String(code)] || String(code).split("_").join(" "); }
  function prioClass(p) { return p >= 30 ? "p-urgent" : (p >= 20 ? "p-high" : "p-normal"); }
  /* How long someone has waited, short ("2 min", "1 h 5 min", "2 d 3 h"); the full sentence
     ("waiting 2 min") is what a screen reader hears. */
  function age(min) {
    if (min < 60) { return fmt(labels.ageMin, { min: min }); }
    if (min < 24 * 60) { return fmt(labels.ageH, { h: Math.floor(min / 60), min: min % 60 }); }
    var hours = Math.round(min / 60);
    return fmt(labels.ageD, { d: Math.floor(hours / 24), h: hours % 24 });
  }
  /* One conversation in a list, as an inbox row (Intercom's, Zendesk's): who and how long they
     have waited; the badges (service level, a priority above normal, after hours, a channel other
     than chat: the add-ons put theirs in .tags); what they wrote; topic · queue · language and
     the reference they read out. */
  function item(c) {
    var li = WD.el("li", c.id === current ? "current" : "");
    li.dataset.id = c.id; li.dataset.testid = "conv-" + c.reference; li.dataset.channel = c.channel; li.tabIndex = 0;
    li.setAttribute("aria-current", c.id === current ? "true" : "false");
    var top = WD.el("span", "top"), who = WD.el("span", "who", c.customer || c.reference);
    top.appendChild(who);
    if (c.guest) { who.appendChild(WD.el("span", "guest", " · " + labels.guestShort)); }
    if (c.offered_to && String(c.offered_to) === root.dataset.agentId) { who.appendChild(WD.el("span", "offered", " ★ " + labels.offered)); }
    if (c.status === "queued" && c.created_at) {
      var min = Math.max(0, Math.floor((Date.now() - new Date(c.created_at).getTime()) / 60000));
      /* under a minute is "just now", never "0 min" */
      var said = min < 1 ? (c.after_hours ? labels.leftMessageNow : labels.waitingNow) :
        fmt(c.after_hours ? labels.leftMessage : labels.waiting, { time: age(min) });
      var waited = WD.el("span", "age"), short = WD.el("span", "", min < 1 ? labels.justNow : age(min));
      short.setAttribute("aria-hidden", "true"); waited.title = said;
      waited.appendChild(short); waited.appendChild(WD.el("span", "visually-hidden", said));
      waited.dataset.testid = "waited-" + c.reference;
      top.appendChild(waited);
    }
    li.appendChild(top);
    var tags = WD.el("span", "tags");
    if (c.priority >= 20) {  /* normal is most of the list: said only when it is more */
      var pr = WD.el("span", "prio " + prioClass(c.priority), c.priority_label || word("priority", c.priority));
      pr.dataset.testid = "prio-" + c.reference; tags.appendChild(pr);
    }
    if (c.after_hours) {  /* left while the desk was closed: not a wait like the others */
      var ah = WD.el("span", "after-hours", labels.afterHours); ah.dataset.testid = "after-hours-" + c.reference;
      tags.appendChild(ah);
    }
    li.appendChild(tags);
    if (c.subject) { li.appendChild(WD.el("span", "subject", c.subject)); }
    /* The queue only when it says more than the topic ("Refund · Refund" said nothing). */
    var queue = c.skill_label || word("skill", c.skill), sub = [c.topic_label];
    if (queue && queue !== c.topic_label) { sub.push(queue); }
    sub.push(c.language_label || word("language", c.language));
    var line = WD.el("span", "sub", sub.join(" · ") + " · ");
    line.appendChild(WD.el("span", "ref", c.reference));
    li.appendChild(line);
    li.addEventListener("click", function () { select(c.id); });
    li.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(c.id); }
    });
    return li;
  }
  function refresh() {
    return api("GET", "/conversations").then(function (list) {
      var q = $("queue"), mine = $("mine"), focusedId = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.id : null;
      q.textContent = ""; mine.textContent = "";
      list.forEach(function (c) {
        convs[c.id] = Object.assign(convs[c.id] || {}, c);
        if (c.status === "queued") { q.appendChild(item(c)); }
        else if (c.agent && c.agent.employee_id === me && (c.status === "active" || c.status === "waiting")) { mine.appendChild(item(c)); }
      });
      $("queue-count").textContent = q.children.length ? "(" + q.children.length + ")" : "";
      $("mine-count").textContent = mine.children.length ? "(" + mine.children.length + ")" : "";
      $("queue-empty").classList.toggle("hidden", q.children.length > 0);
      $("mine-empty").classList.toggle("hidden", mine.children.length > 0);
      drawWatching();
      if (focusedId) { var again = root.querySelector('.clist li[data-id="' + focusedId + '"]'); if (again) { again.focus(); } }
      if (current && convs[current]) { showContext(convs[current]); loadLive(convs[current]); }
    });
  }
  function row(dl, k, v, cls) {
    dl.appendChild(WD.el("dt", "", k));
    var dd = WD.el("dd", cls || "", v); dl.appendChild(dd); return dd;
  }
  /* The other side in the page's language: a merchant's English name for English readers. */
  function otherSide(t) {
    var en = (document.documentElement.lang || "").indexOf("en") === 0;
    return (en && t.counterparty_en) || t.counterparty || "";
  }
  /* Copies the internal id (what the back office and the action form take); the customer's
     reference is what is shown. */
  function copyId(t) {
    var b = WD.el("button", "link copy", labels.copyId); b.type = "button";
    b.setAttribute("data-copy-text", t.id); b.setAttribute("data-copied", labels.copied);
    b.setAttribute("aria-label", fmt(labels.copyIdOf, { ref: t.reference || t.id })); b.dataset.testid = "ctx-copy-id";
    return b;
  }
  /* "Payment · City Metro   −¥35.00", under it "Today 21:56 · Completed · 0123 4567 8901 2345":
     time in the viewer's zone, type and status in words, the reference the customer reads out. */
  function txnItem(t) {
    var li = WD.el("li", "tx"), who = otherSide(t);
    li.dataset.testid = "ctx-txn"; li.dataset.status = t.status;
    var top = WD.el("div", "tx-top");
    top.appendChild(WD.el("span", "tx-what", word("txn_type", t.type) + (who ? " · " + who : "")));
    var sign = t.direction === "in" ? "+" : (t.direction === "out" ? "\u2212" : "");
    top.appendChild(WD.el("span", "amt" + (t.direction === "in" ? " in" : ""), sign + WD.money(t.amount, t.currency)));
    li.appendChild(top);
    var sub = WD.el("div", "tx-sub");
    if (t.created_at) { sub.appendChild(WD.el("span", "", WD.shortTime(t.created_at) + " · ")); }
    sub.appendChild(WD.el("span", "tx-st st-" + t.status, word("txn_status", t.status)));
    if (t.fee) { sub.appendChild(WD.el("span", "", " · " + fmt(labels.fee, { amount: WD.money(t.fee, t.currency) }))); }
    var ref = WD.el("span", "tx-ref", " · " + WD.groupDigits(t.reference || t.id)); ref.dataset.testid = "ctx-txn-ref";
    sub.appendChild(ref); sub.appendChild(document.createTextNode(" ")); sub.appendChild(copyId(t));
    li.appendChild(sub);
    return li;
  }
  function holdText(h) {
    return word("hold", h.kind) + " · " + (h.until ? fmt(labels.until, { time: WD.shortTime(h.until) }) : labels.openEnded);
  }
  /* The customer's app and device in the agent's words (the stored summary is in the
     customer's language), the version without its build hash ("0.1.0+db45c7242a" → "0.1.0"). */
  function clientLine(cl) {
    var version = String(cl.app_version || "").split("+")[0];
    if (!version || !cl.browser || !cl.os) { return String(cl.summary || "").replace(/(\d+\.\d+(?:\.\d+)?)\+[0-9a-f]{6,40}/gi, "$1"); }
    var line = fmt(labels.appLine, { version: version, browser: cl.browser, system: cl.os });
    if (cl.installed) { line += " · " + labels.installedApp; } else if (cl.display_mode) { line += " · " + labels.browserTab; }
    return line;
  }
  var ENDED = ["resolved", "closed"], supervisor = root.dataset.supervisor === "1";
  function isMine(c) { return !!(c && c.agent && c.agent.employee_id === me); }
  function isLive(c) { return !!(c && (c.status === "active" || c.status === "waiting")); }
  /* A supervisor in a live conversation that another agent handles: watching (ADR 0128). */
  function watching(c) { return supervisor && isLive(c) && !!c.agent && !isMine(c); }
  function agentWho(a) { return a ? fmt(labels.agentWho, { name: a.name, eid: a.employee_id }) : ""; }
  /* Who may write in the open conversation: its own agent while it is live; queued, someone
     else's or resolved, the composer is off and says why. A watching supervisor writes notes
     only (the server would take a reply: supervisors write anywhere, ADR 0126; the console
     asks them to take over first, so that the customer is told who answers). */
  function writable(c) {
    if (!c || !c.status || ended || !isLive(c)) { return false; }
    return isMine(c) || supervisor;
  }
  function composerFor(c) {
    var ok = writable(c), watch = ok && watching(c), done = !!(c && ENDED.indexOf(c.status) >= 0), hint = $("composer-hint");
    var why = ok || !c || !c.status ? "" : (done ? labels.resolvedReadOnly : (c.status === "queued" ? labels.acceptToReply : labels.notYours));
    [text, noteBox, $("canned"), root.querySelector("#chat-form button[type=submit]")].forEach(function (el) { if (el) { el.disabled = !ok; } });
    $("transfer-to").disabled = !ok || watch; $("btn-transfer").disabled = !ok || watch; $("btn-resolve").disabled = !ok || watch;
    noteBox.disabled = !ok || watch; $("canned").disabled = !ok || watch;
    if (!ok || watch) { hideConfirm(); }
    var was = root.classList.contains("watch-mode"); root.classList.toggle("watch-mode", watch);
    noteMode(watch || (ok && !was && noteBox.checked));  /* watching: notes only; after a take-over, replies */
    text.placeholder = watch ? fmt(labels.watchPlaceholder, { agent: c.agent.name }) : (ok ? text.dataset.placeholder : why);
    sendBtn.textContent = watch ? labels.addNote : sendBtn.dataset.label;
    hint.textContent = why; hint.classList.toggle("hidden", !why);
    var banner = $("watch-banner");
    if (banner) {
      banner.classList.toggle("hidden", !watch);
      if (watch) { $("watch-text").textContent = fmt(labels.watching, { agent: agentWho(c.agent) }); }
      $("btn-take-over").disabled = !watch;
      if (!watch) { hideTakeOver(); }
    }
    root.classList.toggle("conv-ended", done);
    var st = $("conv-state"); st.textContent = done ? labels.resolved : ""; st.classList.toggle("hidden", !done);
  }
  /* The customer as they are now (GET …/customer), for the agent who has the conversation or a
     supervisor: asked when it is picked, and again (at most every 3 s) when the lists change, as
     they do after an action; until then, and for a queued one, the snapshot of when it opened. */
  var live = {}, liveTimer = null, liveAt = 0;
  function loadLive(c, now) {
    if (!c || c.guest || !(isMine(c) || supervisor)) { return; }
    clearTimeout(liveTimer);
    liveTimer = setTimeout(function () {
      liveAt = Date.now();
      api("GET", "/conversations/" + c.id + "/customer").then(function (r) {
        if (!r.context) { return; }
        live[c.id] = r.context;
        if (c.id === current && convs[c.id]) { drawCustomer(convs[c.id]); }
      }).catch(function () { /* the snapshot stays, and says what it is */ });
    }, now ? 0 : Math.max(0, 3000 - (Date.now() - liveAt)));
  }
  function drawCustomer(c) {
    var dl = $("ctx"), tx = $("ctx-txns"), now = live[c.id], ctx = Object.assign({}, c.context || {}, now || {});
    dl.textContent = ""; tx.textContent = "";
    var cu = ctx.customer || {}, acc = ctx.account;
    /* The snapshot (support/snapshot.py) says so; the live view needs no words. */
    $("ctx-as-of").textContent = acc && !now && c.created_at ? fmt(labels.asOf, { time: WD.shortTime(c.created_at) }) : "";
    $("ctx").dataset.live = now ? "1" : "";
    row(dl, labels.name, cu.name || c.customer || "");
    row(dl, labels.topic, c.topic_label);
    row(dl, labels.priority, c.priority_label || word("priority", c.priority));
    row(dl, labels.queue, c.skill_label || word("skill", c.skill));
    row(dl, labels.status, c.status_label || word("status", c.status));
    row(dl, labels.language, word("language", cu.language || c.language));
    if (cu.region) { row(dl, labels.region, word("region", cu.region)); }
    if (!acc) { row(dl, labels.account, labels.guest, "state-bad"); }
    else {
      row(dl, labels.account, acc.active === false ? labels.inactive : (acc.locked ? labels.locked : labels.unlocked),
          acc.locked || acc.active === false ? "state-bad" : "state-ok").dataset.testid = "ctx-account";
      var holds = acc.hold_details || (acc.holds || []).map(function (k) { return { kind: k, until: null }; });
      row(dl, labels.holds, holds.length ? holds.map(holdText).join("; ") : labels.noHolds,
          holds.length ? "state-bad" : "").dataset.testid = "ctx-holds";
      row(dl, labels.twofa, acc.two_factor ? labels.twofaOn : labels.twofaOff);
    }
    if (ctx.picked_transaction) {
      var p = ctx.picked_transaction, dd = row(dl, labels.picked, ""), pw = otherSide(p);
      dd.appendChild(WD.el("span", "", word("txn_type", p.type) + (pw ? " · " + pw : "") + " · " +
        word("txn_status", p.status) + " · " + WD.money(p.amount, p.currency)));
      dd.appendChild(WD.el("span", "muted", " · " + WD.groupDigits(p.reference || p.id) + " "));
      dd.appendChild(copyId(p));
      dd.dataset.testid = "ctx-picked";
    }
    if (ctx.refund_request) {
      /* The refund request the customer passed to support: status, amount, merchant, deadline, and its timeline. */
      var rq = ctx.refund_request, rd = row(dl, labels.refundRequest, "");
      rd.dataset.testid = "ctx-refund-request";
      rd.appendChild(WD.el("span", "", word("rr_status", rq.status) + " · " + WD.money(rq.amount, rq.currency) + " · " +
        ((rq.merchant || {}).name || "") + " · " + word("rr_reason", rq.reason)));
      if (rq.text) { rd.appendChild(WD.el("div", "muted", rq.text)); }
      var ol = WD.el("ol", "rr-ctx-timeline");
      (rq.events || []).forEach(function (e) {
        ol.appendChild(WD.el("li", "", WD.shortTime(e.at) + " · " + word("rr_event", e.kind) +
          (e.amount ? " · " + WD.money(e.amount, rq.currency) : "") + (e.note ? " · " + e.note : "")));
      });
      rd.appendChild(ol);
      rd.appendChild(WD.el("span", "muted", " · " + rq.id + " · " + (rq.payment || {}).id));
    }
    if (ctx.client) { row(dl, labels.client, clientLine(ctx.client)); dl.lastChild.dataset.testid = "ctx-client"; }
    if (ctx.troubleshooter) { row(dl, ctx.troubleshooter.title, ctx.troubleshooter.summary); dl.lastChild.dataset.testid = "ctx-troubleshooter"; }
    var recent = ctx.recent_transactions || [];
    recent.forEach(function (t) { tx.appendChild(txnItem(t)); });
    if (!recent.length) { tx.appendChild(WD.el("li", "muted", labels.none)); }
  }
  function showContext(c) {
    drawCustomer(c);
    var who = $("cur-who");
    who.textContent = c.customer || c.reference;
    if (c.guest) { who.appendChild(WD.el("span", "guest", " · " + labels.guestShort)); }
    $("cur-ref").textContent = c.reference;
    $("cur-meta").textContent = [c.topic_label, c.status_label || word("status", c.status)].join(" · ");
    $("cur-sub").title = $("cur-sub").textContent;
    $("cur-sub").classList.remove("hidden");
    $("conv-none").classList.add("hidden");
    $("btn-accept").classList.toggle("hidden", c.status !== "queued");
    if (c.id === current) { composerFor(c); drawWatching(); }
    var tr = $("cur-transcript"); tr.href = "/support/c/" + c.id + "/transcript/"; tr.classList.remove("hidden");
    if (c.id === current) { loadEarlier(c); WD.selectConversation(c); }  /* the add-ons refresh their panels */
  }
  /* The customer's other conversations (GET …/earlier): for the agent who has this one, or a
     supervisor, whose reference opens it here; asked again when the conversation changes hands
     or a guest proves their contact. */
  var earlierKey = null;
  /* As an inbox row: what they wrote (else the topic) and when; then topic · status · agent ·
     rating and the reference (a supervisor's opens it here). */
  function earlierItem(e) {
    var li = WD.el("li", "tx earlier-item"), top = WD.el("div", "tx-top");
    li.dataset.testid = "earlier-" + e.reference; li.dataset.status = e.status;
    top.appendChild(WD.el("strong", "earlier-subject", e.subject || e.topic_label));
    top.appendChild(WD.el("span", "muted", WD.shortTime(e.created_at)));
    li.appendChild(top);
    var sub = WD.el("div", "tx-sub", [e.topic_label, e.status_label, e.agent ? agentWho(e.agent) : labels.notTaken]
      .concat(e.rating ? [fmt(labels.rated, { n: e.rating })] : []).join(" · ") + " · ");
    var ref = WD.el(supervisor ? "a" : "span", "earlier-ref nowrap", e.reference);
    if (supervisor) {
      ref.href = "/support/console/?c=" + encodeURIComponent(e.reference);
      ref.title = fmt(labels.openEarlier, { reference: e.reference });
      ref.addEventListener("click", function (ev) { ev.preventDefault(); openLink(e.reference); });
    }
    sub.appendChild(ref);
    li.appendChild(sub);
    return li;
  }
  function loadEarlier(c) {
    var key = [c.id, c.agent ? c.agent.employee_id : "", c.guest ? "guest" : ""].join(":");
    if (key === earlierKey) { return; }
    earlierKey = key;
    api("GET", "/conversations/" + c.id + "/earlier").then(function (list) {
      if (c.id !== current) { return; }
      var ul = $("ctx-earlier"); ul.textContent = "";
      list.forEach(function (e) { ul.appendChild(earlierItem(e)); });
      $("ctx-earlier-count").textContent = list.length ? "(" + list.length + ")" : "";
      $("ctx-earlier-none").classList.toggle("hidden", list.length > 0);
      /* nothing to say before the agent has the conversation, or for a guest */
      $("ctx-earlier-card").classList.toggle("hidden", !(isMine(c) || supervisor) || !!c.guest);
    }).catch(function () { earlierKey = null; });
  }
  function select(id) {
    if (id === current) { return; }
    current = id; log.textContent = ""; seen[id] = 0; typingEl.textContent = ""; warnEl.textContent = "";
    $("ctx-earlier-card").classList.add("hidden"); earlierKey = null;
    hideTakeOver();
    composerFor(convs[id] || null); remember(id);
    Object.keys(outbox).forEach(function (cid) {  /* what is still on its way to this conversation */
      var f = outbox[cid]; if (f.conversation_id === id) { WD.pending(log, cid, f.text, f["private"]); }
    });
    root.classList.remove("no-conv");  /* the composer, tools and customer cards appear */
    WD.selectConversation(convs[id] || { id: id });  /* wd:conversation: the add-ons follow */
    reload(id);
    /* Its whole history comes back before a "resumed" frame; a live frame already on its way
       may arrive first, and shown at once it would hide the older ones (their seq is lower):
       the conversation's messages are held until "resumed", then shown in order. */
    held[id] = [];
    sock.send({ type: "watch", conversation_id: id, after_seq: 0 });
    root.querySelectorAll(".clist li").forEach(function (li) {
      var on = +li.dataset.id === id; li.classList.toggle("current", on); li.setAttribute("aria-current", on ? "true" : "false");
    });
  }
  /* The chat on screen became ours (accepted, transferred in, taken over): its composer, context
     and add-ons anew, and what it shows read. The log stays: drawn again, it flashed empty. */
  function becameOurs(id) {
    warnEl.textContent = ""; hideTakeOver();
    composerFor(convs[id] || null); remember(id);
    WD.selectConversation(convs[id] || { id: id });
    reload(id);
    if (seen[id] && !watching(convs[id])) { sock.send({ type: "read", conversation_id: id, seq: seen[id] }); }
  }
  function reload(id) {
    return api("GET", "/conversations/" + id).then(function (c) { convs[id] = c; if (id === current) { showContext(c); loadLive(c, true); } })
      .catch(function (e) {
        if (id !== current) { return; }
        /* Transferred away (no longer visible to this agent): read-only, said by the hint. */
        if (e.status === 404 && convs[id]) { convs[id] = Object.assign({}, convs[id], { agent: null, status: "gone" }); composerFor(convs[id]); return; }
        warnEl.textContent = e.message;
      });
  }
  /* The conversation a supervisor opened outside their lists, above them while it is open. */
  function drawWatching() {
    var ul = $("watching"); if (!ul) { return; }
    var c = current && convs[current], mineOrQueued = c && (c.status === "queued" || isMine(c));
    ul.textContent = "";
    if (c && c.reference && !mineOrQueued) { ul.appendChild(item(c)); }
    ul.classList.toggle("hidden", !ul.children.length); $("watching-h").classList.toggle("hidden", !ul.children.length);
  }
  /* One deep link: ?c=<reference> (what people read out, and what every link into the console
     knows). The open conversation is kept there, so a reload opens it again. Older links still
     open: #conv=<reference> is rewritten to ?c=, and ?c=<id> is read as an id. */
  function linkTo(key) {
    if (!window.history || !history.replaceState) { return; }
    var url = new URL(location.href);
    if (key) { url.searchParams.set("c", String(key)); } else { url.searchParams.delete("c"); }
    if (/^#conv=/.test(url.hash)) { url.hash = ""; }
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  }
  function remember(id) { linkTo(id ? (convs[id] && convs[id].reference) || String(id) : null); }
  function fromHash() {
    var m = /^#conv=(.+)$/.exec(location.hash || "");
    if (!m) { return null; }
    var key = decodeURIComponent(m[1]); linkTo(key); return key;
  }
  function notFound(key) {
    linkTo(current ? (convs[current] && convs[current].reference) || String(current) : null);
    warnEl.textContent = fmt(labels.notFound, { ref: key }); say(warnEl.textContent);
  }
  /* Open what a link names: from the lists, else asked from the server, which answers only
     with a conversation this viewer may see (an agent: theirs and the queue; a supervisor: any).
     byReference: the key is a reference even if it is all digits (typed, never an id). */
  function openLink(key, byReference) {
    key = String(key || "").trim(); if (!key) { return; }
    var ref = key.toUpperCase(), known = Object.keys(convs).filter(function (id) { return convs[id].reference === ref; })[0];
    if (known) { select(+known); return; }
    var ask = !byReference && /^\d+$/.test(key) ? api("GET", "/conversations/" + key).then(function (c) { return [c]; })
      : api("GET", "/conversations?reference=" + encodeURIComponent(ref));
    ask.then(function (list) {
      var c = list && list[0];
      if (!c) { notFound(key); return; }
      convs[c.id] = Object.assign(convs[c.id] || {}, c); select(c.id);
    }).catch(function (e) { if (e.status === 404) { notFound(key); } else { warnEl.textContent = e.message; } });
  }
  /* The reference a customer reads out, however it was typed: "cs 20261207 000055",
     "20261207-000055" and "CS-20261207-000055" are the same conversation. */
  function readReference(typed) {
    var s = String(typed || "").trim().toUpperCase(), m = /^(?:CS)?(\d{8})(\d{6})$/.exec(s.replace(/[\s_.\u2010-\u2015-]+/g, ""));
    return m ? "CS-" + m[1] + "-" + m[2] : s;
  }
  $("find-conv").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var typed = $("find-ref").value; if (!typed.trim()) { return; }
    warnEl.textContent = ""; openLink(readReference(typed), true);
  });
  var reopen = fromHash() || new URLSearchParams(location.search).get("c") || null;
  window.addEventListener("hashchange", function () { var key = fromHash(); if (key) { openLink(key); } });
  /* Casework's approval links (and any add-on) ask the console to open a conversation. */
  document.addEventListener("wd:open", function (ev) { openLink(ev.detail && ev.detail.reference); });
  function show(m) {
    if (m.conversation_id !== current) { return; }
    if (m.seq <= (seen[current] || 0)) { return; }
    seen[current] = m.seq;
    if (m.client_id) { WD.settle(log, outbox, m.client_id); }
    WD.appendMessage(log, m, m.sender && m.sender.role === "agent");
    log.scrollTop = log.scrollHeight;
    var c = convs[current];  /* "Read" only from the agent who answers (not a watcher, not after a take-over) */
    if (m.sender && m.sender.role === "customer" && !watching(c) && !(c && c.status === "gone")) { sock.send({ type: "read", conversation_id: current, seq: m.seq }); }
  }
  var sock = WD.socket(WD.wsUrl("/ws/agent/"), {
    open: function (s) {
      refresh().then(function () { if (reopen && !current) { var key = reopen; reopen = null; openLink(key); } });
      /* Back after a break: what came meanwhile is held until "resumed", as on select. */
      if (current) { held[current] = held[current] || []; s.send({ type: "watch", conversation_id: current, after_seq: seen[current] || 0 }); }
      Object.keys(outbox).forEach(function (cid) { s.send(outbox[cid]); });
      if (pendingAccept) { s.send(pendingAccept); pendingAccept = null; }
      if (pendingStatus) { s.send(pendingStatus); pendingStatus = null; }
      if (warnEl.textContent === WD.t("offline")) { warnEl.textContent = ""; }
    },
    lost: function (final) {
      if (!final) { warnEl.textContent = WD.t("offline"); return; }
      ended = true;
      WD.unsent(log, text, outbox);
    },
    frame: function (f) {
      document.dispatchEvent(new CustomEvent("wd:frame", { detail: f }));  /* phone and SLA panels listen */
      if (f.type === "message") {
        if (held[f.conversation_id]) { held[f.conversation_id].push(f); return; }
        show(f);
        /* an action's event (a hold released, a transaction stopped): the card reads the account again */
        if (f.kind === "event" && f.conversation_id === current) { loadLive(convs[current]); }
      }
      else if (f.type === "resumed") {
        var waiting = held[f.conversation_id] || []; delete held[f.conversation_id];
        waiting.sort(function (a, b) { return a.seq - b.seq; }).forEach(show);
      }
      else if (f.type === "ack") { WD.settle(log, outbox, f.client_id); }
      else if (f.type === "typing" && f.conversation_id === current) {
        typingEl.textContent = WD.t("typing");
        clearTimeout(typingTimer); typingTimer = setTimeout(function () { typingEl.textContent = ""; }, 3000);
      } else if (f.type === "warning" || f.type === "error") {
        warnEl.textContent = f.message;
        if (f.type === "error" && f.client_id) { WD.unsent(log, text, outbox, f.client_id); }
      }
      else if (["queue_changed", "offer", "assigned", "released", "requeued", "resolved", "context"].indexOf(f.type) >= 0) {
        if (f.type === "released" && f.taken_over_by) {  /* a supervisor took this chat over */
          var took = fmt(labels.takenOver, { agent: agentWho(f.taken_over_by), ref: f.reference || "" });
          warnEl.textContent = took; say(took);
        }
        refresh().then(function () {
          if (f.type === "assigned" && f.conversation_id === current) {
            /* Ours now (or a supervisor, who sees any): show it afresh; someone else's: read-only. */
            if ((f.agent && f.agent.employee_id === me) || supervisor) { becameOurs(current); }
            else { reload(current); }
          }
          else if ((f.type === "released" || f.type === "resolved") && f.conversation_id === current) { reload(current); }
        });
      }
    }
  });
  setInterval(function () { sock.send({ type: "heartbeat" }); }, 30000);
  /* An Accept clicked (or a status chosen) while the socket is down, still connecting or
     reconnecting after a drop, is kept and goes out as soon as it opens, not lost without a word. */
  var pendingAccept = null, pendingStatus = null, ended = false;
  function accept() {
    if (ended || !(current && convs[current] && convs[current].status === "queued")) { return; }
    var frame = { type: "accept", conversation_id: current };
    if (!sock.send(frame)) { pendingAccept = frame; warnEl.textContent = WD.t("offline"); }
  }
  $("btn-accept").addEventListener("click", accept);
  function send() {
    var body = text.value.trim(); if (!body || !current || ended) { return; }
    if (!writable(convs[current])) { composerFor(convs[current]); return; }  /* accept first */
    var frame = { type: "message", conversation_id: current, text: body, client_id: WD.uuid(), "private": noteBox.checked || watching(convs[current]) };
    outbox[frame.client_id] = frame;
    if (warnEl.textContent !== WD.t("offline")) { warnEl.textContent = ""; }
    WD.pending(log, frame.client_id, body, frame["private"]);
    sock.send(frame); text.value = "";
    if (frame["private"] && !watching(convs[current])) { noteMode(false); }  /* one note at a time: the next message is a reply */
  }
  $("chat-form").addEventListener("submit", function (ev) { ev.preventDefault(); send(); });
  text.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); send(); }
    else if (ev.key === "Escape") { text.blur(); var li = root.querySelector('.clist li[aria-current="true"]'); if (li) { li.focus(); } }
  });
  text.addEventListener("input", function () {
    var now = Date.now();
    if (noteBox.checked || watching(convs[current])) { return; }  /* a note is not for the customer: no "typing…" */
    if (current && now - lastTyping > 2000) { lastTyping = now; sock.send({ type: "typing", conversation_id: current }); }
  });
  function noteMode(on) { noteBox.checked = on; document.body.classList.toggle("note-mode", on); }
  noteBox.addEventListener("change", function () { noteMode(noteBox.checked); });
  $("canned").addEventListener("change", function (ev) {
    var opt = ev.target.selectedOptions[0];
    if (opt && opt.value !== "") {
      var lang = current && convs[current] ? convs[current].language : "zh-hans";
      /* the reply in the customer's language: zh-hant (Hong Kong) readers get it converted */
      text.value = lang === "en" ? opt.dataset.en : lang === "zh-hant" ? opt.dataset.hant : opt.dataset.zh;
      ev.target.value = ""; text.focus();
    }
  });
  function say(words) { var live = $("console-live"); live.textContent = ""; setTimeout(function () { live.textContent = words; }, 50); }
  function transfer() {
    var sel = $("transfer-to"), v = sel.value, id = current; if (!v || !id || sel.disabled) { return; }
    var opt = sel.selectedOptions[0], name = opt ? (opt.dataset.name || opt.textContent) : "";
    if (opt && opt.disabled) { return; }
    var body = v.indexOf("skill:") === 0 ? { skill: v.slice(6) } : { employee_id: v.slice(6) };
    api("POST", "/conversations/" + id + "/transfer", body).then(function (c) {
      sel.value = "";
      var done = fmt(labels.transferred, { name: name });
      say(done); warnEl.textContent = done;
      if (c && c.id) { convs[id] = c; if (id === current) { showContext(c); } }
      return refresh();
    }).catch(function (e) { sel.value = ""; warnEl.textContent = e.message; });
  }
  $("btn-transfer").addEventListener("click", transfer);
  /* Colleagues come and go: their state in the list is renewed when the list is opened. */
  function colleagues() {
    return api("GET", "/agent/colleagues").then(function (list) {
      list.forEach(function (a) {
        var opt = root.querySelector('#transfer-to option[value="agent:' + a.employee_id + '"]');
        if (!opt) { return; }
        opt.disabled = !a.on_duty; opt.dataset.state = a.state;
        opt.textContent = a.name + " (" + a.employee_id + ") · " + a.state_label;
        if (opt.selected && opt.disabled) { $("transfer-to").value = ""; }
      });
    }).catch(function () { return null; });
  }
  $("transfer-to").addEventListener("focus", colleagues);
  $("transfer-to").addEventListener("pointerdown", colleagues);
  /* Resolving ends the conversation for good: a small confirm step under the tools first. */
  function hideConfirm() { $("resolve-confirm").classList.add("hidden"); $("btn-resolve").setAttribute("aria-expanded", "false"); }
  $("btn-resolve").addEventListener("click", function () {
    if (!current || !writable(convs[current])) { return; }
    $("resolve-confirm").classList.remove("hidden"); $("btn-resolve").setAttribute("aria-expanded", "true");
    $("resolve-yes").focus();
  });
  $("resolve-no").addEventListener("click", function () { hideConfirm(); $("btn-resolve").focus(); });
  $("resolve-confirm").addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { ev.preventDefault(); hideConfirm(); $("btn-resolve").focus(); }
  });
  $("resolve-yes").addEventListener("click", function () {
    var id = current; hideConfirm(); if (!id) { return; }
    api("POST", "/conversations/" + id + "/resolve").then(function (c) {
      if (c && c.id) { convs[id] = c; if (id === current) { showContext(c); } }
      var done = fmt(labels.resolvedDone, { ref: (c && c.reference) || "" });
      say(done); warnEl.textContent = done;
      return refresh();
    }).catch(function (e) { warnEl.textContent = e.message; reload(id); });
  });
  /* Take over: the conversation becomes this supervisor's; its agent and the customer are told
     as by a transfer, and the server records it in the security log. */
  /* It moves the chat away from a colleague and tells the customer: a confirm step first, which
     names the conversation and the agent, as Resolve has one. */
  function hideTakeOver() {
    var box = $("take-over-confirm"); if (!box) { return; }
    box.classList.add("hidden"); $("btn-take-over").setAttribute("aria-expanded", "false");
  }
  if ($("btn-take-over")) {
    $("btn-take-over").addEventListener("click", function () {
      var c = convs[current]; if (!current || !watching(c)) { return; }
      $("take-over-q").textContent = fmt(labels.takeOverQ, { ref: c.reference || "", agent: agentWho(c.agent) });
      $("take-over-confirm").classList.remove("hidden"); $("btn-take-over").setAttribute("aria-expanded", "true");
      $("take-over-yes").focus();
    });
    $("take-over-no").addEventListener("click", function () { hideTakeOver(); $("btn-take-over").focus(); });
    $("take-over-confirm").addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); hideTakeOver(); $("btn-take-over").focus(); }
    });
    $("take-over-yes").addEventListener("click", function () {
      var id = current, c = convs[id]; hideTakeOver(); if (!id || !watching(c)) { return; }
      var was = agentWho(c.agent);
      $("btn-take-over").disabled = true;
      api("POST", "/conversations/" + id + "/take-over").then(function (fresh) {
        if (fresh && fresh.id) { convs[id] = fresh; if (id === current) { showContext(fresh); } }
        var done = fmt(labels.tookOver, { ref: (fresh && fresh.reference) || "", agent: was });
        say(done); warnEl.textContent = done;
        if (id === current) { text.focus(); }
        return refresh();
      }).catch(function (e) { warnEl.textContent = e.message; reload(id); });
    });
  }
  $("agent-status").addEventListener("change", function (ev) {
    var frame = { type: "status", status: ev.target.value };
    pendingStatus = sock.send(frame) ? null : frame;  /* like an Accept: sent when the socket is back */
  });

  /* Keyboard: J/K (or arrows) move through queue and mine, A accepts, R replies, N writes a note,
     C opens canned replies, T the transfer list, ? the help. Keys are ignored while typing. */
  function items() { return Array.prototype.slice.call(root.querySelectorAll("#queue li, #mine li")); }
  function move(step) {
    var list = items(); if (!list.length) { return; }
    var at = list.findIndex(function (li) { return li === document.activeElement; });
    if (at < 0) { at = list.findIndex(function (li) { return +li.dataset.id === current; }); }
    var next = list[Math.min(list.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
    next.focus(); select(+next.dataset.id);
  }
  function toggleHelp() { if (help.open) { help.close(); } else { help.showModal(); } }
  $("kb-open").addEventListener("click", toggleHelp);
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var t = ev.target, typing = t && (t.tagName === "TEXTAREA" || t.tagName === "SELECT" || (t.tagName === "INPUT" && t.type !== "checkbox") || t.isContentEditable);
    if (typing || help.open && ev.key !== "?") { return; }
    var k = ev.key && ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;  /* Shift+J, Caps Lock */
    if (k === "j" || k === "ArrowDown") { if (k === "ArrowDown" && !(t && t.closest && t.closest(".clist"))) { return; } move(1); }
    else if (k === "k" || k === "ArrowUp") { if (k === "ArrowUp" && !(t && t.closest && t.closest(".clist"))) { return; } move(-1); }
    else if (k === "a") { accept(); }
    else if (k === "r") { if (!text.disabled) { noteMode(watching(convs[current])); text.focus(); } }
    else if (k === "n") { if (!text.disabled) { noteMode(true); text.focus(); } }
    else if (k === "c") { $("canned").focus(); }
    else if (k === "t") { $("transfer-to").focus(); }
    else if (k === "/") { $("find-ref").focus(); $("find-ref").select(); }
    else if (k === "?") { toggleHelp(); }
    else { return; }
    ev.preventDefault();
  });
  $("transfer-to").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); transfer(); }
  });
});
