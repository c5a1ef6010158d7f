//! Building a [`Model`] from a stream of GGUF bytes: the header is checked (architecture, tensor
//! types, GPU limits) before any weight is uploaded, then tensors go to the GPU chunk by chunk.

use super::{Model, ModelConfig, Uploader};
use crate::error::{Error, Result};
use crate::gguf::{Event, GgufHeader, GgufReader};
use crate::gpu::GpuContext;

#[derive(Clone, Debug)]
pub struct ModelOptions {
    /// Largest context (prompt + generated tokens) the KV cache holds; capped by the model's own.
    pub max_context: u32,
}

impl Default for ModelOptions {
    fn default() -> Self {
        Self { max_context: 4096 }
    }
}

pub struct ModelLoader<'a> {
    ctx: &'a GpuContext,
    reader: GgufReader,
    uploader: Option<Uploader>,
}

impl<'a> ModelLoader<'a> {
    /// `file_size`, when known, lets bad tensor offsets fail before the download.
    pub fn new(ctx: &'a GpuContext, file_size: Option<u64>) -> Self {
        Self { ctx, reader: GgufReader::new(file_size), uploader: None }
    }

    /// The parsed header, once enough bytes have arrived.
    pub fn header(&self) -> Option<&GgufHeader> {
        self.reader.header()
    }

    /// Feeds the next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        let ctx = self.ctx;
        let uploader = &mut self.uploader;
        self.reader.feed::<Error>(chunk, &mut |event| {
            match event {
                Event::Header(header) => {
                    ModelConfig::from_header(header)?;
                    if let Some(t) = header.tensors.iter().find(|t| !t.ty.is_supported()) {
                        return Err(Error::UnsupportedModel(format!(
                            "tensor {:?} has type {:?}, which is not supported yet",
                            t.name, t.ty
                        )));
                    }
                    *uploader = Some(Uploader::new(ctx, header)?);
                }
                Event::TensorData { tensor, offset, bytes } => {
                    uploader.as_mut().expect("the header comes first").write(ctx, tensor, offset, bytes);
                }
            }
            Ok(())
        })
    }

    /// Completes loading once every byte was fed.
    pub fn finish(self, options: &ModelOptions) -> Result<Model> {
        let header = self.reader.finish()?;
        let uploader = self.uploader.expect("a finished reader has a header");
        let weights = uploader.finish(header);
        Model::new(self.ctx, header, weights, options)
    }
}

/// Loads a model from a file on disk in 4 MiB chunks (native only).
#[cfg(not(target_arch = "wasm32"))]
pub async fn load_file(ctx: &GpuContext, path: &std::path::Path, options: &ModelOptions) -> Result<Model> {
    use std::io::Read;
    let io = |e: std::io::Error| Error::InvalidRequest(format!("cannot read {}: {e}", path.display()));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let mut loader = ModelLoader::new(ctx, Some(size));
    let mut chunk = vec![0u8; 4 << 20];
    loop {
        let n = file.read(&mut chunk).map_err(io)?;
        if n == 0 {
            break;
        }
        loader.feed(&chunk[..n])?;
    }
    loader.finish(options)
}
