#!/usr/bin/env bash
# The benchmark in one command: natively (wgpu on the machine's Vulkan adapter) side by side with
# llama.cpp's CPU build, and in headless Chromium (WebGPU) side by side with wllama, on the same
# GGUF; tables on stdout, JSON in target/bench/. Options: --model PATH (default: the SmolLM2 in models/), --runs N (default 3).
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

# The native peer: llama.cpp's CPU build through node-llama-cpp's prebuilt binaries (~85 MB; only
# the benchmark needs it, so setup does not install it). Its optional CUDA and Vulkan builds are
# left out, and its install script (which may try to build llama.cpp) is not run. `npm install`,
# not `npm ci`: npm 11 leaves other platforms' optional packages out of the lock file, which
# `npm ci` then refuses as out of sync; `install` keeps to the lock file's versions all the same.
step "native: llama.cpp (CPU) on the same prompt tokens"
if cmp -s bench/llama/package-lock.json bench/llama/node_modules/.lock-copy 2>/dev/null ||
  (cd bench/llama && npm install --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error >&2 &&
    cp package-lock.json node_modules/.lock-copy); then
  node bench/native.mjs --ours target/bench/native.json --runs "$runs" --out target/bench/native-llama.json
else
  echo "no native peer: node-llama-cpp's linux-x64 build did not install here" >&2
fi

step "browser: webslm (WebGPU) and wllama (wasm, threads) in headless Chromium"
scripts/build-pkg.sh >/dev/null
node bench/browser.mjs --model "$model" --runs "$runs" --out target/bench/browser.json
