// F32 row group · x: Σ w[i] x[xb + i] over the n_valid values of group `group`.
fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    let base = (row_byte >> 2u) + group * 32u;
    var s = 0.0;
    for (var i = 0u; i < n_valid; i++) {
        s += bitcast<f32>(w[base + i]) * x1(xb + i);
    }
    return s;
}
