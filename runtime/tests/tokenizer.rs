//! Tokenizers built from GGUF metadata reproduce llama.cpp's token ids; chat templates render.

mod common;
use common::reference;
use webslm::gguf::parse_all;
use webslm::tokenizer::{ChatMessage, TextStream, Tokenizer};

fn tokenizer_of(path: &std::path::Path) -> Tokenizer {
    // The header alone is enough: read just its bytes.
    let bytes = std::fs::read(path).unwrap();
    let (header, _) = parse_all(&bytes).unwrap();
    Tokenizer::from_metadata(&header.metadata).unwrap()
}

#[test]
fn smollm2_byte_level_bpe_matches_llama_cpp_ids() {
    let tok = tokenizer_of(&common::default_model());
    for seq in reference("SmolLM2-135M-Instruct.Q4_1.ref.json").sequences {
        let text = seq.text.unwrap();
        assert_eq!(tok.encode(&text, false).unwrap(), seq.ids, "{}", seq.name);
        // Decoding drops special tokens and gives back the visible text.
        let visible = tok.decode(&seq.ids[seq.n_prompt..]).unwrap();
        assert!(text.ends_with(&visible) || text.ends_with(&format!("{visible}<|im_end|>")), "{visible:?}");
    }
}

#[test]
fn smollm2_chat_template_gives_the_reference_prompt() {
    let tok = tokenizer_of(&common::default_model());
    let reference = reference("SmolLM2-135M-Instruct.Q4_1.ref.json");
    let seq = &reference.sequences[0];
    let ids = tok.encode_chat(&[ChatMessage::new("user", "What is the capital of France?")]).unwrap();
    assert_eq!(ids, seq.ids[..seq.n_prompt]);
    assert!(tok.stop_ids.contains(&2), "<|im_end|> ends a reply");
}

#[test]
fn stories260k_sentencepiece_matches_llama_cpp_ids() {
    let tok = tokenizer_of(&common::fixtures().join("models/stories260K.gguf"));
    let seq = &reference("stories260K.ref.json").sequences[0];
    let text = seq.text.as_ref().unwrap();
    // The reference text is the decoded continuation after BOS (with SentencePiece's leading space).
    let ids = tok.encode(text.trim_start(), true).unwrap();
    assert_eq!(ids, seq.ids);
    assert_eq!(tok.decode(&seq.ids).unwrap(), text.trim_start());
}

#[test]
fn streaming_never_emits_broken_characters() {
    let tok = tokenizer_of(&common::default_model());
    for text in ["Héllo wörld", "東京は日本の首都です", "emoji 🦀🚀 ok", "繁體中文與简体中文"] {
        let ids = tok.encode(text, false).unwrap();
        let mut stream = TextStream::new();
        let mut out = String::new();
        for &id in &ids {
            let piece = stream.push(&tok, id).unwrap();
            assert!(!piece.contains('\u{FFFD}'), "{text:?}: broken piece {piece:?}");
            out.push_str(&piece);
        }
        assert_eq!(out, text);
    }
}

/// Found by the `tokenizer_metadata` fuzz target: a merge whose result is longer than every
/// token made `tokenizers` panic; it must be a clear error.
#[test]
fn a_merge_outside_the_vocabulary_is_an_error_not_a_panic() {
    use webslm::gguf::{Metadata, Value};
    let strings = |v: &[&str]| Value::Array(v.iter().map(|s| Value::String(s.to_string())).collect());
    for merges in [&["a b"][..], &["a bb"], &["a"]] {
        let md = Metadata::from_entries([
            ("tokenizer.ggml.model".to_string(), Value::String("gpt2".into())),
            ("tokenizer.ggml.tokens".to_string(), strings(&["a", "b", "bb"])),
            ("tokenizer.ggml.merges".to_string(), strings(merges)),
        ]);
        let err = Tokenizer::from_metadata(&md).err().unwrap_or_else(|| panic!("{merges:?} was accepted"));
        assert_eq!(err.kind(), "TokenizerError", "{err}");
    }
}
