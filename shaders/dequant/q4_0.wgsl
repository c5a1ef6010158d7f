// Q4_0 block (GGUF: d: f16, qs: 16 bytes of nibble pairs), from a planar row
// (runtime/src/quant/layout.rs): qs at 16·group, d at 2·group after the row's quants.
// x[j] = (lo(qs[j]) - 8) * d, x[j+16] = (hi - 8) * d: quad k < 4 is word k's low nibbles,
// quad k + 4 its high nibbles.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let q = (row_byte >> 2u) + group * 4u;
    let d = load_f16_at(row_byte + row_len() / 2u + group * 2u);
    let q0 = w[q];
    let q1 = w[q + 1u];
    let q2 = w[q + 2u];
    let q3 = w[q + 3u];
    return array<vec4<f32>, 8>(
        (nibbles4(q0, 0u) - 8.0) * d, (nibbles4(q1, 0u) - 8.0) * d, (nibbles4(q2, 0u) - 8.0) * d, (nibbles4(q3, 0u) - 8.0) * d,
        (nibbles4(q0, 4u) - 8.0) * d, (nibbles4(q1, 4u) - 8.0) * d, (nibbles4(q2, 4u) - 8.0) * d, (nibbles4(q3, 4u) - 8.0) * d,
    );
}
