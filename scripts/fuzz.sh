#!/usr/bin/env bash
# Fuzzes the GGUF reader (whole and chunked), tokenizer construction from GGUF metadata and chat
# template rendering with cargo fuzz (libFuzzer + AddressSanitizer), seeded from the fixtures.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# CI runs each target for 60 s; the long run is `scripts/fuzz.sh 600`. New inputs collect in
# target/fuzz-work/<target>/; a crash leaves its input in fuzz/artifacts/<target>/ and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(gguf_reader tokenizer_metadata chat_template)
[ -n "${WEBSLM_FIXTURES:-}" ] || { echo "test fixtures not found: set WEBSLM_FIXTURES" >&2; exit 1; }

command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is missing: run scripts/setup.sh" >&2; exit 1; }
# cargo fuzz passes nightly-only flags (-Zsanitizer=address); stable rustc accepts them this way.
export RUSTC_BOOTSTRAP=1

seeds=target/fuzz-seeds
rm -rf "$seeds"
python3 scripts/fuzz_seeds.py "$WEBSLM_FIXTURES" "$seeds" models/*.gguf
cargo fuzz build
for t in "${targets[@]}"; do
  step "fuzz $t for ${secs}s"
  mkdir -p "target/fuzz-work/$t"
  log="target/fuzz-work/$t.log"
  # rss_limit: a hostile input may not make us hold more than 2 GiB; max_len covers the seeds.
  if ! cargo fuzz run "$t" "target/fuzz-work/$t" "$seeds/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -max_len=1300000 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz target $t failed; the input is in fuzz/artifacts/$t/" >&2
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|Done [0-9]+ runs" "$log" || true
done
step "fuzzing passed"
