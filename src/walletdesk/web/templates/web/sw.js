/* walletdesk service worker: caches the app shell only; never a page, an API answer, a
   balance or a token. Served from /sw.js by web/pwa.py (scope: the whole site). */
"use strict";
const VERSION = {{ version|safe }};
const CACHE = "walletdesk-shell-" + VERSION;
const SHELL = {{ shell|safe }};
const STATIC_PREFIX = {{ static_prefix|safe }};
const OFFLINE = {{ offline|safe }};

/* The allow-list: a GET for one of these paths may be answered from the cache. */
function cacheable(url) {
  if (url.origin !== self.location.origin || url.search) return false;
  return url.pathname === OFFLINE || url.pathname.startsWith(STATIC_PREFIX);
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
  /* No skipWaiting here: a new version waits until the page's "reload" prompt says so. */
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((n) => n.startsWith("walletdesk-") && n !== CACHE).map((n) => caches.delete(n))
  )).then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (request.mode === "navigate") {
    /* Pages are personal: always from the network; the offline page when it cannot answer. */
    event.respondWith(fetch(request).catch(() => caches.open(CACHE).then(
      (cache) => cache.match(OFFLINE)).then((hit) => hit || Response.error())));
    return;
  }
  if (!cacheable(url)) return; /* network only: /api/, /wallet/, /account/, /support/ ... */
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(request).then((hit) => {
    if (hit) return hit;
    return fetch(request).then((response) => {
      if (response.ok && response.type === "basic") cache.put(request, response.clone());
      return response;
    });
  })));
});

self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  const title = data.title || "walletdesk";
  const body = [data.body || "", data.time || ""].filter(Boolean).join("\n");
  event.waitUntil(self.registration.showNotification(title, {
    body: body, tag: data.tag, data: {url: data.url || "/"},
    icon: STATIC_PREFIX + "web/pwa/icon-192.png", badge: STATIC_PREFIX + "web/pwa/icon-192.png"
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/",
                         self.location.origin);
  if (target.origin !== self.location.origin) return; /* only our own pages */
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then((list) => {
    for (const client of list) {
      if (client.url === target.href && "focus" in client) return client.focus();
    }
    return self.clients.openWindow(target.href);
  }));
});
