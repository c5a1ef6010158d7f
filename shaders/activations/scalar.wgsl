// Activations x read one f32 at a time: any row length.
@group(0) @binding(2) var<storage, read> x: array<f32>;

fn x4(i: u32) -> vec4<f32> {
    return vec4<f32>(x[i], x[i + 1u], x[i + 2u], x[i + 3u]);
}

// Token t's quad c4.
fn xq(t: u32, c4: u32) -> vec4<f32> {
    return x4(t * params.n_in + 4u * c4);
}

fn x1(i: u32) -> f32 {
    return x[i];
}
