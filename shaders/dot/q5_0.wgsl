// Q5_0 block (22 bytes, not word aligned) · x: d · Σ (q - 16) x with q = nibble | 5th bit from qh << 4.
fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    let b = row_byte + group * 22u;
    let qh = load_u32_at(b + 2u);
    let lanes = vec4<u32>(0u, 1u, 2u, 3u);
    var s = 0.0;
    for (var k = 0u; k < 4u; k++) {
        let q = load_u32_at(b + 6u + 4u * k);
        let h_lo = ((vec4<u32>(qh >> (4u * k)) >> lanes) & vec4<u32>(1u)) << vec4<u32>(4u);
        let h_hi = ((vec4<u32>(qh >> (4u * k + 16u)) >> lanes) & vec4<u32>(1u)) << vec4<u32>(4u);
        let lo = vec4<f32>((vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xfu)) | h_lo) - 16.0;
        let hi = vec4<f32>((vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xfu)) | h_hi) - 16.0;
        s += dot(lo, x4(xb + 4u * k)) + dot(hi, x4(xb + 16u + 4u * k));
    }
    return s * load_f16_at(b);
}
