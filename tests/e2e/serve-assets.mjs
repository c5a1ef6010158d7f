// Serves test assets for the wasm tests on 127.0.0.1:PORT with CORS: /models/ = the repo's
// models/ folder, /fixtures/ = the shared fixtures. Usage: node serve-assets.mjs PORT FIXTURES_DIR
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const [port, fixtures] = [Number(process.argv[2]), path.resolve(process.argv[3])];
const roots = { models: path.resolve(import.meta.dirname, "../../models"), fixtures };

http
  .createServer((req, res) => {
    const [, mount, ...rest] = decodeURIComponent(new URL(req.url, "http://x").pathname).split("/");
    const root = roots[mount];
    const file = root && path.join(root, ...rest);
    res.setHeader("access-control-allow-origin", "*");
    if (!file || !file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { "content-length": fs.statSync(file).size, "content-type": "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  })
  .listen(port, "127.0.0.1", () => console.log(`assets on http://127.0.0.1:${port}/`));
