// Q5_0 block (22 bytes, not word aligned): d: f16, qh: u32 (5th bits), qs: 16 bytes of nibble pairs.
// x[j] = ((lo(qs[j]) | bit j of qh << 4) - 16) * d, x[j+16] = ((hi(qs[j]) | bit j+16 of qh << 4) - 16) * d.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let b = row_byte + group * 22u;
    let d = load_f16_at(b);
    let qh = load_u32_at(b + 2u);
    for (var k = 0u; k < 4u; k++) {
        let q = load_u32_at(b + 6u + 4u * k);
        for (var i = 0u; i < 4u; i++) {
            let j = 4u * k + i;
            let byte = u8_of(q, i);
            wv[j] = f32(i32((byte & 0xfu) | (((qh >> j) & 1u) << 4u)) - 16) * d;
            wv[j + 16u] = f32(i32((byte >> 4u) | (((qh >> (j + 16u)) & 1u) << 4u)) - 16) * d;
        }
    }
}
