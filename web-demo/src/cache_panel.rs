//! Cached models (IndexedDB) with their sizes, delete, and the origin's storage estimate.

use leptos::prelude::*;
use leptos::task::spawn_local;
use webslm::source::{estimate, Manifest, ModelCache};

#[derive(Clone, Default)]
struct Snapshot {
    models: Vec<Manifest>,
    usage: f64,
    quota: f64,
    error: Option<String>,
}

async fn snapshot() -> Snapshot {
    let listed = async { ModelCache::open().await?.list().await }.await;
    let (usage, quota) = estimate().await.unwrap_or((0.0, 0.0));
    match listed {
        Ok(models) => Snapshot { models, usage, quota, error: None },
        Err(e) => Snapshot { usage, quota, error: Some(e.to_string()), ..Default::default() },
    }
}

#[component]
pub fn CachePanel(changed: RwSignal<u32>) -> impl IntoView {
    let state = RwSignal::new(Snapshot::default());
    Effect::new(move |_| {
        changed.track();
        spawn_local(async move { state.set(snapshot().await) });
    });
    let delete = move |id: String| {
        spawn_local(async move {
            if let Ok(cache) = ModelCache::open().await {
                let _ = cache.delete(&id).await;
            }
            changed.update(|n| *n += 1);
        })
    };
    let gb = |b: f64| if b >= 1e9 { format!("{:.2} GB", b / 1e9) } else { format!("{:.1} MB", b / 1e6) };
    view! {
        <details class="card cache" id="cache-panel">
            <summary>"Cached models"</summary>
            {move || {
                let s = state.get();
                view! {
                    <p class="muted" id="storage-estimate">{format!("This site uses {} of {} available storage.", gb(s.usage), gb(s.quota))}</p>
                    {s.error.map(|e| view! { <p class="error">{e}</p> })}
                    <ul class="cache-list">
                        {s.models.into_iter().map(|m| {
                            let id = m.id.clone();
                            let name = m.id.rsplit('/').next().unwrap_or(&m.id).to_string();
                            let size = m.total_bytes().map(|b| gb(b as f64)).unwrap_or_else(|| "?".into());
                            let status = if m.complete { size } else { format!("{} of {size} (resumes on next load)", gb(m.stored_bytes() as f64)) };
                            view! {
                                <li>
                                    <span class="grow" title=m.id.clone()>{name}</span>
                                    <span class="muted">{status}</span>
                                    <button on:click=move |_| delete(id.clone())>"Delete"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            }}
        </details>
    }
}
