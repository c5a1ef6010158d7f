//! Kernel self-checks: run a GPU kernel on random inputs and compare with the CPU reference.
//! The same checks run in native tests, in Chromium (wasm-bindgen-test) and on the demo page.

use crate::error::Result;
use crate::gpu::GpuContext;
use crate::rng::SplitMix64;
use crate::{cpu, kernels};

/// Outcome of comparing one kernel with its reference over several random cases.
#[derive(Clone, Debug)]
pub struct KernelCheck {
    pub kernel: &'static str,
    pub cases: usize,
    pub values: usize,
    /// Largest `|gpu - cpu| / (1 + |cpu|)` seen.
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

/// Largest relative-to-magnitude difference; NaN anywhere makes it NaN.
pub fn max_error(gpu: &[f32], cpu: &[f32]) -> f32 {
    assert_eq!(gpu.len(), cpu.len());
    gpu.iter().zip(cpu).fold(0.0f32, |m, (g, c)| {
        let e = (g - c).abs() / (1.0 + c.abs());
        if e.is_nan() || m.is_nan() { f32::NAN } else { m.max(e) }
    })
}

/// RMSNorm on shapes that cover a single thread's share, ragged tails and long rows.
pub async fn check_rms_norm(ctx: &GpuContext, seed: u64) -> Result<KernelCheck> {
    // f32 sums of up to 4096 squares in a different order: ~1e-6 relative; 1e-5 leaves margin.
    let tolerance = 1e-5;
    let shapes = [(1u32, 64u32), (3, 576), (7, 1000), (2, 4096)];
    let norm = kernels::RmsNorm::new(ctx);
    let mut rng = SplitMix64::new(seed);
    let (mut max_err, mut values) = (0.0f32, 0);
    for &(n_rows, n_cols) in &shapes {
        let eps = 1e-5;
        let x = rng.vec((n_rows * n_cols) as usize, -3.0, 3.0);
        let w = rng.vec(n_cols as usize, 0.5, 1.5);
        let expected: Vec<f32> = x.chunks(n_cols as usize).flat_map(|row| cpu::rms_norm(row, &w, eps)).collect();

        let x_buf = ctx.storage_buffer("x", &x);
        let w_buf = ctx.storage_buffer("w", &w);
        let y_buf = ctx.output_buffer("y", (x.len() * 4) as u64);
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        norm.encode(ctx, &mut encoder, (&x_buf, &w_buf, &y_buf), n_rows, n_cols, eps);
        ctx.queue.submit([encoder.finish()]);
        let got = ctx.read_f32(&y_buf, x.len()).await?;

        let e = max_error(&got, &expected);
        max_err = if e.is_nan() { f32::NAN } else { max_err.max(e) };
        values += x.len();
    }
    Ok(KernelCheck { kernel: "rms_norm", cases: shapes.len(), values, max_error: max_err, tolerance })
}

/// Every kernel check, in a fixed order.
pub async fn check_all(ctx: &GpuContext) -> Result<Vec<KernelCheck>> {
    Ok(vec![check_rms_norm(ctx, 0x5eed).await?])
}
