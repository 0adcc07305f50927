// Passkeys (WebAuthn): add one on the passkeys page, use one on the login's second step.
(function () {
  "use strict";
  const b64 = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") +
    "===".slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
  const ub64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

  async function post(url, body) {
    const r = await fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": window.WD.csrf()},
      body: JSON.stringify(body || {})});
    let data = {};
    try { data = await r.json(); } catch (e) { /* not JSON */ }
    return [r.status, data];
  }

  function asJSON(c) {
    const r = c.response;
    const out = {id: c.id, rawId: ub64(c.rawId), type: c.type,
      clientExtensionResults: c.getClientExtensionResults(),
      response: {clientDataJSON: ub64(r.clientDataJSON)}};
    if (r.attestationObject) {
      out.response.attestationObject = ub64(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    }
    if (r.authenticatorData) {
      out.response.authenticatorData = ub64(r.authenticatorData);
      out.response.signature = ub64(r.signature);
      if (r.userHandle) out.response.userHandle = ub64(r.userHandle);
    }
    return out;
  }

  function say(btn, text) {
    const box = document.querySelector("[data-passkey-error]");
    if (box) { box.textContent = text || btn.dataset.failed; box.hidden = false; }
  }

  async function add(btn) {
    const [status, o] = await post(btn.dataset.options);
    if (status !== 200) return say(btn, o.message);
    o.challenge = b64(o.challenge);
    o.user.id = b64(o.user.id);
    (o.excludeCredentials || []).forEach((c) => { c.id = b64(c.id); });
    let cred;
    try { cred = await navigator.credentials.create({publicKey: o}); } catch (e) { return say(btn); }
    const name = (document.getElementById("passkey-name") || {}).value || "";
    const [s2, r] = await post(btn.dataset.add, {credential: asJSON(cred), name: name});
    if (s2 !== 200) return say(btn, r.message);
    const list = document.querySelector("[data-recovery-codes]");
    if (r.recovery_codes && r.recovery_codes.length && list) {
      r.recovery_codes.forEach((code) => {
        const li = document.createElement("li");
        li.textContent = code;
        list.appendChild(li);
      });
      list.parentElement.hidden = false;
    } else {
      window.location.reload();
    }
  }

  async function use(btn) {
    const [status, o] = await post(btn.dataset.options);
    if (status !== 200) return say(btn, o.message);
    o.challenge = b64(o.challenge);
    (o.allowCredentials || []).forEach((c) => { c.id = b64(c.id); });
    let cred;
    try { cred = await navigator.credentials.get({publicKey: o}); } catch (e) { return say(btn); }
    const [s2, r] = await post(btn.dataset.verify, {credential: asJSON(cred)});
    if (s2 === 200) window.location.href = r.redirect; else say(btn, r.message);
  }

  document.querySelectorAll("[data-passkey]").forEach((btn) => {
    btn.addEventListener("click", (e) => {
      e.preventDefault();
      (btn.dataset.passkey === "use" ? use : add)(btn);
    });
  });
})();
