#!/usr/bin/env bash
# Builds the npm package: wasm-pack (--target web) of pkg/crate, npm's wasm-opt, the JS layer and
# types from pkg/src, then `npm pack` into target/pkg/. Prints the tarball's path last.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

dist=pkg/dist
rm -rf "$dist"
wasm-pack build pkg/crate --release --target web --mode no-install --no-pack \
  --out-dir ../dist/wasm --out-name webslm_wasm >&2
rm -f "$dist/wasm/.gitignore"
wasm-opt -O2 \
  "$dist/wasm/webslm_wasm_bg.wasm" -o "$dist/wasm/webslm_wasm_bg.wasm" >&2
cp pkg/src/*.js pkg/src/*.d.ts "$dist/"
mkdir -p target/pkg
(cd pkg && npm pack --silent --pack-destination ../target/pkg) | tail -1 | sed 's|^|target/pkg/|'
