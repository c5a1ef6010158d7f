//! Where a model's bytes come from, in the browser: the network (one GGUF or the shards of a
//! gguf-split model, streamed), the IndexedDB cache, or a user-picked file. Bytes flow from the
//! source through the GGUF reader into GPU buffers chunk by chunk; wasm memory holds about one
//! chunk at a time, whatever the model's size.

mod cache;
mod http;
pub mod idb;
mod load;

pub use cache::{estimate, persist, sha256_hex_by, web_crypto, Manifest, ModelCache, ShardEntry, CHUNKS, CHUNK_BYTES};
pub use http::fetch_text;
pub use load::{load, load_blob, LoadRequest};

/// What a load is doing, for progress bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Bytes from the network (stored in the cache and uploaded to the GPU as they arrive).
    Download,
    /// Bytes from the IndexedDB cache to the GPU.
    CacheRead,
    /// Bytes from a local file to the GPU.
    Upload,
    /// Building pipelines, the tokenizer and the KV cache.
    Compile,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Download => "download",
            Phase::CacheRead => "cache",
            Phase::Upload => "upload",
            Phase::Compile => "compile",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub phase: Phase,
    /// Model bytes handled so far (all phases together) and the model's size when known.
    pub done: u64,
    pub total: Option<u64>,
    /// Rate of the current phase.
    pub bytes_per_s: f64,
}

/// Counts bytes per phase and reports each step.
pub(crate) struct Meter<'a> {
    progress: Progress,
    phase_start_ms: f64,
    phase_start_done: u64,
    report: &'a mut dyn FnMut(&Progress),
}

impl<'a> Meter<'a> {
    pub fn new(total: Option<u64>, report: &'a mut dyn FnMut(&Progress)) -> Self {
        let progress = Progress { phase: Phase::Download, done: 0, total, bytes_per_s: 0.0 };
        Self { progress, phase_start_ms: crate::clock::now_ms(), phase_start_done: 0, report }
    }

    pub fn set_total(&mut self, total: Option<u64>) {
        self.progress.total = total;
    }

    /// `n` more bytes in `phase`.
    pub fn advance(&mut self, phase: Phase, n: u64) {
        let now = crate::clock::now_ms();
        if phase != self.progress.phase {
            self.progress.phase = phase;
            self.phase_start_ms = now;
            self.phase_start_done = self.progress.done;
        }
        self.progress.done += n;
        let seconds = (now - self.phase_start_ms) / 1000.0;
        self.progress.bytes_per_s = if seconds > 0.0 { (self.progress.done - self.phase_start_done) as f64 / seconds } else { 0.0 };
        (self.report)(&self.progress);
    }
}
