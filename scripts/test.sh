#!/usr/bin/env bash
# Installs what is missing, then runs every test: native (Vulkan), wasm in headless Chromium
# (WebGPU), and end-to-end on the demo page.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
[ -n "${WEBSLM_FIXTURES:-}" ] || { echo "test fixtures not found: set WEBSLM_FIXTURES" >&2; exit 1; }

# Release builds: the model tests run real models on CPU-emulated GPUs and would crawl in debug.
step "native: cargo test (wgpu on the machine's Vulkan adapter; lavapipe without a GPU)"
cargo test --release -p webslm -p webslm-cli -- --nocapture

step "wasm: wasm-pack test in headless Chromium (WebGPU)"
port=${WEBSLM_ASSETS_PORT:-8765}
node tests/e2e/serve-assets.mjs "$port" "$WEBSLM_FIXTURES" &
assets_pid=$!
trap 'kill $assets_pid 2>/dev/null || true' EXIT
export WEBSLM_TEST_ASSETS="http://127.0.0.1:$port/" WASM_BINDGEN_TEST_TIMEOUT=1800
(cd tests/wasm && wasm-pack test --release --headless --chrome --mode no-install -- -- --nocapture)

step "end-to-end: the demo (trunk) and the npm package (npm pack) in headless Chromium"
trunk build --offline --release
WEBSLM_PKG_TARBALL=$(scripts/build-pkg.sh | tail -1)
export WEBSLM_PKG_TARBALL
node --test tests/e2e/

step "fuzzing: the GGUF reader, tokenizer construction and chat templates, 60 s each"
scripts/fuzz.sh 60
step "all tests passed"
