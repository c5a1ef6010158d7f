//! RMSNorm on the GPU (`shaders/rms_norm.wgsl`).

use crate::gpu::GpuContext;

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    n_cols: u32,
    n_rows: u32,
    eps: f32,
    _pad: u32,
}

pub struct RmsNorm {
    pipeline: wgpu::ComputePipeline,
}

impl RmsNorm {
    pub fn new(ctx: &GpuContext) -> Self {
        let pipeline = super::compute_pipeline(&ctx.device, "rms_norm", include_str!("../../../shaders/rms_norm.wgsl"));
        Self { pipeline }
    }

    /// Records `y[r] = rms_norm(x[r]) * weight` for `n_rows` rows of `n_cols` f32 values.
    pub fn encode(
        &self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        (x, weight, y): (&wgpu::Buffer, &wgpu::Buffer, &wgpu::Buffer),
        n_rows: u32,
        n_cols: u32,
        eps: f32,
    ) {
        let params = ctx.uniform_buffer("rms_norm.params", &Params { n_cols, n_rows, eps, _pad: 0 });
        let bind_group = super::bind_buffers(&ctx.device, &self.pipeline, &[&params, x, weight, y]);
        let mut pass = encoder.begin_compute_pass(&Default::default());
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups(n_rows, 1, 1);
    }
}
