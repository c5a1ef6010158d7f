//! Real models in headless Chromium on WebGPU: the fixtures' reference logits and a greedy chat.
//! Models and references are fetched from the asset server that scripts/test.sh starts
//! (tests/e2e/serve-assets.mjs), whose URL is fixed at build time in WEBSLM_TEST_ASSETS.

mod common;
use common::{assets, fetch_bytes};
use wasm_bindgen_test::*;
use webslm::agreement::{check_model, RefFile};
use webslm::generate::{FinishReason, GenerateOptions};
use webslm::check::reshaped;
use webslm::gguf::{parse_all, GgufHeader};
use webslm::model::{synth_header, write_model, Model, ModelConfig, ModelOptions, Resize};
use webslm::source::{fetch_text, load as load_model, load_blob, LoadRequest};
use webslm::kernels::{Sampling, Tuning};
use webslm::tokenizer::ChatMessage;
use webslm::{Engine, Error, GpuContext};

wasm_bindgen_test_configure!(run_in_browser);

async fn load(ctx: &GpuContext, model_path: &str) -> Model {
    let url = format!("{}{model_path}", assets());
    let start = js_sys::Date::now();
    let request = LoadRequest { cache: false, options: ModelOptions { max_context: 512, ..Default::default() }, ..LoadRequest::new(&url) };
    let model = load_model(ctx, &request, &mut |_| {}).await.unwrap_or_else(|e| panic!("{url}: {e}"));
    console_log!("loaded {model_path} in {:.1} s", (js_sys::Date::now() - start) / 1000.0);
    model
}

async fn check(ctx: &GpuContext, model: &Model, ref_name: &str) {
    let json = fetch_text(&format!("{}fixtures/refs/{ref_name}", assets())).await.unwrap();
    let reference = RefFile::parse(&json).unwrap();
    let reports = check_model(ctx, model, &reference, ref_name.starts_with("SmolLM2")).await.unwrap();
    for (name, report) in &reports {
        console_log!("{ref_name} {name}: {report}");
    }
    assert!(reports.iter().all(|(_, r)| r.passed()), "{ref_name}: see the reports above");
}

#[wasm_bindgen_test]
async fn stories260k_matches_references_in_the_browser() {
    let ctx = GpuContext::new().await.unwrap();
    console_log!("WebGPU adapter: {}", ctx.info.summary());
    for (file, reference) in [
        ("stories260K.gguf", "stories260K.ref.json"),
        ("stories260K.Q8_0.gguf", "stories260K.Q8_0.ref.json"),
        ("stories260K.Q4_0.gguf", "stories260K.Q4_0.ref.json"),
    ] {
        let model = load(&ctx, &format!("fixtures/models/{file}")).await;
        check(&ctx, &model, reference).await;
    }
}

/// Decoding a step ahead (each step submitted before the previous token is read, taking it on
/// the GPU: this adapter's own tuning unless it is lavapipe) draws the tokens and logprobs of
/// decoding a step at a time, with seeded sampling, through Chromium's queue and `mapAsync`.
#[wasm_bindgen_test]
async fn decoding_a_step_ahead_draws_what_a_step_at_a_time_draws_in_the_browser() {
    let ctx = GpuContext::new().await.unwrap();
    let own = Tuning::for_adapter(&ctx);
    let url = format!("{}fixtures/models/stories260K.gguf", assets());
    let mut replies = Vec::new();
    for decode_ahead in [true, false] {
        let options = ModelOptions { max_context: 128, tuning: Some(Tuning { decode_ahead, ..own }), ..Default::default() };
        let request = LoadRequest { cache: false, options, ..LoadRequest::new(&url) };
        let model = load_model(&ctx, &request, &mut |_| {}).await.unwrap();
        let mut engine = Engine::new(ctx.clone(), model).unwrap();
        let prompt = engine.tokenizer.encode("Once upon a time", true).unwrap();
        let sampling = Sampling { temperature: 1.0, top_k: 40, top_p: 0.95 };
        let options = GenerateOptions { max_tokens: 24, sampling, seed: 3, logprobs: 3, ..Default::default() };
        let with_logprobs = engine.complete(&prompt, &options, |_| true).await.unwrap();
        let plain = engine.complete(&prompt, &GenerateOptions { logprobs: 0, ..options }, |_| true).await.unwrap();
        assert_eq!(plain.tokens, with_logprobs.tokens, "decode_ahead {decode_ahead}");
        replies.push(with_logprobs);
    }
    assert_eq!(replies[0].tokens, replies[1].tokens);
    assert_eq!(replies[0].positions, replies[1].positions);
    assert!(replies[0].tokens.len() > 8, "{:?}", replies[0].tokens);
}

/// Kernel times from Chromium's `timestamp-query` (bench/profile.mjs's path): every pass's
/// sampler and each layer's attention per step are there, with finite times.
#[wasm_bindgen_test]
async fn kernels_are_timed_by_the_gpu_in_the_browser() {
    let ctx = GpuContext::new().await.unwrap();
    let url = format!("{}fixtures/models/stories260K.gguf", assets());
    let request = LoadRequest { cache: false, options: ModelOptions { max_context: 128, ..Default::default() }, ..LoadRequest::new(&url) };
    let mut engine = Engine::new(ctx.clone(), load_model(&ctx, &request, &mut |_| {}).await.unwrap()).unwrap();
    let n_layer = engine.model.config.n_layer as u32;
    let prompt = engine.tokenizer.encode("Once upon a time", true).unwrap();
    let (prefill, decode) = engine.time_kernels(&prompt, 2).await.unwrap();
    console_log!("prefill of {} tokens\n{prefill}\n2 decode steps\n{decode}", prompt.len());
    let calls = |p: &webslm::gpu::Profile, prefix: &str| p.entries.iter().filter(|x| x.label.starts_with(prefix)).map(|x| x.calls).sum::<u32>();
    assert!(prefill.entries.iter().chain(&decode.entries).all(|x| x.ms.is_finite() && x.ms >= 0.0));
    assert_eq!((calls(&prefill, "sample"), calls(&decode, "sample")), (1, 2));
    assert_eq!(calls(&decode, "attention"), 2 * n_layer, "{decode}");
    assert!(prefill.total_ms() > 0.0, "{prefill}");
}

/// Every synthetic model of the fixtures (five families, many tensor types), listed from the
/// fixtures' manifest so a new file is checked without editing this test.
#[wasm_bindgen_test]
async fn synthetic_models_of_every_family_match_references_in_the_browser() {
    let ctx = GpuContext::new().await.unwrap();
    let manifest = fetch_text(&format!("{}fixtures/manifest.json", assets())).await.unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let mut checked = 0;
    for file in manifest["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        let Some(name) = path.strip_prefix("models/synth-") else { continue };
        let model = load(&ctx, &format!("fixtures/{path}")).await;
        check(&ctx, &model, &format!("synth-{}", name.replace(".gguf", ".ref.json"))).await;
        checked += 1;
    }
    assert!(checked >= 22, "only {checked} synthetic models in the manifest");
}

#[wasm_bindgen_test]
async fn smollm2_matches_references_and_answers_in_the_browser() {
    let ctx = GpuContext::new().await.unwrap();
    let model = load(&ctx, "models/SmolLM2-135M-Instruct.Q4_1.gguf").await;
    check(&ctx, &model, "SmolLM2-135M-Instruct.Q4_1.ref.json").await;

    // Its load compiled its Q8_0 table's lookup and its layers' Q4_1 GEMM, not a Q4_1 lookup or
    // the Q8_0 GEMM that only all-token logits run (runtime/tests/compile.rs natively).
    let compiled: Vec<String> = model.compile_times().into_iter().map(|(label, _, _)| label).collect();
    for (label, at_load) in [("embed.Q8_0", true), ("matmul.Q4_1", true), ("embed.Q4_1", false), ("matmul.Q8_0", false)] {
        assert_eq!(compiled.contains(&label.to_string()), at_load, "{label}: {compiled:?}");
    }

    // The reference sequences filled the KV cache from position 0; the engine starts over at 0.
    let mut engine = Engine::new(ctx.clone(), model).unwrap();
    let question = [ChatMessage::new("user", "What is the capital of France?")];
    let options = GenerateOptions { max_tokens: 32, ..Default::default() };
    let out = engine.chat(&question, &options, |_| true).await.unwrap();
    let t = out.timings;
    console_log!(
        "reply {:?}: {} prompt tokens at {:.2} tok/s (time to first token {:.1} s), {} decode steps at {:.2} tok/s",
        out.text, t.prefill_tokens, t.prefill_tok_s(), t.prefill_ms / 1000.0, t.decode_steps, t.decode_tok_s()
    );
    assert_eq!(out.text, "The capital of France is Paris.");
    assert_eq!(out.finish, FinishReason::Stop);

    // Seeded sampling on the GPU, in the browser: reproducible.
    let sampled = GenerateOptions { max_tokens: 6, sampling: Sampling { temperature: 0.8, top_k: 40, top_p: 0.9 }, seed: 3, ..Default::default() };
    let a = engine.chat(&question, &sampled, |_| true).await.unwrap();
    let b = engine.chat(&question, &sampled, |_| true).await.unwrap();
    console_log!("sampled: {:?}", a.text);
    assert_eq!(a.tokens, b.tokens);
    assert_eq!(b.timings.prefill_tokens, 1, "the second call reuses the cached prompt");
}

/// A file whose tensors disagree with its metadata (a K projection with twice the rows its KV
/// heads imply), picked as a user's `Blob`, is refused with the tensor named at its header:
/// no byte past the header is handed to the GPU.
#[wasm_bindgen_test]
async fn a_misshaped_model_is_refused_at_its_header_in_the_browser() {
    let ctx = GpuContext::new().await.unwrap();
    let like: GgufHeader = parse_all(&fetch_bytes(&format!("{}fixtures/models/synth-llama.Q4_K.gguf", assets())).await).unwrap().0;
    let config = ModelConfig::from_header(&like).unwrap();
    let tensor = "blk.1.attn_k.weight";
    let header = reshaped(&synth_header(&like, &Resize::default()).unwrap(), tensor, &[config.n_embd as u64, 2 * config.kv_dim() as u64]);
    let mut file = Vec::new();
    write_model(&header, 3, &mut file).unwrap();
    let data_start = webslm::gguf::header_bytes(&header).len() as u64;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&file[..]));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    let mut handed = 0;
    let options = ModelOptions { max_context: 64, ..Default::default() };
    match load_blob(&ctx, &blob, &options, &wasm_bindgen::JsValue::UNDEFINED, &mut |p| handed = p.done).await {
        Err(Error::UnsupportedModel(message)) => assert!(message.contains(tensor), "{message}"),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }
    assert!(handed < data_start, "{handed} bytes were handed on, the weights start at {data_start}");
}

/// A prompt longer than one pass takes (here: over a 256 KiB storage binding, the limit this
/// context was opened with) runs in batches, each filling the KV cache for the next, through
/// Chromium's queue: synth-llama's 200-token prompt with echo gives the tokens and logits of one
/// pass on the adapter's own limits.
#[wasm_bindgen_test]
async fn a_prompt_larger_than_a_binding_runs_in_batches_in_the_browser() {
    let url = format!("{}fixtures/models/synth-llama.Q8_0.gguf", assets());
    let prompt: Vec<u32> = (0..200).map(|i| 1 + (i * 37) % 500).collect();
    let request = GenerateOptions { max_tokens: 8, logprobs: 3, echo: true, ignore_eos: true, ..Default::default() };
    let mut replies = Vec::new();
    for limited in [true, false] {
        let ctx = match limited {
            true => GpuContext::with_lower_limits(|l| l.max_storage_buffer_binding_size = 256 << 10).await.unwrap(),
            false => GpuContext::new().await.unwrap(),
        };
        let options = ModelOptions { max_context: 256, ..Default::default() };
        let model = load_model(&ctx, &LoadRequest { cache: false, options, ..LoadRequest::new(&url) }, &mut |_| {}).await.unwrap();
        let mut engine = Engine::new(ctx, model).unwrap();
        replies.push(engine.complete(&prompt, &request, |_| true).await.unwrap());
    }
    let (a, b) = (&replies[0], &replies[1]);
    assert_eq!(a.positions.len(), prompt.len() - 1 + 8);
    assert_eq!(a.parts_from(b, 1e-4), None);
}
