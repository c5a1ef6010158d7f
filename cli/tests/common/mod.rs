//! What the CLI's tests share.

use std::path::PathBuf;

/// The shared fixtures (`WEBSLM_FIXTURES`, or beside the repository).
pub fn fixtures() -> PathBuf {
    std::env::var("WEBSLM_FIXTURES").map(PathBuf::from).unwrap_or_else(|_| {
        let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures");
        if beside.exists() { beside } else { PathBuf::from("/work/shared/fixtures") }
    })
}
