//! Chat formatting with the model's own Jinja template (`tokenizer.chat_template`), rendered by
//! minijinja with a fuel limit so a hostile template cannot hang the tab.

use crate::error::{Error, Result};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

impl ChatMessage {
    pub fn new(role: &str, content: &str) -> Self {
        Self { role: role.into(), content: content.into() }
    }
}

pub struct ChatTemplate {
    source: String,
    bos_token: String,
    eos_token: String,
}

/// Enough for any real template over a long conversation; a runaway loop stops here.
const FUEL: u64 = 5_000_000;

impl ChatTemplate {
    pub fn new(source: &str, bos_token: &str, eos_token: &str) -> Result<Self> {
        let template = Self { source: source.into(), bos_token: bos_token.into(), eos_token: eos_token.into() };
        template.env()?; // fail early on a template that does not compile
        Ok(template)
    }

    fn env(&self) -> Result<minijinja::Environment<'_>> {
        let mut env = minijinja::Environment::new();
        env.set_fuel(Some(FUEL));
        env.add_function("raise_exception", |msg: String| -> std::result::Result<String, minijinja::Error> {
            Err(minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, msg))
        });
        env.add_template("chat", &self.source).map_err(|e| Error::Tokenizer(format!("chat template: {e}")))?;
        Ok(env)
    }

    /// Whether the template itself emits the BOS token.
    pub fn writes_bos(&self) -> bool {
        !self.bos_token.is_empty() && self.source.contains("bos_token")
    }

    pub fn render(&self, messages: &[ChatMessage], add_generation_prompt: bool) -> Result<String> {
        let env = self.env()?;
        let template = env.get_template("chat").map_err(|e| Error::Tokenizer(e.to_string()))?;
        template
            .render(minijinja::context! {
                messages => messages,
                add_generation_prompt => add_generation_prompt,
                bos_token => self.bos_token,
                eos_token => self.eos_token,
            })
            .map_err(|e| Error::Tokenizer(format!("chat template: {e}")))
    }
}
