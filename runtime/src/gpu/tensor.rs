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
    /// GGUF dims: `dims[0]` is the row length.
    pub dims: Vec<u64>,
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
    pub fn binding(&self) -> wgpu::BufferBinding<'_> {
        wgpu::BufferBinding { buffer: &self.buffer, offset: self.offset, size: wgpu::BufferSize::new(self.size) }
    }
}
