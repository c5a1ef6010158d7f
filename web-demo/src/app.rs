//! Top-level view: which GPU we run on and whether our kernels agree with the CPU reference.

use leptos::prelude::*;
use leptos::task::spawn_local;
use webslm::{check, GpuContext};

/// What the GPU probe found: the adapter line and one line per kernel check.
#[derive(Clone)]
enum Probe {
    Running,
    Ready { adapter: String, checks: Vec<check::KernelCheck> },
    Failed { kind: &'static str, message: String },
}

#[component]
pub fn App() -> impl IntoView {
    let probe = RwSignal::new(Probe::Running);
    spawn_local(async move {
        let result = async {
            let ctx = GpuContext::new().await?;
            let checks = check::check_all(&ctx).await?;
            Ok::<_, webslm::Error>(Probe::Ready { adapter: ctx.info.summary(), checks })
        }
        .await;
        probe.set(result.unwrap_or_else(|e| Probe::Failed { kind: e.kind(), message: e.to_string() }));
    });

    view! {
        <main class="page">
            <header class="top">
                <h1>"webslm"</h1>
                <p class="tagline">"Small language models, running on your own GPU, in this tab."</p>
            </header>
            <section class="card" aria-live="polite">
                <h2>"GPU"</h2>
                {move || match probe.get() {
                    Probe::Running => view! { <p id="status" data-status="running">"Opening WebGPU…"</p> }.into_any(),
                    Probe::Ready { adapter, checks } => {
                        let all_pass = checks.iter().all(|c| c.passed());
                        view! {
                            <p>"Adapter: " <span id="adapter-name">{adapter}</span></p>
                            <ul id="kernel-checks" data-status=if all_pass { "pass" } else { "fail" }>
                                {checks.into_iter().map(|c| {
                                    let class = if c.passed() { "pass" } else { "fail" };
                                    view! { <li class=class data-kernel=c.kernel.clone()>{c.to_string()}</li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Probe::Failed { kind, message } => view! {
                        <p id="status" class="error" data-status="error">
                            <strong>{kind}</strong>": "{message}
                        </p>
                    }.into_any(),
                }}
            </section>
        </main>
    }
}
