// Q4_0 block · x: d · Σ (q - 8) x, nibbles unpacked four at a time. The 18-byte block starts
// 2-byte aligned: its 5 covering words are read once and realigned by 16 bits where needed.
// `xs` holds the group's 32 activations (x[4k..4k + 4] in xs[k]), indexed by constants only:
// a runtime index into an array value costs a copy to memory on some compilers (Tint).
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let b = row_byte + group * 18u;
    let i = b >> 2u;
    let odd = (b & 2u) != 0u;
    let w0 = w[i];
    let w1 = w[i + 1u];
    let w2 = w[i + 2u];
    let w3 = w[i + 3u];
    let w4 = w[i + 4u];
    let d = unpack2x16float(select(w0, w0 >> 16u, odd)).x;
    let s = q4_dot(realign(w0, w1, odd), xs[0], xs[4]) + q4_dot(realign(w1, w2, odd), xs[1], xs[5])
        + q4_dot(realign(w2, w3, odd), xs[2], xs[6]) + q4_dot(realign(w3, w4, odd), xs[3], xs[7]);
    return s * d;
}

// Four bytes of nibbles · x: low nibbles with `x_lo`, high nibbles with `x_hi`, offset by 8.
fn q4_dot(q: u32, x_lo: vec4<f32>, x_hi: vec4<f32>) -> f32 {
    let lo = vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xfu)) - 8.0;
    let hi = vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xfu)) - 8.0;
    return dot(lo, x_lo) + dot(hi, x_hi);
}
