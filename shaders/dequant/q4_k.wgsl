// Q4_K super-block (256 values, 144 bytes, word aligned): d, dmin: f16, scales: 12 bytes (8 6-bit
// scale/min pairs, see scale_min_k4), qs: 128 bytes. Sub-block s (32 values) uses qs[32*(s/2)..][..32],
// low nibbles when s is even, high when odd: x = (d * sc) * q - dmin * m (ggml's order).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let b = (row_byte >> 2u) + (group / 8u) * 36u;
    let s = group % 8u;
    let dm = unpack2x16float(w[b]);
    let sm = scale_min_k4(w[b + 1u], w[b + 2u], w[b + 3u], s);
    let d1 = dm.x * f32(sm.x);
    let m1 = dm.y * f32(sm.y);
    let q = b + 4u + (s / 2u) * 8u;
    let shift = (s % 2u) * 4u;
    return array<vec4<f32>, 8>(
        d1 * nibbles4(w[q], shift) - m1, d1 * nibbles4(w[q + 1u], shift) - m1,
        d1 * nibbles4(w[q + 2u], shift) - m1, d1 * nibbles4(w[q + 3u], shift) - m1,
        d1 * nibbles4(w[q + 4u], shift) - m1, d1 * nibbles4(w[q + 5u], shift) - m1,
        d1 * nibbles4(w[q + 6u], shift) - m1, d1 * nibbles4(w[q + 7u], shift) - m1,
    );
}
