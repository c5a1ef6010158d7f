//! Models with random weights: a real GGUF's architecture, tokenizer, chat template and tensor
//! types, optionally with another body (layers, widths, heads), its weights random quants with
//! sane scales (`check::random_tensor_bytes`). What such a model says is noise; how fast it runs
//! is the real model's. It is how the bench measures a model whose file is not at hand: on a GPU
//! machine with no network (the header of a model that is, a couple of MB, is all it needs), or
//! an 8B-class body without downloading 4 GB.

use super::ModelConfig;
use crate::check::random_tensor_bytes;
use crate::error::{Error, Result};
use crate::gguf::{lay_out, GgufHeader, Metadata, Value};
use crate::rng::SplitMix64;

/// A body's dimensions; in a [`Resize`] each `None` keeps the source model's.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Resize {
    pub n_layer: Option<u32>,
    pub n_embd: Option<u32>,
    pub n_ff: Option<u32>,
    pub n_head: Option<u32>,
    pub n_kv_head: Option<u32>,
}

/// Bodies of well-known models (layers, embedding width, FFN width, heads, KV heads). The
/// vocabulary stays the source model's.
const PRESETS: &[(&str, [u32; 5])] = &[
    ("qwen2.5-0.5b", [24, 896, 4864, 14, 2]),
    ("llama-3.2-1b", [16, 2048, 8192, 32, 8]),
    ("llama-3.1-8b", [32, 4096, 14336, 32, 8]),
];

impl Resize {
    /// A body from [`PRESETS`] by name.
    pub fn preset(name: &str) -> Result<Self> {
        let (_, [l, e, f, h, kv]) = PRESETS.iter().find(|p| p.0 == name).ok_or_else(|| {
            let known: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
            Error::InvalidRequest(format!("unknown shape {name:?} (known: {})", known.join(", ")))
        })?;
        Ok(Self { n_layer: Some(*l), n_embd: Some(*e), n_ff: Some(*f), n_head: Some(*h), n_kv_head: Some(*kv) })
    }
}

/// The header of a model like `like`, resized: its metadata says the new dimensions, its layers
/// repeat the source's (layer i shaped like layer i mod n_layer), every dimension that held one
/// of the source's widths holds the new width, and the tensors are laid out afresh.
pub fn synth_header(like: &GgufHeader, resize: &Resize) -> Result<GgufHeader> {
    if like.metadata.u64("split.count")?.unwrap_or(1) > 1 {
        return Err(Error::InvalidRequest("a synthetic model is made from a one-file model's header, not a shard's".into()));
    }
    let old = ModelConfig::from_header(like)?;
    let n_layer = resize.n_layer.unwrap_or(old.n_layer);
    let n_embd = resize.n_embd.unwrap_or(old.n_embd);
    let n_ff = resize.n_ff.unwrap_or(old.n_ff);
    let n_head = resize.n_head.unwrap_or(old.n_head);
    let n_kv_head = resize.n_kv_head.unwrap_or(old.n_kv_head);
    let resized_heads = n_embd != old.n_embd || n_head != old.n_head;
    if resized_heads && old.q_dim() != old.n_embd {
        return Err(Error::UnsupportedModel(format!("{}'s heads do not span its embedding: its widths cannot be resized", old.arch.name())));
    }
    if n_layer == 0 || n_head == 0 || n_kv_head == 0 || n_head % n_kv_head != 0 || (resized_heads && n_embd % n_head != 0) {
        return Err(Error::InvalidRequest(format!("{n_layer} layers, {n_head} heads and {n_kv_head} KV heads do not make a body {n_embd} wide")));
    }
    let head_dim = if resized_heads { n_embd / n_head } else { old.head_dim };
    let kv_dim = n_kv_head * head_dim;
    // Each old width → its new one (fused Q/K/V and gate/up rows too); a clash is refused.
    let widths = [
        (old.n_embd, n_embd),
        (old.n_ff, n_ff),
        (old.kv_dim(), kv_dim),
        (old.head_dim, head_dim),
        (old.head_dim / 2, head_dim / 2),
        (old.q_dim() + 2 * old.kv_dim(), n_head * head_dim + 2 * kv_dim),
        (2 * old.n_ff, 2 * n_ff),
    ];
    for (i, a) in widths.iter().enumerate() {
        if let Some(b) = widths[..i].iter().find(|b| b.0 == a.0 && b.1 != a.1) {
            return Err(Error::UnsupportedModel(format!("two of the model's widths are both {}, which would be resized to {} and {}", a.0, b.1, a.1)));
        }
    }
    let resize_dim = |d: u64| widths.iter().find(|w| w.0 as u64 == d).map_or(d, |w| w.1 as u64);

    // The tensors in the source's order, its layers replaced by the new ones where the first was.
    let layer_of = |name: &str| name.strip_prefix("blk.")?.split_once('.').and_then(|(i, rest)| Some((i.parse::<u32>().ok()?, rest.to_string())));
    let mut tensors = Vec::new();
    let mut layers_written = false;
    for t in &like.tensors {
        if layer_of(&t.name).is_none() {
            tensors.push((t.name.clone(), t.dims.clone(), t.ty));
        } else if !layers_written {
            layers_written = true;
            for il in 0..n_layer {
                for u in &like.tensors {
                    if let Some((_, rest)) = layer_of(&u.name).filter(|(j, _)| *j == il % old.n_layer) {
                        tensors.push((format!("blk.{il}.{rest}"), u.dims.clone(), u.ty));
                    }
                }
            }
        }
    }
    for (name, dims, ty) in &mut tensors {
        *dims = dims.iter().map(|&d| resize_dim(d)).collect();
        if dims[0] % ty.block_size() != 0 {
            return Err(Error::UnsupportedModel(format!("{name}'s rows of {} are not whole {ty:?} blocks of {}", dims[0], ty.block_size())));
        }
    }

    let mut metadata = like.metadata.clone();
    let arch = old.arch.name();
    let mut set = |suffix: &str, v: u32, always: bool| set_int(&mut metadata, &format!("{arch}.{suffix}"), v, always);
    set("block_count", n_layer, true);
    set("embedding_length", n_embd, true);
    set("feed_forward_length", n_ff, true);
    set("attention.head_count", n_head, true);
    set("attention.head_count_kv", n_kv_head, n_kv_head != n_head);
    set("attention.key_length", head_dim, false);
    set("attention.value_length", head_dim, false);
    if old.rope.n_rot == old.head_dim {
        set("rope.dimension_count", head_dim, false);
    } else if head_dim != old.head_dim {
        return Err(Error::UnsupportedModel("the model rotates part of each head: its head size cannot be resized".into()));
    }
    let name = like.metadata.str("general.name")?.unwrap_or(arch).to_string();
    let body = if *resize == Resize::default() { String::new() } else { format!(", {n_layer} layers of {n_embd}") };
    metadata.0.insert("general.name".into(), Value::String(format!("{name} (random weights{body})")));
    metadata.0.retain(|k, _| !k.starts_with("split."));

    let tensors = lay_out(tensors, like.alignment);
    let header = GgufHeader { version: 3, metadata, tensors, alignment: like.alignment, data_start: 0 };
    ModelConfig::from_header(&header)?; // what was written must load
    Ok(header)
}

/// Sets an integer key, in the type the file already uses for it; an absent key is added (as
/// u32) only when `always`.
fn set_int(metadata: &mut Metadata, key: &str, v: u32, always: bool) {
    let value = match metadata.0.get(key) {
        Some(Value::U64(_)) => Value::U64(v as u64),
        Some(Value::I32(_)) => Value::I32(v as i32),
        Some(Value::I64(_)) => Value::I64(v as i64),
        Some(_) => Value::U32(v),
        None if always => Value::U32(v),
        None => return,
    };
    metadata.0.insert(key.to_string(), value);
}

/// Writes a whole model file: `header` (from [`synth_header`]), then each tensor's random data
/// (from `seed`) at its offset.
pub fn write_model(header: &GgufHeader, seed: u64, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let head = crate::gguf::header_bytes(header);
    out.write_all(&head)?;
    let mut rng = SplitMix64::new(seed);
    let mut written = 0;
    for t in &header.tensors {
        out.write_all(&vec![0; (t.offset - written) as usize])?;
        out.write_all(&random_tensor_bytes(t.ty, t.n_elements() as usize, &mut rng))?;
        written = t.offset + t.n_bytes;
    }
    Ok(())
}
