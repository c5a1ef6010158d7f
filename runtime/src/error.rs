//! The one error type of the runtime. At the wasm boundary each variant becomes a JS `Error`
//! whose `name` is [`Error::kind`].

use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Error)]
pub enum Error {
    /// No GPU adapter: WebGPU missing in this browser, or no Vulkan/Metal/DX12 driver natively.
    #[error("no WebGPU adapter available ({0}). In a browser use a recent Chrome/Edge (WebGPU on by default), Firefox 141+ or Safari 26+; natively install a Vulkan driver (e.g. Mesa's lavapipe).")]
    NoAdapter(String),

    /// The adapter exists but refused to open a device with the requested features/limits.
    #[error("the GPU refused to open a device: {0}")]
    DeviceRequest(String),

    /// The device went away (driver reset, tab backgrounded too long, `device.destroy()`).
    #[error("the GPU device was lost: {0}. Load the model again.")]
    DeviceLost(String),

    /// Allocating the model's GPU buffers failed (the GPU's memory is full).
    #[error("out of GPU memory: {0}. Close other GPU-heavy tabs or pick a smaller model.")]
    OutOfGpuMemory(String),

    /// The model file is malformed.
    #[error("invalid GGUF file: {0}")]
    Gguf(#[from] crate::gguf::GgufError),

    /// The file is valid but uses an architecture, tensor type or feature we do not run.
    #[error("unsupported model: {0}")]
    UnsupportedModel(String),

    /// The model needs more than this GPU allows (buffer/binding limits, memory).
    #[error("the model does not fit this GPU: {0}")]
    TooBigForGpu(String),

    /// Tokenizer or chat template could not be built from the file's metadata or failed to run.
    #[error("tokenizer: {0}")]
    Tokenizer(String),

    /// A download failed (HTTP error, connection lost).
    #[error("network error: {0}")]
    Network(String),

    /// Browser storage is full: the model cannot be cached. Existing entries are kept.
    #[error("not enough storage to cache the model: {0}. Free space (delete cached models) or load without caching.")]
    QuotaExceeded(String),

    /// Downloaded or cached bytes are not what they should be (hash or size mismatch).
    #[error("integrity check failed: {0}")]
    Integrity(String),

    /// The model cache (IndexedDB) failed for a reason other than quota.
    #[error("model cache: {0}")]
    Storage(String),

    /// The caller aborted the operation (an `AbortSignal` fired).
    #[error("aborted")]
    Aborted,

    /// The caller asked for something invalid (empty prompt, context overflow, bad option).
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// The engine is already generating; calls are not interleaved.
    #[error("the engine is busy with another request; wait for it or abort it first")]
    Busy,

    /// A GPU operation (buffer map, submission) failed.
    #[error("GPU error: {0}")]
    Gpu(String),
}

impl Error {
    /// Stable name of the error kind, used as the JS `Error.name`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::NoAdapter(_) => "NoAdapter",
            Error::DeviceRequest(_) => "DeviceRequest",
            Error::DeviceLost(_) => "DeviceLost",
            Error::Gpu(_) => "GpuError",
            Error::OutOfGpuMemory(_) => "OutOfGpuMemory",
            Error::Gguf(_) => "GgufError",
            Error::UnsupportedModel(_) => "UnsupportedModel",
            Error::TooBigForGpu(_) => "OutOfGpuMemory",
            Error::Tokenizer(_) => "TokenizerError",
            Error::InvalidRequest(_) => "InvalidRequest",
            Error::Network(_) => "NetworkError",
            Error::Busy => "Busy",
            Error::QuotaExceeded(_) => "QuotaExceeded",
            Error::Integrity(_) => "IntegrityError",
            Error::Storage(_) => "StorageError",
            Error::Aborted => "AbortError",
        }
    }
}
