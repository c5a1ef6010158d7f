// Q4_0 block · x: d · Σ (q - 8) x, nibbles unpacked four at a time.
fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    let b = row_byte + group * 18u;
    var s = 0.0;
    for (var k = 0u; k < 4u; k++) {
        let q = load_u32_at(b + 2u + 4u * k);
        let lo = vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xfu)) - 8.0;
        let hi = vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xfu)) - 8.0;
        s += dot(lo, x4(xb + 4u * k)) + dot(hi, x4(xb + 16u + 4u * k));
    }
    return s * load_f16_at(b);
}
