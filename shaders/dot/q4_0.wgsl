// Q4_0 block · x: d · (Σ q x - 8 Σ x), from a planar row (runtime/src/quant/layout.rs): the
// block's 16 bytes of nibbles are the row's 16-byte word `group`; its f16 d is half `group % 8`
// of the scales that follow the row's quants. `x` is the group's activations (dot/via_x.wgsl),
// indexed by constants only: a runtime index into an array value costs a copy to memory on
// some compilers (Tint).
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let row = row_byte >> 4u;
    let q = wq(row + group);
    let d2 = wq(row + row_len() / 32u + group / 8u)[(group / 2u) % 4u];
    let d = unpack2x16float(d2 >> ((group % 2u) * 16u)).x;
    let s = nibbles_dot(q.x, x.at_byte[0], x.nib_hi[0]) + nibbles_dot(q.y, x.at_byte[1], x.nib_hi[1])
        + nibbles_dot(q.z, x.at_byte[2], x.nib_hi[2]) + nibbles_dot(q.w, x.at_byte[3], x.nib_hi[3]);
    return (s - 8.0 * x.sum) * d;
}
