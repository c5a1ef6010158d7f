//! Model bytes from the network in the browser: a streaming `fetch`, fed chunk by chunk into the
//! loader so the whole file never sits in wasm memory.

use crate::error::{Error, Result};
use crate::gpu::GpuContext;
use crate::model::{Model, ModelLoader, ModelOptions};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn network(url: &str, what: impl std::fmt::Display) -> Error {
    Error::Network(format!("{url}: {what}"))
}

fn js_message(v: &JsValue) -> String {
    v.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| format!("{v:?}"))
}

async fn fetch(url: &str) -> Result<web_sys::Response> {
    let global = js_sys::global();
    let promise = if let Some(window) = global.dyn_ref::<web_sys::Window>() {
        window.fetch_with_str(url)
    } else if let Some(worker) = global.dyn_ref::<web_sys::WorkerGlobalScope>() {
        worker.fetch_with_str(url)
    } else {
        return Err(network(url, "fetch is not available in this context"));
    };
    let response = JsFuture::from(promise).await.map_err(|e| network(url, js_message(&e)))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| network(url, "not a Response"))?;
    if !response.ok() {
        return Err(network(url, format!("HTTP {} {}", response.status(), response.status_text())));
    }
    Ok(response)
}

/// Streams the GGUF at `url` into GPU memory; `on_progress(bytes_done, bytes_total)` after each chunk.
pub async fn fetch_model(ctx: &GpuContext, url: &str, options: &ModelOptions, mut on_progress: impl FnMut(u64, Option<u64>)) -> Result<Model> {
    let response = fetch(url).await?;
    let total = response.headers().get("content-length").ok().flatten().and_then(|v| v.parse::<u64>().ok());
    let body = response.body().ok_or_else(|| network(url, "empty response body"))?;
    let reader: web_sys::ReadableStreamDefaultReader =
        body.get_reader().dyn_into().map_err(|_| network(url, "the body cannot be read as a stream"))?;
    let mut loader = ModelLoader::new(ctx, total);
    let mut done_bytes = 0u64;
    let mut chunk = Vec::new();
    loop {
        let result = JsFuture::from(reader.read()).await.map_err(|e| network(url, js_message(&e)))?;
        let done = Reflect::get(&result, &"done".into()).map(|v| v.is_truthy()).unwrap_or(true);
        if done {
            break;
        }
        let value: Uint8Array = Reflect::get(&result, &"value".into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or_else(|| network(url, "a stream chunk is not bytes"))?;
        chunk.resize(value.length() as usize, 0);
        value.copy_to(&mut chunk);
        loader.feed(&chunk)?;
        done_bytes += chunk.len() as u64;
        on_progress(done_bytes, total);
    }
    loader.finish(options)
}

/// Fetches a small text resource (e.g. a JSON file).
pub async fn fetch_text(url: &str) -> Result<String> {
    let response = fetch(url).await?;
    let text = JsFuture::from(response.text().map_err(|e| network(url, js_message(&e)))?)
        .await
        .map_err(|e| network(url, js_message(&e)))?;
    text.as_string().ok_or_else(|| network(url, "not text"))
}
