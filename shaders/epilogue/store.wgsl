// Where a GEMV's results go: y[y_row0 + row] (+)= value, for rows `row` and `row + 1` (the
// second only where W has it). y and params come from shaders/matmul_params.wgsl.
fn store_pair(row: u32, v: vec2<f32>) {
    for (var j = 0u; j < 2u; j++) {
        if (row + j < params.n_out) {
            let i = params.y_row0 + row + j;
            let prev = select(0.0, y[i], params.accumulate == 1u);
            y[i] = prev + v[j];
        }
    }
}
