// Q8_0 block (GGUF: d: f16, qs: 32 signed bytes), from a planar row
// (runtime/src/quant/layout.rs) read as 16-byte words: qs is the row's words 2·group and
// 2·group + 1, d the f16 `group` of the scales after the row's quants. x[j] = qs[j] * d: quad k
// is 4-byte word k of qs.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let row = row_byte >> 4u;
    let qa = wq(row + 2u * group);
    let qb = wq(row + 2u * group + 1u);
    let d2 = wq(row + row_len() / 16u + group / 8u)[(group / 2u) % 4u];
    let d = unpack2x16float(d2 >> ((group % 2u) * 16u)).x;
    return array<vec4<f32>, 8>(
        i8x4_times(qa.x, d), i8x4_times(qa.y, d), i8x4_times(qa.z, d), i8x4_times(qa.w, d),
        i8x4_times(qb.x, d), i8x4_times(qb.y, d), i8x4_times(qb.z, d), i8x4_times(qb.w, d),
    );
}
