#!/usr/bin/env bash
# The native bench on a machine with a GPU and no network (such as the device tool's), in two
# steps:
#   scripts/gpu-bench.sh prepare   here: gathers what the run needs into .gpu/ (git-ignored): the
#                                  release CLI, SmolLM2's GGUF header (the model itself, 94 MB,
#                                  is more than such a machine may be sent) and the Vulkan
#                                  loader's package, ~17 MB in all
#   scripts/gpu-bench.sh run       there (from the repository's root, .gpu/ beside it): makes
#                                  random-weight models shaped like SmolLM2-135M and like
#                                  Llama-3.1-8B (`webslm synth`: same kernels, same bytes per
#                                  token, noise for output) and measures the kernel roofline (the
#                                  GEMV split over 8 threads, GPUs' default, and over 1 to 64), then
#                                  each model's bench, decoding a step ahead and not, and
#                                  its profile (time per kernel).
# Results go to $OUT (the device tool's folder) or target/gpu-bench: the log of it all
# (gpu-bench.log) and each bench's JSON. SHAPES and RUNS (default 3) narrow a trial run.
# SmolLM2 reads its 94 MB in ~20 µs at an H200's bandwidth, so its decode shows per-token
# overheads; the 8B body shows how near decode gets to the bandwidth roofline.
set -euo pipefail
cd "$(dirname "$0")/.."
header=.gpu/SmolLM2-135M-Instruct.Q4_1.header.gguf

case "${1:-}" in
prepare)
    cargo build --release -p webslm-cli
    mkdir -p .gpu/deb
    cp target/release/webslm .gpu/webslm
    .gpu/webslm synth --like models/SmolLM2-135M-Instruct.Q4_1.gguf --out "$header" --header-only
    # The GPU machine may lack the Vulkan loader (its driver brings only the ICD).
    ls .gpu/deb/libvulkan1_*.deb >/dev/null 2>&1 || (cd .gpu/deb && apt-get download libvulkan1)
    du -sh .gpu
    ;;
run)
    out=${OUT:-target/gpu-bench}
    models=${TMPDIR:-/tmp}/webslm-gpu-bench
    mkdir -p "$out" "$models"
    exec > >(tee "$out/gpu-bench.log") 2>&1
    if ! ldconfig -p | grep -q libvulkan.so.1; then
        for deb in .gpu/deb/*.deb; do dpkg -x "$deb" /; done
        ldconfig
    fi
    nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    if [ -e "$nvidia_icd" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES=$nvidia_icd; fi
    webslm=.gpu/webslm
    chmod +x $webslm # in case the copy to that machine dropped the mode
    step() { echo; echo "== $*"; }
    # A failed measurement is reported and the rest still run (one call of a lent machine).
    try() { "$@" || echo "!! failed ($?): $*"; }
    step "adapter"; $webslm info
    shapes=${SHAPES:-smollm2-135m llama-3.1-8b}
    if $webslm info | grep -q ', Cpu)'; then
        echo "!! wgpu found no GPU, only a CPU adapter: the 8B body would take hours there, so SmolLM2 only"
        shapes=smollm2-135m
    fi
    command -v nvidia-smi >/dev/null && nvidia-smi -L
    step "roofline"; try $webslm roofline
    # Decode's GEMV with each run of 4 rows split over 1 thread (CPU adapters' layout) and over
    # more than the default 8: 16, 32 or 64 threads (a whole workgroup) to a run.
    for split in 1 16 32 64; do
        step "roofline, each run of GEMV rows split over $split threads"
        try $webslm roofline --gemv-split $split --types Q4_0,Q4_1,Q8_0,Q4_K
    done
    for shape in $shapes; do
        model=$models/$shape.gguf
        case $shape in
        smollm2-135m) $webslm synth --like "$header" --out "$model" ;;
        *) $webslm synth --like "$header" --shape "$shape" --out "$model" ;;
        esac
        step "bench $shape, decoding a step ahead"
        try $webslm bench --model "$model" --no-roofline --runs "${RUNS:-3}" --decode-ahead 1 --out "$out/bench-$shape.json"
        step "bench $shape, a step at a time"
        try $webslm bench --model "$model" --no-roofline --runs "${RUNS:-3}" --decode-ahead 0 --out "$out/bench-$shape-step.json"
        if [ "$shape" = llama-3.1-8b ]; then
            step "bench $shape, each run of GEMV rows split over 32 threads"
            try $webslm bench --model "$model" --no-roofline --runs "${RUNS:-3}" --gemv-split 32 --out "$out/bench-$shape-split32.json"
        fi
        step "profile $shape (each dispatch waited for: shares, not speed)"
        try $webslm profile --model "$model"
        rm -f "$model"
    done
    ;;
*)
    echo "usage: scripts/gpu-bench.sh prepare|run" >&2
    exit 1
    ;;
esac
