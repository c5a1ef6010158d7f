//! GPU access shared by every kernel: the device context, buffers and readback.

mod context;
mod readback;

pub use context::{GpuContext, GpuInfo};
