// Q5_K super-block (256 values, 176 bytes, word aligned): d, dmin: f16, scales: 12 bytes (as Q4_K),
// qh: 32 bytes, qs: 128 bytes. Sub-block s: nibbles as Q4_K, 5th bit of value l = bit s of qh[l].
// x = (d * sc) * (nibble + 16 * bit) - dmin * m (ggml's order).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let b = (row_byte >> 2u) + (group / 8u) * 44u;
    let s = group % 8u;
    let dm = unpack2x16float(w[b]);
    let sm = scale_min_k4(w[b + 1u], w[b + 2u], w[b + 3u], s);
    let d1 = dm.x * f32(sm.x);
    let m1 = dm.y * f32(sm.y);
    let q0 = b + 12u + (s / 2u) * 8u;
    let shift = (s % 2u) * 4u;
    for (var k = 0u; k < 8u; k++) {
        let q = w[q0 + k] >> shift;
        let h = w[b + 4u + k] >> s;
        for (var i = 0u; i < 4u; i++) {
            wv[4u * k + i] = d1 * f32((u8_of(q, i) & 0xfu) | ((u8_of(h, i) & 1u) << 4u)) - m1;
        }
    }
}
