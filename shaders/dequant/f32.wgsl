// F32: 32 consecutive values of the row starting at byte `row_byte`; `n_valid` < 32 on a ragged tail.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let base = (row_byte >> 2u) + group * 32u;
    for (var i = 0u; i < 32u; i++) {
        wv[i] = select(0.0, bitcast<f32>(w[base + i]), i < n_valid);
    }
}
