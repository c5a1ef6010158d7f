// Q8_0 block · x: d · Σ q x, from a planar row (runtime/src/quant/layout.rs): the block's 32
// signed bytes are the row's 16-byte words 2·group and 2·group + 1; its f16 d is half
// `group % 8` of the scales that follow the row's quants. `x` is the group's
// activations (dot/via_x.wgsl), indexed by constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let row = row_byte >> 4u;
    let qa = w[row + 2u * group];
    let qb = w[row + 2u * group + 1u];
    let d2 = w[row + row_len() / 16u + group / 8u][(group / 2u) % 4u];
    let d = unpack2x16float(d2 >> ((group % 2u) * 16u)).x;
    let s = i8_dot(qa.x, x.q[0]) + i8_dot(qa.y, x.q[1]) + i8_dot(qa.z, x.q[2]) + i8_dot(qa.w, x.q[3])
        + i8_dot(qb.x, x.q[4]) + i8_dot(qb.y, x.q[5]) + i8_dot(qb.z, x.q[6]) + i8_dot(qb.w, x.q[7]);
    return s * d;
}

// Four signed bytes · x.
fn i8_dot(word: u32, x: vec4<f32>) -> f32 {
    let q = bitcast<vec4<i32>>(vec4<u32>(word) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u);
    return dot(vec4<f32>(q), x);
}
