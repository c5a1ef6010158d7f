// Q5_1 block (24 bytes, word aligned) · x: d · Σ q x + m · Σ x with q = nibble | 5th bit from qh << 4.
fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    let b = (row_byte >> 2u) + group * 6u;
    let dm = unpack2x16float(w[b]);
    let qh = w[b + 1u];
    let lanes = vec4<u32>(0u, 1u, 2u, 3u);
    var s = 0.0;
    var sum_x = vec4<f32>(0.0);
    for (var k = 0u; k < 4u; k++) {
        let q = w[b + 2u + k];
        let h_lo = ((vec4<u32>(qh >> (4u * k)) >> lanes) & vec4<u32>(1u)) << vec4<u32>(4u);
        let h_hi = ((vec4<u32>(qh >> (4u * k + 16u)) >> lanes) & vec4<u32>(1u)) << vec4<u32>(4u);
        let lo = vec4<f32>((vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xfu)) | h_lo);
        let hi = vec4<f32>((vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xfu)) | h_hi);
        let x_lo = x4(xb + 4u * k);
        let x_hi = x4(xb + 16u + 4u * k);
        s += dot(lo, x_lo) + dot(hi, x_hi);
        sum_x += x_lo + x_hi;
    }
    return dm.x * s + dm.y * dot(sum_x, vec4<f32>(1.0));
}
