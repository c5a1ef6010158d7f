//! The shape each weight must have, from the model's config. The loader checks a header's tensor
//! infos against it before any weight is uploaded (a one-file model at its header, a split model
//! once every shard's header is in), so that a file whose tensors disagree with its metadata is
//! refused before its download, not run out of bounds.

use super::ModelConfig;
use crate::error::{Error, Result};
use crate::gguf::GgufHeader;

/// Every weight the forward pass reads must be rows of the width the config implies, as many
/// rows as it implies (a vector: one row). Tensors the forward pass does not read are not checked.
pub fn check_shapes(header: &GgufHeader, config: &ModelConfig) -> Result<()> {
    for t in &header.tensors {
        let layer_has_gate = |layer: &str| header.tensor(&format!("blk.{layer}.ffn_gate.weight")).is_some();
        let Some((cols, rows)) = shape_of(config, &t.name, layer_has_gate) else { continue };
        if t.dims[0] != cols || t.n_rows() != rows {
            let want = if rows == 1 { format!("[{cols}]") } else { format!("[{cols}, {rows}]") };
            return Err(Error::UnsupportedModel(format!("{} has shape {:?}; the model's metadata implies {want}", t.name, t.dims)));
        }
    }
    Ok(())
}

/// (values per row, rows) of the weight `name`; `has_gate(layer)` says whether that layer's
/// gate is a tensor of its own (else ffn_up holds gate and up).
fn shape_of(c: &ModelConfig, name: &str, has_gate: impl Fn(&str) -> bool) -> Option<(u64, u64)> {
    let (layer, part) = match name.strip_prefix("blk.") {
        Some(rest) => rest.split_once('.')?,
        None => ("", name),
    };
    let (embd, q, kv, ff, head) = (c.n_embd as u64, c.q_dim() as u64, c.kv_dim() as u64, c.n_ff as u64, c.head_dim as u64);
    Some(match part {
        "token_embd.weight" | "output.weight" => (embd, c.n_vocab as u64),
        "output_norm.weight" | "attn_norm.weight" | "ffn_norm.weight" | "post_attention_norm.weight" | "post_ffw_norm.weight" => (embd, 1),
        "attn_q.weight" => (embd, q),
        "attn_k.weight" | "attn_v.weight" => (embd, kv),
        "attn_qkv.weight" => (embd, q + 2 * kv),
        "attn_output.weight" => (q, embd),
        "attn_q.bias" => (q, 1),
        "attn_k.bias" | "attn_v.bias" => (kv, 1),
        "attn_q_norm.weight" | "attn_k_norm.weight" => (head, 1),
        "ffn_gate.weight" => (embd, ff),
        "ffn_up.weight" => (embd, if has_gate(layer) { ff } else { 2 * ff }),
        "ffn_down.weight" => (ff, embd),
        _ => return None,
    })
}
