// Q4_1 block (GGUF: d, m: f16, qs: 16 bytes), from a planar row (runtime/src/quant/layout.rs):
// qs at 16·group, (d, m) at 4·group after the row's quants. x[j] = lo(qs[j]) * d + m,
// x[j+16] = hi * d + m.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let q0 = (row_byte >> 2u) + group * 4u;
    let dm = unpack2x16float(w[(row_byte >> 2u) + row_len() / 8u + group]);
    for (var k = 0u; k < 4u; k++) {
        let q = w[q0 + k];
        for (var i = 0u; i < 4u; i++) {
            let byte = u8_of(q, i);
            wv[4u * k + i] = f32(byte & 0xfu) * dm.x + dm.y;
            wv[4u * k + i + 16u] = f32(byte >> 4u) * dm.x + dm.y;
        }
    }
}
