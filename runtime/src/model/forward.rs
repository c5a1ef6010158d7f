//! The llama-family forward pass, every kernel of one step recorded into one command buffer:
//!
//!   x = embed(tokens) · embedding_scale
//!   per layer:  h = rms_norm(x) · attn_norm
//!               q, k, v = Wq h (+ bq), Wk h (+ bk), Wv h (+ bv)      [qwen2: biases]
//!               q, k = rms_norm(q) · q_norm, rms_norm(k) · k_norm    [qwen3, gemma3: per head]
//!               rope(q, k);  cache ← k, v
//!               a = Wo · attention(q, cache)    [gemma3: a sliding window on local layers]
//!               x += a, or x += rms_norm(a) · post_attention_norm     [gemma3]
//!               h = rms_norm(x) · ffn_norm
//!               f = Wdown · (act(Wgate h) * Wup h)       [act: silu, or gelu_tanh for gemma3]
//!               x += f, or x += rms_norm(f) · post_ffw_norm           [gemma3]
//!   logits = Wout · (rms_norm(x) · output_norm)       [Wout = token_embd when tied]
//!
//! Fused weights (phi3's attn_qkv, and ffn_up holding [gate; up]) are used through row views.
//! Where Q, K and V (or gate and up) lie back to back, as the uploader lays them out, one matmul
//! computes them all: for gate and up always (into one [gate | up] row per token), for Q, K and V
//! in decode steps (one token: q, k and v are then adjacent ranges of one buffer, and RoPE
//! rotates q and k in one dispatch). In decode steps the RMSNorms before Q/K/V, gate/up and the
//! output matrix are computed by those GEMVs as they read x (`Kernels::rms_norm_input`), and the
//! GLU by the down projection's. Fewer dispatches is what a decode step's CPU time is made of, and
//! on a GPU much of its time: each costs a few µs, more than a small model's matmul.

use super::{ModelConfig, ModelOptions, Weights};
use crate::clock::{now_ms, thread_cpu_ms};
use crate::error::{Error, Result};
use crate::gguf::GgufHeader;
use crate::gpu::{whole, BindCache, GpuContext, GpuTensor, KvCache, Readback, Recorder};
use std::cell::RefCell;
use crate::kernels::{attention_parts_bytes, Kernels, QkvStore, Sampling, Tuning, YRows};

struct Layer {
    attn_norm: GpuTensor,
    /// Q, K and V as one matrix of all their rows, when they lie back to back.
    wqkv: Option<GpuTensor>,
    wq: GpuTensor,
    wk: GpuTensor,
    wv: GpuTensor,
    /// Biases of q, k, v (qwen2).
    qkv_bias: Option<[GpuTensor; 3]>,
    /// Per-head RMSNorm weights of q and k (qwen3, gemma3).
    qk_norm: Option<[GpuTensor; 2]>,
    wo: GpuTensor,
    post_attention_norm: Option<GpuTensor>,
    ffn_norm: GpuTensor,
    /// Gate and up as one matrix ([gate; up]), when they lie back to back.
    w_gate_up: Option<GpuTensor>,
    w_gate: GpuTensor,
    w_up: GpuTensor,
    w_down: GpuTensor,
    post_ffw_norm: Option<GpuTensor>,
    /// Attends through the sliding window, with the local RoPE.
    local: bool,
    kv: KvCache,
}

/// Which positions' logits a forward pass returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Logits {
    /// Only the last token's (generation).
    Last,
    /// Every token's (scoring, echo/logprobs).
    All,
}

/// Milliseconds of a load spent handing the weights to the GPU and finishing; the rest of a
/// load's time is its source's (network, IndexedDB, disk). In a browser the uploads return at
/// once unless the GPU process is behind: there `feed_ms` is mostly the page waiting for the
/// GPU process to compile the kernels started at the header (see DESIGN.md).
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadTimings {
    /// Parsing and uploading the weights as they arrived.
    pub feed_ms: f64,
    /// After the last byte: compiling the kernels not compiled yet, waiting for the GPU, and the
    /// warm-up step where the tuning runs one ([`Tuning::warm_up`]).
    pub finish_ms: f64,
    /// The part of `finish_ms` that the warm-up step took (0 without one).
    pub warm_up_ms: f64,
}

pub struct Model {
    pub config: ModelConfig,
    pub header: GgufHeader,
    /// Positions the KV cache holds.
    pub n_ctx: u32,
    pub weight_bytes: u64,
    /// Where the load's time went on this side (see [`LoadTimings`]).
    pub load_timings: LoadTimings,
    kernels: Kernels,
    rope_freqs: wgpu::Buffer,
    rope_freqs_local: wgpu::Buffer,
    token_embd: GpuTensor,
    output_norm: GpuTensor,
    output: GpuTensor,
    layers: Vec<Layer>,
    /// q, k and v of one token can be bound as ranges of one buffer (their byte sizes meet the
    /// storage offset alignment).
    qkv_ranges: bool,
    decode: RefCell<Option<Decode>>,
}

/// Activations of one forward pass over `n_tok` tokens.
struct Scratch {
    x: wgpu::Buffer,
    h: wgpu::Buffer,
    /// A branch output before its post-norm (gemma3).
    branch: wgpu::Buffer,
    q: wgpu::Buffer,
    k: wgpu::Buffer,
    /// q and k after their per-head norms (a kernel cannot read and write one buffer).
    q_normed: wgpu::Buffer,
    k_normed: wgpu::Buffer,
    v: wgpu::Buffer,
    /// [q | k | v] of one token (decode).
    qkv: wgpu::Buffer,
    att: wgpu::Buffer,
    /// A decode step's attention results per chunk of keys.
    att_parts: wgpu::Buffer,
    /// [n_tok][gate | up], and the gated unit's output [n_tok][n_ff].
    gate_up: wgpu::Buffer,
    ffn: wgpu::Buffer,
}

/// Bytes of one layer's key (or value) cache for `n_ctx` positions of `kv_dim` values of
/// `value_bytes` each, or `TooBigForGpu` (naming the longest context that fits) where attention
/// could not bind it whole.
fn kv_layer_bytes(n_ctx: u32, kv_dim: u32, value_bytes: u64, bind_limit: u64) -> Result<u64> {
    let row = kv_dim as u64 * value_bytes;
    let bytes = n_ctx as u64 * row;
    let size = |b: u64| if b >= 1 << 20 { format!("{:.1} MiB", b as f64 / (1 << 20) as f64) } else { format!("{} KiB", b >> 10) };
    if bytes > bind_limit {
        return Err(Error::TooBigForGpu(format!(
            "a context of {n_ctx} tokens needs {} of keys per layer, over this GPU's {} storage binding limit: ask for at most {} tokens",
            size(bytes),
            size(bind_limit),
            bind_limit / row
        )));
    }
    Ok(bytes)
}

/// The context a model runs with under `options` (what was asked, within what it was trained on),
/// and the bytes of each layer's key (and value) cache for it, or `TooBigForGpu`. The loader asks
/// as soon as a one-file model's header is in, before its weights download.
pub(crate) fn kv_cache(ctx: &GpuContext, config: &ModelConfig, options: &ModelOptions, tuning: Tuning) -> Result<(u32, u64)> {
    let n_ctx = options.max_context.min(config.n_ctx_train).max(1);
    Ok((n_ctx, kv_layer_bytes(n_ctx, config.kv_dim(), tuning.kv_bytes(), ctx.info.max_binding())?))
}

impl Model {
    /// The kernels a model with this header runs: matmuls for its matrices' types only (norms are
    /// F32 vectors), decode's fused GLU GEMVs for its ffn_down types, and attention for its head
    /// size; the prefill GEMMs of the layers' types compile with the load, the output's on first
    /// use (SwiftShader: about 1 s each), and the token embedding's type's lookup only. Nothing
    /// is compiled here: the loader starts the compiles ([`Kernels::at_load`],
    /// kernels::compile_early) as soon as a one-file model's header has arrived, so that a
    /// browser's GPU process compiles while the weights stream in.
    /// `tuning`: the variants to compile.
    pub(crate) fn kernels(ctx: &GpuContext, header: &GgufHeader, tuning: Tuning) -> Result<Kernels> {
        let config = ModelConfig::from_header(header)?;
        let matrices = || header.tensors.iter().filter(|t| t.dims.len() > 1);
        let down_types = matrices().filter(|t| t.name.starts_with("blk.") && t.name.ends_with(".ffn_down.weight")).map(|t| t.ty);
        let kernels = Kernels::tuned(ctx, matrices().map(|t| t.ty), &[config.attention_shape(false)], tuning)?.with_glu_gemv(ctx, down_types, config.activation)?;
        // Decode's Q/K/V GEMVs that finish q, k and v, for attn_q's types (a fused Q/K/V matrix
        // has its parts' type): with RoPE and the KV write where a layer's q and k go straight
        // from the matmul to RoPE (no q/k norm or bias) with adjacent pairs, with the biases
        // where a layer has them.
        let has = |t: &crate::gguf::TensorInfo, from: &str, to: &str| header.tensor(&t.name.replace(from, to)).is_some();
        let q_types = || matrices().filter(|t| t.name.starts_with("blk.") && t.name.ends_with(".attn_q.weight"));
        let biased = |t: &&crate::gguf::TensorInfo| has(t, ".weight", ".bias");
        let plain_qk = |t: &&crate::gguf::TensorInfo| !has(t, "attn_q.weight", "attn_q_norm.weight") && !biased(t);
        let adjacent = config.rope.style == crate::kernels::RopeStyle::Adjacent;
        let kernels = kernels
            .with_qkv_gemv(ctx, QkvStore::RopeKv, q_types().filter(plain_qk).filter(|_| adjacent).map(|t| t.ty))?
            .with_qkv_gemv(ctx, QkvStore::Bias, q_types().filter(biased).map(|t| t.ty))?;
        let embedding = header.tensor("token_embd.weight").map(|t| t.ty);
        Ok(kernels.with_prefill(matrices().filter(|t| t.name.starts_with("blk.")).map(|t| t.ty)).with_embedding(embedding))
    }

    /// Compiles the kernels a load compiles ([`Kernels::at_load`]) that are not yet.
    pub(crate) fn compile_kernels(&self) {
        crate::kernels::compile_all(&self.kernels.at_load())
    }

    /// Each kernel a load compiles, compiled again one at a time: (label, WGSL bytes, ms),
    /// longest first (see [`crate::kernels::Kernel::time_compile`]).
    pub fn compile_times(&self) -> Vec<(String, usize, f64)> {
        let mut times: Vec<_> = self.kernels.at_load().iter().map(|k| k.time_compile()).collect();
        times.sort_by(|a, b| b.2.total_cmp(&a.2));
        times
    }

    /// `kernels`: [`Self::kernels`] of this header.
    pub(crate) fn new(ctx: &GpuContext, header: &GgufHeader, weights: Weights, options: &ModelOptions, kernels: Kernels) -> Result<Self> {
        let config = ModelConfig::from_header(header)?;
        let (n_ctx, kv_bytes) = kv_cache(ctx, &config, options, kernels.tuning)?;
        let cache = |name: String| {
            ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(&name),
                size: kv_bytes,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            })
        };
        let mut layers = Vec::new();
        let (q_dim, kv_dim, n_ff) = (config.q_dim(), config.kv_dim(), config.n_ff);
        for i in 0..config.n_layer {
            let name = |part: &str| format!("blk.{i}.{part}");
            let w = |part: &str| weights.get(&name(part)).cloned();
            let opt = |part: &str| weights.has(&name(part)).then(|| w(part)).transpose();
            let (wqkv, wq, wk, wv) = match opt("attn_qkv.weight")? {
                Some(qkv) => {
                    let (q, k, v) = (qkv.rows(0, q_dim), qkv.rows(q_dim, kv_dim), qkv.rows(q_dim + kv_dim, kv_dim));
                    (Some(qkv), q, k, v)
                }
                None => {
                    let fused = weights.fused(&[name("attn_q.weight"), name("attn_k.weight"), name("attn_v.weight")]);
                    (fused, w("attn_q.weight")?, w("attn_k.weight")?, w("attn_v.weight")?)
                }
            };
            let up = w("ffn_up.weight")?;
            let (w_gate_up, w_gate, w_up) = match opt("ffn_gate.weight")? {
                Some(gate) => (weights.fused(&[name("ffn_gate.weight"), name("ffn_up.weight")]), gate, up),
                None => {
                    let (gate, up_rows) = (up.rows(0, n_ff), up.rows(n_ff, n_ff));
                    (Some(up), gate, up_rows)
                }
            };
            let qkv_bias = match opt("attn_q.bias")? {
                Some(bq) => Some([bq, w("attn_k.bias")?, w("attn_v.bias")?]),
                None => None,
            };
            let qk_norm = match opt("attn_q_norm.weight")? {
                Some(qn) => Some([qn, w("attn_k_norm.weight")?]),
                None => None,
            };
            let fuse = |t: Option<GpuTensor>| t.filter(|_| options.fuse_matmuls);
            layers.push(Layer {
                attn_norm: w("attn_norm.weight")?,
                wqkv: fuse(wqkv),
                wq,
                wk,
                wv,
                qkv_bias,
                qk_norm,
                wo: w("attn_output.weight")?,
                post_attention_norm: opt("post_attention_norm.weight")?,
                ffn_norm: w("ffn_norm.weight")?,
                w_gate_up: fuse(w_gate_up),
                w_gate,
                w_up,
                w_down: w("ffn_down.weight")?,
                post_ffw_norm: opt("post_ffw_norm.weight")?,
                local: config.is_local_layer(i),
                kv: KvCache::new(&ctx.device, &ctx.info.limits, &format!("kv_cache.{i}"), cache(format!("k_cache.{i}")), cache(format!("v_cache.{i}")), n_ctx, kv_dim, &kernels.tuning),
            });
        }
        let mut output_norm = weights.get("output_norm.weight")?.clone();
        if kernels.tuning.norm_in_gemv {
            // Decode's GEMVs read the RMSNorm weights before them through uniform windows.
            let norms: Vec<&GpuTensor> = layers.iter().flat_map(|l| [&l.attn_norm, &l.ffn_norm]).chain([&output_norm]).collect();
            let mut copies = ctx.uniform_copies(&norms).into_iter();
            for layer in &mut layers {
                (layer.attn_norm, layer.ffn_norm) = (copies.next().expect("a copy per norm"), copies.next().expect("a copy per norm"));
            }
            output_norm = copies.next().expect("a copy per norm");
        }
        let token_embd = weights.get("token_embd.weight")?.clone();
        let output = if config.tied_embeddings { token_embd.clone() } else { weights.get("output.weight")?.clone() };
        // Llama 3's RoPE scaling: one divisor per rotated pair (global layers).
        let rope_factors = weights.host_f32("rope_freqs.weight")?;
        if let Some(f) = &rope_factors {
            if f.len() != config.rope.n_rot as usize / 2 || f.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
                return Err(Error::UnsupportedModel(format!("rope_freqs.weight must hold {} positive factors", config.rope.n_rot / 2)));
            }
        }
        let align = ctx.info.limits.min_storage_buffer_offset_alignment as u64;
        let qkv_ranges = (q_dim as u64 * 4) % align == 0 && (kv_dim as u64 * 4) % align == 0;
        Ok(Self {
            qkv_ranges,
            rope_freqs: ctx.storage_buffer("rope_freqs", &config.rope.inv_freqs(rope_factors.as_deref())),
            rope_freqs_local: ctx.storage_buffer("rope_freqs_local", &config.rope_local.inv_freqs(None)),
            n_ctx,
            weight_bytes: weights.total_bytes,
            load_timings: LoadTimings::default(),
            kernels,
            output_norm,
            token_embd,
            output,
            layers,
            decode: RefCell::new(None),
            header: header.clone(),
            config,
        })
    }

    /// The kernel variants the model runs.
    pub fn tuning(&self) -> Tuning {
        self.kernels.tuning
    }

    /// How many layers run Q/K/V, and gate/up, as one matmul.
    pub fn fused_layers(&self) -> FusedLayers {
        FusedLayers {
            qkv: self.layers.iter().filter(|l| l.wqkv.is_some()).count(),
            gate_up: self.layers.iter().filter(|l| l.w_gate_up.is_some()).count(),
            of: self.layers.len(),
        }
    }

    fn scratch(&self, ctx: &GpuContext, n_tok: u32) -> Scratch {
        let c = &self.config;
        let buf = |label: &str, per_token: u32| ctx.output_buffer(label, n_tok as u64 * per_token as u64 * 4);
        Scratch {
            x: buf("x", c.n_embd),
            h: buf("h", c.n_embd),
            branch: buf("branch", c.n_embd),
            q: buf("q", c.q_dim()),
            k: buf("k", c.kv_dim()),
            q_normed: buf("q_normed", c.q_dim()),
            k_normed: buf("k_normed", c.kv_dim()),
            v: buf("v", c.kv_dim()),
            qkv: buf("qkv", c.q_dim() + 2 * c.kv_dim()),
            att: buf("att", c.q_dim()),
            att_parts: ctx.output_buffer("att_parts", attention_parts_bytes(&self.config.attention_shape(false))),
            gate_up: buf("gate_up", 2 * c.n_ff),
            ffn: buf("ffn", c.n_ff),
        }
    }

    /// Fresh buffers for one pass over `n_tok` tokens.
    fn buffers(&self, ctx: &GpuContext, n_tok: u32, which: Logits) -> StepBuffers {
        let rows = if which == Logits::All { n_tok } else { 1 };
        StepBuffers {
            s: self.scratch(ctx, n_tok),
            ids: ctx.output_buffer("ids", n_tok as u64 * 4),
            logits: ctx.output_buffer("logits", rows as u64 * self.config.n_vocab as u64 * 4),
            next: ctx.output_buffer("next", 4),
        }
    }

    fn check_tokens(&self, tokens: &[u32], pos0: u32) -> Result<()> {
        self.check_span(tokens.len() as u32, pos0)?;
        if let Some(&bad) = tokens.iter().find(|&&t| t >= self.config.n_vocab) {
            return Err(Error::InvalidRequest(format!("token id {bad} is outside the vocabulary of {}", self.config.n_vocab)));
        }
        Ok(())
    }

    /// `n_tok` tokens fit at positions `pos0..`.
    fn check_span(&self, n_tok: u32, pos0: u32) -> Result<()> {
        if n_tok == 0 {
            return Err(Error::InvalidRequest("no tokens to process".into()));
        }
        if pos0 + n_tok > self.n_ctx {
            return Err(Error::InvalidRequest(format!(
                "the context holds {} tokens; {} + {} do not fit",
                self.n_ctx, pos0, n_tok
            )));
        }
        Ok(())
    }

    /// Records the forward pass of `n_tok` tokens (already in `b.ids`) at positions `pos0..`
    /// into `b.logits` ([1 or n_tok][n_vocab]); with no logits wanted (`which` None: a long
    /// prompt's batches before its last) it stops once the last layer's keys and values are in
    /// the cache.
    fn encode(&self, rec: &mut Recorder<'_>, b: &StepBuffers, n_tok: u32, pos0: u32, which: Option<Logits>) {
        let c = &self.config;
        let (k, s) = (&self.kernels, &b.s);
        k.embed(rec, &self.token_embd, whole(&b.ids), whole(&s.x), n_tok, c.embedding_scale);
        // Tokens whose hidden states are still carried (from row 0 of s.x).
        let mut rows = n_tok;
        for (i, layer) in self.layers.iter().enumerate() {
            let q = self.attention_input(rec, layer, s, n_tok, pos0);
            let last_layer = i + 1 == self.layers.len();
            // A pass whose logits nobody wants runs every layer but the last for all its tokens
            // (as for all logits), and the last only up to its keys and values, written above.
            let Some(which) = which.or((!last_layer).then_some(Logits::All)) else { return };
            // When only the last token's logits are wanted, the last layer goes on, past writing
            // every token's key and value, with the last token alone (as llama.cpp does): its
            // attention, output projection and FFN for one token instead of the prompt's.
            let last_only = which == Logits::Last && n_tok > 1 && last_layer;
            let (q, pos) = match last_only {
                true => {
                    self.keep_last_token(rec, s, &q, n_tok);
                    rows = 1;
                    (whole(&s.q), pos0 + n_tok - 1)
                }
                false => (q, pos0),
            };
            self.attention_and_ffn(rec, layer, s, q, rows, pos);
        }
        let Some(which) = which else { return };
        let row = c.n_embd as u64 * 4;
        let (rows, input) = match which {
            Logits::Last if rows > 1 => {
                // Only the last token's row goes through the output norm and matrix.
                rec.copy_buffer(&s.x, (rows as u64 - 1) * row, &s.branch, 0, row);
                (1, wgpu::BufferBinding { buffer: &s.branch, offset: 0, size: wgpu::BufferSize::new(row) })
            }
            Logits::Last => (1, whole(&s.x)),
            Logits::All => (n_tok, whole(&s.x)),
        };
        let h = k.rms_norm_input(rec, input, self.output_norm.binding(), whole(&s.h), rows, c.n_embd, c.rms_eps, &[&self.output]);
        k.matmul(rec, &self.output, h, whole(&b.logits), rows, false);
    }

    /// A layer's attention input for `n_tok` tokens at `pos0..`: each token's key and value
    /// written into the caches (and their texture copies, where they have them), and the
    /// binding that holds the queries (rotated).
    fn attention_input<'a>(&self, rec: &mut Recorder<'_>, layer: &'a Layer, s: &'a Scratch, n_tok: u32, pos0: u32) -> wgpu::BufferBinding<'a> {
        let (c, k) = (&self.config, &self.kernels);
        let (q_dim, kv_dim) = (c.q_dim(), c.kv_dim());
        // Without q/k norms or biases, Q/K/V write rows [q | k | v] of s.qkv, which rope_kv
        // finishes in one pass (or, for one token, the Q/K/V GEMV's epilogue). With them, a
        // prompt's q, k and v are three buffers, one token's adjacent ranges of s.qkv (where
        // such ranges can be bound).
        let plain_qk = layer.qk_norm.is_none() && layer.qkv_bias.is_none();
        let adjacent = n_tok == 1 && self.qkv_ranges;
        // The matrices that read the normed x: no allocation per step (decode's hot path).
        let wqkv = layer.wqkv.as_ref().filter(|_| plain_qk || adjacent);
        let separate = [&layer.wq, &layer.wk, &layer.wv];
        let readers = wqkv.as_ref().map_or(&separate[..], std::slice::from_ref);
        let h = k.rms_norm_input(rec, whole(&s.x), layer.attn_norm.binding(), whole(&s.h), n_tok, c.n_embd, c.rms_eps, readers);
        let (rope, freqs) = if layer.local { (&c.rope_local, &self.rope_freqs_local) } else { (&c.rope, &self.rope_freqs) };
        let (k_cache, v_cache) = (whole(&layer.kv.k), whole(&layer.kv.v));
        let q_bytes = q_dim as u64 * 4;
        let one = wqkv.filter(|_| n_tok == 1);
        // One token: the Q/K/V GEMV can rotate and write the caches itself, or add the biases.
        if let Some(w) = one.filter(|_| plain_qk) {
            if k.matmul_rope_kv(rec, w, h.clone(), whole(&s.qkv), whole(freqs), k_cache.clone(), v_cache.clone(), layer.kv.texels(), c.n_head, c.n_kv_head, c.head_dim, pos0, rope) {
                // Its epilogue wrote the texture copies too.
                return range(&s.qkv, 0, q_bytes);
            }
        }
        let biased = match (one, &layer.qkv_bias) {
            (Some(w), Some([bq, bk, bv])) => k.matmul_qkv_bias(rec, w, h.clone(), whole(&s.qkv), [bq.binding(), bk.binding(), bv.binding()], q_dim, kv_dim),
            _ => false,
        };
        if plain_qk || biased {
            if !biased {
                match wqkv {
                    Some(w) => k.matmul(rec, w, h, whole(&s.qkv), n_tok, false),
                    None => {
                        for (w, row0) in separate.into_iter().zip([0, q_dim, q_dim + kv_dim]) {
                            k.matmul_into(rec, w, h.clone(), whole(&s.qkv), n_tok, false, YRows { stride: q_dim + 2 * kv_dim, row0 });
                        }
                    }
                }
            }
            k.rope_kv(rec, whole(&s.qkv), whole(freqs), k_cache, v_cache, whole(&s.q), n_tok, c.n_head, c.n_kv_head, c.head_dim, pos0, rope);
            layer.kv.copy_rows(rec, pos0, n_tok);
            return whole(&s.q);
        }
        // q/k norms (qwen3, gemma3), or a prompt's biases (qwen2).
        let kv_bytes = kv_dim as u64 * 4;
        let (q, key, v) = match adjacent {
            true => (range(&s.qkv, 0, q_bytes), range(&s.qkv, q_bytes, kv_bytes), range(&s.qkv, q_bytes + kv_bytes, kv_bytes)),
            false => (whole(&s.q), whole(&s.k), whole(&s.v)),
        };
        match wqkv {
            Some(w) => k.matmul(rec, w, h, whole(&s.qkv), 1, false),
            None => {
                k.matmul(rec, &layer.wq, h.clone(), q.clone(), n_tok, false);
                k.matmul(rec, &layer.wk, h.clone(), key.clone(), n_tok, false);
                k.matmul(rec, &layer.wv, h, v.clone(), n_tok, false);
            }
        }
        if let Some([bq, bk, bv]) = &layer.qkv_bias {
            k.add(rec, q.clone(), bq.binding(), n_tok * q_dim, q_dim);
            k.add(rec, key.clone(), bk.binding(), n_tok * kv_dim, kv_dim);
            k.add(rec, v.clone(), bv.binding(), n_tok * kv_dim, kv_dim);
        }
        let (q, key) = match &layer.qk_norm {
            Some([qn, kn]) => {
                k.rms_norm(rec, q, qn.binding(), whole(&s.q_normed), n_tok * c.n_head, c.head_dim, c.rms_eps);
                k.rms_norm(rec, key, kn.binding(), whole(&s.k_normed), n_tok * c.n_kv_head, c.head_dim, c.rms_eps);
                (whole(&s.q_normed), whole(&s.k_normed))
            }
            None => (q, key),
        };
        k.rope(rec, q.clone(), whole(freqs), n_tok, c.n_head, c.head_dim, pos0, rope);
        k.rope(rec, key.clone(), whole(freqs), n_tok, c.n_kv_head, c.head_dim, pos0, rope);
        k.store_kv(rec, key, &layer.kv.k, pos0, kv_dim, n_tok * kv_dim);
        k.store_kv(rec, v, &layer.kv.v, pos0, kv_dim, n_tok * kv_dim);
        layer.kv.copy_rows(rec, pos0, n_tok);
        q
    }

    /// Moves the last of `n_tok` tokens' query (in `q`) and hidden state to row 0 of s.q and s.x.
    fn keep_last_token(&self, rec: &mut Recorder<'_>, s: &Scratch, q: &wgpu::BufferBinding<'_>, n_tok: u32) {
        let (q_row, x_row) = (self.config.q_dim() as u64 * 4, self.config.n_embd as u64 * 4);
        let last = n_tok as u64 - 1;
        // A buffer cannot be copied into itself: through s.att and s.branch, which the layer's
        // attention and residual write only later.
        rec.copy_buffer(q.buffer, q.offset + last * q_row, &s.att, 0, q_row);
        rec.copy_buffer(&s.att, 0, &s.q, 0, q_row);
        rec.copy_buffer(&s.x, last * x_row, &s.branch, 0, x_row);
        rec.copy_buffer(&s.branch, 0, &s.x, 0, x_row);
    }

    /// The rest of a layer for `n_tok` tokens at `pos0..` whose queries are in `q` and whose
    /// keys and values are in the caches: attention, its output projection and the FFN, each
    /// added to the hidden states in s.x.
    fn attention_and_ffn(&self, rec: &mut Recorder<'_>, layer: &Layer, s: &Scratch, q: wgpu::BufferBinding<'_>, n_tok: u32, pos0: u32) {
        let (c, k) = (&self.config, &self.kernels);
        let shape = self.config.attention_shape(layer.local);
        k.attention(rec, q, whole(&layer.kv.k), whole(&layer.kv.v), layer.kv.texels(), whole(&s.att), whole(&s.att_parts), n_tok, pos0, &shape);
        let out = |rec: &mut Recorder<'_>, y: wgpu::BufferBinding<'_>, accumulate: bool| k.matmul(rec, &layer.wo, whole(&s.att), y, n_tok, accumulate);
        self.residual(rec, out, layer.post_attention_norm.as_ref(), s, n_tok);

        let w_gate_up = layer.w_gate_up.as_ref();
        let separate = [&layer.w_gate, &layer.w_up];
        let readers = w_gate_up.as_ref().map_or(&separate[..], std::slice::from_ref);
        let h = k.rms_norm_input(rec, whole(&s.x), layer.ffn_norm.binding(), whole(&s.h), n_tok, c.n_embd, c.rms_eps, readers);
        // A prompt's gate/up GEMM writes act(gate) · up itself where it can (`gated`).
        let gated = match w_gate_up {
            Some(w) if k.matmul_glu(rec, w, h.clone(), whole(&s.ffn), n_tok, c.activation) => true,
            Some(w) => {
                k.matmul(rec, w, h, whole(&s.gate_up), n_tok, false);
                false
            }
            None => {
                let half = |row0| YRows { stride: 2 * c.n_ff, row0 };
                k.matmul_into(rec, &layer.w_gate, h.clone(), whole(&s.gate_up), n_tok, false, half(0));
                k.matmul_into(rec, &layer.w_up, h, whole(&s.gate_up), n_tok, false, half(c.n_ff));
                false
            }
        };
        let down = |rec: &mut Recorder<'_>, y: wgpu::BufferBinding<'_>, accumulate: bool| match gated {
            true => k.matmul(rec, &layer.w_down, whole(&s.ffn), y, n_tok, accumulate),
            false => k.glu_matmul(rec, &layer.w_down, whole(&s.gate_up), whole(&s.ffn), y, n_tok, accumulate, c.activation),
        };
        self.residual(rec, down, layer.post_ffw_norm.as_ref(), s, n_tok);
    }

    /// `x += branch`, or with a post-norm (gemma3) `x += rms_norm(branch) · post_norm`, where
    /// `branch(rec, y, accumulate)` writes (or adds) a block's output projection into `y`.
    fn residual(&self, rec: &mut Recorder<'_>, branch: impl Fn(&mut Recorder<'_>, wgpu::BufferBinding<'_>, bool), post_norm: Option<&GpuTensor>, s: &Scratch, n_tok: u32) {
        let (k, c) = (&self.kernels, &self.config);
        match post_norm {
            None => branch(rec, whole(&s.x), true),
            Some(norm) => {
                branch(rec, whole(&s.branch), false);
                k.rms_norm_into(rec, whole(&s.branch), norm.binding(), whole(&s.x), n_tok, c.n_embd, c.rms_eps, true);
            }
        }
    }

    /// Runs `tokens` at positions `pos0..` (filling the KV cache) and returns logits,
    /// `[n_vocab]` for [`Logits::Last`] or `[n_tok][n_vocab]` for [`Logits::All`].
    pub async fn forward(&self, ctx: &GpuContext, tokens: &[u32], pos0: u32, which: Logits) -> Result<Vec<f32>> {
        let step = self.submit_step(ctx, StepInput::Tokens(tokens), pos0, which, true, &Sampling::GREEDY, 0.0)?;
        Ok(step.finish(ctx).await?.logits.expect("logits were asked for"))
    }

    /// Runs `tokens` at positions `pos0..` (filling the KV cache, last token's logits) one
    /// dispatch at a time, adding each kernel's time to `profile` (see [`crate::gpu::Profile`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn profile(&self, ctx: &GpuContext, tokens: &[u32], pos0: u32, profile: &mut crate::gpu::Profile) -> Result<()> {
        self.check_tokens(tokens, pos0)?;
        let b = self.buffers(ctx, tokens.len() as u32, Logits::Last);
        ctx.queue.write_buffer(&b.ids, 0, bytemuck::cast_slice(tokens));
        let mut rec = Recorder::profiled(ctx, profile);
        self.encode(&mut rec, &b, tokens.len() as u32, pos0, Some(Logits::Last));
        rec.submit();
        ctx.check_faults("a profiled forward pass")
    }

    /// Where a prompt's and `steps` decode steps' GPU time goes, kernel by kernel, timed by the
    /// GPU's own clock in passes that run as they do unprofiled (see [`crate::gpu::Timestamps`]):
    /// the prompt once to warm up, then timed, then each step timed (their times added up). The
    /// KV cache's rows they fill are rewritten by the next prompt. Works in browsers.
    pub async fn time_kernels(&self, ctx: &GpuContext, prompt: &[u32], steps: u32) -> Result<(crate::gpu::Profile, crate::gpu::Profile)> {
        let last = *prompt.last().ok_or_else(|| Error::InvalidRequest("no tokens to process".into()))?;
        self.time_pass(ctx, prompt, 0).await?;
        let prefill = self.time_pass(ctx, prompt, 0).await?;
        let mut decode = crate::gpu::Profile::default();
        for step in 0..steps {
            decode.merge(&self.time_pass(ctx, &[last], prompt.len() as u32 + step).await?);
        }
        Ok((prefill, decode))
    }

    /// One pass over `tokens` at `pos0..` as a prompt or decode step runs it (last token's
    /// logits, a greedy draw), each kernel timed on the GPU.
    async fn time_pass(&self, ctx: &GpuContext, tokens: &[u32], pos0: u32) -> Result<crate::gpu::Profile> {
        self.check_tokens(tokens, pos0)?;
        let n_tok = tokens.len() as u32;
        if n_tok > self.batch_len(ctx, Logits::Last) {
            return Err(Error::InvalidRequest(format!("a timed pass takes at most {} tokens", self.batch_len(ctx, Logits::Last))));
        }
        let b = self.buffers(ctx, n_tok, Logits::Last);
        ctx.queue.write_buffer(&b.ids, 0, bytemuck::cast_slice(tokens));
        // More than any pass of the models we run dispatches (the rest would run untimed).
        let mut timestamps = crate::gpu::Timestamps::new(ctx, 2048)?;
        let mut rec = Recorder::timed(ctx, &mut timestamps);
        self.encode(&mut rec, &b, n_tok, pos0, Some(Logits::Last));
        self.kernels.sample(&mut rec, whole(&b.logits), 0, self.config.n_vocab, &Sampling::GREEDY, 0.0, whole(&b.next));
        let submission = rec.submit();
        let profile = timestamps.read(ctx, submission).await?;
        ctx.check_faults("a timed forward pass")?;
        Ok(profile)
    }

    /// Runs two tokens and a decode step through the model and forgets them (the KV cache's
    /// rows they wrote are rewritten by the next prompt, which starts at position 0): on adapters
    /// that compile a kernel's machine code at its first dispatch ([`Tuning::warm_up`]), so that
    /// the load pays for that, not the first prompt.
    pub async fn warm_up(&self, ctx: &GpuContext) -> Result<()> {
        if self.n_ctx < 3 {
            return Ok(()); // no room for it (a context of one or two positions: tests)
        }
        let prompt = self.submit_step(ctx, StepInput::Tokens(&[0, 0]), 0, Logits::Last, false, &Sampling::GREEDY, 0.0)?;
        let next = prompt.finish(ctx).await?.next;
        self.submit_step(ctx, StepInput::Tokens(&[next]), 2, Logits::Last, false, &Sampling::GREEDY, 0.0)?.finish(ctx).await?;
        Ok(())
    }

    /// Records and submits a step: runs its input at `pos0..` (filling the KV cache) and draws
    /// the next token on the GPU from the last position's logits; with `read_logits` the logits
    /// ([`Logits`] rows) come back too. The token comes back as 4 bytes when the step has run
    /// ([`PendingStep::finish`]); meanwhile the next step may be submitted with
    /// [`StepInput::DrawnBy`] this one, taking its token from the GPU, so that the GPU goes on
    /// while the CPU waits for the readback and records. A one-token step (decode) reuses its
    /// buffers and bind groups from the step before.
    #[allow(clippy::too_many_arguments)]
    pub fn submit_step(&self, ctx: &GpuContext, input: StepInput<'_>, pos0: u32, which: Logits, read_logits: bool, sampling: &Sampling, u: f32) -> Result<PendingStep> {
        match input {
            StepInput::Tokens(tokens) => self.check_tokens(tokens, pos0)?,
            StepInput::DrawnBy(_) => self.check_span(1, pos0)?,
        }
        ctx.check_faults("a forward pass")?;
        let (start, cpu_start) = (now_ms(), thread_cpu_ms());
        let mut logits = Vec::new();
        // A prompt longer than one pass takes runs its first batches here, each filling the KV
        // cache for the next; the last batch (1 to a whole batch of tokens) runs below.
        let len = self.batch_len(ctx, which) as usize;
        let (input, pos0) = match input {
            StepInput::Tokens(tokens) if tokens.len() > len => {
                let (head, last) = tokens.split_at((tokens.len() - 1) / len * len);
                let read = (read_logits && which == Logits::All).then_some(Logits::All);
                for (i, batch) in head.chunks(len).enumerate() {
                    let b = self.buffers(ctx, batch.len() as u32, read.unwrap_or(Logits::Last));
                    ctx.queue.write_buffer(&b.ids, 0, bytemuck::cast_slice(batch));
                    let mut rec = Recorder::new(ctx);
                    self.encode(&mut rec, &b, batch.len() as u32, pos0 + (i * len) as u32, read);
                    let staging = read.map(|_| stage(&mut rec, &b.logits, batch.len() as u64 * self.config.n_vocab as u64 * 4));
                    let submission = rec.submit();
                    logits.extend(staging.map(|staging| Readback::start(staging, submission)));
                }
                (StepInput::Tokens(last), pos0 + head.len() as u32)
            }
            input => (input, pos0),
        };
        let n_tok = match input {
            StepInput::Tokens(tokens) => tokens.len() as u32,
            StepInput::DrawnBy(_) => 1,
        };
        let n_vocab = self.config.n_vocab;
        let rows = if which == Logits::All { n_tok } else { 1 };
        let mut decode = self.decode.borrow_mut();
        let mut fresh = None;
        let (b, mut rec) = if n_tok == 1 {
            let d = decode.get_or_insert_with(|| Decode { b: self.buffers(ctx, 1, Logits::Last), binds: BindCache::default() });
            (&d.b, Recorder::with_cache(ctx, &mut d.binds))
        } else {
            (&*fresh.insert(self.buffers(ctx, n_tok, which)), Recorder::new(ctx))
        };
        match input {
            // Queued: lands after any step in flight has read the buffer.
            StepInput::Tokens(tokens) => ctx.queue.write_buffer(&b.ids, 0, bytemuck::cast_slice(tokens)),
            StepInput::DrawnBy(before) => rec.copy_buffer(&before.next, 0, &b.ids, 0, 4),
        }
        self.encode(&mut rec, b, n_tok, pos0, Some(which));
        self.kernels.sample(&mut rec, whole(&b.logits), (rows - 1) * n_vocab, n_vocab, sampling, u, whole(&b.next));
        let token = stage(&mut rec, &b.next, 4);
        let staging = read_logits.then(|| stage(&mut rec, &b.logits, rows as u64 * n_vocab as u64 * 4));
        let submission = rec.submit();
        logits.extend(staging.map(|staging| Readback::start(staging, submission.clone())));
        let next = b.next.clone();
        drop(decode);
        let (wall_ms, cpu_ms) = (now_ms() - start, thread_cpu_ms() - cpu_start);
        Ok(PendingStep {
            token: Readback::start(token, submission),
            logits: read_logits.then_some(logits),
            next,
            cpu_ms,
            wall_ms,
        })
    }

    /// The most tokens one forward pass takes: every activation buffer a pass binds (and with
    /// [`Logits::All`] its logits) must fit one storage binding of the device, with the room for
    /// a uniform window that every such buffer has past its end (`GpuContext::output_buffer`),
    /// and a pass takes at most [`MAX_BATCH`]. A longer prompt runs in batches of this many tokens.
    fn batch_len(&self, ctx: &GpuContext, which: Logits) -> u32 {
        let c = &self.config;
        let logits = if which == Logits::All { c.n_vocab } else { 0 };
        // The widest per-token rows of `Scratch`: gate and up together, usually.
        let widest = [c.n_embd, c.q_dim() + 2 * c.kv_dim(), 2 * c.n_ff, logits].into_iter().max().unwrap_or(1) as u64 * 4;
        let room = ctx.info.max_binding().saturating_sub(ctx.info.uniform_window() + 16);
        (room / widest).clamp(1, MAX_BATCH as u64) as u32
    }
}

/// The most tokens a forward pass takes (llama.cpp's default physical batch, `n_ubatch`, is
/// 512 too): a prompt's activation buffers stay bounded (SmolLM2's ~15 MiB, against ~120 MiB for
/// 4096 tokens in one pass) and within a binding, while every GEMM still has whole tiles of
/// tokens. Longer prompts run in batches.
pub const MAX_BATCH: u32 = 512;

/// A copy of `size` bytes of `buffer` into a mappable buffer, recorded in `rec`, to read back.
fn stage(rec: &mut Recorder<'_>, buffer: &wgpu::Buffer, size: u64) -> wgpu::Buffer {
    let staging = rec.ctx.staging_buffer(size);
    rec.copy_buffer(buffer, 0, &staging, 0, size);
    staging
}

/// What a step runs.
#[derive(Clone, Copy)]
pub enum StepInput<'a> {
    /// These tokens, from the CPU.
    Tokens(&'a [u32]),
    /// The one token that this step, submitted before and maybe not yet run, draws.
    DrawnBy(&'a PendingStep),
}

/// A step submitted to the GPU whose results are on their way back ([`Model::submit_step`]).
pub struct PendingStep {
    token: Readback,
    /// Where asked for, the logits of each pass of the step (a long prompt's batches).
    logits: Option<Vec<Readback>>,
    /// Where the GPU draws the token, for a step that takes it from there.
    next: wgpu::Buffer,
    cpu_ms: f64,
    wall_ms: f64,
}

impl PendingStep {
    /// Waits for the step to run and reads what it drew.
    pub async fn finish(self, ctx: &GpuContext) -> Result<Step> {
        let token = self.token.bytes(ctx).await?;
        let next = u32::from_le_bytes(token[..4].try_into().expect("4 bytes"));
        let logits = match self.logits {
            Some(readbacks) => {
                let mut logits = Vec::new();
                for readback in readbacks {
                    logits.extend(bytemuck::pod_collect_to_vec::<u8, f32>(&readback.bytes(ctx).await?));
                }
                Some(logits)
            }
            None => None,
        };
        Ok(Step { next, logits, cpu_ms: self.cpu_ms, wall_ms: self.wall_ms })
    }
}

/// See [`Model::fused_layers`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FusedLayers {
    pub qkv: usize,
    pub gate_up: usize,
    /// Layers in all.
    pub of: usize,
}

/// The buffers one forward pass reads and writes besides the weights and the KV cache.
struct StepBuffers {
    s: Scratch,
    ids: wgpu::Buffer,
    logits: wgpu::Buffer,
    next: wgpu::Buffer,
}

/// What decode steps keep from one step to the next.
struct Decode {
    b: StepBuffers,
    binds: BindCache,
}

/// The outcome of [`Model::step`].
pub struct Step {
    /// The token drawn for the position after the last one.
    pub next: u32,
    /// The logits rows, when asked for.
    pub logits: Option<Vec<f32>>,
    /// CPU time this thread spent recording and submitting the step (wall time where the
    /// platform has no thread clock).
    pub cpu_ms: f64,
    /// Wall time of the same, which also counts the thread being preempted.
    pub wall_ms: f64,
}

/// Bytes `offset..offset + size` of `buffer`.
fn range(buffer: &wgpu::Buffer, offset: u64, size: u64) -> wgpu::BufferBinding<'_> {
    wgpu::BufferBinding { buffer, offset, size: wgpu::BufferSize::new(size) }
}

#[cfg(test)]
mod tests {
    use super::kv_layer_bytes;

    #[test]
    fn a_kv_cache_over_the_binding_limit_is_refused_with_the_context_that_fits() {
        // Llama-3.2-1B's 512 KV values a position, f32, on a 128 MiB binding (lavapipe).
        assert_eq!(kv_layer_bytes(4096, 512, 4, 128 << 20).unwrap(), 8 << 20);
        assert_eq!(kv_layer_bytes(65536, 512, 4, 128 << 20).unwrap(), 128 << 20);
        let err = kv_layer_bytes(131072, 512, 4, 128 << 20).unwrap_err();
        assert_eq!(err.kind(), "OutOfGpuMemory");
        assert!(err.to_string().contains("at most 65536 tokens"), "{err}");
        // An f16 cache holds twice the context.
        assert_eq!(kv_layer_bytes(131072, 512, 2, 128 << 20).unwrap(), 128 << 20);
    }
}
