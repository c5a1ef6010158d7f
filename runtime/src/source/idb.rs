//! A thin async face over IndexedDB (web-sys): open a database, and run one request per
//! transaction, awaiting the transaction's end so a write is durable (and a quota failure seen)
//! when the call returns. Errors are the browser's `DOMException`s.

use js_sys::{Array, Promise};
use std::future::Future;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{EventTarget, IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

/// Listens, from now on, for one of `events` on `target`; the future ends with the first of them.
/// Listeners are removed when it ends (or is dropped), so a late event (a transaction's `abort`
/// after its `error`) never reaches a dropped closure. Listening before the caller yields to the
/// event loop is what lets a request started now be awaited later.
fn listen(target: &EventTarget, ok: &'static str, failures: &'static [&'static str]) -> Result<impl Future<Output = Result<(), JsValue>> + use<>, JsValue> {
    let (mut resolve_fn, mut reject_fn) = (None, None);
    let promise = Promise::new(&mut |resolve, reject| {
        resolve_fn = Some(resolve);
        reject_fn = Some(reject);
    });
    let (resolve, reject) = (resolve_fn.expect("set by the executor"), reject_fn.expect("set by the executor"));
    let on_ok = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| drop(resolve.call1(&JsValue::NULL, &e)));
    let on_fail = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| drop(reject.call1(&JsValue::NULL, &e)));
    let listeners = Listeners { target: target.clone(), ok, failures, on_ok, on_fail };
    target.add_event_listener_with_callback(ok, listeners.on_ok.as_ref().unchecked_ref())?;
    for f in failures {
        target.add_event_listener_with_callback(f, listeners.on_fail.as_ref().unchecked_ref())?;
    }
    // Handled from now on: a request whose future is dropped unawaited rejects silently.
    let settled = JsFuture::from(promise);
    Ok(async move {
        let result = settled.await.map(drop);
        drop(listeners);
        result
    })
}

/// Event listeners that remove themselves when dropped.
struct Listeners {
    target: EventTarget,
    ok: &'static str,
    failures: &'static [&'static str],
    on_ok: Closure<dyn FnMut(JsValue)>,
    on_fail: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Listeners {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.ok, self.on_ok.as_ref().unchecked_ref());
        for f in self.failures {
            let _ = self.target.remove_event_listener_with_callback(f, self.on_fail.as_ref().unchecked_ref());
        }
    }
}

/// The `DOMException` behind a failed request or transaction (or the event itself).
fn failure(error: Result<Option<web_sys::DomException>, JsValue>, event: JsValue) -> JsValue {
    match error {
        Ok(Some(e)) => e.into(),
        _ => event,
    }
}

/// A request under way: its result once its transaction has committed.
pub type Pending = std::pin::Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

pub struct Db {
    db: IdbDatabase,
}

impl Db {
    /// Opens (creating or upgrading) database `name` at `version`; `upgrade` creates its stores.
    pub async fn open(name: &str, version: u32, upgrade: fn(&IdbDatabase) -> Result<(), JsValue>) -> Result<Db, JsValue> {
        let factory: web_sys::IdbFactory = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into())?
            .dyn_into()
            .map_err(|_| JsValue::from_str("IndexedDB is not available here"))?;
        let request = factory.open_with_u32(name, version)?;
        let on_upgrade = {
            let request = request.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Ok(db) = request.result().and_then(|r| r.dyn_into::<IdbDatabase>().map_err(JsValue::from)) {
                    let _ = upgrade(&db);
                }
            })
        };
        request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        let opened = listen(&request, "success", &["error", "blocked"])?.await;
        request.set_onupgradeneeded(None);
        opened.map_err(|e| failure(request.error(), e))?;
        Ok(Db { db: request.result()?.dyn_into()? })
    }

    /// Runs `op` on store `store` in its own transaction and returns the request's result once
    /// the transaction has committed.
    pub async fn run(
        &self,
        store: &str,
        mode: IdbTransactionMode,
        op: impl FnOnce(&IdbObjectStore) -> Result<IdbRequest, JsValue>,
    ) -> Result<JsValue, JsValue> {
        self.start(store, mode, op)?.await
    }

    /// [`Self::run`], started now: the browser works on it while the caller does something else
    /// (reads the next chunk while this one is uploaded) until it awaits the result.
    pub fn start(
        &self,
        store: &str,
        mode: IdbTransactionMode,
        op: impl FnOnce(&IdbObjectStore) -> Result<IdbRequest, JsValue>,
    ) -> Result<Pending, JsValue> {
        let tx = self.db.transaction_with_str_and_mode(store, mode)?;
        let request = op(&tx.object_store(store)?)?;
        let committed = commit(&tx)?;
        Ok(Box::pin(async move {
            committed.await?;
            request.result()
        }))
    }

    /// Runs `op` over several stores in one transaction (all of its writes land, or none).
    pub async fn run_all(
        &self,
        stores: &[&str],
        op: impl FnOnce(&[IdbObjectStore]) -> Result<(), JsValue>,
    ) -> Result<(), JsValue> {
        let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
        let tx = self.db.transaction_with_str_sequence_and_mode(&names, IdbTransactionMode::Readwrite)?;
        let handles = stores.iter().map(|s| tx.object_store(s)).collect::<Result<Vec<_>, _>>()?;
        op(&handles)?;
        commit(&tx)?.await
    }
}

/// The end of transaction `tx`: `Ok` once committed, else its error.
fn commit(tx: &IdbTransaction) -> Result<impl Future<Output = Result<(), JsValue>> + use<>, JsValue> {
    let ended = listen(tx, "complete", &["error", "abort"])?;
    let tx = tx.clone();
    Ok(async move { ended.await.map_err(|e| failure(Ok(tx.error()), e)) })
}

impl Drop for Db {
    fn drop(&mut self) {
        self.db.close();
    }
}
