// Q4_0 block (GGUF: d: f16, qs: 16 bytes of nibble pairs), from a planar row
// (runtime/src/quant/layout.rs) read as 16-byte words: qs is the row's word `group`, d the f16
// `group` of the scales after the row's quants (as dot/q4_0.wgsl reads them).
// x[j] = (lo(qs[j]) - 8) * d, x[j+16] = (hi - 8) * d: quad k < 4 is word k's low nibbles,
// quad k + 4 its high nibbles, taken as 16 × hi (see `byte_lanes`): (16 hi - 128) * (d / 16) is
// the same product, rounded the same.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let row = row_byte >> 4u;
    let q = w[row + group];
    let d2 = w[row + row_len() / 32u + group / 8u][(group / 2u) % 4u];
    let d = unpack2x16float(d2 >> ((group % 2u) * 16u)).x;
    let d16 = d / 16.0;
    let b0 = byte_lanes(q.x);
    let b1 = byte_lanes(q.y);
    let b2 = byte_lanes(q.z);
    let b3 = byte_lanes(q.w);
    return array<vec4<f32>, 8>(
        (low_nibbles(b0) - 8.0) * d, (low_nibbles(b1) - 8.0) * d, (low_nibbles(b2) - 8.0) * d, (low_nibbles(b3) - 8.0) * d,
        (high_nibbles16(b0) - 128.0) * d16, (high_nibbles16(b1) - 128.0) * d16, (high_nibbles16(b2) - 128.0) * d16, (high_nibbles16(b3) - 128.0) * d16,
    );
}
