//! GPU kernels. Each op's WGSL lives in `shaders/`; [`Kernel`] compiles and dispatches one,
//! and [`Kernels`] holds every pipeline a model needs, compiled once.

mod ops;
mod unroll;

pub use ops::{attention_parts_bytes, Activation, AttentionShape, Input, Kernels, Rope, RopeStyle, Sampling, Tuning, YRows};

use crate::error::{Error, Result};
use crate::gpu::{KernelRef, Recorder};
use crate::quant::GgmlType;

/// Which per-type WGSL function an op uses.
#[derive(Clone, Copy)]
pub enum TypePart {
    Dequant,
    Dot,
}

/// One compute pipeline (entry point `main`, bind group 0 = params uniform + buffers).
pub struct Kernel {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
    label: String,
}

impl Kernel {
    pub fn new(device: &wgpu::Device, label: &str, wgsl: &str) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(label),
            source: wgpu::ShaderSource::Wgsl(wgsl.into()),
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(label),
            layout: None,
            module: &module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: None,
        });
        let layout = pipeline.get_bind_group_layout(0);
        Self { pipeline, layout, label: label.to_string() }
    }

    /// An op that reads a quantized tensor: its WGSL is composed as byte-field helpers + the
    /// weights binding (16-byte words for types with `Wgsl::rows`, else 4-byte words) + `parts` (the op
    /// and what it includes) + the type's `dequant32` or `dot32`.
    pub fn with_type(device: &wgpu::Device, label: &str, parts: &[&str], ty: GgmlType, part: TypePart) -> Result<Self> {
        let wgsl = ty.wgsl().ok_or_else(|| Error::UnsupportedModel(format!("tensor type {ty:?} has no GPU kernel yet")))?;
        let type_fn = match part {
            TypePart::Dequant => wgsl.dequant,
            TypePart::Dot => wgsl.dot,
        };
        // Types with 16-byte aligned blocks read them as 16-byte words, in every op.
        let words = match wgsl.rows {
            true => include_str!("../../../shaders/weights/vec4.wgsl"),
            false => include_str!("../../../shaders/weights/u32.wgsl"),
        };
        let mut source = vec![include_str!("../../../shaders/dequant/bytes.wgsl"), words];
        source.extend_from_slice(parts);
        source.push(type_fn);
        Ok(Self::new(device, &format!("{label}.{ty:?}"), &source.join("\n")))
    }

    /// Records one dispatch: binding 0 = `params`, then `buffers` at 1, 2, ...
    pub fn dispatch<P: bytemuck::Pod>(&self, rec: &mut Recorder<'_>, params: &P, buffers: &[wgpu::BufferBinding<'_>], workgroups: [u32; 3]) {
        let kernel = KernelRef { pipeline: &self.pipeline, layout: &self.layout, label: &self.label };
        rec.dispatch(&kernel, bytemuck::bytes_of(params), buffers, workgroups);
    }
}

/// A typed kernel compiled on first use, for variants a model may never run: the GEMM of a type
/// that only the output layer has (whose prompt logits are one token's), the GEMVs for
/// activations too long for a uniform window. SwiftShader spends 1–2.4 s compiling one GEMM,
/// which every load would pay.
pub(crate) struct LazyKernel {
    device: wgpu::Device,
    label: &'static str,
    parts: Vec<String>,
    ty: GgmlType,
    part: TypePart,
    kernel: std::sync::OnceLock<Kernel>,
}

impl LazyKernel {
    /// As [`Kernel::with_type`], compiled when first asked for.
    pub fn with_type(device: &wgpu::Device, label: &'static str, parts: &[&str], ty: GgmlType, part: TypePart) -> Result<Self> {
        ty.wgsl().ok_or_else(|| Error::UnsupportedModel(format!("tensor type {ty:?} has no GPU kernel yet")))?;
        let parts = parts.iter().map(|p| p.to_string()).collect();
        Ok(Self { device: device.clone(), label, parts, ty, part, kernel: std::sync::OnceLock::new() })
    }

    pub fn get(&self) -> &Kernel {
        self.kernel.get_or_init(|| {
            let parts: Vec<&str> = self.parts.iter().map(String::as_str).collect();
            Kernel::with_type(&self.device, self.label, &parts, self.ty, self.part).expect("the type's WGSL was checked in with_type")
        })
    }
}

/// Workgroup grid for `n_groups` groups along x, folding into y past the 65535 limit.
/// Shaders recover the flat index as `gid.x + gid.y * 65535 * WG`.
pub(crate) fn grid_1d(n_groups: u32) -> [u32; 3] {
    if n_groups <= 65535 {
        [n_groups.max(1), 1, 1]
    } else {
        [65535, n_groups.div_ceil(65535), 1]
    }
}
