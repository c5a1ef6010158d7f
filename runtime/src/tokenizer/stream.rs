//! Streaming detokenization: emits text as tokens arrive, but never a broken character — bytes of
//! a multi-byte character split across tokens are held until the character completes.

use super::Tokenizer;
use crate::error::Result;

#[derive(Default)]
pub struct TextStream {
    ids: Vec<u32>,
    emitted: usize,
}

impl TextStream {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a token; returns the new complete text (possibly empty).
    pub fn push(&mut self, tokenizer: &Tokenizer, id: u32) -> Result<String> {
        self.ids.push(id);
        let text = tokenizer.decode(&self.ids)?;
        // An incomplete UTF-8 sequence decodes as U+FFFD at the end: wait for more tokens.
        if text.ends_with('\u{FFFD}') || text.len() < self.emitted || !text.is_char_boundary(self.emitted) {
            return Ok(String::new());
        }
        let new = text[self.emitted..].to_string();
        self.emitted = text.len();
        Ok(new)
    }
}
