//! Text ↔ token ids, built from the GGUF's own `tokenizer.ggml.*` metadata with HF `tokenizers`,
//! and chat formatting from its `tokenizer.chat_template`.

mod build;
mod chat;
mod stream;

pub use chat::{ChatMessage, ChatTemplate};
pub use stream::TextStream;

use crate::error::{Error, Result};
use crate::gguf::Metadata;

pub struct Tokenizer {
    inner: tokenizers::Tokenizer,
    pub bos: Option<u32>,
    pub eos: Option<u32>,
    /// Whether prompts start with BOS (`tokenizer.ggml.add_bos_token`, default true for SentencePiece).
    pub add_bos: bool,
    /// Ids that end a reply: EOS, EOT and the template's end-of-turn marker when it is a token.
    pub stop_ids: Vec<u32>,
    pub chat_template: Option<ChatTemplate>,
}

impl Tokenizer {
    pub fn from_metadata(md: &Metadata) -> Result<Self> {
        let built = build::from_metadata(md)?;
        let id = |key: &str| -> Result<Option<u32>> {
            // llama.cpp writes u32::MAX for "absent".
            Ok(md.u64(key)?.filter(|&v| v < built.n_vocab as u64).map(|v| v as u32))
        };
        let bos = id("tokenizer.ggml.bos_token_id")?;
        let eos = id("tokenizer.ggml.eos_token_id")?;
        let mut stop_ids: Vec<u32> = [eos, id("tokenizer.ggml.eot_token_id")?].into_iter().flatten().collect();
        for marker in ["<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|endoftext|>"] {
            if let Some(i) = built.tokenizer.token_to_id(marker) {
                if !stop_ids.contains(&i) {
                    stop_ids.push(i);
                }
            }
        }
        let add_bos = md.bool("tokenizer.ggml.add_bos_token")?.unwrap_or(built.is_sentencepiece);
        let token_text = |i: Option<u32>| i.and_then(|i| built.tokenizer.id_to_token(i)).unwrap_or_default();
        let chat_template = md
            .str("tokenizer.chat_template")?
            .map(|src| ChatTemplate::new(src, &token_text(bos), &token_text(eos)))
            .transpose()?;
        Ok(Self { inner: built.tokenizer, bos, eos, add_bos, stop_ids, chat_template })
    }

    /// Token ids of `text`; special tokens written in the text (e.g. `<|im_start|>`) are
    /// recognised. With `add_bos`, BOS is prepended when the model wants it.
    pub fn encode(&self, text: &str, add_bos: bool) -> Result<Vec<u32>> {
        let encoding = self.inner.encode(text, false).map_err(|e| Error::Tokenizer(e.to_string()))?;
        let mut ids = Vec::with_capacity(encoding.len() + 1);
        if add_bos && self.add_bos {
            ids.extend(self.bos);
        }
        ids.extend_from_slice(encoding.get_ids());
        Ok(ids)
    }

    /// Text of `ids`; special tokens are left out.
    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        self.inner.decode(ids, true).map_err(|e| Error::Tokenizer(e.to_string()))
    }

    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    /// Whether the model has a chat template (base models often have none).
    pub fn has_chat_template(&self) -> bool {
        self.chat_template.is_some()
    }

    /// The prompt ids for a chat, through the model's own template.
    pub fn encode_chat(&self, messages: &[ChatMessage]) -> Result<Vec<u32>> {
        let template = self.chat_template.as_ref().ok_or_else(|| Error::Tokenizer("this model has no chat template".into()))?;
        let text = template.render(messages, true)?;
        // Templates write BOS themselves when they want it.
        self.encode(&text, !template.writes_bos())
    }
}
