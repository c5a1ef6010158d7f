// Q8_0 block (GGUF: d: f16, qs: 32 signed bytes), from a planar row
// (runtime/src/quant/layout.rs): qs at 32·group, d at 2·group after the row's quants.
// x[j] = qs[j] * d: quad k is word k.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let q = (row_byte >> 2u) + group * 8u;
    let d = load_f16_at(row_byte + row_len() + group * 2u);
    return array<vec4<f32>, 8>(
        i8x4(w[q]) * d, i8x4(w[q + 1u]) * d, i8x4(w[q + 2u]) * d, i8x4(w[q + 3u]) * d,
        i8x4(w[q + 4u]) * d, i8x4(w[q + 5u]) * d, i8x4(w[q + 6u]) * d, i8x4(w[q + 7u]) * d,
    );
}
