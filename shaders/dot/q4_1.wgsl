// Q4_1 block · x: d · Σ q x + m · Σ x, nibbles unpacked four at a time. `xs` holds the group's
// 32 activations (x[4k..4k + 4] in xs[k]).
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let b = (row_byte >> 2u) + group * 5u;
    let dm = unpack2x16float(w[b]);
    var s = 0.0;
    var sum_x = vec4<f32>(0.0);
    for (var k = 0u; k < 4u; k++) {
        let q = w[b + 1u + k];
        let lo = vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xfu));
        let hi = vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xfu));
        s += dot(lo, xs[k]) + dot(hi, xs[4u + k]);
        sum_x += xs[k] + xs[4u + k];
    }
    return dm.x * s + dm.y * dot(sum_x, vec4<f32>(1.0));
}
