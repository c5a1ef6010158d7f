//! A thin async face over IndexedDB (web-sys): open a database, and run one request per
//! transaction, awaiting the transaction's end so a write is durable (and a quota failure seen)
//! when the call returns. Errors are the browser's `DOMException`s.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{EventTarget, IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

/// Waits for one of `events` on `target`; listeners are removed when the wait ends, so a late
/// event (a transaction's `abort` after its `error`) never reaches a dropped closure.
async fn wait(target: &EventTarget, ok: &str, failures: &[&str]) -> Result<(), JsValue> {
    let (mut resolve_fn, mut reject_fn) = (None, None);
    let promise = Promise::new(&mut |resolve, reject| {
        resolve_fn = Some(resolve);
        reject_fn = Some(reject);
    });
    let (resolve, reject) = (resolve_fn.expect("set by the executor"), reject_fn.expect("set by the executor"));
    let on_ok = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| drop(resolve.call1(&JsValue::NULL, &e)));
    let on_fail = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| drop(reject.call1(&JsValue::NULL, &e)));
    target.add_event_listener_with_callback(ok, on_ok.as_ref().unchecked_ref())?;
    for f in failures {
        target.add_event_listener_with_callback(f, on_fail.as_ref().unchecked_ref())?;
    }
    let result = JsFuture::from(promise).await.map(drop);
    let _ = target.remove_event_listener_with_callback(ok, on_ok.as_ref().unchecked_ref());
    for f in failures {
        let _ = target.remove_event_listener_with_callback(f, on_fail.as_ref().unchecked_ref());
    }
    result
}

/// The `DOMException` behind a failed request or transaction (or the event itself).
fn failure(error: Result<Option<web_sys::DomException>, JsValue>, event: JsValue) -> JsValue {
    match error {
        Ok(Some(e)) => e.into(),
        _ => event,
    }
}

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
        let opened = wait(&request, "success", &["error", "blocked"]).await;
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
        let tx = self.db.transaction_with_str_and_mode(store, mode)?;
        let request = op(&tx.object_store(store)?)?;
        self.commit(&tx).await?;
        request.result()
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
        self.commit(&tx).await
    }

    async fn commit(&self, tx: &IdbTransaction) -> Result<(), JsValue> {
        wait(tx, "complete", &["error", "abort"]).await.map_err(|e| failure(Ok(tx.error()), e))
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        self.db.close();
    }
}
