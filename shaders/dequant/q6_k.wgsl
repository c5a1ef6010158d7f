// Q6_K super-block (256 values, 210 bytes, not word aligned): ql: 128 bytes, qh: 64 bytes,
// scales: 16 i8, d: f16 at byte 208. Sub-block s = 4 * half + k (half 0..1, k 0..3), value l (0..31):
// q = (nibble k/2 of ql[64*half + 32*(k%2) + l]) | ((qh[32*half + l] >> 2k) & 3) << 4,
// x = (d * scales[8*half + 2k + l/16]) * (q - 32) (ggml's order).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let b = row_byte + (group / 8u) * 210u;
    let half = (group % 8u) / 4u;
    let k = group % 4u;
    let d = load_f16_at(b + 208u);
    let sc = load_u32_at(b + 192u + 8u * half + 2u * k);
    let d_lo = d * i8_of(sc, 0u); // values 0..15
    let d_hi = d * i8_of(sc, 1u); // values 16..31
    let ql = b + 64u * half + 32u * (k % 2u);
    let qh = b + 128u + 32u * half;
    return array<vec4<f32>, 8>(
        q6_k_quad(ql, qh, 0u, k, d_lo), q6_k_quad(ql, qh, 1u, k, d_lo), q6_k_quad(ql, qh, 2u, k, d_lo), q6_k_quad(ql, qh, 3u, k, d_lo),
        q6_k_quad(ql, qh, 4u, k, d_hi), q6_k_quad(ql, qh, 5u, k, d_hi), q6_k_quad(ql, qh, 6u, k, d_hi), q6_k_quad(ql, qh, 7u, k, d_hi),
    );
}

// Values 4j .. 4j + 3 of sub-block k of a half: low bits from ql bytes 4j.., high bits from qh.
fn q6_k_quad(ql: u32, qh: u32, j: u32, k: u32, scale: f32) -> vec4<f32> {
    let q = bytes4(load_u32_at(ql + 4u * j), 4u * (k / 2u), 0xfu) | (bytes4(load_u32_at(qh + 4u * j), 2u * k, 3u) << vec4<u32>(4u));
    return scale * (vec4<f32>(q) - 32.0);
}
