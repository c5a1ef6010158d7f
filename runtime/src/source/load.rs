//! Loading a model from URLs through the cache: a complete cache entry is read from IndexedDB
//! with zero network requests; otherwise the download starts, or resumes after the last stored
//! chunk, storing each chunk as it completes while the bytes stream on into the GPU.

use super::cache::{hex, ChunkWrite, Manifest, ModelCache, CHUNK_BYTES};
use super::http::{self, is_aborted, network};
use super::{Meter, Phase, Progress};
use crate::error::{Error, Result};
use crate::gpu::GpuContext;
use crate::model::{Model, ModelLoader, ModelOptions};
use sha2::{Digest, Sha256};
use wasm_bindgen::{JsCast, JsValue};

/// What to load and how.
pub struct LoadRequest {
    /// The model's files in order: one GGUF, or every shard of a gguf-split model.
    pub urls: Vec<String>,
    /// The cache key (by default the first URL).
    pub id: String,
    /// Expected sha256 of each file (hex), or empty to verify by size and ETag only.
    pub sha256: Vec<String>,
    /// Store in / serve from the IndexedDB cache.
    pub cache: bool,
    pub options: ModelOptions,
    /// An `AbortSignal` (or undefined).
    pub signal: JsValue,
}

impl LoadRequest {
    /// A model at `url`; a first shard's URL (`…-00001-of-0000N.gguf`) brings in every shard.
    pub fn new(url: &str) -> Self {
        Self {
            urls: crate::gguf::shard_names(url).unwrap_or_else(|| vec![url.to_string()]),
            id: url.to_string(),
            sha256: Vec::new(),
            cache: true,
            options: ModelOptions::default(),
            signal: JsValue::UNDEFINED,
        }
    }

    fn check_abort(&self) -> Result<()> {
        if is_aborted(&self.signal) {
            return Err(Error::Aborted);
        }
        Ok(())
    }
}

/// Loads the model `request` names, reporting progress after each chunk.
pub async fn load(ctx: &GpuContext, request: &LoadRequest, on_progress: &mut dyn FnMut(&Progress)) -> Result<Model> {
    if !request.sha256.is_empty() && request.sha256.len() != request.urls.len() {
        return Err(Error::InvalidRequest(format!("{} sha256 values for {} files", request.sha256.len(), request.urls.len())));
    }
    let cache = if request.cache {
        match ModelCache::open().await {
            Ok(cache) => Some(cache),
            Err(e) => {
                // Private windows may refuse IndexedDB: the model still loads, uncached.
                web_sys::console::warn_1(&format!("webslm: loading without the cache: {e}").into());
                None
            }
        }
    } else {
        None
    };
    let fresh = || Manifest::new(&request.id, &request.urls, &request.sha256);
    let Some(cache) = cache else {
        return download(ctx, request, None, fresh(), on_progress).await?.ok_or_else(|| network(&request.urls[0], "the file changed during the download"));
    };
    let urls_match = |m: &Manifest| m.shards.iter().map(|s| &s.url).eq(request.urls.iter());
    let hashes_match = |m: &Manifest| request.sha256.is_empty() || request.sha256.iter().map(|h| h.to_lowercase()).eq(m.sha256.iter().cloned());
    let mut manifest = match cache.manifest(&request.id).await? {
        Some(m) if m.complete && urls_match(&m) && hashes_match(&m) => {
            let result = from_cache(ctx, request, &cache, &m, on_progress).await;
            if let Err(Error::Integrity(_)) = result {
                cache.delete(&request.id).await?;
            }
            return result;
        }
        Some(m) if urls_match(&m) && hashes_match(&m) && m.chunk_bytes == CHUNK_BYTES => m,
        Some(_) => {
            cache.delete(&request.id).await?;
            fresh()
        }
        None => fresh(),
    };
    manifest.sha256 = request.sha256.iter().map(|h| h.to_lowercase()).collect();
    // A partial entry whose files changed on the server is dropped and the download starts over.
    for _attempt in 0..2 {
        match download(ctx, request, Some(&cache), manifest, on_progress).await {
            Ok(Some(model)) => return Ok(model),
            Ok(None) => {
                cache.delete(&request.id).await?;
                manifest = fresh();
            }
            // Worth resuming later: keep what was stored. Anything else: drop the entry.
            Err(e @ (Error::Network(_) | Error::Aborted)) => return Err(e),
            Err(e) => {
                let _ = cache.delete(&request.id).await;
                return Err(e);
            }
        }
    }
    Err(network(&request.urls[0], "the file keeps changing on the server"))
}

/// Reads a complete cache entry into the GPU: no network at all.
async fn from_cache(ctx: &GpuContext, request: &LoadRequest, cache: &ModelCache, m: &Manifest, on_progress: &mut dyn FnMut(&Progress)) -> Result<Model> {
    let mut meter = Meter::new(m.total_bytes(), on_progress);
    let mut loader: Option<ModelLoader> = None;
    let mut buf = Vec::new();
    for (s, shard) in m.shards.iter().enumerate() {
        let loader = begin_shard(ctx, &mut loader, shard.size, &request.options)?;
        let mut read = 0u64;
        // One chunk ahead: IndexedDB reads the next while this one is checked and uploaded.
        let start = |index: u32| (index < shard.chunks).then(|| cache.start_chunk(&m.id, s, index)).transpose();
        let mut next = start(0)?;
        for index in 0..shard.chunks {
            request.check_abort()?;
            let this = next.take().expect("started one ahead");
            next = start(index + 1)?;
            this.read(&mut buf).await?;
            loader.feed(&buf)?;
            read += buf.len() as u64;
            meter.advance(Phase::CacheRead, buf.len() as u64);
        }
        if Some(read) != shard.size {
            return Err(Error::Integrity(format!("the cache holds {read} bytes of {} but the file has {:?}", shard.url, shard.size)));
        }
    }
    // An abort that came with the last chunk still counts.
    request.check_abort()?;
    meter.advance(Phase::Compile, 0);
    loader.expect("a manifest has shards").finish_on_gpu().await
}

/// Downloads what the cache lacks (everything without a cache), feeding every byte to the GPU.
/// `Ok(None)`: the stored part no longer matches the server's file; start over.
async fn download(
    ctx: &GpuContext,
    request: &LoadRequest,
    cache: Option<&ModelCache>,
    manifest: Manifest,
    on_progress: &mut dyn FnMut(&Progress),
) -> Result<Option<Model>> {
    let mut writing = None;
    let result = download_into(ctx, request, cache, manifest, on_progress, &mut writing).await;
    // However the download ended, a chunk write under way lands before the caller may delete
    // the entry (else it would bring back a partial manifest whose first chunks are gone).
    if let Some(write) = writing {
        let _ = write.done().await;
    }
    result
}

/// [`download`]; `writing`: the chunk write under way, one behind the download.
async fn download_into(
    ctx: &GpuContext,
    request: &LoadRequest,
    cache: Option<&ModelCache>,
    mut manifest: Manifest,
    on_progress: &mut dyn FnMut(&Progress),
    writing: &mut Option<ChunkWrite>,
) -> Result<Option<Model>> {
    let mut meter = Meter::new(manifest.total_bytes(), on_progress);
    let mut loader: Option<ModelLoader> = None;
    let (mut piece, mut chunk) = (Vec::new(), Vec::with_capacity(CHUNK_BYTES as usize));
    for s in 0..manifest.shards.len() {
        request.check_abort()?;
        let stored = manifest.shards[s].clone();
        let finished = stored.size == Some(stored.bytes) && stored.bytes > 0;
        let mut body = None;
        if !finished {
            let d = http::get(&stored.url, stored.bytes, &request.signal).await?;
            let changed = stored.bytes > 0 && (d.file_size != stored.size || (stored.etag.is_some() && d.etag != stored.etag));
            if changed {
                d.cancel();
                return Ok(None);
            }
            let shard = &mut manifest.shards[s];
            (shard.size, shard.etag) = (d.file_size, d.etag.clone());
            if let Some(cache) = cache {
                ensure_room(cache, &manifest, d.file_size.map(|size| size - stored.bytes)).await?;
                cache.put_manifest(&mut manifest).await?;
            }
            body = Some(d);
        }
        meter.set_total(manifest.total_bytes());
        let size = manifest.shards[s].size;
        let loader = begin_shard(ctx, &mut loader, size, &request.options)?;
        // The whole file's sha256, where the caller gave one to check (the cache's chunks carry
        // their own).
        let mut hash = request.sha256.get(s).map(|_| Sha256::new());
        let mut hash_update = |bytes: &[u8]| hash.iter_mut().for_each(|h| h.update(bytes));

        // What an earlier, interrupted load stored.
        if let Some(cache) = cache {
            for index in 0..stored.chunks {
                request.check_abort()?;
                cache.chunk(&manifest.id, s, index, &mut piece).await?;
                hash_update(&piece);
                loader.feed(&piece)?;
                meter.advance(Phase::CacheRead, piece.len() as u64);
            }
        }
        // The rest, from the network; a server that ignored the Range header resends the start.
        if let Some(mut body) = body {
            let mut skip = stored.bytes - body.start;
            let mut at = stored.bytes;
            while body.next(&mut piece, &request.signal).await? {
                request.check_abort()?;
                let drop_n = skip.min(piece.len() as u64) as usize;
                skip -= drop_n as u64;
                let bytes = &piece[drop_n..];
                hash_update(bytes);
                loader.feed(bytes)?;
                at += bytes.len() as u64;
                if let Some(cache) = cache {
                    let mut rest = bytes;
                    while !rest.is_empty() {
                        let take = rest.len().min(CHUNK_BYTES as usize - chunk.len());
                        chunk.extend_from_slice(&rest[..take]);
                        rest = &rest[take..];
                        if chunk.len() == CHUNK_BYTES as usize {
                            store(cache, writing, &mut manifest, s, &chunk).await?;
                            chunk.clear();
                        }
                    }
                }
                meter.advance(Phase::Download, bytes.len() as u64);
            }
            if size.is_some_and(|size| at != size) {
                return Err(network(&body.url, format!("the download ended after {at} of {} bytes", size.unwrap_or(0))));
            }
            if let Some(cache) = cache.filter(|_| !chunk.is_empty()) {
                store(cache, writing, &mut manifest, s, &chunk).await?;
                chunk.clear();
            }
            settle(writing, &manifest).await?;
            manifest.shards[s].size = Some(at);
        }
        if let (Some(expected), Some(hash)) = (request.sha256.get(s), hash) {
            let got = hex(&hash.finalize());
            if !got.eq_ignore_ascii_case(expected) {
                return Err(Error::Integrity(format!("{} has sha256 {got}, expected {expected}", manifest.shards[s].url)));
            }
        }
    }
    if let Some(cache) = cache {
        manifest.complete = true;
        cache.put_manifest(&mut manifest).await?;
    }
    request.check_abort()?;
    meter.advance(Phase::Compile, 0);
    loader.expect("a model has files").finish_on_gpu().await.map(Some)
}

/// Starts storing the next chunk of shard `s`, once the write before it has landed: one write
/// at a time, each going on while the next chunk downloads (SmolLM2 from a local server waited
/// about 1 s in all for its 23 writes when each was awaited at once).
async fn store(cache: &ModelCache, writing: &mut Option<ChunkWrite>, manifest: &mut Manifest, s: usize, chunk: &[u8]) -> Result<()> {
    settle(writing, manifest).await?;
    let index = manifest.shards[s].chunks;
    *writing = Some(cache.start_put_chunk(manifest, s, index, chunk));
    Ok(())
}

/// Waits for the chunk write under way; a full quota becomes an error naming the sizes.
async fn settle(writing: &mut Option<ChunkWrite>, manifest: &Manifest) -> Result<()> {
    let Some(write) = writing.take() else { return Ok(()) };
    let unstored = write.bytes();
    match write.done().await {
        Err(Error::QuotaExceeded(_)) => Err(quota_error(manifest, None, unstored).await),
        other => other,
    }
}

/// Fails before downloading when the origin's free storage is smaller than what is still needed.
async fn ensure_room(cache: &ModelCache, manifest: &Manifest, needed: Option<u64>) -> Result<()> {
    let Some(needed) = needed else { return Ok(()) };
    let Ok((usage, quota)) = super::estimate().await else { return Ok(()) };
    if quota > 0.0 && needed as f64 > quota - usage {
        let _ = cache; // existing entries stay; nothing of this model was stored yet
        return Err(quota_error(manifest, Some((usage, quota)), 0).await);
    }
    Ok(())
}

/// `unstored`: bytes the manifest counts that the refused write did not store.
async fn quota_error(manifest: &Manifest, estimate: Option<(f64, f64)>, unstored: u64) -> Error {
    let mb = |b: f64| format!("{:.1} MB", b / 1e6);
    let size = manifest.total_bytes().map_or("an unknown size".to_string(), |b| mb(b as f64));
    match estimate {
        // Refused up front, from the browser's own estimate.
        Some((usage, quota)) => {
            Error::QuotaExceeded(format!("{} needs {size}, this site has {} of storage free", manifest.id, mb((quota - usage).max(0.0))))
        }
        // A write failed: browsers may report a larger quota than they grant, so say both.
        None => {
            let reported = super::estimate().await.map_or("unknown".to_string(), |(usage, quota)| mb((quota - usage).max(0.0)));
            Error::QuotaExceeded(format!(
                "{} needs {size}; the browser refused to store more after {} (it reports {reported} free)",
                manifest.id,
                mb((manifest.stored_bytes() - unstored) as f64)
            ))
        }
    }
}

/// The loader for the next file: a new one for the first, else the next shard of the same one.
fn begin_shard<'l, 'c>(ctx: &'c GpuContext, loader: &'l mut Option<ModelLoader<'c>>, size: Option<u64>, options: &ModelOptions) -> Result<&'l mut ModelLoader<'c>> {
    match loader {
        None => Ok(loader.insert(ModelLoader::new(ctx, size, options))),
        Some(l) => {
            l.next_shard(size)?;
            Ok(l)
        }
    }
}

/// Streams a user-picked `File`/`Blob` into the GPU (no network, no cache: the user has it).
pub async fn load_blob(ctx: &GpuContext, blob: &web_sys::Blob, options: &ModelOptions, signal: &JsValue, on_progress: &mut dyn FnMut(&Progress)) -> Result<Model> {
    let size = blob.size() as u64;
    let mut meter = Meter::new(Some(size), on_progress);
    let reader: web_sys::ReadableStreamDefaultReader =
        blob.stream().get_reader().dyn_into().map_err(|_| Error::InvalidRequest("the file cannot be read as a stream".into()))?;
    let mut body = http::Download::from_reader("the file", reader);
    let mut loader = ModelLoader::new(ctx, Some(size), options);
    let mut piece = Vec::new();
    while body.next(&mut piece, signal).await? {
        if is_aborted(signal) {
            return Err(Error::Aborted);
        }
        loader.feed(&piece)?;
        meter.advance(Phase::Upload, piece.len() as u64);
    }
    if is_aborted(signal) {
        return Err(Error::Aborted);
    }
    meter.advance(Phase::Compile, 0);
    loader.finish_on_gpu().await
}
