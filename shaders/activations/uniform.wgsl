// Activations x read through a uniform buffer window of X_VEC4S vec4s (the caller binds a window
// of a storage buffer that also has UNIFORM usage). Every lane reads the same x, and on llvmpipe
// a uniform load is one vector gather while a storage load is a loop over the lanes: this is
// what lets a GEMV read its weights at near copy speed there. X_VEC4S is replaced by the
// adapter's uniform binding size / 16 when compiled.
@group(0) @binding(2) var<uniform> x: array<vec4<f32>, X_VEC4S>;

// x[i..i + 4] for i a multiple of 4.
fn x4(i: u32) -> vec4<f32> {
    return x[i >> 2u];
}

// Quad c4 of the window's token (t is always 0).
fn xq(t: u32, c4: u32) -> vec4<f32> {
    return x[c4];
}

fn x1(i: u32) -> f32 {
    return x[i >> 2u][i & 3u];
}

// What the GEMV multiplies its sums by (see uniform_norm.wgsl): nothing here.
fn x_scale(inv: Invocation) -> f32 {
    return 1.0;
}
