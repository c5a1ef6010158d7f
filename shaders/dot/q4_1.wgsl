// Q4_1 block · x: d · Σ q x + m · Σ x, from a planar row (runtime/src/quant/layout.rs): the
// block's 16 bytes of nibbles are the row's 16-byte word `group`; its (d, m) are word
// `group % 4` of the scales that follow the row's quants. `x` is the group's activations
// (dot/via_x.wgsl), indexed by constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let row = row_byte >> 4u;
    let q = wq(row + group);
    let dm = unpack2x16float(wq(row + row_len() / 32u + group / 4u)[group % 4u]);
    let s = nibbles_dot(q.x, x.at_byte[0], x.nib_hi[0]) + nibbles_dot(q.y, x.at_byte[1], x.nib_hi[1])
        + nibbles_dot(q.z, x.at_byte[2], x.nib_hi[2]) + nibbles_dot(q.w, x.at_byte[3], x.nib_hi[3]);
    return dm.x * s + dm.y * x.sum;
}
