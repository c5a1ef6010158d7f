// Q4_0 block (GGUF: d: f16, qs: 16 bytes of nibble pairs), from a planar row
// (runtime/src/quant/layout.rs): qs at 16·group, d at 2·group after the row's quants.
// x[j] = (lo(qs[j]) - 8) * d, x[j+16] = (hi - 8) * d.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let q0 = (row_byte >> 2u) + group * 4u;
    let d = load_f16_at(row_byte + row_len() / 2u + group * 2u);
    for (var k = 0u; k < 4u; k++) {
        let q = w[q0 + k];
        for (var i = 0u; i < 4u; i++) {
            let byte = u8_of(q, i);
            wv[4u * k + i] = (f32(byte & 0xfu) - 8.0) * d;
            wv[4u * k + i + 16u] = (f32(byte >> 4u) - 8.0) * d;
        }
    }
}
