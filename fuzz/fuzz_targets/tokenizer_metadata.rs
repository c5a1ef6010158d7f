//! Tokenizer construction from hostile GGUF metadata, then encoding and decoding with it: any
//! vocabulary, merges, token types, pre-tokenizer name and special ids must give a tokenizer or a
//! clear error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use webslm::gguf::{Metadata, Value};
use webslm::tokenizer::Tokenizer;

const MODELS: [&str; 4] = ["gpt2", "llama", "gemma", "bert"];
const PRE: [&str; 8] = ["default", "smollm", "llama-bpe", "qwen2", "gpt-2", "tekken", "", "unknown"];

fuzz_target!(|input: &[u8]| {
    // Layout: 4 knob bytes, then NUL-separated fields: tokens…, then (after an empty field) the
    // text to encode. Knobs: model, pre-tokenizer, bos/eos ids, add_bos.
    if input.len() < 4 {
        return;
    }
    let (knobs, rest) = input.split_at(4);
    let text = String::from_utf8_lossy(rest);
    let mut fields = text.split('\0');
    let tokens: Vec<String> = fields.by_ref().take_while(|f| !f.is_empty()).take(512).map(str::to_string).collect();
    let prompt: String = fields.collect::<Vec<_>>().join(" ");
    let n = tokens.len() as u32;
    let types: Vec<Value> = tokens.iter().enumerate().map(|(i, _)| Value::I32([1, 1, 3, 4, 6, 2][(i + knobs[3] as usize) % 6])).collect();
    // Merges pair neighbouring tokens (some pairs are nonsense on purpose).
    let merges: Vec<Value> = tokens.windows(2).map(|w| Value::String(format!("{} {}", w[0], w[1]))).collect();
    let scores: Vec<Value> = (0..n).map(|i| Value::F32(-(i as f32))).collect();
    let md = Metadata::from_entries([
        ("tokenizer.ggml.model".to_string(), Value::String(MODELS[knobs[0] as usize % MODELS.len()].into())),
        ("tokenizer.ggml.pre".to_string(), Value::String(PRE[knobs[1] as usize % PRE.len()].into())),
        ("tokenizer.ggml.tokens".to_string(), Value::Array(tokens.iter().cloned().map(Value::String).collect())),
        ("tokenizer.ggml.token_type".to_string(), Value::Array(types)),
        ("tokenizer.ggml.scores".to_string(), Value::Array(scores)),
        ("tokenizer.ggml.merges".to_string(), Value::Array(merges)),
        ("tokenizer.ggml.bos_token_id".to_string(), Value::U32(knobs[2] as u32 % (n + 2))),
        ("tokenizer.ggml.eos_token_id".to_string(), Value::U32(u32::MAX - knobs[2] as u32)),
        ("tokenizer.ggml.add_bos_token".to_string(), Value::Bool(knobs[3] & 1 == 1)),
    ]);
    let Ok(tok) = Tokenizer::from_metadata(&md) else { return };
    if let Ok(ids) = tok.encode(&prompt, true) {
        let _ = tok.decode(&ids);
    }
    // Ids past the vocabulary are an error, not a panic.
    let _ = tok.decode(&[n, n + 1, u32::MAX]);
});
