//! A loaded model ready to chat: GPU context, weights, tokenizer and the KV cache's contents.

use crate::error::Result;
use crate::generate::{generate, Completion, GenerateOptions};
use crate::gpu::{GpuContext, Profile};
use crate::model::Model;
use crate::tokenizer::{ChatMessage, Tokenizer};

pub struct Engine {
    pub ctx: GpuContext,
    pub model: Model,
    pub tokenizer: Tokenizer,
    /// Tokens whose keys/values are in the KV cache, from position 0.
    cached: Vec<u32>,
}

impl Engine {
    pub fn new(ctx: GpuContext, model: Model) -> Result<Self> {
        let tokenizer = Tokenizer::from_metadata(&model.header.metadata)?;
        Ok(Self { ctx, model, tokenizer, cached: Vec::new() })
    }

    /// Continues the token ids `prompt`.
    pub async fn complete(&mut self, prompt: &[u32], options: &GenerateOptions, on_text: impl FnMut(&str) -> bool) -> Result<Completion> {
        generate(&self.ctx, &self.model, &self.tokenizer, &mut self.cached, prompt, options, on_text).await
    }

    /// The assistant's reply to `messages`, formatted by the model's chat template.
    pub async fn chat(&mut self, messages: &[ChatMessage], options: &GenerateOptions, on_text: impl FnMut(&str) -> bool) -> Result<Completion> {
        let prompt = self.tokenizer.encode_chat(messages)?;
        self.complete(&prompt, options, on_text).await
    }

    /// Where `prompt`'s and `steps` decode steps' GPU time goes, kernel by kernel (see
    /// [`Model::time_kernels`]): prefill's profile, then decode's. They overwrite the KV cache.
    pub async fn time_kernels(&mut self, prompt: &[u32], steps: u32) -> Result<(Profile, Profile)> {
        self.cached.clear();
        self.model.time_kernels(&self.ctx, prompt, steps).await
    }

    /// Forgets the KV cache's contents (the next call runs its whole prompt).
    pub fn reset(&mut self) {
        self.cached.clear();
    }
}
