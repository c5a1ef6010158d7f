//! The CLI's `complete --json` output: shape, token bookkeeping and logits against the reference.

use std::process::Command;

mod common;
use common::fixtures;

fn run(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_webslm")).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn complete_json_with_echo_matches_the_stories_reference() {
    let model = fixtures().join("models/stories260K.gguf");
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("refs/stories260K.ref.json")).unwrap()).unwrap();
    let story = &reference["sequences"][0];
    let out = run(&["complete", "--model", model.to_str().unwrap(), "--prompt-ids", "1", "--max-tokens", "20",
        "--temperature", "0", "--logprobs", "5", "--echo", "--json"]);

    let tokens: Vec<u64> = out["tokens"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let want: Vec<u64> = story["ids"].as_array().unwrap()[..21].iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(tokens, want, "greedy continuation");
    assert_eq!(out["n_prompt"], 1);
    assert!(out["text"].as_str().unwrap().starts_with("Once upon a time"));
    let positions = out["positions"].as_array().unwrap();
    // With --echo: one position per consumed token: the prompt's and all but the last generated.
    assert_eq!(positions.len(), tokens.len() - 1);
    for (i, p) in positions.iter().enumerate() {
        let top = p["top"].as_array().unwrap();
        assert_eq!(top.len(), 5);
        assert_eq!(top[0][0].as_u64().unwrap(), tokens[i + 1], "position {i} predicts the next token");
        let ref_top1 = story["numpy"]["top"][i][0][1].as_f64().unwrap();
        assert!((top[0][1].as_f64().unwrap() - ref_top1).abs() < 1e-3, "position {i} logit");
    }
}

#[test]
fn complete_json_without_echo_covers_generated_tokens_only() {
    let model = fixtures().join("models/stories260K.Q8_0.gguf");
    let out = run(&["complete", "--model", model.to_str().unwrap(), "--prompt", "Once upon a time", "--max-tokens", "6",
        "--logprobs", "3", "--json"]);
    let n_prompt = out["n_prompt"].as_u64().unwrap() as usize;
    let tokens = out["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), n_prompt + 6);
    let positions = out["positions"].as_array().unwrap();
    assert_eq!(positions.len(), 6, "one per generated token");
    for (j, p) in positions.iter().enumerate() {
        assert_eq!(p["top"][0][0], tokens[n_prompt + j]);
    }
}

#[test]
fn bad_model_path_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_webslm")).args(["complete", "--model", "/nonexistent.gguf", "--prompt", "x"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent.gguf"));
}

#[test]
fn sampling_with_a_seed_is_reproducible() {
    let model = fixtures().join("models/stories260K.gguf");
    let args = |seed: &str| {
        run(&["complete", "--model", model.to_str().unwrap(), "--prompt", "Once upon a time", "--max-tokens", "16",
            "--temperature", "0.9", "--top-k", "40", "--top-p", "0.95", "--seed", seed, "--json"])["tokens"].clone()
    };
    let a = args("11");
    assert_eq!(a, args("11"));
    assert!(["12", "13", "14"].iter().any(|s| args(s) != a), "different seeds should give different samples");
}
