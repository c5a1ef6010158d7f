//! Kernel roofline: how close each matmul gets to what the adapter can move.
//!
//! Decode is memory-bound: a GEMV reads each weight byte once, so its speed limit is the
//! adapter's bandwidth. We measure that limit with a plain copy kernel (bytes read + bytes
//! written per second, the STREAM convention) and report each quant type's GEMV as the weight
//! bytes it reads per second, and as a fraction of the copy. Prefill's GEMM is reported in
//! GFLOP/s (2 · n_in · n_out · n_tok per product).
//!
//! Timing: `reps` dispatches are recorded first, then the clock runs from submit until a 4-byte
//! readback of the output returns, so encoding is outside and the one wait is amortised. Each
//! figure is the median of `TRIALS` such timings (on CPU adapters single timings move ±30%).
//!
//! Decode reads every matrix once per token, and a model is bigger than a CPU's last-level cache
//! or a GPU's L2, so each GEMV is timed *cold*: the dispatches cycle through copies of the matrix
//! totalling at least `COLD_BYTES`, as the copy kernel reads and writes 64 MiB. Timing one
//! small matrix over and over would measure the cache instead (SmolLM2's ffn_up at 0.5 MB read
//! at 1.5x the copy's rate that way on lavapipe).

use crate::check::{random_tensor_bytes, upload_tensor};
use crate::clock::now_ms;
use crate::error::Result;
use crate::gpu::{whole, GpuContext, Recorder};
use crate::kernels::Kernels;
use crate::quant::GgmlType;
use crate::rng::SplitMix64;
use serde::Serialize;

/// A matrix shape from a real model: `n_out` rows of `n_in` weights.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Shape {
    pub model: &'static str,
    pub tensor: &'static str,
    pub n_in: u32,
    pub n_out: u32,
}

/// SmolLM2-135M's and Qwen2.5-0.5B's FFN projections and SmolLM2's output layer.
pub const SHAPES: [Shape; 5] = [
    Shape { model: "SmolLM2-135M", tensor: "ffn_up", n_in: 576, n_out: 1536 },
    Shape { model: "SmolLM2-135M", tensor: "ffn_down", n_in: 1536, n_out: 576 },
    Shape { model: "SmolLM2-135M", tensor: "output", n_in: 576, n_out: 49152 },
    Shape { model: "Qwen2.5-0.5B", tensor: "ffn_up", n_in: 896, n_out: 4864 },
    Shape { model: "Qwen2.5-0.5B", tensor: "ffn_down", n_in: 4864, n_out: 896 },
];

/// The types the roofline covers: every type with a GPU kernel except the plain f32-width ones
/// (F32, BF16), which real models do not use for their big matrices.
pub fn gemv_types() -> Vec<GgmlType> {
    GgmlType::supported().filter(|t| !matches!(t, GgmlType::F32 | GgmlType::BF16)).collect()
}

/// The types whose prefill GEMM is measured: the ones real models mostly use.
pub const GEMM_TYPES: [GgmlType; 4] = [GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q8_0, GgmlType::Q4_K];

/// Tokens of the prefill GEMM measurement (a ~100-token prompt).
pub const GEMM_TOKENS: u32 = 100;

#[derive(Clone, Debug, Serialize)]
pub struct MatmulRate {
    #[serde(rename = "type")]
    pub ty: String,
    pub shape: Shape,
    /// 1: decode GEMV; more: prefill GEMM.
    pub n_tok: u32,
    pub weight_bytes: u64,
    pub ms: f64,
    /// Weight bytes read per second.
    pub gb_per_s: f64,
    /// `gb_per_s` as a percentage of the copy kernel's.
    pub pct_of_copy: f64,
    pub gflop_per_s: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Roofline {
    pub adapter: String,
    /// The copy kernel: (read + written) bytes per second.
    pub copy_gb_per_s: f64,
    pub copy_bytes: u64,
    /// Microseconds per dispatch of a copy of 16 bytes, back to back in one submission: what
    /// any dispatch costs on this adapter besides its work (a GEMV of a small matrix, or a
    /// decode step's ~240 dispatches, pay it each time).
    pub dispatch_us: f64,
    pub gemv: Vec<MatmulRate>,
    pub gemm: Vec<MatmulRate>,
}

/// Bytes each measurement should move at least, so the one submit-and-wait is amortised.
const MIN_BYTES: u64 = 48 << 20;
/// Bytes of weight copies a GEMV cycles through: more than a last-level cache holds.
const COLD_BYTES: u64 = 96 << 20;
/// Timings per figure (the median is reported).
const TRIALS: usize = 5;

/// Runs the copy, every GEMV of `types` × `shapes`, and the GEMMs of the `gemm_types` at
/// `shapes`' FFN-down shapes. Shapes whose rows are not whole blocks of a type are skipped.
pub async fn measure(ctx: &GpuContext, types: &[GgmlType], gemm_types: &[GgmlType], shapes: &[Shape]) -> Result<Roofline> {
    let kernels = Kernels::new(ctx, types.iter().chain(gemm_types).copied(), &[])?;
    let copy_bytes = (64u64 << 20).min(ctx.info.limits.max_storage_buffer_binding_size as u64 / 2) / 16 * 16;
    let copy_gb_per_s = copy_rate(ctx, &kernels, copy_bytes).await?;
    let dispatch_us = dispatch_cost(ctx, &kernels).await?;
    let mut rng = SplitMix64::new(7);
    let mut gemv = Vec::new();
    let mut gemm = Vec::new();
    for &ty in types {
        for &shape in shapes.iter().filter(|s| s.n_in as u64 % ty.block_size() == 0) {
            gemv.push(matmul_rate(ctx, &kernels, ty, shape, 1, copy_gb_per_s, &mut rng).await?);
        }
    }
    for &ty in gemm_types {
        for &shape in shapes.iter().filter(|s| s.tensor == "ffn_down" && s.n_in as u64 % ty.block_size() == 0) {
            gemm.push(matmul_rate(ctx, &kernels, ty, shape, GEMM_TOKENS, copy_gb_per_s, &mut rng).await?);
        }
    }
    Ok(Roofline { adapter: ctx.info.summary(), copy_gb_per_s, copy_bytes, dispatch_us, gemv, gemm })
}

/// Seconds for `reps` recorded dispatches (`record` gets the repetition's index), from submit
/// to a readback of `out`: the median of `TRIALS` timings after one warm-up run.
async fn time_dispatches(ctx: &GpuContext, reps: u32, out: &wgpu::Buffer, record: impl Fn(&mut Recorder<'_>, u32)) -> Result<f64> {
    let mut seconds = Vec::with_capacity(TRIALS);
    for trial in 0..=TRIALS {
        let mut rec = Recorder::new(ctx);
        for i in 0..reps {
            record(&mut rec, i);
        }
        let commands = rec.finish();
        let t0 = now_ms();
        ctx.queue.submit([commands]);
        ctx.read_bytes(out, 4).await?;
        if trial > 0 {
            seconds.push((now_ms() - t0) / 1000.0);
        }
    }
    seconds.sort_by(f64::total_cmp);
    Ok(seconds[TRIALS / 2])
}

fn reps_for(bytes: u64) -> u32 {
    MIN_BYTES.div_ceil(bytes.max(1)).clamp(3, 400) as u32
}

async fn copy_rate(ctx: &GpuContext, k: &Kernels, bytes: u64) -> Result<f64> {
    let reps = reps_for(2 * bytes);
    let seconds = copy_seconds(ctx, k, bytes, reps).await?;
    Ok(2.0 * bytes as f64 * reps as f64 / seconds / 1e9)
}

/// Microseconds per dispatch of a 16-byte copy, 400 in one submission.
async fn dispatch_cost(ctx: &GpuContext, k: &Kernels) -> Result<f64> {
    const REPS: u32 = 400;
    Ok(copy_seconds(ctx, k, 16, REPS).await? / REPS as f64 * 1e6)
}

/// Seconds for `reps` copies of `bytes` (see [`time_dispatches`]).
async fn copy_seconds(ctx: &GpuContext, k: &Kernels, bytes: u64, reps: u32) -> Result<f64> {
    let src = ctx.output_buffer("copy.src", bytes);
    let dst = ctx.output_buffer("copy.dst", bytes);
    let record = |rec: &mut Recorder<'_>, _| k.copy(rec, src.as_entire_buffer_binding(), &dst, 0, bytes);
    time_dispatches(ctx, reps, &dst, record).await
}

async fn matmul_rate(ctx: &GpuContext, k: &Kernels, ty: GgmlType, shape: Shape, n_tok: u32, copy_gb_per_s: f64, rng: &mut SplitMix64) -> Result<MatmulRate> {
    let n = shape.n_in as usize * shape.n_out as usize;
    let bytes = random_tensor_bytes(ty, n, rng);
    let weight_bytes = bytes.len() as u64;
    // A GEMV runs cold (see the module's comment); a GEMM is compute-bound, one copy will do.
    let copies = if n_tok == 1 { COLD_BYTES.div_ceil(weight_bytes) } else { 1 };
    let dims = [shape.n_in as u64, shape.n_out as u64];
    let ws: Vec<_> = (0..copies).map(|_| upload_tensor(ctx, ty, &dims, &bytes)).collect();
    let x = ctx.storage_buffer("x", &rng.vec(n_tok as usize * shape.n_in as usize, -1.0, 1.0));
    let y = ctx.output_buffer("y", n_tok as u64 * shape.n_out as u64 * 4);
    let record = |rec: &mut Recorder<'_>, i: u32| k.matmul(rec, &ws[i as usize % ws.len()], whole(&x), whole(&y), n_tok, false);
    let flops = 2.0 * n as f64 * n_tok as f64;
    // A GEMM's repetitions are sized by work (~1 GFLOP), a GEMV's by bytes, each copy once at least.
    let reps = if n_tok == 1 { reps_for(weight_bytes).max(copies as u32) } else { (1e9 / flops).ceil().clamp(2.0, 100.0) as u32 };
    let seconds = time_dispatches(ctx, reps, &y, record).await? / reps as f64;
    let gb_per_s = weight_bytes as f64 / seconds / 1e9;
    Ok(MatmulRate {
        ty: ty.name(),
        shape,
        n_tok,
        weight_bytes,
        ms: seconds * 1000.0,
        gb_per_s,
        pct_of_copy: 100.0 * gb_per_s / copy_gb_per_s,
        gflop_per_s: flops / seconds / 1e9,
    })
}

impl std::fmt::Display for Roofline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "adapter  {}", self.adapter)?;
        writeln!(f, "copy     {:.2} GB/s (read + write, {} MiB)", self.copy_gb_per_s, self.copy_bytes >> 20)?;
        writeln!(f, "dispatch {:.1} µs per dispatch besides its work (16-byte copies back to back)", self.dispatch_us)?;
        writeln!(f, "{:<6} {:<24} {:>11} {:>9} {:>9} {:>8}", "GEMV", "shape", "n_in×n_out", "ms", "GB/s", "% copy")?;
        for r in &self.gemv {
            let s = &r.shape;
            let dims = format!("{}×{}", s.n_in, s.n_out);
            writeln!(f, "{:<6} {:<24} {:>11} {:>9.3} {:>9.2} {:>7.0}%", r.ty, format!("{} {}", s.model, s.tensor), dims, r.ms, r.gb_per_s, r.pct_of_copy)?;
        }
        writeln!(f, "{:<6} {:<24} {:>11} {:>9} {:>9}", "GEMM", "shape (100 tokens)", "n_in×n_out", "ms", "GFLOP/s")?;
        for r in &self.gemm {
            let s = &r.shape;
            let dims = format!("{}×{}", s.n_in, s.n_out);
            writeln!(f, "{:<6} {:<24} {:>11} {:>9.3} {:>9.2}", r.ty, format!("{} {}", s.model, s.tensor), dims, r.ms, r.gflop_per_s)?;
        }
        Ok(())
    }
}
