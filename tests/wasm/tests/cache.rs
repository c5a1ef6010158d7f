//! Loading through the IndexedDB cache in headless Chromium, against the asset server of
//! scripts/test.sh (tests/e2e/serve-assets.mjs), which logs every request it serves and can crash
//! mid-response: first loads download, second loads make zero requests and give identical logits,
//! an interrupted download resumes after its last stored chunk, corruption is caught and evicted.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_test::*;
use webslm::agreement::{check_model, RefFile};
use webslm::generate::GenerateOptions;
use webslm::kernels::Tuning;
use webslm::model::{Model, ModelOptions};
use webslm::source::{fetch_text, load, LoadRequest, ModelCache, Phase, CHUNK_BYTES};
use webslm::{Engine, Error, GpuContext};

wasm_bindgen_test_configure!(run_in_browser);

fn assets() -> &'static str {
    option_env!("WEBSLM_TEST_ASSETS").expect("build with WEBSLM_TEST_ASSETS (scripts/test.sh does)")
}

const SMOLLM2: &str = "models/SmolLM2-135M-Instruct.Q4_1.gguf";

/// One request the asset server served.
#[derive(Debug)]
struct Served {
    path: String,
    range: Option<String>,
    bytes: u64,
}

async fn server(command: &str) -> Vec<Served> {
    let json: serde_json::Value = serde_json::from_str(&fetch_text(&format!("{}{command}", assets())).await.unwrap()).unwrap();
    json.as_array()
        .map(|a| {
            a.iter()
                .map(|r| Served { path: r["path"].as_str().unwrap().into(), range: r["range"].as_str().map(Into::into), bytes: r["bytes"].as_u64().unwrap() })
                .collect()
        })
        .unwrap_or_default()
}

fn memory_mib() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().into();
    buffer.byte_length() as f64 / (1 << 20) as f64
}

/// Loads `path` through the cache; returns the model (or error) and the phases it reported.
async fn load_model(ctx: &GpuContext, path: &str, sha256: &[&str]) -> (Result<Model, Error>, Vec<Phase>) {
    load_with(ctx, path, sha256, ModelOptions { max_context: 64, ..Default::default() }).await
}

async fn load_with(ctx: &GpuContext, path: &str, sha256: &[&str], options: ModelOptions) -> (Result<Model, Error>, Vec<Phase>) {
    let mut request = LoadRequest::new(&format!("{}{path}", assets()));
    request.options = options;
    request.sha256 = sha256.iter().map(|s| s.to_string()).collect();
    let phases = Rc::new(RefCell::new(Vec::new()));
    let seen = phases.clone();
    let start = js_sys::Date::now();
    let result = load(ctx, &request, &mut |p| {
        let mut seen = seen.borrow_mut();
        if seen.last() != Some(&p.phase) {
            seen.push(p.phase);
        }
    })
    .await;
    console_log!("{path}: {:?} in {:.1} s, phases {:?}", result.as_ref().map(|_| "loaded"), (js_sys::Date::now() - start) / 1000.0, phases.borrow());
    let phases = phases.borrow().clone();
    (result, phases)
}

/// The top-5 logits at every position of a short prompt: what must be identical across loads.
async fn logits(ctx: &GpuContext, model: Model) -> Vec<Vec<(u32, f32)>> {
    let mut engine = Engine::new(ctx.clone(), model).unwrap();
    let prompt = engine.tokenizer.encode("The capital of France is", true).unwrap();
    let options = GenerateOptions { max_tokens: 1, logprobs: 5, echo: true, ..Default::default() };
    engine.complete(&prompt, &options, |_| true).await.unwrap().positions
}

async fn cached(id_path: &str) -> Option<webslm::source::Manifest> {
    let id = format!("{}{id_path}", assets());
    ModelCache::open().await.unwrap().list().await.unwrap().into_iter().find(|m| m.id == id)
}

#[wasm_bindgen_test]
async fn smollm2_downloads_once_then_loads_from_the_cache_resumes_and_catches_corruption() {
    let ctx = GpuContext::new().await.unwrap();
    let cache = ModelCache::open().await.unwrap();
    cache.clear().await.unwrap();
    let size = 98_000_000..99_000_000;

    // First load: downloaded (one request for the whole file), stored, complete.
    server("__reset").await;
    let (model, phases) = load_model(&ctx, SMOLLM2, &[]).await;
    let first = logits(&ctx, model.unwrap()).await;
    let served = server("__log").await;
    console_log!("first load: {served:?}; wasm memory {:.1} MiB after loading", memory_mib());
    assert_eq!(served.len(), 1, "{served:?}");
    assert!(served[0].path.ends_with(SMOLLM2) && size.contains(&served[0].bytes), "{served:?}");
    assert_eq!(phases, [Phase::Download, Phase::Compile]);
    let entry = cached(SMOLLM2).await.expect("listed in the cache");
    assert!(entry.complete && entry.stored_bytes() == served[0].bytes && entry.total_bytes() == Some(served[0].bytes), "{entry:?}");

    // Second load: from IndexedDB only, zero requests, identical logits.
    server("__reset").await;
    let (model, phases) = load_model(&ctx, SMOLLM2, &[]).await;
    let second = logits(&ctx, model.unwrap()).await;
    let served = server("__log").await;
    assert!(served.is_empty(), "the cached load made requests: {served:?}");
    assert_eq!(phases, [Phase::CacheRead, Phase::Compile]);
    assert_eq!(first, second, "logits differ between the downloaded and the cached model");
    // Peak wasm memory: the buffer only grows, so its size now is the high-water mark of both loads.
    let peak = memory_mib();
    console_log!("peak wasm memory while loading SmolLM2 (98 MB): {peak:.1} MiB");
    assert!(peak < 64.0, "wasm memory reached {peak:.1} MiB");

    // A crash mid-download: the server drops the connection after 30 MB and is down for a second.
    cache.delete(&entry.id).await.unwrap();
    assert!(cached(SMOLLM2).await.is_none());
    server("__reset").await;
    server("__cut?after=30000000&down_ms=1500").await;
    let (result, _) = load_model(&ctx, SMOLLM2, &[]).await;
    let error = result.err().expect("the cut download must fail");
    assert_eq!(error.kind(), "NetworkError", "{error}");
    // Whatever arrived in whole chunks before the crash is kept (the server had sent at most 30 MB;
    // bytes still in its buffers when it died never arrived).
    gloo_timers(2000).await;
    let partial = cached(SMOLLM2).await.expect("the partial download is kept");
    let stored = partial.stored_bytes();
    assert!(!partial.complete && stored > 0 && stored % CHUNK_BYTES == 0 && stored <= 30_000_000, "{partial:?}");
    // Back up: the load resumes with one Range request from the first missing chunk.
    server("__reset").await;
    let (model, phases) = load_model(&ctx, SMOLLM2, &[]).await;
    let resumed = logits(&ctx, model.unwrap()).await;
    let served = server("__log").await;
    console_log!("resumed: {served:?}");
    assert_eq!(served.len(), 1, "{served:?}");
    assert_eq!(served[0].range.as_deref(), Some(format!("bytes={stored}-").as_str()));
    assert_eq!(served[0].bytes + stored, entry.total_bytes().unwrap(), "finished chunks were downloaded again");
    assert_eq!(phases, [Phase::CacheRead, Phase::Download, Phase::Compile]);
    assert_eq!(first, resumed);

    // Corruption in storage: one flipped byte in chunk 3 is caught by its sha256, the entry is
    // evicted and the error says so; the next load downloads a good copy.
    corrupt_chunk(&entry.id, 0, 3).await;
    server("__reset").await;
    let (result, _) = load_model(&ctx, SMOLLM2, &[]).await;
    let error = result.err().expect("a corrupt cache entry must not load");
    assert_eq!(error.kind(), "IntegrityError", "{error}");
    assert!(error.to_string().contains("chunk 3"), "{error}");
    assert!(cached(SMOLLM2).await.is_none(), "the corrupt entry was not evicted");
    assert!(server("__log").await.is_empty());
}

/// Flips one byte of a stored chunk, keeping its recorded sha256 (as a disk fault would).
async fn corrupt_chunk(id: &str, shard: u32, index: u32) {
    use webslm::source::idb::Db;
    let db = Db::open("webslm", 1, |_| Ok(())).await.unwrap();
    let key: wasm_bindgen::JsValue = js_sys::Array::of3(&id.into(), &shard.into(), &index.into()).into();
    let record = db.run(webslm::source::CHUNKS, web_sys::IdbTransactionMode::Readonly, |s| s.get(&key)).await.unwrap();
    let bytes: js_sys::Uint8Array = js_sys::Reflect::get(&record, &"bytes".into()).unwrap().into();
    bytes.set_index(100, bytes.get_index(100) ^ 1);
    db.run(webslm::source::CHUNKS, web_sys::IdbTransactionMode::Readwrite, |s| s.put_with_key(&record, &key)).await.unwrap();
}

async fn gloo_timers(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// A gguf-split model from its first shard's URL: three downloads, then three cached shards read
/// with zero requests; the logits meet the fixture's reference both times.
#[wasm_bindgen_test]
async fn split_model_downloads_its_shards_then_loads_from_the_cache() {
    let ctx = GpuContext::new().await.unwrap();
    let reference = RefFile::parse(&fetch_text(&format!("{}fixtures/refs/synth-llama.Q8_0-split.ref.json", assets())).await.unwrap()).unwrap();
    let first_shard = "fixtures/models/split/synth-llama.Q8_0-00001-of-00003.gguf";
    let hashes: Vec<String> = reference.files.iter().map(|f| f.sha256.clone()).collect();
    let hashes: Vec<&str> = hashes.iter().map(String::as_str).collect();
    ModelCache::open().await.unwrap().clear().await.unwrap();
    let mut tops = Vec::new();
    for (round, expected_requests) in [(1, 3), (2, 0)] {
        server("__reset").await;
        let (model, _) = load_model(&ctx, first_shard, &hashes).await;
        let model = model.unwrap_or_else(|e| panic!("round {round}: {e}"));
        let served = server("__log").await;
        assert_eq!(served.len(), expected_requests, "round {round}: {served:?}");
        let reports = check_model(&ctx, &model, &reference, false).await.unwrap();
        assert!(reports.iter().all(|(_, r)| r.passed()), "round {round}: {reports:?}");
        tops.push(logits(&ctx, model).await);
    }
    assert_eq!(tops[0], tops[1]);
    let entry = cached(first_shard).await.unwrap();
    assert_eq!(entry.shards.len(), 3);
    assert_eq!(entry.total_bytes(), Some(reference.files.iter().map(|f| f.size).sum()));
}

/// A wrong sha256 is reported and nothing is cached; list / delete / clear work per model.
#[wasm_bindgen_test]
async fn hashes_are_verified_and_entries_listed_deleted_and_cleared() {
    let ctx = GpuContext::new().await.unwrap();
    let cache = ModelCache::open().await.unwrap();
    cache.clear().await.unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&fetch_text(&format!("{}fixtures/manifest.json", assets())).await.unwrap()).unwrap();
    let sha = |path: &str| manifest["files"].as_array().unwrap().iter().find(|f| f["path"] == path).unwrap()["sha256"].as_str().unwrap().to_string();

    let bad = "0".repeat(64);
    let (result, _) = load_model(&ctx, "fixtures/models/stories260K.gguf", &[&bad]).await;
    let error = result.err().expect("a wrong sha256 must fail");
    assert_eq!(error.kind(), "IntegrityError", "{error}");
    assert!(cache.list().await.unwrap().is_empty(), "a model that failed verification was kept");

    for name in ["stories260K.gguf", "stories260K.Q8_0.gguf", "synth-llama.Q4_K.gguf"] {
        let (model, _) = load_model(&ctx, &format!("fixtures/models/{name}"), &[&sha(&format!("models/{name}"))]).await;
        model.unwrap();
    }
    let ids = |list: Vec<webslm::source::Manifest>| {
        let mut ids: Vec<String> = list.into_iter().map(|m| m.id.rsplit('/').next().unwrap().to_string()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(cache.list().await.unwrap()), ["stories260K.Q8_0.gguf", "stories260K.gguf", "synth-llama.Q4_K.gguf"]);
    cache.delete(&format!("{}fixtures/models/stories260K.Q8_0.gguf", assets())).await.unwrap();
    assert_eq!(ids(cache.list().await.unwrap()), ["stories260K.gguf", "synth-llama.Q4_K.gguf"]);
    // The other entries are intact: they load with zero requests.
    server("__reset").await;
    let (model, _) = load_model(&ctx, "fixtures/models/synth-llama.Q4_K.gguf", &[]).await;
    model.unwrap();
    assert!(server("__log").await.is_empty());
    let (usage, quota) = webslm::source::estimate().await.unwrap();
    console_log!("storage estimate: {usage} of {quota} bytes");
    assert!(usage > 1e6 && quota > usage);
    cache.clear().await.unwrap();
    assert!(cache.list().await.unwrap().is_empty());
}

/// Loads SmolLM2 under a storage binding limit of `binding_limit` and a context of `max_context`,
/// which must be refused from its header: the download stops there (the server sends only a small
/// part of the file; the rest stays in its buffers or is never read) and nothing is cached. Its
/// weights go into buffers, as on GPUs (SwiftShader's tuning puts the quantized ones in
/// textures, which the binding limit does not bound).
async fn refused_at_the_header(binding_limit: u64, max_context: u32) -> Error {
    let mut ctx = GpuContext::new().await.unwrap();
    ctx.info.limits.max_storage_buffer_binding_size = binding_limit;
    server("__reset").await;
    let tuning = Tuning { weight_texture: false, ..Tuning::for_adapter(&ctx) };
    let (result, _) = load_with(&ctx, SMOLLM2, &[], ModelOptions { max_context, tuning: Some(tuning), ..Default::default() }).await;
    let error = result.err().expect("the model must not load");
    gloo_timers(500).await;
    let served = server("__log").await;
    console_log!("refused: {error}; served {served:?}");
    assert_eq!(error.kind(), "OutOfGpuMemory", "{error}");
    assert!(served[0].bytes < 40_000_000, "{served:?}");
    assert!(cached(SMOLLM2).await.is_none(), "nothing of a refused model is kept");
    error
}

/// A model this GPU cannot hold: 16 KiB bindings are too small for one row of the embedding,
/// which cannot be split into bindings. Its keys would fit (12 KiB per layer for 16 tokens).
#[wasm_bindgen_test]
async fn a_model_too_big_for_the_gpu_is_refused_before_its_download() {
    let error = refused_at_the_header(16 << 10, 16).await;
    assert!(!error.to_string().contains("keys"), "{error}");
}

/// A context whose KV cache this GPU could not bind, naming the longest context that fits:
/// SmolLM2's weights split over 2 MiB bindings, but 8192 tokens need 6 MiB of keys per layer.
#[wasm_bindgen_test]
async fn a_context_too_long_for_the_gpu_is_refused_before_the_download() {
    let error = refused_at_the_header(2 << 20, 8192).await;
    assert!(error.to_string().contains("ask for at most 2730 tokens"), "{error}");
}

/// Cached chunks are checked by WebCrypto's sha256 where the page has `crypto.subtle`, by wasm's
/// where it has not (insecure contexts): both give the standard digest.
#[wasm_bindgen_test]
async fn both_sha256_paths_give_the_standard_digest() {
    use webslm::source::{sha256_hex_by, web_crypto};
    let subtle = web_crypto().expect("a test page on localhost is a secure context");
    let abc = js_sys::Uint8Array::from(&b"abc"[..]);
    let standard = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assert_eq!(sha256_hex_by(Some(&subtle), &abc).await.unwrap(), standard);
    assert_eq!(sha256_hex_by(None, &abc).await.unwrap(), standard);
    let big: Vec<u8> = (0..(5u32 << 20)).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8).collect();
    let big = js_sys::Uint8Array::from(&big[..]);
    assert_eq!(sha256_hex_by(Some(&subtle), &big).await.unwrap(), sha256_hex_by(None, &big).await.unwrap());
}
