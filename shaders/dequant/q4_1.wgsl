// Q4_1 block (GGUF: d, m: f16, qs: 16 bytes), from a planar row (runtime/src/quant/layout.rs)
// read as 16-byte words: qs is the row's word `group`, (d, m) component `group % 4` of word
// `group / 4` of the scales after the row's quants. x[j] = lo(qs[j]) * d + m,
// x[j+16] = hi * d + m: quad k < 4 is word k's low nibbles, quad k + 4 its high nibbles, each
// taken in place (P times it, P its place value: see `low_nibbles_at`) times d / P (the same
// product).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let row = row_byte >> 4u;
    let q = wq(row + group);
    let dm = unpack2x16float(wq(row + row_len() / 32u + group / 4u)[group % 4u]);
    let d_lo = dm.x * PER_BYTE;
    let d_hi = dm.x * PER_HIGH_NIBBLE;
    return array<vec4<f32>, 8>(
        low_nibbles_at(q.x) * d_lo + dm.y, low_nibbles_at(q.y) * d_lo + dm.y, low_nibbles_at(q.z) * d_lo + dm.y, low_nibbles_at(q.w) * d_lo + dm.y,
        high_nibbles_at(q.x) * d_hi + dm.y, high_nibbles_at(q.y) * d_hi + dm.y, high_nibbles_at(q.z) * d_hi + dm.y, high_nibbles_at(q.w) * d_hi + dm.y,
    );
}
