// Q5_K sub-block (see dequant/q5_k.wgsl for the GPU layout) · x: (d * sc) · Σ q x - (dmin * m) · Σ x,
// q = nibble | bit << 4. A super-block is 11 16-byte words: the head (d, dmin, scales), two
// words of fifth bits (a u32 per sub-block), then one word of nibbles per sub-block. `x` is the
// sub-block's activations (dot/via_x.wgsl), indexed by constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, x: XGroup) -> f32 {
    let sub = q5_k_sub(row_byte, group);
    return sub.dm.x * q5_dot(sub.q, sub.h, x.at_byte) - sub.dm.y * x.sum;
}
