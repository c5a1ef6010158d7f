// F16: 32 consecutive half floats; `n_valid` < 32 on a ragged tail (rows need not be multiples of 32).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let base = row_byte + group * 64u;
    for (var i = 0u; i < 32u; i++) {
        wv[i] = select(0.0, load_f16_at(base + 2u * i), i < n_valid);
    }
}
