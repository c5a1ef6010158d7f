//! The page: header, model loader, chat, cache panel and diagnostics.

use crate::cache_panel::CachePanel;
use crate::chat::{Chat, Settings};
use crate::diagnostics::Diagnostics;
use crate::loader::{LoadState, Loader};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let state = RwSignal::new(LoadState::Idle);
    let busy = RwSignal::new(false);
    let cache_changed = RwSignal::new(0u32);
    let ready = Signal::derive(move || matches!(state.get(), LoadState::Ready { .. }));
    let settings = Settings::new();
    let webgpu = js_sys::Reflect::has(&web_sys::window().unwrap().navigator(), &"gpu".into()).unwrap_or(false);

    view! {
        <main class="page">
            <header class="top">
                <h1>"webslm"</h1>
                <p class="tagline">"Small language models on your own GPU, in this tab. Offline after the first load."</p>
            </header>
            {(!webgpu).then(|| view! {
                <p class="card error" id="no-webgpu">
                    "This browser has no WebGPU. Use a recent Chrome or Edge (on by default), Safari 26+ or Firefox 141+; "
                    "on Linux Chrome may need chrome://flags/#enable-unsafe-webgpu."
                </p>
            })}
            <Loader state=state busy=busy cache_changed=cache_changed />
            <Chat ready=ready busy=busy settings=settings />
            <CachePanel changed=cache_changed />
            <Diagnostics />
        </main>
    }
}
