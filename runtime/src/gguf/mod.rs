//! GGUF: the file format of llama.cpp models (header, metadata, tensor infos, then tensor data).
//! Spec: <https://github.com/ggml-org/ggml/blob/master/docs/gguf.md>.

mod error;
mod header;
mod metadata;
mod reader;
mod split;
mod writer;

pub use error::GgufError;
pub use header::{GgufHeader, TensorInfo};
pub use metadata::{Metadata, Value};
pub use reader::{parse_all, Event, GgufReader};
pub use split::{shard_names, SplitInfo};
pub use writer::{header_bytes, lay_out};

/// "GGUF" read as a little-endian u32.
pub const MAGIC: u32 = 0x4655_4747;
pub const DEFAULT_ALIGNMENT: u64 = 32;

/// Limits on what untrusted metadata may declare; real models stay far below them.
pub mod limits {
    /// One string (a token, a key, a chat template).
    pub const MAX_STRING_BYTES: u64 = 16 << 20;
    /// Elements of one metadata array (vocabularies reach ~262k tokens, merges ~500k).
    pub const MAX_ARRAY_LEN: u64 = 16 << 20;
    pub const MAX_KV_COUNT: u64 = 1 << 20;
    pub const MAX_TENSOR_COUNT: u64 = 1 << 20;
    pub const MAX_DIMS: u32 = 4;
    /// Header (everything before tensor data) bytes we are willing to buffer.
    pub const MAX_HEADER_BYTES: u64 = 256 << 20;
}
