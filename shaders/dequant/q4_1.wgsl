// Q4_1 block (20 bytes, word aligned): d, m: f16, qs: 16 bytes. x[j] = lo(qs[j]) * d + m, x[j+16] = hi * d + m.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let b = (row_byte >> 2u) + group * 5u;
    let dm = unpack2x16float(w[b]);
    for (var k = 0u; k < 4u; k++) {
        let q = w[b + 1u + k];
        for (var i = 0u; i < 4u; i++) {
            let byte = u8_of(q, i);
            wv[4u * k + i] = f32(byte & 0xfu) * dm.x + dm.y;
            wv[4u * k + i + 16u] = f32(byte >> 4u) * dm.x + dm.y;
        }
    }
}
