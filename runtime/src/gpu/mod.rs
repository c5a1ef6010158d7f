//! GPU access shared by every kernel: the device context, buffers and readback.

mod context;
mod kv_cache;
mod profile;
mod readback;
mod recorder;
mod tensor;
mod timestamps;

pub use context::{GpuContext, GpuInfo};
pub use kv_cache::KvCache;
pub use profile::{Profile, ProfileEntry};
pub use readback::Readback;
pub use recorder::{float_texture, texture_fits, BindCache, Binding, KernelRef, Recorder};
pub use timestamps::{Timestamps, BETWEEN_KERNELS};
pub use tensor::{create_weight_texture, GpuTensor, Store, TensorPart, WEIGHT_TEXELS, WEIGHT_TEXTURE_ROW_BYTES};

/// The whole of `buffer` as a binding.
pub fn whole(buffer: &wgpu::Buffer) -> wgpu::BufferBinding<'_> {
    buffer.as_entire_buffer_binding()
}
