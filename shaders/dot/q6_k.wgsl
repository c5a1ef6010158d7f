// Q6_K sub-block (see dequant/q6_k.wgsl for the GPU layout) · x: d · (sc_lo · Σ_{l<16} (q - 32) x
// + sc_hi · Σ_{l≥16} (q - 32) x), each half's offset taken as 32 · its Σ x. A super-block is 14
// 16-byte words: 8 of low nibbles (one per sub-block), 4 of high bits (two sub-blocks each), the
// scales, d. `x` is the sub-block's activations (dot/via_x.wgsl), indexed by constants only (see
// dot/q4_0.wgsl); `q6_k_values` is in dequant/bytes.wgsl.
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let sub = q6_k_sub(row_byte, group);
    let q = sub.q;
    let h = sub.h;
    let lo = q6_k_values(q.x, 0u, h.x) * x.q[0] + q6_k_values(q.y, 0u, h.x >> 8u) * x.q[1]
        + q6_k_values(q.z, 0u, h.x >> 16u) * x.q[2] + q6_k_values(q.w, 0u, h.x >> 24u) * x.q[3];
    let hi = q6_k_values(q.x, 4u, h.y) * x.q[4] + q6_k_values(q.y, 4u, h.y >> 8u) * x.q[5]
        + q6_k_values(q.z, 4u, h.y >> 16u) * x.q[6] + q6_k_values(q.w, 4u, h.y >> 24u) * x.q[7];
    let one = vec4<f32>(1.0);
    return sub.d * (sub.sc.x * (dot(lo, one) - 32.0 * x.halves.x) + sub.sc.y * (dot(hi, one) - 32.0 * x.halves.y));
}
