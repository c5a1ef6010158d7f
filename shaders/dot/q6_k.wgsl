// Q6_K sub-block (see dequant/q6_k.wgsl for the GPU layout) · x: d · (sc_lo · Σ_{l<16} (q - 32) x
// + sc_hi · Σ_{l≥16} (q - 32) x), each half's offset taken as 32 · its Σ x. A super-block is 14
// 16-byte words: 8 of low nibbles (one per sub-block), 4 of high bits (two sub-blocks each), the
// scales, d. `x` is the sub-block's activations (dot/via_x.wgsl), indexed by constants only (see
// dot/q4_0.wgsl); `q6_k_bytes` and `bytes_at` are in dequant/bytes.wgsl.
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let sub = q6_k_sub(row_byte, group);
    let q = sub.q;
    let h = sub.h;
    let lo = bytes_at(q6_k_bytes(q.x, 0u, h.x)) * x.at_byte[0] + bytes_at(q6_k_bytes(q.y, 0u, h.x >> 8u)) * x.at_byte[1]
        + bytes_at(q6_k_bytes(q.z, 0u, h.x >> 16u)) * x.at_byte[2] + bytes_at(q6_k_bytes(q.w, 0u, h.x >> 24u)) * x.at_byte[3];
    let hi = bytes_at(q6_k_bytes(q.x, 4u, h.y)) * x.at_byte[4] + bytes_at(q6_k_bytes(q.y, 4u, h.y >> 8u)) * x.at_byte[5]
        + bytes_at(q6_k_bytes(q.z, 4u, h.y >> 16u)) * x.at_byte[6] + bytes_at(q6_k_bytes(q.w, 4u, h.y >> 24u)) * x.at_byte[7];
    let one = vec4<f32>(1.0);
    return sub.d * (sub.sc.x * (dot(lo, one) - 32.0 * x.halves.x) + sub.sc.y * (dot(hi, one) - 32.0 * x.halves.y));
}
