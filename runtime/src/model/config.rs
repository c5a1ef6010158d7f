//! Model hyper-parameters from GGUF metadata. This file is the one place that maps metadata
//! keys to the configuration.

use crate::error::{Error, Result};
use crate::gguf::GgufHeader;
use crate::kernels::{Rope, RopeStyle};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    Llama,
}

impl Arch {
    fn from_name(name: &str) -> Result<Self> {
        match name {
            "llama" => Ok(Arch::Llama),
            other => Err(Error::UnsupportedModel(format!(
                "architecture {other:?} is not supported yet (supported: llama)"
            ))),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ModelConfig {
    pub arch: Arch,
    pub n_vocab: u32,
    pub n_embd: u32,
    pub n_layer: u32,
    pub n_head: u32,
    pub n_kv_head: u32,
    pub head_dim: u32,
    pub n_ff: u32,
    /// Context length the model was trained with.
    pub n_ctx_train: u32,
    pub rms_eps: f32,
    pub rope: Rope,
    /// No `output.weight`: logits use the token embedding.
    pub tied_embeddings: bool,
}

impl ModelConfig {
    pub fn kv_dim(&self) -> u32 {
        self.n_kv_head * self.head_dim
    }
    pub fn q_dim(&self) -> u32 {
        self.n_head * self.head_dim
    }

    pub fn from_header(h: &GgufHeader) -> Result<Self> {
        let md = &h.metadata;
        let arch_name = md.str("general.architecture")?.ok_or_else(|| missing("general.architecture"))?;
        let arch = Arch::from_name(arch_name)?;
        // Every architecture-specific key lives under "<arch>.".
        let key = |suffix: &str| format!("{arch_name}.{suffix}");
        let int = |suffix: &str| -> Result<Option<u32>> {
            let k = key(suffix);
            match md.u64(&k)? {
                None => Ok(None),
                Some(v) => u32::try_from(v).map(Some).map_err(|_| bad(&k, "does not fit in 32 bits")),
            }
        };
        let required = |suffix: &str| int(suffix)?.ok_or_else(|| missing(&key(suffix)));
        let float = |suffix: &str, default: f64| -> Result<f32> { Ok(md.f64(&key(suffix))?.unwrap_or(default) as f32) };

        let n_embd = required("embedding_length")?;
        let n_head = required("attention.head_count")?;
        let n_kv_head = int("attention.head_count_kv")?.unwrap_or(n_head);
        if n_head == 0 || n_kv_head == 0 || n_head % n_kv_head != 0 {
            return Err(bad(&key("attention.head_count_kv"), "must divide the head count"));
        }
        let head_dim = int("attention.key_length")?.unwrap_or(n_embd / n_head);
        let n_rot = int("rope.dimension_count")?.unwrap_or(head_dim);
        if head_dim == 0 || head_dim > 256 || n_rot > head_dim || n_rot % 2 != 0 {
            return Err(bad(&key("rope.dimension_count"), "head size must be ≤ 256 and rotary dims even and ≤ head size"));
        }
        let embd = h.tensor("token_embd.weight").ok_or_else(|| Error::UnsupportedModel("no token_embd.weight tensor".into()))?;
        let config = ModelConfig {
            arch,
            n_vocab: embd.n_rows() as u32,
            n_embd,
            n_layer: required("block_count")?,
            n_head,
            n_kv_head,
            head_dim,
            n_ff: required("feed_forward_length")?,
            n_ctx_train: required("context_length")?,
            rms_eps: float("attention.layer_norm_rms_epsilon", 1e-5)?,
            rope: Rope {
                style: match arch {
                    Arch::Llama => RopeStyle::Adjacent,
                },
                n_rot,
                freq_base: float("rope.freq_base", 10000.0)?,
            },
            tied_embeddings: h.tensor("output.weight").is_none(),
        };
        Ok(config)
    }
}

fn missing(key: &str) -> Error {
    Error::UnsupportedModel(format!("metadata key {key:?} is missing"))
}

fn bad(key: &str, why: &str) -> Error {
    Error::UnsupportedModel(format!("metadata {key:?} {why}"))
}
