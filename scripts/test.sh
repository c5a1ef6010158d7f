#!/usr/bin/env bash
# Installs what is missing, then runs every test: native (Vulkan), wasm in headless Chromium
# (WebGPU), and end-to-end on the demo page.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

step "native: cargo test (wgpu on the machine's Vulkan adapter; lavapipe without a GPU)"
cargo test -p webslm -- --nocapture

step "wasm: wasm-pack test in headless Chromium (WebGPU)"
(cd tests/wasm && wasm-pack test --headless --chrome --mode no-install -- -- --nocapture)

step "end-to-end: build the demo with trunk, open it in headless Chromium"
trunk build --offline --release
node --test tests/e2e/
step "all tests passed"
