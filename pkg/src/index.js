// webslm: small language models in the browser on WebGPU, with an OpenAI-shaped API.
// A thin layer over the wasm-bindgen class `WebSlm` (runtime/src/js.rs): streams become async
// iterators, and `worker: true` runs the runtime in a dedicated Web Worker behind the same API.

import init, { WebSlm } from "./wasm/webslm_wasm.js";

let wasmReady;

/** Loads the wasm module once (`wasmUrl` overrides where the .wasm file is fetched from). */
export function initWasm(wasmUrl) {
  wasmReady ??= init(wasmUrl ? { module_or_path: wasmUrl } : undefined);
  return wasmReady;
}

/**
 * Loads a model and returns an engine.
 * @param {import("./index").EngineOptions} options
 * @returns {Promise<import("./index").Engine>}
 */
export async function createEngine(options = {}) {
  if (options.worker) {
    const { createWorkerEngine } = await import("./worker-client.js");
    return createWorkerEngine(options);
  }
  await initWasm(options.wasmUrl);
  const { maxContext, onProgress, cache: useCache, sha256, signal, cacheKey } = options;
  const load = { maxContext, onProgress, cache: useCache, sha256, signal, id: cacheKey };
  const model = options.model;
  if (model === undefined || model === null) {
    throw namedError("InvalidRequest", "createEngine needs `model`: a GGUF URL, a File/Blob or bytes");
  }
  let inner;
  if (typeof model === "string" || model instanceof URL) {
    // Relative URLs are the page's; the cache key is the absolute URL.
    const base = typeof location !== "undefined" ? location.href : undefined;
    inner = await WebSlm.load(new URL(String(model), base).href, load);
  } else if (Array.isArray(model)) {
    const base = typeof location !== "undefined" ? location.href : undefined;
    const urls = model.map((u) => new URL(String(u), base).href);
    inner = await WebSlm.load(urls[0], { ...load, urls });
  } else if (typeof Blob !== "undefined" && model instanceof Blob) {
    inner = await WebSlm.loadBlob(model, load);
  } else {
    inner = await WebSlm.loadBytes(toBytes(model), load);
  }
  return wrap(inner);
}

/** The model cache (IndexedDB, shared by every engine of this origin). */
export const cache = {
  /** Cached models: `[{ id, urls, size, stored, complete, updated }]`. */
  list: async () => (await initWasm(), WebSlm.cacheList()),
  /** Removes one model by its id (its URL unless `cacheKey` was given). */
  delete: async (id) => (await initWasm(), WebSlm.cacheDelete(String(id))),
  clear: async () => (await initWasm(), WebSlm.cacheClear()),
  /** `{ usage, quota }` in bytes for this origin. */
  estimate: async () => (await initWasm(), WebSlm.storageEstimate()),
  /** Asks the browser not to evict the cache under storage pressure. */
  persist: async () => (await initWasm(), WebSlm.persistStorage()),
};

/**
 * Measures this adapter: a copy kernel's bandwidth and each quant type's matmul at real models'
 * shapes (GB/s and % of the copy for decode's GEMV, GFLOP/s for prefill's GEMM).
 * @returns {Promise<import("./index").Roofline>}
 */
export async function roofline() {
  await initWasm();
  return WebSlm.roofline();
}

/** The engine API over an object with WebSlm's `chat`, `complete`, `info`, `profile` and `unload`. */
export function wrap(inner) {
  return {
    chat: {
      completions: {
        create: (request) => run(request, (req, onDelta) => inner.chat(req, onDelta), chatChunk),
      },
    },
    completions: {
      create: (request) => run(request, (req, onDelta) => inner.complete(req, onDelta), completionChunk),
    },
    cache,
    info: async () => inner.info(),
    profile: async (request) => inner.profile(request),
    unload: async () => inner.unload(),
  };
}

function run(request, call, toChunk) {
  if (!request || typeof request !== "object") {
    return Promise.reject(namedError("InvalidRequest", "the request must be an object"));
  }
  const { stream, ...req } = request;
  if (!stream) {
    return call(req, undefined);
  }
  return Promise.resolve(streamOf(req, call, toChunk));
}

/** Turns callback deltas into an async iterator of OpenAI-style chunks. */
async function* streamOf(req, call, toChunk) {
  const id = `webslm-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const created = Math.floor(Date.now() / 1000);
  const queue = [];
  let wake = null;
  let done = false;
  let result;
  let failure;
  const push = (item) => {
    queue.push(item);
    wake?.();
  };
  call(req, (delta) => push(delta)).then(
    (r) => { result = r; done = true; wake?.(); },
    (e) => { failure = e; done = true; wake?.(); },
  );
  let first = true;
  for (;;) {
    if (queue.length > 0) {
      yield toChunk(id, created, queue.shift(), null, first);
      first = false;
      continue;
    }
    if (done) break;
    await new Promise((resolve) => { wake = resolve; });
    wake = null;
  }
  if (failure) throw failure;
  const last = toChunk(id, created, "", result.choices[0].finish_reason, first);
  last.usage = result.usage;
  last.timings = result.timings;
  yield last;
}

function chatChunk(id, created, text, finishReason, first) {
  const delta = first ? { role: "assistant", content: text } : { content: text };
  return { id, object: "chat.completion.chunk", created, model: "webslm", choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

function completionChunk(id, created, text, finishReason) {
  return { id, object: "text_completion", created, model: "webslm", choices: [{ index: 0, text, finish_reason: finishReason }] };
}

function toBytes(model) {
  if (model instanceof Uint8Array) return model;
  if (model instanceof ArrayBuffer) return new Uint8Array(model);
  if (ArrayBuffer.isView(model)) return new Uint8Array(model.buffer, model.byteOffset, model.byteLength);
  throw namedError("InvalidRequest", "model must be a URL string, a File/Blob, an ArrayBuffer or a Uint8Array");
}

export function namedError(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}
