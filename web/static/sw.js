// Service worker: the app shell is cached so the page opens with no network at all; API calls
// always go to the network (the page keeps its own offline queue of visits).
// The server writes the shell's version (a digest of its files) here: a changed file is a new
// worker, whose cache replaces the old one (activate deletes every other cache, those of
// earlier names too).
const CACHE = "shell-__SHELL_VERSION__";
const SHELL = ["/", "/static/app.js", "/static/queue.js", "/static/app.css", "/static/icon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  if (event.request.mode === "navigate") {
    // Fresh page when online; the cached shell when not.
    event.respondWith(fetch(event.request).then((response) => {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put("/", copy));
      return response;
    }).catch(() => caches.match("/")));
    return;
  }
  // The page modules loaded on demand (console, content) carry their version in the query: a
  // new version is another file, never the cached old one. The shell's files are one per cache.
  const versioned = /^\/static\/(console|content)\//.test(url.pathname);
  event.respondWith(caches.match(event.request, { ignoreSearch: !versioned }).then((cached) => cached || fetch(event.request).then((response) => {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(event.request, copy));
    return response;
  })));
});
