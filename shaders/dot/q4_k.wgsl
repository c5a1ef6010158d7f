// Q4_K sub-block (see dequant/q4_k.wgsl) · x: (d * sc) · Σ q x - (dmin * m) · Σ x. A super-block
// is 9 16-byte words: the head (d, dmin, scales), then one word of quants per sub-block (their
// GPU order, runtime/src/quant/layout.rs). `x` is the sub-block's activations (dot/via_x.wgsl),
// indexed by constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let b = (row_byte >> 4u) + (group / 8u) * 9u;
    let head = wq(b);
    let q = wq(b + 1u + group % 8u);
    let dm = unpack2x16float(head.x);
    let sm = scale_min_k4(head.y, head.z, head.w, group % 8u);
    let s = nibbles_dot(q.x, x.at_byte[0], x.nib_hi[0]) + nibbles_dot(q.y, x.at_byte[1], x.nib_hi[1])
        + nibbles_dot(q.z, x.at_byte[2], x.nib_hi[2]) + nibbles_dot(q.w, x.at_byte[3], x.nib_hi[3]);
    return dm.x * sm.x * s - dm.y * sm.y * x.sum;
}
