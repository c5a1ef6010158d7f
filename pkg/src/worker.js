// The runtime inside a dedicated Web Worker: requests arrive as messages, streamed text and
// results go back as messages (see worker-client.js). Abort arrives as a message that flips the
// `aborted` flag of the signal object the runtime polls after every token.

import { createEngine } from "./index.js";

let engine = null;
const signals = new Map();

function reply(id, body) {
  self.postMessage({ id, ...body });
}

function errorOf(e) {
  return { name: e?.name ?? "Error", message: e?.message ?? String(e) };
}

self.onmessage = async ({ data }) => {
  const { id, method, args } = data;
  if (method === "abort") {
    const signal = signals.get(args.target);
    if (signal) signal.aborted = true;
    return;
  }
  try {
    switch (method) {
      case "load": {
        const onProgress = (done, total) => reply(id, { progress: [done, total] });
        engine = await createEngine({ ...args, worker: false, onProgress });
        reply(id, { result: true });
        break;
      }
      case "chat":
      case "complete": {
        if (!engine) throw Object.assign(new Error("no model is loaded"), { name: "InvalidRequest" });
        const signal = { aborted: false };
        signals.set(id, signal);
        const api = method === "chat" ? engine.chat.completions : engine.completions;
        try {
          if (args.stream) {
            for await (const chunk of await api.create({ ...args, signal })) reply(id, { chunk });
            reply(id, { result: true });
          } else {
            reply(id, { result: await api.create({ ...args, signal }) });
          }
        } finally {
          signals.delete(id);
        }
        break;
      }
      case "info":
        reply(id, { result: await engine?.info() });
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
  }
};
