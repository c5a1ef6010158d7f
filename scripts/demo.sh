#!/usr/bin/env bash
# Installs what is missing, builds the demo and serves it on http://127.0.0.1:${PORT:-8080}/ with
# the local models/ folder (the default model then loads from this origin, then from IndexedDB).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
port=${PORT:-8080}
trunk build --offline --release
step "serving the demo at http://127.0.0.1:$port/ (Ctrl-C stops)"
exec node scripts/serve-demo.mjs "$port"
