/* The small script core shared by the agent console and its add-ons (support, casework, phone,
   mailroom, servicelevels) and the customer's chat: requests with the CSRF token, element
   helpers, money and time in words, and the console's "wd:conversation" event. No build step.

   The console dispatches on document:
     wd:conversation  detail {id, reference, topic, status, changed}: the selected conversation
                      (id null when none); changed is false when only its details were refreshed.
     wd:frame         detail: one frame from the agent socket.
   An add-on follows the selection with WD.onConversation(fn), never by reading the page. */
"use strict";
window.WD = window.WD || {};
(function (WD) {
  /* The CSRF token: the page's form field, else Django's cookie. */
  WD.csrf = function () {
    var el = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (el && el.value) { return el.value; }
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  };

  /* A JSON request to our own API. Errors reject with the server's translated message and its
     stable code and status (e.message, e.code, e.status). */
  WD.request = function (method, url, body, headers) {
    var h = Object.assign({ "X-CSRFToken": WD.csrf() }, headers || {});
    var init = { method: method || "GET", credentials: "same-origin", headers: h };
    if (body instanceof FormData) { init.body = body; }
    else {
      h["Content-Type"] = "application/json";
      if (body !== undefined && body !== null) { init.body = JSON.stringify(body); }
    }
    return fetch(url, init).then(function (r) {
      return r.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (!r.ok) {
          var err = new Error((data && data.message) || String(r.status));
          err.code = data && data.code; err.status = r.status;
          throw err;
        }
        return data;
      });
    });
  };
  /* An API bound to a prefix: WD.api("/api/v1/phone")("POST", "/calls/1/hangup"). */
  WD.api = function (prefix) {
    return function (method, path, body, headers) { return WD.request(method, prefix + path, body, headers); };
  };

  WD.$ = function (id) { return document.getElementById(id); };
  WD.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  };
  /* "{min} minutes" with {min} filled in (the words come translated from the page). */
  WD.fmt = function (s, vars) {
    Object.keys(vars || {}).forEach(function (k) { s = String(s).split("{" + k + "}").join(String(vars[k])); });
    return s;
  };

  /* A Latin name filled into Chinese text gets a space on each side, a Chinese one none
     (core/cjkspace.py, the same rule): "正在为您服务的是 Rachel Lim，", "…是王磊，". */
  var HAN = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var HAN_LATIN = new RegExp("([" + HAN + "])([A-Za-z])", "g"), LATIN_HAN = new RegExp("([A-Za-z])([" + HAN + "])", "g");
  WD.spaceLatin = function (text) {
    return String(text).replace(HAN_LATIN, "$1 $2").replace(LATIN_HAN, "$1 $2");
  };
  /* "Label: value" with the page's own colon: the full-width one in Chinese. */
  WD.labelled = function (label, value) {
    return label + (document.documentElement.lang === "en" ? ": " : "：") + value;
  };
  /* Times in the viewer's language and zone: a staff page names the zone (data-tz). */
  WD.locale = function () {
    var lang = document.documentElement.lang;
    return lang === "en" ? "en-GB" : lang === "zh-hant" ? "zh-HK" : "zh-CN";
  };
  WD.zone = function () {
    var el = document.querySelector("[data-tz]");
    return el && el.dataset.tz ? el.dataset.tz : undefined;
  };
  WD.time = function (iso, opts, locale) {
    var o = Object.assign({ hour12: false, timeZone: WD.zone() }, opts || {});
    try { return new Date(iso).toLocaleString(locale || WD.locale(), o); }
    catch (e) { delete o.timeZone; return new Date(iso).toLocaleString(locale || WD.locale(), o); }
  };
  WD.clock = function (iso) { return WD.time(iso, { hour: "2-digit", minute: "2-digit" }); };

  /* Minor units as the currency's major unit, integer arithmetic only: 100000 CNY → ¥1,000.00. */
  var SYMBOLS = { CNY: "¥", HKD: "HK$", USD: "US$" }, EXPONENTS = { CNY: 2, HKD: 2, USD: 2 };
  WD.money = function (minor, currency) {
    var exp = EXPONENTS[currency] === undefined ? 2 : EXPONENTS[currency], unit = Math.pow(10, exp);
    var n = Math.abs(Math.round(minor)), whole = Math.floor(n / unit), frac = String(n % unit);
    while (frac.length < exp) { frac = "0" + frac; }
    var text = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (exp ? "." + frac : "");
    return (minor < 0 ? "-" : "") + (SYMBOLS[currency] || (currency + " ")) + text;
  };

  /* A transaction's reference as the customer sees it, digits in fours ("0123 4567 8901 2345");
     anything that is not all digits as it is. */
  WD.groupDigits = function (text) {
    text = String(text || "");
    return /^\d+$/.test(text) ? text.replace(/(\d{4})(?=\d)/g, "$1 ") : text;
  };

  /* The console's selected conversation. */
  var selected = null;
  WD.conversation = function () { return selected; };
  WD.selectConversation = function (conv) {
    var id = conv && conv.id !== undefined && conv.id !== null ? +conv.id : null;
    var changed = !selected || selected.id !== id;
    selected = id === null ? { id: null } : { id: id, reference: conv.reference || "", topic: conv.topic || "",
                                                status: conv.status || "" };
    document.dispatchEvent(new CustomEvent("wd:conversation", { detail: Object.assign({ changed: changed }, selected) }));
  };
  /* fn(detail) on every wd:conversation, and at once for the conversation already selected. */
  WD.onConversation = function (fn) {
    document.addEventListener("wd:conversation", function (ev) { fn(ev.detail); });
    if (selected) { fn(Object.assign({ changed: true }, selected)); }
  };
})(window.WD);
