//! Generation: the reference greedy reply, seeded sampling, KV-cache reuse across turns, stop
//! strings and limits.

mod common;
use webslm::generate::{FinishReason, GenerateOptions};
use webslm::kernels::{Sampling, Tuning};
use webslm::model::{load_file, ModelOptions};
use webslm::tokenizer::ChatMessage;
use webslm::{Engine, GpuContext};

fn engine(path: &std::path::Path, max_context: u32) -> Engine {
    engine_with(path, &ModelOptions { max_context, ..Default::default() })
}

fn engine_with(path: &std::path::Path, options: &ModelOptions) -> Engine {
    engine_on(pollster::block_on(GpuContext::new()).unwrap(), path, options)
}

fn engine_on(ctx: GpuContext, path: &std::path::Path, options: &ModelOptions) -> Engine {
    let model = pollster::block_on(load_file(&ctx, path, options)).unwrap();
    Engine::new(ctx, model).unwrap()
}

fn stories() -> Engine {
    engine(&common::fixtures().join("models/stories260K.gguf"), 128)
}

/// stories260K decoding a step ahead or a step at a time (`Tuning::decode_ahead`), whatever the
/// adapter's own tuning says.
fn stories_decoding_ahead(decode_ahead: bool) -> Engine {
    let own = Tuning::for_adapter(&pollster::block_on(GpuContext::new()).unwrap());
    let options = ModelOptions { max_context: 128, tuning: Some(Tuning { decode_ahead, ..own }), ..Default::default() };
    engine_with(&common::fixtures().join("models/stories260K.gguf"), &options)
}

fn complete(e: &mut Engine, prompt: &[u32], options: &GenerateOptions) -> webslm::generate::Completion {
    pollster::block_on(e.complete(prompt, options, |_| true)).unwrap()
}

#[test]
fn smollm2_knows_the_capital_of_france() {
    let mut e = engine(&common::default_model(), 256);
    let layers = e.model.fused_layers();
    assert_eq!((layers.qkv, layers.gate_up, layers.of), (30, 30, 30), "SmolLM2's Q/K/V and gate/up run as one matmul each");
    let question = [ChatMessage::new("user", "What is the capital of France?")];
    let out = pollster::block_on(e.chat(&question, &GenerateOptions { max_tokens: 32, ..Default::default() }, |_| true)).unwrap();
    assert_eq!(out.text, "The capital of France is Paris.");
    assert_eq!(out.finish, FinishReason::Stop);

    // A second turn reuses the cached first turn: only the new tokens are run, and the reply is
    // the one a fresh engine gives for the whole conversation.
    let mut conversation = question.to_vec();
    conversation.push(ChatMessage::new("assistant", &out.text));
    conversation.push(ChatMessage::new("user", "And of Italy?"));
    let options = GenerateOptions { max_tokens: 16, ..Default::default() };
    let second = pollster::block_on(e.chat(&conversation, &options, |_| true)).unwrap();
    let full_prompt = e.tokenizer.encode_chat(&conversation).unwrap();
    assert!(second.timings.prefill_tokens < full_prompt.len() / 2, "{} of {} prompt tokens re-run", second.timings.prefill_tokens, full_prompt.len());
    e.reset();
    let fresh = pollster::block_on(e.chat(&conversation, &options, |_| true)).unwrap();
    assert_eq!(fresh.timings.prefill_tokens, full_prompt.len());
    assert_eq!(second.tokens, fresh.tokens);
    eprintln!("second turn: {:?}", second.text);
}

#[test]
fn seeded_sampling_is_reproducible_and_seeds_differ() {
    let mut e = stories();
    let prompt = e.tokenizer.encode("Once upon a time", true).unwrap();
    let sampling = Sampling { temperature: 1.0, top_k: 40, top_p: 0.95 };
    let run = |e: &mut Engine, seed| complete(e, &prompt, &GenerateOptions { max_tokens: 24, sampling, seed, ..Default::default() }).tokens;
    let a = run(&mut e, 7);
    assert_eq!(a, run(&mut e, 7), "same seed, same tokens");
    let others = [run(&mut e, 8), run(&mut e, 9), run(&mut e, 10)];
    assert!(others.iter().any(|o| *o != a), "different seeds gave identical samples");
    let greedy = complete(&mut e, &prompt, &GenerateOptions { max_tokens: 24, ..Default::default() }).tokens;
    assert!(others.iter().chain([&a]).any(|o| *o != greedy), "sampling at temperature 1 never left the greedy path");
}

/// Decode that submits each step before reading the token of the one before, taking it from the
/// GPU (`Tuning::decode_ahead`), draws the tokens (and logprobs) of decode one step at a time,
/// and a reply cut short by the callback (the step run ahead wasted) leaves the cache as a fresh
/// run would.
#[test]
fn a_step_submitted_ahead_draws_what_a_step_at_a_time_draws() {
    let (mut ahead, mut one_at_a_time) = (stories_decoding_ahead(true), stories_decoding_ahead(false));
    let prompt = ahead.tokenizer.encode("Once upon a time", true).unwrap();
    let sampling = Sampling { temperature: 1.0, top_k: 40, top_p: 0.95 };
    for seed in [3, 4] {
        let options = GenerateOptions { max_tokens: 40, sampling, seed, ..Default::default() };
        let a = complete(&mut ahead, &prompt, &options);
        assert_eq!(a.tokens, complete(&mut one_at_a_time, &prompt, &options).tokens, "seed {seed}");
        // Each step's logits come back with its token (staged in its own submission), not
        // those of the step submitted after it.
        let with_logprobs = GenerateOptions { logprobs: 3, ..options.clone() };
        let (b, c) = (complete(&mut ahead, &prompt, &with_logprobs), complete(&mut one_at_a_time, &prompt, &with_logprobs));
        assert_eq!((&a.tokens, &a.tokens), (&b.tokens, &c.tokens), "seed {seed}");
        assert_eq!(b.positions, c.positions, "seed {seed}");
    }
    let options = GenerateOptions { max_tokens: 20, ..Default::default() };
    let whole = complete(&mut ahead, &prompt, &options);
    let mut n = 0;
    let cut = pollster::block_on(ahead.complete(&prompt, &options, |_| {
        n += 1;
        n < 5
    }))
    .unwrap();
    assert_eq!(cut.tokens[..], whole.tokens[..5]);
    // Continuing from those five tokens runs only the last of them: the cache holds the rest.
    let mut continued = prompt.clone();
    continued.extend(&cut.tokens);
    let next = complete(&mut ahead, &continued, &options);
    assert_eq!(next.timings.prefill_tokens, 1);
    assert_eq!(next.tokens[..10], whole.tokens[5..15]);
}

/// A load's warm-up step (`Tuning::warm_up`, lavapipe's) runs, and what generation gives after
/// it is what it gives without one: exactly, one-token prompts included (the warm-up wrote the
/// KV cache's first three rows).
#[test]
fn a_warm_up_at_load_changes_nothing_but_the_load() {
    let own = Tuning::for_adapter(&pollster::block_on(GpuContext::new()).unwrap());
    let load = |warm_up: bool| {
        let options = ModelOptions { max_context: 128, tuning: Some(Tuning { warm_up, ..own }), ..Default::default() };
        engine_with(&common::fixtures().join("models/stories260K.gguf"), &options)
    };
    let (mut warmed, mut cold) = (load(true), load(false));
    assert!(warmed.model.load_timings.warm_up_ms > 0.0, "{:?}", warmed.model.load_timings);
    assert_eq!(cold.model.load_timings.warm_up_ms, 0.0);
    // The warm-up's two steps ran on the GPU (its time alone would be > 0 for doing nothing).
    assert_eq!(warmed.ctx.submissions(), cold.ctx.submissions() + 2);
    let options = GenerateOptions { max_tokens: 12, logprobs: 3, ..Default::default() };
    let story = warmed.tokenizer.encode("Once upon a time", true).unwrap();
    for prompt in [&story[..1], &story[..]] {
        let (a, b) = (complete(&mut warmed, prompt, &options), complete(&mut cold, prompt, &options));
        assert_eq!((a.tokens, a.positions), (b.tokens, b.positions), "prompt {prompt:?}");
        warmed.reset();
        cold.reset();
    }
}

#[test]
fn cache_reuse_gives_the_same_tokens_as_a_fresh_run() {
    let mut e = stories();
    let prompt = e.tokenizer.encode("Once upon a time, there was a little girl", true).unwrap();
    let options = GenerateOptions { max_tokens: 12, ..Default::default() };
    let fresh = complete(&mut e, &prompt, &options);
    // The same prompt again runs only its last token; a longer one only its new part.
    let again = complete(&mut e, &prompt, &options);
    assert_eq!(again.timings.prefill_tokens, 1);
    assert_eq!(again.tokens, fresh.tokens);
    let mut longer = prompt.clone();
    longer.extend(&fresh.tokens[..5]);
    let continued = complete(&mut e, &longer, &options);
    assert_eq!(continued.timings.prefill_tokens, 1, "prompt + generated tokens are all cached but the last");
    e.reset();
    assert_eq!(complete(&mut e, &longer, &options).tokens, continued.tokens);
}

#[test]
fn stop_strings_cut_the_text_and_limits_are_reported() {
    let mut e = stories();
    let prompt = e.tokenizer.encode("Once upon a time", true).unwrap();
    let plain = complete(&mut e, &prompt, &GenerateOptions { max_tokens: 30, ..Default::default() });
    assert_eq!(plain.finish, FinishReason::Length);
    assert_eq!(plain.tokens.len(), 30);
    // Stop at the second word of the reply.
    let word = plain.text.split_whitespace().nth(1).unwrap().to_string();
    let cut = complete(&mut e, &prompt, &GenerateOptions { max_tokens: 30, stop: vec![word.clone()], ..Default::default() });
    assert_eq!(cut.finish, FinishReason::Stop);
    assert_eq!(cut.text, plain.text[..plain.text.find(&word).unwrap()]);
    let mut streamed = String::new();
    pollster::block_on(e.complete(&prompt, &GenerateOptions { max_tokens: 30, stop: vec![word], ..Default::default() }, |p| {
        streamed.push_str(p);
        true
    }))
    .unwrap();
    assert_eq!(streamed, cut.text, "streamed pieces add up to the text, without the stop string");

    // The callback can cancel; a prompt longer than the context is a clear error.
    let mut n = 0;
    let cancelled = pollster::block_on(e.complete(&prompt, &GenerateOptions { max_tokens: 30, ..Default::default() }, |_| {
        n += 1;
        n < 3
    }))
    .unwrap();
    assert_eq!((cancelled.finish, cancelled.tokens.len()), (FinishReason::Cancelled, 3));
    let too_long = vec![1u32; 129];
    let err = pollster::block_on(e.complete(&too_long, &GenerateOptions::default(), |_| true)).unwrap_err();
    assert!(err.to_string().contains("context"), "{err}");
    // The context filling up ends generation with ContextFull (no stop token may end it first).
    e.tokenizer.stop_ids.clear();
    let near_full = vec![1u32; 120];
    let full = complete(&mut e, &near_full, &GenerateOptions { max_tokens: 50, ..Default::default() });
    assert_eq!(full.finish, FinishReason::ContextFull);
    assert_eq!(near_full.len() + full.tokens.len(), 128 + 1, "the last token is drawn but not fed");
}

#[test]
fn a_lost_device_fails_with_device_lost_and_a_new_load_works() {
    // With a step in flight when the device goes (decoding ahead) and without.
    for decode_ahead in [false, true] {
        let mut e = stories_decoding_ahead(decode_ahead);
        let prompt = e.tokenizer.encode("Once upon a time", true).unwrap();
        let options = GenerateOptions { max_tokens: 24, ignore_eos: true, ..Default::default() };
        let device = e.ctx.device.clone();
        let mut pieces = 0;
        // The device goes away mid-generation, as after a driver reset.
        let lost = pollster::block_on(e.complete(&prompt, &options, |_| {
            pieces += 1;
            if pieces == 3 {
                device.destroy();
            }
            true
        }));
        let err = lost.expect_err("generation on a destroyed device must fail");
        assert_eq!(err.kind(), "DeviceLost", "decode_ahead {decode_ahead}: {err}");
        // The engine keeps saying so instead of failing some other way.
        let again = pollster::block_on(e.complete(&prompt, &options, |_| true)).expect_err("still lost");
        assert_eq!(again.kind(), "DeviceLost", "{again}");
    }
    // Loading again (a new device) works.
    let mut fresh = stories();
    let prompt = fresh.tokenizer.encode("Once upon a time", true).unwrap();
    let options = GenerateOptions { max_tokens: 24, ignore_eos: true, ..Default::default() };
    assert_eq!(complete(&mut fresh, &prompt, &options).tokens.len(), 24);
}

/// Every tuning some adapter runs (and this one can) gives the tokens and logits of the adapter's
/// own: the kernel checks cover each kernel under each tuning, this how the forward pass strings
/// them together (on GPUs, e.g., decode's RMSNorms inside the GEMVs, their weights copied where
/// uniform windows can read them). An f16 KV cache rounds keys and values: there the logits may
/// differ by 2e-3 relative (the fixtures' README saw up to 1.2e-3 of the logit range on SmolLM2).
#[test]
fn every_tuning_gives_what_the_adapters_own_gives() {
    let ctx = pollster::block_on(GpuContext::new()).unwrap();
    let (tunings, own_kv_f16) = (Tuning::all_for(&ctx), Tuning::for_adapter(&ctx).kv_f16);
    assert!(tunings.iter().any(|t| t.norm_in_gemv) && tunings.iter().any(|t| !t.norm_in_gemv));
    let models = [common::fixtures().join("models/stories260K.gguf"), common::fixtures().join("models/synth-qwen2.Q4_K.gguf"), common::default_model()];
    for path in &models {
        let options = GenerateOptions { max_tokens: 8, logprobs: 3, echo: true, ignore_eos: true, ..Default::default() };
        let run = |tuning: Option<Tuning>| {
            let mut e = engine_with(path, &ModelOptions { max_context: 64, tuning, ..Default::default() });
            if let Some(t) = tuning {
                assert_eq!(e.model.tuning(), t);
            }
            complete(&mut e, &[1, 403, 407, 261], &options)
        };
        let own = run(None);
        for tuning in &tunings {
            let tol = if tuning.kv_f16 == own_kv_f16 { 1e-4 } else { 2e-3 };
            let other = run(Some(*tuning));
            let name = format!("{} ({tuning})", path.display());
            assert_eq!(own.parts_from(&other, tol), None, "{name}");
        }
    }
}

/// Q/K/V and gate/up as one matmul each (the uploader lays them back to back; phi3 stores them
/// so) give the tokens and logits of running every weight on its own.
#[test]
fn fused_matmuls_give_what_separate_ones_give() {
    for (name, fused) in [("stories260K.gguf", (5, 5)), ("synth-phi3.Q8_0.gguf", (2, 2)), ("synth-qwen2.Q4_K.gguf", (2, 2))] {
        let path = common::fixtures().join("models").join(name);
        let options = GenerateOptions { max_tokens: 12, logprobs: 3, echo: true, ignore_eos: true, ..Default::default() };
        let run = |fuse_matmuls: bool| {
            let mut e = engine_with(&path, &ModelOptions { max_context: 64, fuse_matmuls, ..Default::default() });
            let layers = e.model.fused_layers();
            (layers, complete(&mut e, &[1, 403, 407, 261], &options))
        };
        let ((on, a), (off, b)) = (run(true), run(false));
        assert_eq!((on.qkv, on.gate_up), fused, "{name}: layers fused of {}", on.of);
        assert_eq!((off.qkv, off.gate_up), (0, 0), "{name}");
        assert_eq!(a.parts_from(&b, 1e-4), None, "{name}");
    }
}

/// A prompt whose activations would not fit one storage binding of the device runs in batches
/// that do, filling the KV cache batch after batch: on a device that enforces a 256 KiB binding
/// limit, synth-llama's 200-token prompt (its gate/up activations 1.2 MB, its echoed logits
/// 400 KB) gives the tokens and logits it gives on the adapter's own limits in one batch.
#[test]
fn a_prompt_larger_than_a_binding_runs_in_batches_that_fit() {
    let path = common::fixtures().join("models/synth-llama.Q8_0.gguf");
    let options = ModelOptions { max_context: 256, ..Default::default() };
    let prompt: Vec<u32> = (0..200).map(|i| 1 + (i * 37) % 500).collect();
    let request = GenerateOptions { max_tokens: 8, logprobs: 3, echo: true, ignore_eos: true, ..Default::default() };
    let limited = pollster::block_on(GpuContext::with_lower_limits(|l| l.max_storage_buffer_binding_size = 256 << 10)).unwrap();
    let a = complete(&mut engine_on(limited, &path, &options), &prompt, &request);
    let b = complete(&mut engine_with(&path, &options), &prompt, &request);
    assert_eq!(a.positions.len(), prompt.len() - 1 + 8);
    assert_eq!(a.parts_from(&b, 1e-4), None);
}

/// The GPU's timestamps of a prompt and of decode steps (`Engine::time_kernels`): every kernel a
/// pass dispatches is there with its calls (one sampler a pass, attention once per layer and
/// step), times are positive, and the KV cache they overwrite is not taken for the last reply's.
#[test]
fn kernel_timings_cover_every_dispatch_and_leave_the_next_reply_as_it_was() {
    let mut e = stories();
    let n_layer = e.model.config.n_layer as u32;
    let options = GenerateOptions { max_tokens: 8, sampling: Sampling::GREEDY, logprobs: 3, ..Default::default() };
    let prompt = e.tokenizer.encode("Once upon a time", true).unwrap();
    let before = complete(&mut e, &prompt, &options);
    let other = e.tokenizer.encode("The little dog ran to the park and", true).unwrap();
    let (prefill, decode) = pollster::block_on(e.time_kernels(&other, 3)).unwrap();
    let calls = |p: &webslm::gpu::Profile, prefix: &str| p.entries.iter().filter(|x| x.label.starts_with(prefix)).map(|x| x.calls).sum::<u32>();
    for p in [&prefill, &decode] {
        assert!(p.entries.iter().all(|x| x.ms.is_finite() && x.ms >= 0.0), "{p}");
        assert!(p.entries.iter().filter(|x| x.label != webslm::gpu::BETWEEN_KERNELS).any(|x| x.ms > 0.0), "{p}");
        assert!(calls(p, "mat") > 0, "{p}");
    }
    assert_eq!(calls(&prefill, "sample"), 1, "{prefill}");
    assert_eq!(calls(&decode, "sample"), 3, "{decode}");
    assert_eq!(calls(&decode, "attention"), 3 * n_layer, "{decode}");
    assert_eq!(calls(&decode, webslm::gpu::BETWEEN_KERNELS), 3, "{decode}");
    let after = complete(&mut e, &prompt, &options);
    assert_eq!(after.parts_from(&before, 1e-4), None);
}
