//! The generation loop: prefill the prompt in one batch, then decode one token per step, each
//! step one command buffer and a 4-byte readback of the token chosen on the GPU.

use crate::error::Result;
use crate::gpu::GpuContext;
use crate::model::Model;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishReason {
    /// A stop token (EOS / end of turn) was produced; it is not part of the output.
    Stop,
    /// `max_tokens` reached.
    Length,
    /// The KV cache is full.
    ContextFull,
    /// The caller's callback asked to stop.
    Cancelled,
}

pub struct Generation {
    pub tokens: Vec<u32>,
    pub finish: FinishReason,
}

/// Greedy generation after `prompt` (positions from 0). `on_token` sees each new token and
/// returns `false` to stop.
pub async fn generate_greedy(
    ctx: &GpuContext,
    model: &Model,
    prompt: &[u32],
    max_tokens: usize,
    stop_ids: &[u32],
    mut on_token: impl FnMut(u32) -> bool,
) -> Result<Generation> {
    let mut tokens = Vec::new();
    let mut pos = prompt.len() as u32;
    let mut next = model.forward_greedy(ctx, prompt, 0).await?;
    let finish = loop {
        if stop_ids.contains(&next) {
            break FinishReason::Stop;
        }
        tokens.push(next);
        if !on_token(next) {
            break FinishReason::Cancelled;
        }
        if tokens.len() >= max_tokens {
            break FinishReason::Length;
        }
        if pos >= model.n_ctx {
            break FinishReason::ContextFull;
        }
        next = model.forward_greedy(ctx, &[next], pos).await?;
        pos += 1;
    };
    Ok(Generation { tokens, finish })
}
