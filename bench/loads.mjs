// What a load costs in the browser's WebGPU, by the way it is written: a texel fetch, a
// sampled texel, a gathered texel, a storage texture and a storage buffer, each read 8.4 M times
// by 4-thread workgroups (each thread its own row, as a GEMV's weights), medians of 7 runs that
// alternate the kernels in one page; "none" is the same loop without a load, to take off. Under
// Chromium's default robustness (which a page cannot turn off) Tint clamps a sampled texture's
// textureLoad through two queries and leaves sampling and gathers alone (DESIGN, "What
// Chromium's robustness costs"). Extra Chromium flags come from BENCH_CHROMIUM_ARGS, e.g.
// --enable-dawn-features=disable_robustness to see the same kernels without it.
//   node bench/loads.mjs
import { serveStatic, launchPersistentChromium } from "../tests/e2e/harness.mjs";

const W = 144, H = 128; // a SmolLM2 row of quads by 128 rows
const LOADS_PER_THREAD = 1024, WORKGROUPS = 2048, RUNS = 7;

// The kernel around one load expression `LOAD(c)` of texel c = (column, row) as a vec4<f32>.
const kernel = (decls, load) => `
@group(0) @binding(0) var<storage, read_write> out: array<vec4<f32>>;
${decls}
@compute @workgroup_size(4)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var acc = vec4<f32>(0.0);
  let row = (wg.x * 4u + lid) % ${H}u;
  for (var i = 0u; i < ${LOADS_PER_THREAD}u; i++) {
    let c = vec2<u32>(i % ${W}u, row);
    acc += ${load};
  }
  if (acc.x == 12345.0) { out[wg.x & 1023u] = acc; } // keeps the loads
}`;
const uv = `(vec2<f32>(c) + 0.5) * vec2<f32>(${1 / W}, ${1 / H})`;
// name -> [WGSL, what binding 1 is, whether binding 2 is a sampler]
const KERNELS = {
  "none": [kernel("", "vec4<f32>(vec2<f32>(c), 1.0, 2.0)"), null],
  "textureLoad rgba32float": [kernel("@group(0) @binding(1) var t: texture_2d<f32>;", "textureLoad(t, c, 0)"), "float"],
  "textureSampleLevel rgba32float": [kernel("@group(0) @binding(1) var t: texture_2d<f32>;\n@group(0) @binding(2) var s: sampler;", `textureSampleLevel(t, s, ${uv}, 0.0)`), "float", true],
  "textureLoad rgba32uint": [kernel("@group(0) @binding(1) var t: texture_2d<u32>;", "vec4<f32>(textureLoad(t, c, 0))"), "uint"],
  "textureGather r32uint": [kernel("@group(0) @binding(1) var t: texture_2d<u32>;\n@group(0) @binding(2) var s: sampler;", `vec4<f32>(textureGather(0, t, s, ${uv}))`), "gather", true],
  "storage texture rgba32float": [kernel("@group(0) @binding(1) var t: texture_storage_2d<rgba32float, read>;", "textureLoad(t, c)"), "storage"],
  "storage buffer": [kernel("@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;", `b[c.y * ${W}u + c.x]`), "buffer"],
};

const server = await serveStatic(import.meta.dirname, {}, 0, {});
const browser = await launchPersistentChromium((process.env.BENCH_CHROMIUM_ARGS ?? "").split(" ").filter(Boolean));
try {
  const page = await browser.newPage();
  await page.route(server.url + "loads.html", (r) => r.fulfill({ contentType: "text/html", body: "<!doctype html><title>loads</title>" }));
  await page.goto(server.url + "loads.html");
  const result = await page.evaluate(async ({ KERNELS, W, H, WORKGROUPS, RUNS }) => {
    const adapter = await navigator.gpu.requestAdapter();
    const device = await adapter.requestDevice();
    const usage = GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.STORAGE_BINDING;
    const views = {
      float: device.createTexture({ size: [W, H], format: "rgba32float", usage }).createView(),
      storage: device.createTexture({ size: [W, H], format: "rgba32float", usage }).createView(),
      uint: device.createTexture({ size: [W, H], format: "rgba32uint", usage }).createView(),
      gather: device.createTexture({ size: [W, H], format: "r32uint", usage: GPUTextureUsage.TEXTURE_BINDING }).createView(),
    };
    const buffer = device.createBuffer({ size: W * H * 16, usage: GPUBufferUsage.STORAGE });
    const out = device.createBuffer({ size: 1 << 14, usage: GPUBufferUsage.STORAGE });
    const sampler = device.createSampler({ magFilter: "nearest", minFilter: "nearest" });
    // Explicit layouts: rgba32float is sampled as unfilterable with a non-filtering sampler.
    const layoutOf = {
      float: { texture: { sampleType: "unfilterable-float" } },
      uint: { texture: { sampleType: "uint" } },
      gather: { texture: { sampleType: "uint" } },
      storage: { storageTexture: { access: "read-only", format: "rgba32float" } },
      buffer: { buffer: { type: "read-only-storage" } },
    };
    const kernels = [];
    for (const [name, [code, input, sampled]] of Object.entries(KERNELS)) {
      const layoutEntries = [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "storage" } }];
      const entries = [{ binding: 0, resource: { buffer: out } }];
      if (input) {
        layoutEntries.push({ binding: 1, visibility: GPUShaderStage.COMPUTE, ...layoutOf[input] });
        entries.push({ binding: 1, resource: input === "buffer" ? { buffer } : views[input] });
      }
      if (sampled) {
        layoutEntries.push({ binding: 2, visibility: GPUShaderStage.COMPUTE, sampler: { type: "non-filtering" } });
        entries.push({ binding: 2, resource: sampler });
      }
      const layout = device.createBindGroupLayout({ entries: layoutEntries });
      const module = device.createShaderModule({ code });
      const pipeline = device.createComputePipeline({ layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: "main" } });
      kernels.push({ name, pipeline, bindGroup: device.createBindGroup({ layout, entries }), ms: [] });
    }
    for (let run = 0; run < RUNS; run++) {
      for (const k of kernels) {
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        pass.setPipeline(k.pipeline);
        pass.setBindGroup(0, k.bindGroup);
        pass.dispatchWorkgroups(WORKGROUPS);
        pass.end();
        const t = performance.now();
        device.queue.submit([encoder.finish()]);
        await device.queue.onSubmittedWorkDone();
        k.ms.push(performance.now() - t);
      }
    }
    const info = adapter.info ?? {};
    return { adapter: `${info.vendor ?? ""} ${info.architecture ?? ""} ${info.description ?? ""}`.trim(), ms: kernels.map((k) => [k.name, k.ms.sort((a, b) => a - b)[RUNS >> 1]]) };
  }, { KERNELS, W, H, WORKGROUPS, RUNS });
  const none = result.ms.find(([name]) => name === "none")[1];
  const loads = (WORKGROUPS * 4 * LOADS_PER_THREAD) / 1e6;
  console.log(`${loads.toFixed(1)} M loads a kernel on ${result.adapter || "the browser's adapter"} (median of ${RUNS}; the loop alone took ${none.toFixed(1)} ms)`);
  for (const [name, ms] of result.ms.filter(([name]) => name !== "none")) {
    console.log(`${name.padEnd(32)} ${(ms - none).toFixed(1).padStart(7)} ms`);
  }
} finally {
  await browser.close();
  await server.close();
}
