//! A tensor living in a GPU buffer (usually a slice of a weight arena) with its GGUF layout.

use crate::quant::GgmlType;

#[derive(Clone, Debug)]
pub struct GpuTensor {
    pub buffer: wgpu::Buffer,
    /// Byte offset in `buffer` (a multiple of the device's storage offset alignment).
    pub offset: u64,
    /// Bytes bound (the tensor's bytes rounded up to 4).
    pub size: u64,
    pub ty: GgmlType,
    /// GGUF dims: `dims[0]` is the row length (of this view: see [`GpuTensor::rows`]).
    pub dims: Vec<u64>,
    /// First row of this view within the bound bytes (0 for a whole tensor).
    pub first_row: u32,
}

impl GpuTensor {
    pub fn row_len(&self) -> u32 {
        self.dims[0] as u32
    }
    pub fn n_rows(&self) -> u32 {
        self.dims[1..].iter().product::<u64>() as u32
    }
    pub fn row_bytes(&self) -> u32 {
        self.ty.bytes_for(self.dims[0]).expect("validated by the GGUF reader") as u32
    }
    /// Rows `start..start + count` of a 2-D tensor (e.g. Q, K and V of a fused QKV weight), for
    /// matmul; binding offsets need 256-byte alignment, so the view is a row offset instead.
    pub fn rows(&self, start: u32, count: u32) -> GpuTensor {
        assert!(start + count <= self.n_rows(), "row view {start}+{count} past {} rows", self.n_rows());
        GpuTensor { dims: vec![self.dims[0], count as u64], first_row: self.first_row + start, ..self.clone() }
    }
    pub fn binding(&self) -> wgpu::BufferBinding<'_> {
        wgpu::BufferBinding { buffer: &self.buffer, offset: self.offset, size: wgpu::BufferSize::new(self.size) }
    }
}
