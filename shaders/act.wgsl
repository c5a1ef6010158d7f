// The activations of a gated linear unit, four values at a time: SiLU (SwiGLU: llama, qwen,
// phi3) and GELU with the tanh approximation (GeGLU: gemma). Used by glu.wgsl and by
// activations/uniform_glu.wgsl.

fn silu(x: vec4<f32>) -> vec4<f32> {
    return x / (1.0 + exp(-x));
}

fn gelu_tanh(x: vec4<f32>) -> vec4<f32> {
    // tanh of a clamped argument: some tanh implementations overflow to NaN for large inputs,
    // and tanh(±9) is already ±1 in f32.
    let inner = clamp(0.7978845608 * (x + 0.044715 * x * x * x), vec4<f32>(-9.0), vec4<f32>(9.0));
    return 0.5 * x * (1.0 + tanh(inner));
}
