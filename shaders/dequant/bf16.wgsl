// BF16: 32 consecutive bfloat16 (the upper half of an f32: widening is a 16-bit shift); `n_valid` < 32
// on a ragged tail, and rows of odd length start at half-word offsets.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let base = row_byte + group * 64u;
    return array<vec4<f32>, 8>(
        bf16_quad(base, 0u, n_valid), bf16_quad(base, 1u, n_valid), bf16_quad(base, 2u, n_valid), bf16_quad(base, 3u, n_valid),
        bf16_quad(base, 4u, n_valid), bf16_quad(base, 5u, n_valid), bf16_quad(base, 6u, n_valid), bf16_quad(base, 7u, n_valid),
    );
}

fn bf16_quad(base: u32, j: u32, n_valid: u32) -> vec4<f32> {
    let b = base + 8u * j;
    let v = vec4<f32>(bf16_at(b), bf16_at(b + 2u), bf16_at(b + 4u), bf16_at(b + 6u));
    return select(vec4<f32>(0.0), v, valid4(j, n_valid));
}

fn bf16_at(byte: u32) -> f32 {
    return bitcast<f32>((w[byte >> 2u] >> ((byte & 2u) * 8u)) << 16u);
}
