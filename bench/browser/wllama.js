// The wllama side of the engine comparison: loads a GGUF in @wllama/wllama (llama.cpp in wasm,
// multi-threaded when the page is cross-origin isolated), generates greedily, and measures.
// `assetsBase` is the URL the package folder (node_modules/@wllama/wllama/) is served at.

// wllama runs its wasm in a worker made from a JS blob. We prepend this to that blob: it keeps the
// WebAssembly.Memory the worker creates and answers its byte size on a BroadcastChannel.
const MEM_PROBE = `(() => {
  const Memory = WebAssembly.Memory;
  WebAssembly.Memory = function (descriptor) {
    const memory = new Memory(descriptor);
    new BroadcastChannel("wllama-memory").onmessage = (e) => e.target.postMessage(memory.buffer.byteLength);
    return memory;
  };
  WebAssembly.Memory.prototype = Memory.prototype;
})();
`;

function installMemoryProbe() {
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = (obj) =>
    obj instanceof Blob && obj.type === "text/javascript"
      ? createObjectURL(new Blob([MEM_PROBE, obj], { type: obj.type }))
      : createObjectURL(obj);
  return () => (URL.createObjectURL = createObjectURL);
}

/** Size in bytes of the live wllama worker's wasm memory (it never shrinks, so this is the peak). */
function wasmMemoryBytes(timeoutMs = 2000) {
  const channel = new BroadcastChannel("wllama-memory");
  return new Promise((resolve) => {
    const done = (bytes) => (channel.close(), resolve(bytes));
    channel.onmessage = (e) => done(e.data);
    setTimeout(() => done(null), timeoutMs);
    channel.postMessage("size?");
  });
}

export async function benchWllama({ modelUrl, messages, nGen, assetsBase }) {
  const base = new URL(assetsBase, location.href);
  const { Wllama } = await import(new URL("esm/index.js", base));
  const { version } = await (await fetch(new URL("package.json", base))).json();
  const paths = {
    "single-thread/wllama.wasm": new URL("esm/single-thread/wllama.wasm", base).href,
    "multi-thread/wllama.wasm": new URL("esm/multi-thread/wllama.wasm", base).href,
  };
  const config = { suppressNativeLog: true, logger: { ...console, debug() {}, log() {} } };
  // n_ctx: room for the prompt plus nGen; n_threads: all cores (wllama's default is half).
  const loadOptions = { n_ctx: 1024, n_threads: navigator.hardwareConcurrency };
  const url = new URL(modelUrl, location.href).href;
  const restoreCreateObjectURL = installMemoryProbe();
  try {
    // 1. Load over the network into an emptied OPFS cache, then unload.
    let wllama = new Wllama(paths, config);
    await wllama.cacheManager.clear();
    // clear() does not await its deletions: wait until the listing is empty.
    while ((await wllama.cacheManager.list()).length > 0) await new Promise((r) => setTimeout(r, 10));
    let t = performance.now();
    await wllama.loadModelFromUrl(url, loadOptions);
    const load_network_ms = performance.now() - t;
    await wllama.exit();

    // 2. Load again in a fresh instance: the model now comes from wllama's OPFS cache.
    wllama = new Wllama(paths, config);
    t = performance.now();
    await wllama.loadModelFromUrl(url, loadOptions);
    const load_cache_ms = performance.now() - t;

    // The GGUF's chat template, applied by llama.cpp (SmolLM2: ChatML, no default system turn).
    const prompt = await wllama.formatChat(messages, true);
    let promptTokens = await wllama.tokenize(prompt, true);
    if (wllama.mustAddBosToken() && promptTokens[0] !== wllama.getBOS()) promptTokens.unshift(wllama.getBOS());

    // Exactly nGen tokens: createCompletion stops at end-of-generation tokens, so bias them to -inf
    // (what llama.cpp's --ignore-eos does); top_k 1 + temp 0 is greedy.
    const eog = new Set([...wllama.getLoadedContextInfo().list_tokens_eog, wllama.getEOS(), wllama.getEOT()]);
    const logit_bias = [...eog].filter((tok) => tok >= 0).map((token) => ({ token, bias: -Infinity }));
    let generated = 0, tFirst = 0, tLast = 0;
    const t0 = performance.now();
    const text = await wllama.createCompletion(prompt, {
      nPredict: nGen,
      sampling: { temp: 0, top_k: 1, logit_bias },
      onNewToken() {
        tLast = performance.now();
        if (generated++ === 0) tFirst = tLast;
      },
    });
    const ttft_ms = tFirst - t0;
    const peak_wasm_bytes = await wasmMemoryBytes();
    const result = {
      engine: "wllama " + version,
      libllama: Wllama.getLibllamaVersion(),
      threads: wllama.getNumThreads(),
      load_network_ms,
      load_cache_ms,
      prompt_tokens: promptTokens.length,
      ttft_ms,
      prefill_tok_s: promptTokens.length / (ttft_ms / 1000),
      decode_tok_s: generated > 1 ? (generated - 1) / ((tLast - tFirst) / 1000) : null,
      generated_tokens: generated,
      peak_wasm_bytes,
      ...(peak_wasm_bytes === null && { peak_wasm_bytes_reason: "no answer from the wllama worker's memory probe" }),
      prompt,
      text,
    };
    await wllama.exit();
    return result;
  } finally {
    restoreCreateObjectURL();
  }
}
