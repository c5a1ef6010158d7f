//! Whole models against the fixtures' reference logits (llama.cpp and exact numpy), teacher-forced:
//! every sequence is run as one prompt and each position's logits are judged by the fixture rule.

mod common;
use common::refs;
use std::path::PathBuf;
use webslm::agreement::{judge, Tolerances};
use webslm::model::{load_file, Logits, ModelOptions};
use webslm::GpuContext;

fn check_model(ctx: &GpuContext, ref_name: &str, model_path: PathBuf) {
    let fixtures = common::fixtures();
    let reference = refs::parse(&std::fs::read_to_string(fixtures.join("refs").join(ref_name)).unwrap());
    let model = pollster::block_on(load_file(ctx, &model_path, &ModelOptions { max_context: 512 }))
        .unwrap_or_else(|e| panic!("{}: {e}", model_path.display()));
    let is_float = model.header.tensors.iter().all(|t| matches!(t.ty, webslm::quant::GgmlType::F32 | webslm::quant::GgmlType::F16));
    let tol = Tolerances::for_file(is_float, ref_name.starts_with("SmolLM2"));
    let mut failed = Vec::new();
    for seq in &reference.sequences {
        let logits = pollster::block_on(model.forward(ctx, &seq.ids, 0, Logits::All)).unwrap();
        let report = judge(&logits, model.config.n_vocab as usize, &seq.numpy, &seq.numpy_range, &seq.llama, tol);
        eprintln!("{ref_name} {}: {report}", seq.name);
        if !report.passed() {
            failed.push(format!("{} {}: {report}", ref_name, seq.name));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

fn gpu() -> GpuContext {
    pollster::block_on(GpuContext::new()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn stories260k_matches_references() {
    let ctx = gpu();
    for (reference, file) in [
        ("stories260K.ref.json", "stories260K.gguf"),
        ("stories260K.Q8_0.ref.json", "stories260K.Q8_0.gguf"),
        ("stories260K.Q4_0.ref.json", "stories260K.Q4_0.gguf"),
    ] {
        check_model(&ctx, reference, common::fixtures().join("models").join(file));
    }
}

#[test]
fn smollm2_matches_references() {
    let path = common::default_model();
    assert!(path.exists(), "{} is missing: run scripts/setup.sh", path.display());
    check_model(&gpu(), "SmolLM2-135M-Instruct.Q4_1.ref.json", path);
}
