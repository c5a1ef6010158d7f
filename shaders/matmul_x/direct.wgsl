// The GEMM's activations (shaders/matmul.wgsl), loaded where they are used: each quad of x once
// per thread. For adapters without a subgroup of 8 to share loads in.

struct Invocation {
    @builtin(local_invocation_index) lid: u32,
}

fn load_group(inv: Invocation, col: u32) {}

// Columns col + 4k .. of the token in slot s.
fn x_quad(s: u32, col: u32, k: u32) -> vec4<f32> {
    return xt4(token(s), col + 4u * k);
}
