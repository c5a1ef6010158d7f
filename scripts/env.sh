# Sourced by the scripts: tool paths and the browser the tests drive. Nothing downloads at test time.
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver   # wasm-pack/wasm-bindgen-test: the system driver
export TRUNK_SKIP_VERSION_CHECK=true        # trunk: no update check over the network
# Test fixtures (small models, reference logits): ../shared/fixtures beside the checkout.
if [ -z "${WEBSLM_FIXTURES:-}" ]; then
  for d in "$PWD/../shared/fixtures" /work/shared/fixtures; do
    if [ -f "$d/manifest.json" ]; then export WEBSLM_FIXTURES=$(cd "$d" && pwd); break; fi
  done
fi
step() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*"; }
