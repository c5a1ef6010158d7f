// y[r] (+)= dot(W[r], x) for one token (decode), four consecutive rows per thread (4·lid ..
// 4·lid + 3 of the workgroup's 4 · LANES). On CPU-emulated adapters (lavapipe, SwiftShader) an
// activation load inside a loop is paid per lane even when every lane reads the same x, so
// sharing each load of x between four rows is what cuts the work per weight (about 2x less CPU
// time per GEMV on lavapipe). The rows are consecutive so that a subgroup reads one contiguous
// stretch of memory: with rows lid + 64k, lavapipe read SmolLM2's short rows (576 values) from
// DRAM at half the rate, and decoded 20% slower.
// Same bindings and parameters as matvec.wgsl; `dot32_x` comes from shaders/dot/<type>.wgsl
// (`x_group`, what it reads of a group's x, from shaders/dot/via_x.wgsl),
// and how a thread gets the group's x (its own loads, or one load per lane shared across a
// subgroup) from shaders/share_x/.

// Params, w and y come from shaders/matmul_params.wgsl.
// x (binding 2), x4 and x_scale come from shaders/activations/uniform*.wgsl.

// Threads per workgroup: GEMV_LANES is replaced when compiled (kernels::Tuning::gemv_rows / 4).
const LANES: u32 = GEMV_LANES;

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) wg: vec3<u32>, inv: Invocation) {
    let first = (wg.x * LANES + inv.lid) * 4u;
    // Rows past the end repeat the last one (their results are not written); no thread returns
    // early, so a subgroup stays whole.
    let rows = min(vec4<u32>(first) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.n_out - 1u));
    let row_bytes = (vec4<u32>(params.first_row) + rows) * params.row_bytes;
    let n_groups = params.n_in / 32u;
    var acc = vec4<f32>(0.0);
    for (var g = 0u; g < n_groups; g++) {
        let col = g * 32u;
        let mine = lane_quad(inv, col);
        let xs = x_group(array<vec4<f32>, 8>(quad(mine, col, 0u), quad(mine, col, 1u), quad(mine, col, 2u), quad(mine, col, 3u),
                                             quad(mine, col, 4u), quad(mine, col, 5u), quad(mine, col, 6u), quad(mine, col, 7u)));
        acc += vec4<f32>(dot32_x(row_bytes.x, g, xs), dot32_x(row_bytes.y, g, xs), dot32_x(row_bytes.z, g, xs), dot32_x(row_bytes.w, g, xs));
    }
    let scale = x_scale();
    for (var k = 0u; k < 4u; k++) {
        let row = first + k;
        if (row < params.n_out) {
            let i = params.y_row0 + row;
            let prev = select(0.0, y[i], params.accumulate == 1u);
            y[i] = prev + acc[k] * scale;
        }
    }
}
