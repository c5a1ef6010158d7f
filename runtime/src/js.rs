//! The runtime's JavaScript face (wasm-bindgen): load a model, then OpenAI-shaped chat and
//! completion requests with streamed text. Requests and results are plain JS objects; errors are
//! JS `Error`s whose `name` is [`Error::kind`]. The npm package wraps this class.

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::generate::{Completion, GenerateOptions};
use crate::gpu::GpuContext;
use crate::kernels::Sampling;
use crate::model::{ModelLoader, ModelOptions};
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
        },
        "model": engine.model.header.metadata.str("general.name").ok().flatten().unwrap_or("model"),
    })
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
    /// Streams the GGUF at `url` into the GPU. `options`: `{ maxContext, onProgress(done, total) }`.
    pub async fn load(url: String, options: JsValue) -> Result<JsEngine, JsValue> {
        let (model_options, on_progress) = load_options(&options);
        let ctx = GpuContext::new().await.map_err(js_error)?;
        let model = crate::source::fetch_model(&ctx, &url, &model_options, |done, total| {
            if let Some(f) = &on_progress {
                let _ = f.call2(&JsValue::NULL, &(done as f64).into(), &total.map_or(JsValue::UNDEFINED, |t| (t as f64).into()));
            }
        })
        .await
        .map_err(js_error)?;
        Self::wrap(ctx, model)
    }

    /// Loads a GGUF held in memory (e.g. a user-picked file's bytes), 4 MiB at a time.
    #[wasm_bindgen(js_name = loadBytes)]
    pub async fn load_bytes(bytes: Uint8Array, options: JsValue) -> Result<JsEngine, JsValue> {
        let (model_options, on_progress) = load_options(&options);
        let ctx = GpuContext::new().await.map_err(js_error)?;
        let total = bytes.length();
        let mut loader = ModelLoader::new(&ctx, Some(total as u64));
        let mut chunk = Vec::new();
        let mut at = 0;
        while at < total {
            let end = (at + (4 << 20)).min(total);
            chunk.resize((end - at) as usize, 0);
            bytes.subarray(at, end).copy_to(&mut chunk);
            loader.feed(&chunk).map_err(js_error)?;
            at = end;
            if let Some(f) = &on_progress {
                let _ = f.call2(&JsValue::NULL, &(at as f64).into(), &(total as f64).into());
            }
        }
        let model = loader.finish(&model_options).map_err(js_error)?;
        Self::wrap(ctx, model)
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
        })))
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
        let prompt: Vec<u32> = match req.get("prompt") {
            Some(Value::String(text)) => engine.tokenizer.encode(text, true).map_err(js_error)?,
            Some(Value::Array(ids)) => ids
                .iter()
                .map(|v| v.as_u64().filter(|&i| i <= u32::MAX as u64).map(|i| i as u32).ok_or_else(|| js_error(invalid("prompt ids must be integers"))))
                .collect::<Result<_, _>>()?,
            _ => return Err(js_error(invalid("prompt must be a string or an array of token ids"))),
        };
        let out = engine.complete(&prompt, &options, stream_to(on_delta, signal)).await.map_err(js_error)?;
        let text = out.text.clone();
        Ok(to_js(&result_json(engine, &out, "text", Value::String(text))))
    }

    /// Frees the GPU buffers now (rather than when the object is garbage-collected).
    pub fn unload(&self) -> Result<(), JsValue> {
        let mut guard = self.engine.try_borrow_mut().map_err(|_| js_error(Error::Busy))?;
        guard.take();
        Ok(())
    }
}

fn load_options(options: &JsValue) -> (ModelOptions, Option<Function>) {
    let get = |key: &str| if options.is_object() { Reflect::get(options, &key.into()).ok() } else { None };
    let max_context = get("maxContext").and_then(|v| v.as_f64()).map(|v| v as u32).unwrap_or(ModelOptions::default().max_context);
    let on_progress = get("onProgress").and_then(|v| v.dyn_into::<Function>().ok());
    (ModelOptions { max_context }, on_progress)
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
