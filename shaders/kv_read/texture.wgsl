// Decode attention's reads of the KV cache from its texture copies (kernels::Tuning::kv_texture;
// rgba32float, texel (quad, position), written by copies of the cache buffers' rows:
// model::KvCache). `k_texels` and `v_texels` (bindings 2 and 3) and their `_at` functions come
// from kernels::TexelRead::wgsl.

// Quad `col` of position j's keys (a row of n_kv_head · D4 quads).
fn key_quad(j: u32, col: u32) -> vec4<f32> {
    return k_texels_at(vec2<u32>(col, j));
}

// Quad `col` of position j's values.
fn value_quad(j: u32, col: u32) -> vec4<f32> {
    return v_texels_at(vec2<u32>(col, j));
}
