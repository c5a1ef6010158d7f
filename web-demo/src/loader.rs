//! Choosing and loading a model: the catalog, any GGUF URL, or a local file (picked or dropped,
//! zero network requests). The model loads in the worker; this shows the phase, MB done/total,
//! MB/s and the time left.

use crate::catalog::CATALOG;
use crate::model_worker;
use crate::protocol::{Event, Request};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use webslm::source::ModelCache;

/// Context length the demo asks for (capped by each model's own).
const MAX_CONTEXT: u32 = 2048;

#[derive(Clone, Debug, PartialEq)]
pub enum LoadState {
    Idle,
    Loading { phase: &'static str, loaded: u64, total: Option<u64>, rate: f64 },
    Ready { name: String, adapter: String },
    Failed { kind: String, message: String },
}

#[derive(Clone)]
enum Source {
    Url(String),
    File(web_sys::File),
}

/// `relative` resolved against the page's URL.
pub fn absolute(relative: &str) -> String {
    let base = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    web_sys::Url::new_with_base(relative, &base).map(|u| u.href()).unwrap_or_else(|_| relative.to_string())
}

/// The default model's URL: a cached copy first (no request at all), then this origin's
/// `models/` folder, then the public URL.
async fn default_url() -> (String, bool) {
    let model = &CATALOG[0];
    let local = model.local.map(absolute);
    let candidates: Vec<String> = local.iter().cloned().chain([model.url.to_string()]).collect();
    if let Ok(cache) = ModelCache::open().await {
        if let Ok(list) = cache.list().await {
            if let Some(hit) = candidates.iter().find(|url| list.iter().any(|m| m.complete && &&m.id == url)) {
                return (hit.clone(), true);
            }
        }
    }
    if let Some(local) = local {
        let init = web_sys::RequestInit::new();
        init.set_method("HEAD");
        if let Some(window) = web_sys::window() {
            let head = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init(&local, &init)).await;
            if head.ok().and_then(|r| r.dyn_into::<web_sys::Response>().ok()).is_some_and(|r| r.ok()) {
                return (local, false);
            }
        }
    }
    (model.url.to_string(), false)
}

/// Loads `source` in the model worker; `finished` runs once it is ready or has failed.
fn load(source: Source, state: RwSignal<LoadState>, finished: impl Fn() + 'static) {
    state.set(LoadState::Loading { phase: "start", loaded: 0, total: None, rate: 0.0 });
    let (url, file) = match source {
        Source::Url(url) => (Some(url), None),
        Source::File(file) => (None, Some(file)),
    };
    let request = Request::Load { url, max_context: MAX_CONTEXT };
    model_worker::post(&request, file.as_ref(), move |event| match event {
        Event::Progress { phase, loaded, total, rate } => {
            let phase = match phase.as_str() {
                "download" => "download",
                "cache" => "cache",
                "upload" => "upload",
                _ => "compile",
            };
            state.set(LoadState::Loading { phase, loaded, total, rate })
        }
        Event::Loaded { name, adapter } => {
            state.set(LoadState::Ready { name, adapter });
            finished();
        }
        Event::Failed { kind, message } => {
            state.set(LoadState::Failed { kind, message });
            finished();
        }
        _ => {}
    });
}

fn mb(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

#[component]
pub fn Loader(state: RwSignal<LoadState>, busy: RwSignal<bool>, cache_changed: RwSignal<u32>) -> impl IntoView {
    let choice = RwSignal::new(0usize);
    let url = RwSignal::new(String::new());
    let default_model = RwSignal::new(None::<String>);
    let file_input: NodeRef<leptos::html::Input> = NodeRef::new();
    let dragging = RwSignal::new(false);

    let start = move |source: Source| {
        if busy.get_untracked() || matches!(state.get_untracked(), LoadState::Loading { .. }) {
            return;
        }
        load(source, state, move || cache_changed.update(|n| *n += 1));
    };
    // Find the default model; load it at once when it is already cached (no request at all).
    spawn_local(async move {
        let (url, cached) = default_url().await;
        default_model.set(Some(url.clone()));
        if cached {
            start(Source::Url(url));
        }
    });
    let load_selected = move |_| {
        let typed = url.get_untracked().trim().to_string();
        let chosen = if !typed.is_empty() {
            typed
        } else if choice.get_untracked() == 0 {
            match default_model.get_untracked() {
                Some(u) => u,
                None => return,
            }
        } else {
            CATALOG[choice.get_untracked()].url.to_string()
        };
        start(Source::Url(chosen));
    };
    let on_file = move |_| {
        if let Some(file) = file_input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) {
            start(Source::File(file));
        }
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            start(Source::File(file));
        }
    };
    let loading = move || matches!(state.get(), LoadState::Loading { .. });

    view! {
        <section
            class="card loader"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <div class="row">
                <label class="grow">
                    <span class="label">"Model"</span>
                    <select id="model-select" on:change=move |ev| choice.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {CATALOG.iter().enumerate().map(|(i, m)| view! {
                            <option value=i.to_string()>{format!("{} — {} MB", m.name, m.size_mb)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button id="load" class="primary" on:click=load_selected
                    disabled=move || loading() || busy.get() || (choice.get() == 0 && default_model.get().is_none())>"Load"</button>
            </div>
            <div class="row">
                <input id="model-url" class="grow" type="url" placeholder="…or any GGUF URL (https://…/model.gguf)"
                    prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) />
                <label class="button">
                    "Open .gguf"
                    <input id="model-file" type="file" accept=".gguf" node_ref=file_input on:change=on_file hidden />
                </label>
            </div>
            <p class="hint">"Drop a .gguf file here to load it from disk — nothing is uploaded anywhere."</p>
            {move || match state.get() {
                LoadState::Idle => view! { <p id="load-status" class="muted">"No model loaded."</p> }.into_any(),
                LoadState::Loading { phase, loaded, total, rate } => {
                    let fraction = total.map(|t| loaded as f64 / t.max(1) as f64).unwrap_or(0.0);
                    let eta = match total {
                        Some(t) if rate > 0.0 && t > loaded => format!(" · {:.0} s left", (t - loaded) as f64 / rate),
                        _ => String::new(),
                    };
                    let of = total.map(|t| format!(" / {}", mb(t as f64))).unwrap_or_default();
                    view! {
                        <div id="load-status" data-status="loading">
                            <progress max="1" value=fraction.to_string()></progress>
                            <p class="muted">{format!("{phase}: {}{of} · {:.1} MB/s{eta}", mb(loaded as f64), rate / 1e6)}</p>
                        </div>
                    }.into_any()
                }
                LoadState::Ready { name, adapter } => view! {
                    <p id="load-status" data-status="ready" class="ok">{format!("✓ {name} is ready on {adapter}")}</p>
                }.into_any(),
                LoadState::Failed { kind, message } => view! {
                    <p id="load-status" data-status="error" class="error"><strong>{kind}</strong>": "{message}</p>
                }.into_any(),
            }}
        </section>
    }
}
