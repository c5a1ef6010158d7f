// Serves test assets for the wasm tests on 127.0.0.1:PORT with CORS: /models/ = the repo's
// models/ folder, /fixtures/ = the shared fixtures. Usage: node serve-assets.mjs PORT FIXTURES_DIR
//
// Like a real model host it answers `Range` requests (206 + Content-Range) and sends an ETag.
// For the cache tests it also has control endpoints:
//   GET /__log          → JSON list of the requests served since the last reset: {path, range, status, bytes}
//   GET /__reset        → clears the log
//   GET /__cut?after=N&down_ms=M → the next file response stops after N bytes: the server drops
//                         every connection and stops listening for M ms (a crash and a restart)
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const [port, fixtures] = [Number(process.argv[2]), path.resolve(process.argv[3])];
const roots = { models: path.resolve(import.meta.dirname, "../../models"), fixtures };
let log = [];
let cut = null;
const sockets = new Set();

const cors = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "range",
  "access-control-expose-headers": "content-length, content-range, etag, accept-ranges",
};

function serveFile(req, res, file) {
  const stat = fs.statSync(file);
  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const headers = { ...cors, etag, "accept-ranges": "bytes", "content-type": "application/octet-stream" };
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
  let [start, end, status] = [0, stat.size - 1, 200];
  if (range) {
    [start, end, status] = [Number(range[1]), range[2] ? Math.min(Number(range[2]), stat.size - 1) : stat.size - 1, 206];
    if (start >= stat.size) return res.writeHead(416, { ...headers, "content-range": `bytes */${stat.size}` }).end();
    headers["content-range"] = `bytes ${start}-${end}/${stat.size}`;
  }
  const entry = { path: req.url, range: req.headers.range ?? null, status, bytes: 0 };
  log.push(entry);
  res.writeHead(status, { ...headers, "content-length": end - start + 1 });
  const stream = fs.createReadStream(file, { start, end });
  const limit = cut?.after;
  const down = cut?.down_ms ?? 0;
  cut = null;
  stream.on("data", (data) => {
    if (limit !== undefined && entry.bytes + data.length > limit) {
      res.write(data.subarray(0, limit - entry.bytes));
      entry.bytes = limit;
      stream.destroy();
      crash(down);
      return;
    }
    entry.bytes += data.length;
    if (!res.write(data)) {
      stream.pause();
      res.once("drain", () => stream.resume());
    }
  });
  stream.on("end", () => res.end());
}

// Drops every connection and stops listening for `ms`, then listens again.
function crash(ms) {
  server.close();
  for (const s of sockets) s.destroy();
  setTimeout(() => server.listen(port, "127.0.0.1"), ms);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (req.method === "OPTIONS") return res.writeHead(204, { ...cors, "access-control-allow-methods": "GET, HEAD" }).end();
  const json = (v) => res.writeHead(200, { ...cors, "content-type": "application/json" }).end(JSON.stringify(v));
  if (url.pathname === "/__log") return json(log);
  if (url.pathname === "/__reset") return json((log = []));
  if (url.pathname === "/__cut") {
    cut = { after: Number(url.searchParams.get("after")), down_ms: Number(url.searchParams.get("down_ms") ?? 0) };
    return json(cut);
  }
  const [, mount, ...rest] = decodeURIComponent(url.pathname).split("/");
  const root = roots[mount];
  const file = root && path.join(root, ...rest);
  if (!file || !file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    log.push({ path: req.url, range: null, status: 404, bytes: 0 });
    return res.writeHead(404, cors).end();
  }
  serveFile(req, res, file);
});
server.on("connection", (s) => {
  sockets.add(s);
  s.on("close", () => sockets.delete(s));
});
server.listen(port, "127.0.0.1", () => console.log(`assets on http://127.0.0.1:${port}/`));
