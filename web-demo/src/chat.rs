//! The conversation: bubbles that fill in as tokens stream, Stop, Regenerate, New chat, and the
//! settings that shape the next reply. Model output is only ever inserted as text nodes.

use crate::model_worker;
use crate::protocol::{Event, Request};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Message {
    id: usize,
    user: bool,
    text: RwSignal<String>,
    /// "TTFT … · prefill … · decode …" once the reply is complete.
    stats: RwSignal<Option<String>>,
    failed: RwSignal<bool>,
    done: RwSignal<bool>,
}

impl Message {
    fn new(id: usize, user: bool, text: &str) -> Self {
        Self { id, user, text: RwSignal::new(text.to_string()), stats: RwSignal::new(None), failed: RwSignal::new(false), done: RwSignal::new(user) }
    }
}

#[derive(Clone, Copy)]
pub struct Settings {
    pub system: RwSignal<String>,
    pub temperature: RwSignal<f32>,
    pub top_p: RwSignal<f32>,
    pub max_tokens: RwSignal<u32>,
}

impl Settings {
    pub fn new() -> Self {
        Self { system: RwSignal::new(String::new()), temperature: RwSignal::new(0.7), top_p: RwSignal::new(0.95), max_tokens: RwSignal::new(512) }
    }
}

/// Text with ``` fences shown as code blocks; everything else as plain, wrapped text.
fn render(text: &str) -> impl IntoView {
    text.split("```")
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                // Drop a language tag on the fence's first line.
                let code = match part.split_once('\n') {
                    Some((tag, rest)) if tag.trim().chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-') => rest,
                    _ => part,
                };
                view! { <pre><code>{code.to_string()}</code></pre> }.into_any()
            } else {
                view! { <span class="prose">{part.to_string()}</span> }.into_any()
            }
        })
        .collect_view()
}

#[component]
pub fn Chat(ready: Signal<bool>, busy: RwSignal<bool>, settings: Settings) -> impl IntoView {
    let messages = RwSignal::new(Vec::<Message>::new());
    let next_id = StoredValue::new(0usize);
    let input = RwSignal::new(String::new());
    let new_message = move |user: bool, text: &str| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        Message::new(id, user, text)
    };

    // Runs the model (in the worker) on the conversation so far, streaming into a new bubble.
    let reply = move || {
        let mut history: Vec<(String, String)> = Vec::new();
        let system = settings.system.get_untracked();
        if !system.trim().is_empty() {
            history.push(("system".into(), system.trim().into()));
        }
        for m in messages.get_untracked() {
            history.push((if m.user { "user" } else { "assistant" }.into(), m.text.get_untracked()));
        }
        let answer = new_message(false, "");
        messages.update(|list| list.push(answer));
        busy.set(true);
        let request = Request::Chat {
            messages: history,
            temperature: settings.temperature.get_untracked(),
            top_p: settings.top_p.get_untracked(),
            max_tokens: settings.max_tokens.get_untracked(),
            seed: (js_sys::Math::random() * 9.0e15) as u64,
        };
        model_worker::post(&request, None, move |event| {
            match event {
                Event::Delta { text } => return answer.text.update(|t| t.push_str(&text)),
                Event::Replied { tokens, ttft_s, prefill_tok_s, decode_tok_s, stopped } => answer.stats.set(Some(format!(
                    "{tokens} tokens · first token {ttft_s:.2} s · prefill {prefill_tok_s:.1} tok/s · decode {decode_tok_s:.1} tok/s{}",
                    if stopped { " · stopped" } else { "" }
                ))),
                Event::Failed { kind, message } => {
                    answer.failed.set(true);
                    answer.text.set(format!("{kind}: {message}"));
                }
                _ => return,
            }
            answer.done.set(true);
            busy.set(false);
        });
    };
    let send = move || {
        let text = input.get_untracked().trim().to_string();
        if text.is_empty() || busy.get_untracked() || !ready.get_untracked() {
            return;
        }
        input.set(String::new());
        let question = new_message(true, &text);
        messages.update(|list| list.push(question));
        reply();
    };
    let regenerate = move |_| {
        if busy.get_untracked() {
            return;
        }
        messages.update(|list| {
            if list.last().is_some_and(|m| !m.user) {
                list.pop();
            }
        });
        if messages.get_untracked().last().is_some_and(|m| m.user) {
            reply();
        }
    };

    view! {
        <section class="card chat">
            <div id="messages" class="messages" aria-live="polite">
                <Show when=move || messages.with(Vec::is_empty)>
                    <p class="muted empty">"Ask anything. The model runs on your GPU, in this tab; nothing you type leaves the machine."</p>
                </Show>
                <For each=move || messages.get() key=|m| m.id let:m>
                    <div class=if m.user { "msg user" } else { "msg assistant" }
                        class:failed=move || m.failed.get()
                        data-done=move || m.done.get().to_string()>
                        <div class="bubble">{move || render(&m.text.get())}</div>
                        {move || m.stats.get().map(|s| view! { <div class="stats">{s}</div> })}
                    </div>
                </For>
            </div>
            <form class="composer" on:submit=move |ev| { ev.prevent_default(); send(); }>
                <textarea id="prompt" rows="2" placeholder=move || if ready.get() { "Message the model… (Enter sends, Shift+Enter for a new line)" } else { "Load a model to start." }
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                    on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" && !ev.shift_key() { ev.prevent_default(); send(); }
                ></textarea>
                <div class="actions">
                    <Show when=move || busy.get() fallback=move || view! {
                        <button id="send" class="primary" type="submit" disabled=move || !ready.get()>"Send"</button>
                    }>
                        <button id="stop" type="button" class="danger" on:click=move |_| model_worker::stop()>"Stop"</button>
                    </Show>
                    <button id="regenerate" type="button" on:click=regenerate disabled=move || busy.get() || messages.with(Vec::is_empty)>"Regenerate"</button>
                    <button id="new-chat" type="button" on:click=move |_| messages.set(Vec::new()) disabled=move || busy.get()>"New chat"</button>
                </div>
            </form>
            <details class="settings">
                <summary>"Settings"</summary>
                <label>"System prompt"
                    <textarea id="system-prompt" rows="2" prop:value=move || settings.system.get() on:input=move |ev| settings.system.set(event_target_value(&ev))></textarea>
                </label>
                <div class="row">
                    <label>{move || format!("Temperature {:.2}", settings.temperature.get())}
                        <input id="temperature" type="range" min="0" max="2" step="0.05" prop:value=move || settings.temperature.get().to_string()
                            on:input=move |ev| settings.temperature.set(event_target_value(&ev).parse().unwrap_or(0.7)) />
                    </label>
                    <label>{move || format!("Top-p {:.2}", settings.top_p.get())}
                        <input id="top-p" type="range" min="0.05" max="1" step="0.05" prop:value=move || settings.top_p.get().to_string()
                            on:input=move |ev| settings.top_p.set(event_target_value(&ev).parse().unwrap_or(0.95)) />
                    </label>
                    <label>"Max tokens"
                        <input id="max-tokens" type="number" min="1" max="4096" prop:value=move || settings.max_tokens.get().to_string()
                            on:input=move |ev| settings.max_tokens.set(event_target_value(&ev).parse().unwrap_or(512)) />
                    </label>
                </div>
            </details>
        </section>
    }
}
