// How a matmul thread gets the activations of a 32-column group (8 quads) that it needs: here,
// by loading each quad itself. For adapters without subgroups of 8 (see subgroup.wgsl).
// `x4` comes from shaders/activations/; the sums of what threads computed from whole.wgsl (or,
// for a GEMV whose rows are split across threads, split.wgsl).

struct Invocation {
    @builtin(local_invocation_index) lid: u32,
}

// What this lane loads for the others: nothing here.
fn lane_quad(inv: Invocation, t: u32, g: u32) -> vec4<f32> {
    return vec4<f32>(0.0);
}

// Quad k of token t's 32-column group g.
fn quad(mine: vec4<f32>, t: u32, g: u32, k: u32) -> vec4<f32> {
    return xq(t, 8u * g + k);
}
