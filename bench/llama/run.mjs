// One run of the native benchmark's peer, llama.cpp's CPU build (node-llama-cpp's prebuilt
// binaries), in a process of its own so that its peak RSS is this run's: load the GGUF from disk,
// evaluate the given prompt tokens, generate `gen` tokens greedily past any end-of-generation
// token, print the figures as one JSON line.
//   node bench/llama/run.mjs --model M.gguf --prompt-ids 1,2,3 [--gen 128] [--context 2048]
import os from "node:os";
import { parseArgs } from "node:util";
import fs from "node:fs";
import { getLlama } from "node-llama-cpp";

// The package's version, from its package.json (not among its exports).
const { version } = JSON.parse(fs.readFileSync(new URL("node_modules/node-llama-cpp/package.json", import.meta.url)));

const { values: opts } = parseArgs({
  options: {
    model: { type: "string" },
    "prompt-ids": { type: "string" },
    gen: { type: "string", default: "128" },
    context: { type: "string", default: "2048" },
  },
});
const promptIds = opts["prompt-ids"].split(",").map(Number);
const nGen = Number(opts.gen);

// The library itself is loaded outside the timing, as webslm's GPU device is created outside its.
const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });
const t0 = performance.now();
const model = await llama.loadModel({ modelPath: opts.model });
// All cores, as wllama gets in the browser bench and lavapipe uses natively.
const context = await model.createContext({ contextSize: Number(opts.context), threads: os.availableParallelism() });
const loadMs = performance.now() - t0;

// `evaluate` yields each sampled token and does not stop at end-of-generation ones (as
// webslm's bench ignores EOS); temperature 0 is greedy.
const sequence = context.getSequence();
const out = [];
let tFirst = 0, tLast = 0;
const tStart = performance.now();
for await (const token of sequence.evaluate(promptIds, { temperature: 0 })) {
  tLast = performance.now();
  if (out.length === 0) tFirst = tLast;
  out.push(token);
  if (out.length >= nGen) break;
}
const ttftMs = tFirst - tStart;
console.log(JSON.stringify({
  engine: `llama.cpp (node-llama-cpp ${version}, its ${llama.buildType} CPU build)`,
  threads: context.currentThreads,
  load_disk_ms: loadMs,
  prompt_tokens: promptIds.length,
  ttft_ms: ttftMs,
  prefill_tok_s: promptIds.length / (ttftMs / 1000),
  decode_tok_s: out.length > 1 ? (out.length - 1) / ((tLast - tFirst) / 1000) : null,
  generated_tokens: out.length,
  // Node's own ~50 MB included; the model is mmapped, so its pages count once read.
  peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
  generated_ids: out,
  text: model.detokenize(out),
}));
await context.dispose();
await model.dispose();
await llama.dispose();
