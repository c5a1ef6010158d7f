//! Building a [`Model`] from streams of GGUF bytes: one file, or the shards of a gguf-split model
//! one after another. Each header is checked (architecture, tensor types, GPU limits, and for a
//! one-file model the KV cache the options ask for) before any of its weights is uploaded, and a
//! one-file model's kernels are compiled then, while its weights stream in; then tensors go to
//! the GPU chunk by chunk.

use super::forward::kv_cache;
use super::shapes::check_shapes;
use super::weights::gpu_needs;
use super::{Arch, LoadTimings, Model, ModelConfig, Uploader, Weights};
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::gguf::{Event, GgufError, GgufHeader, GgufReader, SplitInfo};
use crate::gpu::GpuContext;
use crate::kernels::{compile_early, Kernels, Tuning};

#[derive(Clone, Debug)]
pub struct ModelOptions {
    /// Largest context (prompt + generated tokens) the KV cache holds; capped by the model's own.
    pub max_context: u32,
    /// Run Q/K/V (decode) and gate/up as one matmul each where the weights lie back to back:
    /// fewer dispatches, same results. Off runs every weight on its own (for comparison).
    pub fuse_matmuls: bool,
    /// The kernel variants to run; `None`: those that suit the adapter (`Tuning::for_adapter`).
    /// Tests run a model under each tuning some adapter uses.
    pub tuning: Option<Tuning>,
}

impl Default for ModelOptions {
    fn default() -> Self {
        Self { max_context: 4096, fuse_matmuls: true, tuning: None }
    }
}

pub struct ModelLoader<'a> {
    ctx: &'a GpuContext,
    options: ModelOptions,
    /// The kernel variants: the options', else those that suit the adapter.
    tuning: Tuning,
    /// The shard being fed and its uploader (from its header on).
    reader: GgufReader,
    uploader: Option<Uploader>,
    /// Index of that shard, and the shard count the first one declared.
    shard: u32,
    n_shards: u32,
    /// The model so far: the first shard's metadata with the tensors of every finished shard.
    model: Option<GgufHeader>,
    weights: Weights,
    /// The model's kernels, whose compiles start when a one-file model's header arrives (a
    /// split model's tensors, and so its types, are only all known at the end).
    kernels: Option<Kernels>,
    /// Milliseconds spent in [`Self::feed`].
    feed_ms: f64,
}

impl<'a> ModelLoader<'a> {
    /// `file_size` (of the first or only file), when known, lets bad offsets fail before download.
    pub fn new(ctx: &'a GpuContext, file_size: Option<u64>, options: &ModelOptions) -> Self {
        Self {
            ctx,
            options: options.clone(),
            tuning: options.tuning.unwrap_or_else(|| Tuning::for_adapter(ctx)),
            reader: GgufReader::new(file_size),
            uploader: None,
            shard: 0,
            n_shards: 1,
            model: None,
            weights: Weights::default(),
            kernels: None,
            feed_ms: 0.0,
        }
    }

    /// The header of the shard being fed, once enough bytes have arrived.
    pub fn header(&self) -> Option<&GgufHeader> {
        self.reader.header()
    }

    /// Feeds the next chunk of the current file.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        let start = now_ms();
        let fed = self.feed_chunk(chunk);
        self.feed_ms += now_ms() - start;
        fed
    }

    fn feed_chunk(&mut self, chunk: &[u8]) -> Result<()> {
        // A fault (lost device, failed allocation) ends the load here: the rest of the download
        // would only go into buffers that do not exist.
        if let Some(uploader) = &self.uploader {
            self.ctx.check_faults_with(|| gpu_needs(uploader.gpu_bytes()))?;
        }
        self.pass(Some(chunk))
    }

    /// Runs the reader over `chunk`, or over the end of the file (`None`), handing its events on:
    /// the header creates the uploader, tensor bytes go to the GPU.
    fn pass(&mut self, chunk: Option<&[u8]>) -> Result<()> {
        let (ctx, options, tuning, shard, n_shards) = (self.ctx, &self.options, self.tuning, self.shard, &mut self.n_shards);
        let (uploader, kernels) = (&mut self.uploader, &mut self.kernels);
        let mut sink = |event: Event<'_>| -> Result<()> {
            match event {
                Event::Header(header) => {
                    check_shard_header(header, shard, n_shards)?;
                    let one_file = *n_shards == 1;
                    if one_file {
                        kv_cache(ctx, &ModelConfig::from_header(header)?, options, tuning)?;
                    }
                    *uploader = Some(Uploader::new(ctx, header, tuning.weight_texture)?);
                    if one_file {
                        let k = Model::kernels(ctx, header, tuning)?;
                        compile_early(&k.at_load());
                        *kernels = Some(k);
                    }
                }
                Event::TensorData { tensor, offset, bytes } => {
                    uploader.as_mut().expect("the header comes first").write(ctx, tensor, offset, bytes);
                }
            }
            Ok(())
        };
        match chunk {
            Some(chunk) => self.reader.feed::<Error>(chunk, &mut sink),
            None => self.reader.finish::<Error>(&mut sink).map(|_| ()),
        }
    }

    /// Ends the current file; the next bytes fed are the next shard's. `file_size` as in [`Self::new`].
    pub fn next_shard(&mut self, file_size: Option<u64>) -> Result<()> {
        self.end_shard()?;
        if self.shard + 1 >= self.n_shards {
            return Err(Error::InvalidRequest(format!("the model has {} shards; no more were expected", self.n_shards)));
        }
        self.shard += 1;
        self.reader = GgufReader::new(file_size);
        Ok(())
    }

    /// Moves the finished shard's tensors into the model.
    fn end_shard(&mut self) -> Result<()> {
        self.pass(None)?;
        let header = self.reader.header().expect("a finished reader has a header");
        let uploader = self.uploader.take().expect("a finished reader has a header");
        self.weights.extend(uploader.finish(header));
        match &mut self.model {
            None => self.model = Some(header.clone()),
            Some(model) => {
                if let Some(t) = header.tensors.iter().find(|t| model.tensor(&t.name).is_some()) {
                    return Err(GgufError::Duplicate { what: "tensor (in two shards)", name: t.name.clone() }.into());
                }
                model.tensors.extend(header.tensors.iter().cloned());
            }
        }
        Ok(())
    }

    /// Completes loading once every byte of every shard was fed: [`Self::finish`], the model's
    /// kernels compiled (several at once: see kernels::compile_all), then waits for the uploads to
    /// complete on the GPU so that a failed allocation is reported here (`OutOfGpuMemory`,
    /// naming the model's size), not later; then the warm-up step where the tuning asks for one
    /// ([`Model::warm_up`]).
    pub async fn finish_on_gpu(self) -> Result<Model> {
        let (ctx, start, feed_ms) = (self.ctx, now_ms(), self.feed_ms);
        let mut model = self.finish()?;
        model.compile_kernels();
        ctx.settle(&gpu_needs(model.weight_bytes)).await?;
        let warm_up_ms = match model.tuning().warm_up {
            true => {
                let warm_start = now_ms();
                model.warm_up(&ctx).await?;
                now_ms() - warm_start
            }
            false => 0.0,
        };
        model.load_timings = LoadTimings { feed_ms, finish_ms: now_ms() - start, warm_up_ms };
        Ok(model)
    }

    /// Completes loading once every byte of every shard was fed; kernels not compiled yet compile
    /// on first use.
    pub fn finish(mut self) -> Result<Model> {
        self.end_shard()?;
        let model = self.model.take().expect("at least one shard");
        if self.shard + 1 != self.n_shards {
            return Err(Error::InvalidRequest(format!("the model has {} shards but only {} were loaded", self.n_shards, self.shard + 1)));
        }
        if let Some(split) = SplitInfo::from_metadata(&model.metadata)? {
            if split.tensors != model.tensors.len() as u64 {
                return Err(Error::UnsupportedModel(format!(
                    "the shards hold {} tensors but split.tensors.count says {}",
                    model.tensors.len(),
                    split.tensors
                )));
            }
        }
        if self.n_shards > 1 {
            check_shapes(&model, &ModelConfig::from_header(&model)?)?; // a one-file model's was, at its header
        }
        let kernels = match self.kernels.take() {
            Some(kernels) => kernels,
            None => Model::kernels(self.ctx, &model, self.tuning)?,
        };
        Model::new(self.ctx, &model, self.weights, &self.options, kernels)
    }
}

/// Checks a header before its weights arrive: its place among the shards, its tensor types and,
/// in the first shard, the model configuration and its weights' shapes (fully when the model is
/// one file; a split model's tensors are only all known at the end, so then just the
/// architecture).
fn check_shard_header(header: &GgufHeader, shard: u32, n_shards: &mut u32) -> Result<()> {
    let split = SplitInfo::from_metadata(&header.metadata)?;
    if shard == 0 {
        *n_shards = split.map_or(1, |s| s.count);
    }
    SplitInfo::check_place(split, shard, *n_shards)?;
    if shard == 0 {
        match split {
            Some(s) if s.count > 1 => {
                let arch = header.metadata.str("general.architecture")?.unwrap_or("(none)");
                Arch::row(arch)?;
            }
            _ => check_shapes(header, &ModelConfig::from_header(header)?)?,
        }
    }
    if let Some(t) = header.tensors.iter().find(|t| !t.ty.is_supported()) {
        return Err(Error::UnsupportedModel(format!("tensor {:?} has type {:?}, which is not supported yet", t.name, t.ty)));
    }
    Ok(())
}

/// Loads a model from disk in 4 MiB chunks (native only). A path named `…-00001-of-0000N.gguf`
/// loads all N shards of a gguf-split model.
#[cfg(not(target_arch = "wasm32"))]
pub async fn load_file(ctx: &GpuContext, path: &std::path::Path, options: &ModelOptions) -> Result<Model> {
    use std::io::Read;
    let text = path.to_string_lossy();
    let paths: Vec<std::path::PathBuf> = match crate::gguf::shard_names(&text) {
        Some(names) => names.into_iter().map(Into::into).collect(),
        None => vec![path.to_path_buf()],
    };
    let mut loader = None;
    let mut chunk = vec![0u8; 4 << 20];
    for path in &paths {
        let io = |e: std::io::Error| Error::InvalidRequest(format!("cannot read {}: {e}", path.display()));
        let mut file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        let loader = match &mut loader {
            None => loader.insert(ModelLoader::new(ctx, Some(size), options)),
            Some(l) => {
                l.next_shard(Some(size))?;
                l
            }
        };
        loop {
            let n = file.read(&mut chunk).map_err(io)?;
            if n == 0 {
                break;
            }
            loader.feed(&chunk[..n])?;
        }
    }
    loader.expect("at least one path").finish_on_gpu().await
}
