//! A tensor living in GPU buffers (usually slices of weight arenas), its rows laid out as
//! `GgmlType::gpu_row_bytes` says.

use crate::quant::GgmlType;

/// A block of a tensor's rows held in one storage binding.
#[derive(Clone, Debug)]
pub struct TensorPart {
    pub buffer: wgpu::Buffer,
    /// Byte offset in `buffer` (a multiple of the device's storage offset alignment).
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
    pub fn whole(buffer: wgpu::Buffer, offset: u64, size: u64, ty: GgmlType, dims: Vec<u64>) -> Self {
        let n_rows = dims[1..].iter().product::<u64>() as u32;
        GpuTensor { ty, dims, parts: vec![TensorPart { buffer, offset, size, skip_rows: 0, row0: 0, n_rows }] }
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
    /// The binding of a tensor held in one part (norm weights, biases: always small).
    pub fn binding(&self) -> wgpu::BufferBinding<'_> {
        assert!(self.parts.len() == 1 && self.parts[0].skip_rows == 0, "binding() of a split tensor or a row view");
        self.parts[0].binding()
    }
}

impl TensorPart {
    pub fn binding(&self) -> wgpu::BufferBinding<'_> {
        wgpu::BufferBinding { buffer: &self.buffer, offset: self.offset, size: wgpu::BufferSize::new(self.size) }
    }
}
