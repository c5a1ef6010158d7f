//! Kernel self-checks: run each GPU kernel on random inputs and compare with the CPU reference
//! (`cpu.rs`). The same checks run in native tests, in Chromium (wasm-bindgen-test) and on the
//! demo page, so a kernel is verified on every adapter it runs on.

use crate::error::{Error, Result};
use crate::gpu::{create_weight_texture, whole, Binding, GpuContext, GpuTensor, KvCache, Recorder, Store, WEIGHT_TEXTURE_ROW_BYTES};
use crate::kernels::{attention_parts_bytes, Activation, AttentionShape, Input, Kernels, QkvStore, Rope, RopeStyle, Sampling, Tuning, YRows, READ_CHUNK};
use crate::quant::{dequantize, GgmlType};
use crate::rng::SplitMix64;
use crate::cpu;
use half::f16;

/// Outcome of comparing one kernel with its reference over several random cases.
#[derive(Clone, Debug)]
pub struct KernelCheck {
    pub kernel: String,
    pub cases: usize,
    pub values: usize,
    /// Largest `|gpu - cpu| / (1 + scale)` seen, where scale is the value's magnitude
    /// (for dot products: the sum of the magnitudes of the terms).
    pub max_error: f32,
    pub tolerance: f32,
}

impl KernelCheck {
    pub fn passed(&self) -> bool {
        self.max_error <= self.tolerance // NaN compares false, so a NaN result fails
    }
}

impl std::fmt::Display for KernelCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verdict = if self.passed() { "PASS" } else { "FAIL" };
        write!(
            f,
            "{}: {verdict} ({} cases, {} values, max error {:.2e}, tolerance {:.0e})",
            self.kernel, self.cases, self.values, self.max_error, self.tolerance
        )
    }
}

/// Accumulates errors over cases; NaN anywhere sticks.
struct Tally {
    max_error: f32,
    values: usize,
    cases: usize,
}

impl Tally {
    fn new() -> Self {
        Self { max_error: 0.0, values: 0, cases: 0 }
    }
    fn add(&mut self, gpu: &[f32], cpu: &[f32], scale: impl Fn(usize) -> f32) {
        assert_eq!(gpu.len(), cpu.len());
        for (i, (g, c)) in gpu.iter().zip(cpu).enumerate() {
            let e = (g - c).abs() / (1.0 + scale(i));
            self.max_error = if e.is_nan() || self.max_error.is_nan() { f32::NAN } else { self.max_error.max(e) };
        }
        self.values += gpu.len();
        self.cases += 1;
    }
    /// [`Self::add`] for values rounded to a narrower type on the GPU: up to `allow(i)` of
    /// difference is not an error (a rounding the GPU may make either way).
    fn add_rounded(&mut self, gpu: &[f32], cpu: &[f32], scale: impl Fn(usize) -> f32, allow: impl Fn(usize) -> f32) {
        let excess: Vec<f32> = gpu.iter().zip(cpu).enumerate().map(|(i, (g, c))| ((g - c).abs() - allow(i)).max(0.0)).collect();
        self.add(&excess, &vec![0.0; excess.len()], scale);
    }
    fn done(self, kernel: impl Into<String>, tolerance: f32) -> KernelCheck {
        KernelCheck { kernel: kernel.into(), cases: self.cases, values: self.values, max_error: self.max_error, tolerance }
    }
}

/// Random tensor bytes of type `ty` for `n` values: random quants with sane f16 scales.
pub fn random_tensor_bytes(ty: GgmlType, n: usize, rng: &mut SplitMix64) -> Vec<u8> {
    let put_f16 = |b: &mut [u8], at: usize, v: f32| b[at..at + 2].copy_from_slice(&f16::from_f32(v).to_le_bytes());
    match ty {
        GgmlType::F32 => rng.vec(n, -1.0, 1.0).iter().flat_map(|v| v.to_le_bytes()).collect(),
        GgmlType::F16 => rng.vec(n, -1.0, 1.0).iter().flat_map(|&v| f16::from_f32(v).to_le_bytes()).collect(),
        GgmlType::BF16 => rng.vec(n, -1.0, 1.0).iter().flat_map(|&v| ((v.to_bits() >> 16) as u16).to_le_bytes()).collect(),
        _ => {
            let n_blocks = n / ty.block_size() as usize;
            let mut bytes: Vec<u8> = (0..n_blocks * ty.block_bytes() as usize).map(|_| rng.next_u64() as u8).collect();
            for block in bytes.chunks_mut(ty.block_bytes() as usize) {
                match ty {
                    // K-quants: the super-block scales multiply 6-bit (Q4_K/Q5_K) or 8-bit (Q6_K) sub-block scales.
                    GgmlType::Q4_K | GgmlType::Q5_K => {
                        put_f16(block, 0, rng.uniform(0.0005, 0.003)); // d
                        put_f16(block, 2, rng.uniform(0.0005, 0.005)); // dmin
                    }
                    GgmlType::Q6_K => put_f16(block, 208, rng.uniform(0.0002, 0.002)), // d
                    _ => {
                        put_f16(block, 0, rng.uniform(0.001, 0.05)); // d
                        if matches!(ty, GgmlType::Q4_1 | GgmlType::Q5_1) {
                            put_f16(block, 2, rng.uniform(-0.3, 0.3)); // m
                        }
                    }
                }
            }
            bytes
        }
    }
}

/// `header` with tensor `name` given other dimensions and the tensors laid out again: a model
/// whose tensors disagree with its metadata, for the loader's checks (with `model::write_model`).
pub fn reshaped(header: &crate::gguf::GgufHeader, name: &str, dims: &[u64]) -> crate::gguf::GgufHeader {
    let shapes = header.tensors.iter().map(|t| (t.name.clone(), if t.name == name { dims.to_vec() } else { t.dims.clone() }, t.ty));
    crate::gguf::GgufHeader { tensors: crate::gguf::lay_out(shapes.collect::<Vec<_>>(), header.alignment), ..header.clone() }
}

/// Uploads a tensor's GGUF bytes as a standalone GPU tensor the way a model's load places it
/// under `tuning` (`model::Uploader`: its GPU layout, in a buffer or a weight texture), after
/// three rows of another tensor, so that it starts inside its arena as a model's tensors do (in
/// a texture, mid-row), and fed in chunks of an odd size, as a download arrives, so that writes
/// start and end mid-row.
pub fn upload_tensor(ctx: &GpuContext, tuning: &Tuning, ty: GgmlType, dims: &[u64], bytes: &[u8]) -> Result<GpuTensor> {
    const CHUNK: usize = 4099;
    let tensors = crate::gguf::lay_out([("before".to_string(), vec![dims[0], 3], ty), ("t".to_string(), dims.to_vec(), ty)], 32);
    let header = crate::gguf::GgufHeader { version: 3, metadata: Default::default(), tensors, alignment: 32, data_start: 0 };
    let mut uploader = crate::model::Uploader::new(ctx, &header, tuning.weight_texture)?;
    for (i, chunk) in bytes.chunks(CHUNK).enumerate() {
        uploader.write(ctx, 1, (i * CHUNK) as u64, chunk);
    }
    let tensor = uploader.finish(&header).get("t")?.clone();
    // Where the tuning reads weights as texels, the matrices of the types read as words are there.
    let in_texture = matches!(tensor.parts[0].store, Store::Texture(_));
    if in_texture != (tuning.weight_texture && dims.len() >= 2 && ty.wgsl().is_some_and(|w| w.rows)) {
        return Err(Error::Gpu(format!("{ty:?} tensor {dims:?}: in a texture {in_texture}, tuning {tuning}")));
    }
    Ok(tensor)
}

/// `values` as the KV cache holds them under `tuning` (f16 rounds them).
fn kv_values(tuning: &Tuning, values: &[f32]) -> Vec<f32> {
    match tuning.kv_f16 {
        true => values.iter().map(|&v| f16::from_f32(v).to_f32()).collect(),
        false => values.to_vec(),
    }
}

/// How far apart an f32 value and the cache's copy of it may be: an f16 step at the value (the
/// GPU may round either way), or nothing for an f32 cache.
fn kv_rounding(tuning: &Tuning, v: f32) -> f32 {
    let h = f16::from_f32(v.abs());
    if tuning.kv_f16 { f16::from_bits(h.to_bits() + 1).to_f32() - h.to_f32() } else { 0.0 }
}

/// A KV-cache buffer holding `values` in the cache's type.
fn kv_buffer(ctx: &GpuContext, tuning: &Tuning, label: &str, values: &[f32]) -> wgpu::Buffer {
    match tuning.kv_f16 {
        true => ctx.storage_buffer(label, &values.iter().map(|&v| f16::from_f32(v)).collect::<Vec<_>>()),
        false => ctx.storage_buffer(label, values),
    }
}

/// Row `row` of an rgba32float texture (a KV cache's texture copy), read back.
async fn read_texture_row(ctx: &GpuContext, texture: &wgpu::Texture, row: u32) -> Result<Vec<f32>> {
    let width = texture.width();
    let out = ctx.output_buffer("texture row", width as u64 * 16);
    let mut rec = Recorder::new(ctx);
    rec.copy_texture_row(texture, row, &out);
    rec.submit();
    ctx.read_f32(&out, width as usize * 4).await
}

/// The first `len` values of a KV-cache buffer, as f32.
async fn read_kv(ctx: &GpuContext, tuning: &Tuning, buffer: &wgpu::Buffer, len: usize) -> Result<Vec<f32>> {
    match tuning.kv_f16 {
        true => Ok(ctx.read_bytes(buffer, (len * 2) as u64).await?.chunks(2).map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32()).collect()),
        false => ctx.read_f32(buffer, len).await,
    }
}

async fn run(ctx: &GpuContext, record: impl FnOnce(&mut Recorder<'_>), out: &wgpu::Buffer, len: usize) -> Result<Vec<f32>> {
    let mut rec = Recorder::new(ctx);
    record(&mut rec);
    rec.submit();
    ctx.read_f32(out, len).await
}

pub async fn check_rms_norm(ctx: &GpuContext, k: &Kernels, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    // Rows of whole quads (a thread per row on CPU adapters) and not (a workgroup per row).
    for (n_rows, n_cols) in [(1usize, 64usize), (3, 576), (13, 1000), (2, 4096), (5, 90)] {
        let x = rng.vec(n_rows * n_cols, -3.0, 3.0);
        let w = rng.vec(n_cols, 0.5, 1.5);
        let want: Vec<f32> = x.chunks(n_cols).flat_map(|r| cpu::rms_norm(r, &w, 1e-5)).collect();
        let (xb, wb, yb) = (ctx.storage_buffer("x", &x), ctx.storage_buffer("w", &w), ctx.output_buffer("y", (x.len() * 4) as u64));
        let got = run(ctx, |e| k.rms_norm(e, whole(&xb), whole(&wb), whole(&yb), n_rows as u32, n_cols as u32, 1e-5), &yb, x.len()).await?;
        tally.add(&got, &want, |i| want[i].abs());
        // Accumulating into a residual stream.
        let y0 = rng.vec(x.len(), -1.0, 1.0);
        let want: Vec<f32> = want.iter().zip(&y0).map(|(a, b)| a + b).collect();
        let yb = ctx.storage_buffer("y", &y0);
        let got = run(ctx, |e| k.rms_norm_into(e, whole(&xb), whole(&wb), whole(&yb), n_rows as u32, n_cols as u32, 1e-5, true), &yb, x.len()).await?;
        tally.add(&got, &want, |i| want[i].abs() + y0[i].abs());
    }
    // f32 sums of up to 4096 squares in a different order: ~1e-6 relative.
    Ok(tally.done("rms_norm", 1e-5))
}

/// Quantized matmul for one type: decode (1 token) and prefill (ragged token counts).
pub async fn check_matmul(ctx: &GpuContext, k: &Kernels, ty: GgmlType, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    // Plain float rows need not be multiples of 32; K-quant rows are whole 256-value super-blocks.
    let shapes: &[(usize, usize, usize)] = match ty.block_size() {
        1 => &[(64, 40, 1), (172, 64, 3), (576, 77, 9), (45, 31, 2), (45, 301, 11), (2305, 9, 1)], // odd rows start mid-word
        // More than 256 rows (GEMV n_tok 1, GEMM more): four rows per thread, a ragged end; a
        // GEMV row of 72 groups, more than the threads a run of rows may be split over.
        32 => &[(64, 40, 1), (256, 64, 3), (576, 77, 9), (1536, 33, 17), (96, 301, 1), (64, 301, 11), (2304, 9, 1)],
        _ => &[(256, 40, 1), (512, 64, 3), (768, 77, 9), (1536, 33, 17), (256, 301, 1), (256, 301, 11), (2304, 9, 1)],
    };
    for &(n_in, n_out, n_tok) in shapes {
        let bytes = random_tensor_bytes(ty, n_in * n_out, &mut rng);
        let w = dequantize(ty, &bytes);
        let x = rng.vec(n_in * n_tok, -1.0, 1.0);
        let accumulate = n_tok % 2 == 1;
        let magnitude: Vec<f32> = (0..n_tok)
            .flat_map(|t| {
                let (x, w) = (&x, &w);
                (0..n_out).map(move |r| (0..n_in).map(|i| (w[r * n_in + i] * x[t * n_in + i]).abs()).sum::<f32>())
            })
            .collect();
        let tensor = upload_tensor(ctx, &k.tuning, ty, &[n_in as u64, n_out as u64], &bytes)?;
        // y rows wider than W's outputs, which start 3 floats in (gate and up written into the
        // halves of one row); y starts non-zero (tests accumulate, and that the rest is kept).
        let rows = YRows { stride: n_out as u32 + 7, row0: 3 };
        let (stride, row0) = (rows.stride as usize, rows.row0 as usize);
        let base = rng.vec(stride * n_tok, -1.0, 1.0);
        let (mut want, mut scale) = (base.clone(), vec![0.0f32; base.len()]);
        for (i, v) in cpu::matmul(&w, &x, n_in).into_iter().enumerate() {
            let at = (i / n_out) * stride + row0 + i % n_out;
            want[at] = v + if accumulate { base[at] } else { 0.0 };
            scale[at] = magnitude[i] + base[at].abs();
        }
        let (xb, yb) = (ctx.storage_buffer("x", &x), ctx.storage_buffer("y", &base));
        // Where the tuning reads a GEMM's x through a texture, these rows of x go there.
        let textured = k.textured_gemm(ctx, &tensor, &whole(&xb), n_tok as u32).is_some();
        if textured != (k.tuning.x_texture && n_tok > 1 && n_in % 64 == 0) {
            return Err(Error::Gpu(format!("matmul {ty:?}, {n_tok} token(s) of {n_in}: x through a texture {textured}, tuning {}", k.tuning)));
        }
        let got = run(ctx, |e| k.matmul_into(e, &tensor, whole(&xb), whole(&yb), n_tok as u32, accumulate, rows), &yb, want.len()).await?;
        tally.add(&got, &want, |i| scale[i]);

        // A row view (rows 5..n_out - 3), as Q/K/V slices of a fused weight are used, with x
        // readable through a uniform window and with x in a plain storage buffer (the path for
        // activations too long for a window).
        let (start, count) = (5, n_out - 8);
        let view = tensor.rows(start as u32, count as u32);
        let want: Vec<f32> = cpu::matmul(&w[start * n_in..(start + count) * n_in], &x, n_in);
        let row_of = |i: usize| (i / count) * n_out + start + i % count;
        for xb in [ctx.storage_buffer("x", &x), storage_only_buffer(ctx, &x)] {
            let yb = ctx.output_buffer("y", (count * n_tok * 4) as u64);
            let got = run(ctx, |e| k.matmul(e, &view, whole(&xb), whole(&yb), n_tok as u32, false), &yb, want.len()).await?;
            tally.add(&got, &want, |i| magnitude[row_of(i)]);
        }
    }
    Ok(tally.done(format!("matmul {ty:?}"), 1e-5))
}

/// `base + W · input` for tokens [n_tok][n_in] into [n_tok][n_out], and each value's scale for
/// the tolerance, |base| + Σ |w · x|.
fn matmul_onto(w: &[f32], input: &[f32], n_in: usize, base: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let n_out = w.len() / n_in;
    let want = cpu::matmul(w, input, n_in).iter().zip(base).map(|(v, b)| v + b).collect();
    let scale = (0..base.len())
        .map(|i| {
            let (t, r) = (i / n_out, i % n_out);
            base[i].abs() + (0..n_in).map(|j| (w[r * n_in + j] * input[t * n_in + j]).abs()).sum::<f32>()
        })
        .collect();
    (want, scale)
}

/// Whether `k`'s tuning writes the RMSNorm of `n_tok` rows of `n_in` into the texture its GEMM
/// reads x from (`Kernels::rms_norm_input`), as the checks expect it to.
fn norm_into_texture(k: &Kernels, n_tok: usize, n_in: usize) -> bool {
    k.tuning.norm_thread_per_row && k.tuning.x_texture && n_tok > 1 && n_in % 64 == 0
}

/// A matmul whose input is an RMSNorm, for one weight type: decode's GEMV that normalises x as it
/// reads it (for the types that have one), a prompt's norm written into the texture its GEMM
/// reads x from (where the tuning reads x through one), and the RMSNorm + matmul pair the others
/// fall back to (several tokens, or x in a plain storage buffer). Each case must also take the
/// path it is meant to test.
pub async fn check_norm_matmul(ctx: &GpuContext, k: &Kernels, ty: GgmlType, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    let shapes: &[(usize, usize, usize)] = match ty.block_size() {
        1 => &[(64, 40, 1), (576, 300, 1), (96, 33, 3), (576, 70, 13)],
        32 => &[(64, 40, 1), (576, 300, 1), (96, 33, 3), (576, 70, 13), (2048, 9, 1)],
        _ => &[(256, 40, 1), (768, 300, 1), (512, 33, 3), (768, 70, 13), (2048, 9, 1)],
    };
    let eps = 1e-5;
    for (i, &(n_in, n_out, n_tok)) in shapes.iter().enumerate() {
        let bytes = random_tensor_bytes(ty, n_in * n_out, &mut rng);
        let w = dequantize(ty, &bytes);
        let (x, norm) = (rng.vec(n_tok * n_in, -3.0, 3.0), rng.vec(n_in, 0.5, 1.5));
        let h: Vec<f32> = x.chunks(n_in).flat_map(|r| cpu::rms_norm(r, &norm, eps)).collect();
        let base = rng.vec(n_tok * n_out, -1.0, 1.0);
        let (want, scale) = matmul_onto(&w, &h, n_in, &base);
        let tensor = upload_tensor(ctx, &k.tuning, ty, &[n_in as u64, n_out as u64], &bytes)?;
        // The last shape's x is in a buffer the GEMV cannot read through a uniform window.
        let storage_only = i == shapes.len() - 1 && ty.block_size() > 1;
        let xb = if storage_only { storage_only_buffer(ctx, &x) } else { ctx.storage_buffer("x", &x) };
        let (nb, hb, yb) = (ctx.storage_buffer("norm", &norm), ctx.output_buffer("h", (x.len() * 4) as u64), ctx.storage_buffer("y", &base));
        let path = |input: &Input| match input {
            Input::Normed { .. } => "the normalising GEMV",
            Input::Texture(_) => "RMSNorm into the GEMM's texture",
            Input::Plain(_) => "RMSNorm + matmul",
        };
        let mut taken = "";
        let record = |e: &mut Recorder<'_>| {
            let input = k.rms_norm_input(e, whole(&xb), whole(&nb), whole(&hb), n_tok as u32, n_in as u32, eps, &[&tensor]);
            taken = path(&input);
            k.matmul(e, &tensor, input, whole(&yb), n_tok as u32, true);
        };
        let got = run(ctx, record, &yb, want.len()).await?;
        let meant = match n_tok {
            1 if k.tuning.norm_in_gemv && !storage_only && ty.wgsl().is_some_and(|w| w.rows) => "the normalising GEMV",
            _ if norm_into_texture(k, n_tok, n_in) => "RMSNorm into the GEMM's texture",
            _ => "RMSNorm + matmul",
        };
        if taken != meant {
            return Err(Error::Gpu(format!("rms_norm + matmul {ty:?}, {n_tok} token(s) of {n_in}: ran {taken} instead of {meant}")));
        }
        tally.add(&got, &want, |j| scale[j]);
    }
    Ok(tally.done(format!("rms_norm + matmul {ty:?}"), 1e-5))
}

/// A gated feed-forward block's GLU and down projection for one weight type, both activations:
/// decode's fused GEMV (the GLU computed as x is read), and the GLU + matmul pair it falls back
/// to for several tokens, an up half off the uniform-offset alignment, or a half too long for a uniform window (17408
/// floats are over 64 KiB). Each case must also take the path it is meant to test.
pub async fn check_glu_matmul(ctx: &GpuContext, k: &Kernels, ty: GgmlType, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    let shapes: &[(usize, usize, usize)] = match ty.block_size() {
        1 => &[(64, 40, 1), (172, 300, 1), (45, 20, 1), (96, 33, 3), (8448, 9, 1), (17408, 3, 1)],
        32 => &[(96, 40, 1), (1536, 300, 1), (256, 33, 3), (8448, 9, 1), (17408, 3, 1)],
        _ => &[(256, 40, 1), (1536, 300, 1), (512, 33, 3), (8448, 9, 1), (17408, 3, 1)],
    };
    for (i, &(n_ff, n_out, n_tok)) in shapes.iter().enumerate() {
        let act = if i % 2 == 0 { Activation::Silu } else { Activation::GeluTanh };
        let bytes = random_tensor_bytes(ty, n_ff * n_out, &mut rng);
        let w = dequantize(ty, &bytes);
        let (g, u) = (rng.vec(n_tok * n_ff, -6.0, 6.0), rng.vec(n_tok * n_ff, -2.0, 2.0));
        let ffn = cpu::glu(&g, &u, act);
        // [t][gate | up]
        let gate_up: Vec<f32> = g.chunks(n_ff).zip(u.chunks(n_ff)).flat_map(|(g, u)| g.iter().chain(u).copied()).collect();
        let base = rng.vec(n_tok * n_out, -1.0, 1.0);
        let (want, scale) = matmul_onto(&w, &ffn, n_ff, &base);
        let tensor = upload_tensor(ctx, &k.tuning, ty, &[n_ff as u64, n_out as u64], &bytes)?;
        let gub = ctx.storage_buffer("gate_up", &gate_up);
        let (fb, yb) = (ctx.output_buffer("ffn", (n_tok * n_ff * 4) as u64), ctx.storage_buffer("y", &base));
        let fused = k.fused_glu(&Recorder::new(ctx), &tensor, &whole(&gub), n_tok as u32, act).is_some();
        // The up half's window must start at a uniform-offset boundary (not so for 172 floats).
        let aligned = (n_ff * 4) % ctx.info.limits.min_uniform_buffer_offset_alignment as usize == 0;
        let meant = n_tok == 1 && aligned && n_ff * 4 <= ctx.info.uniform_window() as usize;
        if fused != meant {
            let path = |fused: bool| if fused { "the fused GEMV" } else { "GLU + matmul" };
            return Err(Error::Gpu(format!("glu + matmul {ty:?}, {n_tok} token(s) of {n_ff}: ran {} instead of {}", path(fused), path(meant))));
        }
        let got = run(ctx, |e| k.glu_matmul(e, &tensor, whole(&gub), whole(&fb), whole(&yb), n_tok as u32, true, act), &yb, want.len()).await?;
        tally.add(&got, &want, |i| scale[i]);
    }
    Ok(tally.done(format!("glu + matmul {ty:?}"), 1e-5))
}

/// Prefill's gate/up GEMM with the GLU in its epilogue ([`Kernels::matmul_glu`]): W [gate; up]
/// times several tokens' x, act(gate · x) · (up · x) written, for both activations. Outputs
/// that fill no whole workgroup, token counts that fill no whole tile, x through a texture
/// where the tuning reads it so (rows of 64) and not (172), and float rows of odd length (45).
pub async fn check_gemm_glu(ctx: &GpuContext, k: &Kernels, ty: GgmlType, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    let shapes: &[(usize, usize, usize)] = match ty.block_size() {
        1 => &[(64, 40, 3), (172, 150, 9), (45, 33, 17)],
        32 => &[(64, 40, 3), (256, 150, 9), (576, 72, 17)],
        _ => &[(256, 40, 3), (512, 150, 9), (768, 72, 17)],
    };
    for (i, &(n_in, n_ff, n_tok)) in shapes.iter().enumerate() {
        let act = if i % 2 == 0 { Activation::Silu } else { Activation::GeluTanh };
        let bytes = random_tensor_bytes(ty, n_in * 2 * n_ff, &mut rng);
        let w = dequantize(ty, &bytes);
        // The GEMM's x is an RMSNorm's output, as in a model (on adapters that read x through a
        // texture, the norm writes it there for rows of whole 256 bytes).
        let (x_raw, norm, eps) = (rng.vec(n_in * n_tok, -2.0, 2.0), rng.vec(n_in, 0.5, 1.5), 1e-5);
        let x: Vec<f32> = x_raw.chunks(n_in).flat_map(|r| cpu::rms_norm(r, &norm, eps)).collect();
        let gate_up = cpu::matmul(&w, &x, n_in);
        let (g, u): (Vec<f32>, Vec<f32>) = (gate_up.chunks(2 * n_ff).flat_map(|r| r[..n_ff].to_vec()).collect(), gate_up.chunks(2 * n_ff).flat_map(|r| r[n_ff..].to_vec()).collect());
        let want = cpu::glu(&g, &u, act);
        // |act(g) · u| moves by about |u| · Σ|w_g x| + |act(g)| · Σ|w_u x| for a rounding of each sum.
        let sums: Vec<f32> = (0..n_tok * 2 * n_ff).map(|i| (0..n_in).map(|j| (w[(i % (2 * n_ff)) * n_in + j] * x[(i / (2 * n_ff)) * n_in + j]).abs()).sum()).collect();
        let act_g = cpu::glu(&g, &vec![1.0; g.len()], act);
        let scale: Vec<f32> = (0..want.len()).map(|i| {
            let (t, r) = (i / n_ff, i % n_ff);
            u[i].abs().max(1.0) * sums[t * 2 * n_ff + r] + act_g[i].abs().max(1.0) * sums[t * 2 * n_ff + n_ff + r]
        }).collect();
        let tensor = upload_tensor(ctx, &k.tuning, ty, &[n_in as u64, 2 * n_ff as u64], &bytes)?;
        let (xb, nb, hb) = (ctx.storage_buffer("x", &x_raw), ctx.storage_buffer("norm", &norm), ctx.output_buffer("h", (x.len() * 4) as u64));
        let yb = ctx.output_buffer("y", (n_tok * n_ff * 4) as u64);
        let (mut ran, mut textured) = (false, false);
        let record = |e: &mut Recorder<'_>| {
            let input = k.rms_norm_input(e, whole(&xb), whole(&nb), whole(&hb), n_tok as u32, n_in as u32, eps, &[&tensor]);
            textured = matches!(input, Input::Texture(_));
            ran = k.matmul_glu(e, &tensor, input, whole(&yb), n_tok as u32, act);
        };
        let got = run(ctx, record, &yb, want.len()).await?;
        if !ran {
            return Err(Error::Gpu(format!("gemm + glu {ty:?}, {n_tok} tokens of {n_in}: the GEMM's GLU epilogue did not run")));
        }
        if textured != norm_into_texture(k, n_tok, n_in) {
            return Err(Error::Gpu(format!("gemm + glu {ty:?}, {n_tok} tokens of {n_in}: the norm into x's texture ran: {textured}, tuning {}", k.tuning)));
        }
        tally.add(&got, &want, |i| scale[i]);
    }
    Ok(tally.done(format!("gemm + glu {ty:?}"), 1e-5))
}

/// A buffer that kernels can only read as storage (not through a uniform window).
fn storage_only_buffer(ctx: &GpuContext, data: &[f32]) -> wgpu::Buffer {
    use wgpu::util::DeviceExt;
    ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some("x (storage only)"),
        contents: bytemuck::cast_slice(data),
        usage: wgpu::BufferUsages::STORAGE,
    })
}

/// Embedding rows of one type, scaled.
pub async fn check_embed(ctx: &GpuContext, k: &Kernels, ty: GgmlType, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let n_embd = match ty.block_size() {
        1 => 75, // odd: rows start mid-word for 16-bit types
        32 => 96,
        b => 2 * b as usize,
    };
    let n_vocab = 50;
    let bytes = random_tensor_bytes(ty, n_embd * n_vocab, &mut rng);
    let table = dequantize(ty, &bytes);
    let ids: Vec<u32> = (0..11).map(|_| (rng.next_u64() % n_vocab as u64) as u32).collect();
    let scale = 1.5;
    let want: Vec<f32> = ids.iter().flat_map(|&id| table[id as usize * n_embd..][..n_embd].iter().map(|v| v * scale)).collect();
    let tensor = upload_tensor(ctx, &k.tuning, ty, &[n_embd as u64, n_vocab as u64], &bytes)?;
    let (ib, yb) = (ctx.storage_buffer("ids", &ids), ctx.output_buffer("y", (want.len() * 4) as u64));
    let got = run(ctx, |e| k.embed(e, &tensor, whole(&ib), whole(&yb), ids.len() as u32, scale), &yb, want.len()).await?;
    let mut tally = Tally::new();
    tally.add(&got, &want, |i| want[i].abs());
    Ok(tally.done(format!("embed {ty:?}"), 1e-6))
}

/// The embedding kernel's dequantization of `raw` (values of type `ty`, e.g. ggml's fixture bytes)
/// against `want` (ggml's own `to_float` of them), bit for bit: scale 1.0, rows of 256 values
/// (every type's block divides 256). `max_error` counts the values whose f32 bits differ.
pub async fn check_dequant_bits(ctx: &GpuContext, k: &Kernels, ty: GgmlType, raw: &[u8], want: &[f32]) -> Result<KernelCheck> {
    const ROW: usize = 256;
    assert!(want.len() % ROW == 0 && ty.bytes_for(want.len() as u64) == Some(raw.len() as u64), "{ty:?}: {} bytes for {} values", raw.len(), want.len());
    let n_rows = want.len() / ROW;
    let tensor = upload_tensor(ctx, &k.tuning, ty, &[ROW as u64, n_rows as u64], raw)?;
    let ids: Vec<u32> = (0..n_rows as u32).collect();
    let (ib, yb) = (ctx.storage_buffer("ids", &ids), ctx.output_buffer("y", (want.len() * 4) as u64));
    let got = run(ctx, |e| k.embed(e, &tensor, whole(&ib), whole(&yb), n_rows as u32, 1.0), &yb, want.len()).await?;
    let mismatches = got.iter().zip(want).filter(|(g, w)| g.to_bits() != w.to_bits()).count();
    Ok(KernelCheck { kernel: format!("dequant bits {ty:?}"), cases: 1, values: want.len(), max_error: mismatches as f32, tolerance: 0.0 })
}

pub async fn check_rope(ctx: &GpuContext, k: &Kernels, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    let cases = [
        (RopeStyle::Adjacent, 64u32, 64u32, 10000.0f32, 0u32),
        (RopeStyle::Halves, 128, 128, 1e6, 37),
        (RopeStyle::Halves, 64, 48, 10000.0, 200), // partial rotary
        (RopeStyle::Adjacent, 64, 64, 10000.0, 32_000), // long context: angles of 32k rad
    ];
    for (style, head_dim, n_rot, freq_base, pos0) in cases {
        let (n_tok, n_heads) = (5usize, 3usize);
        let r = Rope { style, n_rot, freq_base, freq_scale: 1.0 };
        let x = rng.vec(n_tok * n_heads * head_dim as usize, -2.0, 2.0);
        let mut want = x.clone();
        cpu::rope(&mut want, n_heads, head_dim as usize, pos0 as usize, &r);
        let (xb, fb) = (ctx.storage_buffer("x", &x), ctx.storage_buffer("inv_freqs", &r.inv_freqs(None)));
        let got = run(ctx, |e| k.rope(e, whole(&xb), whole(&fb), n_tok as u32, n_heads as u32, head_dim, pos0, &r), &xb, x.len()).await?;
        tally.add(&got, &want, |i| want[i].abs());
    }
    // The kernel computes sin/cos itself (reduction + polynomials) to ~1e-7 at any angle.
    Ok(tally.done("rope", 2e-6))
}

/// RoPE + the KV write for rows [q | k | v] of `n_tok` tokens ([`Kernels::rope_kv`]) against
/// [`cpu::rope`] and plain copies: q rotated into its own buffer, k and v at the tokens'
/// positions in the caches, whose other positions must stay as they were.
pub async fn check_rope_kv(ctx: &GpuContext, k: &Kernels, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    // (style, n_head, n_kv_head, head_dim, n_rot, pos0, n_tok): GQA, partial rotary, a long
    // context, a prompt of more tokens than a workgroup has threads.
    let cases = [(RopeStyle::Adjacent, 9, 3, 64, 64, 0usize, 1usize), (RopeStyle::Halves, 4, 4, 128, 128, 5, 3), (RopeStyle::Halves, 6, 2, 64, 48, 9, 7), (RopeStyle::Adjacent, 2, 1, 32, 24, 30_000, 1), (RopeStyle::Adjacent, 3, 1, 16, 16, 2, 37)];
    for (style, n_head, n_kv_head, head_dim, n_rot, pos0, n_tok) in cases {
        let r = Rope { style, n_rot, freq_base: 10000.0, freq_scale: 1.0 };
        let (q_dim, kv_dim) = (n_head * head_dim as usize, n_kv_head * head_dim as usize);
        let row = q_dim + 2 * kv_dim;
        let qkv = rng.vec(n_tok * row, -2.0, 2.0);
        let n_pos = pos0 + n_tok + 2;
        let (kc, vc) = (rng.vec(n_pos * kv_dim, -1.0, 1.0), rng.vec(n_pos * kv_dim, -1.0, 1.0));
        let part = |from: usize, len: usize| -> Vec<f32> { qkv.chunks(row).flat_map(|r| r[from..from + len].to_vec()).collect() };
        let mut want_q = part(0, q_dim);
        cpu::rope(&mut want_q, n_head, head_dim as usize, pos0, &r);
        let mut keys = part(q_dim, kv_dim);
        cpu::rope(&mut keys, n_kv_head, head_dim as usize, pos0, &r);
        let (mut want_k, mut want_v) = (kc.clone(), vc.clone());
        want_k[pos0 * kv_dim..(pos0 + n_tok) * kv_dim].copy_from_slice(&keys);
        want_v[pos0 * kv_dim..(pos0 + n_tok) * kv_dim].copy_from_slice(&part(q_dim + kv_dim, kv_dim));
        let (qkvb, fb) = (ctx.storage_buffer("qkv", &qkv), ctx.storage_buffer("inv_freqs", &r.inv_freqs(None)));
        let qb = ctx.output_buffer("q", (n_tok * q_dim * 4) as u64);
        let t = &k.tuning;
        let (kb, vb) = (kv_buffer(ctx, t, "k_cache", &kc), kv_buffer(ctx, t, "v_cache", &vc));
        let record = |e: &mut Recorder<'_>| k.rope_kv(e, whole(&qkvb), whole(&fb), whole(&kb), whole(&vb), whole(&qb), n_tok as u32, n_head as u32, n_kv_head as u32, head_dim, pos0 as u32, &r);
        let got_q = run(ctx, record, &qb, want_q.len()).await?;
        tally.add(&got_q, &want_q, |i| want_q[i].abs());
        for (buffer, want) in [(&kb, want_k), (&vb, want_v)] {
            let got = read_kv(ctx, t, buffer, want.len()).await?;
            tally.add_rounded(&got, &want, |i| want[i].abs(), |i| kv_rounding(t, want[i]));
        }
    }
    Ok(tally.done("rope + KV write", 2e-6))
}

/// Decode's Q/K/V GEMV with RoPE and the KV write in its epilogue ([`Kernels::matmul_rope_kv`])
/// for one weight type, its input plain and after an RMSNorm, against [`cpu::matmul`],
/// [`cpu::rope`] and plain copies: q in the qkv buffer, k and v in the caches at `pos` (their
/// other positions kept). It must take that path wherever the tuning and the type have it,
/// and refuse RoPE by halves (the caller then runs matmul + rope_kv).
pub async fn check_rope_matmul(ctx: &GpuContext, k: &Kernels, ty: GgmlType, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    let t = &k.tuning;
    let n_in = ty.block_size().max(32) as usize * if ty.block_size() >= 256 { 3 } else { 18 };
    // (n_head, n_kv_head, head_dim, n_rot, pos, normed): GQA, partial rotary, a long context.
    let cases = [(9, 3, 64, 64, 0usize, true), (4, 2, 32, 24, 37, false), (2, 1, 128, 128, 300, true), (4, 1, 32, 32, 30_000, false), (3, 3, 64, 64, 5, false)];
    let eps = 1e-5;
    for (n_head, n_kv_head, head_dim, n_rot, pos, normed) in cases {
        let r = Rope { style: RopeStyle::Adjacent, n_rot, freq_base: 10000.0, freq_scale: 1.0 };
        let (q_dim, kv_dim) = (n_head * head_dim as usize, n_kv_head * head_dim as usize);
        let n_out = q_dim + 2 * kv_dim;
        let bytes = random_tensor_bytes(ty, n_in * n_out, &mut rng);
        let w = dequantize(ty, &bytes);
        let (x, norm) = (rng.vec(n_in, -2.0, 2.0), rng.vec(n_in, 0.5, 1.5));
        let h = if normed { cpu::rms_norm(&x, &norm, eps) } else { x.clone() };
        let y = cpu::matmul(&w, &h, n_in);
        // A rotated value mixes its pair's two products: each value's scale is its pair's Σ |w · x|.
        let magnitude: Vec<f32> = (0..n_out).map(|row| (0..n_in).map(|i| (w[row * n_in + i] * h[i]).abs()).sum()).collect();
        let pair_scale = |row: usize| magnitude[row & !1] + magnitude[row | 1];
        let mut want_q = y[..q_dim].to_vec();
        cpu::rope(&mut want_q, n_head, head_dim as usize, pos, &r);
        let mut key = y[q_dim..q_dim + kv_dim].to_vec();
        cpu::rope(&mut key, n_kv_head, head_dim as usize, pos, &r);
        let n_pos = pos + 2;
        let (kc, vc) = (rng.vec(n_pos * kv_dim, -1.0, 1.0), rng.vec(n_pos * kv_dim, -1.0, 1.0));
        let (mut want_k, mut want_v) = (kc.clone(), vc.clone());
        want_k[pos * kv_dim..(pos + 1) * kv_dim].copy_from_slice(&key);
        want_v[pos * kv_dim..(pos + 1) * kv_dim].copy_from_slice(&y[q_dim + kv_dim..]);
        let tensor = upload_tensor(ctx, &k.tuning, ty, &[n_in as u64, n_out as u64], &bytes)?;
        let (xb, nb, hb) = (ctx.storage_buffer("x", &x), ctx.storage_buffer("norm", &norm), ctx.output_buffer("h", (n_in * 4) as u64));
        let (qb, fb) = (ctx.output_buffer("qkv", (n_out * 4) as u64), ctx.storage_buffer("inv_freqs", &r.inv_freqs(None)));
        // Where the tuning keeps texture copies of the caches, the epilogue writes them too (or,
        // on the other path, a copy does, as a model's layer copies them).
        let kv = KvCache::new(&ctx.device, &ctx.info.limits, "cache", kv_buffer(ctx, t, "k_cache", &kc), kv_buffer(ctx, t, "v_cache", &vc), n_pos as u32, kv_dim as u32, t);
        let (kb, vb) = (&kv.k, &kv.v);
        // The other path leaves the rotated q in a buffer of its own.
        let q_alone = ctx.output_buffer("q", (q_dim * 4) as u64);
        // (A cache too long for the texture copies the tuning reads takes the other path.)
        let meant = t.qkv_epilogue && ty.wgsl().is_some_and(|w| w.rows) && kv.texels().is_some() == t.kv_texels().is_some();
        let mut stored = false;
        let record = |e: &mut Recorder<'_>| {
            let input = if normed { k.rms_norm_input(e, whole(&xb), whole(&nb), whole(&hb), 1, n_in as u32, eps, &[&tensor]) } else { Input::Plain(whole(&xb)) };
            stored = k.matmul_rope_kv(e, &tensor, input.clone(), whole(&qb), whole(&fb), whole(kb), whole(vb), kv.texels(), n_head as u32, n_kv_head as u32, head_dim, pos as u32, &r);
            if !stored {
                k.matmul(e, &tensor, input, whole(&qb), 1, false);
                k.rope_kv(e, whole(&qb), whole(&fb), whole(kb), whole(vb), whole(&q_alone), 1, n_head as u32, n_kv_head as u32, head_dim, pos as u32, &r);
                kv.copy_rows(e, pos as u32, 1);
            }
        };
        let got_q = run(ctx, record, if meant { &qb } else { &q_alone }, q_dim).await?;
        if stored != meant {
            let path = |fused: bool| if fused { "the Q/K/V GEMV with RoPE" } else { "matmul + rope_kv" };
            return Err(Error::Gpu(format!("Q/K/V matmul + RoPE {ty:?}: ran {} instead of {}", path(stored), path(meant))));
        }
        tally.add(&got_q, &want_q, pair_scale);
        let cache_scale = |i: usize, at: usize| if i / kv_dim == pos { pair_scale(at + i % kv_dim) } else { 1.0 };
        let got_k = read_kv(ctx, t, kb, want_k.len()).await?;
        tally.add_rounded(&got_k, &want_k, |i| cache_scale(i, q_dim), |i| kv_rounding(t, want_k[i]));
        let got_v = read_kv(ctx, t, vb, want_v.len()).await?;
        tally.add_rounded(&got_v, &want_v, |i| cache_scale(i, q_dim + kv_dim), |i| kv_rounding(t, want_v[i]));
        // The texture copies' row at pos.
        for (texture, (want, at)) in kv.textures().into_iter().flatten().zip([(&want_k, q_dim), (&want_v, q_dim + kv_dim)]) {
            let got = read_texture_row(ctx, texture, pos as u32).await?;
            tally.add(&got, &want[pos * kv_dim..(pos + 1) * kv_dim], |i| pair_scale(at + i));
        }
    }
    // RoPE by halves pairs dimensions a half-head apart, which no GEMV thread holds together.
    let halves = Rope { style: RopeStyle::Halves, n_rot: 64, freq_base: 10000.0, freq_scale: 1.0 };
    let tensor = upload_tensor(ctx, &k.tuning, ty, &[n_in as u64, 192], &random_tensor_bytes(ty, n_in * 192, &mut rng))?;
    let (xb, qb) = (ctx.storage_buffer("x", &rng.vec(n_in, -1.0, 1.0)), ctx.output_buffer("qkv", 192 * 4));
    let kv = KvCache::new(&ctx.device, &ctx.info.limits, "cache", ctx.output_buffer("k_cache", 64 * 4), ctx.output_buffer("v_cache", 64 * 4), 1, 64, &k.tuning);
    let mut rec = Recorder::new(ctx);
    if k.matmul_rope_kv(&mut rec, &tensor, Input::Plain(whole(&xb)), whole(&qb), whole(&qb), whole(&kv.k), whole(&kv.v), kv.texels(), 1, 1, 64, 0, &halves) {
        return Err(Error::Gpu(format!("Q/K/V matmul + RoPE {ty:?}: took RoPE by halves")));
    }
    Ok(tally.done(format!("Q/K/V matmul + RoPE + KV write (decode) {ty:?}"), 1e-5))
}

/// Decode's Q/K/V GEMV adding the biases in its epilogue ([`Kernels::matmul_qkv_bias`]) for one
/// weight type, its input plain and after an RMSNorm, against [`cpu::matmul`] plus the biases;
/// it must take that path wherever the tuning and the type have it.
pub async fn check_qkv_bias_matmul(ctx: &GpuContext, k: &Kernels, ty: GgmlType, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    let n_in = ty.block_size().max(32) as usize * if ty.block_size() >= 256 { 3 } else { 18 };
    let eps = 1e-5;
    // (q rows, k and v rows each, normed): qwen2-like GQA, and more rows than a workgroup has.
    for (q_rows, kv_rows, normed) in [(896usize, 128usize, true), (64, 64, false), (192, 64, false)] {
        let n_out = q_rows + 2 * kv_rows;
        let bytes = random_tensor_bytes(ty, n_in * n_out, &mut rng);
        let w = dequantize(ty, &bytes);
        let (x, norm) = (rng.vec(n_in, -2.0, 2.0), rng.vec(n_in, 0.5, 1.5));
        let h = if normed { cpu::rms_norm(&x, &norm, eps) } else { x.clone() };
        let (bq, bk, bv) = (rng.vec(q_rows, -1.0, 1.0), rng.vec(kv_rows, -1.0, 1.0), rng.vec(kv_rows, -1.0, 1.0));
        let bias: Vec<f32> = bq.iter().chain(&bk).chain(&bv).copied().collect();
        let (want, scale) = matmul_onto(&w, &h, n_in, &bias);
        let tensor = upload_tensor(ctx, &k.tuning, ty, &[n_in as u64, n_out as u64], &bytes)?;
        let (xb, nb, hb) = (ctx.storage_buffer("x", &x), ctx.storage_buffer("norm", &norm), ctx.output_buffer("h", (n_in * 4) as u64));
        let qb = ctx.output_buffer("qkv", (n_out * 4) as u64);
        let (bqb, bkb, bvb) = (ctx.storage_buffer("q_bias", &bq), ctx.storage_buffer("k_bias", &bk), ctx.storage_buffer("v_bias", &bv));
        let mut biased = false;
        let record = |e: &mut Recorder<'_>| {
            let input = if normed { k.rms_norm_input(e, whole(&xb), whole(&nb), whole(&hb), 1, n_in as u32, eps, &[&tensor]) } else { Input::Plain(whole(&xb)) };
            biased = k.matmul_qkv_bias(e, &tensor, input.clone(), whole(&qb), [whole(&bqb), whole(&bkb), whole(&bvb)], q_rows as u32, kv_rows as u32);
            if !biased {
                k.matmul(e, &tensor, input, whole(&qb), 1, false);
                k.add(e, whole(&qb), whole(&bqb), q_rows as u32, q_rows as u32);
                let at = |offset: usize| wgpu::BufferBinding { buffer: &qb, offset: (offset * 4) as u64, size: wgpu::BufferSize::new((kv_rows * 4) as u64) };
                k.add(e, at(q_rows), whole(&bkb), kv_rows as u32, kv_rows as u32);
                k.add(e, at(q_rows + kv_rows), whole(&bvb), kv_rows as u32, kv_rows as u32);
            }
        };
        let got = run(ctx, record, &qb, n_out).await?;
        let meant = k.tuning.qkv_epilogue && ty.wgsl().is_some_and(|w| w.rows);
        if biased != meant {
            let path = |fused: bool| if fused { "the Q/K/V GEMV with biases" } else { "matmul + bias adds" };
            return Err(Error::Gpu(format!("Q/K/V matmul + biases {ty:?}: ran {} instead of {}", path(biased), path(meant))));
        }
        tally.add(&got, &want, |i| scale[i]);
    }
    Ok(tally.done(format!("Q/K/V matmul + biases (decode) {ty:?}"), 1e-5))
}

/// A prompt's keys (or values) into the KV cache from a row on, in the cache's type; the rows
/// before and after are kept.
pub async fn check_kv_store(ctx: &GpuContext, k: &Kernels, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    let t = &k.tuning;
    // (row length, first row, rows written, rows in the cache)
    for (row_len, first, n_rows, n_ctx) in [(192usize, 0usize, 1usize, 4usize), (64, 3, 40, 50), (512, 7, 9, 16)] {
        let cache = rng.vec(n_ctx * row_len, -1.0, 1.0);
        let src = rng.vec(n_rows * row_len, -30.0, 30.0);
        let mut want = kv_values(t, &cache);
        want[first * row_len..(first + n_rows) * row_len].copy_from_slice(&src);
        let (sb, cb) = (ctx.storage_buffer("src", &src), kv_buffer(ctx, t, "cache", &cache));
        let mut rec = Recorder::new(ctx);
        k.store_kv(&mut rec, whole(&sb), &cb, first as u32, row_len as u32, (n_rows * row_len) as u32);
        rec.submit();
        let got = read_kv(ctx, t, &cb, want.len()).await?;
        tally.add_rounded(&got, &want, |i| want[i].abs(), |i| kv_rounding(t, want[i]));
    }
    Ok(tally.done("KV store (prompt)", 2e-6))
}

/// `check_attention`'s cases, (n_head, n_kv_head, head_dim, pos0, n_tok, window): decode (its
/// keys split into chunks at 33 keys and more, up to the chunk limit at 2000), prompts (more
/// than one workgroup of queries at 40 and 70 tokens), long context, a sliding window, head sizes
/// of 20 and 256 (more dimensions than a decode workgroup's lanes merge in one go), SmolLM2's
/// heads after a cached prefix, and KV groups whose heads an unrolled thread takes all of (3
/// heads of 64), some of (8 heads of 32: 4 a thread) or one of (Qwen2-0.5B's 7 heads of 64).
const ATTENTION_CASES: [(u32, u32, u32, u32, u32, u32); 16] = [
    (4, 2, 64, 0, 1, 0),
    (4, 2, 64, 40, 1, 0),
    (3, 1, 128, 2000, 1, 0),
    (2, 1, 256, 500, 1, 0),
    (4, 2, 32, 300, 1, 100),
    (8, 4, 8, 0, 40, 0),
    (3, 1, 128, 150, 3, 0),
    (3, 1, 128, 90, 70, 0),
    (4, 2, 32, 20, 12, 8),
    (2, 2, 20, 5, 9, 0),
    (9, 3, 64, 10, 37, 0),
    (14, 2, 64, 70, 1, 0),
    (14, 2, 64, 3, 21, 0),
    // SmolLM2's heads decoding a ~100-token prompt's next token (where decode runs
    // attention_decode.wgsl: its three heads of a KV group in one workgroup, four chunks).
    (9, 3, 64, 106, 1, 0),
    (8, 1, 32, 100, 1, 0),
    (8, 1, 32, 10, 6, 0),
];

/// The attention shape of a case of `ATTENTION_CASES`.
fn attention_case_shape((n_head, n_kv_head, head_dim, _, _, window): (u32, u32, u32, u32, u32, u32)) -> AttentionShape {
    AttentionShape { n_head, n_kv_head, head_dim, scale: 1.0 / (head_dim as f32).sqrt(), window }
}

/// The attention shapes the kernel check compiles attention for.
fn attention_shapes() -> Vec<AttentionShape> {
    ATTENTION_CASES.into_iter().map(attention_case_shape).collect()
}

pub async fn check_attention(ctx: &GpuContext, k: &Kernels, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    for case in ATTENTION_CASES {
        let (n_head, n_kv_head, head_dim, pos0, n_tok, _) = case;
        let shape = attention_case_shape(case);
        let n_pos = (pos0 + n_tok) as usize;
        let q = rng.vec((n_tok * n_head * head_dim) as usize, -2.0, 2.0);
        let kc = rng.vec(n_pos * (n_kv_head * head_dim) as usize, -2.0, 2.0);
        let vc = rng.vec(n_pos * (n_kv_head * head_dim) as usize, -2.0, 2.0);
        // The reference reads the values the cache holds.
        let t = &k.tuning;
        let want = cpu::attention(&q, &kv_values(t, &kc), &kv_values(t, &vc), pos0 as usize, &shape);
        // Decode reads texture copies of the caches where the tuning says so: copied here as a
        // model copies them, every position at once.
        let kv = KvCache::new(&ctx.device, &ctx.info.limits, "cache", kv_buffer(ctx, t, "k", &kc), kv_buffer(ctx, t, "v", &vc), n_pos as u32, n_kv_head * head_dim, t);
        let qb = ctx.storage_buffer("q", &q);
        let ob = ctx.output_buffer("out", (q.len() * 4) as u64);
        let parts = ctx.output_buffer("parts", attention_parts_bytes(&shape));
        let record = |e: &mut Recorder<'_>| {
            kv.copy_rows(e, 0, n_pos as u32);
            k.attention(e, whole(&qb), whole(&kv.k), whole(&kv.v), kv.texels(), whole(&ob), whole(&parts), n_tok, pos0, &shape)
        };
        let got = run(ctx, record, &ob, q.len()).await?;
        tally.add(&got, &want, |i| want[i].abs());
    }
    Ok(tally.done("attention", 1e-5))
}

pub async fn check_glu(ctx: &GpuContext, k: &Kernels, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    // One long token (more than one row of workgroups) and several short ones (45: a thread's
    // four outputs straddle two tokens, and the last thread has fewer than four).
    for (act, n_tok, n_ff) in [(Activation::Silu, 1, 70_000), (Activation::GeluTanh, 1, 70_000), (Activation::Silu, 5, 96), (Activation::GeluTanh, 3, 160), (Activation::Silu, 3, 45)] {
        let n = n_tok * n_ff;
        let (g, u) = (rng.vec(n, -12.0, 12.0), rng.vec(n, -2.0, 2.0));
        let want = cpu::glu(&g, &u, act);
        // [t][gate | up]
        let gate_up: Vec<f32> = g.chunks(n_ff).zip(u.chunks(n_ff)).flat_map(|(g, u)| g.iter().chain(u).copied()).collect();
        let (gub, ob) = (ctx.storage_buffer("gate_up", &gate_up), ctx.output_buffer("out", n as u64 * 4));
        let got = run(ctx, |e| k.glu(e, whole(&gub), whole(&ob), n_tok as u32, n_ff as u32, act), &ob, n).await?;
        tally.add(&got, &want, |i| want[i].abs());
    }
    Ok(tally.done("glu (silu, gelu_tanh)", 1e-5))
}

pub async fn check_add(ctx: &GpuContext, k: &Kernels, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    // A residual add (n_x = n) and a bias broadcast over 7 tokens (n_x = row length).
    for (n, n_x) in [(70_000usize, 70_000usize), (7 * 96, 96)] {
        let (y, x) = (rng.vec(n, -2.0, 2.0), rng.vec(n_x, -2.0, 2.0));
        let want: Vec<f32> = y.iter().enumerate().map(|(i, v)| v + x[i % n_x]).collect();
        let (yb, xb) = (ctx.storage_buffer("y", &y), ctx.storage_buffer("x", &x));
        let got = run(ctx, |e| k.add(e, whole(&yb), whole(&xb), n as u32, n_x as u32), &yb, n).await?;
        tally.add(&got, &want, |i| want[i].abs());
    }
    Ok(tally.done("add", 1e-6))
}

/// The roofline's read kernel: each output word is the XOR of its 16 input words, exactly,
/// from a buffer or a weight texture as the tuning keeps weights. Error = output words that
/// differ.
pub async fn check_read(ctx: &GpuContext, k: &Kernels, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    for chunks in [1usize, 3] {
        let n_bytes = chunks as u64 * READ_CHUNK;
        let src: Vec<u32> = (0..n_bytes / 4).map(|_| rng.next_u64() as u32).collect();
        let want: Vec<u32> = (0..src.len() / 16)
            .map(|out| {
                let (c, l, lane) = (out / 1024, (out / 4) % 256, out % 4);
                (0..16).fold(0, |acc, k| acc ^ src[4 * (4096 * c + l + 256 * k) + lane])
            })
            .collect();
        let (sb, db) = (ctx.storage_buffer("src", &src), ctx.output_buffer("dst", n_bytes / 16));
        let texture = k.tuning.weight_texture.then(|| words_in_texture(ctx, bytemuck::cast_slice(&src)));
        let source = match &texture {
            Some(view) => Binding::Texture(view.clone()),
            None => whole(&sb).into(),
        };
        let mut rec = Recorder::new(ctx);
        k.read(&mut rec, source, whole(&db), n_bytes);
        rec.submit();
        let got = ctx.read_bytes(&db, n_bytes / 16).await?;
        let got = got.chunks_exact(4).map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")));
        let wrong = got.zip(&want).filter(|(g, w)| g != *w).count();
        tally.add(&[wrong as f32], &[0.0], |_| 0.0);
    }
    Ok(tally.done("read (roofline)", 0.0))
}

/// `bytes` (whole 16-byte words) in a weight texture from its first texel, as the uploader
/// writes an arena (the rest of its last row zeros).
fn words_in_texture(ctx: &GpuContext, bytes: &[u8]) -> wgpu::TextureView {
    let (texture, view) = create_weight_texture(&ctx.device, "words", bytes.len() as u64);
    let mut padded = bytes.to_vec();
    padded.resize(texture.height() as usize * WEIGHT_TEXTURE_ROW_BYTES as usize, 0);
    let layout = wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(WEIGHT_TEXTURE_ROW_BYTES as u32), rows_per_image: None };
    ctx.queue.write_texture(texture.as_image_copy(), &padded, layout, texture.size());
    view
}

/// Runs the sampling kernel once on `logits[offset..offset + n]`.
async fn sample_once(ctx: &GpuContext, k: &Kernels, logits: &wgpu::Buffer, offset: u32, n: u32, sampling: &Sampling, u: f32) -> Result<usize> {
    let rb = ctx.output_buffer("r", 4);
    let mut rec = Recorder::new(ctx);
    k.sample(&mut rec, whole(logits), offset, n, sampling, u, whole(&rb));
    rec.submit();
    let bytes = ctx.read_bytes(&rb, 4).await?;
    Ok(u32::from_le_bytes(bytes[..4].try_into().expect("4 bytes")) as usize)
}

/// Greedy picks must equal the CPU's exactly (ties: lowest id). Random draws must equal
/// `cpu::sample`'s, or one it makes when `u` or `top_p` moves by 1e-4 (the GPU sums in another
/// order, so a draw right at a boundary may fall either way). Error = wrong picks.
pub async fn check_sample(ctx: &GpuContext, k: &Kernels, seed: u64) -> Result<KernelCheck> {
    let mut rng = SplitMix64::new(seed);
    let mut tally = Tally::new();
    for n in [1usize, 255, 49_152, 262_144] {
        let mut x = rng.vec(n, -10.0, 10.0);
        if n > 300 {
            x[n - 7] = 11.0; // a tie: the lower index must win
            x[123] = 11.0;
        }
        let xb = ctx.storage_buffer("x", &x);
        let got = sample_once(ctx, k, &xb, 0, n as u32, &Sampling::GREEDY, 0.5).await?;
        tally.add(&[got as f32], &[cpu::argmax(&x) as f32], |_| 0.0);
    }
    let settings = [
        Sampling { temperature: 1.0, top_k: 0, top_p: 1.0 },
        Sampling { temperature: 0.7, top_k: 40, top_p: 1.0 },
        Sampling { temperature: 0.8, top_k: 0, top_p: 0.9 },
        Sampling { temperature: 1.5, top_k: 50, top_p: 0.5 },
        Sampling { temperature: 1.0, top_k: 1, top_p: 1.0 },
        Sampling { temperature: 0.5, top_k: 100_000, top_p: 0.95 },
    ];
    for n in [8usize, 1000, 49_152] {
        // Two rows; sample from the second, as generation does after a batched prefill.
        let rows = rng.vec(2 * n, -10.0, 10.0);
        let (offset, x) = (n, &rows[n..]);
        let xb = ctx.storage_buffer("x", &rows);
        for sampling in &settings {
            for u in [0.0, 0.999_9, rng.next_f32(), rng.next_f32()] {
                let got = sample_once(ctx, k, &xb, offset as u32, n as u32, sampling, u).await?;
                let explained = [-1e-4f32, 0.0, 1e-4].iter().any(|du| {
                    [1.0 - 1e-4f32, 1.0, 1.0 + 1e-4].iter().any(|dp| {
                        let s = Sampling { top_p: (sampling.top_p * dp).min(1.0), ..*sampling };
                        cpu::sample(x, &s, (u + du).clamp(0.0, 0.999_999)) == got
                    })
                });
                tally.add(&[if explained { 0.0 } else { 1.0 }], &[0.0], |_| 0.0);
            }
        }
    }
    Ok(tally.done("sample", 0.0))
}

/// Every kernel check, in a fixed order.
pub async fn check_all(ctx: &GpuContext) -> Result<Vec<KernelCheck>> {
    let glu_gemvs = |k: Kernels| -> Result<Kernels> {
        k.with_glu_gemv(ctx, GgmlType::supported(), Activation::Silu)?.with_glu_gemv(ctx, GgmlType::supported(), Activation::GeluTanh)?.with_qkv_gemv(ctx, QkvStore::RopeKv, GgmlType::supported())?.with_qkv_gemv(ctx, QkvStore::Bias, GgmlType::supported())
    };
    let kernels = glu_gemvs(Kernels::new(ctx, GgmlType::supported(), &attention_shapes())?)?;
    let k = &kernels;
    let mut out = vec![
        check_rms_norm(ctx, k, 1).await?,
        check_rope(ctx, k, 2).await?,
        check_rope_kv(ctx, k, 12).await?,
        check_kv_store(ctx, k, 13).await?,
        check_attention(ctx, k, 3).await?,
        check_glu(ctx, k, 4).await?,
        check_add(ctx, k, 6).await?,
        check_sample(ctx, k, 5).await?,
        check_read(ctx, k, 7).await?,
    ];
    for (i, ty) in GgmlType::supported().enumerate() {
        out.push(check_matmul(ctx, k, ty, 100 + i as u64).await?);
        out.push(check_norm_matmul(ctx, k, ty, 500 + i as u64).await?);
        out.push(check_glu_matmul(ctx, k, ty, 400 + i as u64).await?);
        if k.tuning.gemm_glu {
            out.push(check_gemm_glu(ctx, k, ty, 450 + i as u64).await?);
        }
        out.push(check_rope_matmul(ctx, k, ty, 600 + i as u64).await?);
        out.push(check_qkv_bias_matmul(ctx, k, ty, 700 + i as u64).await?);
        out.push(check_embed(ctx, k, ty, 200 + i as u64).await?);
    }
    // The other tunings this adapter can run are checked too: each is what some adapter runs.
    // Attention, the KV writes and decode's fused GLU GEMV depend on the sharing, unrolling,
    // attention's lanes, the KV cache's type and the GEMV's split rows only: checked once per
    // other choice of them.
    let attention_key = |t: &Tuning| (t.subgroup_x, t.unroll_heads, t.attention_lanes, t.kv_f16, t.kv_texels(), t.gemv_split);
    let mut attention_checked = vec![attention_key(&k.tuning)];
    let mut read_checked = vec![k.tuning.weight_texels()];
    for (n, tuning) in Tuning::all_for(ctx).into_iter().filter(|t| *t != k.tuning).enumerate() {
        let other = glu_gemvs(Kernels::tuned(ctx, GgmlType::supported(), &attention_shapes(), tuning)?)?;
        let seed = 300 + 100 * n as u64;
        if !attention_checked.contains(&attention_key(&tuning)) {
            attention_checked.push(attention_key(&tuning));
            let mut checks = vec![check_attention(ctx, &other, seed).await?, check_rope_kv(ctx, &other, seed + 97).await?, check_kv_store(ctx, &other, seed + 98).await?];
            for (i, ty) in GgmlType::supported().enumerate() {
                checks.push(check_glu_matmul(ctx, &other, ty, seed + 51 + i as u64).await?);
                checks.push(check_rope_matmul(ctx, &other, ty, seed + 31 + i as u64).await?);
                checks.push(check_qkv_bias_matmul(ctx, &other, ty, seed + 81 + i as u64).await?);
            }
            for mut check in checks {
                check.kernel += &format!(" ({tuning})");
                out.push(check);
            }
        }
        let mut norm = check_rms_norm(ctx, &other, seed + 99).await?;
        norm.kernel += &format!(" ({tuning})");
        out.push(norm);
        // The read kernel from each other kind of store (a buffer, a texture fetched or read as
        // storage) than this one's.
        if !read_checked.contains(&tuning.weight_texels()) {
            read_checked.push(tuning.weight_texels());
            let mut read = check_read(ctx, &other, seed + 7).await?;
            read.kernel += &format!(" ({tuning})");
            out.push(read);
        }
        for (i, ty) in GgmlType::supported().enumerate() {
            let mut checks = vec![check_matmul(ctx, &other, ty, seed + 1 + i as u64).await?, check_norm_matmul(ctx, &other, ty, seed + 71 + i as u64).await?];
            if tuning.gemm_glu {
                checks.push(check_gemm_glu(ctx, &other, ty, seed + 41 + i as u64).await?);
            }
            for mut check in checks {
                check.kernel += &format!(" ({tuning})");
                out.push(check);
            }
        }
    }
    // Decode's GEMVs with a run of rows split over a whole workgroup of 64 threads (their sums
    // added through workgroup memory), the widest `--gemv-split` a GPU's bench tries.
    let gpus = Tuning::all_for(ctx)[0];
    let wide = Tuning { gemv_split: 64, gemv_rows: 4, ..gpus };
    let other = glu_gemvs(Kernels::tuned(ctx, GgmlType::supported(), &[], wide)?)?;
    for (i, ty) in GgmlType::supported().enumerate() {
        let seed = 900 + 3 * i as u64;
        for mut check in [check_matmul(ctx, &other, ty, seed).await?, check_norm_matmul(ctx, &other, ty, seed + 1).await?, check_glu_matmul(ctx, &other, ty, seed + 2).await?, check_rope_matmul(ctx, &other, ty, seed + 900).await?, check_qkv_bias_matmul(ctx, &other, ty, seed + 901).await?] {
            check.kernel += " (GEMV split over 64 threads)";
            out.push(check);
        }
    }
    Ok(out)
}
