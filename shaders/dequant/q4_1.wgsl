// Q4_1 block (GGUF: d, m: f16, qs: 16 bytes), from a planar row (runtime/src/quant/layout.rs)
// read as 16-byte words: qs is the row's word `group`, (d, m) component `group % 4` of word
// `group / 4` of the scales after the row's quants. x[j] = lo(qs[j]) * d + m,
// x[j+16] = hi * d + m: quad k < 4 is word k's low nibbles, quad k + 4 its high nibbles, taken
// as 16 × hi times d / 16 (see `byte_lanes`; the same product).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let row = row_byte >> 4u;
    let q = w[row + group];
    let dm = unpack2x16float(w[row + row_len() / 32u + group / 4u][group % 4u]);
    let d16 = dm.x / 16.0;
    let b0 = byte_lanes(q.x);
    let b1 = byte_lanes(q.y);
    let b2 = byte_lanes(q.z);
    let b3 = byte_lanes(q.w);
    return array<vec4<f32>, 8>(
        low_nibbles(b0) * dm.x + dm.y, low_nibbles(b1) * dm.x + dm.y, low_nibbles(b2) * dm.x + dm.y, low_nibbles(b3) * dm.x + dm.y,
        high_nibbles16(b0) * d16 + dm.y, high_nibbles16(b1) * d16 + dm.y, high_nibbles16(b2) * d16 + dm.y, high_nibbles16(b3) * d16 + dm.y,
    );
}
