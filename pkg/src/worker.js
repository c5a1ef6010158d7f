// The runtime inside a dedicated Web Worker: requests arrive as messages, streamed text and
// results go back as messages (see worker-client.js). Abort arrives as a message naming the request
// to abort; each request runs with its own AbortController.

import { createEngine, cache } from "./index.js";

let engine = null;
const controllers = new Map();

function reply(id, body) {
  self.postMessage({ id, ...body });
}

function errorOf(e) {
  return { name: e?.name ?? "Error", message: e?.message ?? String(e) };
}

self.onmessage = async ({ data }) => {
  const { id, method, args } = data;
  if (method === "abort") {
    controllers.get(args.target)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(id, controller);
  const signal = controller.signal;
  try {
    switch (method) {
      case "load": {
        const onProgress = (progress) => reply(id, { progress });
        engine = await createEngine({ ...args, worker: false, onProgress, signal });
        reply(id, { result: true });
        break;
      }
      case "cache":
        reply(id, { result: await cache[args.op](...(args.args ?? [])) });
        break;
      case "chat":
      case "complete": {
        if (!engine) throw Object.assign(new Error("no model is loaded"), { name: "InvalidRequest" });
        const api = method === "chat" ? engine.chat.completions : engine.completions;
        if (args.stream) {
          for await (const chunk of await api.create({ ...args, signal })) reply(id, { chunk });
          reply(id, { result: true });
        } else {
          reply(id, { result: await api.create({ ...args, signal }) });
        }
        break;
      }
      case "info":
        reply(id, { result: await engine?.info() });
        break;
      case "profile":
        reply(id, { result: await engine?.profile(args) });
        break;
      case "unload":
        await engine?.unload();
        engine = null;
        reply(id, { result: true });
        break;
      default:
        throw Object.assign(new Error(`unknown method ${method}`), { name: "InvalidRequest" });
    }
  } catch (e) {
    reply(id, { error: errorOf(e) });
  } finally {
    controllers.delete(id);
  }
};
