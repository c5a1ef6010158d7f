// Activations x read 16 bytes at a time (rows must be whole vec4s). On CPU-emulated adapters
// every load is paid per invocation, so fewer and wider loads are what makes a matmul fast.
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;

// x[i..i + 4] for i a multiple of 4.
fn x4(i: u32) -> vec4<f32> {
    return x[i >> 2u];
}

fn x1(i: u32) -> f32 {
    return x[i >> 2u][i & 3u];
}
