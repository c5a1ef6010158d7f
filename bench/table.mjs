// Printing the benchmark's tables: medians of the runs, webslm next to its peer, and the roofline.

export function median(values) {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : null;
}

// The browser table's rows: a label, the figure of one run's results, and its digits.
export const BROWSER_ROWS = [
  ["load from network (s)", (r) => r.load_network_ms / 1000, 2],
  ["load from cache (s)", (r) => r.load_cache_ms / 1000, 2],
  ...runRows("peak wasm memory (MiB)", (r) => r.peak_wasm_bytes),
];

// The native table's: load from disk, and the whole process's peak memory (on a CPU adapter,
// webslm's includes what the "GPU" holds).
export const NATIVE_ROWS = [
  ["load from disk (s)", (r) => r.load_disk_ms / 1000, 2],
  ...runRows("peak RSS (MiB)", (r) => r.peak_rss_bytes),
];

// The rows both tables have: the prompt and the speeds, then the memory figure `memory` reads.
function runRows(memoryLabel, memory) {
  return [
    ["prompt tokens", (r) => r.prompt_tokens, 0],
    ["time to first token (s)", (r) => r.ttft_ms / 1000, 2],
    ["prefill (tok/s)", (r) => r.prefill_tok_s, 2],
    ["decode (tok/s)", (r) => r.decode_tok_s, 2],
    ["generated tokens", (r) => r.generated_tokens, 0],
    [memoryLabel, (r) => memory(r) / 2 ** 20, 1],
  ];
}

// `ours` and `peer` are lists of runs' results (medians are taken here; a list of one holds
// medians already), `runs` how many runs they stand for.
export function printComparison(title, ours, peer, { peerName = "wllama", rows = BROWSER_ROWS, runs = ours.length } = {}) {
  console.log(`\n${title} (median of ${runs} runs)`);
  const ratioWidth = Math.max(15, peerName.length + 10);
  console.log(`${"".padEnd(26)}${"webslm".padStart(12)}${peerName.padStart(12)}${`webslm/${peerName}`.padStart(ratioWidth)}`);
  for (const [label, get, digits] of rows) {
    const a = median(ours.map(get));
    const b = median(peer.map(get));
    const ratio = a !== null && b ? (a / b).toFixed(2) : "-";
    const fmt = (x) => (x === null ? "-" : x.toFixed(digits));
    console.log(`${label.padEnd(26)}${fmt(a).padStart(12)}${fmt(b).padStart(12)}${ratio.padStart(ratioWidth)}`);
  }
  const cpu = median(ours.map((r) => r.decode_cpu_ms_per_step));
  if (cpu !== null) console.log(`webslm CPU time per decode step (recording + submit): ${cpu.toFixed(3)} ms`);
  const total = median(ours.map((r) => r.load_cache_ms));
  const feed = median(ours.map((r) => r.load_cache_feed_ms));
  const finish = median(ours.map((r) => r.load_cache_finish_ms));
  if (total !== null && feed !== null && finish !== null) {
    const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      `webslm load from cache, ${s(total)}: ${s(feed)} handing the weights to the GPU (where the page waits while the GPU process compiles the kernels, started at the header), ` +
        `${s(finish)} finishing (compiles left, GPU idle), ${s(total - feed - finish)} reading IndexedDB and the rest`,
    );
  }
}

export function printRoofline(r, ours) {
  if (!r) return;
  console.log(`\nkernel roofline on ${r.adapter}`);
  console.log(`copy ${r.copy_gb_per_s.toFixed(2)} GB/s (read + write)`);
  if (r.read_gb_per_s !== undefined) {
    const pct = ((100 * r.read_gb_per_s) / r.copy_gb_per_s).toFixed(0);
    const from = r.read_texture ? " from a texture, as the weights" : "";
    console.log(`read ${r.read_gb_per_s.toFixed(2)} GB/s (read only${from}): ${pct}% of the copy, the most a GEMV's loads allow`);
  }
  if (r.dispatch_us !== undefined) console.log(`dispatch ${r.dispatch_us.toFixed(1)} µs per dispatch besides its work (16-byte copies back to back)`);
  console.log(`${"GEMV".padEnd(7)}${"shape".padEnd(24)}${"ms".padStart(9)}${"GB/s".padStart(8)}${"% copy".padStart(8)}${"% read".padStart(8)}`);
  for (const m of r.gemv) {
    console.log(`${m.type.padEnd(7)}${`${m.shape.model} ${m.shape.tensor}`.padEnd(24)}${m.ms.toFixed(3).padStart(9)}${m.gb_per_s.toFixed(2).padStart(8)}${(m.pct_of_copy.toFixed(0) + "%").padStart(8)}${(m.pct_of_read.toFixed(0) + "%").padStart(8)}`);
  }
  console.log(`${"GEMM".padEnd(7)}${"shape (100 tokens)".padEnd(24)}${"ms".padStart(9)}${"GFLOP/s".padStart(9)}`);
  for (const m of r.gemm) {
    console.log(`${m.type.padEnd(7)}${`${m.shape.model} ${m.shape.tensor}`.padEnd(24)}${m.ms.toFixed(3).padStart(9)}${m.gflop_per_s.toFixed(2).padStart(9)}`);
  }
  if (ours) {
    const gbs = (ours.weight_bytes * ours.decode_tok_s) / 1e9;
    console.log(`decode reads ${gbs.toFixed(2)} GB/s of weights = ${((100 * gbs) / r.copy_gb_per_s).toFixed(0)}% of the copy kernel`);
  }
}
