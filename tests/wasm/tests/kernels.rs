//! Every GPU kernel against its CPU reference, inside headless Chromium on its WebGPU adapter.
//! Run with `scripts/test.sh` (wasm-pack test --headless --chrome).

use wasm_bindgen_test::*;
use webslm::{check, GpuContext};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn every_kernel_matches_its_cpu_reference() {
    let ctx = GpuContext::new().await.unwrap_or_else(|e| panic!("{e}"));
    console_log!("WebGPU adapter: {}", ctx.info.summary());
    let results = check::check_all(&ctx).await.unwrap();
    for r in &results {
        console_log!("{r}");
    }
    let failed: Vec<String> = results.iter().filter(|r| !r.passed()).map(|r| r.to_string()).collect();
    assert!(failed.is_empty(), "failed:\n{}", failed.join("\n"));
}
