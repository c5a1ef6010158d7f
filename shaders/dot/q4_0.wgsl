// Q4_0 block · x: d · Σ (q - 8) x, from a planar row (runtime/src/quant/layout.rs): the block's
// 16 bytes of nibbles are the row's 16-byte word `group`; its f16 d is half `group % 8` of the
// scales that follow the row's quants. `xs` holds the group's 32 activations (x[4k..4k + 4] in
// xs[k]), indexed by constants only: a runtime index into an array value costs a copy to memory
// on some compilers (Tint).
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let row = row_byte >> 4u;
    let q = w[row + group];
    let d2 = w[row + row_len() / 32u + group / 8u][(group / 2u) % 4u];
    let d = unpack2x16float(d2 >> ((group % 2u) * 16u)).x;
    let s = q4_dot(q.x, xs[0], xs[4]) + q4_dot(q.y, xs[1], xs[5])
        + q4_dot(q.z, xs[2], xs[6]) + q4_dot(q.w, xs[3], xs[7]);
    return s * d;
}

// Four bytes of nibbles · x: low nibbles with `x_lo`, high nibbles with `x_hi`, offset by 8.
fn q4_dot(q: u32, x_lo: vec4<f32>, x_hi: vec4<f32>) -> f32 {
    let lo = vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xfu)) - 8.0;
    let hi = vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xfu)) - 8.0;
    return dot(lo, x_lo) + dot(hi, x_hi);
}
