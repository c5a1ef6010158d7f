// Q6_K super-block (256 values, 210 bytes, not word aligned): ql: 128 bytes, qh: 64 bytes,
// scales: 16 i8, d: f16 at byte 208. Sub-block s = 4 * half + k (half 0..1, k 0..3), value l (0..31):
// q = (nibble k/2 of ql[64*half + 32*(k%2) + l]) | ((qh[32*half + l] >> 2k) & 3) << 4,
// x = (d * scales[8*half + 2k + l/16]) * (q - 32) (ggml's order).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) {
    let b = row_byte + (group / 8u) * 210u;
    let half = (group % 8u) / 4u;
    let k = group % 4u;
    let d = load_f16_at(b + 208u);
    let sc = load_u32_at(b + 192u + 8u * half + 2u * k);
    let ds = vec2<f32>(d * i8_of(sc, 0u), d * i8_of(sc, 1u));
    let ql0 = b + 64u * half + 32u * (k % 2u);
    let qh0 = b + 128u + 32u * half;
    for (var j = 0u; j < 8u; j++) {
        let lo = load_u32_at(ql0 + 4u * j) >> (4u * (k / 2u));
        let hi = load_u32_at(qh0 + 4u * j) >> (2u * k);
        for (var i = 0u; i < 4u; i++) {
            let q = (u8_of(lo, i) & 0xfu) | ((u8_of(hi, i) & 3u) << 4u);
            wv[4u * j + i] = ds[j / 4u] * f32(i32(q) - 32);
        }
    }
}
