// Q8_0 block · x: d · Σ q x, four signed bytes at a time.
fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    let b = row_byte + group * 34u;
    var s = 0.0;
    for (var k = 0u; k < 8u; k++) {
        let q = bitcast<vec4<i32>>(vec4<u32>(load_u32_at(b + 2u + 4u * k)) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u);
        s += dot(vec4<f32>(q), x4(xb + 4u * k));
    }
    return s * load_f16_at(b);
}
