// Parameters shared by attention.wgsl and attention_decode.wgsl (one Rust struct,
// `AttentionParams`, fills them).

struct Params {
    n_tok: u32,
    n_head: u32,
    n_kv_head: u32,
    head_dim: u32,
    pos0: u32,
    window: u32, // 0: unlimited
    scale: f32,
    n_chunks: u32,  // key chunks per (query, head)
    chunk_len: u32, // keys per chunk
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;

const D4: u32 = HEAD_DIM4;

// The first key that the query at position p sees.
fn first_key(p: u32) -> u32 {
    if (params.window > 0u && p + 1u > params.window) {
        return p + 1u - params.window;
    }
    return 0u;
}
