//! The runtime's JavaScript face (wasm-bindgen): load a model, then OpenAI-shaped chat and
//! completion requests with streamed text. Requests and results are plain JS objects; errors are
//! JS `Error`s whose `name` is [`Error::kind`]. The npm package wraps this class.

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::generate::{Completion, GenerateOptions};
use crate::gpu::GpuContext;
use crate::kernels::Sampling;
use crate::model::ModelOptions;
use crate::source::Progress;
use crate::tokenizer::ChatMessage;
use js_sys::{Function, Reflect, Uint8Array};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A JS `Error` named after the error's kind.
fn js_error(e: Error) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    error.set_name(e.kind());
    error.into()
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidRequest(message.into())
}

fn to_json(v: &JsValue) -> Result<Value> {
    if v.is_undefined() || v.is_null() {
        return Ok(json!({}));
    }
    let text = js_sys::JSON::stringify(v).map_err(|_| invalid("the request is not JSON-serialisable"))?;
    serde_json::from_str(&String::from(text)).map_err(|e| invalid(format!("bad request: {e}")))
}

fn to_js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).expect("serde_json writes valid JSON")
}

/// Reads the OpenAI-style sampling and length fields of a request.
fn options(req: &Value, default_max_tokens: usize) -> Result<GenerateOptions> {
    let num = |key: &str| req.get(key).filter(|v| !v.is_null());
    let f32_of = |key: &str, default: f32| -> Result<f32> {
        num(key).map_or(Ok(default), |v| v.as_f64().map(|x| x as f32).ok_or_else(|| invalid(format!("{key} must be a number"))))
    };
    let u64_of = |key: &str, default: u64| -> Result<u64> {
        num(key).map_or(Ok(default), |v| v.as_u64().ok_or_else(|| invalid(format!("{key} must be a non-negative integer"))))
    };
    let sampling = Sampling { temperature: f32_of("temperature", 1.0)?, top_k: u64_of("top_k", 0)? as u32, top_p: f32_of("top_p", 1.0)? };
    if !(sampling.temperature >= 0.0 && sampling.top_p > 0.0 && sampling.top_p <= 1.0) {
        return Err(invalid("temperature must be ≥ 0 and top_p in (0, 1]"));
    }
    let stop = match req.get("stop") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().map(|s| s.as_str().map(str::to_string).ok_or_else(|| invalid("stop must hold strings"))).collect::<Result<_>>()?,
        Some(_) => return Err(invalid("stop must be a string or an array of strings")),
    };
    let logprobs = match req.get("logprobs") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => 0,
        Some(Value::Bool(true)) => u64_of("top_logprobs", 1)? as usize,
        Some(v) => v.as_u64().ok_or_else(|| invalid("logprobs must be a boolean or a count"))? as usize,
    };
    let seed = match num("seed") {
        Some(_) => u64_of("seed", 0)?,
        None => (js_sys::Math::random() * 9.007e15) as u64,
    };
    Ok(GenerateOptions {
        max_tokens: u64_of("max_tokens", default_max_tokens as u64)? as usize,
        sampling,
        seed,
        stop,
        logprobs,
        echo: req.get("echo").and_then(Value::as_bool).unwrap_or(false),
        ignore_eos: req.get("ignore_eos").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// The result object shared by chat and completion calls.
fn result_json(engine: &Engine, out: &Completion, key: &str, content: Value) -> Value {
    let positions: Vec<Value> = out.positions.iter().map(|top| json!({ "top": top })).collect();
    json!({
        "choices": [{ "index": 0, key: content, "finish_reason": out.finish.as_str() }],
        "usage": { "prompt_tokens": out.prompt.len(), "completion_tokens": out.tokens.len(), "total_tokens": out.prompt.len() + out.tokens.len() },
        "tokens": out.prompt.iter().chain(&out.tokens).collect::<Vec<_>>(),
        "n_prompt": out.prompt.len(),
        "positions": positions,
        "timings": {
            "prefill_ms": out.timings.prefill_ms, "prefill_tokens": out.timings.prefill_tokens,
            "decode_ms": out.timings.decode_ms, "decode_steps": out.timings.decode_steps,
            "prefill_tokens_per_s": out.timings.prefill_tok_s(), "decode_tokens_per_s": out.timings.decode_tok_s(),
            "decode_cpu_ms_per_step": out.timings.decode_cpu_ms_per_step(),
        },
        "model": engine.model.header.metadata.str("general.name").ok().flatten().unwrap_or("model"),
    })
}

fn wasm_memory_bytes() -> u64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    js_sys::ArrayBuffer::from(memory.buffer()).byte_length() as u64
}

fn aborted(signal: &JsValue) -> bool {
    !signal.is_undefined() && Reflect::get(signal, &"aborted".into()).map(|v| v.is_truthy()).unwrap_or(false)
}

/// A loaded model. Calls run one at a time; a second call while one runs fails with `Busy`.
#[wasm_bindgen(js_name = WebSlm)]
pub struct JsEngine {
    engine: Rc<RefCell<Option<Engine>>>,
}

#[wasm_bindgen(js_class = WebSlm)]
impl JsEngine {
    /// Streams the model at `url` into the GPU through the IndexedDB cache. A first shard's URL
    /// (`…-00001-of-0000N.gguf`) loads every shard. `options`: `{ maxContext, onProgress(p), cache
    /// (default true), sha256 (hex, or one per shard), urls (explicit shard list), id (cache key),
    /// signal }`; `p` is `{ phase: "download" | "cache" | "upload" | "compile", loaded, total, rate }`.
    pub async fn load(url: String, options: JsValue) -> Result<JsEngine, JsValue> {
        let (model_options, mut on_progress) = load_options(&options);
        let get = |key: &str| if options.is_object() { Reflect::get(&options, &key.into()).ok().filter(|v| !v.is_undefined() && !v.is_null()) } else { None };
        let strings = |v: JsValue| -> Vec<String> {
            match v.as_string() {
                Some(s) => vec![s],
                None => js_sys::Array::from(&v).iter().filter_map(|x| x.as_string()).collect(),
            }
        };
        let mut request = crate::source::LoadRequest::new(&url);
        request.options = model_options;
        if let Some(urls) = get("urls").map(strings).filter(|u| !u.is_empty()) {
            request.urls = urls;
        }
        if let Some(id) = get("id").and_then(|v| v.as_string()) {
            request.id = id;
        }
        request.sha256 = get("sha256").map(strings).unwrap_or_default();
        request.cache = get("cache").is_none_or(|v| v.is_truthy());
        request.signal = get("signal").unwrap_or(JsValue::UNDEFINED);
        let ctx = GpuContext::new().await.map_err(js_error)?;
        let model = crate::source::load(&ctx, &request, &mut on_progress).await.map_err(js_error)?;
        Self::wrap(ctx, model)
    }

    /// Streams a user-picked `File`/`Blob` into the GPU (no network, no cache). Options as `load`.
    #[wasm_bindgen(js_name = loadBlob)]
    pub async fn load_blob(blob: web_sys::Blob, options: JsValue) -> Result<JsEngine, JsValue> {
        let (model_options, mut on_progress) = load_options(&options);
        let signal = if options.is_object() { Reflect::get(&options, &"signal".into()).unwrap_or(JsValue::UNDEFINED) } else { JsValue::UNDEFINED };
        let ctx = GpuContext::new().await.map_err(js_error)?;
        let model = crate::source::load_blob(&ctx, &blob, &model_options, &signal, &mut on_progress).await.map_err(js_error)?;
        Self::wrap(ctx, model)
    }

    /// Loads a GGUF held in a JS `Uint8Array` (streamed through a `Blob`, not copied into wasm).
    #[wasm_bindgen(js_name = loadBytes)]
    pub async fn load_bytes(bytes: Uint8Array, options: JsValue) -> Result<JsEngine, JsValue> {
        let parts = js_sys::Array::of1(&bytes);
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|e| js_error(invalid(format!("{e:?}"))))?;
        Self::load_blob(blob, options).await
    }

    /// The cached models: `[{ id, urls, size, stored, complete, updated }]` (sizes in bytes).
    #[wasm_bindgen(js_name = cacheList)]
    pub async fn cache_list() -> Result<JsValue, JsValue> {
        let cache = crate::source::ModelCache::open().await.map_err(js_error)?;
        let list: Vec<Value> = cache
            .list()
            .await
            .map_err(js_error)?
            .iter()
            .map(|m| {
                json!({
                    "id": m.id, "urls": m.shards.iter().map(|s| &s.url).collect::<Vec<_>>(),
                    "size": m.total_bytes(), "stored": m.stored_bytes(), "complete": m.complete, "updated": m.updated_ms,
                })
            })
            .collect();
        Ok(to_js(&Value::Array(list)))
    }

    /// Removes one cached model (by its id, by default its URL).
    #[wasm_bindgen(js_name = cacheDelete)]
    pub async fn cache_delete(id: String) -> Result<(), JsValue> {
        crate::source::ModelCache::open().await.map_err(js_error)?.delete(&id).await.map_err(js_error)
    }

    /// Removes every cached model.
    #[wasm_bindgen(js_name = cacheClear)]
    pub async fn cache_clear() -> Result<(), JsValue> {
        crate::source::ModelCache::open().await.map_err(js_error)?.clear().await.map_err(js_error)
    }

    /// `navigator.storage.estimate()` for this origin: `{ usage, quota }` in bytes.
    #[wasm_bindgen(js_name = storageEstimate)]
    pub async fn storage_estimate() -> Result<JsValue, JsValue> {
        let (usage, quota) = crate::source::estimate().await.map_err(js_error)?;
        Ok(to_js(&json!({ "usage": usage, "quota": quota })))
    }

    /// Asks the browser to keep the cache under storage pressure (`navigator.storage.persist()`).
    #[wasm_bindgen(js_name = persistStorage)]
    pub async fn persist_storage() -> Result<bool, JsValue> {
        crate::source::persist().await.map_err(js_error)
    }

    fn wrap(ctx: GpuContext, model: crate::model::Model) -> Result<JsEngine, JsValue> {
        let engine = Engine::new(ctx, model).map_err(js_error)?;
        Ok(JsEngine { engine: Rc::new(RefCell::new(Some(engine))) })
    }

    /// `{ adapter, features, model: {name, architecture, n_vocab, n_layer, n_embd, ...}, context_length }`.
    pub fn info(&self) -> Result<JsValue, JsValue> {
        let guard = self.engine.try_borrow().map_err(|_| js_error(Error::Busy))?;
        let e = guard.as_ref().ok_or_else(|| js_error(invalid("the model was unloaded")))?;
        let c = &e.model.config;
        Ok(to_js(&json!({
            "adapter": e.ctx.info.adapter_name(),
            "adapter_summary": e.ctx.info.summary(),
            "model": {
                "name": e.model.header.metadata.str("general.name").ok().flatten(),
                "architecture": c.arch.name(),
                "n_vocab": c.n_vocab, "n_layer": c.n_layer, "n_embd": c.n_embd, "n_head": c.n_head,
                "n_kv_head": c.n_kv_head, "n_ctx_train": c.n_ctx_train,
                "weight_bytes": e.model.weight_bytes,
            },
            "context_length": e.model.n_ctx,
            "has_chat_template": e.tokenizer.chat_template.is_some(),
            "wasm_memory_bytes": wasm_memory_bytes(),
            // The load's milliseconds handing the weights to the GPU and finishing (the rest
            // was its source's): model::LoadTimings.
            "load_feed_ms": e.model.load_timings.feed_ms,
            "load_finish_ms": e.model.load_timings.finish_ms,
        })))
    }

    /// Bandwidth of a copy kernel and of every quant type's matmul at real models' shapes on this
    /// adapter (see `roofline.rs`): `{ adapter, copy_gb_per_s, read_gb_per_s, dispatch_us, gemv: [...], gemm: [...] }`.
    pub async fn roofline() -> Result<JsValue, JsValue> {
        let ctx = GpuContext::new().await.map_err(js_error)?;
        let r = crate::roofline::measure(&ctx, &crate::roofline::gemv_types(), &crate::roofline::GEMM_TYPES, &crate::roofline::shapes(crate::roofline::large_by_default(&ctx))).await.map_err(js_error)?;
        Ok(to_js(&serde_json::to_value(&r).map_err(|e| js_error(invalid(e.to_string())))?))
    }

    /// The size of this module's wasm memory, which never shrinks: its peak so far.
    #[wasm_bindgen(js_name = wasmMemoryBytes)]
    pub fn wasm_memory_bytes_js() -> f64 {
        wasm_memory_bytes() as f64
    }

    /// `request`: `{ messages: [{role, content}], temperature, top_p, top_k, max_tokens, seed,
    /// stop, logprobs, top_logprobs, signal }`. `on_delta(text)` receives streamed text.
    /// Resolves to `{ choices: [{ message: {role, content}, finish_reason }], usage, timings, … }`.
    pub async fn chat(&self, request: JsValue, on_delta: Option<Function>) -> Result<JsValue, JsValue> {
        let req = to_json(&request).map_err(js_error)?;
        let messages: Vec<ChatMessage> = req
            .get("messages")
            .and_then(Value::as_array)
            .ok_or_else(|| js_error(invalid("messages must be an array")))?
            .iter()
            .map(|m| match (m.get("role").and_then(Value::as_str), m.get("content").and_then(Value::as_str)) {
                (Some(role), Some(content)) => Ok(ChatMessage::new(role, content)),
                _ => Err(js_error(invalid("each message needs a string role and content"))),
            })
            .collect::<Result<_, _>>()?;
        let options = options(&req, 512).map_err(js_error)?;
        let signal = Reflect::get(&request, &"signal".into()).unwrap_or(JsValue::UNDEFINED);
        let engine_cell = self.engine.clone();
        let mut guard = engine_cell.try_borrow_mut().map_err(|_| js_error(Error::Busy))?;
        let engine = guard.as_mut().ok_or_else(|| js_error(invalid("the model was unloaded")))?;
        let prompt = engine.tokenizer.encode_chat(&messages).map_err(js_error)?;
        let out = engine.complete(&prompt, &options, stream_to(on_delta, signal)).await.map_err(js_error)?;
        let text = out.text.clone();
        Ok(to_js(&result_json(engine, &out, "message", json!({ "role": "assistant", "content": text }))))
    }

    /// `request`: `{ prompt: string | number[], echo, logprobs, max_tokens, temperature, …, signal }`.
    /// Resolves to `{ choices: [{ text, finish_reason }], usage, tokens, n_prompt, positions }`
    /// where `positions[i].top` is `[[id, logit], …]` as in the CLI's JSON.
    pub async fn complete(&self, request: JsValue, on_delta: Option<Function>) -> Result<JsValue, JsValue> {
        let req = to_json(&request).map_err(js_error)?;
        let options = options(&req, 16).map_err(js_error)?;
        let signal = Reflect::get(&request, &"signal".into()).unwrap_or(JsValue::UNDEFINED);
        let engine_cell = self.engine.clone();
        let mut guard = engine_cell.try_borrow_mut().map_err(|_| js_error(Error::Busy))?;
        let engine = guard.as_mut().ok_or_else(|| js_error(invalid("the model was unloaded")))?;
        let prompt = prompt_ids(engine, &req)?;
        let out = engine.complete(&prompt, &options, stream_to(on_delta, signal)).await.map_err(js_error)?;
        let text = out.text.clone();
        Ok(to_js(&result_json(engine, &out, "text", Value::String(text))))
    }

    /// Where a prompt's and decode steps' GPU time goes, kernel by kernel, on the GPU's own
    /// clock (`timestamp-query`; see `gpu::Timestamps`): `{ prompt: string | number[], steps }`
    /// resolves to `{ adapter, prompt_tokens, steps, prefill: [{ kernel, calls, ms }], decode }`,
    /// most time first. A developer's tool (bench/profile.mjs); the next request runs its whole
    /// prompt again.
    pub async fn profile(&self, request: JsValue) -> Result<JsValue, JsValue> {
        let req = to_json(&request).map_err(js_error)?;
        let steps = req.get("steps").and_then(Value::as_u64).unwrap_or(8) as u32;
        let engine_cell = self.engine.clone();
        let mut guard = engine_cell.try_borrow_mut().map_err(|_| js_error(Error::Busy))?;
        let engine = guard.as_mut().ok_or_else(|| js_error(invalid("the model was unloaded")))?;
        let prompt = prompt_ids(engine, &req)?;
        let (prefill, decode) = engine.time_kernels(&prompt, steps).await.map_err(js_error)?;
        let rows = |p: &crate::gpu::Profile| -> Vec<Value> { p.by_time().iter().map(|e| json!({ "kernel": e.label, "calls": e.calls, "ms": e.ms })).collect() };
        Ok(to_js(&json!({
            "adapter": engine.ctx.info.summary(),
            "prompt_tokens": prompt.len(),
            "steps": steps,
            "prefill": rows(&prefill),
            "decode": rows(&decode),
        })))
    }

    /// Frees the GPU buffers now (rather than when the object is garbage-collected).
    pub fn unload(&self) -> Result<(), JsValue> {
        let mut guard = self.engine.try_borrow_mut().map_err(|_| js_error(Error::Busy))?;
        guard.take();
        Ok(())
    }
}

/// A request's `prompt`: text (tokenized as is) or token ids.
fn prompt_ids(engine: &Engine, req: &Value) -> Result<Vec<u32>, JsValue> {
    match req.get("prompt") {
        Some(Value::String(text)) => engine.tokenizer.encode(text, true).map_err(js_error),
        Some(Value::Array(ids)) => ids
            .iter()
            .map(|v| v.as_u64().filter(|&i| i <= u32::MAX as u64).map(|i| i as u32).ok_or_else(|| js_error(invalid("prompt ids must be integers"))))
            .collect(),
        _ => Err(js_error(invalid("prompt must be a string or an array of token ids"))),
    }
}

/// `maxContext` and the progress callback of load options.
fn load_options(options: &JsValue) -> (ModelOptions, impl FnMut(&Progress)) {
    let get = |key: &str| if options.is_object() { Reflect::get(options, &key.into()).ok() } else { None };
    let max_context = get("maxContext").and_then(|v| v.as_f64()).map(|v| v as u32).unwrap_or(ModelOptions::default().max_context);
    let on_progress = get("onProgress").and_then(|v| v.dyn_into::<Function>().ok());
    let report = move |p: &Progress| {
        if let Some(f) = &on_progress {
            let event = json!({ "phase": p.phase.as_str(), "loaded": p.done, "total": p.total, "rate": p.bytes_per_s });
            let _ = f.call1(&JsValue::NULL, &to_js(&event));
        }
    };
    (ModelOptions { max_context, ..Default::default() }, report)
}

/// The per-token callback: forwards non-empty text to `on_delta`; stops when `signal` aborts.
fn stream_to(on_delta: Option<Function>, signal: JsValue) -> impl FnMut(&str) -> bool {
    move |piece| {
        if let (Some(f), false) = (&on_delta, piece.is_empty()) {
            let _ = f.call1(&JsValue::NULL, &piece.into());
        }
        !aborted(&signal)
    }
}
