// How a matmul thread gets the activations of a 32-column group (8 quads) that it needs: shared
// across a subgroup of exactly 8 lanes. Lane l loads quad l (`lane_quad`) and a thread gets
// quad k from lane k by a shuffle. On CPU-emulated adapters a load costs a scalar access per
// lane but a shuffle is one vector permute, so this is 8x fewer loads of x. Chosen only where
// the adapter's subgroups are always 8 lanes (kernels::Tuning). `x4` comes from
// shaders/activations/.

struct Invocation {
    @builtin(local_invocation_index) lid: u32,
    @builtin(subgroup_invocation_id) lane: u32,
}

// This lane's quad of token t's 32-column group g.
fn lane_quad(inv: Invocation, t: u32, g: u32) -> vec4<f32> {
    return xq(t, 8u * g + inv.lane);
}

// Quad k of the group whose quad this lane loaded as `mine`: lane k's.
fn quad(mine: vec4<f32>, t: u32, g: u32, k: u32) -> vec4<f32> {
    return subgroupShuffle(mine, k);
}

// The sum over the lanes that shared x's loads of what each accumulated from its own quads.
fn x_total(inv: Invocation, v: f32) -> f32 {
    return subgroupAdd(v);
}

// A GEMV thread's sums for its rows, whole: each thread went through all of its rows.
fn row_total(inv: Invocation, v: vec4<f32>) -> vec4<f32> {
    return v;
}
