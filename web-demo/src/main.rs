//! The webslm demo page (leptos, client-side rendered): pick a model, watch it stream into the GPU
//! (and into the IndexedDB cache), then chat with it — offline after the first visit. The model
//! runs in a Web Worker (src/worker.rs), so the page never blocks.

mod app;
mod cache_panel;
mod catalog;
mod chat;
mod diagnostics;
mod loader;
mod model_worker;
mod protocol;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
