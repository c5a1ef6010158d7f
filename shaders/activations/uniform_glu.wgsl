// The input of a gated feed-forward block's down projection, act(gate) · up, computed as it is
// read: the caller binds uniform windows over one token's gate (binding 2) and up (binding 4)
// halves, as the gate/up matmul wrote them, so decode needs no GLU dispatch of its own (on
// lavapipe each dispatch costs about 60 µs, on a GPU a few: more than this matmul's work for a
// small model). Two windows rather than one indexed at an offset: lavapipe ran `x[(i + n) / 4]`
// 7x slower. GLU_ACT (silu or gelu_tanh from shaders/act.wgsl) and X_VEC4S (the adapter's
// uniform binding size / 16) are replaced when compiled. Rows are whole vec4s (n_in % 4 = 0).
@group(0) @binding(2) var<uniform> x: array<vec4<f32>, X_VEC4S>;
@group(0) @binding(4) var<uniform> up: array<vec4<f32>, X_VEC4S>;

// act(gate[i..i + 4]) * up[i..i + 4] for i a multiple of 4.
fn x4(i: u32) -> vec4<f32> {
    return xq(0u, i >> 2u);
}

// Quad c4 of the window's token (t is always 0).
fn xq(t: u32, c4: u32) -> vec4<f32> {
    return GLU_ACT(x[c4]) * up[c4];
}

fn x1(i: u32) -> f32 {
    return GLU_ACT(vec4<f32>(x[i >> 2u][i & 3u])).x * up[i >> 2u][i & 3u];
}

// What the GEMV multiplies its sums by (see uniform_norm.wgsl): nothing here.
fn x_scale(inv: Invocation) -> f32 {
    return 1.0;
}
