#!/usr/bin/env bash
# The benchmark in one command: natively (wgpu on the machine's Vulkan adapter) and in headless
# Chromium (WebGPU) side by side with wllama, on the same GGUF; tables on stdout, JSON in
# target/bench/. Options: --model PATH (default: the SmolLM2 in models/), --runs N (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
. scripts/env.sh

model=models/SmolLM2-135M-Instruct.Q4_1.gguf
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: scripts/bench.sh [--model PATH] [--runs N]" >&2; exit 2 ;;
  esac
done
mkdir -p target/bench

step "native: webslm bench (wgpu)"
cargo build --release -p webslm-cli >&2
target/release/webslm bench --model "$model" --runs "$runs" --out target/bench/native.json

step "browser: webslm (WebGPU) and wllama (wasm, threads) in headless Chromium"
scripts/build-pkg.sh >/dev/null
node bench/browser.mjs --model "$model" --runs "$runs" --out target/bench/browser.json
