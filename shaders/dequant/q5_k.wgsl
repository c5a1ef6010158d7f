// Q5_K super-block (256 values, 176 bytes = 44 words): d, dmin: f16, scales: 12 bytes (as
// Q4_K), then on the GPU (runtime/src/quant/layout.rs) word 4 + s holds sub-block s's fifth bits
// (bit l: value l) and words 12 + 4s .. 12 + 4s + 3 its nibbles in Q4_0's order (value l in the
// low nibble of byte l, value l + 16 in the high one). x = (d * sc) * (nibble + 16 * bit) - dmin * m
// (ggml's values and order).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let b = (row_byte >> 2u) + (group / 8u) * 44u;
    let s = group % 8u;
    let dm = unpack2x16float(w[b]);
    let sm = scale_min_k4(w[b + 1u], w[b + 2u], w[b + 3u], s);
    let d1 = dm.x * sm.x;
    let m1 = dm.y * sm.y;
    let h = w[b + 4u + s];
    let q = b + 12u + 4u * s;
    let q0 = w[q];
    let q1 = w[q + 1u];
    let q2 = w[q + 2u];
    let q3 = w[q + 3u];
    return array<vec4<f32>, 8>(
        d1 * q5_quad(q0, 0u, h) - m1, d1 * q5_quad(q1, 0u, h >> 4u) - m1,
        d1 * q5_quad(q2, 0u, h >> 8u) - m1, d1 * q5_quad(q3, 0u, h >> 12u) - m1,
        d1 * q5_quad(q0, 4u, h >> 16u) - m1, d1 * q5_quad(q1, 4u, h >> 20u) - m1,
        d1 * q5_quad(q2, 4u, h >> 24u) - m1, d1 * q5_quad(q3, 4u, h >> 28u) - m1,
    );
}
