//! Every GPU kernel against its CPU reference, inside headless Chromium on its WebGPU adapter.
//! Run with `scripts/test.sh` (wasm-pack test --headless --chrome).

use wasm_bindgen_test::*;
use webslm::{check, GpuContext};

wasm_bindgen_test_configure!(run_in_browser);

async fn gpu() -> GpuContext {
    let ctx = GpuContext::new().await.unwrap_or_else(|e| panic!("{e}"));
    console_log!("WebGPU adapter: {}", ctx.info.summary());
    ctx
}

#[wasm_bindgen_test]
async fn rms_norm_matches_cpu_reference() {
    let ctx = gpu().await;
    for seed in [1, 2, 3] {
        let result = check::check_rms_norm(&ctx, seed).await.unwrap();
        console_log!("{result}");
        assert!(result.passed(), "{result}");
    }
}
