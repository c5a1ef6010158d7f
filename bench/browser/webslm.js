// The webslm side of the engine comparison: loads a GGUF through the npm package (WebGPU),
// once over the network into an emptied IndexedDB cache and once from that cache, then runs the
// given (already chat-templated) prompt and generates `nGen` tokens greedily past EOS.
// `pkgBase` is the URL the package's dist/ folder is served at.

export async function benchWebslm({ modelUrl, prompt, nGen, pkgBase, withRoofline }) {
  const webslm = await import(new URL("index.js", new URL(pkgBase, location.href)));
  const url = new URL(modelUrl, location.href).href;
  await webslm.cache.clear();

  let t = performance.now();
  let engine = await webslm.createEngine({ model: url, maxContext: 1024 });
  const load_network_ms = performance.now() - t;
  await engine.unload();

  t = performance.now();
  engine = await webslm.createEngine({ model: url, maxContext: 1024 });
  const loaded = performance.now();
  const load_cache_ms = loaded - t;

  const out = await engine.completions.create({ prompt, max_tokens: nGen, temperature: 0, ignore_eos: true });
  const info = await engine.info();
  await engine.unload();
  const tm = out.timings;
  return {
    engine: "webslm (WebGPU)",
    adapter: info.adapter_summary,
    load_network_ms,
    load_cache_ms,
    // The cached load's time handing the weights to the GPU (in Chromium the page's uploads
    // wait there while the GPU process compiles the kernels) and finishing (model::LoadTimings).
    load_cache_feed_ms: info.load_feed_ms,
    load_cache_finish_ms: info.load_finish_ms,
    prompt_tokens: out.usage.prompt_tokens,
    ttft_ms: tm.prefill_ms,
    prefill_tok_s: tm.prefill_tokens_per_s,
    decode_tok_s: tm.decode_tokens_per_s,
    decode_cpu_ms_per_step: tm.decode_cpu_ms_per_step,
    generated_tokens: out.usage.completion_tokens,
    // The wasm memory never shrinks: after both loads and the generation this is the peak.
    peak_wasm_bytes: info.wasm_memory_bytes,
    weight_bytes: info.model.weight_bytes,
    text: out.choices[0].text,
    roofline: withRoofline ? await webslm.roofline() : undefined,
  };
}
