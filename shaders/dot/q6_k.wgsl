// Q6_K sub-block (see dequant/q6_k.wgsl for the GPU layout) · x: d · (sc_lo · Σ_{l<16} (q - 32) x
// + sc_hi · Σ_{l≥16} (q - 32) x). A super-block is 14 16-byte words: 8 of low nibbles (one per
// sub-block), 4 of high bits (two sub-blocks each), the scales, d. `x` is the sub-block's
// activations (dot/via_x.wgsl), indexed by constants only (see dot/q4_0.wgsl); `q6_k_quad` is in
// dequant/bytes.wgsl.
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let b = (row_byte >> 4u) + (group / 8u) * 14u;
    let s = group % 8u;
    let q = w[b + s];
    let hw = w[b + 8u + s / 2u];
    let h = select(hw.xy, hw.zw, (s % 2u) == 1u);
    let sc = w[b + 12u][s / 2u];
    let d = unpack2x16float(w[b + 13u].x).x;
    let lo = q6_k_quad(q.x, 0u, h.x) * x.q[0] + q6_k_quad(q.y, 0u, h.x >> 8u) * x.q[1]
        + q6_k_quad(q.z, 0u, h.x >> 16u) * x.q[2] + q6_k_quad(q.w, 0u, h.x >> 24u) * x.q[3];
    let hi = q6_k_quad(q.x, 4u, h.y) * x.q[4] + q6_k_quad(q.y, 4u, h.y >> 8u) * x.q[5]
        + q6_k_quad(q.z, 4u, h.y >> 16u) * x.q[6] + q6_k_quad(q.w, 4u, h.y >> 24u) * x.q[7];
    let one = vec4<f32>(1.0);
    return d * (i8_of(sc, 2u * (s % 2u)) * dot(lo, one) + i8_of(sc, 2u * (s % 2u) + 1u) * dot(hi, one));
}
