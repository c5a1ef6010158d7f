//! GPU diagnostics: the adapter, its features, and every kernel checked against its CPU reference.
//! Runs when opened (the checks take a while on a CPU-emulated adapter).

use leptos::prelude::*;
use leptos::task::spawn_local;
use webslm::{check, GpuContext};

#[derive(Clone)]
enum Probe {
    NotRun,
    Running,
    Ready { adapter: String, checks: Vec<check::KernelCheck> },
    Failed { kind: &'static str, message: String },
}

#[component]
pub fn Diagnostics() -> impl IntoView {
    let probe = RwSignal::new(Probe::NotRun);
    let run = move || {
        if !matches!(probe.get_untracked(), Probe::NotRun) {
            return;
        }
        probe.set(Probe::Running);
        spawn_local(async move {
            let result = async {
                let ctx = GpuContext::new().await?;
                let checks = check::check_all(&ctx).await?;
                Ok::<_, webslm::Error>(Probe::Ready { adapter: ctx.info.summary(), checks })
            }
            .await;
            probe.set(result.unwrap_or_else(|e| Probe::Failed { kind: e.kind(), message: e.to_string() }));
        });
    };
    view! {
        <details class="card" id="diagnostics" on:toggle=move |_| run()>
            <summary>"GPU diagnostics"</summary>
            {move || match probe.get() {
                Probe::NotRun | Probe::Running => view! { <p id="status" data-status="running">"Checking the kernels on this GPU…"</p> }.into_any(),
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
                    <p id="status" class="error" data-status="error"><strong>{kind}</strong>": "{message}</p>
                }.into_any(),
            }}
        </details>
    }
}
