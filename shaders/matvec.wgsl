// y[r] (+)= dot(W[r], x) for one token (decode): the memory-bound GEMV. Same bindings and
// parameters as matmul.wgsl; `dot32` comes from shaders/dot/<type>.wgsl.

// Params, w and y come from shaders/matmul_params.wgsl.
// x (binding 2), x4 and x1 come from shaders/activations/vec4.wgsl.

const ROWS: u32 = 64u;

@compute @workgroup_size(ROWS)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let row = wg.x * ROWS + lid;
    if (row >= params.n_out) {
        return;
    }
    let row_byte = (params.first_row + row) * params.row_bytes;
    let n_groups = (params.n_in + 31u) / 32u;
    var acc = 0.0;
    for (var g = 0u; g < n_groups; g++) {
        acc += dot32(row_byte, g, g * 32u, min(32u, params.n_in - g * 32u));
    }
    let i = params.y_row0 + row;
    let prev = select(0.0, y[i], params.accumulate == 1u);
    y[i] = prev + acc;
}
