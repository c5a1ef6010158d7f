// Shared pieces of the end-to-end tests: a static server on 127.0.0.1 and the system Chromium
// with WebGPU enabled (never a downloaded browser).
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".gguf": "application/octet-stream",
};

/**
 * Serves `root` on 127.0.0.1 at a free port, and each folder of `mounts` ({ "/models/": dir }) under
 * its prefix, on `port` (0: any free one); resolves to { url, close, requests }. `headers` are added
 * to every response (e.g. COOP/COEP for cross-origin isolation).
 */
export function serveStatic(root, mounts = {}, port = 0, headers = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    requests.push(url.pathname);
    const mount = Object.keys(mounts).find((prefix) => url.pathname.startsWith(prefix));
    const base = mount ? mounts[mount] : root;
    const rest = mount ? url.pathname.slice(mount.length) : url.pathname;
    let file = path.join(base, decodeURIComponent(rest));
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (!file.startsWith(path.resolve(base))) return res.writeHead(403).end();
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) return res.writeHead(404).end("not found");
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "content-length": fs.statSync(file).size,
      "access-control-allow-origin": "*",
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        requests,
        close: () => new Promise((r) => {
          server.close(r);
          server.closeAllConnections();
        }),
      }),
    ),
  );
}

const CHROMIUM_ARGS = [
  "--enable-unsafe-webgpu",
  "--no-sandbox",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Headless system Chromium with WebGPU (SwiftShader on machines without a GPU). */
export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

/**
 * The same with an on-disk profile in a fresh temporary folder: real storage quotas (an
 * off-the-record context ignores quota overrides) and unpacked extensions. Resolves to a
 * BrowserContext (`newPage()`, `close()`).
 */
export function launchPersistentChromium(extraArgs = []) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "webslm-profile-"));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** Folder for screenshots and other test artefacts (git-ignored). */
export function outputDir() {
  const dir = path.resolve(import.meta.dirname, "../../test-output");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
