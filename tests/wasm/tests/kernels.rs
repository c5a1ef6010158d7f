//! Every GPU kernel against its CPU reference, inside headless Chromium on its WebGPU adapter.
//! Run with `scripts/test.sh` (wasm-pack test --headless --chrome).

mod common;
use common::{assets, fetch_bytes};
use wasm_bindgen_test::*;
use webslm::kernels::Kernels;
use webslm::quant::GgmlType;
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

/// ggml's dequantization fixtures (`fixtures/dequant/<TYPE>.raw` → `<TYPE>.f32`) through the
/// browser's WebGPU embedding kernel, bit for bit.
#[wasm_bindgen_test]
async fn gpu_dequant_matches_ggml_bit_for_bit() {
    use GgmlType::*;
    let types = [F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K];
    let ctx = GpuContext::new().await.unwrap_or_else(|e| panic!("{e}"));
    let kernels = Kernels::new(&ctx, types, &[]).unwrap();
    let mut failed = Vec::new();
    for ty in types {
        let base = format!("{}fixtures/dequant/{}", assets(), ty.name());
        let raw = fetch_bytes(&format!("{base}.raw")).await;
        let f32_bytes = fetch_bytes(&format!("{base}.f32")).await;
        let want: Vec<f32> = f32_bytes.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect();
        let r = check::check_dequant_bits(&ctx, &kernels, ty, &raw, &want).await.unwrap();
        console_log!("{r}");
        if !r.passed() {
            failed.push(r.to_string());
        }
    }
    assert!(failed.is_empty(), "not bit-exact:\n{}", failed.join("\n"));
}
