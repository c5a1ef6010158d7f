// Decode attention's reads of the KV cache from its buffers ([pos][n_kv_head][head_dim] of
// `kv_float`). texture.wgsl reads a texture copy instead (kernels::Tuning::kv_texture).

@group(0) @binding(2) var<storage, read> k_cache: array<vec4<kv_float>>;
@group(0) @binding(3) var<storage, read> v_cache: array<vec4<kv_float>>;

// Quad `col` of position j's keys (a row of n_kv_head · D4 quads).
fn key_quad(j: u32, col: u32) -> vec4<f32> {
    return vec4<f32>(k_cache[j * params.n_kv_head * D4 + col]);
}

// Quad `col` of position j's values.
fn value_quad(j: u32, col: u32) -> vec4<f32> {
    return vec4<f32>(v_cache[j * params.n_kv_head * D4 + col]);
}
