// Where webslm's GPU time goes in headless Chromium, kernel by kernel: the engine's `profile`
// (each dispatch in a pass of its own that the GPU stamps, `timestamp-query`; one submission per
// pass, so the kernels run as they do unprofiled) over a ~100-token prompt and `steps` decode
// steps, `runs` times in one page; the median of each kernel's time over the runs is printed.
// Chromium runs with --enable-webgpu-developer-features here, so that its timestamps are not
// rounded to 100 µs (a page gets them rounded; what they measure is the same).
//   node bench/profile.mjs [--model models/X.gguf] [--runs 3] [--steps 8]
// BENCH_CHROMIUM_ARGS adds Chromium flags, as for bench/browser.mjs.
import path from "node:path";
import { parseArgs } from "node:util";
import { serveStatic, launchPersistentChromium } from "../tests/e2e/harness.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const { values: opts } = parseArgs({
  options: {
    model: { type: "string", default: "models/SmolLM2-135M-Instruct.Q4_1.gguf" },
    runs: { type: "string", default: "3" },
    steps: { type: "string", default: "8" },
  },
});
const modelFile = path.resolve(repo, opts.model);
// bench/browser.mjs's filler, as many times as makes ~100 tokens without a chat template.
const prompt = "Tell me about the history of maps, from clay tablets to satellites, in some detail. ".repeat(6).trim();

const server = await serveStatic(path.join(repo, "bench"), { "/models/": path.dirname(modelFile), "/pkg/": path.join(repo, "pkg/dist") });
const extra = (process.env.BENCH_CHROMIUM_ARGS ?? "").split(" ").filter(Boolean);
const context = await launchPersistentChromium(["--enable-webgpu-developer-features", ...extra]);
const runs = [];
try {
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[page] ${e}`));
  const pageUrl = server.url + "profile.html";
  await page.route(pageUrl, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>webslm profile</title>" }));
  await page.goto(pageUrl);
  const args = { modelUrl: "/models/" + path.basename(modelFile), prompt, steps: Number(opts.steps), runs: Number(opts.runs) };
  runs.push(
    ...(await page.evaluate(async ({ modelUrl, prompt, steps, runs }) => {
      const webslm = await import("/pkg/index.js");
      const engine = await webslm.createEngine({ model: new URL(modelUrl, location.href).href, maxContext: 1024, cache: false });
      const out = [];
      for (let i = 0; i < runs; i++) out.push(await engine.profile({ prompt, steps }));
      await engine.unload();
      return out;
    }, args)),
  );
} finally {
  await context.close();
  await server.close();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
// Each kernel's median time over the runs, most time first.
function table(title, key) {
  const kernels = [...new Set(runs.flatMap((r) => r[key].map((e) => e.kernel)))];
  const rows = kernels.map((kernel) => {
    const entries = runs.map((r) => r[key].find((e) => e.kernel === kernel));
    return { kernel, calls: entries.find(Boolean).calls, ms: median(entries.map((e) => e?.ms ?? 0)) };
  });
  rows.sort((a, b) => b.ms - a.ms);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  console.log(`\n${title} (medians of ${runs.length} runs)`);
  console.log(`${"kernel".padEnd(24)} ${"calls".padStart(6)} ${"ms".padStart(10)} ${"%".padStart(6)}`);
  for (const r of rows) console.log(`${r.kernel.padEnd(24)} ${String(r.calls).padStart(6)} ${r.ms.toFixed(2).padStart(10)} ${(100 * r.ms / total).toFixed(1).padStart(5)}%`);
  console.log(`${"total".padEnd(24)} ${"".padStart(6)} ${total.toFixed(2).padStart(10)}`);
}
console.log(`${path.basename(modelFile)} in headless Chromium on ${runs[0].adapter}`);
table(`prefill of ${runs[0].prompt_tokens} tokens`, "prefill");
table(`${runs[0].steps} decode steps`, "decode");
