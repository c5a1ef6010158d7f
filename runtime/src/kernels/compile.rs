//! Compiling a model's kernels together rather than one after another on first use. Where they
//! compile decides how much of a load they cost:
//! - natively, on a thread per core (a wgpu device takes pipelines from several threads), when
//!   the weights are in: lavapipe loads SmolLM2 in 0.34–0.44 s instead of 0.47–0.53 s.
//!   SwiftShader gains nothing (its JIT compiles one pipeline at a time, whatever the threads).
//! - in a browser, as soon as the header has arrived: wgpu's creates return at once, and the GPU
//!   process compiles while the rest of the file downloads (uploads queued behind the compiles
//!   wait for them). Asking first for every kernel with `createComputePipelineAsync`, which
//!   Dawn compiles on worker threads, and then creating each through wgpu did not hit Dawn's
//!   cache (an "auto" layout is each pipeline's own): Chromium on SwiftShader compiled every
//!   kernel twice, 5.3 → 12.2 s from the cache.

use super::Kernel;

/// Starts the compiles of `kernels` that can run beside a load: in a browser all of them (the
/// GPU process compiles while the weights stream in); natively none yet.
pub fn compile_early(kernels: &[&Kernel]) {
    #[cfg(target_arch = "wasm32")]
    compile_in_turn(kernels);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = kernels;
}

/// Every one of `kernels` compiled: natively on a thread per core.
pub fn compile_all(kernels: &[&Kernel]) {
    #[cfg(target_arch = "wasm32")]
    compile_in_turn(kernels);
    #[cfg(not(target_arch = "wasm32"))]
    compile_on_threads(kernels);
}

#[cfg(target_arch = "wasm32")]
fn compile_in_turn(kernels: &[&Kernel]) {
    for k in kernels {
        k.compiled();
    }
}
/// Compiles `kernels` on a thread per core, the longest sources first (they compile longest, so
/// the last to finish is a short one).
#[cfg(not(target_arch = "wasm32"))]
fn compile_on_threads(kernels: &[&Kernel]) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut todo: Vec<&Kernel> = kernels.iter().copied().filter(|k| k.compiled.get().is_none()).collect();
    todo.sort_by_key(|k| std::cmp::Reverse(k.wgsl.len()));
    let next = AtomicUsize::new(0);
    let work = || {
        while let Some(k) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
            k.compiled();
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(todo.len());
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
}
