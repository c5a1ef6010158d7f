// Q4_K sub-block (see dequant/q4_k.wgsl) · x: (d * sc) · Σ q x - (dmin * m) · Σ x. `xs` holds
// the sub-block's 32 activations.
fn dot32_x(row_byte: u32, group: u32, xs: array<vec4<f32>, 8>) -> f32 {
    let b = (row_byte >> 2u) + (group / 8u) * 36u;
    let s = group % 8u;
    let dm = unpack2x16float(w[b]);
    let sm = scale_min_k4(w[b + 1u], w[b + 2u], w[b + 3u], s);
    let q0 = b + 4u + (s / 2u) * 8u;
    let shift = (s % 2u) * 4u;
    var acc = vec4<f32>(0.0);
    var sum_x = vec4<f32>(0.0);
    for (var k = 0u; k < 8u; k++) {
        let q = w[q0 + k] >> shift;
        acc += vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xfu)) * xs[k];
        sum_x += xs[k];
    }
    let one = vec4<f32>(1.0);
    return dm.x * f32(sm.x) * dot(acc, one) - dm.y * f32(sm.y) * dot(sum_x, one);
}
