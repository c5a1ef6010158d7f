//! Helpers shared by the browser tests.
#![allow(dead_code)]

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The asset server of scripts/test.sh (see tests/models.rs), fixed at build time.
pub fn assets() -> &'static str {
    option_env!("WEBSLM_TEST_ASSETS").expect("build with WEBSLM_TEST_ASSETS=http://127.0.0.1:PORT/ (scripts/test.sh does)")
}

/// A small binary file over HTTP, through the global `fetch` (window or worker).
pub async fn fetch_bytes(url: &str) -> Vec<u8> {
    let global = js_sys::global();
    let call = |target: &wasm_bindgen::JsValue, method: &str, args: &js_sys::Array| {
        let f: js_sys::Function = js_sys::Reflect::get(target, &method.into()).unwrap().dyn_into().unwrap();
        js_sys::Promise::from(f.apply(target, args).unwrap_or_else(|e| panic!("{url}: {method}: {e:?}")))
    };
    let response = JsFuture::from(call(&global, "fetch", &js_sys::Array::of1(&url.into()))).await.unwrap_or_else(|e| panic!("{url}: {e:?}"));
    let status = js_sys::Reflect::get(&response, &"status".into()).unwrap().as_f64();
    assert_eq!(status, Some(200.0), "{url}: HTTP status");
    let buffer = JsFuture::from(call(&response, "arrayBuffer", &js_sys::Array::new())).await.unwrap_or_else(|e| panic!("{url}: {e:?}"));
    js_sys::Uint8Array::new(&buffer).to_vec()
}
