// The engine API on the page's side of a worker: each call is a message; streamed chunks come back
// as messages and feed an async iterator, a non-streaming call's result comes back whole.

import { namedError } from "./index.js";

export async function createWorkerEngine(options) {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  let next = 1;
  const pending = new Map();
  worker.onmessage = ({ data }) => pending.get(data.id)?.(data);
  worker.onerror = (e) => {
    for (const handler of pending.values()) handler({ error: { name: "WorkerError", message: e.message } });
  };

  /** Sends one request; `onMessage` sees every reply until a result or error ends it. */
  function send(method, args, onMessage = () => {}) {
    const id = next++;
    const done = new Promise((resolve, reject) => {
      pending.set(id, (data) => {
        if (data.error) {
          pending.delete(id);
          reject(namedError(data.error.name, data.error.message));
        } else if ("result" in data) {
          pending.delete(id);
          resolve(data.result);
        } else {
          onMessage(data);
        }
      });
    });
    worker.postMessage({ id, method, args });
    return { id, done };
  }

  const { wasmUrl, maxContext, onProgress, signal, cache: useCache, sha256, cacheKey } = options;
  // Relative URLs mean the page's location, not the worker script's.
  const absolute = (u) => (typeof u === "string" || u instanceof URL ? new URL(u, location.href).href : u);
  const model = Array.isArray(options.model) ? options.model.map(absolute) : absolute(options.model);
  const loading = send("load", { model, wasmUrl: wasmUrl && absolute(wasmUrl), maxContext, cache: useCache, sha256, cacheKey }, (d) => d.progress && onProgress?.(d.progress));
  const abortLoad = () => worker.postMessage({ id: 0, method: "abort", args: { target: loading.id } });
  if (signal?.aborted) abortLoad();
  signal?.addEventListener?.("abort", abortLoad, { once: true });
  try {
    await loading.done;
  } catch (e) {
    worker.terminate();
    throw e;
  } finally {
    signal?.removeEventListener?.("abort", abortLoad);
  }
  const cacheOp = (op) => (...args) => send("cache", { op, args }).done;

  function call(method, request) {
    if (!request || typeof request !== "object") {
      return Promise.reject(namedError("InvalidRequest", "the request must be an object"));
    }
    const { signal, ...args } = request;
    const chunks = [];
    let wake = null;
    const { id, done } = send(method, args, (d) => {
      chunks.push(d.chunk);
      wake?.();
    });
    const abort = () => worker.postMessage({ id: 0, method: "abort", args: { target: id } });
    if (signal?.aborted) abort();
    signal?.addEventListener?.("abort", abort, { once: true });
    let finished = false;
    let failure = null;
    done.then(() => { finished = true; wake?.(); }, (e) => { failure = e; finished = true; wake?.(); });
    async function* iterate() {
      for (;;) {
        if (chunks.length > 0) {
          yield chunks.shift();
          continue;
        }
        if (finished) break;
        await new Promise((resolve) => { wake = resolve; });
        wake = null;
      }
      if (failure) throw failure;
    }
    return args.stream ? Promise.resolve(iterate()) : done;
  }

  return {
    chat: { completions: { create: (request) => call("chat", request) } },
    completions: { create: (request) => call("complete", request) },
    cache: { list: cacheOp("list"), delete: cacheOp("delete"), clear: cacheOp("clear"), estimate: cacheOp("estimate"), persist: cacheOp("persist") },
    info: () => send("info").done,
    profile: (request) => send("profile", request).done,
    unload: async () => {
      await send("unload").done;
      worker.terminate();
    },
  };
}
