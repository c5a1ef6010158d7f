// BF16: 32 consecutive bfloat16 (the upper half of an f32: widening is a 16-bit shift); `n_valid` < 32
// on a ragged tail, and rows of odd length start at half-word offsets.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let base = row_byte + group * 64u;
    for (var i = 0u; i < 32u; i++) {
        let byte = base + 2u * i;
        let bits = (w[byte >> 2u] >> ((byte & 2u) * 8u)) << 16u;
        wv[i] = select(0.0, bitcast<f32>(bits), i < n_valid);
    }
}
