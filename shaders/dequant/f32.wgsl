// F32: 32 consecutive values of the row starting at byte `row_byte`; `n_valid` < 32 on a ragged tail.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let base = (row_byte >> 2u) + group * 32u;
    return array<vec4<f32>, 8>(
        f32_quad(base, 0u, n_valid), f32_quad(base, 1u, n_valid), f32_quad(base, 2u, n_valid), f32_quad(base, 3u, n_valid),
        f32_quad(base, 4u, n_valid), f32_quad(base, 5u, n_valid), f32_quad(base, 6u, n_valid), f32_quad(base, 7u, n_valid),
    );
}

fn f32_quad(base: u32, j: u32, n_valid: u32) -> vec4<f32> {
    let i = base + 4u * j;
    let v = bitcast<vec4<f32>>(vec4<u32>(w[i], w[i + 1u], w[i + 2u], w[i + 3u]));
    return select(vec4<f32>(0.0), v, valid4(j, n_valid));
}
