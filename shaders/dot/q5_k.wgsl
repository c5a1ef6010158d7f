// Q5_K sub-block (see dequant/q5_k.wgsl) · x: (d * sc) · Σ q x - (dmin * m) · Σ x, q = nibble | bit << 4.
fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    let b = (row_byte >> 2u) + (group / 8u) * 44u;
    let s = group % 8u;
    let dm = unpack2x16float(w[b]);
    let sm = scale_min_k4(w[b + 1u], w[b + 2u], w[b + 3u], s);
    let q0 = b + 12u + (s / 2u) * 8u;
    let shift = (s % 2u) * 4u;
    let bytes = vec4<u32>(0u, 8u, 16u, 24u);
    var acc = vec4<f32>(0.0);
    var sum_x = vec4<f32>(0.0);
    for (var k = 0u; k < 8u; k++) {
        let q = (vec4<u32>(w[q0 + k] >> shift) >> bytes) & vec4<u32>(0xfu);
        let h = ((vec4<u32>(w[b + 4u + k] >> s) >> bytes) & vec4<u32>(1u)) << vec4<u32>(4u);
        let xk = x4(xb + 4u * k);
        acc += vec4<f32>(q | h) * xk;
        sum_x += xk;
    }
    let one = vec4<f32>(1.0);
    return dm.x * f32(sm.x) * dot(acc, one) - dm.y * f32(sm.y) * dot(sum_x, one);
}
