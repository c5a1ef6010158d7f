// Q8_0 block · x: d · Σ q x, four signed bytes at a time. The 34-byte block starts 2-byte
// aligned: read the 9 words that cover it once and realign by 16 bits where needed (9 loads
// instead of up to 17 through load_u32_at). `xs` holds the group's 32 activations, indexed by
// constants only (see dot/q4_0.wgsl).
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let b = row_byte + group * 34u;
    let i = b >> 2u;
    let odd = (b & 2u) != 0u;
    let w0 = w[i];
    let w1 = w[i + 1u];
    let w2 = w[i + 2u];
    let w3 = w[i + 3u];
    let w4 = w[i + 4u];
    let w5 = w[i + 5u];
    let w6 = w[i + 6u];
    let w7 = w[i + 7u];
    let w8 = w[i + 8u];
    let d = unpack2x16float(select(w0, w0 >> 16u, odd)).x;
    let s = i8_dot(realign(w0, w1, odd), xs[0]) + i8_dot(realign(w1, w2, odd), xs[1])
        + i8_dot(realign(w2, w3, odd), xs[2]) + i8_dot(realign(w3, w4, odd), xs[3])
        + i8_dot(realign(w4, w5, odd), xs[4]) + i8_dot(realign(w5, w6, odd), xs[5])
        + i8_dot(realign(w6, w7, odd), xs[6]) + i8_dot(realign(w7, w8, odd), xs[7]);
    return s * d;
}

// Four signed bytes · x.
fn i8_dot(word: u32, x: vec4<f32>) -> f32 {
    let q = bitcast<vec4<i32>>(vec4<u32>(word) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u);
    return dot(vec4<f32>(q), x);
}
