//! GPU kernels. Each op's WGSL lives in `shaders/`; [`Kernel`] compiles and dispatches one,
//! and [`Kernels`] holds every pipeline a model needs, compiled once.

mod compile;
mod ops;
mod unroll;

pub use compile::{compile_all, compile_early};

pub use ops::{attention_parts_bytes, Activation, AttentionShape, Input, Kernels, QkvStore, Rope, RopeStyle, Sampling, TexelRead, Tuning, YRows, READ_CHUNK};

use crate::error::{Error, Result};
use crate::gpu::{Binding, KernelRef, Recorder, WEIGHT_TEXELS};
use crate::quant::GgmlType;

/// Which per-type WGSL function an op uses.
#[derive(Clone, Copy)]
pub enum TypePart {
    Dequant,
    Dot,
}

/// One compute pipeline (entry point `main`, bind group 0 = params uniform + buffers), compiled
/// when first dispatched or, several at once, by [`compile_all`]: a model's load compiles
/// what it runs, and leaves variants it may never run (the GEMM of a type only the output layer
/// has, the GEMVs for activations too long for a uniform window; SwiftShader spends 1–2.4 s on a
/// GEMM) to their first use.
pub struct Kernel {
    device: wgpu::Device,
    label: String,
    wgsl: String,
    compiled: std::sync::OnceLock<Compiled>,
}

struct Compiled {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
}

impl Kernel {
    pub fn new(device: &wgpu::Device, label: &str, wgsl: &str) -> Self {
        Self { device: device.clone(), label: label.to_string(), wgsl: wgsl.to_string(), compiled: std::sync::OnceLock::new() }
    }

    /// An op that reads a quantized tensor: its WGSL is composed as byte-field helpers + the
    /// weights binding (16-byte words for types with `Wgsl::rows`, from a buffer or, with
    /// `weights` texels of a texture read that way; else 4-byte words) + `parts` (the op and what it includes) +
    /// the type's `dequant32` or `dot32`.
    pub fn with_type(device: &wgpu::Device, label: &str, parts: &[&str], ty: GgmlType, part: TypePart, weights: Option<TexelRead>) -> Result<Self> {
        let wgsl = ty.wgsl().ok_or_else(|| Error::UnsupportedModel(format!("tensor type {ty:?} has no GPU kernel yet")))?;
        let type_fn = match part {
            TypePart::Dequant => wgsl.dequant,
            TypePart::Dot => wgsl.dot,
        };
        // Types with 16-byte aligned blocks read them as 16-byte words, in every op.
        let words = match wgsl.rows {
            true => weight_words_wgsl(weights),
            false => include_str!("../../../shaders/weights/u32.wgsl").to_string(),
        };
        // WGSL's directives (`enable f16;` where a part uses the f16 KV cache's type) come first.
        let is_directive = |line: &&str| line.starts_with("enable ");
        let directives = parts.iter().flat_map(|p| p.lines()).filter(is_directive);
        let body = parts.iter().flat_map(|p| p.lines()).filter(|line| !is_directive(line));
        let source: Vec<&str> = directives.chain([include_str!("../../../shaders/dequant/bytes.wgsl"), words.as_str()]).chain(body).chain([type_fn]).collect();
        Ok(Self::new(device, &format!("{label}.{ty:?}"), &source.join("\n")))
    }

    /// Compiles a copy of this kernel that shares nothing with it, and returns the label, the
    /// WGSL's size in bytes and how many milliseconds the compile took (natively: on the
    /// calling thread, start to finish; in a browser the create returns before the GPU
    /// process has compiled). For `webslm profile`: what each kernel adds to a load.
    pub fn time_compile(&self) -> (String, usize, f64) {
        let copy = Self::new(&self.device, &self.label, &self.wgsl);
        let start = crate::clock::now_ms();
        copy.compiled();
        (self.label.clone(), self.wgsl.len(), crate::clock::now_ms() - start)
    }

    /// The pipeline, compiled now if it was not yet.
    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| {
            let module = self.device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(&self.label),
                source: wgpu::ShaderSource::Wgsl(self.wgsl.as_str().into()),
            });
            let pipeline = self.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(&self.label),
                layout: None,
                module: &module,
                entry_point: Some("main"),
                compilation_options: Default::default(),
                cache: None,
            });
            let layout = pipeline.get_bind_group_layout(0);
            Compiled { pipeline, layout }
        })
    }

    /// Records one dispatch: binding 0 = `params`, then `bindings` (buffer ranges, or textures:
    /// weights in one, x in one) at 1, 2, ...
    pub fn dispatch<P: bytemuck::Pod>(&self, rec: &mut Recorder<'_>, params: &P, bindings: &[Binding<'_>], workgroups: [u32; 3]) {
        rec.dispatch(&self.kernel_ref(), bytemuck::bytes_of(params), bindings, workgroups);
    }

    /// What a dispatch needs of this kernel (compiled now if it was not yet).
    fn kernel_ref(&self) -> KernelRef<'_> {
        let compiled = self.compiled();
        KernelRef { pipeline: &compiled.pipeline, layout: &compiled.layout, label: &self.label }
    }
}

/// The weights as 16-byte words and `wq`, their reader: from a buffer (shaders/weights/vec4.wgsl)
/// or (`weights`: `Tuning::weight_texels`) from a texture (shaders/weights/texture.wgsl) read
/// that way.
pub fn weight_words_wgsl(weights: Option<TexelRead>) -> String {
    match weights {
        None => include_str!("../../../shaders/weights/vec4.wgsl").to_string(),
        Some(read) => [read.wgsl(1, "w", "rgba32uint", "u32").as_str(), include_str!("../../../shaders/weights/texture.wgsl")].join("\n").replace("WEIGHT_TEXELS", &format!("{WEIGHT_TEXELS}u")),
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
