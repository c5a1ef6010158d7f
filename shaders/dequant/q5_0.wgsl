// Q5_0 block (22 bytes, not word aligned): d: f16, qh: u32 (5th bits), qs: 16 bytes of nibble pairs.
// x[j] = ((lo(qs[j]) | bit j of qh << 4) - 16) * d, x[j+16] = ((hi(qs[j]) | bit j+16 of qh << 4) - 16) * d.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let b = row_byte + group * 22u;
    let d = load_f16_at(b);
    let qh = load_u32_at(b + 2u);
    let q0 = load_u32_at(b + 6u);
    let q1 = load_u32_at(b + 10u);
    let q2 = load_u32_at(b + 14u);
    let q3 = load_u32_at(b + 18u);
    return array<vec4<f32>, 8>(
        q5_0_quad(q0, 0u, qh, 0u, d), q5_0_quad(q1, 0u, qh, 4u, d), q5_0_quad(q2, 0u, qh, 8u, d), q5_0_quad(q3, 0u, qh, 12u, d),
        q5_0_quad(q0, 4u, qh, 16u, d), q5_0_quad(q1, 4u, qh, 20u, d), q5_0_quad(q2, 4u, qh, 24u, d), q5_0_quad(q3, 4u, qh, 28u, d),
    );
}

fn q5_0_quad(q: u32, shift: u32, qh: u32, first: u32, d: f32) -> vec4<f32> {
    return vec4<f32>(vec4<i32>(q5_4(q, shift, qh, first)) - vec4<i32>(16)) * d;
}
