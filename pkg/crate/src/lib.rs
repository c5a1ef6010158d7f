//! The npm package's wasm module: re-exports the runtime's JavaScript API.

pub use webslm::js::JsEngine;

use wasm_bindgen::prelude::*;

/// Panics (bugs) print a Rust message and stack to the console instead of "unreachable".
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}
