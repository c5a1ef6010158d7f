// The input of a matmul that follows an RMSNorm, x / rms(x) · weight, computed as the GEMV reads
// it (decode): the caller binds uniform windows over the residual stream x (binding 2) and the
// norm's weight (binding 4; on lavapipe a storage load of the weight made the GEMV up to 20%
// slower). `x4` returns x · weight and keeps the Σ x² of what it read; 1 / rms(x) is one number
// per token, so it commutes with the dot product and the GEMV multiplies its sums by `x_scale`
// at the end. Decode then needs no RMSNorm dispatch before Q/K/V, gate/up and the output matrix:
// two of a layer's eight dispatches, each costing 30–40 µs on lavapipe and a few µs on a GPU,
// more than a small model's GEMV. X_VEC4S (the adapter's uniform binding size / 16) is replaced
// when compiled. Rows are whole vec4s (n_in % 4 = 0). `x_total` comes from shaders/share_x/.
@group(0) @binding(2) var<uniform> x: array<vec4<f32>, X_VEC4S>;
@group(0) @binding(4) var<uniform> norm: array<vec4<f32>, X_VEC4S>;

// Σ x² over the quads this thread has read.
var<private> sum_sq: f32;

// x[i..i + 4] / rms(x) · weight[i..i + 4] before the 1 / rms(x), for i a multiple of 4.
fn x4(i: u32) -> vec4<f32> {
    return xq(0u, i >> 2u);
}

// Quad c4 of the window's token (t is always 0).
fn xq(t: u32, c4: u32) -> vec4<f32> {
    let v = x[c4];
    sum_sq += dot(v, v);
    return v * norm[c4];
}

// 1 / rms(x), once the GEMV has read all of x (its threads each, or its subgroups or the threads
// that split its rows together).
fn x_scale(inv: Invocation) -> f32 {
    return inverseSqrt(x_total(inv, sum_sq) / f32(params.n_in) + params.eps);
}
