// Activations x read 16 bytes at a time (rows must be whole vec4s). On CPU-emulated adapters
// every load is paid per invocation, so fewer and wider loads are what makes a matmul fast.
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;

// x[i..i + 4] for i a multiple of 4.
fn x4(i: u32) -> vec4<f32> {
    return x[i >> 2u];
}

// Token t's quad c4 (x[t][4 c4 .. 4 c4 + 4]), with no shift: SwiftShader emulates vector
// shifts one lane at a time, and a matmul takes a quad of x per 16 multiply-adds.
fn xq(t: u32, c4: u32) -> vec4<f32> {
    return x[t * params.n_in4 + c4];
}

fn x1(i: u32) -> f32 {
    return x[i >> 2u][i & 3u];
}
