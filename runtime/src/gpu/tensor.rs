//! A tensor living in GPU memory (usually slices of weight arenas: buffers, or textures where
//! the tuning reads weights as texels), its rows laid out as `GgmlType::gpu_row_bytes` says.

use super::Binding;
use crate::quant::GgmlType;

/// Texels per row of a weight texture: a texture's texels, row after row, are its arena's
/// 16-byte words (shaders/weights/texture.wgsl maps word i to texel (i % W, i / W)). 8192 is
/// the least `maxTextureDimension2D` WebGPU guarantees, so a texture holds up to 1 GiB
/// (8192 × 8192 × 16 bytes) on any adapter, and pads at most one row (128 KiB).
pub const WEIGHT_TEXELS: u32 = 8192;

/// Bytes in one row of a weight texture (rgba32uint texels, 16 bytes each).
pub const WEIGHT_TEXTURE_ROW_BYTES: u64 = WEIGHT_TEXELS as u64 * 16;

/// A weight texture holding at least `bytes` (whole rows of [`WEIGHT_TEXELS`] texels, at least
/// one), to be written with `queue.write_texture`, and its view (what kernels bind, as a
/// sampled or a read-only storage texture: `TexelRead`).
pub fn create_weight_texture(device: &wgpu::Device, label: &str, bytes: u64) -> (wgpu::Texture, wgpu::TextureView) {
    let rows = bytes.div_ceil(WEIGHT_TEXTURE_ROW_BYTES).max(1) as u32;
    let texture = device.create_texture(&wgpu::TextureDescriptor {
        label: Some(label),
        size: wgpu::Extent3d { width: WEIGHT_TEXELS, height: rows, depth_or_array_layers: 1 },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Rgba32Uint,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::STORAGE_BINDING | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    });
    let view = texture.create_view(&Default::default());
    (texture, view)
}

/// Where a part's bytes live.
#[derive(Clone, Debug, PartialEq)]
pub enum Store {
    Buffer(wgpu::Buffer),
    /// An rgba32uint texture of [`WEIGHT_TEXELS`] texels a row (types with 16-byte words only).
    Texture(wgpu::TextureView),
}

/// A block of a tensor's rows held in one binding.
#[derive(Clone, Debug)]
pub struct TensorPart {
    pub store: Store,
    /// Byte offset in `store` (for a buffer a multiple of the device's storage offset
    /// alignment; for a texture of 16, passed to the kernel as `w_word0`).
    pub offset: u64,
    /// Bytes bound (rounded up to 4).
    pub size: u64,
    /// Rows of the binding before this part's first row (non-zero for row views).
    pub skip_rows: u32,
    /// This part's rows in the (viewed) tensor: `row0..row0 + n_rows`.
    pub row0: u32,
    pub n_rows: u32,
}

#[derive(Clone, Debug)]
pub struct GpuTensor {
    pub ty: GgmlType,
    /// GGUF dims: `dims[0]` is the row length (of this view: see [`GpuTensor::rows`]).
    pub dims: Vec<u64>,
    /// One part, or several when the tensor is larger than one storage binding
    /// (e.g. a 262k-row vocabulary): matmul and embedding run once per part.
    pub parts: Vec<TensorPart>,
}

impl GpuTensor {
    /// A tensor held whole in `buffer` at `offset`.
    pub fn whole(store: Store, offset: u64, size: u64, ty: GgmlType, dims: Vec<u64>) -> Self {
        let n_rows = dims[1..].iter().product::<u64>() as u32;
        GpuTensor { ty, dims, parts: vec![TensorPart { store, offset, size, skip_rows: 0, row0: 0, n_rows }] }
    }
    pub fn row_len(&self) -> u32 {
        self.dims[0] as u32
    }
    pub fn n_rows(&self) -> u32 {
        self.dims[1..].iter().product::<u64>() as u32
    }
    /// Bytes of one row in its GPU layout (see `quant/layout.rs`).
    pub fn row_bytes(&self) -> u32 {
        self.ty.gpu_row_bytes(self.dims[0]).expect("validated by the GGUF reader") as u32
    }
    /// Rows `start..start + count` of a 2-D tensor (e.g. Q, K and V of a fused QKV weight), for
    /// matmul. Binding offsets need 256-byte alignment, so a view skips rows inside its bindings.
    pub fn rows(&self, start: u32, count: u32) -> GpuTensor {
        assert!(start + count <= self.n_rows(), "row view {start}+{count} past {} rows", self.n_rows());
        let parts = self
            .parts
            .iter()
            .filter_map(|p| {
                let (a, b) = (start.max(p.row0), (start + count).min(p.row0 + p.n_rows));
                (a < b).then(|| TensorPart { skip_rows: p.skip_rows + (a - p.row0), row0: a - start, n_rows: b - a, ..p.clone() })
            })
            .collect();
        GpuTensor { dims: vec![self.dims[0], count as u64], parts, ty: self.ty }
    }
    /// The buffer binding of a tensor held in one part of a buffer (norm weights, biases:
    /// always small, always f32 or f16, which no texture holds).
    pub fn binding(&self) -> wgpu::BufferBinding<'_> {
        assert!(self.parts.len() == 1 && self.parts[0].skip_rows == 0, "binding() of a split tensor or a row view");
        self.parts[0].buffer_binding()
    }
}

impl TensorPart {
    /// What a kernel binds to read this part's weights (shaders/weights/).
    pub fn binding(&self) -> Binding<'_> {
        match &self.store {
            Store::Buffer(_) => Binding::Buffer(self.buffer_binding()),
            Store::Texture(view) => Binding::Texture(view.clone()),
        }
    }

    /// This part as a buffer range. Panics for a texture: the tensors read as buffer ranges
    /// (norm weights, biases, copies into uniform windows) are float types, which stay in buffers.
    pub fn buffer_binding(&self) -> wgpu::BufferBinding<'_> {
        let Store::Buffer(buffer) = &self.store else { panic!("a weight texture read as a buffer") };
        wgpu::BufferBinding { buffer, offset: self.offset, size: wgpu::BufferSize::new(self.size) }
    }

    /// The 16-byte word of the texture where the binding starts (`w_word0` in the kernels'
    /// parameters); 0 for a buffer, whose binding starts at `offset`.
    pub fn word0(&self) -> u32 {
        match self.store {
            Store::Buffer(_) => 0,
            Store::Texture(_) => (self.offset / 16) as u32,
        }
    }
}
