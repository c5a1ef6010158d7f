// Q6_K sub-block (see dequant/q6_k.wgsl) · x: d · (sc0 · Σ_{l<16} (q - 32) x + sc1 · Σ_{l≥16} (q - 32) x).
fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    let b = row_byte + (group / 8u) * 210u;
    let half = (group % 8u) / 4u;
    let k = group % 4u;
    let sc = load_u32_at(b + 192u + 8u * half + 2u * k);
    let ql0 = b + 64u * half + 32u * (k % 2u);
    let qh0 = b + 128u + 32u * half;
    let bytes = vec4<u32>(0u, 8u, 16u, 24u);
    var acc = vec2<f32>(0.0);
    for (var j = 0u; j < 8u; j++) {
        let lo = (vec4<u32>(load_u32_at(ql0 + 4u * j) >> (4u * (k / 2u))) >> bytes) & vec4<u32>(0xfu);
        let hi = (vec4<u32>(load_u32_at(qh0 + 4u * j) >> (2u * k)) >> bytes) & vec4<u32>(3u);
        acc[j / 4u] += dot(vec4<f32>(lo | (hi << vec4<u32>(4u))) - 32.0, x4(xb + 4u * j));
    }
    return load_f16_at(b + 208u) * (i8_of(sc, 0u) * acc.x + i8_of(sc, 1u) * acc.y);
}
