//! What a model's load compiles: the kernels its first prompt and decode run, not every variant
//! its tensor types could use (natively on SwiftShader, a load is mostly compiling).

mod common;
use webslm::model::{load_file, ModelOptions};
use webslm::GpuContext;

/// SmolLM2's layers are Q4_1 and its (tied) embedding table Q8_0: the load compiles the Q4_1
/// GEMM a prompt runs and the Q8_0 lookup, and leaves the Q8_0 GEMM (all-token logits only) and
/// a Q4_1 lookup (never run) to a first use that never comes.
#[test]
fn a_load_compiles_what_the_model_runs() {
    let path = common::default_model();
    assert!(path.exists(), "{} is missing: run scripts/setup.sh", path.display());
    let ctx = pollster::block_on(GpuContext::new()).unwrap_or_else(|e| panic!("{e}"));
    let model = pollster::block_on(load_file(&ctx, &path, &ModelOptions { max_context: 256, ..Default::default() })).unwrap();
    let times = model.compile_times();
    let labels: Vec<&str> = times.iter().map(|(label, _, _)| label.as_str()).collect();
    eprintln!("{labels:?}");
    for expected in ["embed.Q8_0", "matmul.Q4_1", "matvec_rows.Q4_1", "matvec_rows.Q8_0", "sample"] {
        assert!(labels.contains(&expected), "the load does not compile {expected}: {labels:?}");
    }
    for unexpected in ["embed.Q4_1", "matmul.Q8_0"] {
        assert!(!labels.contains(&unexpected), "the load compiles {unexpected}: {labels:?}");
    }
    assert!(times.iter().all(|(_, bytes, ms)| *bytes > 0 && ms.is_finite() && *ms >= 0.0), "{times:?}");
    assert!(times.windows(2).all(|w| w[0].2 >= w[1].2), "not longest first: {times:?}");
}
