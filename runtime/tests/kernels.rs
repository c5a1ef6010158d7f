//! Every GPU kernel against its CPU reference on the native adapter (lavapipe in CI).

use webslm::{check, GpuContext};

#[test]
fn every_kernel_matches_its_cpu_reference() {
    let ctx = pollster::block_on(GpuContext::new()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("adapter: {}", ctx.info.summary());
    let results = pollster::block_on(check::check_all(&ctx)).unwrap();
    for r in &results {
        eprintln!("{r}");
    }
    let failed: Vec<String> = results.iter().filter(|r| !r.passed()).map(|r| r.to_string()).collect();
    assert!(failed.is_empty(), "failed:\n{}", failed.join("\n"));
    assert!(results.len() >= 15);
}
