//! webslm: run small language models on WebGPU, in the browser and natively.
//!
//! Data flows one way: bytes → GGUF reader → GPU buffers → forward pass → sampler → text.
//! See `DESIGN.md` at the repository root.

pub mod agreement;
pub mod check;
pub mod clock;
pub mod cpu;
pub mod engine;
pub mod error;
pub mod generate;
pub mod gguf;
pub mod gpu;
#[cfg(target_arch = "wasm32")]
pub mod js;
pub mod kernels;
pub mod model;
pub mod quant;
pub mod rng;
pub mod roofline;
#[cfg(target_arch = "wasm32")]
pub mod source;
pub mod stop;
pub mod tokenizer;

pub use engine::Engine;
pub use error::{Error, Result};
pub use gpu::{GpuContext, GpuInfo};
