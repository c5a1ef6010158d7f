// Q4_1 block · x: d · Σ q x + m · Σ x, from a planar row (runtime/src/quant/layout.rs): the
// block's 16 bytes of nibbles are the row's 16-byte word `group`; its (d, m) are word
// `group % 4` of the scales that follow the row's quants. `xs` holds the group's 32 activations
// (x[4k..4k + 4] in xs[k]), indexed by constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let row = row_byte >> 4u;
    let q = w[row + group];
    let dm = unpack2x16float(w[row + row_len() / 32u + group / 4u][group % 4u]);
    let s = nibbles_dot(q.x, xs[0], xs[4]) + nibbles_dot(q.y, xs[1], xs[5])
        + nibbles_dot(q.z, xs[2], xs[6]) + nibbles_dot(q.w, xs[3], xs[7]);
    let sum_x = (xs[0] + xs[1]) + (xs[2] + xs[3]) + (xs[4] + xs[5]) + (xs[6] + xs[7]);
    return dm.x * s + dm.y * dot(sum_x, vec4<f32>(1.0));
}

// Four bytes of nibbles · x: low nibbles with `x_lo`, high nibbles with `x_hi`.
fn nibbles_dot(q: u32, x_lo: vec4<f32>, x_hi: vec4<f32>) -> f32 {
    let lo = vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xfu));
    let hi = vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xfu));
    return dot(lo, x_lo) + dot(hi, x_hi);
}
