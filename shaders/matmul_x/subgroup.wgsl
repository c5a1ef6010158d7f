// The GEMM's activations (shaders/matmul.wgsl), shared across a subgroup of exactly 8 lanes: lane
// l loads quad l of the group (columns col + 4l ..) for every token slot, and a thread gets quad
// k from lane k by a shuffle. Every thread needs every quad, so on CPU-emulated adapters, where a
// load costs a scalar access per lane but a shuffle is one vector permute, this is 8x fewer loads
// of x (prefill's GEMM about 2x faster on lavapipe). Chosen only where the adapter's subgroups are
// always 8 lanes (runtime/src/kernels/ops.rs).

struct Invocation {
    @builtin(local_invocation_index) lid: u32,
    @builtin(subgroup_invocation_id) lane: u32,
}

// This lane's quad of the current group, per token slot.
var<private> lane_x: array<vec4<f32>, TOK>;

fn load_group(inv: Invocation, col: u32) {
    let c = col + 4u * inv.lane;
    lane_x[0] = xt4(token(0u), c);
    lane_x[1] = xt4(token(1u), c);
    lane_x[2] = xt4(token(2u), c);
    lane_x[3] = xt4(token(3u), c);
    lane_x[4] = xt4(token(4u), c);
    lane_x[5] = xt4(token(5u), c);
    lane_x[6] = xt4(token(6u), c);
    lane_x[7] = xt4(token(7u), c);
}

// Columns col + 4k .. of the token in slot s: lane k's load.
fn x_quad(s: u32, col: u32, k: u32) -> vec4<f32> {
    return subgroupShuffle(lane_x[s], k);
}
