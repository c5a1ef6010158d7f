#!/usr/bin/env bash
# Installs what is missing, builds the demo and serves it on http://127.0.0.1:${PORT:-8080}/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
port=${PORT:-8080}
step "serving the demo at http://127.0.0.1:$port/ (Ctrl-C stops)"
exec trunk serve --offline --release --address 127.0.0.1 --port "$port"
