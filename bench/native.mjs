// The native half of the benchmark's engine comparison: the same GGUF in llama.cpp's CPU build
// (bench/llama/run.mjs, a process per run) on the exact prompt tokens webslm's native bench
// evaluated (`prompt_ids` in its JSON), 128 greedy tokens; medians printed side by side with
// webslm's medians and the ratio webslm / llama.cpp, and JSON.
//   node bench/native.mjs [--ours target/bench/native.json] [--runs 3] [--out target/bench/native-llama.json]
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { NATIVE_ROWS, printComparison } from "./table.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const { values: opts } = parseArgs({
  options: {
    ours: { type: "string", default: "target/bench/native.json" },
    runs: { type: "string", default: "3" },
    out: { type: "string", default: "target/bench/native-llama.json" },
  },
});
const ours = JSON.parse(fs.readFileSync(path.resolve(repo, opts.ours), "utf8"));
if (!ours.prompt_ids || !ours.generated_ids) throw new Error(`${opts.ours} has no prompt_ids or generated_ids: rerun webslm bench`);
const runs = [];
for (let run = 0; run < Number(opts.runs); run++) {
  const args = ["--model", path.resolve(repo, ours.model), "--prompt-ids", ours.prompt_ids.join(","), "--gen", String(ours.generated_tokens)];
  const line = execFileSync(process.execPath, [path.join(repo, "bench/llama/run.mjs"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const r = JSON.parse(line.trim().split("\n").at(-1));
  runs.push(r);
  console.error(`run ${run + 1} llama.cpp: prefill ${r.prefill_tok_s.toFixed(1)} tok/s, decode ${r.decode_tok_s.toFixed(1)} tok/s`);
}
const title = `${path.basename(ours.model)} natively: webslm on ${ours.adapter}; ${runs[0].engine} on ${runs[0].threads} CPU threads`;
printComparison(title, [ours], runs, { peerName: "llama.cpp", rows: NATIVE_ROWS, runs: ours.runs });
// The same greedy tokens from both, as far as they go: the engines round differently (llama.cpp's
// CPU dots take x rounded to 8 bits), so a near tie between two tokens may part them.
const same = ours.generated_ids.findIndex((id, i) => id !== runs[0].generated_ids[i]);
const agree = same === -1 ? ours.generated_ids.length : same;
console.log(`greedy tokens: the first ${agree} of ${ours.generated_ids.length} are the same in both engines`);
fs.mkdirSync(path.dirname(path.resolve(repo, opts.out)), { recursive: true });
fs.writeFileSync(path.resolve(repo, opts.out), JSON.stringify({ model: path.basename(ours.model), webslm: ours, llama_cpp: runs }, null, 2));
console.log(`wrote ${opts.out}`);
