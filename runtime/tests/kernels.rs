//! Every GPU kernel against its CPU reference on the native adapter (lavapipe in CI).

use webslm::{check, GpuContext};

fn gpu() -> GpuContext {
    let ctx = pollster::block_on(GpuContext::new()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("adapter: {}", ctx.info.summary());
    ctx
}

#[test]
fn rms_norm_matches_cpu_reference() {
    let ctx = gpu();
    for seed in [1, 2, 3] {
        let result = pollster::block_on(check::check_rms_norm(&ctx, seed)).unwrap();
        eprintln!("{result}");
        assert!(result.passed(), "{result}");
    }
}
