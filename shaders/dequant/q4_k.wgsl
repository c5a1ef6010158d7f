// Q4_K super-block (256 values, 144 bytes = 9 16-byte words): d, dmin: f16, then the 12 bytes of
// 8 6-bit scale/min pairs as the GPU holds them (`k_scales`, see scale_min_k4), then 8 sub-blocks
// of 16 bytes of quants. On the GPU (runtime/src/quant/layout.rs) sub-block s's 32 quants are
// word 1 + s, in Q4_0's order (value l in the low nibble of byte l, value l + 16 in the high one).
// x = (d * sc) * q - dmin * m (ggml's order); high nibbles as 16 × q times (d * sc) / 16 (see
// `byte_lanes`: the same product).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let b = (row_byte >> 4u) + (group / 8u) * 9u;
    let s = group % 8u;
    let head = w[b];
    let q = w[b + 1u + s];
    let dm = unpack2x16float(head.x);
    let sm = scale_min_k4(head.y, head.z, head.w, s);
    let d1 = dm.x * sm.x;
    let m1 = dm.y * sm.y;
    let d16 = d1 / 16.0;
    let b0 = byte_lanes(q.x);
    let b1 = byte_lanes(q.y);
    let b2 = byte_lanes(q.z);
    let b3 = byte_lanes(q.w);
    return array<vec4<f32>, 8>(
        d1 * low_nibbles(b0) - m1, d1 * low_nibbles(b1) - m1, d1 * low_nibbles(b2) - m1, d1 * low_nibbles(b3) - m1,
        d16 * high_nibbles16(b0) - m1, d16 * high_nibbles16(b1) - m1, d16 * high_nibbles16(b2) - m1, d16 * high_nibbles16(b3) - m1,
    );
}
