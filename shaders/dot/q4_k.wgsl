// Q4_K sub-block (see dequant/q4_k.wgsl) · x: (d * sc) · Σ q x - (dmin * m) · Σ x. A super-block
// is 9 16-byte words: the head (d, dmin, scales), then one word of quants per sub-block (their
// GPU order, runtime/src/quant/layout.rs). `xs` holds the sub-block's 32 activations, indexed by
// constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let b = (row_byte >> 4u) + (group / 8u) * 9u;
    let head = w[b];
    let q = w[b + 1u + group % 8u];
    let dm = unpack2x16float(head.x);
    let sm = scale_min_k4(head.y, head.z, head.w, group % 8u);
    let acc = nibbles4(q.x, 0u) * xs[0] + nibbles4(q.y, 0u) * xs[1]
        + nibbles4(q.z, 0u) * xs[2] + nibbles4(q.w, 0u) * xs[3]
        + nibbles4(q.x, 4u) * xs[4] + nibbles4(q.y, 4u) * xs[5]
        + nibbles4(q.z, 4u) * xs[6] + nibbles4(q.w, 4u) * xs[7];
    let sum_x = (xs[0] + xs[1]) + (xs[2] + xs[3]) + (xs[4] + xs[5]) + (xs[6] + xs[7]);
    let one = vec4<f32>(1.0);
    return dm.x * f32(sm.x) * dot(acc, one) - dm.y * f32(sm.y) * dot(sum_x, one);
}
