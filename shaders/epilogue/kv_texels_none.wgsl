// The Q/K/V epilogue where the KV cache has no texture copies (see kv_texels.wgsl).

fn texel_after_pair(is_v: bool, col: u32) {}
