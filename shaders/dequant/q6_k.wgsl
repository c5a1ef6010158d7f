// Q6_K super-block (256 values) as the GPU holds it (runtime/src/quant/layout.rs, 224 bytes =
// 14 16-byte words): word s holds sub-block s's low nibbles (byte l: value l low, value l + 16
// high), word 8 + s / 2 its high bits (4-byte words 2 (s % 2) and 2 (s % 2) + 1: values 0..15 and
// 16..31, value l at bits 2l), word 12 the 16 i8 scales (sub-block s: scales 2s for values
// 0..15, 2s + 1 for 16..31), word 13 the f16 d. x = (d * scale) * (low | high << 4 - 32),
// ggml's values and order.
// The sub-block's fields come from `q6_k_sub` (shaders/block/q6_k.wgsl).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let sub = q6_k_sub(row_byte, group);
    let q = sub.q;
    let h = sub.h;
    let d_lo = sub.d * sub.sc.x;
    let d_hi = sub.d * sub.sc.y;
    return array<vec4<f32>, 8>(
        d_lo * q6_k_quad(q.x, 0u, h.x), d_lo * q6_k_quad(q.y, 0u, h.x >> 8u),
        d_lo * q6_k_quad(q.z, 0u, h.x >> 16u), d_lo * q6_k_quad(q.w, 0u, h.x >> 24u),
        d_hi * q6_k_quad(q.x, 4u, h.y), d_hi * q6_k_quad(q.y, 4u, h.y >> 8u),
        d_hi * q6_k_quad(q.z, 4u, h.y >> 16u), d_hi * q6_k_quad(q.w, 4u, h.y >> 24u),
    );
}
