//! The JavaScript API (`WebSlm`, runtime/src/js.rs) in headless Chromium: requests and results
//! as JS objects, streamed deltas, abort, one call at a time, named errors.

use js_sys::{Array, Function, Object, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use webslm::js::JsEngine;

wasm_bindgen_test_configure!(run_in_browser);

fn assets() -> &'static str {
    option_env!("WEBSLM_TEST_ASSETS").expect("build with WEBSLM_TEST_ASSETS (scripts/test.sh does)")
}

fn obj(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |v, key| match key.parse::<u32>() {
        Ok(i) => Reflect::get_u32(&v, i).unwrap(),
        Err(_) => Reflect::get(&v, &key.into()).unwrap(),
    })
}

fn error_name(e: &JsValue) -> String {
    get(e, "name").as_string().unwrap_or_default()
}

/// A collector of streamed deltas, as a JS function.
fn collector() -> (Function, Rc<RefCell<Vec<String>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let f = Closure::<dyn FnMut(String)>::new(move |s: String| sink.borrow_mut().push(s));
    (f.into_js_value().unchecked_into(), seen)
}

#[wasm_bindgen_test]
async fn the_js_api_completes_streams_aborts_and_names_its_errors() {
    let progress = Rc::new(RefCell::new(0.0));
    let p = progress.clone();
    let on_progress = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| *p.borrow_mut() = get(&e, "loaded").as_f64().unwrap());
    let options = obj(r#"{"maxContext": 128}"#);
    Reflect::set(&options, &"onProgress".into(), &on_progress.into_js_value()).unwrap();
    let url = format!("{}fixtures/models/stories260K.gguf", assets());
    let engine = Rc::new(JsEngine::load(url, options).await.unwrap_or_else(|e| panic!("{e:?}")));
    assert!(*progress.borrow() > 1e6, "progress reported the whole file");
    assert_eq!(get(&engine.info().unwrap(), "model.architecture").as_string().unwrap(), "llama");

    // Echo + logprobs: the greedy story, one position per consumed token, as the CLI's JSON.
    let reference = webslm::source::fetch_text(&format!("{}fixtures/refs/stories260K.ref.json", assets())).await.unwrap();
    let reference = js_sys::JSON::parse(&reference).unwrap();
    let (on_delta, deltas) = collector();
    let out = engine
        .complete(obj(r#"{"prompt": [1], "max_tokens": 20, "temperature": 0, "logprobs": 5, "echo": true}"#), Some(on_delta))
        .await
        .unwrap();
    let tokens: Vec<f64> = Array::from(&get(&out, "tokens")).iter().map(|v| v.as_f64().unwrap()).collect();
    let want: Vec<f64> = Array::from(&get(&reference, "sequences.0.ids")).iter().take(21).map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(tokens, want);
    let positions = Array::from(&get(&out, "positions"));
    assert_eq!(positions.length(), 20);
    for i in 0..20 {
        let ours = get(&positions.get(i), "top.0.1").as_f64().unwrap();
        let numpy = get(&reference, &format!("sequences.0.numpy.top.{i}.0.1")).as_f64().unwrap();
        // Loose: SwiftShader's exp/sin differ from numpy's by ~1e-3 here; models.rs applies the
        // fixtures' full agreement rule. This checks the JS plumbing carries the right numbers.
        assert!((ours - numpy).abs() < 1e-2, "position {i}: {ours} vs {numpy}");
    }
    let text = get(&out, "choices.0.text").as_string().unwrap();
    assert!(text.starts_with("Once upon a time"), "{text:?}");
    assert_eq!(deltas.borrow().concat(), text, "streamed deltas add up to the text");
    assert_eq!(get(&out, "choices.0.finish_reason").as_string().unwrap(), "length");
    assert_eq!(get(&out, "usage.completion_tokens").as_f64().unwrap(), 20.0);

    // Abort through a signal: generation stops and the engine stays usable.
    let signal: JsValue = Object::new().into();
    let (s, count) = (signal.clone(), Rc::new(RefCell::new(0)));
    let c = count.clone();
    let abort_after_3 = Closure::<dyn FnMut(String)>::new(move |_: String| {
        *c.borrow_mut() += 1;
        if *c.borrow() == 3 {
            Reflect::set(&s, &"aborted".into(), &true.into()).unwrap();
        }
    });
    let request = obj(r#"{"prompt": "Once upon a time", "max_tokens": 40, "temperature": 0}"#);
    Reflect::set(&request, &"signal".into(), &signal).unwrap();
    let out = engine.complete(request, Some(abort_after_3.into_js_value().unchecked_into())).await.unwrap();
    assert_eq!(get(&out, "choices.0.finish_reason").as_string().unwrap(), "abort");
    assert_eq!(*count.borrow(), 3);

    // One call at a time: of two concurrent calls, one is refused with `Busy`.
    let first = Rc::new(RefCell::new(None));
    let (e2, f2) = (engine.clone(), first.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let r = e2.complete(obj(r#"{"prompt": "Once", "max_tokens": 4, "temperature": 0}"#), None).await;
        *f2.borrow_mut() = Some(r);
    });
    let second = engine.complete(obj(r#"{"prompt": "Once", "max_tokens": 4, "temperature": 0}"#), None).await;
    while first.borrow().is_none() {
        wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL)).await.unwrap();
    }
    let first = first.borrow_mut().take().unwrap();
    let busy: Vec<String> = [&first, &second].iter().filter_map(|r| r.as_ref().err().map(error_name)).collect();
    assert_eq!(busy, ["Busy"], "exactly one call refused");

    // Named errors: a bad request, a model without a chat template, a missing file.
    let bad = engine.complete(obj(r#"{"prompt": {"x": 1}}"#), None).await.unwrap_err();
    assert_eq!(error_name(&bad), "InvalidRequest");
    let no_template = engine.chat(obj(r#"{"messages": [{"role": "user", "content": "hi"}]}"#), None).await.unwrap_err();
    assert_eq!(error_name(&no_template), "TokenizerError");
    let missing = JsEngine::load(format!("{}fixtures/models/nope.gguf", assets()), JsValue::UNDEFINED).await.err().unwrap();
    assert_eq!(error_name(&missing), "NetworkError");
    engine.unload().unwrap();
    let gone = engine.complete(obj(r#"{"prompt": "Once"}"#), None).await.unwrap_err();
    assert_eq!(error_name(&gone), "InvalidRequest");
}
