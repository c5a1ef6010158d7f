//! The model cache in IndexedDB. A model's bytes are stored as fixed-size chunks keyed by
//! `[model id, shard, chunk index]`, each with its own sha256, and described by a manifest keyed
//! by the model id. A chunk and the manifest's count of stored chunks are written in one
//! transaction, so after an interruption the manifest says exactly where to resume. The manifest
//! is marked complete last, after every shard arrived and was verified; only a complete entry is
//! ever served.

use super::idb::{Db, Pending};
use crate::error::{Error, Result};
use js_sys::{Array, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbKeyRange, IdbTransactionMode};

/// Bytes per stored chunk (the last chunk of a shard may be shorter). Also the download buffer.
pub const CHUNK_BYTES: u64 = 4 << 20;
const DB_NAME: &str = "webslm";
const DB_VERSION: u32 = 1;
pub const CHUNKS: &str = "chunks";
const MANIFESTS: &str = "manifests";

/// One cached (or partly cached) model.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub id: String,
    pub shards: Vec<ShardEntry>,
    /// The sha256 of each shard, when the caller gave them.
    pub sha256: Vec<String>,
    pub chunk_bytes: u64,
    /// Every shard is stored and verified.
    pub complete: bool,
    /// `Date.now()` of the last write.
    pub updated_ms: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShardEntry {
    pub url: String,
    /// The file's size, once a response said it.
    pub size: Option<u64>,
    pub etag: Option<String>,
    /// Chunks stored, from index 0, and their bytes.
    pub chunks: u32,
    pub bytes: u64,
}

impl Manifest {
    pub fn new(id: &str, urls: &[String], sha256: &[String]) -> Self {
        Manifest {
            id: id.to_string(),
            shards: urls.iter().map(|url| ShardEntry { url: url.clone(), size: None, etag: None, chunks: 0, bytes: 0 }).collect(),
            sha256: sha256.to_vec(),
            chunk_bytes: CHUNK_BYTES,
            complete: false,
            updated_ms: js_sys::Date::now(),
        }
    }
    /// The model's size, when every shard's is known.
    pub fn total_bytes(&self) -> Option<u64> {
        self.shards.iter().map(|s| s.size).sum()
    }
    pub fn stored_bytes(&self) -> u64 {
        self.shards.iter().map(|s| s.bytes).sum()
    }
}

/// The sha256 of `bytes` (a JS copy), in hex. WebCrypto's digest runs natively and off this
/// thread (SHA extensions where the CPU has them); the wasm one (sha2), about 0.2 GB/s on this
/// machine's SwiftShader bench, was a fifth of a cached load. Insecure contexts (plain http to
/// another host) have no `crypto.subtle`: there the wasm one runs.
pub async fn sha256_hex(bytes: &Uint8Array) -> Result<String> {
    sha256_hex_by(web_crypto().as_ref(), bytes).await
}

/// `crypto.subtle`, where this context has it.
pub fn web_crypto() -> Option<web_sys::SubtleCrypto> {
    Reflect::get(&js_sys::global(), &"crypto".into())
        .and_then(|crypto| Reflect::get(&crypto, &"subtle".into()))
        .ok()
        .and_then(|subtle| subtle.dyn_into().ok())
}

/// [`sha256_hex`] by WebCrypto, or by wasm where `subtle` is `None`.
pub async fn sha256_hex_by(subtle: Option<&web_sys::SubtleCrypto>, bytes: &Uint8Array) -> Result<String> {
    let Some(subtle) = subtle else {
        return Ok(hex(&Sha256::digest(bytes.to_vec())));
    };
    let failed = |e: JsValue| Error::Storage(format!("sha256 of a cached chunk: {}", super::http::js_message(&e)));
    let digest = JsFuture::from(subtle.digest_with_str_and_buffer_source("SHA-256", bytes).map_err(failed)?).await.map_err(failed)?;
    Ok(hex(&Uint8Array::new(&digest).to_vec()))
}

pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A storage failure as the runtime's error; quota errors keep their own kind.
fn storage(what: &str, e: JsValue) -> Error {
    let name = e.dyn_ref::<web_sys::DomException>().map(|d| d.name()).unwrap_or_default();
    if name == "QuotaExceededError" {
        return Error::QuotaExceeded(format!("the browser refused to store more ({what})"));
    }
    let message = e.dyn_ref::<web_sys::DomException>().map(|d| d.message()).unwrap_or_else(|| super::http::js_message(&e));
    Error::Storage(format!("{what}: {name} {message}"))
}

fn chunk_key(id: &str, shard: usize, index: u32) -> JsValue {
    Array::of3(&id.into(), &(shard as u32).into(), &index.into()).into()
}

/// Every chunk key of model `id`: arrays sort after numbers, so `[id, []]` is above `[id, n, m]`.
fn chunk_range(id: &str) -> Result<IdbKeyRange> {
    let lower = Array::of1(&id.into());
    let upper = Array::of2(&id.into(), &Array::new());
    IdbKeyRange::bound(&lower, &upper).map_err(|e| storage("key range", e))
}

pub struct ModelCache {
    /// Shared with the chunk writes under way.
    db: Rc<Db>,
}

impl ModelCache {
    pub async fn open() -> Result<Self> {
        let db = Db::open(DB_NAME, DB_VERSION, |db| {
            db.create_object_store(CHUNKS)?;
            db.create_object_store(MANIFESTS)?;
            Ok(())
        })
        .await
        .map_err(|e| storage("cannot open IndexedDB", e))?;
        Ok(Self { db: Rc::new(db) })
    }

    pub async fn manifest(&self, id: &str) -> Result<Option<Manifest>> {
        let key = JsValue::from_str(id);
        let value = self.db.run(MANIFESTS, IdbTransactionMode::Readonly, |s| s.get(&key)).await.map_err(|e| storage("read manifest", e))?;
        Ok(value.as_string().and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// Every cached model, complete or partial.
    pub async fn list(&self) -> Result<Vec<Manifest>> {
        let all = self.db.run(MANIFESTS, IdbTransactionMode::Readonly, |s| s.get_all()).await.map_err(|e| storage("list models", e))?;
        let all: Array = all.dyn_into().map_err(|_| Error::Storage("manifests are not a list".into()))?;
        Ok(all.iter().filter_map(|v| v.as_string()).filter_map(|json| serde_json::from_str(&json).ok()).collect())
    }

    pub async fn put_manifest(&self, manifest: &mut Manifest) -> Result<()> {
        manifest.updated_ms = js_sys::Date::now();
        let (key, value) = (JsValue::from_str(&manifest.id), manifest_value(manifest));
        self.db.run(MANIFESTS, IdbTransactionMode::Readwrite, |s| s.put_with_key(&value, &key)).await.map_err(|e| storage("write manifest", e))?;
        Ok(())
    }

    /// Starts storing chunk `index` of `shard` and, in the same transaction, the manifest that
    /// counts it (counted in `manifest` now). The write goes on while the caller downloads the
    /// next chunk: await [`ChunkWrite::done`] before the next write of this entry.
    pub fn start_put_chunk(&self, manifest: &mut Manifest, shard: usize, index: u32, bytes: &[u8]) -> ChunkWrite {
        let (bytes, chunk_len) = (Uint8Array::from(bytes), bytes.len() as u64);
        let entry = &mut manifest.shards[shard];
        debug_assert_eq!(entry.chunks, index);
        entry.chunks = index + 1;
        entry.bytes += chunk_len;
        manifest.updated_ms = js_sys::Date::now();
        let (key, manifest_key, value) = (chunk_key(&manifest.id, shard, index), JsValue::from_str(&manifest.id), manifest_value(manifest));
        let db = self.db.clone();
        let write = async move {
            let digest = sha256_hex(&bytes).await.map_err(|e| JsValue::from_str(&e.to_string()))?;
            let record = js_sys::Object::new();
            Reflect::set(&record, &"bytes".into(), &bytes)?;
            Reflect::set(&record, &"sha256".into(), &digest.into())?;
            db.run_all(&[CHUNKS, MANIFESTS], |s| {
                s[0].put_with_key(&record, &key)?;
                s[1].put_with_key(&value, &manifest_key).map(drop)
            })
            .await?;
            Ok(JsValue::UNDEFINED)
        };
        // A promise runs without being polled: the write proceeds while the caller awaits other things.
        ChunkWrite(JsFuture::from(wasm_bindgen_futures::future_to_promise(write)), chunk_len)
    }

    /// Chunk `index` of `shard` into `buf`, checked against the sha256 stored with it.
    pub async fn chunk(&self, id: &str, shard: usize, index: u32, buf: &mut Vec<u8>) -> Result<()> {
        self.start_chunk(id, shard, index)?.read(buf).await
    }

    /// [`Self::chunk`], the read started now: the browser reads it from disk while the caller
    /// uploads the one before.
    pub fn start_chunk(&self, id: &str, shard: usize, index: u32) -> Result<ChunkRead> {
        let key = chunk_key(id, shard, index);
        let record = self.db.start(CHUNKS, IdbTransactionMode::Readonly, |s| s.get(&key)).map_err(|e| storage("read chunk", e))?;
        let what = format!("cached chunk {index} of shard {} of {id}", shard + 1);
        Ok(ChunkRead { record, what })
    }
    /// Removes model `id`: its manifest first (so it is never served half-deleted), then its chunks.
    pub async fn delete(&self, id: &str) -> Result<()> {
        let (key, range) = (JsValue::from_str(id), chunk_range(id)?);
        self.db
            .run_all(&[CHUNKS, MANIFESTS], |s| {
                s[1].delete(&key)?;
                s[0].delete(&range).map(drop)
            })
            .await
            .map_err(|e| storage("delete model", e))
    }

    pub async fn clear(&self) -> Result<()> {
        self.db
            .run_all(&[CHUNKS, MANIFESTS], |s| {
                s[1].clear()?;
                s[0].clear().map(drop)
            })
            .await
            .map_err(|e| storage("clear the cache", e))
    }
}

/// A chunk on its way into IndexedDB.
pub struct ChunkWrite(JsFuture, u64);

impl ChunkWrite {
    /// The chunk's size (the manifest already counts it).
    pub fn bytes(&self) -> u64 {
        self.1
    }

    /// Ok once the chunk and its manifest are stored; a full quota is `QuotaExceeded`.
    pub async fn done(self) -> Result<()> {
        self.0.await.map(drop).map_err(|e| storage("write chunk", e))
    }
}

/// A chunk on its way out of IndexedDB.
pub struct ChunkRead {
    record: Pending,
    what: String,
}

impl ChunkRead {
    /// The chunk's bytes into `buf`, once read and checked against their sha256.
    pub async fn read(self, buf: &mut Vec<u8>) -> Result<()> {
        let record = self.record.await.map_err(|e| storage("read chunk", e))?;
        let corrupt = |why: &str| Error::Integrity(format!("{} {why}", self.what));
        let bytes: Uint8Array = Reflect::get(&record, &"bytes".into()).ok().and_then(|b| b.dyn_into().ok()).ok_or_else(|| corrupt("is missing"))?;
        let stored = Reflect::get(&record, &"sha256".into()).ok().and_then(|d| d.as_string()).ok_or_else(|| corrupt("has no hash"))?;
        if sha256_hex(&bytes).await? != stored {
            return Err(corrupt("does not match its sha256"));
        }
        buf.resize(bytes.length() as usize, 0);
        bytes.copy_to(buf);
        Ok(())
    }
}

fn manifest_value(m: &Manifest) -> JsValue {
    JsValue::from_str(&serde_json::to_string(m).expect("a manifest serialises"))
}

fn storage_manager() -> Result<web_sys::StorageManager> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).map_err(|e| storage("navigator", e))?;
    Reflect::get(&navigator, &"storage".into())
        .ok()
        .and_then(|s| s.dyn_into().ok())
        .ok_or_else(|| Error::Storage("navigator.storage is not available (an insecure context?)".into()))
}

/// `navigator.storage.estimate()`: bytes used and the quota, for this origin.
pub async fn estimate() -> Result<(f64, f64)> {
    let promise = storage_manager()?.estimate().map_err(|e| storage("estimate", e))?;
    let estimate = JsFuture::from(promise).await.map_err(|e| storage("estimate", e))?;
    let field = |k: &str| Reflect::get(&estimate, &k.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    Ok((field("usage"), field("quota")))
}

/// Asks the browser to keep this origin's storage under pressure; resolves to whether it will.
pub async fn persist() -> Result<bool> {
    let promise = storage_manager()?.persist().map_err(|e| storage("persist", e))?;
    Ok(JsFuture::from(promise).await.map_err(|e| storage("persist", e))?.is_truthy())
}
