//! Everything that can be wrong with a GGUF file, each with the detail needed to understand it.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum GgufError {
    #[error("not a GGUF file (magic {0:#010x}, expected \"GGUF\")")]
    BadMagic(u32),
    #[error("GGUF version {0} is not supported (only 2 and 3)")]
    UnsupportedVersion(u32),
    #[error("the file ends early: {0}")]
    Truncated(String),
    #[error("{what} is {value}, more than the limit of {limit}")]
    TooLarge { what: String, value: u64, limit: u64 },
    #[error("{0} is not valid UTF-8")]
    InvalidUtf8(String),
    #[error("metadata key {key:?} has unknown value type {type_id}")]
    UnknownValueType { key: String, type_id: u32 },
    #[error("tensor {tensor:?} has unknown type id {type_id}")]
    UnknownTensorType { tensor: String, type_id: u32 },
    #[error("tensor {tensor:?} has invalid dimensions {dims:?}: {reason}")]
    BadDims { tensor: String, dims: Vec<u64>, reason: String },
    #[error("tensor {tensor:?} data offset {offset} is not a multiple of the alignment {alignment}")]
    Misaligned { tensor: String, offset: u64, alignment: u64 },
    #[error("tensors {first:?} and {second:?} overlap in the file")]
    Overlap { first: String, second: String },
    #[error("tensor {tensor:?} ends at byte {end}, past the end of the file ({file_size} bytes)")]
    PastEnd { tensor: String, end: u64, file_size: u64 },
    #[error("duplicate {what} {name:?}")]
    Duplicate { what: &'static str, name: String },
    #[error("alignment {0} is invalid (must be a non-zero power of two)")]
    BadAlignment(u64),
    #[error("metadata {key:?}: {reason}")]
    BadMetadata { key: String, reason: String },
}
