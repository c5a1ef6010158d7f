//! Helpers shared by the native integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/fixtures` beside the repository, or `$WEBSLM_FIXTURES`.
pub fn fixtures() -> PathBuf {
    if let Ok(dir) = std::env::var("WEBSLM_FIXTURES") {
        return dir.into();
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    for candidate in [repo.join("../shared/fixtures"), PathBuf::from("/work/shared/fixtures")] {
        if candidate.join("manifest.json").exists() {
            return candidate;
        }
    }
    panic!("test fixtures not found: set WEBSLM_FIXTURES to the fixtures folder");
}

/// The default model fetched by scripts/setup.sh.
pub fn default_model() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models/SmolLM2-135M-Instruct.Q4_1.gguf")
}

/// A reference file from `refs/`.
pub fn reference(name: &str) -> webslm::agreement::RefFile {
    webslm::agreement::RefFile::parse(&std::fs::read_to_string(fixtures().join("refs").join(name)).unwrap()).unwrap()
}
