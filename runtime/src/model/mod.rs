//! A transformer model on the GPU: configuration, weights, KV cache and the forward pass.

mod config;
mod forward;
mod loader;
mod shapes;
mod synth;
mod weights;

pub use config::{Arch, ModelConfig};
pub use forward::{FusedLayers, LoadTimings, Logits, Model, PendingStep, Step, StepInput};
pub use loader::{ModelLoader, ModelOptions};
#[cfg(not(target_arch = "wasm32"))]
pub use loader::load_file;
pub use synth::{synth_header, write_model, Resize};
pub use weights::{Uploader, Weights};
