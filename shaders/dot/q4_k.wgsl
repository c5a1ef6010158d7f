// Q4_K sub-block (see dequant/q4_k.wgsl) · x: (d * sc) · Σ q x - (dmin * m) · Σ x. A super-block
// is 9 16-byte words: (d, dmin, scales), then 8 of quants, sub-blocks 2j and 2j + 1 sharing words
// 1 + 2j and 2 + 2j (low and high nibbles). `xs` holds the sub-block's 32 activations, indexed by
// constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let b = (row_byte >> 4u) + (group / 8u) * 9u;
    let s = group % 8u;
    let head = w[b];
    let dm = unpack2x16float(head.x);
    let sm = scale_min_k4(head.y, head.z, head.w, s);
    let qa = w[b + 1u + (s / 2u) * 2u];
    let qb = w[b + 2u + (s / 2u) * 2u];
    let shift = (s % 2u) * 4u;
    let acc = nibbles4(qa.x, shift) * xs[0] + nibbles4(qa.y, shift) * xs[1]
        + nibbles4(qa.z, shift) * xs[2] + nibbles4(qa.w, shift) * xs[3]
        + nibbles4(qb.x, shift) * xs[4] + nibbles4(qb.y, shift) * xs[5]
        + nibbles4(qb.z, shift) * xs[6] + nibbles4(qb.w, shift) * xs[7];
    let sum_x = (xs[0] + xs[1]) + (xs[2] + xs[3]) + (xs[4] + xs[5]) + (xs[6] + xs[7]);
    let one = vec4<f32>(1.0);
    return dm.x * f32(sm.x) * dot(acc, one) - dm.y * f32(sm.y) * dot(sum_x, one);
}

