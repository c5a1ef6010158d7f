// Q5_0 block · x: d · (Σ q x - 16 Σ x), q = nibble | fifth bit << 4, from a planar row
// (runtime/src/quant/layout.rs): the block's 16 bytes of nibbles are the row's 16-byte word
// `group`; its (d, qh) are half `group % 2` of the 16-byte word `group / 2` after the row's
// quants. `x` is the group's activations (dot/via_x.wgsl), indexed by constants only (see
// dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let row = row_byte >> 4u;
    let head = wq(row + row_len() / 32u + group / 2u);
    let dh = select(head.xy, head.zw, group % 2u == 1u);
    let s = q5_dot(wq(row + group), dh.y, x.at_byte);
    return (s - 16.0 * x.sum) * unpack2x16float(dh.x).x;
}
