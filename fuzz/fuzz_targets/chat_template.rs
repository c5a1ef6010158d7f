//! Chat-template compilation and rendering on hostile templates and messages: an error or a
//! string, within the fuel limit (no hang), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use webslm::tokenizer::{ChatMessage, ChatTemplate};

fuzz_target!(|input: &[u8]| {
    // The template, then NUL-separated message contents (roles alternate).
    let text = String::from_utf8_lossy(input);
    let mut parts = text.split('\0');
    let source = parts.next().unwrap_or_default();
    let roles = ["system", "user", "assistant", "tool"];
    let messages: Vec<ChatMessage> = parts.take(16).enumerate().map(|(i, c)| ChatMessage::new(roles[i % roles.len()], c)).collect();
    let Ok(template) = ChatTemplate::new(source, "<s>", "</s>") else { return };
    let _ = template.render(&messages, true);
    let _ = template.render(&messages, false);
});
