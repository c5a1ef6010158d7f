// Q8_0 block · x: d · (Σ (q + 128) x - 128 Σ x), from a planar row (runtime/src/quant/layout.rs): the block's 32
// signed bytes are the row's 16-byte words 2·group and 2·group + 1; its f16 d is half
// `group % 8` of the scales that follow the row's quants. `x` is the group's
// activations (dot/via_x.wgsl), indexed by constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let row = row_byte >> 4u;
    let qa = wq(row + 2u * group);
    let qb = wq(row + 2u * group + 1u);
    let d2 = wq(row + row_len() / 16u + group / 8u)[(group / 2u) % 4u];
    let d = unpack2x16float(d2 >> ((group % 2u) * 16u)).x;
    let s = u8_dot(qa.x, x.at_byte[0]) + u8_dot(qa.y, x.at_byte[1]) + u8_dot(qa.z, x.at_byte[2]) + u8_dot(qa.w, x.at_byte[3])
        + u8_dot(qb.x, x.at_byte[4]) + u8_dot(qb.y, x.at_byte[5]) + u8_dot(qb.z, x.at_byte[6]) + u8_dot(qb.w, x.at_byte[7]);
    return (s - 128.0 * x.sum) * d;
}

// Four signed bytes q, as q + 128 (the bytes of word ^ 0x80808080: no sign extension), taken in
// place (`bytes_at`) · x prescaled to match.
fn u8_dot(word: u32, x: vec4<f32>) -> f32 {
    return dot(bytes_at(word ^ 0x80808080u), x);
}
