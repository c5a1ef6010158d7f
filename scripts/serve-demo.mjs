// Serves the built demo (dist/) on 127.0.0.1 with the repository's models/ folder at /models/, so
// the page's default model comes from this origin. Usage: node scripts/serve-demo.mjs [PORT]
import path from "node:path";
import { serveStatic } from "../tests/e2e/harness.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const port = Number(process.argv[2] ?? 8080);
const server = await serveStatic(path.join(repo, "dist"), { "/models/": path.join(repo, "models") }, port);
console.log(`the webslm demo is at ${server.url} (Ctrl-C stops)`);
