//! The page's side of the model worker: requests go out as messages, and the events that come
//! back go to the handler of the operation in flight (the page runs one load or reply at a time).
//! Requests posted before the worker's wasm is up wait in a queue.

use crate::protocol::{Event, Request};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What trunk builds from `src/worker.rs` (index.html's `data-type="worker"` link).
const WORKER_SCRIPT: &str = "./webslm-worker_loader.js";

struct Client {
    worker: web_sys::Worker,
    ready: bool,
    queue: Vec<JsValue>,
    handler: Option<Box<dyn FnMut(Event)>>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

fn start() -> Result<Client, JsValue> {
    let worker = web_sys::Worker::new(WORKER_SCRIPT)?;
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|message: web_sys::MessageEvent| {
        let json = js_sys::Reflect::get(&message.data(), &"json".into()).ok().and_then(|j| j.as_string()).unwrap_or_default();
        let Ok(event) = serde_json::from_str::<Event>(&json) else { return };
        if let Event::Ready = event {
            CLIENT.with(|c| {
                if let Some(client) = c.borrow_mut().as_mut() {
                    client.ready = true;
                    for message in client.queue.drain(..) {
                        let _ = client.worker.post_message(&message);
                    }
                }
            });
            return;
        }
        // The handler runs outside the borrow: it may post the next request.
        let handler = CLIENT.with(|c| c.borrow_mut().as_mut().and_then(|client| client.handler.take()));
        if let Some(mut handler) = handler {
            handler(event);
            CLIENT.with(|c| {
                if let Some(client) = c.borrow_mut().as_mut() {
                    client.handler.get_or_insert(handler);
                }
            });
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the page
    Ok(Client { worker, ready: false, queue: Vec::new(), handler: None })
}

/// Sends `request` (with `file`, for a local model); `on_event` receives what comes back until the
/// next call replaces it. A worker that cannot start reports `Failed` at once.
pub fn post(request: &Request, file: Option<&web_sys::File>, on_event: impl FnMut(Event) + 'static) {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"json".into(), &serde_json::to_string(request).expect("requests serialise").into());
    if let Some(file) = file {
        let _ = js_sys::Reflect::set(&message, &"file".into(), file);
    }
    let started = CLIENT.with(|c| {
        let mut slot = c.borrow_mut();
        if slot.is_none() {
            *slot = Some(start()?);
        }
        let client = slot.as_mut().expect("just started");
        client.handler = Some(Box::new(on_event) as Box<dyn FnMut(Event)>);
        if client.ready {
            client.worker.post_message(&message)?;
        } else {
            client.queue.push(message.into());
        }
        Ok::<_, JsValue>(())
    });
    if let Err(e) = started {
        let handler = CLIENT.with(|c| c.borrow_mut().as_mut().and_then(|client| client.handler.take()));
        let event = Event::Failed { kind: "WorkerError".into(), message: format!("the model worker did not start: {e:?}") };
        if let Some(mut handler) = handler {
            handler(event);
        }
    }
}

/// Asks the running reply to stop at its next token (its handler stays in place).
pub fn stop() {
    CLIENT.with(|c| {
        if let Some(client) = c.borrow().as_ref().filter(|client| client.ready) {
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"json".into(), &serde_json::to_string(&Request::Stop).expect("serialises").into());
            let _ = client.worker.post_message(&message);
        }
    });
}
