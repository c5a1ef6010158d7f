// The browser half of the benchmark: the same GGUF in webslm (WebGPU; SwiftShader on machines
// without a GPU) and in wllama (llama.cpp in wasm, all cores) in one headless Chromium, the same
// chat-templated ~100-token prompt and 128 greedy tokens; `runs` times each, medians printed side by
// side with the ratio webslm / wllama, the kernel roofline of the browser's adapter, and JSON.
//   node bench/browser.mjs [--model models/X.gguf] [--runs 3] [--gen 128] [--out target/bench/browser.json]
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { serveStatic, launchPersistentChromium } from "../tests/e2e/harness.mjs";
import { printComparison, printRoofline } from "./table.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const { values: opts } = parseArgs({
  options: {
    model: { type: "string", default: "models/SmolLM2-135M-Instruct.Q4_1.gguf" },
    runs: { type: "string", default: "3" },
    gen: { type: "string", default: "128" },
    out: { type: "string", default: "target/bench/browser.json" },
  },
});
const modelFile = path.resolve(repo, opts.model);
const nGen = Number(opts.gen);
const FILLER = "Tell me about the history of maps, from clay tablets to satellites, in some detail. ";

// wllama's threads need SharedArrayBuffer, hence cross-origin isolation on every response.
const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};
const mounts = {
  "/models/": path.dirname(modelFile),
  "/wllama/": path.join(repo, "node_modules/@wllama/wllama"),
  "/pkg/": path.join(repo, "pkg/dist"),
};
const server = await serveStatic(path.join(repo, "bench"), mounts, 0, ISOLATION);
const modelUrl = "/models/" + path.basename(modelFile);
const modelRequests = () => server.requests.filter((p) => p.startsWith("/models/")).length;

// BENCH_CHROMIUM_ARGS: extra Chromium flags, space-separated, for experiments (README).
const context = await launchPersistentChromium((process.env.BENCH_CHROMIUM_ARGS ?? "").split(" ").filter(Boolean));
const results = { model: path.basename(modelFile), wllama: [], webslm: [] };
try {
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[page] ${e}`));
  const pageUrl = server.url + "bench.html";
  await page.route(pageUrl, (route) =>
    route.fulfill({ contentType: "text/html", headers: ISOLATION, body: "<!doctype html><title>webslm bench</title>" }),
  );
  await page.goto(pageUrl);
  if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error("the bench page is not cross-origin isolated");
  const messages = [{ role: "user", content: FILLER.repeat(5).trim() }];
  for (let run = 0; run < Number(opts.runs); run++) {
    let before = modelRequests();
    const w = await page.evaluate((a) => import("/browser/wllama.js").then((m) => m.benchWllama(a)), { modelUrl, messages, nGen, assetsBase: "/wllama/" });
    w.model_requests = modelRequests() - before;
    results.wllama.push(w);
    console.error(`run ${run + 1} wllama: prefill ${w.prefill_tok_s.toFixed(1)} tok/s, decode ${w.decode_tok_s.toFixed(1)} tok/s`);
    // webslm gets wllama's exact prompt text (the GGUF's template as llama.cpp applies it). The
    // roofline runs after the last run's figures: its test tensors would raise the wasm memory
    // (which never shrinks) that the later runs report as their peak.
    before = modelRequests();
    const s = await page.evaluate((a) => import("/browser/webslm.js").then((m) => m.benchWebslm(a)), { modelUrl, prompt: w.prompt, nGen, pkgBase: "/pkg/", withRoofline: run === Number(opts.runs) - 1 });
    s.model_requests = modelRequests() - before;
    results.webslm.push(s);
    console.error(`run ${run + 1} webslm: prefill ${s.prefill_tok_s.toFixed(1)} tok/s, decode ${s.decode_tok_s.toFixed(2)} tok/s`);
  }
} finally {
  await context.close();
  await server.close();
}
const roofline = results.webslm.at(-1).roofline;
printComparison(`${results.model} in headless Chromium: webslm on ${results.webslm[0].adapter}; ${results.wllama[0].engine} on ${results.wllama[0].threads} CPU threads`, results.webslm, results.wllama);
printRoofline(roofline, results.webslm[0]);
fs.mkdirSync(path.dirname(path.resolve(repo, opts.out)), { recursive: true });
fs.writeFileSync(path.resolve(repo, opts.out), JSON.stringify(results, null, 2));
console.log(`wrote ${opts.out}`);
