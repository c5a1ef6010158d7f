// Q4_0 block (GGUF: d: f16, qs: 16 bytes of nibble pairs), from a planar row
// (runtime/src/quant/layout.rs) read as 16-byte words: qs is the row's word `group`, d the f16
// `group` of the scales after the row's quants (as dot/q4_0.wgsl reads them).
// x[j] = (lo(qs[j]) - 8) * d, x[j+16] = (hi - 8) * d: quad k < 4 is word k's low nibbles,
// quad k + 4 its high nibbles, each taken in place (P times it, P its place value: see
// `low_nibbles_at`): (P lo - 8 P) * (d / P) is the same product, rounded the same.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let row = row_byte >> 4u;
    let q = wq(row + group);
    let d2 = wq(row + row_len() / 32u + group / 8u)[(group / 2u) % 4u];
    let d = unpack2x16float(d2 >> ((group % 2u) * 16u)).x;
    // The offset 8 and d at each value's place.
    let lo = 8.0 * BYTE_PLACE;
    let hi = 128.0 * BYTE_PLACE;
    let d_lo = d * PER_BYTE;
    let d_hi = d * PER_HIGH_NIBBLE;
    return array<vec4<f32>, 8>(
        (low_nibbles_at(q.x) - lo) * d_lo, (low_nibbles_at(q.y) - lo) * d_lo, (low_nibbles_at(q.z) - lo) * d_lo, (low_nibbles_at(q.w) - lo) * d_lo,
        (high_nibbles_at(q.x) - hi) * d_hi, (high_nibbles_at(q.y) - hi) * d_hi, (high_nibbles_at(q.z) - hi) * d_hi, (high_nibbles_at(q.w) - hi) * d_hi,
    );
}
