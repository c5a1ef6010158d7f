//! The generation loop: prefill the prompt in one batch, then decode one token per step, each
//! step one command buffer whose last kernel draws the next token on the GPU (a 4-byte readback).
//! Where the adapter gains by it, each step is submitted before the token of the step before has
//! been read, taking that token from the GPU, so that the GPU does not sit idle while the CPU
//! waits for a readback and records the next step.
//!
//! The KV cache is reused across calls: `cached` lists the tokens whose keys and values fill it
//! from position 0, and a new prompt only runs from the first position where it differs — a
//! multi-turn chat re-runs just the new turn.

use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::gpu::GpuContext;
use crate::kernels::Sampling;
use crate::model::{Logits, Model, StepInput};
use crate::rng::SplitMix64;
use crate::stop::StopText;
use crate::tokenizer::{TextStream, Tokenizer};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishReason {
    /// A stop token (EOS / end of turn) or stop string ended the reply; it is not in the text.
    Stop,
    /// `max_tokens` reached.
    Length,
    /// The context (KV cache) is full.
    ContextFull,
    /// The caller's callback asked to stop.
    Cancelled,
}

impl FinishReason {
    /// OpenAI's `finish_reason` words.
    pub fn as_str(self) -> &'static str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length | FinishReason::ContextFull => "length",
            FinishReason::Cancelled => "abort",
        }
    }
}

#[derive(Clone, Debug)]
pub struct GenerateOptions {
    pub max_tokens: usize,
    pub sampling: Sampling,
    /// Seed of the random draws; the same seed, prompt and settings give the same tokens.
    pub seed: u64,
    /// Strings that end the reply; the text stops before the first one.
    pub stop: Vec<String>,
    /// How many of the highest logits to return per position (0 = none).
    pub logprobs: usize,
    /// Whether `positions` also covers the prompt.
    pub echo: bool,
    /// Keep generating past stop tokens (EOS, end of turn): a fixed amount of work for benchmarks.
    pub ignore_eos: bool,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        Self { max_tokens: 256, sampling: Sampling::GREEDY, seed: 0, stop: Vec::new(), logprobs: 0, echo: false, ignore_eos: false }
    }
}

/// Per-reply timings in milliseconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// Prompt processing up to the first generated token (time to first token).
    pub prefill_ms: f64,
    /// All later steps.
    pub decode_ms: f64,
    /// Prompt tokens actually run (the rest came from the KV cache).
    pub prefill_tokens: usize,
    pub decode_steps: usize,
    /// CPU time the decode steps spent recording and submitting GPU work (the wait for the GPU
    /// and the readback excluded): the thread's CPU time natively on Unix, else wall time.
    pub decode_cpu_ms: f64,
    /// Wall time of the same recording and submitting.
    pub decode_record_wall_ms: f64,
}

impl Timings {
    pub fn prefill_tok_s(&self) -> f64 {
        self.prefill_tokens as f64 / (self.prefill_ms / 1000.0)
    }
    pub fn decode_tok_s(&self) -> f64 {
        self.decode_steps as f64 / (self.decode_ms / 1000.0)
    }
    pub fn decode_cpu_ms_per_step(&self) -> f64 {
        self.decode_cpu_ms / self.decode_steps.max(1) as f64
    }
    pub fn decode_record_wall_ms_per_step(&self) -> f64 {
        self.decode_record_wall_ms / self.decode_steps.max(1) as f64
    }
}

#[derive(Clone, Debug)]
pub struct Completion {
    pub prompt: Vec<u32>,
    /// Generated ids, without the stop token.
    pub tokens: Vec<u32>,
    /// Generated text, cut before a stop string.
    pub text: String,
    pub finish: FinishReason,
    /// Per computed position, the `logprobs` highest raw logits `(id, logit)`, best first:
    /// `positions[i]` predicts the token after the i-th token covered (prompt ones with `echo`).
    pub positions: Vec<Vec<(u32, f32)>>,
    pub timings: Timings,
}

impl Completion {
    /// Where this completion and `other` part, if they do: different tokens, or a position
    /// whose top logits differ in id or by more than `tol` · (1 + |logit|). Two runs of one
    /// request on different paths (tunings, batching, fused matrices) must not part.
    pub fn parts_from(&self, other: &Completion, tol: f32) -> Option<String> {
        if self.tokens != other.tokens {
            return Some(format!("tokens {:?} vs {:?}", self.tokens, other.tokens));
        }
        if self.positions.len() != other.positions.len() {
            return Some(format!("{} vs {} positions", self.positions.len(), other.positions.len()));
        }
        let close = |(ia, la): &(u32, f32), (ib, lb): &(u32, f32)| ia == ib && (la - lb).abs() <= tol * (1.0 + la.abs());
        let (i, (a, b)) = self.positions.iter().zip(&other.positions).enumerate().find(|(_, (a, b))| a.len() != b.len() || !a.iter().zip(*b).all(|(x, y)| close(x, y)))?;
        Some(format!("position {i}: {a:?} vs {b:?}"))
    }
}

/// The K highest logits of one position, best first (ties: lower id first).
pub fn top_logits(logits: &[f32], k: usize) -> Vec<(u32, f32)> {
    let mut ids: Vec<u32> = (0..logits.len() as u32).collect();
    let k = k.min(ids.len());
    if k == 0 {
        return Vec::new();
    }
    let order = |&a: &u32, &b: &u32| logits[b as usize].total_cmp(&logits[a as usize]).then(a.cmp(&b));
    ids.select_nth_unstable_by(k - 1, order);
    ids.truncate(k);
    ids.sort_by(order);
    ids.into_iter().map(|i| (i, logits[i as usize])).collect()
}

/// Length of the shared start of two token lists.
fn common_prefix(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Generates after `prompt`. `cached` holds the tokens already in the KV cache (updated here;
/// cleared on error, since the cache's state is then unknown). `on_text` is called after every
/// token with the new text (possibly empty; never a broken character, never part of a stop
/// string) and returns `false` to stop.
pub async fn generate(
    ctx: &GpuContext,
    model: &Model,
    tokenizer: &Tokenizer,
    cached: &mut Vec<u32>,
    prompt: &[u32],
    options: &GenerateOptions,
    on_text: impl FnMut(&str) -> bool,
) -> Result<Completion> {
    let result = run(ctx, model, tokenizer, cached, prompt, options, on_text).await;
    if result.is_err() {
        cached.clear();
    }
    result
}

async fn run(
    ctx: &GpuContext,
    model: &Model,
    tokenizer: &Tokenizer,
    cached: &mut Vec<u32>,
    prompt: &[u32],
    options: &GenerateOptions,
    mut on_text: impl FnMut(&str) -> bool,
) -> Result<Completion> {
    if prompt.is_empty() {
        return Err(Error::InvalidRequest("the prompt is empty".into()));
    }
    if prompt.len() > model.n_ctx as usize {
        return Err(Error::InvalidRequest(format!(
            "the prompt has {} tokens but the context holds {}: shorten the conversation",
            prompt.len(),
            model.n_ctx
        )));
    }
    let k = options.logprobs;
    let mut rng = SplitMix64::new(options.seed);
    let mut positions = Vec::new();
    let mut timings = Timings::default();

    // Prefill: from the first position the cache does not already hold (at least the last
    // token, whose logits we need; all of them when echoing the prompt's logits).
    let reuse = if options.echo { 0 } else { common_prefix(cached, prompt).min(prompt.len() - 1) };
    let which = if options.echo { Logits::All } else { Logits::Last };
    let start = now_ms();
    cached.truncate(reuse);
    let mut step = model.submit_step(ctx, StepInput::Tokens(&prompt[reuse..]), reuse as u32, which, k > 0, &options.sampling, rng.next_f32())?.finish(ctx).await?;
    cached.extend_from_slice(&prompt[reuse..]);
    timings.prefill_ms = now_ms() - start;
    timings.prefill_tokens = prompt.len() - reuse;

    let decode_start = now_ms();
    let mut ahead = None;
    let mut tokens = Vec::new();
    let mut detok = TextStream::new();
    let mut stops = StopText::new(&options.stop);
    let mut text = String::new();
    let finish = loop {
        if let Some(logits) = &step.logits {
            positions.extend(logits.chunks(model.config.n_vocab as usize).map(|row| top_logits(row, k)));
        }
        let next = step.next;
        if tokens.len() >= options.max_tokens {
            break FinishReason::Length;
        }
        if !options.ignore_eos && tokenizer.stop_ids.contains(&next) {
            break FinishReason::Stop;
        }
        tokens.push(next);
        let (piece, hit_stop) = stops.push(&detok.push(tokenizer, next)?);
        text.push_str(&piece);
        if hit_stop {
            if !piece.is_empty() {
                on_text(&piece);
            }
            break FinishReason::Stop;
        }
        if !on_text(&piece) {
            break FinishReason::Cancelled;
        }
        if tokens.len() >= options.max_tokens {
            break FinishReason::Length;
        }
        if cached.len() >= model.n_ctx as usize {
            break FinishReason::ContextFull;
        }
        let pending = match ahead.take() {
            Some(pending) => pending,
            None => model.submit_step(ctx, StepInput::Tokens(&[next]), cached.len() as u32, Logits::Last, k > 0, &options.sampling, rng.next_f32())?,
        };
        cached.push(next);
        // The step after `pending` takes the token `pending` draws, on the GPU, before we have
        // read it: submitted now, it runs while we wait for that token and look at it
        // (`Tuning::decode_ahead`), unless the checks above will stop before it (the length or
        // the context limit). If the token ends the reply, that step is wasted. (Not during
        // the prompt: recording the first decode step, whose bind groups are new, would delay
        // the first token of a short prompt.)
        ahead = (model.tuning().decode_ahead && tokens.len() + 1 < options.max_tokens && cached.len() < model.n_ctx as usize)
            .then(|| model.submit_step(ctx, StepInput::DrawnBy(&pending), cached.len() as u32, Logits::Last, k > 0, &options.sampling, rng.next_f32()))
            .transpose()?;
        step = pending.finish(ctx).await?;
        timings.decode_steps += 1;
        timings.decode_cpu_ms += step.cpu_ms;
        timings.decode_record_wall_ms += step.wall_ms;
    };
    if finish != FinishReason::Stop && finish != FinishReason::Cancelled {
        let rest = stops.finish();
        if !rest.is_empty() {
            on_text(&rest);
        }
        text.push_str(&rest);
    }
    timings.decode_ms = now_ms() - decode_start;
    Ok(Completion { prompt: prompt.to_vec(), tokens, text, finish, positions, timings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completion(tokens: &[u32], positions: &[&[(u32, f32)]]) -> Completion {
        let positions = positions.iter().map(|p| p.to_vec()).collect();
        Completion { prompt: vec![1], tokens: tokens.to_vec(), text: String::new(), finish: FinishReason::Length, positions, timings: Timings::default() }
    }

    #[test]
    fn completions_part_where_a_token_an_id_or_a_logit_differs() {
        let a = completion(&[5, 6], &[&[(5, 2.0), (7, 1.0)], &[(6, -3.0)]]);
        assert_eq!(a.parts_from(&completion(&[5, 6], &[&[(5, 2.0001), (7, 1.0)], &[(6, -3.0)]]), 1e-4), None);
        for other in [
            completion(&[5, 7], &[&[(5, 2.0), (7, 1.0)], &[(6, -3.0)]]),
            completion(&[5, 6], &[&[(5, 2.0), (7, 1.0)]]),
            completion(&[5, 6], &[&[(5, 2.0), (8, 1.0)], &[(6, -3.0)]]),
            completion(&[5, 6], &[&[(5, 2.0), (7, 1.0)], &[(6, -3.01)]]),
            completion(&[5, 6], &[&[(5, 2.0)], &[(6, -3.0)]]),
        ] {
            assert!(a.parts_from(&other, 1e-4).is_some(), "{other:?}");
        }
    }
}
