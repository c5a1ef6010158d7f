// A thread-per-row RMSNorm's result straight into the texture a prompt's GEMM reads x from
// (shaders/activations/texture.wgsl: a row of rgba32float texels per row), so that no buffer of
// normed rows is written, read back and copied there (Kernels::rms_norm_input).
@group(0) @binding(3) var y_tex: texture_storage_2d<rgba32float, write>;

fn put(row: u32, i: u32, v: vec4<f32>) {
    textureStore(y_tex, vec2<u32>(i, row), v);
}
