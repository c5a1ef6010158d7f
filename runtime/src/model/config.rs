//! Model hyper-parameters from GGUF metadata. This file is the one place that maps metadata
//! keys to the configuration.

use crate::error::{Error, Result};
use crate::gguf::GgufHeader;
use crate::kernels::{Activation, AttentionShape, Rope, RopeStyle};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    Llama,
    Qwen2,
    Qwen3,
    Gemma3,
    Phi3,
}

/// Per architecture: GGUF name, RoPE pairing, FFN activation, and whether input embeddings are
/// scaled by sqrt(n_embd). Everything else (QKV bias, Q/K norms, fused QKV or gate/up, post-norms,
/// tied output) follows from which tensors the file has, in the one forward pass.
const ARCHS: &[(&str, Arch, RopeStyle, Activation, bool)] = &[
    ("llama", Arch::Llama, RopeStyle::Adjacent, Activation::Silu, false),
    ("qwen2", Arch::Qwen2, RopeStyle::Halves, Activation::Silu, false),
    ("qwen3", Arch::Qwen3, RopeStyle::Halves, Activation::Silu, false),
    ("gemma3", Arch::Gemma3, RopeStyle::Halves, Activation::GeluTanh, true),
    ("phi3", Arch::Phi3, RopeStyle::Halves, Activation::Silu, false),
];

impl Arch {
    pub(crate) fn row(name: &str) -> Result<&'static (&'static str, Arch, RopeStyle, Activation, bool)> {
        ARCHS.iter().find(|r| r.0 == name).ok_or_else(|| {
            let known: Vec<&str> = ARCHS.iter().map(|r| r.0).collect();
            Error::UnsupportedModel(format!("architecture {name:?} is not supported (supported: {})", known.join(", ")))
        })
    }
    /// Every supported architecture's GGUF name.
    pub fn names() -> impl Iterator<Item = &'static str> {
        ARCHS.iter().map(|r| r.0)
    }
    pub fn name(self) -> &'static str {
        ARCHS.iter().find(|r| r.1 == self).expect("every Arch is in ARCHS").0
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
    pub activation: Activation,
    /// Input embeddings are multiplied by this (gemma: sqrt(n_embd)).
    pub embedding_scale: f32,
    /// Attention scores are q·k times this (1/sqrt(head_dim) unless the file says otherwise).
    pub attention_scale: f32,
    /// Sliding-window attention on "local" layers: the window in positions (0 = none)...
    pub sliding_window: u32,
    /// ...and the layer pattern: layer `il` is local iff `il % pattern < pattern - 1`.
    pub sliding_window_pattern: u32,
    /// RoPE of the local layers (gemma3: their own base, `rope.freq_base_swa`).
    pub rope_local: Rope,
}

impl ModelConfig {
    /// Whether layer `il` attends through the sliding window.
    pub fn is_local_layer(&self, il: u32) -> bool {
        self.sliding_window > 0 && il % self.sliding_window_pattern < self.sliding_window_pattern - 1
    }
    pub fn kv_dim(&self) -> u32 {
        self.n_kv_head * self.head_dim
    }
    pub fn q_dim(&self) -> u32 {
        self.n_head * self.head_dim
    }

    /// The attention of a layer: `local` ones attend through the sliding window.
    pub fn attention_shape(&self, local: bool) -> AttentionShape {
        AttentionShape {
            n_head: self.n_head,
            n_kv_head: self.n_kv_head,
            head_dim: self.head_dim,
            scale: self.attention_scale,
            window: if local { self.sliding_window } else { 0 },
        }
    }

    pub fn from_header(h: &GgufHeader) -> Result<Self> {
        let md = &h.metadata;
        let arch_name = md.str("general.architecture")?.ok_or_else(|| missing("general.architecture"))?;
        let &(_, arch, rope_style, activation, scale_embeddings) = Arch::row(arch_name)?;
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
        if head_dim % 4 != 0 {
            return Err(bad(&key("attention.key_length"), "head size must be a multiple of 4 (attention reads 16 bytes at a time)"));
        }
        if let Some(v) = int("attention.value_length")? {
            if v != head_dim {
                return Err(bad(&key("attention.value_length"), "differs from the key length, which is not supported"));
            }
        }
        // Only gemma3 attends through a window; other files may carry the key unused.
        let (sliding_window, sliding_window_pattern) = match arch {
            Arch::Gemma3 => (int("attention.sliding_window")?.unwrap_or(0), int("attention.sliding_window_pattern")?.unwrap_or(6).max(1)),
            _ => (0, 1),
        };
        let rope = Rope { style: rope_style, n_rot, freq_base: float("rope.freq_base", 10000.0)?, freq_scale: rope_freq_scale(md, &key)? };
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
            rope,
            tied_embeddings: h.tensor("output.weight").is_none(),
            activation,
            embedding_scale: if scale_embeddings { (n_embd as f32).sqrt() } else { 1.0 },
            attention_scale: float("attention.scale", 1.0 / (head_dim as f64).sqrt())?,
            sliding_window,
            sliding_window_pattern,
            rope_local: Rope { freq_base: float("rope.freq_base_swa", 10000.0)?, freq_scale: 1.0, ..rope }, // gemma3 scales only its global layers
        };
        Ok(config)
    }
}

/// RoPE frequency scaling from `<arch>.rope.scaling.type` and `.factor` (or the older
/// `rope.scale_linear`): linear interpolation multiplies every frequency by 1 / factor. Llama 3's
/// scaling needs nothing here: its per-pair factors come as the `rope_freqs.weight` tensor. YaRN
/// and LongRoPE change more than the frequencies and are refused rather than run wrong.
fn rope_freq_scale(md: &crate::gguf::Metadata, key: &dyn Fn(&str) -> String) -> Result<f32> {
    let factor = |k: &str| -> Result<f64> {
        match md.f64(&key(k))? {
            Some(f) if f.is_finite() && f > 0.0 => Ok(f),
            Some(_) => Err(bad(&key(k), "must be a positive number")),
            None => Ok(1.0),
        }
    };
    let scale = match md.str(&key("rope.scaling.type"))? {
        None | Some("none") => 1.0 / factor("rope.scale_linear")?,
        Some("linear") => 1.0 / factor("rope.scaling.factor")?,
        Some(other) => return Err(Error::UnsupportedModel(format!("RoPE scaling {other:?} is not supported (none, linear and Llama 3's are)"))),
    };
    Ok(scale as f32)
}

fn missing(key: &str) -> Error {
    Error::UnsupportedModel(format!("metadata key {key:?} is missing"))
}

fn bad(key: &str, why: &str) -> Error {
    Error::UnsupportedModel(format!("metadata {key:?} {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gguf::{Metadata, Value};

    fn scale_of(entries: &[(&str, Value)]) -> Result<f32> {
        let md = Metadata(entries.iter().map(|(k, v)| (format!("llama.{k}"), v.clone())).collect());
        rope_freq_scale(&md, &|s: &str| format!("llama.{s}"))
    }

    #[test]
    fn rope_scaling_from_metadata() {
        assert_eq!(scale_of(&[]).unwrap(), 1.0);
        assert_eq!(scale_of(&[("rope.scaling.type", Value::String("none".into()))]).unwrap(), 1.0);
        let linear = [("rope.scaling.type", Value::String("linear".into())), ("rope.scaling.factor", Value::F32(4.0))];
        assert_eq!(scale_of(&linear).unwrap(), 0.25);
        assert_eq!(scale_of(&[("rope.scale_linear", Value::F32(2.0))]).unwrap(), 0.5);
        let yarn = [("rope.scaling.type", Value::String("yarn".into())), ("rope.scaling.factor", Value::F32(4.0))];
        assert!(matches!(scale_of(&yarn), Err(Error::UnsupportedModel(m)) if m.contains("yarn")));
        let zero = [("rope.scaling.type", Value::String("linear".into())), ("rope.scaling.factor", Value::F32(0.0))];
        assert!(scale_of(&zero).is_err());
    }

    /// Attention reads q, k and v 16 bytes at a time, so a head size of 6 (24 / 4 heads) is
    /// refused at load with the key that sets it; 8 (32 / 4) gets past that check.
    #[test]
    fn head_size_must_be_a_multiple_of_4() {
        let header = |n_embd: u32| GgufHeader {
            version: 3,
            metadata: Metadata(
                [("general.architecture", Value::String("llama".into())), ("llama.embedding_length", Value::U32(n_embd)), ("llama.attention.head_count", Value::U32(4))]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            ),
            tensors: Vec::new(),
            alignment: 32,
            data_start: 0,
        };
        let refused = ModelConfig::from_header(&header(24)).err().expect("head size 6 must be refused").to_string();
        assert!(refused.contains("llama.attention.key_length") && refused.contains("multiple of 4"), "{refused}");
        let passed = ModelConfig::from_header(&header(32)).err().expect("no tensors: still an error").to_string();
        assert!(!passed.contains("multiple of 4"), "{passed}");
    }

    #[test]
    fn rope_frequencies_with_scale_and_llama3_factors() {
        let rope = Rope { style: RopeStyle::Adjacent, n_rot: 8, freq_base: 10000.0, freq_scale: 1.0 };
        let plain = rope.inv_freqs(None);
        let want: Vec<f32> = (0..4).map(|i| 10000f64.powf(-2.0 * i as f64 / 8.0) as f32).collect();
        assert_eq!(plain, want);
        let half = Rope { freq_scale: 0.5, ..rope }.inv_freqs(None);
        assert!(half.iter().zip(&plain).all(|(h, p)| (h - p / 2.0).abs() <= p * 1e-6));
        let factors = [1.0, 2.0, 8.0, 32.0];
        let scaled = rope.inv_freqs(Some(&factors));
        assert!(scaled.iter().zip(&plain).zip(factors).all(|((s, p), f)| (s - p / f).abs() <= p * 1e-6));
    }
}
