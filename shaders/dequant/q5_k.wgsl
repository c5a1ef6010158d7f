// Q5_K super-block (256 values, 176 bytes, word aligned): d, dmin: f16, scales: 12 bytes (as Q4_K),
// qh: 32 bytes, qs: 128 bytes. Sub-block s: nibbles as Q4_K, 5th bit of value l = bit s of qh[l].
// x = (d * sc) * (nibble + 16 * bit) - dmin * m (ggml's order).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let b = (row_byte >> 2u) + (group / 8u) * 44u;
    let s = group % 8u;
    let dm = unpack2x16float(w[b]);
    let sm = scale_min_k4(w[b + 1u], w[b + 2u], w[b + 3u], s);
    let d1 = dm.x * f32(sm.x);
    let m1 = dm.y * f32(sm.y);
    let q = b + 12u + (s / 2u) * 8u;
    let shift = (s % 2u) * 4u;
    return array<vec4<f32>, 8>(
        q5_k_quad(b, q, 0u, shift, s, d1, m1), q5_k_quad(b, q, 1u, shift, s, d1, m1),
        q5_k_quad(b, q, 2u, shift, s, d1, m1), q5_k_quad(b, q, 3u, shift, s, d1, m1),
        q5_k_quad(b, q, 4u, shift, s, d1, m1), q5_k_quad(b, q, 5u, shift, s, d1, m1),
        q5_k_quad(b, q, 6u, shift, s, d1, m1), q5_k_quad(b, q, 7u, shift, s, d1, m1),
    );
}

// Values 4k .. 4k + 3 of sub-block s: nibbles of qs word q + k, fifth bits (bit s) of qh word k.
fn q5_k_quad(b: u32, q: u32, k: u32, shift: u32, s: u32, d1: f32, m1: f32) -> vec4<f32> {
    let five = bytes4(w[q + k], shift, 0xfu) | (bytes4(w[b + 4u + k], s, 1u) << vec4<u32>(4u));
    return d1 * vec4<f32>(five) - m1;
}
