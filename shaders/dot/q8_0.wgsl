// Q8_0 block · x: d · Σ q x, four signed bytes at a time. The 34-byte block starts 2-byte
// aligned: read the 9 words that cover it once and realign by 16 bits where needed (9 loads
// instead of up to 17 through load_u32_at). `xs` holds the group's 32 activations.
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let b = row_byte + group * 34u;
    let i = b >> 2u;
    let odd = (b & 2u) != 0u;
    var prev = w[i];
    let d = unpack2x16float(select(prev, prev >> 16u, odd)).x;
    var s = 0.0;
    for (var k = 0u; k < 8u; k++) {
        let next = w[i + 1u + k];
        let word = select((prev >> 16u) | (next << 16u), next, odd);
        let q = bitcast<vec4<i32>>(vec4<u32>(word) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u);
        s += dot(vec4<f32>(q), xs[k]);
        prev = next;
    }
    return s * d;
}
