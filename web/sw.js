// @ts-check
// The playground's service worker: the page works offline once it has been loaded. Network first
// (a new build is picked up at once when online), the cached copy when the network is not there.
const CACHE = "wagcheck-__BUILD__";
const SHELL = [
  "./",
  "index.html",
  "assets/app.js",
  "assets/worker.js",
  "assets/app.css",
  "assets/wagcheck_bg.wasm",
  // app.js's chunks and the lessons' (bundle.mjs fills them in). The team module and the Rules
  // view are cached when first used (fetch, below), not installed up front.
  "__CHUNKS__",
  // Loaded on first use: the Markdown renderer (hit messages), the rules' explanations.
  "assets/markdown.js",
  "assets/rule-docs.js",
  // The docs widget and its demo page: a lesson or a docs page read offline still checks.
  "embed-demo.html",
  "assets/embed-demo.css",
  "assets/wagcheck-embed.js",
];

// `self` is the service worker's scope (TypeScript's webworker library types it as any worker's).
const scope = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

scope.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("wagcheck-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => scope.clients.claim()),
  );
});

scope.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== scope.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request, { ignoreSearch: true }).then((hit) => hit || Response.error())),
  );
});
