// The demo's service worker: keeps the app shell (HTML, JS, wasm, CSS) so the page opens with the
// network off. Models never pass through here: they live in IndexedDB (the runtime's cache).
// Cache first: a cached shell is served without any request. A new deploy ships a new sw.js
// (its VERSION line changes), which installs a fresh shell cache.
const VERSION = "webslm-shell-1";

// index.html names every asset trunk built (hashed file names): cache it and all it links.
async function precache() {
  const cache = await caches.open(VERSION);
  const index = await fetch("./", { cache: "reload" });
  const html = await index.clone().text();
  await cache.put("./", index);
  const assets = [...html.matchAll(/(?:href|src)="([^"#]+)"/g)]
    .map((m) => m[1])
    .filter((u) => !u.startsWith("data:") && !/^[a-z]+:\/\//.test(u));
  // The model worker (trunk names worker files after their binary, without a hash).
  const worker = ["webslm-worker_loader.js", "webslm-worker.js", "webslm-worker_bg.wasm"];
  await cache.addAll([...new Set([...assets, ...worker])]);
}

self.addEventListener("install", (event) => event.waitUntil(precache().then(() => self.skipWaiting())));

self.addEventListener("activate", (event) =>
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== VERSION) await caches.delete(key);
      await self.clients.claim();
    })(),
  ),
);

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.endsWith(".gguf")) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(VERSION);
      const hit = await cache.match(event.request, { ignoreSearch: true });
      if (hit) return hit;
      const response = await fetch(event.request);
      if (response.ok) cache.put(event.request, response.clone());
      return response;
    })(),
  );
});
