// Q4_0 block (18 bytes): d: f16, qs: 16 bytes of nibble pairs. x[j] = (lo(qs[j]) - 8) * d, x[j+16] = (hi - 8) * d.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let b = row_byte + group * 18u;
    let d = load_f16_at(b);
    for (var k = 0u; k < 4u; k++) {
        let q = load_u32_at(b + 2u + 4u * k);
        for (var i = 0u; i < 4u; i++) {
            let byte = u8_of(q, i);
            wv[4u * k + i] = (f32(byte & 0xfu) - 8.0) * d;
            wv[4u * k + i + 16u] = (f32(byte >> 4u) - 8.0) * d;
        }
    }
}
