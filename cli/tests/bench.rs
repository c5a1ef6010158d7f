//! `bench` on a model without a chat template (a base model): the prompt is plain text.

mod common;
use std::process::Command;

#[test]
fn a_model_without_a_chat_template_is_benched_with_a_plain_prompt() {
    let model = common::fixtures().join("models/synth-qwen2.Q8_0.gguf");
    let json = std::env::temp_dir().join(format!("webslm-bench-{}.json", std::process::id()));
    let args = ["bench", "--model", model.to_str().unwrap(), "--runs", "1", "--prompt-tokens", "20", "--gen", "4", "--no-roofline", "--out", json.to_str().unwrap()];
    let out = Command::new(env!("CARGO_BIN_EXE_webslm")).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("(plain text: the model has no chat template)"), "{stdout}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    std::fs::remove_file(&json).ok();
    assert!(report["prompt_tokens"].as_u64().is_some_and(|n| n >= 20), "{report}");
    // What the native peer (bench/native.mjs) is fed: the same prompt tokens, as many generated.
    assert_eq!(report["prompt_ids"].as_array().map(Vec::len), report["prompt_tokens"].as_u64().map(|n| n as usize), "{report}");
    assert_eq!(report["generated_tokens"], 4, "{report}");
    assert_eq!(report["generated_ids"].as_array().map(Vec::len), Some(4), "{report}");
}
