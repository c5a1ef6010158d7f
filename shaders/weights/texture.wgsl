// The weights as 16-byte words in an rgba32uint texture (where kernels::Tuning::weight_texture:
// CPU adapters, where a texel costs less than a load from a buffer), for the same types as
// vec4.wgsl. The texture's texels, row after row, are its arena's words
// (runtime/src/gpu/tensor.rs, WEIGHT_TEXELS a row); this binding's words start at word
// `params.w_word0` (a tensor's place in the arena). A power-of-two row, so the texel's place is
// a mask and a shift. `w` (binding 1) and `w_at`, its texel read as the tuning reads textures
// (a fetch, or a storage texture's load), come from kernels::TexelRead::wgsl.

// Word i of the weights.
fn wq(i: u32) -> vec4<u32> {
    let word = params.w_word0 + i;
    return w_at(vec2<u32>(word % WEIGHT_TEXELS, word / WEIGHT_TEXELS));
}
