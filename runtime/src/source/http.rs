//! Model bytes from the network: a streaming `fetch` (optionally from a byte offset with a
//! `Range` request) whose body is read chunk by chunk, never as one `ArrayBuffer`.

use crate::error::{Error, Result};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub(crate) fn network(url: &str, what: impl std::fmt::Display) -> Error {
    Error::Network(format!("{url}: {what}"))
}

pub(crate) fn js_message(v: &JsValue) -> String {
    v.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| format!("{v:?}"))
}

/// Whether `signal` (an `AbortSignal`, or any object with `aborted`) has fired.
pub(crate) fn is_aborted(signal: &JsValue) -> bool {
    signal.is_object() && Reflect::get(signal, &"aborted".into()).map(|v| v.is_truthy()).unwrap_or(false)
}

/// A response whose body is being streamed.
pub struct Download {
    pub url: String,
    /// Where the body starts in the file (the `Range` start the server honoured, else 0).
    pub start: u64,
    /// The whole file's size, when the server says (Content-Length or Content-Range).
    pub file_size: Option<u64>,
    pub etag: Option<String>,
    reader: web_sys::ReadableStreamDefaultReader,
}

/// Starts downloading `url` from byte `from`. The server may ignore the `Range` header and send
/// the whole file: then `start` is 0 and the caller skips what it has.
pub async fn get(url: &str, from: u64, signal: &JsValue) -> Result<Download> {
    let init = web_sys::RequestInit::new();
    // The bytes go to IndexedDB; a second copy in the HTTP cache would double the disk use (and
    // the browser's own range requests to complete it would muddle resumption).
    init.set_cache(web_sys::RequestCache::NoStore);
    if from > 0 {
        let headers = web_sys::Headers::new().map_err(|e| network(url, js_message(&e)))?;
        headers.set("range", &format!("bytes={from}-")).map_err(|e| network(url, js_message(&e)))?;
        init.set_headers(&headers);
    }
    if let Some(signal) = signal.dyn_ref::<web_sys::AbortSignal>() {
        init.set_signal(Some(signal));
    }
    let global = js_sys::global();
    let promise = if let Some(window) = global.dyn_ref::<web_sys::Window>() {
        window.fetch_with_str_and_init(url, &init)
    } else if let Some(worker) = global.dyn_ref::<web_sys::WorkerGlobalScope>() {
        worker.fetch_with_str_and_init(url, &init)
    } else {
        return Err(network(url, "fetch is not available in this context"));
    };
    let response = JsFuture::from(promise).await.map_err(|e| if is_aborted(signal) { Error::Aborted } else { network(url, js_message(&e)) })?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| network(url, "not a Response"))?;
    let status = response.status();
    if !response.ok() {
        return Err(network(url, format!("HTTP {status} {}", response.status_text())));
    }
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let length = header("content-length").and_then(|v| v.parse::<u64>().ok());
    let (start, file_size) = match (status, header("content-range")) {
        // "bytes START-END/SIZE"
        (206, Some(range)) => {
            let parsed = range.strip_prefix("bytes ").and_then(|r| {
                let (span, size) = r.split_once('/')?;
                Some((span.split_once('-')?.0.parse::<u64>().ok()?, size.parse::<u64>().ok()))
            });
            let (start, size) = parsed.ok_or_else(|| network(url, format!("unreadable Content-Range {range:?}")))?;
            if start != from {
                return Err(network(url, format!("asked for bytes from {from}, the server sent from {start}")));
            }
            (start, size)
        }
        (206, None) => return Err(network(url, "a partial response without Content-Range (is the header exposed to CORS?)")),
        _ => (0, length),
    };
    let body = response.body().ok_or_else(|| network(url, "empty response body"))?;
    let reader = body.get_reader().dyn_into().map_err(|_| network(url, "the body cannot be read as a stream"))?;
    Ok(Download { url: url.to_string(), start, file_size, etag: header("etag"), reader })
}

impl Download {
    /// A stream that is not an HTTP response (a `Blob`'s).
    pub fn from_reader(name: &str, reader: web_sys::ReadableStreamDefaultReader) -> Self {
        Self { url: name.to_string(), start: 0, file_size: None, etag: None, reader }
    }

    /// The next piece of the body into `buf`; `false` at the end.
    pub async fn next(&mut self, buf: &mut Vec<u8>, signal: &JsValue) -> Result<bool> {
        let result = JsFuture::from(self.reader.read()).await.map_err(|e| {
            if is_aborted(signal) {
                Error::Aborted
            } else {
                network(&self.url, format!("the download broke off: {}", js_message(&e)))
            }
        })?;
        if Reflect::get(&result, &"done".into()).map(|v| v.is_truthy()).unwrap_or(true) {
            return Ok(false);
        }
        let value: Uint8Array = Reflect::get(&result, &"value".into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or_else(|| network(&self.url, "a stream chunk is not bytes"))?;
        buf.resize(value.length() as usize, 0);
        value.copy_to(buf);
        Ok(true)
    }

    /// Stops the download (the rest of the body is not needed).
    pub fn cancel(&self) {
        let _ = self.reader.cancel();
    }
}

/// A download abandoned early (an error, an abort) stops instead of running on in the background.
impl Drop for Download {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Fetches a small text resource (e.g. a JSON file).
pub async fn fetch_text(url: &str) -> Result<String> {
    let global = js_sys::global();
    let promise = match (global.dyn_ref::<web_sys::Window>(), global.dyn_ref::<web_sys::WorkerGlobalScope>()) {
        (Some(w), _) => w.fetch_with_str(url),
        (_, Some(w)) => w.fetch_with_str(url),
        _ => return Err(network(url, "fetch is not available in this context")),
    };
    let response: web_sys::Response =
        JsFuture::from(promise).await.map_err(|e| network(url, js_message(&e)))?.dyn_into().map_err(|_| network(url, "not a Response"))?;
    if !response.ok() {
        return Err(network(url, format!("HTTP {}", response.status())));
    }
    let text = JsFuture::from(response.text().map_err(|e| network(url, js_message(&e)))?).await.map_err(|e| network(url, js_message(&e)))?;
    text.as_string().ok_or_else(|| network(url, "not text"))
}
