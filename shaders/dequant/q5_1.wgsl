// Q5_1 block (24 bytes, word aligned): d, m: f16, qh: u32 (5th bits), qs: 16 bytes of nibble pairs.
// x[j] = (lo(qs[j]) | bit j of qh << 4) * d + m, x[j+16] = (hi(qs[j]) | bit j+16 of qh << 4) * d + m.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let b = (row_byte >> 2u) + group * 6u;
    let dm = unpack2x16float(w[b]);
    let qh = w[b + 1u];
    let q0 = w[b + 2u];
    let q1 = w[b + 3u];
    let q2 = w[b + 4u];
    let q3 = w[b + 5u];
    return array<vec4<f32>, 8>(
        q5_1_quad(q0, 0u, qh, 0u, dm), q5_1_quad(q1, 0u, qh, 4u, dm), q5_1_quad(q2, 0u, qh, 8u, dm), q5_1_quad(q3, 0u, qh, 12u, dm),
        q5_1_quad(q0, 4u, qh, 16u, dm), q5_1_quad(q1, 4u, qh, 20u, dm), q5_1_quad(q2, 4u, qh, 24u, dm), q5_1_quad(q3, 4u, qh, 28u, dm),
    );
}

fn q5_1_quad(q: u32, shift: u32, qh: u32, first: u32, dm: vec2<f32>) -> vec4<f32> {
    return vec4<f32>(q5_4(q, shift, qh, first)) * dm.x + dm.y;
}
