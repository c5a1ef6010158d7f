// Q5_K sub-block (see dequant/q5_k.wgsl for the GPU layout) · x: (d * sc) · Σ q x - (dmin * m) · Σ x,
// q = nibble | bit << 4. A super-block is 11 16-byte words: the head (d, dmin, scales), two
// words of fifth bits (a u32 per sub-block), then one word of nibbles per sub-block. `x` is the
// sub-block's activations (dot/via_x.wgsl), indexed by constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let sub = q5_k_sub(row_byte, group);
    let h = sub.h;
    let q = sub.q;
    let lo = q5_quad(q.x, 0u, h) * x.q[0] + q5_quad(q.y, 0u, h >> 4u) * x.q[1]
        + q5_quad(q.z, 0u, h >> 8u) * x.q[2] + q5_quad(q.w, 0u, h >> 12u) * x.q[3];
    let hi = q5_quad16(q.x, h >> 16u) * x.hi16[0] + q5_quad16(q.y, h >> 20u) * x.hi16[1]
        + q5_quad16(q.z, h >> 24u) * x.hi16[2] + q5_quad16(q.w, h >> 28u) * x.hi16[3];
    return sub.dm.x * dot(lo + hi, vec4<f32>(1.0)) - sub.dm.y * x.sum;
}
