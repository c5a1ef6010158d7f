// The Q/K/V epilogue's writes into the KV cache's texture copies (kernels::Tuning::kv_texture;
// gpu::KvCache): rgba32float, texel (quad, position). A texel is four values and the epilogue
// stores pairs, so after the second pair of a quad the whole quad is read back from the cache
// buffer (this thread wrote both pairs: its rows are consecutive, from a multiple of 4) and
// stored. Decode then needs no copies into the textures.

@group(0) @binding(EPILOGUE_B3) var k_texels_out: texture_storage_2d<rgba32float, write>;
@group(0) @binding(EPILOGUE_B4) var v_texels_out: texture_storage_2d<rgba32float, write>;

// After the pair at `col`, `col + 1` of position params.pos's keys (or values) is in the cache.
fn texel_after_pair(is_v: bool, col: u32) {
    if (col % 4u != 2u) {
        return;
    }
    let at = params.pos * params.kv_rows + col - 2u;
    let texel = vec2<u32>(col / 4u, params.pos);
    if (is_v) {
        textureStore(v_texels_out, texel, vec4<f32>(f32(v_cache[at]), f32(v_cache[at + 1u]), f32(v_cache[at + 2u]), f32(v_cache[at + 3u])));
    } else {
        textureStore(k_texels_out, texel, vec4<f32>(f32(k_cache[at]), f32(k_cache[at + 1u]), f32(k_cache[at + 2u]), f32(k_cache[at + 3u])));
    }
}
