// Q4_K super-block (256 values, 144 bytes, word aligned): d, dmin: f16, scales: 12 bytes (8 6-bit
// scale/min pairs, see scale_min_k4), then 8 sub-blocks of 16 bytes of quants. On the GPU
// (runtime/src/quant/layout.rs) sub-block s's 32 quants are its own 16 bytes in Q4_0's order
// (value l in the low nibble of byte l, value l + 16 in the high one).
// x = (d * sc) * q - dmin * m (ggml's order).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let b = (row_byte >> 2u) + (group / 8u) * 36u;
    let s = group % 8u;
    let dm = unpack2x16float(w[b]);
    let sm = scale_min_k4(w[b + 1u], w[b + 2u], w[b + 3u], s);
    let d1 = dm.x * f32(sm.x);
    let m1 = dm.y * f32(sm.y);
    let q = b + 4u + 4u * s;
    let q0 = w[q];
    let q1 = w[q + 1u];
    let q2 = w[q + 2u];
    let q3 = w[q + 3u];
    return array<vec4<f32>, 8>(
        d1 * nibbles4(q0, 0u) - m1, d1 * nibbles4(q1, 0u) - m1, d1 * nibbles4(q2, 0u) - m1, d1 * nibbles4(q3, 0u) - m1,
        d1 * nibbles4(q0, 4u) - m1, d1 * nibbles4(q1, 4u) - m1, d1 * nibbles4(q2, 4u) - m1, d1 * nibbles4(q3, 4u) - m1,
    );
}
