//! The llama-family forward pass, every kernel of one step recorded into one command buffer:
//!
//!   x = embed(tokens)
//!   per layer:  h = rms_norm(x) · attn_norm
//!               q, k, v = Wq h, Wk h, Wv h;  rope(q, k);  cache ← k, v
//!               x += Wo · attention(q, cache)
//!               h = rms_norm(x) · ffn_norm
//!               x += Wdown · (silu(Wgate h) * Wup h)
//!   logits = Wout · (rms_norm(x) · output_norm)

use super::{ModelConfig, ModelOptions, Weights};
use crate::error::{Error, Result};
use crate::gguf::GgufHeader;
use crate::gpu::{whole, GpuContext, GpuTensor};
use crate::kernels::{AttentionShape, Kernels, Sampling};

struct Layer {
    attn_norm: GpuTensor,
    wq: GpuTensor,
    wk: GpuTensor,
    wv: GpuTensor,
    wo: GpuTensor,
    ffn_norm: GpuTensor,
    w_gate: GpuTensor,
    w_up: GpuTensor,
    w_down: GpuTensor,
    k_cache: wgpu::Buffer,
    v_cache: wgpu::Buffer,
}

/// Which positions' logits a forward pass returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Logits {
    /// Only the last token's (generation).
    Last,
    /// Every token's (scoring, echo/logprobs).
    All,
}

pub struct Model {
    pub config: ModelConfig,
    pub header: GgufHeader,
    /// Positions the KV cache holds.
    pub n_ctx: u32,
    pub weight_bytes: u64,
    kernels: Kernels,
    rope_freqs: wgpu::Buffer,
    token_embd: GpuTensor,
    output_norm: GpuTensor,
    output: GpuTensor,
    layers: Vec<Layer>,
}

/// Activations of one forward pass over `n_tok` tokens.
struct Scratch {
    x: wgpu::Buffer,
    h: wgpu::Buffer,
    q: wgpu::Buffer,
    k: wgpu::Buffer,
    v: wgpu::Buffer,
    att: wgpu::Buffer,
    gate: wgpu::Buffer,
    up: wgpu::Buffer,
}

impl Model {
    pub(crate) fn new(ctx: &GpuContext, header: &GgufHeader, weights: Weights, options: &ModelOptions) -> Result<Self> {
        let config = ModelConfig::from_header(header)?;
        let n_ctx = options.max_context.min(config.n_ctx_train).max(1);
        let kv_bytes = n_ctx as u64 * config.kv_dim() as u64 * 4;
        let cache = |name: String| {
            ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(&name),
                size: kv_bytes,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            })
        };
        let mut layers = Vec::new();
        for i in 0..config.n_layer {
            let w = |name: &str| weights.get(&format!("blk.{i}.{name}.weight")).cloned();
            layers.push(Layer {
                attn_norm: w("attn_norm")?,
                wq: w("attn_q")?,
                wk: w("attn_k")?,
                wv: w("attn_v")?,
                wo: w("attn_output")?,
                ffn_norm: w("ffn_norm")?,
                w_gate: w("ffn_gate")?,
                w_up: w("ffn_up")?,
                w_down: w("ffn_down")?,
                k_cache: cache(format!("k_cache.{i}")),
                v_cache: cache(format!("v_cache.{i}")),
            });
        }
        let token_embd = weights.get("token_embd.weight")?.clone();
        let output = if config.tied_embeddings { token_embd.clone() } else { weights.get("output.weight")?.clone() };
        let kernels = Kernels::new(ctx, header.tensors.iter().map(|t| t.ty))?;
        Ok(Self {
            rope_freqs: ctx.storage_buffer("rope_freqs", &config.rope.inv_freqs()),
            n_ctx,
            weight_bytes: weights.total_bytes,
            kernels,
            output_norm: weights.get("output_norm.weight")?.clone(),
            token_embd,
            output,
            layers,
            header: header.clone(),
            config,
        })
    }

    fn scratch(&self, ctx: &GpuContext, n_tok: u32) -> Scratch {
        let c = &self.config;
        let buf = |label: &str, per_token: u32| ctx.output_buffer(label, n_tok as u64 * per_token as u64 * 4);
        Scratch {
            x: buf("x", c.n_embd),
            h: buf("h", c.n_embd),
            q: buf("q", c.q_dim()),
            k: buf("k", c.kv_dim()),
            v: buf("v", c.kv_dim()),
            att: buf("att", c.q_dim()),
            gate: buf("gate", c.n_ff),
            up: buf("up", c.n_ff),
        }
    }

    /// Records the forward pass of `tokens` at positions `pos0..`; returns the logits buffer
    /// ([1 or n_tok][n_vocab]).
    fn encode(&self, ctx: &GpuContext, enc: &mut wgpu::CommandEncoder, tokens: &[u32], pos0: u32, which: Logits) -> Result<wgpu::Buffer> {
        let c = &self.config;
        let n_tok = tokens.len() as u32;
        if n_tok == 0 {
            return Err(Error::InvalidRequest("no tokens to process".into()));
        }
        if pos0 + n_tok > self.n_ctx {
            return Err(Error::InvalidRequest(format!(
                "the context holds {} tokens; {} + {} do not fit",
                self.n_ctx, pos0, n_tok
            )));
        }
        if let Some(&bad) = tokens.iter().find(|&&t| t >= c.n_vocab) {
            return Err(Error::InvalidRequest(format!("token id {bad} is outside the vocabulary of {}", c.n_vocab)));
        }
        let k = &self.kernels;
        let s = self.scratch(ctx, n_tok);
        let ids = ctx.storage_buffer("ids", tokens);
        let shape = AttentionShape {
            n_head: c.n_head,
            n_kv_head: c.n_kv_head,
            head_dim: c.head_dim,
            scale: 1.0 / (c.head_dim as f32).sqrt(),
            window: 0,
        };
        let kv_row_bytes = c.kv_dim() as u64 * 4;

        k.embed(ctx, enc, &self.token_embd, whole(&ids), whole(&s.x), n_tok, 1.0);
        for layer in &self.layers {
            k.rms_norm(ctx, enc, whole(&s.x), layer.attn_norm.binding(), whole(&s.h), n_tok, c.n_embd, c.rms_eps);
            k.matmul(ctx, enc, &layer.wq, whole(&s.h), whole(&s.q), n_tok, false);
            k.matmul(ctx, enc, &layer.wk, whole(&s.h), whole(&s.k), n_tok, false);
            k.matmul(ctx, enc, &layer.wv, whole(&s.h), whole(&s.v), n_tok, false);
            k.rope(ctx, enc, whole(&s.q), whole(&self.rope_freqs), n_tok, c.n_head, c.head_dim, pos0, &c.rope);
            k.rope(ctx, enc, whole(&s.k), whole(&self.rope_freqs), n_tok, c.n_kv_head, c.head_dim, pos0, &c.rope);
            let at = pos0 as u64 * kv_row_bytes;
            enc.copy_buffer_to_buffer(&s.k, 0, &layer.k_cache, at, n_tok as u64 * kv_row_bytes);
            enc.copy_buffer_to_buffer(&s.v, 0, &layer.v_cache, at, n_tok as u64 * kv_row_bytes);
            k.attention(ctx, enc, whole(&s.q), whole(&layer.k_cache), whole(&layer.v_cache), whole(&s.att), n_tok, pos0, &shape);
            k.matmul(ctx, enc, &layer.wo, whole(&s.att), whole(&s.x), n_tok, true);

            k.rms_norm(ctx, enc, whole(&s.x), layer.ffn_norm.binding(), whole(&s.h), n_tok, c.n_embd, c.rms_eps);
            k.matmul(ctx, enc, &layer.w_gate, whole(&s.h), whole(&s.gate), n_tok, false);
            k.matmul(ctx, enc, &layer.w_up, whole(&s.h), whole(&s.up), n_tok, false);
            k.silu_mul(ctx, enc, whole(&s.gate), whole(&s.up), n_tok * c.n_ff);
            k.matmul(ctx, enc, &layer.w_down, whole(&s.gate), whole(&s.x), n_tok, true);
        }
        k.rms_norm(ctx, enc, whole(&s.x), self.output_norm.binding(), whole(&s.h), n_tok, c.n_embd, c.rms_eps);
        let (rows, input) = match which {
            Logits::All => (n_tok, s.h),
            Logits::Last => {
                let last = ctx.output_buffer("h_last", c.n_embd as u64 * 4);
                let row = c.n_embd as u64 * 4;
                enc.copy_buffer_to_buffer(&s.h, (n_tok as u64 - 1) * row, &last, 0, row);
                (1, last)
            }
        };
        let logits = ctx.output_buffer("logits", rows as u64 * c.n_vocab as u64 * 4);
        k.matmul(ctx, enc, &self.output, whole(&input), whole(&logits), rows, false);
        Ok(logits)
    }

    /// Runs `tokens` at positions `pos0..` (filling the KV cache) and returns logits,
    /// `[n_vocab]` for [`Logits::Last`] or `[n_tok][n_vocab]` for [`Logits::All`].
    pub async fn forward(&self, ctx: &GpuContext, tokens: &[u32], pos0: u32, which: Logits) -> Result<Vec<f32>> {
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        let logits = self.encode(ctx, &mut enc, tokens, pos0, which)?;
        ctx.queue.submit([enc.finish()]);
        let rows = if which == Logits::All { tokens.len() } else { 1 };
        ctx.read_f32(&logits, rows * self.config.n_vocab as usize).await
    }

    /// Runs `tokens` at `pos0..` and draws the next token on the GPU from the last position's
    /// logits (a 4-byte readback); with `read_logits` also returns the logits ([`Logits`] rows).
    #[allow(clippy::too_many_arguments)]
    pub async fn step(&self, ctx: &GpuContext, tokens: &[u32], pos0: u32, which: Logits, read_logits: bool, sampling: &Sampling, u: f32) -> Result<Step> {
        let n_vocab = self.config.n_vocab;
        let rows = if which == Logits::All { tokens.len() } else { 1 };
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        let logits = self.encode(ctx, &mut enc, tokens, pos0, which)?;
        let result = ctx.output_buffer("next", 4);
        let last_row = (rows as u32 - 1) * n_vocab;
        self.kernels.sample(ctx, &mut enc, whole(&logits), last_row, n_vocab, sampling, u, whole(&result));
        ctx.queue.submit([enc.finish()]);
        let bytes = ctx.read_bytes(&result, 4).await?;
        let next = u32::from_le_bytes(bytes[..4].try_into().expect("4 bytes"));
        let logits = if read_logits { Some(ctx.read_f32(&logits, rows * n_vocab as usize).await?) } else { None };
        Ok(Step { next, logits })
    }
}

/// The outcome of [`Model::step`].
pub struct Step {
    /// The token drawn for the position after the last one.
    pub next: u32,
    /// The logits rows, when asked for.
    pub logits: Option<Vec<f32>>,
}
