// Activations x read through a texture: a token's row of x is a row of rgba32float texels, one
// per quad (kernels::Tuning::x_texture; the GEMM's x is copied there before it runs, or written
// there by the RMSNorm before it: shaders/norm_out/texture.wgsl). On
// SwiftShader every load from a buffer is a gather, a masked scalar load per lane and per float
// (see shaders/matvec_rows.wgsl), while a texel fetch loads each lane's 16 bytes at once: a
// quad of x costs about a third as much, and the GEMM loads a quad per 16 multiply-adds.
// `x_tex` (binding 2) and `x_tex_at`, its texel read as the tuning reads textures (a fetch, or
// a storage texture's load), come from kernels::TexelRead::wgsl.

// Token t's quad c4 (x[t][4 c4 .. 4 c4 + 4]).
fn xq(t: u32, c4: u32) -> vec4<f32> {
    return x_tex_at(vec2<u32>(c4, t));
}
