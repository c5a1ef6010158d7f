//! Synthetic models (`webslm synth`): a real model's header with random weights, optionally with
//! another body, is a model like any other: it parses, its config says the new body, and it
//! loads and generates.

mod common;
use webslm::generate::GenerateOptions;
use webslm::check::reshaped;
use webslm::gguf::{header_bytes, parse_all, GgufHeader};
use webslm::model::{load_file, synth_header, write_model, ModelConfig, ModelLoader, ModelOptions, Resize};
use webslm::{Engine, Error, GpuContext};

fn header_of(model: &str) -> GgufHeader {
    parse_all(&std::fs::read(common::fixtures().join("models").join(model)).unwrap()).unwrap().0
}

fn file_of(header: &GgufHeader, seed: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_model(header, seed, &mut bytes).unwrap();
    bytes
}

#[test]
fn a_model_synthesized_like_another_has_its_tensors_and_config() {
    let like = header_of("synth-llama.Q4_K.gguf");
    let header = synth_header(&like, &Resize::default()).unwrap();
    let shape = |h: &GgufHeader| h.tensors.iter().map(|t| (t.name.clone(), t.dims.clone(), t.ty)).collect::<Vec<_>>();
    assert_eq!(shape(&header), shape(&like));
    let bytes = file_of(&header, 1);
    let (parsed, data) = parse_all(&bytes).unwrap();
    assert_eq!(shape(&parsed), shape(&like));
    assert_eq!(format!("{:?}", ModelConfig::from_header(&parsed).unwrap()), format!("{:?}", ModelConfig::from_header(&like).unwrap()));
    assert_eq!(parsed.metadata.str("tokenizer.ggml.model").unwrap(), like.metadata.str("tokenizer.ggml.model").unwrap());
    for (t, d) in parsed.tensors.iter().zip(&data) {
        assert!(d.iter().any(|&b| b != 0), "{} holds random bytes", t.name);
    }
    assert_ne!(data, parse_all(&file_of(&header, 2)).unwrap().1, "another seed, other weights");
}

#[test]
fn a_resized_model_has_the_new_body() {
    let like = header_of("stories260K.gguf");
    let old = ModelConfig::from_header(&like).unwrap();
    let resize = Resize { n_layer: Some(3), n_embd: Some(128), n_ff: Some(384), n_head: Some(4), n_kv_head: Some(2) };
    let header = synth_header(&like, &resize).unwrap();
    let config = ModelConfig::from_header(&header).unwrap();
    let body = (config.n_layer, config.n_embd, config.n_ff, config.n_head, config.n_kv_head, config.head_dim, config.rope.n_rot);
    assert_eq!(body, (3, 128, 384, 4, 2, 32, 32));
    assert_eq!(config.n_vocab, old.n_vocab, "the vocabulary stays the source's");
    let dims = |name: &str| header.tensor(name).unwrap_or_else(|| panic!("{name}")).dims.clone();
    assert_eq!(dims("token_embd.weight"), [128, old.n_vocab as u64]);
    assert_eq!(dims("blk.2.attn_q.weight"), [128, 128]);
    assert_eq!(dims("blk.2.attn_k.weight"), [128, 64]);
    assert_eq!(dims("blk.2.ffn_down.weight"), [384, 128]);
    assert_eq!(dims("blk.2.ffn_norm.weight"), [128]);
    assert!(header.tensor("blk.3.attn_q.weight").is_none());
    assert_eq!(header.tensors.len(), like.tensors.len() - (old.n_layer as usize - 3) * 9);
    assert!(header.metadata.str("general.name").unwrap().unwrap().contains("random weights, 3 layers of 128"));

    let refused = |r: Resize| matches!(synth_header(&like, &r), Err(Error::InvalidRequest(_)));
    assert!(refused(Resize { n_head: Some(3), ..resize }), "3 heads do not divide 128");
    assert!(refused(Resize { n_kv_head: Some(3), ..resize }), "3 KV heads do not divide 4 heads");
    assert!(matches!(Resize::preset("gpt-5"), Err(Error::InvalidRequest(_))));
    let eight_b = synth_header(&like, &Resize::preset("llama-3.1-8b").unwrap()).unwrap();
    assert_eq!(eight_b.tensor("blk.31.ffn_up.weight").unwrap().dims, [4096, 14336]);
}

#[test]
fn a_synthetic_model_loads_and_generates() {
    let like = header_of("synth-llama.Q4_K.gguf");
    let old = ModelConfig::from_header(&like).unwrap();
    let resize = Resize { n_layer: Some(old.n_layer + 1), n_ff: Some(old.n_ff * 2), ..Default::default() };
    let path = std::env::temp_dir().join(format!("webslm-synth-{}.gguf", std::process::id()));
    std::fs::write(&path, file_of(&synth_header(&like, &resize).unwrap(), 7)).unwrap();
    let ctx = pollster::block_on(GpuContext::new()).unwrap();
    let model = pollster::block_on(load_file(&ctx, &path, &ModelOptions { max_context: 64, ..Default::default() }));
    std::fs::remove_file(&path).unwrap();
    let mut engine = Engine::new(ctx, model.unwrap()).unwrap();
    let options = GenerateOptions { max_tokens: 6, ignore_eos: true, ..Default::default() };
    let out = pollster::block_on(engine.complete(&[1, 2, 3], &options, |_| true)).unwrap();
    assert_eq!(out.tokens.len(), 6);
}

/// A K projection with twice the rows its KV heads imply, and an FFN down projection whose rows
/// are wider than the FFN: each a model whose tensors disagree with its metadata.
fn misshaped(like: &GgufHeader) -> [(&'static str, GgufHeader); 2] {
    let config = ModelConfig::from_header(like).unwrap();
    let header = synth_header(like, &Resize::default()).unwrap();
    let (embd, kv, ff) = (config.n_embd as u64, config.kv_dim() as u64, config.n_ff as u64);
    [
        ("blk.1.attn_k.weight", reshaped(&header, "blk.1.attn_k.weight", &[embd, 2 * kv])),
        ("blk.0.ffn_down.weight", reshaped(&header, "blk.0.ffn_down.weight", &[ff + 256, embd])),
    ]
}

#[test]
fn a_model_whose_tensors_disagree_with_its_metadata_is_refused() {
    let like = header_of("synth-llama.Q4_K.gguf");
    let ctx = pollster::block_on(GpuContext::new()).unwrap();
    for (tensor, header) in misshaped(&like) {
        let path = std::env::temp_dir().join(format!("webslm-misshaped-{}.gguf", std::process::id()));
        std::fs::write(&path, file_of(&header, 3)).unwrap();
        let loaded = pollster::block_on(load_file(&ctx, &path, &ModelOptions { max_context: 64, ..Default::default() }));
        std::fs::remove_file(&path).unwrap();
        match loaded {
            Err(Error::UnsupportedModel(message)) => assert!(message.contains(tensor), "{message}"),
            other => panic!("{tensor}: expected a refusal, got {:?}", other.map(|_| ())),
        }
    }
}

/// The refusal comes with the header, before any weight is fed.
#[test]
fn a_misshaped_model_is_refused_at_its_header() {
    let like = header_of("synth-llama.Q4_K.gguf");
    let ctx = pollster::block_on(GpuContext::new()).unwrap();
    for (tensor, header) in misshaped(&like) {
        let file = file_of(&header, 3);
        let head = header_bytes(&header);
        let mut loader = ModelLoader::new(&ctx, Some(file.len() as u64), &ModelOptions { max_context: 64, ..Default::default() });
        match loader.feed(&head) {
            Err(Error::UnsupportedModel(message)) => assert!(message.contains(tensor), "{message}"),
            other => panic!("{tensor}: expected a refusal at the header, got {other:?}"),
        }
    }
}
