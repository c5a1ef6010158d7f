//! Greedy chat with the default model gives the reference reply.

mod common;
use webslm::generate::{generate_greedy, FinishReason};
use webslm::model::{load_file, ModelOptions};
use webslm::tokenizer::{ChatMessage, Tokenizer};
use webslm::GpuContext;

#[test]
fn smollm2_knows_the_capital_of_france() {
    let ctx = pollster::block_on(GpuContext::new()).unwrap();
    let model = pollster::block_on(load_file(&ctx, &common::default_model(), &ModelOptions { max_context: 256 })).unwrap();
    let tok = Tokenizer::from_metadata(&model.header.metadata).unwrap();
    let prompt = tok.encode_chat(&[ChatMessage::new("user", "What is the capital of France?")]).unwrap();
    let out = pollster::block_on(generate_greedy(&ctx, &model, &prompt, 32, &tok.stop_ids, |_| true)).unwrap();
    let reply = tok.decode(&out.tokens).unwrap();
    assert_eq!(reply, "The capital of France is Paris.");
    assert_eq!(out.finish, FinishReason::Stop);
}
