// Q8_0 block (GGUF: d: f16, qs: 32 signed bytes), from a planar row
// (runtime/src/quant/layout.rs): qs at 32·group, d at 2·group after the row's quants.
// x[j] = qs[j] * d.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let q0 = (row_byte >> 2u) + group * 8u;
    let d = load_f16_at(row_byte + row_len() + group * 2u);
    for (var k = 0u; k < 8u; k++) {
        let q = w[q0 + k];
        for (var i = 0u; i < 4u; i++) {
            wv[4u * k + i] = i8_of(q, i) * d;
        }
    }
}
