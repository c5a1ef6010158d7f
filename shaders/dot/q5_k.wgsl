// Q5_K sub-block (see dequant/q5_k.wgsl for the GPU layout) · x: (d * sc) · Σ q x - (dmin * m) · Σ x,
// q = nibble | bit << 4. A super-block is 11 16-byte words: the head (d, dmin, scales), two
// words of fifth bits (a u32 per sub-block), then one word of nibbles per sub-block. `xs` holds
// the sub-block's 32 activations, indexed by constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let b = (row_byte >> 4u) + (group / 8u) * 11u;
    let s = group % 8u;
    let head = w[b];
    let h = w[b + 1u + s / 4u][s % 4u];
    let q = w[b + 3u + s];
    let dm = unpack2x16float(head.x);
    let sm = scale_min_k4(head.y, head.z, head.w, s);
    let acc = q5_quad(q.x, 0u, h) * xs[0] + q5_quad(q.y, 0u, h >> 4u) * xs[1]
        + q5_quad(q.z, 0u, h >> 8u) * xs[2] + q5_quad(q.w, 0u, h >> 12u) * xs[3]
        + q5_quad(q.x, 4u, h >> 16u) * xs[4] + q5_quad(q.y, 4u, h >> 20u) * xs[5]
        + q5_quad(q.z, 4u, h >> 24u) * xs[6] + q5_quad(q.w, 4u, h >> 28u) * xs[7];
    let sum_x = (xs[0] + xs[1]) + (xs[2] + xs[3]) + (xs[4] + xs[5]) + (xs[6] + xs[7]);
    let one = vec4<f32>(1.0);
    return dm.x * f32(sm.x) * dot(acc, one) - dm.y * f32(sm.y) * dot(sum_x, one);
}
