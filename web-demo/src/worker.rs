//! The model worker: the runtime runs here, off the page's thread, so the page stays responsive
//! while weights upload and tokens are generated. Requests arrive as messages (src/protocol.rs);
//! progress, streamed text and results go back as messages.

mod protocol;

use protocol::{Event, Request};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use webslm::generate::GenerateOptions;
use webslm::kernels::Sampling;
use webslm::model::ModelOptions;
use webslm::source::{LoadRequest, Progress};
use webslm::tokenizer::ChatMessage;
use webslm::{Engine, GpuContext};
use web_sys::DedicatedWorkerGlobalScope;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn send(event: &Event) {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"json".into(), &serde_json::to_string(event).expect("events serialise").into());
    let _ = scope().post_message(&message);
}

fn failed(e: webslm::Error) -> Event {
    Event::Failed { kind: e.kind().into(), message: e.to_string() }
}

struct Worker {
    engine: RefCell<Option<Engine>>,
    stop: Cell<bool>,
}

async fn load(worker: &Worker, url: Option<String>, file: Option<web_sys::File>, max_context: u32) -> Result<Event, webslm::Error> {
    worker.engine.borrow_mut().take();
    let ctx = GpuContext::new().await?;
    let mut report = |p: &Progress| {
        send(&Event::Progress { phase: p.phase.as_str().into(), loaded: p.done, total: p.total, rate: p.bytes_per_s })
    };
    let options = ModelOptions { max_context, ..Default::default() };
    let (model, fallback_name) = match (url, file) {
        (Some(url), _) => {
            let request = LoadRequest { options, ..LoadRequest::new(&url) };
            (webslm::source::load(&ctx, &request, &mut report).await?, url.rsplit('/').next().unwrap_or(&url).to_string())
        }
        (None, Some(file)) => (webslm::source::load_blob(&ctx, &file, &options, &JsValue::UNDEFINED, &mut report).await?, file.name()),
        (None, None) => return Err(webslm::Error::InvalidRequest("no model given".into())),
    };
    let name = model.header.metadata.str("general.name").ok().flatten().map(str::to_string).unwrap_or(fallback_name);
    let adapter = ctx.info.adapter_name().to_string();
    *worker.engine.borrow_mut() = Some(Engine::new(ctx, model)?);
    Ok(Event::Loaded { name, adapter })
}

async fn chat(worker: &Worker, messages: Vec<(String, String)>, options: GenerateOptions) -> Result<Event, webslm::Error> {
    // Taken out while the reply runs: a second request cannot interleave.
    let mut engine = worker.engine.borrow_mut().take().ok_or(webslm::Error::Busy)?;
    worker.stop.set(false);
    let messages: Vec<ChatMessage> = messages.iter().map(|(role, content)| ChatMessage::new(role, content)).collect();
    let result = engine
        .chat(&messages, &options, |piece| {
            if !piece.is_empty() {
                send(&Event::Delta { text: piece.to_string() });
            }
            !worker.stop.get()
        })
        .await;
    *worker.engine.borrow_mut() = Some(engine);
    let out = result?;
    let t = out.timings;
    Ok(Event::Replied {
        tokens: out.tokens.len(),
        ttft_s: t.prefill_ms / 1000.0,
        prefill_tok_s: t.prefill_tok_s(),
        decode_tok_s: t.decode_tok_s(),
        stopped: out.finish.as_str() == "abort",
    })
}

fn main() {
    console_error_panic_hook::set_once();
    let worker = Rc::new(Worker { engine: RefCell::new(None), stop: Cell::new(false) });
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
        let data = message.data();
        let json = js_sys::Reflect::get(&data, &"json".into()).ok().and_then(|j| j.as_string()).unwrap_or_default();
        let request: Request = match serde_json::from_str(&json) {
            Ok(r) => r,
            Err(e) => return send(&Event::Failed { kind: "InvalidRequest".into(), message: e.to_string() }),
        };
        let worker = worker.clone();
        match request {
            Request::Stop => worker.stop.set(true),
            Request::Load { url, max_context } => {
                let file = js_sys::Reflect::get(&data, &"file".into()).ok().and_then(|f| f.dyn_into::<web_sys::File>().ok());
                wasm_bindgen_futures::spawn_local(async move {
                    send(&load(&worker, url, file, max_context).await.unwrap_or_else(failed));
                });
            }
            Request::Chat { messages, temperature, top_p, max_tokens, seed } => {
                let options = GenerateOptions {
                    max_tokens: max_tokens as usize,
                    sampling: Sampling { temperature, top_k: 0, top_p },
                    seed,
                    ..Default::default()
                };
                wasm_bindgen_futures::spawn_local(async move {
                    send(&chat(&worker, messages, options).await.unwrap_or_else(failed));
                });
            }
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the worker
    send(&Event::Ready);
}
