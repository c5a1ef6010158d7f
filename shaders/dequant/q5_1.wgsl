// Q5_1 block (24 bytes, word aligned): d, m: f16, qh: u32 (5th bits), qs: 16 bytes of nibble pairs.
// x[j] = (lo(qs[j]) | bit j of qh << 4) * d + m, x[j+16] = (hi(qs[j]) | bit j+16 of qh << 4) * d + m.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let b = (row_byte >> 2u) + group * 6u;
    let dm = unpack2x16float(w[b]);
    let qh = w[b + 1u];
    for (var k = 0u; k < 4u; k++) {
        let q = w[b + 2u + k];
        for (var i = 0u; i < 4u; i++) {
            let j = 4u * k + i;
            let byte = u8_of(q, i);
            wv[j] = f32((byte & 0xfu) | (((qh >> j) & 1u) << 4u)) * dm.x + dm.y;
            wv[j + 16u] = f32((byte >> 4u) | (((qh >> (j + 16u)) & 1u) << 4u)) * dm.x + dm.y;
        }
    }
}
