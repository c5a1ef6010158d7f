// Q4_K super-block (256 values, 144 bytes = 9 16-byte words): d, dmin: f16, then the 12 bytes of
// 8 6-bit scale/min pairs as the GPU holds them (`k_scales`, see scale_min_k4), then 8 sub-blocks
// of 16 bytes of quants. On the GPU (runtime/src/quant/layout.rs) sub-block s's 32 quants are
// word 1 + s, in Q4_0's order (value l in the low nibble of byte l, value l + 16 in the high one).
// x = (d * sc) * q - dmin * m (ggml's order); each nibble taken in place (P times it, P its place
// value: see `low_nibbles_at`) times (d * sc) / P (the same product).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let b = (row_byte >> 4u) + (group / 8u) * 9u;
    let s = group % 8u;
    let head = wq(b);
    let q = wq(b + 1u + s);
    let dm = unpack2x16float(head.x);
    let sm = scale_min_k4(head.y, head.z, head.w, s);
    let d1 = dm.x * sm.x;
    let m1 = dm.y * sm.y;
    let d_lo = d1 * PER_BYTE;
    let d_hi = d1 * PER_HIGH_NIBBLE;
    return array<vec4<f32>, 8>(
        d_lo * low_nibbles_at(q.x) - m1, d_lo * low_nibbles_at(q.y) - m1, d_lo * low_nibbles_at(q.z) - m1, d_lo * low_nibbles_at(q.w) - m1,
        d_hi * high_nibbles_at(q.x) - m1, d_hi * high_nibbles_at(q.y) - m1, d_hi * high_nibbles_at(q.z) - m1, d_hi * high_nibbles_at(q.w) - m1,
    );
}
