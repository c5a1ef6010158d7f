//! Messages between the page and the model worker (src/worker.rs), as JSON text in the `json`
//! field of a posted object (a picked `File` rides along in `file`).

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Load the model at `url` (through the IndexedDB cache), or the posted `file` when `url` is None.
    Load { url: Option<String>, max_context: u32 },
    Chat { messages: Vec<(String, String)>, temperature: f32, top_p: f32, max_tokens: u32, seed: u64 },
    /// Stops the running reply at its next token.
    Stop,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The worker's wasm is running and takes requests.
    Ready,
    Progress { phase: String, loaded: u64, total: Option<u64>, rate: f64 },
    Loaded { name: String, adapter: String },
    Delta { text: String },
    Replied { tokens: usize, ttft_s: f64, prefill_tok_s: f64, decode_tok_s: f64, stopped: bool },
    Failed { kind: String, message: String },
}
