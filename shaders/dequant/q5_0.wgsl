// Q5_0 block (GGUF: d: f16, qh: u32 of fifth bits, qs: 16 bytes of nibble pairs), from a planar
// row (runtime/src/quant/layout.rs): qs at 16·group, then after the row's quants 8 bytes per
// block: d, two zero bytes, qh. x[j] = (q_j - 16) · d with q_j = nibble | fifth bit << 4: quad
// k < 4 is word k's low nibbles (values 4k ..), quad k + 4 its high ones (values 16 + 4k ..).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let q = (row_byte >> 2u) + group * 4u;
    let h = (row_byte >> 2u) + row_len() / 8u + group * 2u;
    let d = unpack2x16float(w[h]).x;
    let qh = w[h + 1u];
    let q0 = w[q];
    let q1 = w[q + 1u];
    let q2 = w[q + 2u];
    let q3 = w[q + 3u];
    return array<vec4<f32>, 8>(
        (q5_values(q0, 0u, qh, 0u) - 16.0) * d, (q5_values(q1, 0u, qh, 4u) - 16.0) * d,
        (q5_values(q2, 0u, qh, 8u) - 16.0) * d, (q5_values(q3, 0u, qh, 12u) - 16.0) * d,
        (q5_values(q0, 4u, qh, 16u) - 16.0) * d, (q5_values(q1, 4u, qh, 20u) - 16.0) * d,
        (q5_values(q2, 4u, qh, 24u) - 16.0) * d, (q5_values(q3, 4u, qh, 28u) - 16.0) * d,
    );
}
