//! Kernel roofline: how close each matmul gets to what the adapter can move.
//!
//! Decode is memory-bound: a GEMV reads each weight byte once, so its speed limit is the
//! adapter's bandwidth. We measure that limit with a plain copy kernel (bytes read + bytes
//! written per second, the STREAM convention) and report each quant type's GEMV as the weight
//! bytes it reads per second, and as a fraction of the copy. A read-only kernel (the same bytes
//! read and XOR-ed, nothing computed) says how much of a GEMV's gap to the copy its loads
//! explain; the rest is its arithmetic. Prefill's GEMM is reported in GFLOP/s
//! (2 · n_in · n_out · n_tok per product).
//!
//! Timing: `reps` dispatches are recorded first, then the clock runs from submit until a 4-byte
//! readback of the output returns, so encoding is outside and the one wait is amortised. `reps`
//! is calibrated so that a timing lasts at least `MIN_SECONDS`: a GPU copies 64 MiB in tens of
//! µs, about what one submit-and-readback costs, so a single dispatch would time the round trip
//! and put the copy's bandwidth (the roofline's reference) far too low. Each figure is the
//! median of `TRIALS` such timings (on CPU adapters single timings move ±30%), and each GEMV
//! timing is paired with a copy and a read timed just before it: its fractions are medians of
//! those pairs.
//!
//! Decode reads every matrix once per token, and a model is bigger than a CPU's last-level cache
//! or a GPU's L2, so each GEMV is timed *cold*: the dispatches cycle through copies of the matrix
//! totalling at least `COLD_BYTES`, as the copy kernel reads and writes 64 MiB. Timing one
//! small matrix over and over would measure the cache instead (SmolLM2's ffn_up at 0.5 MB read
//! at 1.5x the copy's rate that way on lavapipe).

use crate::check::{random_tensor_bytes, upload_tensor};
use crate::clock::now_ms;
use crate::error::Result;
use crate::gpu::{create_weight_texture, whole, Binding, GpuContext, GpuTensor, Recorder};
use crate::kernels::{Kernels, Tuning, READ_CHUNK};
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

/// An 8B model's FFN projections (Llama-3.1-8B: 14336 × 4096, 28–62 MB a matrix in the 4- and
/// 8-bit types, 117 MB in F16). On a GPU the small shapes above are a few µs of reading, so they time the
/// dispatch more than the kernel; these show what the GEMV reaches when bandwidth is the limit.
pub const LARGE_SHAPES: [Shape; 2] = [
    Shape { model: "Llama-3.1-8B", tensor: "ffn_up", n_in: 4096, n_out: 14336 },
    Shape { model: "Llama-3.1-8B", tensor: "ffn_down", n_in: 14336, n_out: 4096 },
];

/// The shapes to measure: [`SHAPES`], and [`LARGE_SHAPES`] with `large` (by default on GPUs, not
/// on CPU adapters, where the small ones are bandwidth-bound already and the large take long).
pub fn shapes(large: bool) -> Vec<Shape> {
    SHAPES.iter().chain(LARGE_SHAPES.iter().filter(|_| large)).copied().collect()
}

/// Whether [`shapes`] should include the large ones on this adapter by default.
pub fn large_by_default(ctx: &GpuContext) -> bool {
    ctx.info.adapter.device_type != wgpu::DeviceType::Cpu
}

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
    /// `gb_per_s` as a percentage of the copy kernel's: for a GEMV the median over its timings
    /// of each one against a copy timed just before it; for a GEMM against the headline copy.
    pub pct_of_copy: f64,
    /// For a GEMV, the same against the read kernel's bytes read per second (0 for a GEMM).
    pub pct_of_read: f64,
    pub gflop_per_s: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Roofline {
    pub adapter: String,
    /// The kernel variants measured (`kernels::Tuning`).
    pub tuning: String,
    /// The copy kernel: (read + written) bytes per second.
    pub copy_gb_per_s: f64,
    pub copy_bytes: u64,
    /// The read kernel (shaders/read.wgsl) over `copy_bytes`: bytes read per second. What a
    /// kernel that reads and computes nothing reaches, so the most a GEMV's loads allow.
    pub read_gb_per_s: f64,
    /// Whether the read kernel read a texture, as the GEMVs read their weights under this
    /// tuning (`Tuning::weight_texture`), rather than a buffer.
    pub read_texture: bool,
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
/// The shortest a timing may last, so that its one submit-and-readback (up to ~0.5 ms on GPUs)
/// weighs a few % at most. CPU adapters' timings were longer already (lavapipe copies 64 MiB
/// in ~20 ms).
const MIN_SECONDS: f64 = 0.02;
/// The most dispatches one timing records.
const MAX_REPS: u32 = 4096;

/// Runs the copy and read kernels, every GEMV of `types` × `shapes`, and the GEMMs of the
/// `gemm_types` at `shapes`' FFN-down shapes. Shapes whose rows are not whole blocks of a type
/// are skipped.
pub async fn measure(ctx: &GpuContext, types: &[GgmlType], gemm_types: &[GgmlType], shapes: &[Shape]) -> Result<Roofline> {
    measure_tuned(ctx, Tuning::for_adapter(ctx), types, gemm_types, shapes).await
}

/// [`measure`] with the kernel variants `tuning` picks instead of the adapter's own (to compare
/// layouts on one adapter).
pub async fn measure_tuned(ctx: &GpuContext, tuning: Tuning, types: &[GgmlType], gemm_types: &[GgmlType], shapes: &[Shape]) -> Result<Roofline> {
    let kernels = Kernels::tuned(ctx, types.iter().chain(gemm_types).copied(), &[], tuning)?;
    let limit = References::new(ctx, &kernels).await?;
    let (mut copies, mut reads) = (Vec::new(), Vec::new());
    for _ in 0..TRIALS {
        copies.push(limit.copy_gb_per_s().await?);
        reads.push(limit.read_gb_per_s().await?);
    }
    let (copy_gb_per_s, read_gb_per_s) = (median(copies), median(reads));
    let dispatch_us = dispatch_cost(ctx, &kernels).await?;
    let mut rng = SplitMix64::new(7);
    let mut gemv = Vec::new();
    let mut gemm = Vec::new();
    for &ty in types {
        for &shape in shapes.iter().filter(|s| s.n_in as u64 % ty.block_size() == 0) {
            gemv.push(gemv_rate(&limit, ty, shape, &mut rng).await?);
        }
    }
    for &ty in gemm_types {
        for &shape in shapes.iter().filter(|s| s.tensor == "ffn_down" && s.n_in as u64 % ty.block_size() == 0) {
            gemm.push(gemm_rate(ctx, &kernels, ty, shape, copy_gb_per_s, &mut rng).await?);
        }
    }
    let read_texture = limit.texture.is_some();
    Ok(Roofline { adapter: ctx.info.summary(), tuning: tuning.to_string(), copy_gb_per_s, copy_bytes: limit.bytes, read_gb_per_s, read_texture, dispatch_us, gemv, gemm })
}

/// The copy kernel's bandwidth alone (the median of `TRIALS` timings): the reference decode is
/// compared with when the rest of the roofline is not wanted.
pub async fn copy_gb_per_s(ctx: &GpuContext) -> Result<f64> {
    let kernels = Kernels::tuned(ctx, [], &[], Tuning::for_adapter(ctx))?;
    let limit = References::new(ctx, &kernels).await?;
    let mut copies = Vec::new();
    for _ in 0..TRIALS {
        copies.push(limit.copy_gb_per_s().await?);
    }
    Ok(median(copies))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Seconds for `reps` recorded dispatches (`record` gets the repetition's index), from submit
/// to a 4-byte readback of `out`: one timing.
async fn time_once(ctx: &GpuContext, reps: u32, out: &wgpu::Buffer, record: &impl Fn(&mut Recorder<'_>, u32)) -> Result<f64> {
    let mut rec = Recorder::new(ctx);
    for i in 0..reps {
        record(&mut rec, i);
    }
    let commands = rec.finish();
    let t0 = now_ms();
    ctx.queue.submit([commands]);
    ctx.read_bytes(out, 4).await?;
    Ok((now_ms() - t0) / 1000.0)
}

/// At least `reps` repetitions, more if fewer run under `MIN_SECONDS` (up to `MAX_REPS`). Its
/// timings also warm the kernel up.
async fn calibrate(ctx: &GpuContext, reps: u32, out: &wgpu::Buffer, record: &impl Fn(&mut Recorder<'_>, u32)) -> Result<u32> {
    Ok(calibrated(ctx, reps, out, record).await?.0)
}

/// [`calibrate`]'s repetitions and the seconds its last timing of them took.
async fn calibrated(ctx: &GpuContext, mut reps: u32, out: &wgpu::Buffer, record: &impl Fn(&mut Recorder<'_>, u32)) -> Result<(u32, f64)> {
    loop {
        let seconds = time_once(ctx, reps, out, record).await?;
        if seconds >= MIN_SECONDS || reps >= MAX_REPS {
            return Ok((reps, seconds));
        }
        // A short timing is mostly the round trip: grow by what is missing, at most 16x a step.
        let grow = (1.25 * MIN_SECONDS / seconds.max(1e-9)).clamp(2.0, 16.0);
        reps = ((reps as f64 * grow).ceil() as u32).min(MAX_REPS);
    }
}

/// Seconds per repetition: the median of `TRIALS` timings of at least `reps` repetitions
/// ([`calibrate`]d).
async fn time_dispatches(ctx: &GpuContext, reps: u32, out: &wgpu::Buffer, record: impl Fn(&mut Recorder<'_>, u32)) -> Result<f64> {
    let reps = calibrate(ctx, reps, out, &record).await?;
    let mut seconds = Vec::with_capacity(TRIALS);
    for _ in 0..TRIALS {
        seconds.push(time_once(ctx, reps, out, &record).await? / reps as f64);
    }
    Ok(median(seconds))
}

fn reps_for(bytes: u64) -> u32 {
    MIN_BYTES.div_ceil(bytes.max(1)).clamp(3, 400) as u32
}

/// The two kernels a GEMV is measured against, over `bytes` (64 MiB, more than a last-level
/// cache, or half the adapter's binding limit): the copy (the adapter's practical bandwidth) and
/// the read (its loads alone, from a texture where the tuning keeps weights in textures). They are timed next to each GEMV timing, so that each ratio
/// compares runs of the same moment: on a shared VM the speed of everything moves ±30% from
/// one second to the next.
struct References<'a> {
    ctx: &'a GpuContext,
    kernels: &'a Kernels,
    bytes: u64,
    src: wgpu::Buffer,
    dst: wgpu::Buffer,
    /// The read's source where weights live in textures.
    texture: Option<wgpu::TextureView>,
    /// Repetitions per timing ([`calibrate`]d: one, except on adapters that move `bytes` in less
    /// than `MIN_SECONDS`).
    copy_reps: u32,
    read_reps: u32,
}

impl<'a> References<'a> {
    async fn new(ctx: &'a GpuContext, kernels: &'a Kernels) -> Result<Self> {
        let bytes = (64u64 << 20).min(ctx.info.limits.max_storage_buffer_binding_size as u64 / 2) / READ_CHUNK * READ_CHUNK;
        let (src, dst) = (ctx.output_buffer("copy.src", bytes), ctx.output_buffer("copy.dst", bytes));
        let texture = kernels.tuning.weight_texture.then(|| create_weight_texture(&ctx.device, "read.src", bytes).1);
        let mut refs = Self { ctx, kernels, bytes, src, dst, texture, copy_reps: 1, read_reps: 1 };
        refs.copy_reps = calibrate(ctx, 1, &refs.dst, &|rec: &mut Recorder<'_>, _| refs.record_copy(rec)).await?;
        refs.read_reps = calibrate(ctx, 1, &refs.dst, &|rec: &mut Recorder<'_>, _| refs.record_read(rec)).await?;
        Ok(refs)
    }

    fn record_copy(&self, rec: &mut Recorder<'_>) {
        self.kernels.copy(rec, self.src.as_entire_buffer_binding(), &self.dst, 0, self.bytes);
    }

    fn record_read(&self, rec: &mut Recorder<'_>) {
        let src = match &self.texture {
            Some(view) => Binding::Texture(view.clone()),
            None => whole(&self.src).into(),
        };
        self.kernels.read(rec, src, whole(&self.dst), self.bytes);
    }

    /// One timing of the copy: (read + written) bytes per second.
    async fn copy_gb_per_s(&self) -> Result<f64> {
        let seconds = time_once(self.ctx, self.copy_reps, &self.dst, &|rec: &mut Recorder<'_>, _| self.record_copy(rec)).await?;
        Ok(2.0 * (self.copy_reps as u64 * self.bytes) as f64 / seconds / 1e9)
    }

    /// One timing of the read: bytes read per second.
    async fn read_gb_per_s(&self) -> Result<f64> {
        let seconds = time_once(self.ctx, self.read_reps, &self.dst, &|rec: &mut Recorder<'_>, _| self.record_read(rec)).await?;
        Ok((self.read_reps as u64 * self.bytes) as f64 / seconds / 1e9)
    }
}

/// Microseconds per dispatch of a 16-byte copy, at least 400 in one submission.
async fn dispatch_cost(ctx: &GpuContext, k: &Kernels) -> Result<f64> {
    const REPS: u32 = 400;
    let src = ctx.output_buffer("copy.src", 16);
    let dst = ctx.output_buffer("copy.dst", 16);
    let record = |rec: &mut Recorder<'_>, _| k.copy(rec, src.as_entire_buffer_binding(), &dst, 0, 16);
    Ok(time_dispatches(ctx, REPS, &dst, record).await? * 1e6)
}

/// A random matrix of `ty` at `shape` on the GPU, `copies` times, an input of `n_tok` tokens
/// and an output.
fn matmul_inputs(ctx: &GpuContext, tuning: &Tuning, ty: GgmlType, shape: Shape, n_tok: u32, copies: u64, rng: &mut SplitMix64) -> Result<(Vec<GpuTensor>, u64, wgpu::Buffer, wgpu::Buffer)> {
    let bytes = random_tensor_bytes(ty, shape.n_in as usize * shape.n_out as usize, rng);
    let dims = [shape.n_in as u64, shape.n_out as u64];
    let ws = (0..copies.max(1)).map(|_| upload_tensor(ctx, tuning, ty, &dims, &bytes)).collect::<Result<_>>()?;
    let x = ctx.storage_buffer("x", &rng.vec(n_tok as usize * shape.n_in as usize, -1.0, 1.0));
    let y = ctx.output_buffer("y", n_tok as u64 * shape.n_out as u64 * 4);
    Ok((ws, bytes.len() as u64, x, y))
}

/// Decode's GEMV, timed cold (see the module's comment), each timing after one of the copy and
/// one of the read.
async fn gemv_rate(limit: &References<'_>, ty: GgmlType, shape: Shape, rng: &mut SplitMix64) -> Result<MatmulRate> {
    let (ctx, k) = (limit.ctx, limit.kernels);
    let n = shape.n_in as u64 * shape.n_out as u64;
    let weight_bytes = ty.bytes_for(n).expect("shapes are whole blocks of the type");
    let copies = COLD_BYTES.div_ceil(weight_bytes);
    let (ws, weight_bytes, x, y) = matmul_inputs(ctx, &k.tuning, ty, shape, 1, copies, rng)?;
    let record = |rec: &mut Recorder<'_>, i: u32| k.matmul(rec, &ws[i as usize % ws.len()], whole(&x), whole(&y), 1, false);
    let reps = calibrate(ctx, reps_for(weight_bytes).max(copies as u32), &y, &record).await?;
    let (mut seconds, mut of_copy, mut of_read) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..TRIALS {
        let (copy, read) = (limit.copy_gb_per_s().await?, limit.read_gb_per_s().await?);
        let s = time_once(ctx, reps, &y, &record).await? / reps as f64;
        let gb_per_s = weight_bytes as f64 / s / 1e9;
        seconds.push(s);
        of_copy.push(100.0 * gb_per_s / copy);
        of_read.push(100.0 * gb_per_s / read);
    }
    let seconds = median(seconds);
    Ok(MatmulRate {
        ty: ty.name(),
        shape,
        n_tok: 1,
        weight_bytes,
        ms: seconds * 1000.0,
        gb_per_s: weight_bytes as f64 / seconds / 1e9,
        pct_of_copy: median(of_copy),
        pct_of_read: median(of_read),
        gflop_per_s: 2.0 * n as f64 / seconds / 1e9,
    })
}

/// Prefill's GEMM over `GEMM_TOKENS` tokens: compute-bound, one copy of the matrix will do.
async fn gemm_rate(ctx: &GpuContext, k: &Kernels, ty: GgmlType, shape: Shape, copy_gb_per_s: f64, rng: &mut SplitMix64) -> Result<MatmulRate> {
    let (ws, weight_bytes, x, y) = matmul_inputs(ctx, &k.tuning, ty, shape, GEMM_TOKENS, 1, rng)?;
    let record = |rec: &mut Recorder<'_>, _| k.matmul(rec, &ws[0], whole(&x), whole(&y), GEMM_TOKENS, false);
    let flops = 2.0 * shape.n_in as f64 * shape.n_out as f64 * GEMM_TOKENS as f64;
    // Repetitions sized by work (~1 GFLOP).
    let reps = (1e9 / flops).ceil().clamp(2.0, 100.0) as u32;
    let seconds = time_dispatches(ctx, reps, &y, record).await?;
    let gb_per_s = weight_bytes as f64 / seconds / 1e9;
    Ok(MatmulRate {
        ty: ty.name(),
        shape,
        n_tok: GEMM_TOKENS,
        weight_bytes,
        ms: seconds * 1000.0,
        gb_per_s,
        pct_of_copy: 100.0 * gb_per_s / copy_gb_per_s,
        pct_of_read: 0.0,
        gflop_per_s: flops / seconds / 1e9,
    })
}

impl std::fmt::Display for Roofline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "adapter  {}", self.adapter)?;
        writeln!(f, "kernels  {}", self.tuning)?;
        writeln!(f, "copy     {:.2} GB/s (read + write, {} MiB)", self.copy_gb_per_s, self.copy_bytes >> 20)?;
        let from = if self.read_texture { " from a texture, as the weights" } else { "" };
        writeln!(f, "read     {:.2} GB/s (read only, {} MiB{from}): {:.0}% of the copy, the most a GEMV's loads allow", self.read_gb_per_s, self.copy_bytes >> 20, 100.0 * self.read_gb_per_s / self.copy_gb_per_s)?;
        writeln!(f, "dispatch {:.1} µs per dispatch besides its work (16-byte copies back to back)", self.dispatch_us)?;
        writeln!(f, "{:<6} {:<24} {:>11} {:>9} {:>9} {:>8} {:>8}", "GEMV", "shape", "n_in×n_out", "ms", "GB/s", "% copy", "% read")?;
        for r in &self.gemv {
            let s = &r.shape;
            let dims = format!("{}×{}", s.n_in, s.n_out);
            writeln!(f, "{:<6} {:<24} {:>11} {:>9.3} {:>9.2} {:>7.0}% {:>7.0}%", r.ty, format!("{} {}", s.model, s.tensor), dims, r.ms, r.gb_per_s, r.pct_of_copy, r.pct_of_read)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> GpuContext {
        pollster::block_on(GpuContext::new()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A dispatch too small to time alone (a 16-byte copy) is repeated until one timing lasts
    /// `MIN_SECONDS`, so that the submit-and-readback around it does not count as its work.
    #[test]
    fn short_dispatches_are_repeated_until_a_timing_is_long_enough() {
        let ctx = context();
        let kernels = Kernels::tuned(&ctx, [], &[], Tuning::for_adapter(&ctx)).unwrap();
        let (src, dst) = (ctx.output_buffer("src", 16), ctx.output_buffer("dst", 16));
        let record = |rec: &mut Recorder<'_>, _| kernels.copy(rec, src.as_entire_buffer_binding(), &dst, 0, 16);
        // Judged on calibration's own timings: timing the count again would compare two moments
        // of a shared 2-core machine (other tests run beside this one), which failed CI.
        let (reps, seconds) = pollster::block_on(calibrated(&ctx, 1, &dst, &record)).unwrap();
        eprintln!("{reps} copies took {seconds} s");
        assert!(reps == MAX_REPS || seconds >= MIN_SECONDS, "calibrated to {reps} copies, which took {seconds} s");
    }

    /// The report's figures agree with each other: a GEMV's GB/s is its weight bytes over its
    /// time, its fractions are of the copy and read measured beside it.
    #[test]
    fn the_figures_agree() {
        let ctx = context();
        let ty = GgmlType::Q4_0;
        let shape = SHAPES[1];
        let r = pollster::block_on(measure(&ctx, &[ty], &[ty], &[shape])).unwrap();
        assert!(r.copy_gb_per_s > 0.0 && r.read_gb_per_s > 0.0 && r.dispatch_us > 0.0, "{r:?}");
        // The read kernel reads what it says (a read compiled away would time only its dispatches,
        // hundreds of times the copy). Not much nearer: on an AMD EPYC VM lavapipe's copy is
        // write-bound, 1.7 GB/s against a read of 11.7 (6.8x).
        let read_of_copy = r.read_gb_per_s / r.copy_gb_per_s;
        assert!((0.25..16.0).contains(&read_of_copy), "read {} vs copy {} GB/s", r.read_gb_per_s, r.copy_gb_per_s);
        let [gemv] = &r.gemv[..] else { panic!("{:?}", r.gemv) };
        assert_eq!(gemv.weight_bytes, ty.bytes_for(shape.n_in as u64 * shape.n_out as u64).unwrap());
        let gb_per_s = gemv.weight_bytes as f64 / (gemv.ms / 1000.0) / 1e9;
        assert!((gb_per_s / gemv.gb_per_s - 1.0).abs() < 1e-9, "{gemv:?}");
        // Medians of same-moment ratios, so within a factor of the ratio of medians.
        let of_copy = 100.0 * gemv.gb_per_s / r.copy_gb_per_s;
        assert!((0.5..2.0).contains(&(gemv.pct_of_copy / of_copy)), "{gemv:?} vs copy {}", r.copy_gb_per_s);
        let [gemm] = &r.gemm[..] else { panic!("{:?}", r.gemm) };
        let flops = 2.0 * (shape.n_in * shape.n_out * GEMM_TOKENS) as f64;
        assert!((flops / (gemm.ms / 1000.0) / 1e9 / gemm.gflop_per_s - 1.0).abs() < 1e-9, "{gemm:?}");
    }
}
