// Q4_0 block · x: d · Σ (q - 8) x, nibbles unpacked four at a time. The 18-byte block starts
// 2-byte aligned: its 5 covering words are read once and realigned by 16 bits where needed.
// `xs` holds the group's 32 activations (x[4k..4k + 4] in xs[k]).
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let b = row_byte + group * 18u;
    let i = b >> 2u;
    let odd = (b & 2u) != 0u;
    var prev = w[i];
    let d = unpack2x16float(select(prev, prev >> 16u, odd)).x;
    var s = 0.0;
    for (var k = 0u; k < 4u; k++) {
        let next = w[i + 1u + k];
        let q = select((prev >> 16u) | (next << 16u), next, odd);
        let lo = vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xfu)) - 8.0;
        let hi = vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xfu)) - 8.0;
        s += dot(lo, xs[k]) + dot(hi, xs[4u + k]);
        prev = next;
    }
    return s * d;
}
