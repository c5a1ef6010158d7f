//! The ops of a transformer forward pass, each a thin typed wrapper over one [`Kernel`].

use super::{grid_1d, unroll::{expand, Expand}, weight_words_wgsl, Kernel, TypePart};
use crate::error::Result;
use crate::gpu::{texture_fits, Binding, GpuContext, GpuTensor, Recorder, TensorPart};
use crate::quant::GgmlType;
use bytemuck::{Pod, Zeroable};
use std::collections::HashMap;
use wgpu::BufferBinding as B;

macro_rules! shader {
    ($name:literal) => {
        include_str!(concat!("../../../shaders/", $name, ".wgsl"))
    };
}

/// How matmuls read their activations (see shaders/activations/).
const X_VEC4: &str = shader!("activations/vec4");
const X_SCALAR: &str = shader!("activations/scalar");
const X_TEXTURE: &str = shader!("activations/texture");
/// Each thread loads its own x and sums all of it (shaders/share_x/).
const SHARE_X_DIRECT: [&str; 2] = [shader!("share_x/direct"), shader!("share_x/whole")];

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct NormParams { n_cols: u32, n_rows: u32, eps: f32, accumulate: u32 }

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct MatmulParams {
    n_in: u32,
    n_out: u32,
    n_tok: u32,
    row_bytes: u32,
    accumulate: u32,
    first_row: u32,
    y_stride: u32,
    y_row0: u32,
    eps: f32,
    // Decode's Q/K/V GEMV with RoPE and the KV write (shaders/epilogue/rope_kv.wgsl) only.
    pos: u32,
    head_dim: u32,
    n_rot: u32,
    q_rows: u32,
    kv_rows: u32,
    /// n_in / 4, so that no kernel shifts per load of x (SwiftShader emulates vector shifts
    /// lane by lane).
    n_in4: u32,
    /// Where W's words start in a weight texture (`TensorPart::word0`).
    w_word0: u32,
    /// The GEMM's GLU epilogue ([`Kernels::matmul_glu`]): 0 none, else 1 + the activation.
    glu: u32,
    _pad: [u32; 3],
}

impl MatmulParams {
    /// For `n_tok` tokens times one part of W (a tensor split over bindings writes its rows'
    /// slice of y).
    fn new(w: &GpuTensor, part: &TensorPart, n_tok: u32, accumulate: bool, rows: YRows) -> Self {
        Self {
            n_in: w.row_len(),
            n_out: part.n_rows,
            n_tok,
            row_bytes: w.row_bytes(),
            accumulate: accumulate as u32,
            first_row: part.skip_rows,
            y_stride: rows.stride,
            y_row0: rows.row0 + part.row0,
            eps: 0.0,
            pos: 0,
            head_dim: 0,
            n_rot: 0,
            q_rows: 0,
            kv_rows: 0,
            n_in4: w.row_len() / 4,
            w_word0: part.word0(),
            glu: 0,
            _pad: [0; 3],
        }
    }
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct EmbedParams { n_embd: u32, row_bytes: u32, scale: f32, first_id: u32, n_ids: u32, skip_rows: u32, w_word0: u32, _pad: u32 }

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct RopeParams { n_tok: u32, n_heads: u32, head_dim: u32, n_rot: u32, pos0: u32, mode: u32, _pad: [u32; 2] }

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct RopeKvParams { n_head: u32, n_kv_head: u32, head_dim: u32, n_rot: u32, pos0: u32, mode: u32, n_tok: u32, _pad: u32 }

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct AttentionParams {
    n_tok: u32,
    n_head: u32,
    n_kv_head: u32,
    head_dim: u32,
    pos0: u32,
    window: u32,
    scale: f32,
    n_chunks: u32,
    chunk_len: u32,
    _pad: [u32; 3],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct GluParams { n: u32, act: u32, n_ff: u32, _pad: u32 }

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct AddParams { n: u32, n_x: u32, _pad: [u32; 2] }

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct CopyParams { n_vec4: u32, dst_offset: u32, _pad: [u32; 2] }

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct ReadParams { n_vec4: u32, w_word0: u32, _pad: [u32; 2] }

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct SampleParams { n: u32, offset: u32, top_k: u32, _pad: u32, temperature: f32, top_p: f32, u: f32, _pad1: f32 }

/// Where a matmul's outputs go in each token's row of y.
#[derive(Clone, Copy, Debug)]
pub struct YRows {
    /// y's row length (floats).
    pub stride: u32,
    /// The first output's place in the row.
    pub row0: u32,
}

/// What a matmul multiplies: activations in a buffer, or (one token) the RMSNorm of the residual
/// stream, `x / rms(x) · weight`, which the GEMV computes as it reads x
/// (shaders/activations/uniform_norm.wgsl), or (a prompt) that norm already in the texture its
/// GEMMs read: see [`Kernels::rms_norm_input`].
#[derive(Clone)]
pub enum Input<'b> {
    Plain(B<'b>),
    Normed { x: B<'b>, weight: B<'b>, eps: f32 },
    /// A prompt's normed x already in the texture its GEMMs read (see [`Kernels::rms_norm_input`]),
    /// valid until the recorder's next use of a texture of that size.
    Texture(wgpu::TextureView),
}

impl<'b> From<B<'b>> for Input<'b> {
    fn from(x: B<'b>) -> Self {
        Input::Plain(x)
    }
}

/// How the next token is drawn from the logits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sampling {
    /// 0 = greedy (argmax); otherwise logits are divided by it before the softmax.
    pub temperature: f32,
    /// Keep only the `top_k` highest logits (0 = no limit).
    pub top_k: u32,
    /// Keep the smallest set of top tokens whose probability reaches `top_p` (1 = no limit).
    pub top_p: f32,
}

impl Sampling {
    pub const GREEDY: Sampling = Sampling { temperature: 0.0, top_k: 0, top_p: 1.0 };

    pub fn is_greedy(&self) -> bool {
        self.temperature <= 0.0 || self.top_k == 1
    }
}

/// The activation of a gated feed-forward block: `act(gate) * up`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activation {
    Silu = 0,
    GeluTanh = 1,
}

impl Activation {
    /// Its function in shaders/act.wgsl.
    fn wgsl_fn(self) -> &'static str {
        match self {
            Activation::Silu => "silu",
            Activation::GeluTanh => "gelu_tanh",
        }
    }
}

/// What decode's Q/K/V GEMV does besides storing W · x (shaders/epilogue/): RoPE of q and k
/// with the KV-cache write, or adding the biases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QkvStore {
    RopeKv,
    Bias,
}

/// How q, k and v lie in W's rows, and for RoPE the position and how much of each head turns.
#[derive(Clone, Copy)]
struct QkvLayout {
    q_rows: u32,
    kv_rows: u32,
    pos: u32,
    head_dim: u32,
    n_rot: u32,
}

/// How RoPE pairs dimensions: GGUF `llama` rotates adjacent pairs, NeoX-style models the halves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RopeStyle {
    Adjacent = 0,
    Halves = 1,
}

/// Rotary embedding settings of a model.
#[derive(Clone, Copy, Debug)]
pub struct Rope {
    pub style: RopeStyle,
    pub n_rot: u32,
    pub freq_base: f32,
    /// Linear position interpolation: every frequency times this (1 / the scaling factor).
    pub freq_scale: f32,
}

impl Rope {
    /// Rotation speed of each pair, `base^(-2i / n_rot) · freq_scale / factors[i]`, computed once
    /// in f64 on the CPU so the GPU only multiplies by the position (GPU `pow` is too coarse at
    /// long contexts). `factors` are Llama 3's per-pair divisors (`rope_freqs.weight`), as in
    /// llama.cpp's `ggml_rope_ext`.
    pub fn inv_freqs(&self, factors: Option<&[f32]>) -> Vec<f32> {
        (0..self.n_rot / 2)
            .map(|i| {
                let theta = (self.freq_base as f64).powf(-2.0 * i as f64 / self.n_rot as f64) * self.freq_scale as f64;
                (theta / factors.map_or(1.0, |f| f[i as usize] as f64)) as f32
            })
            .collect()
    }
}

/// Attention shape of a model.
#[derive(Clone, Copy, Debug)]
pub struct AttentionShape {
    pub n_head: u32,
    pub n_kv_head: u32,
    pub head_dim: u32,
    pub scale: f32,
    /// Sliding window in positions; 0 = full causal.
    pub window: u32,
}

impl AttentionShape {
    /// Query heads per KV head.
    pub fn group(&self) -> u32 {
        self.n_head / self.n_kv_head
    }
}

/// Rows per workgroup of the one-row-per-thread GEMV (`ROWS` in shaders/matvec.wgsl; the
/// four-row GEMV's are `Tuning::gemv_rows`).
const MATVEC_ROWS: u32 = 64;
/// Threads (rows) per workgroup of shaders/rms_norm_rows.wgsl (`WG`).
const RMS_NORM_ROWS_WG: u32 = 8;

/// The most quads of q a thread's unrolled attention holds (heads per thread × head_dim / 4),
/// for its compile time on SwiftShader, which grows faster than the code: 32 quads 0.4 s, 48
/// (SmolLM2's three heads of 64) 0.56–0.63 s, 96 2.7 s, 128 4.8–6.9 s.
const MAX_UNROLLED_QUADS: u32 = 48;
/// Threads per workgroup of shaders/attention.wgsl (`LANES`) where lanes share their keys'
/// loads (prompts on adapters with subgroups of 8); the kernel whose threads read their own
/// keys has [`Tuning::attention_lanes`].
const ATTENTION_LANES: u32 = 32;
/// Bytes one workgroup of the read kernel reads: 256 threads × 16 words (`WORDS` in
/// shaders/read.wgsl) of 16 bytes.
pub const READ_CHUNK: u64 = 256 * 16 * 16;
/// A decode step's keys are split into chunks of at least this many keys, at most
/// [`Tuning::attention_lanes`] of them per head (a lane each of the head's one workgroup, which
/// then merges them), or `ATTENTION_DECODE_CHUNKS` (a subgroup each).
const ATTENTION_CHUNK_KEYS: u32 = 32;
/// The most of any tuning's [`Tuning::attention_lanes`] (the size of `parts`).
const ATTENTION_MAX_CHUNKS: u32 = 32;
/// The most chunks shaders/attention_decode.wgsl splits a step's keys into (`SUBGROUPS` there: a
/// subgroup of 8 each). A CPU adapter runs a workgroup on one core, so more chunks would add no
/// parallelism there; the heads' workgroups give that.
const ATTENTION_DECODE_CHUNKS: u32 = 4;
/// Quads of a head held per lane of shaders/attention_decode.wgsl, over its heads: at most this
/// many of q's and as many of o's, so that they stay in registers.
const DECODE_LANE_QUADS: u32 = 8;

/// Bytes of the buffer [`Kernels::attention`] keeps a decode step's per-chunk results in.
pub fn attention_parts_bytes(shape: &AttentionShape) -> u64 {
    // Per chunk: head_dim values of o, then (m, l) padded to 16 bytes.
    shape.n_head as u64 * ATTENTION_MAX_CHUNKS as u64 * (shape.head_dim as u64 + 4) * 4
}

/// The matmul variants of one weight type.
struct Matmuls {
    /// Decode GEMV reading x through a uniform window: every lane's load of x is cheap there on
    /// llvmpipe. (Prefill's GEMM reads x from storage in one dispatch over all tokens: a
    /// windowed GEMM needs a dispatch per tile of tokens, too few workgroups to spread over the
    /// cores for the smaller matrices.)
    gemv_uniform: Kernel,
    /// Rows per workgroup of `gemv_uniform`: `Tuning::gemv_rows` where it is
    /// shaders/matvec_rows.wgsl (four rows per thread, types with `Wgsl::rows`), else 64
    /// (shaders/matvec.wgsl).
    gemv_uniform_rows: u32,
    /// Prefill's GEMM and decode's GEMV reading x from storage in 16-byte loads (x too long for
    /// the window): compiled when first used, or with the load for the types of
    /// [`Kernels::with_prefill`].
    gemm: Kernel,
    /// The GEMM reading x through a texture (`Tuning::x_texture`), where x fits one
    /// ([`texture_fits`]); `gemm` takes the rest.
    gemm_texture: Option<Kernel>,
    gemv: Kernel,
    /// Float rows whose length is not a multiple of 4 (block size 1 types only).
    any: Option<Kernel>,
}

/// Kernel variants chosen per adapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tuning {
    /// Matmuls share their loads of x across a subgroup of 8 lanes (shaders/share_x/subgroup.wgsl)
    /// instead of every thread loading what it uses.
    pub subgroup_x: bool,
    /// Blocks of four rows per thread of the prefill GEMM (`BLOCKS` in shaders/matmul.wgsl): 1, or
    /// 4 so that each load of x serves four times the multiply-adds. lavapipe, which shares x
    /// across its 8-lane subgroups, keeps one: 2 or 4 (in 64- or 128-row workgroups, whole
    /// subgroups) measured within this machine's noise of it (best of 4 runs, Qwen2.5-0.5B's
    /// ffn_down 22.2 ms at one block, 20.0 at two, 18.4 at four; SmolLM2's 4.4, 4.1, 4.6 ms;
    /// a 300-token prompt took the same CPU time), and four pad SmolLM2's 192-row K and V.
    pub row_blocks: u32,
    /// Rows per GEMM workgroup (4 · `BLOCKS` · `LANES` in shaders/matmul.wgsl): 256 on GPUs, 64
    /// on CPU adapters. There a workgroup is one thread's run of work, and 64 rows divide the
    /// small models' matrices (576 and 192 rows for SmolLM2, where 256-row workgroups computed a
    /// sixth of the GEMM work on padding rows): lavapipe, SmolLM2's ffn_down 38.7 → 51 GFLOP/s,
    /// prefill 118 → 156 tok/s. SwiftShader, same shape: 256 rows 5.0–5.7 GFLOP/s, 128 rows
    /// 7.2–7.4, 64 rows 7.4–8.1.
    pub gemm_rows: u32,
    /// Tokens per GEMM workgroup (`TOK` in shaders/matmul.wgsl): each thread's rows are
    /// dequantized once per group of 32 columns for this many tokens. 8, but 16 on SwiftShader
    /// since x comes from a texture there ([`Self::x_texture`]): its GEMMs 10.6–10.7 → 12.1–12.2
    /// GFLOP/s (Q4_1) and 9.1 → 10.7–10.8 (Q8_0) at SmolLM2's ffn_down shape, a prompt's GEMMs
    /// 2.17 → 1.97 s, for 0.1 s more compiling (32: no faster, more padding). While each
    /// quad of x was a gather of its own, 16 was slower there (see DESIGN.md). 16 was no faster
    /// on lavapipe at 16 rows a thread, whose accumulators already spill out of its 16 vector
    /// registers.
    pub gemm_tokens: u32,
    /// Rows per workgroup of decode's four-row GEMV (4 · `BLOCKS` · `LANES` / `SPLIT` in
    /// shaders/matvec_rows.wgsl): 64 on CPU adapters, whose few threads each run whole
    /// workgroups (SmolLM2's 576-row matrices made 3 workgroups of 256 for 2 cores; SwiftShader,
    /// SmolLM2's ffn_down: 1.79 → 1.16–1.35 ms; lavapipe 0.21–0.28 → 0.19 ms, cold); on GPUs 32,
    /// 64 threads splitting them (`gemv_split`).
    pub gemv_rows: u32,
    /// Threads that split each thread's run of GEMV rows (`SPLIT` in shaders/matvec_rows.wgsl),
    /// each taking every SPLIT-th group of 32 columns, adding up their sums through workgroup
    /// memory (shaders/share_x/split.wgsl). 1 on CPU adapters, where a thread is a SIMD lane
    /// and the sums' barriers cost a switch of every lane's context. 8 on GPUs: with a thread
    /// per run of rows a warp's load touches 32 rows, a cache line each, while 8 threads on one
    /// row read 128 consecutive bytes, as GPUs' GEMVs do (llama.cpp's Vulkan and Metal ones
    /// split a row across a subgroup). Not yet measured on a GPU: `webslm roofline
    /// --gemv-split 1` runs the other layout for comparison.
    pub gemv_split: u32,
    /// Blocks of four rows per thread of decode's GEMV (`BLOCKS` in shaders/matvec_rows.wgsl):
    /// 1, 2 or 4. Four on SwiftShader, where a thread loads all of x per 32-column group, each
    /// float a gather of its own (see shaders/matvec_rows.wgsl), and more rows share those
    /// loads: eight rows instead of four made SmolLM2's GEMVs 12–22% faster (Q4_1 ffn_up 0.72 →
    /// 0.60 ms, output 22 → 18 ms; Q8_0 -15%). Sixteen were at first no faster; measured again
    /// after the GEMV's x preparation (`XGroup`) and the Q/K/V epilogues, natively on
    /// SwiftShader in 3 alternating pairs of runs, SmolLM2 decoded at 4.7–4.8 tok/s against
    /// 4.3 (7% less process CPU time), for ~0.4 s more compiling at load (its four GEMV kernels
    /// 0.53 → 1.05 s). lavapipe, which shares x across a subgroup, showed no difference beyond
    /// its noise while its weights were loaded from buffers or fetched; with them read from
    /// storage textures (`texel_read`) two blocks (eight rows) take 10–13% less process CPU
    /// time for 200 tokens of SmolLM2 Q4_1 than one (10.2–11.5 against 11.2–13.2 s, 5 of 5
    /// alternating pairs; four: 15.3–16.2 s).
    pub gemv_blocks: u32,
    /// Attention's loops over a head's quads unrolled (runtime/src/kernels/unroll.rs) so that q
    /// and o stay in registers, and a thread takes several heads of a KV group (see
    /// [`Self::heads_per_thread`]), so that each key and value it loads serves them all. On
    /// SwiftShader, whose compiler unrolls nothing and where each load is a gather, unrolling
    /// took SmolLM2's prompt attention 497 → 286–313 ms, decode's 0.61 → 0.54 ms per layer;
    /// a thread taking its three heads of a KV group then 287–323 → 147–163 ms, and 131–166 →
    /// 103–129 ms per 8 decode steps, the kernel compiling in 0.53–0.61 s instead of 0.18–0.21
    /// s. On lavapipe the unrolled decode attention is 8x slower than its loops. GPUs'
    /// compilers unroll such loops themselves.
    pub unroll_heads: bool,
    /// Threads per workgroup of the attention whose threads read their own keys
    /// (shaders/attention.wgsl with share_kv/direct.wgsl), and so the most chunks it splits a
    /// decode step's keys into: 32, but 4 on SwiftShader. There a workgroup runs its 4-lane SIMD
    /// groups one after another on one core, so lanes past the first four add no parallelism;
    /// each still loaded q and took part in the merge, which were most of a decode call (a
    /// step's attention walking no keys took about as long). SmolLM2, native SwiftShader, 8
    /// profiled decode steps at ~105 keys: attention 154–241 → 73–134 ms (5 profiles each); its
    /// prompt attention within noise (283–417 against 195–370 ms). At most
    /// `ATTENTION_MAX_CHUNKS`.
    pub attention_lanes: u32,
    /// Decode's GEMVs after an RMSNorm compute it as they read x (shaders/activations/
    /// uniform_norm.wgsl), sparing a dispatch per norm (two a layer): on GPUs, where a dispatch
    /// costs more than a small model's GEMV, and on lavapipe, where a dispatch costs 37–60 µs
    /// besides its work (SmolLM2's 61 norms a step, 2–4 ms of a ~40 ms step): 8 alternating
    /// pairs of runs all decoded faster with it (median 23.5 → 25.0 tok/s, CPU per step 0.50–0.57
    /// → 0.42–0.48 ms). An earlier lavapipe GEMV (rows a workgroup apart) had measured 4% slower.
    /// Not on SwiftShader, which loads x and the norm's weights in every thread, each load a
    /// gather (SmolLM2's ffn_up GEMV 0.71 → 0.91 ms).
    pub norm_in_gemv: bool,
    /// Decode's Q/K/V GEMV finishes q, k and v as it stores its results (shaders/epilogue/):
    /// rotates q and k and writes the KV cache where the model allows (RoPE on adjacent pairs,
    /// no q/k norm or bias; [`Kernels::matmul_rope_kv`]), a dispatch a layer less than the GEMV
    /// and rope_kv, or adds q's, k's and v's biases (qwen2; [`Kernels::matmul_qkv_bias`]), three
    /// dispatches a layer less. Everywhere: SmolLM2's 8 profiled decode steps on lavapipe took
    /// 242 ms in the GEMV and rope_kv and 219 ms in the one kernel, 30 dispatches a step fewer.
    pub qkv_epilogue: bool,
    /// RMSNorm runs a thread per row (shaders/rms_norm_rows.wgsl) instead of a workgroup per
    /// row (rms_norm.wgsl): on CPU adapters, where a workgroup's threads take turns on a core.
    /// SmolLM2's 61 norms of a 103-token prompt: SwiftShader 157 → 32 ms, lavapipe 16.5 → 13.1
    /// ms (`webslm profile`); decode's one-row norms took as long as before.
    pub norm_thread_per_row: bool,
    /// The KV cache holds f16 (`shader-f16`): half the memory, so twice the context in a GPU's
    /// limits, and half the bytes each attention step reads. On GPUs that have the feature; CPU
    /// adapters keep f32: SwiftShader has no f16, and lavapipe (where the tests run) measured no
    /// difference at the bench's ~230 tokens, 5% faster decode at 1500 (its attention 423 → 323
    /// ms per 8 steps). SmolLM2 with an f16 cache: 6.0e-4 of the logit range from exact math.
    pub kv_f16: bool,
    /// Decode submits each step before it has read the token of the step before, which the
    /// step copies from where the GPU drew it (`StepInput::DrawnBy`): the GPU goes on while the
    /// CPU waits for the readback and records the next step, instead of idling through both. On
    /// a GPU those are a large part of a small model's step (a browser's `mapAsync` alone takes
    /// a fraction of a ms to ms; not yet measured on one). Not on lavapipe: its `queue.submit`
    /// waits for the submission before it to finish, and SmolLM2 decoded 8–12% slower
    /// (4 alternating runs, 24.1–26.7 against 25.7–28.8 tok/s). Native SwiftShader: no
    /// difference (6.06–6.30 against 6.18–6.28 tok/s; its steps are ~160 ms).
    pub decode_ahead: bool,
    /// Prefill's GEMM reads x through a texture (shaders/activations/texture.wgsl), copied
    /// there before it runs (or written there by the RMSNorm before it), instead of from its
    /// buffer: on SwiftShader, where a texel fetch
    /// costs about a third of a 16-byte load from a buffer (a gather of four floats per lane;
    /// 2.5 against 7.7 ns a thread in a loop of nothing else), and the GEMM loads a quad of x
    /// per 16 multiply-adds. Natively there, SmolLM2's ffn_down GEMM 4.0–5.6 → 9.9–10.3
    /// GFLOP/s (Q4_1), a 103-token prompt's GEMMs 3.82 → 2.17 s, of which the 177 copies into
    /// the texture 12 ms. Decode's GEMV gains little from cheaper x (with x's loads at constant
    /// offsets, which cost next to nothing there, its Q4_1 and Q8_0 GEMVs were within noise):
    /// its weights' loads and arithmetic set its speed. On lavapipe, read as storage
    /// textures (`texel_read`): SmolLM2's prefill 60–85 → 102–107 tok/s (alternating runs).
    pub x_texture: bool,
    /// The weights of the types read as 16-byte words live in textures (rgba32uint, see
    /// shaders/weights/texture.wgsl and `Uploader`) and every kernel reads them as texels: on
    /// CPU adapters, where each load from a buffer is a loop over the lanes and a texel goes
    /// through the image path's vector loads. Decode's GEMVs, which are mostly their weights'
    /// loads and arithmetic, gain most: see DESIGN.md for the measurements.
    pub weight_texture: bool,
    /// How kernels read the textures above (x's and the weights').
    pub texel_read: TexelRead,
    /// The subgroup attention kernels (decode's shaders/attention_decode.wgsl, prompts'
    /// attention.wgsl with share_kv/subgroup.wgsl) read the keys and values from a texture copy
    /// of each layer's cache (rgba32float, a row per position), which decode's Q/K/V epilogue
    /// writes as it writes the buffer, and a copy of the new rows after the other writers
    /// (`gpu::KvCache`). On lavapipe,
    /// whose loads from a storage buffer cost ~10x a storage texture's (the roofline's read
    /// kernel from a buffer 1.16 GB/s, from a storage texture 11.3 GB/s on an AMD EPYC VM):
    /// there the cache's loads were ~90% of that kernel's time (loads knocked out: 120 → 11 ms
    /// per 8 decode steps of SmolLM2). f32 caches only; twice the cache's memory.
    pub kv_texture: bool,
    /// A load ends with a warm-up step (two tokens and a decode step, then forgotten:
    /// `Model::warm_up`): on lavapipe, whose llvmpipe compiles a kernel's machine code at its
    /// first dispatch (a variant per the formats of the textures it binds), not when the pipeline
    /// is created, so that the first prompt paid ~0.4 s of compiling: the bench's SmolLM2
    /// prefill (the first prompt after a load) 66–67 tok/s, 90–111 after a warm-up, the same
    /// prompt run again 74–129. SwiftShader compiles at creation: no difference (29.9–33.7 tok/s
    /// without, 27.8–31.1 with, alternating). Not yet measured on a GPU.
    pub warm_up: bool,
    /// A prompt's gate/up GEMM writes act(gate) · up itself (shaders/epilogue/gemm_glu.wgsl,
    /// [`Kernels::matmul_glu`]) instead of [gate | up] for a GLU pass: on lavapipe a 400-token
    /// SmolLM2 prompt without that pass took ~13% less CPU time. Not on SwiftShader, whose GEMM
    /// compiled 0.8 s longer with the epilogue (1.5 → 2.3 s, natively) for a pass of ~3% of its
    /// prompt.
    pub gemm_glu: bool,
}

/// How kernels read a texture texel by texel: one choice per adapter (`Tuning::for_adapter`),
/// for every texture they read. Both formats used (rgba32uint, rgba32float) support read-only
/// storage in core WebGPU, so each texture is created for both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TexelRead {
    /// `textureLoad` of a sampled texture (a texel fetch): SwiftShader, where a read-only
    /// storage texture is the slower (GEMVs 16–31% of the copy against 25–48%).
    Fetch,
    /// `textureLoad` of a read-only storage texture: lavapipe, whose texel fetch works out each
    /// lane's mip level before its loads (per-lane shifts, and loads of the level's row stride
    /// and offset), where a storage texture has one level. The roofline's read kernel 3.1–4.7 →
    /// 7.9–8.7 GB/s; 200 tokens of SmolLM2 Q4_1 15.4–15.8 → 10.8–11.1 s of CPU time
    /// (alternating runs).
    Storage,
}

impl TexelRead {
    /// WGSL declaring texture `name` (of `format`, whose texels are `vec4<scalar>`) at
    /// `binding` and `fn {name}_at(at: vec2<u32>)`, its texel at `at`, read this way.
    pub fn wgsl(self, binding: u32, name: &str, format: &str, scalar: &str) -> String {
        let (ty, level) = match self {
            TexelRead::Fetch => (format!("texture_2d<{scalar}>"), ", 0"),
            TexelRead::Storage => (format!("texture_storage_2d<{format}, read>"), ""),
        };
        format!("@group(0) @binding({binding}) var {name}: {ty};\n\nfn {name}_at(at: vec2<u32>) -> vec4<{scalar}> {{\n    return textureLoad({name}, at{level});\n}}\n")
    }
}

impl Tuning {
    /// Heads of one KV group per attention thread (`HG` in shaders/attention.wgsl): where the
    /// loops are unrolled, the most that divide the group and keep the unrolled quads to
    /// `MAX_UNROLLED_QUADS` (compile time); else one.
    fn heads_per_thread(&self, head_dim: u32, group: u32) -> u32 {
        let fits = |hg: u32| group % hg == 0 && hg * head_dim / 4 <= MAX_UNROLLED_QUADS;
        if self.unroll_heads { (1..=group).rev().find(|&hg| fits(hg)).unwrap_or(1) } else { 1 }
    }

    /// Heads of one KV group per workgroup of decode's subgroup attention
    /// (shaders/attention_decode.wgsl): the most that divide the group and keep each lane's
    /// quads of q to `DECODE_LANE_QUADS`.
    fn decode_heads_per_workgroup(&self, head_dim: u32, group: u32) -> u32 {
        (1..=group).rev().find(|&hg| group % hg == 0 && hg * head_dim / 32 <= DECODE_LANE_QUADS).unwrap_or(1)
    }

    /// How kernels read the weights: `None` from buffers, else texels read this way.
    pub fn weight_texels(&self) -> Option<TexelRead> {
        self.weight_texture.then_some(self.texel_read)
    }

    /// How the subgroup attention kernels read the KV cache ([`Self::kv_texture`]): `None` from
    /// its buffers, else texels of its texture copies read this way.
    pub fn kv_texels(&self) -> Option<TexelRead> {
        (self.kv_texture && !self.kv_f16).then_some(self.texel_read)
    }

    /// The WGSL of those reads (shaders/kv_read/).
    fn kv_read_wgsl(&self) -> String {
        match self.kv_texels() {
            Some(read) => [read.wgsl(2, "k_texels", "rgba32float", "f32"), read.wgsl(3, "v_texels", "rgba32float", "f32"), shader!("kv_read/texture").to_string()].join("\n"),
            None => shader!("kv_read/buffer").to_string(),
        }
    }

    /// Bytes of one KV-cache value.
    pub fn kv_bytes(&self) -> u64 {
        if self.kv_f16 { 2 } else { 4 }
    }

    /// The type of the KV cache's values for the kernels that read or write it (`kv_float`),
    /// to be the first part of their WGSL (an `enable` comes before everything else).
    fn kv_wgsl(&self) -> &'static str {
        kv_float_wgsl(self.kv_f16)
    }

    /// How a matmul thread gets x and adds up what threads computed (shaders/share_x/): shared
    /// across a subgroup, or its own loads with whole sums, or for decode's GEMV with its rows
    /// split across threads (`gemv` and `gemv_split` > 1) its own loads with split sums.
    fn share_x(&self, gemv: bool) -> String {
        match (gemv && self.gemv_split > 1, self.subgroup_x) {
            (true, _) => [shader!("share_x/direct"), shader!("share_x/split")].join("\n"),
            (false, true) => shader!("share_x/subgroup").to_string(),
            (false, false) => SHARE_X_DIRECT.join("\n"),
        }
    }

    /// What suits the adapter: subgroup sharing where subgroups are always 8 lanes (lavapipe
    /// on AVX2); where every lane's load costs the same as one (GPUs), sharing buys little, and
    /// other subgroup sizes are untested. Sixteen GEMM rows per thread on CPU adapters that load
    /// x per thread (SwiftShader, the browser's fallback adapter): there each load is a loop over
    /// the lanes, and it was 75% of the GEMM's time at four rows. GPUs keep four (registers).
    pub fn for_adapter(ctx: &GpuContext) -> Self {
        let subgroup_x = ctx.info.fixed_subgroup_size() == Some(8);
        let cpu = ctx.info.adapter.device_type == wgpu::DeviceType::Cpu;
        let rows = if cpu { 64 } else { 256 };
        let (swiftshader, lavapipe) = (cpu && !subgroup_x, cpu && subgroup_x);
        // GPUs whose subgroups are always 8 lanes share x across them instead of splitting rows.
        let gemv_split = if cpu || subgroup_x { 1 } else { 8 };
        let gemv_rows = if gemv_split > 1 { 32 } else { rows };
        Self { subgroup_x, row_blocks: if swiftshader { 4 } else { 1 }, gemm_rows: rows, gemm_tokens: if swiftshader { 16 } else { 8 }, gemv_rows, gemv_split, gemv_blocks: if swiftshader { 4 } else if cpu { 2 } else { 1 }, unroll_heads: swiftshader, attention_lanes: if swiftshader { 4 } else { 32 }, norm_in_gemv: !swiftshader, qkv_epilogue: true, norm_thread_per_row: cpu, kv_f16: !cpu && ctx.info.has_f16(), decode_ahead: !lavapipe, x_texture: cpu, weight_texture: cpu, texel_read: if swiftshader { TexelRead::Fetch } else { TexelRead::Storage }, kv_texture: lavapipe, warm_up: lavapipe, gemm_glu: !swiftshader }
    }

    /// Every tuning some adapter runs that this one can run too (sharing x needs subgroups of 8,
    /// and whole ones: a 4-thread workgroup of 16-row threads has no place for it), for tests.
    pub fn all_for(ctx: &GpuContext) -> Vec<Self> {
        let f16 = ctx.info.has_f16();
        // SwiftShader's GEMM takes 16 tokens a workgroup; elsewhere its tuning is checked with 8
        // (the same code, half as many lines unrolled): lavapipe's LLVM takes ~40 s a type to
        // compile the 16-token one. SwiftShader itself runs its own (the browser suite).
        let own = Self::for_adapter(ctx);
        let swiftshader_tokens = if own.texel_read == TexelRead::Fetch && own.x_texture { own.gemm_tokens } else { 8 };
        let mut all = vec![
            Self { subgroup_x: false, row_blocks: 1, gemm_rows: 256, gemm_tokens: 8, gemv_rows: 32, gemv_split: 8, gemv_blocks: 1, unroll_heads: false, attention_lanes: 32, norm_in_gemv: true, qkv_epilogue: true, norm_thread_per_row: false, kv_f16: f16, decode_ahead: true, x_texture: false, weight_texture: false, texel_read: TexelRead::Fetch, kv_texture: false, warm_up: false, gemm_glu: true }, // GPUs
            Self { subgroup_x: false, row_blocks: 4, gemm_rows: 64, gemm_tokens: swiftshader_tokens, gemv_rows: 64, gemv_split: 1, gemv_blocks: 4, unroll_heads: true, attention_lanes: 4, norm_in_gemv: false, qkv_epilogue: true, norm_thread_per_row: true, kv_f16: false, decode_ahead: true, x_texture: true, weight_texture: true, texel_read: TexelRead::Fetch, kv_texture: false, warm_up: false, gemm_glu: false }, // SwiftShader
        ];
        if ctx.info.fixed_subgroup_size() == Some(8) {
            all.push(Self { subgroup_x: true, row_blocks: 1, gemm_rows: 64, gemm_tokens: 8, gemv_rows: 64, gemv_split: 1, gemv_blocks: 2, unroll_heads: false, attention_lanes: 32, norm_in_gemv: true, qkv_epilogue: true, norm_thread_per_row: true, kv_f16: false, decode_ahead: false, x_texture: true, weight_texture: true, texel_read: TexelRead::Storage, kv_texture: true, warm_up: true, gemm_glu: true }); // lavapipe
            // A GPU whose subgroups are always 8 lanes: its GEMVs after a norm sum Σx² across the
            // subgroup (`x_total` in shaders/share_x/subgroup.wgsl).
            all.push(Self { subgroup_x: true, row_blocks: 1, gemm_rows: 256, gemm_tokens: 8, gemv_rows: 256, gemv_split: 1, gemv_blocks: 1, unroll_heads: false, attention_lanes: 32, norm_in_gemv: true, qkv_epilogue: true, norm_thread_per_row: false, kv_f16: f16, decode_ahead: true, x_texture: false, weight_texture: false, texel_read: TexelRead::Fetch, kv_texture: false, warm_up: false, gemm_glu: true });
        }
        all
    }
}

impl std::fmt::Display for Tuning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = if self.subgroup_x { "x shared across subgroups" } else { "x loaded per thread" };
        let unrolled = if self.unroll_heads { ", attention unrolled over a KV group's heads" } else { "" };
        let heads = format!("{unrolled}, {} lanes a workgroup of the attention reading its own keys", self.attention_lanes);
        let norm = if self.norm_in_gemv { ", RMSNorm inside decode's GEMVs" } else { "" };
        let norm = if self.norm_thread_per_row { format!("{norm}, RMSNorm a thread per row") } else { norm.to_string() };
        let norm = if self.qkv_epilogue { format!("{norm}, RoPE and KV write or biases inside decode's Q/K/V GEMV") } else { norm };
        let kv = match (self.kv_f16, self.kv_texture) {
            (true, _) => ", f16 KV cache",
            (false, true) => ", attention's keys and values read from texture copies",
            (false, false) => "",
        };
        let (gemm, gemv) = ((4 * self.row_blocks, self.gemm_rows), (4 * self.gemv_blocks, self.gemv_rows));
        let split = if self.gemv_split > 1 { format!(" (each run split over {} threads)", self.gemv_split) } else { String::new() };
        let texture = if self.x_texture { ", x through a texture" } else { "" };
        let storage = (self.weight_texture || self.x_texture) && self.texel_read == TexelRead::Storage;
        let weights = match (self.weight_texture, storage) {
            (true, true) => ", weights in textures (textures read as storage)",
            (true, false) => ", weights in textures",
            (false, true) => " (textures read as storage)",
            (false, false) => "",
        };
        let warm = if self.warm_up { ", a warm-up step at load" } else { "" };
        let glu = if self.gemm_glu { " (the GLU in its epilogue)" } else { "" };
        write!(f, "{x}{weights}, GEMM {} rows per thread, {} per workgroup by {} tokens{glu}{texture}, GEMV {} and {}{split}{heads}{norm}{kv}{warm}", gemm.0, gemm.1, self.gemm_tokens, gemv.0, gemv.1)
    }
}

/// `kv_float` as f16 or f32, to be the first part of a kernel's WGSL (an `enable` comes before
/// everything else).
fn kv_float_wgsl(f16: bool) -> &'static str {
    if f16 { "enable f16;\nalias kv_float = f16;" } else { "alias kv_float = f32;" }
}

/// The attention kernels of one head size and number of heads per KV head.
struct Attention {
    /// Each thread reads its own keys (shaders/share_kv/direct.wgsl): decode without `decode`,
    /// and prompts without `prompt`.
    attend: Kernel,
    /// A prompt's, its keys and values shared across a subgroup of queries
    /// (shaders/share_kv/subgroup.wgsl), where the tuning shares loads and the head size allows.
    prompt: Option<Kernel>,
    /// Decode's, a subgroup of 8 per chunk of keys with the head's quads split across its lanes
    /// (shaders/attention_decode.wgsl), and its heads per workgroup
    /// ([`Tuning::decode_heads_per_workgroup`]), where the tuning shares loads across subgroups of
    /// 8 and the head size allows.
    decode: Option<(Kernel, u32)>,
}

pub struct Kernels {
    pub tuning: Tuning,
    /// RMSNorm, a workgroup per row (shaders/rms_norm.wgsl), and where the tuning has it
    /// ([`Tuning::norm_thread_per_row`]) a thread per row of whole quads (rms_norm_rows.wgsl).
    rms_norm: Kernel,
    rms_norm_rows: Option<Kernel>,
    /// The thread-per-row RMSNorm writing into the texture a prompt's GEMM reads x from, where
    /// the tuning has both ([`Tuning::x_texture`]): see [`Self::rms_norm_input`].
    rms_norm_texture: Option<Kernel>,
    rope: Kernel,
    rope_kv: Kernel,
    /// A prompt's keys or values into an f16 KV cache (shaders/copy.wgsl to f16); an f32 cache
    /// takes `copy`.
    kv_store_f16: Option<Kernel>,
    /// Attention and the merge of its key chunks, compiled for each (head size, heads per KV
    /// head) of the shapes given.
    attention: HashMap<(u32, u32), Attention>,
    glu: Kernel,
    add: Kernel,
    sample: Kernel,
    copy: Kernel,
    /// The roofline's read-only stream (shaders/read.wgsl); no model runs it, so it compiles
    /// when first dispatched.
    read: Kernel,
    matmul: HashMap<GgmlType, Matmuls>,
    /// Decode's down-projection GEMVs that compute the GLU as they read x
    /// (shaders/activations/uniform_glu.wgsl), per weight type and activation, with their rows
    /// per workgroup: compiled by [`Kernels::with_glu_gemv`] for the types a model needs.
    glu_gemv: HashMap<(GgmlType, Activation), (Kernel, u32)>,
    /// Decode's Q/K/V GEMVs that finish q, k and v as they store (shaders/epilogue/), per
    /// epilogue, weight type and whether they normalise their input, and their rows per
    /// workgroup: compiled by [`Kernels::with_qkv_gemv`].
    qkv_gemv: HashMap<(QkvStore, GgmlType, bool), (Kernel, u32)>,
    /// Decode's GEMVs that compute an RMSNorm of their input as they read it
    /// (shaders/activations/uniform_norm.wgsl), with their rows per workgroup: for the types
    /// whose GEMV is shaders/matvec_rows.wgsl (quantized ones).
    norm_gemv: HashMap<GgmlType, (Kernel, u32)>,
    embed: HashMap<GgmlType, Kernel>,
    /// The types whose prefill GEMMs a load compiles ([`Self::with_prefill`]).
    prefill_types: Vec<GgmlType>,
    /// The types of the embedding tables whose lookups a load compiles ([`Self::with_embedding`]).
    embed_types: Vec<GgmlType>,
}

/// Decode's GEMV for weights of type `ty` reading x through a uniform window (`x_uniform`, a
/// shaders/activations/ file), with its rows per workgroup: four rows per thread
/// (shaders/matvec_rows.wgsl, `Tuning::gemv_rows`) for types with `Wgsl::rows`, else one
/// (shaders/matvec.wgsl).
/// `input` names what the window holds in the kernel's label (`+glu`, `+norm`, or nothing).
fn gemv_uniform(d: &wgpu::Device, ty: GgmlType, input: &str, x_uniform: &str, tuning: Tuning) -> Result<(Kernel, u32)> {
    gemv_uniform_into(d, ty, input, x_uniform, shader!("epilogue/store"), tuning)
}

/// [`gemv_uniform`] whose results go where `epilogue` (shaders/epilogue/) puts them; label
/// suffix `input` as there. The one-row GEMV (float types) has no epilogue: only `store`.
fn gemv_uniform_into(d: &wgpu::Device, ty: GgmlType, input: &str, x_uniform: &str, epilogue: &str, tuning: Tuning) -> Result<(Kernel, u32)> {
    let share_x = tuning.share_x(true);
    Ok(match ty.wgsl().is_some_and(|w| w.rows) {
        true => {
            let wgsl = shader!("matvec_rows")
                .replace("GEMV_LANES", &format!("{}u", tuning.gemv_rows * tuning.gemv_split / (4 * tuning.gemv_blocks)))
                .replace("GEMV_BLOCKS", &format!("{}u", tuning.gemv_blocks))
                .replace("GEMV_SPLIT", &format!("{}u", tuning.gemv_split));
            (Kernel::with_type(d, &format!("matvec_rows{input}"), &[shader!("matmul_params"), x_uniform, &wgsl, &share_x, epilogue], ty, TypePart::Dot, tuning.weight_texels())?, tuning.gemv_rows)
        }
        // share_x only for `Invocation`, which the activations' `x_scale` takes.
        false => (Kernel::with_type(d, &format!("matvec{input}"), &[&[shader!("matmul_params"), x_uniform, shader!("matvec")][..], &SHARE_X_DIRECT].concat(), ty, TypePart::Dot, tuning.weight_texels())?, MATVEC_ROWS),
    })
}

/// What decode's GEMV computes from the uniform window(s) it reads: x itself, a GLU of two
/// halves, or an RMSNorm (the files in shaders/activations/).
#[derive(Clone, Copy)]
enum WindowInput {
    Plain,
    Glu(Activation),
    Normed,
}

/// shaders/activations/uniform.wgsl, uniform_glu.wgsl or uniform_norm.wgsl sized to the
/// adapter's window. Where the GEMV splits its rows across threads (GPUs), the windows are read
/// as storage instead: there a warp's threads read different parts of x at once, which a uniform
/// buffer serves one address at a time on some GPUs, and storage in one coalesced load.
fn x_uniform_wgsl(ctx: &GpuContext, input: WindowInput, tuning: Tuning) -> String {
    let x_vec4s = (ctx.info.uniform_window() / 16).to_string();
    let wgsl = match input {
        WindowInput::Plain => shader!("activations/uniform").to_string(),
        WindowInput::Glu(act) => [shader!("act"), &shader!("activations/uniform_glu").replace("GLU_ACT", act.wgsl_fn())].join("\n"),
        WindowInput::Normed => shader!("activations/uniform_norm").to_string(),
    };
    match tuning.gemv_split > 1 {
        true => wgsl.replace("var<uniform>", "var<storage, read>").replace("array<vec4<f32>, X_VEC4S>", "array<vec4<f32>>"),
        false => wgsl.replace("X_VEC4S", &x_vec4s),
    }
}

impl Kernels {
    /// The fixed ops, matmul/embedding variants for each tensor type in `types` and attention for
    /// each of the attention shapes `attention` (their head size and group), each compiled when
    /// first dispatched or by `compile_all`.
    pub fn new(ctx: &GpuContext, types: impl IntoIterator<Item = GgmlType>, attention: &[AttentionShape]) -> Result<Self> {
        Self::tuned(ctx, types, attention, Tuning::for_adapter(ctx))
    }

    /// [`Self::new`] with the variants `tuning` picks (tests check each on one adapter).
    pub fn tuned(ctx: &GpuContext, types: impl IntoIterator<Item = GgmlType>, attention: &[AttentionShape], tuning: Tuning) -> Result<Self> {
        // A decode step's chunks must fit the `parts` buffer.
        if !(1..=ATTENTION_MAX_CHUNKS).contains(&tuning.attention_lanes) {
            return Err(crate::error::Error::InvalidRequest(format!("attention lanes {}: 1 to {ATTENTION_MAX_CHUNKS}", tuning.attention_lanes)));
        }
        let d = &ctx.device;
        let (x_uniform, x_normed) = (x_uniform_wgsl(ctx, WindowInput::Plain, tuning), x_uniform_wgsl(ctx, WindowInput::Normed, tuning));
        let share_x = tuning.share_x(false);
        let matmul_wgsl = shader!("matmul")
            .replace("ROW_BLOCKS", &format!("{}u", tuning.row_blocks))
            .replace("GEMM_LANES", &format!("{}u", tuning.gemm_rows / (4 * tuning.row_blocks)))
            .replace("GEMM_TOKENS", &format!("{}u", tuning.gemm_tokens));
        let epilogue = match tuning.gemm_glu {
            true => [shader!("act"), shader!("epilogue/gemm_glu")].join("\n"),
            false => shader!("epilogue/gemm_plain").to_string(),
        };
        let matmul_wgsl = expand(&[matmul_wgsl.as_str(), &epilogue].join("\n"), "s", "TOK", Expand::Unrolled(tuning.gemm_tokens));
        let mut matmul = HashMap::new();
        let mut embed = HashMap::new();
        let mut norm_gemv = HashMap::new();
        for ty in types {
            if !matmul.contains_key(&ty) {
                let gemm = |x: &str| Kernel::with_type(d, "matmul", &[shader!("matmul_params"), x, &matmul_wgsl, &share_x], ty, TypePart::Dequant, tuning.weight_texels());
                let gemv = |x: &str| Kernel::with_type(d, "matvec", &[shader!("matmul_params"), x, shader!("matvec")], ty, TypePart::Dot, tuning.weight_texels());
                if tuning.norm_in_gemv && ty.wgsl().is_some_and(|w| w.rows) {
                    norm_gemv.insert(ty, gemv_uniform(d, ty, "+norm", &x_normed, tuning)?);
                }
                let (gemv_uniform, gemv_uniform_rows) = gemv_uniform(d, ty, "", &x_uniform, tuning)?;
                let matmuls = Matmuls {
                    gemv_uniform,
                    gemv_uniform_rows,
                    gemm: gemm(X_VEC4)?,
                    gemm_texture: if tuning.x_texture { Some(gemm(&[tuning.texel_read.wgsl(2, "x_tex", "rgba32float", "f32").as_str(), X_TEXTURE].join("\n"))?) } else { None },
                    gemv: gemv(X_VEC4)?,
                    any: if ty.block_size() == 1 { Some(gemm(X_SCALAR)?) } else { None },
                };
                matmul.insert(ty, matmuls);
                embed.insert(ty, Kernel::with_type(d, "embed", &[shader!("embed")], ty, TypePart::Dequant, tuning.weight_texels())?);
            }
        }
        Ok(Self {
            tuning,
            rms_norm: Kernel::new(d, "rms_norm", &[shader!("rms_norm_params"), shader!("rms_norm")].join("\n")),
            rms_norm_rows: tuning.norm_thread_per_row.then(|| Kernel::new(d, "rms_norm_rows", &[shader!("rms_norm_params"), shader!("rms_norm_rows"), shader!("norm_out/buffer")].join("\n"))),
            rms_norm_texture: (tuning.norm_thread_per_row && tuning.x_texture).then(|| Kernel::new(d, "rms_norm_texture", &[shader!("rms_norm_params"), shader!("rms_norm_rows"), shader!("norm_out/texture")].join("\n"))),
            rope: Kernel::new(d, "rope", &[shader!("rope/sin_cos"), shader!("rope/rope")].join("\n")),
            rope_kv: Kernel::new(d, "rope_kv", &[tuning.kv_wgsl(), shader!("rope/sin_cos"), shader!("rope/rope_kv")].join("\n")),
            kv_store_f16: tuning.kv_f16.then(|| Kernel::new(d, "kv_store", &[tuning.kv_wgsl(), shader!("copy")].join("\n"))),
            attention: attention
                .iter()
                .map(|shape| (shape.head_dim, shape.group()))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .map(|(hd, group)| {
                    let hg = tuning.heads_per_thread(hd, group);
                    let quads = if tuning.unroll_heads { Expand::Unrolled(hd / 4) } else { Expand::Loop };
                    let kernel = |name, parts: &[&str], hg: u32, lanes: u32| {
                        let wgsl = [&[tuning.kv_wgsl(), shader!("attention_params"), shader!("attention_merge")], parts].concat().join("\n");
                        let wgsl = wgsl.replace("HEAD_DIM4", &(hd / 4).to_string()).replace("HEADS_PER_THREAD", &format!("{hg}u")).replace("WORKGROUP_LANES", &format!("{lanes}u"));
                        // A decode lane's quads (`i < PER`) are always unrolled.
                        let wgsl = expand(&expand(&wgsl, "h", "HG", Expand::Unrolled(hg)), "i", "PER", Expand::Unrolled(hd / 32));
                        Kernel::new(d, name, &expand(&wgsl, "d", "D4", quads))
                    };
                    let shared = tuning.subgroup_x && (hd / 4) % 8 == 0;
                    let decode_hg = tuning.decode_heads_per_workgroup(hd, group);
                    let attention = Attention {
                        attend: kernel("attention", &[shader!("attention"), shader!("share_kv/direct"), shader!("kv_read/buffer")], hg, tuning.attention_lanes),
                        prompt: shared.then(|| kernel("attention_prompt", &[shader!("attention"), shader!("share_kv/subgroup"), tuning.kv_read_wgsl().as_str()], hg, ATTENTION_LANES)),
                        // (sized by its SUBGROUPS: it has no WORKGROUP_LANES)
                        decode: shared.then(|| (kernel("attention_decode", &[tuning.kv_read_wgsl().as_str(), shader!("attention_decode")], decode_hg, ATTENTION_LANES), decode_hg)),
                    };
                    ((hd, group), attention)
                })
                .collect(),
            glu: Kernel::new(d, "glu", &[shader!("act"), shader!("glu")].join("\n")),
            add: Kernel::new(d, "add", shader!("add")),
            sample: Kernel::new(d, "sample", shader!("sample")),
            copy: Kernel::new(d, "copy", &[kv_float_wgsl(false), shader!("copy")].join("\n")),
            read: Kernel::new(d, "read", &[weight_words_wgsl(tuning.weight_texels()).as_str(), shader!("read")].join("\n")),
            matmul,
            glu_gemv: HashMap::new(),
            qkv_gemv: HashMap::new(),
            norm_gemv,
            embed,
            prefill_types: Vec::new(),
            embed_types: Vec::new(),
        })
    }

    /// Marks the prefill GEMMs of `types` (a model's layer weights) as compiled with the load
    /// ([`Self::at_load`]) rather than on first use, inside the first prompt.
    pub fn with_prefill(mut self, types: impl IntoIterator<Item = GgmlType>) -> Self {
        self.prefill_types.extend(types);
        self
    }

    /// Marks the embedding lookups of `types` (a model's token_embd) as compiled with the load
    /// ([`Self::at_load`]); the other types' would never run.
    pub fn with_embedding(mut self, types: impl IntoIterator<Item = GgmlType>) -> Self {
        self.embed_types.extend(types);
        self
    }

    /// The kernels a load compiles: all but the matmul variants compiled on first use (see
    /// [`Matmuls`]), the prefill GEMMs of [`Self::with_prefill`]'s types, and the embedding
    /// lookups of [`Self::with_embedding`]'s types.
    pub fn at_load(&self) -> Vec<&Kernel> {
        // A thread per row where the tuning has it: models' rows are whole quads.
        let mut all = vec![self.rms_norm_rows.as_ref().unwrap_or(&self.rms_norm), &self.rope, &self.rope_kv, &self.glu, &self.add, &self.sample, &self.copy];
        all.extend(&self.kv_store_f16);
        all.extend(&self.rms_norm_texture);
        for a in self.attention.values() {
            // The lane-per-chunk kernel only where decode or prompts run it.
            if a.decode.is_none() || a.prompt.is_none() {
                all.push(&a.attend);
            }
            all.extend(&a.prompt);
            all.extend(a.decode.as_ref().map(|(k, _)| k));
        }
        for (ty, m) in &self.matmul {
            all.push(&m.gemv_uniform);
            if self.prefill_types.contains(ty) {
                all.push(m.gemm_texture.as_ref().unwrap_or(&m.gemm));
                all.extend(&m.any);
            }
        }
        all.extend(self.glu_gemv.values().map(|(k, _)| k));
        all.extend(self.qkv_gemv.values().map(|(k, _)| k));
        all.extend(self.norm_gemv.values().map(|(k, _)| k));
        all.extend(self.embed.iter().filter(|(ty, _)| self.embed_types.contains(ty)).map(|(_, k)| k));
        all
    }

    /// Adds decode's down GEMVs with the GLU fused into their input, for each of `types` (a
    /// model's ffn_down types) and activation `act`: see [`Self::glu_matmul`].
    pub fn with_glu_gemv(mut self, ctx: &GpuContext, types: impl IntoIterator<Item = GgmlType>, act: Activation) -> Result<Self> {
        let x_glu = x_uniform_wgsl(ctx, WindowInput::Glu(act), self.tuning);
        for ty in types {
            if !self.glu_gemv.contains_key(&(ty, act)) {
                self.glu_gemv.insert((ty, act), gemv_uniform(&ctx.device, ty, "+glu", &x_glu, self.tuning)?);
            }
        }
        Ok(self)
    }

    /// Adds decode's Q/K/V GEMVs that finish q, k and v as they store them (`store`: RoPE and the
    /// KV-cache write, or the biases), for each of `types` (a model's fused Q/K/V type) that the
    /// four-row GEMV reads: see [`Self::matmul_rope_kv`] and [`Self::matmul_qkv_bias`]. With and
    /// without the RMSNorm read with x, as decode's other GEMVs after a norm
    /// (`Tuning::norm_in_gemv`).
    pub fn with_qkv_gemv(mut self, ctx: &GpuContext, store: QkvStore, types: impl IntoIterator<Item = GgmlType>) -> Result<Self> {
        if !self.tuning.qkv_epilogue {
            return Ok(self);
        }
        let (epilogue, label) = match store {
            QkvStore::RopeKv => {
                let texels = if self.tuning.kv_texels().is_some() { shader!("epilogue/kv_texels") } else { shader!("epilogue/kv_texels_none") };
                ([self.tuning.kv_wgsl(), shader!("rope/sin_cos"), shader!("epilogue/rope_kv"), texels].join("\n"), "rope")
            }
            QkvStore::Bias => (shader!("epilogue/bias").to_string(), "bias"),
        };
        // Its bindings follow the GEMV's: x at 2, y at 3, the norm's weight at 4 where it has one.
        let bound_from = |first: u32| (0..5).fold(epilogue.clone(), |wgsl, i| wgsl.replace(&format!("EPILOGUE_B{i}"), &(first + i).to_string()));
        let inputs = [(false, "", WindowInput::Plain, 4), (true, "+norm", WindowInput::Normed, 5)];
        for ty in types.into_iter().filter(|ty| ty.wgsl().is_some_and(|w| w.rows)) {
            for &(normed, input_label, input, first) in inputs.iter().filter(|i| !i.0 || self.tuning.norm_in_gemv) {
                if !self.qkv_gemv.contains_key(&(store, ty, normed)) {
                    let x = x_uniform_wgsl(ctx, input, self.tuning);
                    let kernel = gemv_uniform_into(&ctx.device, ty, &format!("{input_label}+{label}"), &x, &bound_from(first), self.tuning)?;
                    self.qkv_gemv.insert((store, ty, normed), kernel);
                }
            }
        }
        Ok(self)
    }

    /// `y[r] = x[r] / rms(x[r]) * weight` for `n_rows` rows of `n_cols`.
    #[allow(clippy::too_many_arguments)]
    pub fn rms_norm(&self, rec: &mut Recorder<'_>, x: B, weight: B, y: B, n_rows: u32, n_cols: u32, eps: f32) {
        self.rms_norm_into(rec, x, weight, y, n_rows, n_cols, eps, false);
    }

    /// [`Self::rms_norm`], adding into `y` when `accumulate`.
    #[allow(clippy::too_many_arguments)]
    pub fn rms_norm_into(&self, rec: &mut Recorder<'_>, x: B, weight: B, y: B, n_rows: u32, n_cols: u32, eps: f32, accumulate: bool) {
        let p = NormParams { n_cols, n_rows, eps, accumulate: accumulate as u32 };
        let bindings = [x.into(), weight.into(), y.into()];
        match &self.rms_norm_rows {
            Some(rows) if n_cols % 4 == 0 => rows.dispatch(rec, &p, &bindings, grid_1d(n_rows.div_ceil(RMS_NORM_ROWS_WG))),
            _ => self.rms_norm.dispatch(rec, &p, &bindings, [n_rows, 1, 1]),
        }
    }

    /// The input of the matmuls by `readers` that follow `rms_norm(x) · weight` ([n_tok][n_cols]):
    /// for one token, where x and the weight fit uniform windows and every reader has a GEMV
    /// that normalises as it reads (`Tuning::norm_in_gemv`), the norm is left to them (a
    /// dispatch less); for a prompt whose readers all read x through a texture
    /// ([`Self::textured_gemm`]), it is written into that texture (no copy of `h` into it);
    /// otherwise it is computed into `h`.
    #[allow(clippy::too_many_arguments)]
    pub fn rms_norm_input<'b>(&self, rec: &mut Recorder<'_>, x: B<'b>, weight: B<'b>, h: B<'b>, n_tok: u32, n_cols: u32, eps: f32, readers: &[&GpuTensor]) -> Input<'b> {
        let each_reads = readers.iter().all(|w| self.norm_gemv.contains_key(&w.ty) && w.row_len() == n_cols);
        if n_tok == 1 && n_cols % 4 == 0 && each_reads && uniform_window_fits(rec, &x, n_cols) && uniform_window_fits(rec, &weight, n_cols) {
            return Input::Normed { x, weight, eps };
        }
        // Where every reader would read x through a texture if given h (the same test as the
        // copy's, so that both paths serve the same shapes).
        let each_textured = readers.iter().all(|w| w.row_len() == n_cols && self.textured_gemm(rec.ctx, w, &h, n_tok).is_some());
        if let Some(kernel) = self.rms_norm_texture.as_ref().filter(|_| each_textured) {
            let p = NormParams { n_cols, n_rows: n_tok, eps, accumulate: 0 };
            let texture = rec.activation_texture(n_cols, n_tok);
            kernel.dispatch(rec, &p, &[x.into(), weight.into(), Binding::Texture(texture.clone())], grid_1d(n_tok.div_ceil(RMS_NORM_ROWS_WG)));
            return Input::Texture(texture);
        }
        self.rms_norm(rec, x, weight, h.clone(), n_tok, n_cols, eps);
        Input::Plain(h)
    }

    /// `y[t] (+)= W · x[t]` for `n_tok` tokens; `accumulate` adds into `y` (residual).
    /// One dispatch per part of W (a tensor split over bindings writes its rows' slice of y).
    pub fn matmul<'b>(&self, rec: &mut Recorder<'_>, w: &GpuTensor, x: impl Into<Input<'b>>, y: B, n_tok: u32, accumulate: bool) {
        self.matmul_into(rec, w, x, y, n_tok, accumulate, YRows { stride: w.n_rows(), row0: 0 });
    }

    /// [`Self::matmul`] writing W's outputs at `y[t][rows.row0..]` of rows `rows.stride` long,
    /// e.g. gate and up into the halves of one [gate | up] row.
    #[allow(clippy::too_many_arguments)]
    pub fn matmul_into<'b>(&self, rec: &mut Recorder<'_>, w: &GpuTensor, x: impl Into<Input<'b>>, y: B, n_tok: u32, accumulate: bool, rows: YRows) {
        let x = match x.into() {
            Input::Plain(x) => x,
            Input::Normed { x, weight, eps } => {
                let (kernel, rows_per_group) = self.norm_gemv.get(&w.ty).expect("rms_norm_input checked each reader's type");
                return gemv_windowed(rec, (kernel, *rows_per_group), w, x, Some(uniform_window(rec, &weight)), eps, y, accumulate, rows);
            }
            texture @ Input::Texture(_) => return self.matmul_parts(rec, w, texture, y, n_tok, accumulate, rows, None),
        };
        let m = &self.matmul[&w.ty];
        let n_in = w.row_len();
        if n_tok == 1 && n_in % 4 == 0 && uniform_window_fits(rec, &x, n_in) {
            return gemv_windowed(rec, (&m.gemv_uniform, m.gemv_uniform_rows), w, x, None, 0.0, y, accumulate, rows);
        }
        self.matmul_parts(rec, w, Input::Plain(x), y, n_tok, accumulate, rows, None);
    }

    /// [`Self::matmul_into`] past the GEMVs with a uniform window: a dispatch per part of W, of
    /// the storage-x GEMV (one token) or a GEMM, with `glu` the GEMM's GLU epilogue
    /// ([`Self::matmul_glu`]: each output is two of W's rows). `x` is a buffer, or the texture
    /// [`Self::rms_norm_input`] wrote.
    #[allow(clippy::too_many_arguments)]
    fn matmul_parts(&self, rec: &mut Recorder<'_>, w: &GpuTensor, x: Input<'_>, y: B, n_tok: u32, accumulate: bool, rows: YRows, glu: Option<Activation>) {
        let m = &self.matmul[&w.ty];
        let n_in = w.row_len();
        let gemm_rows = self.tuning.gemm_rows;
        // Where the tuning reads the GEMM's x through a texture, x is copied there once for all
        // parts (unless rms_norm_input wrote it there).
        let (kernel, rows_per_group, x) = match x {
            Input::Texture(texture) => (m.gemm_texture.as_ref().expect("Input::Texture is made only for readers with the texture GEMM"), gemm_rows, Binding::Texture(texture)),
            Input::Plain(x) => match self.textured_gemm(rec.ctx, w, &x, n_tok) {
                Some(k) => (k, gemm_rows, Binding::Texture(rec.texture_of(&x, n_in, n_tok))),
                None => match (n_tok, n_in % 4 == 0) {
                    (_, false) => (m.any.as_ref().expect("quantized rows are whole blocks"), gemm_rows, x.into()),
                    (1, true) => (&m.gemv, MATVEC_ROWS, x.into()),
                    (_, true) => (&m.gemm, gemm_rows, x.into()),
                },
            },
            Input::Normed { .. } => unreachable!("matmul_into runs the normalising GEMVs"),
        };
        let rows_per_output = if glu.is_some() { 2 } else { 1 };
        for part in &w.parts {
            let p = MatmulParams { glu: glu.map_or(0, |act| 1 + act as u32), ..MatmulParams::new(w, part, n_tok, accumulate, rows) };
            let grid = [(part.n_rows / rows_per_output).div_ceil(rows_per_group / rows_per_output), n_tok.div_ceil(self.tuning.gemm_tokens), 1];
            kernel.dispatch(rec, &p, &[part.binding(), x.clone(), y.clone().into()], grid);
        }
    }

    /// Prefill's `y[t] = act(W_gate · x[t]) · (W_up · x[t])` for `n_tok` tokens, W being
    /// [gate; up] (2 · n_ff rows) and y [n_tok][n_ff], in the GEMM's epilogue: no [gate | up]
    /// activations written, no GLU pass over them. Returns false, recording nothing, where the
    /// tuning has no such epilogue ([`Tuning::gemm_glu`]), the GEMM does not run (one token:
    /// decode's GEMV reads the GLU instead, see [`Self::glu_matmul`]) or W is split over
    /// bindings (its halves could straddle parts).
    pub fn matmul_glu<'b>(&self, rec: &mut Recorder<'_>, w: &GpuTensor, x: Input<'b>, y: B, n_tok: u32, act: Activation) -> bool {
        if matches!(x, Input::Normed { .. }) || w.parts.len() != 1 || !self.tuning.gemm_glu || n_tok == 1 || w.n_rows() % 2 != 0 {
            return false;
        }
        self.matmul_parts(rec, w, x, y, n_tok, false, YRows { stride: w.n_rows() / 2, row0: 0 }, Some(act));
        true
    }

    /// The GEMM that reads x through a texture, where the tuning has one ([`Tuning::x_texture`])
    /// and `n_tok` (more than one) rows of x fit one ([`texture_fits`]).
    pub fn textured_gemm(&self, ctx: &GpuContext, w: &GpuTensor, x: &B, n_tok: u32) -> Option<&Kernel> {
        let kernel = self.matmul.get(&w.ty)?.gemm_texture.as_ref()?;
        (n_tok > 1 && texture_fits(ctx, x, w.row_len(), n_tok)).then_some(kernel)
    }

    /// One token's Q/K/V projection `qkv = W · x` (W's rows q's, k's, v's) finished as
    /// [`Self::rope_kv`] finishes it, in the GEMV's epilogue (shaders/epilogue/rope_kv.wgsl): q
    /// rotated in `qkv` (in place), k rotated into `k_cache` and v into `v_cache` at `pos`, one dispatch
    /// instead of two. Returns false, recording nothing, where that GEMV cannot run (see
    /// [`Self::qkv_gemv`]) or RoPE pairs the halves of a head (not two consecutive rows): the
    /// caller then runs [`Self::matmul`] and [`Self::rope_kv`].
    #[allow(clippy::too_many_arguments)]
    pub fn matmul_rope_kv<'b>(&self, rec: &mut Recorder<'_>, w: &GpuTensor, x: Input<'b>, qkv: B, inv_freqs: B, k_cache: B, v_cache: B, kv_texels: Option<[&wgpu::TextureView; 2]>, n_head: u32, n_kv_head: u32, head_dim: u32, pos: u32, rope: &Rope) -> bool {
        let layout = QkvLayout { q_rows: n_head * head_dim, kv_rows: n_kv_head * head_dim, pos, head_dim, n_rot: rope.n_rot };
        // The epilogue writes the caches' texture copies where the tuning keeps them: a cache
        // without them takes the other path.
        let Some(texels) = self.kv_textures(kv_texels) else {
            return false;
        };
        let mut extra = vec![inv_freqs.into(), k_cache.into(), v_cache.into()];
        extra.extend(texels.into_iter().flatten().map(|view| Binding::Texture(view.clone())));
        rope.style == RopeStyle::Adjacent && self.qkv_gemv(rec, QkvStore::RopeKv, w, x, qkv, extra, layout)
    }

    /// One token's Q/K/V projection plus biases, `qkv = W · x + [q_bias | k_bias | v_bias]`, in
    /// one dispatch (shaders/epilogue/bias.wgsl) instead of the GEMV and three adds; q's rows are
    /// `q_rows` long, k's and v's `kv_rows`. Returns false, recording nothing, where that GEMV
    /// cannot run (see [`Self::qkv_gemv`]): the caller then runs [`Self::matmul`] and the adds.
    #[allow(clippy::too_many_arguments)]
    pub fn matmul_qkv_bias<'b>(&self, rec: &mut Recorder<'_>, w: &GpuTensor, x: Input<'b>, qkv: B, biases: [B<'b>; 3], q_rows: u32, kv_rows: u32) -> bool {
        self.qkv_gemv(rec, QkvStore::Bias, w, x, qkv, biases.into_iter().map(Binding::Buffer).collect(), QkvLayout { q_rows, kv_rows, pos: 0, head_dim: 0, n_rot: 0 })
    }

    /// Decode's Q/K/V GEMV with the `store` epilogue and its three extra bindings, or false
    /// (nothing recorded) where it cannot run: W's type has none ([`Self::with_qkv_gemv`]), W's
    /// rows are not q's and twice kv's, x does not fit a uniform window, or W is split at an odd
    /// row (the epilogue takes rows in pairs).
    #[allow(clippy::too_many_arguments)]
    fn qkv_gemv<'b>(&self, rec: &mut Recorder<'_>, store: QkvStore, w: &GpuTensor, x: Input<'b>, qkv: B, extra: Vec<Binding<'b>>, layout: QkvLayout) -> bool {
        let (x, norm) = match x {
            Input::Plain(x) => (x, None),
            Input::Normed { x, weight, eps } => (x, Some((weight, eps))),
            // Only a prompt's x is ever in a texture; this is one token's GEMV.
            Input::Texture(_) => return false,
        };
        let Some((kernel, rows_per_group)) = self.qkv_gemv.get(&(store, w.ty, norm.is_some())) else { return false };
        let fits = w.n_rows() == layout.q_rows + 2 * layout.kv_rows && w.parts.iter().all(|part| part.row0 % 2 == 0) && uniform_window_fits(rec, &x, w.row_len());
        if !fits {
            return false;
        }
        let x = uniform_window(rec, &x);
        let whole_rows = YRows { stride: w.n_rows(), row0: 0 };
        let QkvLayout { q_rows, kv_rows, pos, head_dim, n_rot } = layout;
        for part in &w.parts {
            let eps = norm.as_ref().map_or(0.0, |n| n.1);
            let p = MatmulParams { eps, pos, head_dim, n_rot, q_rows, kv_rows, ..MatmulParams::new(w, part, 1, false, whole_rows) };
            let grid = [part.n_rows.div_ceil(*rows_per_group), 1, 1];
            let mut bindings = vec![part.binding(), x.clone().into(), qkv.clone().into()];
            bindings.extend(norm.as_ref().map(|n| uniform_window(rec, &n.0).into()));
            bindings.extend(extra.iter().cloned());
            kernel.dispatch(rec, &p, &bindings, grid);
        }
        true
    }

    /// `y[t] (+)= W · (act(gate[t]) * up[t])` for `n_tok` tokens, from `gate_up` =
    /// [n_tok][gate | up] (each half W's row length): a gated feed-forward block's GLU and down
    /// projection. Decode makes it one dispatch where [`Self::with_glu_gemv`] compiled W's type
    /// for `act` and a uniform window holds both halves; otherwise the GLU goes into `ffn`
    /// ([n_tok][row length]) and a matmul reads it.
    #[allow(clippy::too_many_arguments)]
    pub fn glu_matmul(&self, rec: &mut Recorder<'_>, w: &GpuTensor, gate_up: B, ffn: B, y: B, n_tok: u32, accumulate: bool, act: Activation) {
        match self.fused_glu(rec, w, &gate_up, n_tok, act) {
            Some((kernel, up)) => gemv_windowed(rec, kernel, w, gate_up, Some(uniform_window(rec, &up)), 0.0, y, accumulate, YRows { stride: w.n_rows(), row0: 0 }),
            None => {
                self.glu(rec, gate_up, ffn.clone(), n_tok, w.row_len(), act);
                self.matmul(rec, w, ffn, y, n_tok, accumulate);
            }
        }
    }

    /// The fused GLU GEMV and the up half's binding, where [`Self::glu_matmul`] can run as one
    /// dispatch (decode, a compiled kernel, both halves readable through uniform windows).
    pub fn fused_glu<'b>(&self, rec: &Recorder<'_>, w: &GpuTensor, gate_up: &B<'b>, n_tok: u32, act: Activation) -> Option<((&Kernel, u32), B<'b>)> {
        let n_ff = w.row_len();
        let up = B { offset: gate_up.offset + n_ff as u64 * 4, ..gate_up.clone() };
        let &(ref kernel, rows) = self.glu_gemv.get(&(w.ty, act))?;
        let fits = n_tok == 1 && n_ff % 4 == 0 && uniform_window_fits(rec, gate_up, n_ff) && uniform_window_fits(rec, &up, n_ff);
        fits.then_some(((kernel, rows), up))
    }

    /// `y[t] = table[ids[t]] * scale`.
    pub fn embed(&self, rec: &mut Recorder<'_>, table: &GpuTensor, ids: B, y: B, n_tok: u32, scale: f32) {
        for part in &table.parts {
            let p = EmbedParams {
                n_embd: table.row_len(),
                row_bytes: table.row_bytes(),
                scale,
                first_id: part.row0,
                n_ids: part.n_rows,
                skip_rows: part.skip_rows,
                w_word0: part.word0(),
                _pad: 0,
            };
            self.embed[&table.ty].dispatch(rec, &p, &[part.binding(), ids.clone().into(), y.clone().into()], [n_tok, 1, 1]);
        }
    }

    /// Rotates `x` [n_tok][n_heads][head_dim] in place for positions `pos0..pos0 + n_tok`;
    /// `inv_freqs` holds [`Rope::inv_freqs`].
    #[allow(clippy::too_many_arguments)]
    pub fn rope(&self, rec: &mut Recorder<'_>, x: B, inv_freqs: B, n_tok: u32, n_heads: u32, head_dim: u32, pos0: u32, rope: &Rope) {
        let p = RopeParams { n_tok, n_heads, head_dim, n_rot: rope.n_rot, pos0, mode: rope.style as u32, _pad: [0; 2] };
        let n_pairs = n_tok * n_heads * rope.n_rot / 2;
        self.rope.dispatch(rec, &p, &[x.into(), inv_freqs.into()], grid_1d(n_pairs.div_ceil(64)));
    }

    /// [`Self::rope`] of q and k and the KV-cache write in one dispatch, for `n_tok` tokens at
    /// positions `pos0..`: `qkv` holds a row [q | k | v] per token (`n_head` and twice
    /// `n_kv_head` heads); q rotates into `q` ([n_tok][q_dim]), k rotates into `k_cache` and v is
    /// copied into `v_cache` at each token's position.
    #[allow(clippy::too_many_arguments)]
    pub fn rope_kv(&self, rec: &mut Recorder<'_>, qkv: B, inv_freqs: B, k_cache: B, v_cache: B, q: B, n_tok: u32, n_head: u32, n_kv_head: u32, head_dim: u32, pos0: u32, rope: &Rope) {
        let p = RopeKvParams { n_head, n_kv_head, head_dim, n_rot: rope.n_rot, pos0, mode: rope.style as u32, n_tok, _pad: 0 };
        // A row of workgroups per head: n_tok · head_dim / 2 pairs (under 65,536 workgroups of
        // 64 for any head up to 256 wide in a batch of MAX_BATCH tokens).
        let grid = [(n_tok * head_dim / 2).div_ceil(64), n_head + 2 * n_kv_head, 1];
        self.rope_kv.dispatch(rec, &p, &[qkv.into(), inv_freqs.into(), k_cache.into(), v_cache.into(), q.into()], grid);
    }

    /// The KV cache's texture copies as the tuning's kernels take them: `Some(None)` where the
    /// tuning reads the buffers, `Some(copies)` where it reads copies and the cache has them,
    /// `None` where the cache lacks the copies the tuning reads (a context too long for a
    /// texture: see `gpu::KvCache`).
    fn kv_textures<'v>(&self, kv_texels: Option<[&'v wgpu::TextureView; 2]>) -> Option<Option<[&'v wgpu::TextureView; 2]>> {
        match self.tuning.kv_texels() {
            Some(_) => kv_texels.map(Some),
            None => Some(None),
        }
    }

    /// Causal attention of `n_tok` queries at `pos0..` over the cache's keys/values
    /// `0..pos0 + n_tok`. `parts` ([`attention_parts_bytes`]) holds one query's per-chunk results.
    /// `kv_texels`: the caches' texture copies, where the tuning reads keys and values from
    /// them ([`Tuning::kv_texels`]); without them the lane-per-chunk kernel reads the buffers.
    #[allow(clippy::too_many_arguments)]
    pub fn attention(&self, rec: &mut Recorder<'_>, q: B, k_cache: B, v_cache: B, kv_texels: Option<[&wgpu::TextureView; 2]>, out: B, parts: B, n_tok: u32, pos0: u32, shape: &AttentionShape) {
        let kernels = self.attention.get(&(shape.head_dim, shape.group())).expect("attention compiled for the model's shape");
        // The last query sees the most keys.
        let last = pos0 + n_tok;
        let n_keys = if shape.window > 0 { last.min(shape.window) } else { last };
        // A prompt has a thread per (query, hg heads); one query splits its keys, into a lane's
        // chunks or (attention_decode) a subgroup's.
        // The subgroup kernels read the caches as the tuning says (texture copies or buffers);
        // where a cache lacks the copies the tuning reads, `attend` reads its buffers.
        let textures = self.kv_textures(kv_texels);
        let readable = textures.is_some();
        let hg = self.tuning.heads_per_thread(shape.head_dim, shape.group());
        let (attend, hg, max_chunks, subgroups, lanes) = match (&kernels.decode, &kernels.prompt) {
            // One workgroup per head group (grid x: n_chunks ≤ lanes), whose subgroups take the chunks.
            (Some((decode, decode_hg)), _) if n_tok == 1 && readable => (decode, *decode_hg, ATTENTION_DECODE_CHUNKS, true, ATTENTION_DECODE_CHUNKS),
            // Lanes share keys only where they are queries of one head, each with all its keys.
            (_, Some(prompt)) if n_tok > 1 && readable => (prompt, hg, 1, true, ATTENTION_LANES),
            _ => (&kernels.attend, hg, self.tuning.attention_lanes, false, self.tuning.attention_lanes),
        };
        let n_chunks = if n_tok == 1 { n_keys.div_ceil(ATTENTION_CHUNK_KEYS).clamp(1, max_chunks) } else { 1 };
        let p = AttentionParams {
            n_tok,
            n_head: shape.n_head,
            n_kv_head: shape.n_kv_head,
            head_dim: shape.head_dim,
            pos0,
            window: shape.window,
            scale: shape.scale,
            n_chunks,
            chunk_len: n_keys.div_ceil(n_chunks),
            _pad: [0; 3],
        };
        let grid = [(n_tok * n_chunks).div_ceil(lanes), shape.n_head / hg, 1];
        let (k_cache, v_cache) = match textures.flatten().filter(|_| subgroups) {
            Some([k, v]) => (Binding::Texture(k.clone()), Binding::Texture(v.clone())),
            None => (k_cache.into(), v_cache.into()),
        };
        attend.dispatch(rec, &p, &[q.into(), k_cache, v_cache, out.into(), parts.into()], grid);
    }

    /// `out[t] = act(gate[t]) * up[t]` for `n_tok` tokens, from `gate_up` = [n_tok][gate | up]
    /// (each half `n_ff` long) into `out` = [n_tok][n_ff].
    pub fn glu(&self, rec: &mut Recorder<'_>, gate_up: B, out: B, n_tok: u32, n_ff: u32, act: Activation) {
        let n = n_tok * n_ff;
        self.glu.dispatch(rec, &GluParams { n, act: act as u32, n_ff, _pad: 0 }, &[gate_up.into(), out.into()], grid_1d(n.div_ceil(4 * 256)));
    }

    /// `y[i] += x[i % n_x]` over `n` values (residual add, or a bias added to every token).
    pub fn add(&self, rec: &mut Recorder<'_>, y: B, x: B, n: u32, n_x: u32) {
        self.add.dispatch(rec, &AddParams { n, n_x, _pad: [0; 2] }, &[y.into(), x.into()], grid_1d(n.div_ceil(256)));
    }

    /// `result[0]` = a token drawn from `logits[offset..offset + n]` by `sampling`, with `u`
    /// uniform in [0, 1) as the random draw (see shaders/sample.wgsl).
    #[allow(clippy::too_many_arguments)]
    pub fn sample(&self, rec: &mut Recorder<'_>, logits: B, offset: u32, n: u32, sampling: &Sampling, u: f32, result: B) {
        let p = SampleParams {
            n,
            offset,
            top_k: sampling.top_k,
            _pad: 0,
            temperature: sampling.temperature,
            top_p: sampling.top_p,
            u,
            _pad1: 0.0,
        };
        self.sample.dispatch(rec, &p, &[logits.into(), result.into()], [1, 1, 1]);
    }

    /// `n_values` keys or values (a whole number of cache rows, f32 in `src`) into `cache` from
    /// row `row` on, in the cache's type (`Tuning::kv_f16`).
    pub fn store_kv(&self, rec: &mut Recorder<'_>, src: B, cache: &wgpu::Buffer, row: u32, row_len: u32, n_values: u32) {
        let n_vec4 = n_values / 4;
        let p = CopyParams { n_vec4, dst_offset: row * row_len / 4, _pad: [0; 2] };
        let kernel = self.kv_store_f16.as_ref().unwrap_or(&self.copy);
        kernel.dispatch(rec, &p, &[src.into(), cache.as_entire_buffer_binding().into()], grid_1d(n_vec4.div_ceil(256)));
    }

    /// `dst[dst_offset..] = src[..n_bytes]`, both in bytes and multiples of 16 (else a
    /// buffer copy, which ends the compute pass): the bandwidth benchmark's reference kernel.
    pub fn copy(&self, rec: &mut Recorder<'_>, src: B, dst: &wgpu::Buffer, dst_offset: u64, n_bytes: u64) {
        if n_bytes % 16 != 0 || dst_offset % 16 != 0 || dst_offset / 16 > u32::MAX as u64 {
            rec.copy_buffer(src.buffer, src.offset, dst, dst_offset, n_bytes);
            return;
        }
        let n_vec4 = (n_bytes / 16) as u32;
        let p = CopyParams { n_vec4, dst_offset: (dst_offset / 16) as u32, _pad: [0; 2] };
        self.copy.dispatch(rec, &p, &[src.into(), dst.as_entire_buffer_binding().into()], grid_1d(n_vec4.div_ceil(256)));
}

    /// `dst[256 c + l]` = the XOR of 16 of `src`'s 16-byte words, `4096 c + l + 256 k` (k < 16):
    /// `n_bytes` of `src` (a multiple of [`READ_CHUNK`]) read once, a sixteenth of that written.
    /// The roofline's read ceiling: how fast a kernel that computes nothing reads.
    pub fn read(&self, rec: &mut Recorder<'_>, src: Binding<'_>, dst: B, n_bytes: u64) {
        assert!(n_bytes % READ_CHUNK == 0 && n_bytes / 16 <= u32::MAX as u64, "read: {n_bytes} bytes is not whole chunks");
        let n_vec4 = (n_bytes / 16) as u32;
        self.read.dispatch(rec, &ReadParams { n_vec4, w_word0: 0, _pad: [0; 2] }, &[src, dst.into()], grid_1d((n_bytes / READ_CHUNK) as u32));
    }
}

/// One token's `y (+)= W · x` by a GEMV (`kernel` and its rows per workgroup) reading its
/// input through a uniform window from x's offset (binding 2), and at binding 4 what its input
/// also needs: a GLU's up half (a window), or an RMSNorm's weight (with its `eps`). One
/// dispatch per part of W, nothing allocated (decode's hot path).
#[allow(clippy::too_many_arguments)]
fn gemv_windowed<'b>(rec: &mut Recorder<'_>, (kernel, rows_per_group): (&Kernel, u32), w: &GpuTensor, x: B<'b>, fourth: Option<B<'b>>, eps: f32, y: B, accumulate: bool, rows: YRows) {
    let x = uniform_window(rec, &x);
    for part in &w.parts {
        let p = MatmulParams { eps, ..MatmulParams::new(w, part, 1, accumulate, rows) };
        let grid = [part.n_rows.div_ceil(rows_per_group), 1, 1];
        match &fourth {
            None => kernel.dispatch(rec, &p, &[part.binding(), x.clone().into(), y.clone().into()], grid),
            Some(b) => kernel.dispatch(rec, &p, &[part.binding(), x.clone().into(), y.clone().into(), b.clone().into()], grid),
        }
    }
}

/// The adapter's uniform window of a buffer from `b`'s offset.
fn uniform_window<'b>(rec: &Recorder<'_>, b: &B<'b>) -> B<'b> {
    B { buffer: b.buffer, offset: b.offset, size: wgpu::BufferSize::new(rec.ctx.info.uniform_window()) }
}

/// Whether one token's x (n_in f32 at the binding's offset) can be read through the uniform
/// window: the buffer is a uniform and storage buffer with room for a window at x, x fits in
/// it, and its offset meets both offset alignments (GPUs read the window as storage: see
/// `x_uniform_wgsl`).
fn uniform_window_fits(rec: &Recorder<'_>, x: &B, n_in: u32) -> bool {
    let info = &rec.ctx.info;
    let window = info.uniform_window();
    let align = info.limits.min_uniform_buffer_offset_alignment.max(info.limits.min_storage_buffer_offset_alignment);
    x.buffer.usage().contains(wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::STORAGE)
        && n_in as u64 * 4 <= window
        && x.offset + window <= x.buffer.size()
        && x.offset % align as u64 == 0
}
