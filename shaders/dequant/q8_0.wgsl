// Q8_0 block (34 bytes): d: f16, qs: 32 signed bytes. x[j] = qs[j] * d.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let b = row_byte + group * 34u;
    let d = load_f16_at(b);
    for (var k = 0u; k < 8u; k++) {
        let q = load_u32_at(b + 2u + 4u * k);
        for (var i = 0u; i < 4u; i++) {
            wv[4u * k + i] = i8_of(q, i) * d;
        }
    }
}
