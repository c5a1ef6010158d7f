// Q4_K sub-block (see dequant/q4_k.wgsl) · x: (d * sc) · Σ q x - (dmin * m) · Σ x. `xs` holds
// the sub-block's 32 activations, indexed by constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let b = (row_byte >> 2u) + (group / 8u) * 36u;
    let s = group % 8u;
    let dm = unpack2x16float(w[b]);
    let sm = scale_min_k4(w[b + 1u], w[b + 2u], w[b + 3u], s);
    let q0 = b + 4u + (s / 2u) * 8u;
    let shift = (s % 2u) * 4u;
    let acc = nibbles4(w[q0] >> shift) * xs[0] + nibbles4(w[q0 + 1u] >> shift) * xs[1]
        + nibbles4(w[q0 + 2u] >> shift) * xs[2] + nibbles4(w[q0 + 3u] >> shift) * xs[3]
        + nibbles4(w[q0 + 4u] >> shift) * xs[4] + nibbles4(w[q0 + 5u] >> shift) * xs[5]
        + nibbles4(w[q0 + 6u] >> shift) * xs[6] + nibbles4(w[q0 + 7u] >> shift) * xs[7];
    let sum_x = (xs[0] + xs[1]) + (xs[2] + xs[3]) + (xs[4] + xs[5]) + (xs[6] + xs[7]);
    let one = vec4<f32>(1.0);
    return dm.x * f32(sm.x) * dot(acc, one) - dm.y * f32(sm.y) * dot(sum_x, one);
}

// The low nibbles of a word's four bytes.
fn nibbles4(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xfu));
}
