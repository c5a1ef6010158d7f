//! Faults in headless Chromium: a device destroyed mid-generation (as after a driver reset or a
//! GPU process crash) fails the call with `DeviceLost`, and a new load then works; an abort in
//! every phase (download, cache read, upload from a file, prefill, decode) stops the work with
//! `AbortError` or finish reason "abort" and leaves everything usable.

use wasm_bindgen_test::*;
use webslm::generate::{FinishReason, GenerateOptions};
use webslm::model::ModelOptions;
use webslm::source::{load as load_model, load_blob, LoadRequest, ModelCache, Phase, Progress};
use webslm::{Engine, GpuContext};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

wasm_bindgen_test_configure!(run_in_browser);

fn stories_url() -> String {
    format!("{}fixtures/models/stories260K.gguf", option_env!("WEBSLM_TEST_ASSETS").expect("WEBSLM_TEST_ASSETS"))
}

/// An `AbortSignal`-like object (`{ aborted }`), and a progress callback that aborts it at the
/// first report of `phase`.
fn abort_at(phase: Phase) -> (JsValue, impl FnMut(&Progress)) {
    let signal: JsValue = js_sys::Object::new().into();
    let s = signal.clone();
    let on_progress = move |p: &Progress| {
        if p.phase == phase {
            js_sys::Reflect::set(&s, &"aborted".into(), &true.into()).unwrap();
        }
    };
    (signal, on_progress)
}

async fn stories() -> Engine {
    let url = stories_url();
    let ctx = GpuContext::new().await.unwrap();
    let request = LoadRequest { cache: false, options: ModelOptions { max_context: 128, ..Default::default() }, ..LoadRequest::new(&url) };
    let model = load_model(&ctx, &request, &mut |_| {}).await.unwrap();
    Engine::new(ctx, model).unwrap()
}

#[wasm_bindgen_test]
async fn a_destroyed_device_fails_with_device_lost_and_a_new_load_works() {
    let mut e = stories().await;
    let prompt = e.tokenizer.encode("Once upon a time", true).unwrap();
    let options = GenerateOptions { max_tokens: 16, ignore_eos: true, ..Default::default() };
    let device = e.ctx.device.clone();
    let mut pieces = 0;
    let lost = e
        .complete(&prompt, &options, |_| {
            pieces += 1;
            if pieces == 3 {
                device.destroy();
            }
            true
        })
        .await;
    let err = lost.expect_err("generation on a destroyed device must fail");
    assert_eq!(err.kind(), "DeviceLost", "{err}");
    let again = e.complete(&prompt, &options, |_| true).await.expect_err("still lost");
    assert_eq!(again.kind(), "DeviceLost", "{again}");

    let mut fresh = stories().await;
    let out = fresh.complete(&prompt, &options, |_| true).await.unwrap();
    assert_eq!(out.tokens.len(), 16);
}

#[wasm_bindgen_test]
async fn an_abort_in_any_phase_stops_cleanly_and_the_next_call_works() {
    let ctx = GpuContext::new().await.unwrap();
    let id = "faults-test-stories";
    let cache = ModelCache::open().await.unwrap();
    cache.delete(id).await.unwrap();
    let request = |signal: JsValue| LoadRequest { id: id.into(), signal, options: ModelOptions { max_context: 128, ..Default::default() }, ..LoadRequest::new(&stories_url()) };

    // Download: aborted at its first chunk; the next load completes (resuming the cached part).
    let (signal, mut progress) = abort_at(Phase::Download);
    let err = load_model(&ctx, &request(signal), &mut progress).await.err().expect("aborted download");
    assert_eq!(err.kind(), "AbortError", "{err}");
    load_model(&ctx, &request(JsValue::UNDEFINED), &mut |_| {}).await.unwrap();

    // Cache read: aborted, then a load from the cache works.
    let (signal, mut progress) = abort_at(Phase::CacheRead);
    let err = load_model(&ctx, &request(signal), &mut progress).await.err().expect("aborted cache read");
    assert_eq!(err.kind(), "AbortError", "{err}");
    let model = load_model(&ctx, &request(JsValue::UNDEFINED), &mut |_| {}).await.unwrap();
    cache.delete(id).await.unwrap();

    // Upload from a local file (Blob): aborted, then the same file loads.
    let response: web_sys::Response = JsFuture::from(web_sys::window().unwrap().fetch_with_str(&stories_url())).await.unwrap().dyn_into().unwrap();
    let bytes = js_sys::Uint8Array::new(&JsFuture::from(response.array_buffer().unwrap()).await.unwrap());
    let blob = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&bytes)).unwrap();
    let options = ModelOptions { max_context: 128, ..Default::default() };
    let (signal, mut progress) = abort_at(Phase::Upload);
    let err = load_blob(&ctx, &blob, &options, &signal, &mut progress).await.err().expect("aborted upload");
    assert_eq!(err.kind(), "AbortError", "{err}");
    load_blob(&ctx, &blob, &options, &JsValue::UNDEFINED, &mut |_| {}).await.unwrap();

    // Prefill and decode: the caller says stop at the first token (the end of the prefill) and
    // at the fifth; then a whole generation gives the same tokens as a fresh engine.
    let mut e = Engine::new(ctx, model).unwrap();
    let prompt = e.tokenizer.encode("Once upon a time", true).unwrap();
    let options = GenerateOptions { max_tokens: 12, ignore_eos: true, ..Default::default() };
    for stop_at in [1, 5] {
        let mut n = 0;
        let out = e.complete(&prompt, &options, |_| { n += 1; n < stop_at }).await.unwrap();
        assert_eq!(out.finish, FinishReason::Cancelled);
        assert!(out.tokens.len() <= stop_at + 1, "{} tokens after an abort at {stop_at}", out.tokens.len());
    }
    let after = e.complete(&prompt, &options, |_| true).await.unwrap();
    let fresh = stories().await.complete(&prompt, &options, |_| true).await.unwrap();
    assert_eq!(after.tokens, fresh.tokens);
}
