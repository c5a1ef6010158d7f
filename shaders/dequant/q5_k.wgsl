// Q5_K super-block (256 values, 176 bytes = 11 16-byte words): d, dmin: f16, scales: 12 bytes (as
// Q4_K), then on the GPU (runtime/src/quant/layout.rs) 4-byte word s of words 1..2 holds
// sub-block s's fifth bits (bit l: value l) and word 3 + s its nibbles in Q4_0's order (value l
// in the low nibble of byte l, value l + 16 in the high one).
// x = (d * sc) * (nibble + 16 * bit) - dmin * m (ggml's values and order).
// The sub-block's fields come from `q5_k_sub` (shaders/block/q5_k.wgsl).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let sub = q5_k_sub(row_byte, group);
    let d1 = sub.dm.x;
    let m1 = sub.dm.y;
    let h = sub.h;
    let q = sub.q;
    return array<vec4<f32>, 8>(
        d1 * q5_values(q.x, 0u, h, 0u) - m1, d1 * q5_values(q.y, 0u, h, 4u) - m1,
        d1 * q5_values(q.z, 0u, h, 8u) - m1, d1 * q5_values(q.w, 0u, h, 12u) - m1,
        d1 * q5_values(q.x, 4u, h, 16u) - m1, d1 * q5_values(q.y, 4u, h, 20u) - m1,
        d1 * q5_values(q.z, 4u, h, 24u) - m1, d1 * q5_values(q.w, 4u, h, 28u) - m1,
    );
}
