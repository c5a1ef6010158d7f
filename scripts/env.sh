# Sourced by the scripts: tool paths and the browser the tests drive. Nothing downloads at test time.
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver   # wasm-pack/wasm-bindgen-test: the system driver
export TRUNK_SKIP_VERSION_CHECK=true        # trunk: no update check over the network
step() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*"; }
