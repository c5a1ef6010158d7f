// Q4_1 block (GGUF: d, m: f16, qs: 16 bytes), from a planar row (runtime/src/quant/layout.rs):
// qs at 16·group, (d, m) at 4·group after the row's quants. x[j] = lo(qs[j]) * d + m,
// x[j+16] = hi * d + m: quad k < 4 is word k's low nibbles, quad k + 4 its high nibbles.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let q = (row_byte >> 2u) + group * 4u;
    let dm = unpack2x16float(w[(row_byte >> 2u) + row_len() / 8u + group]);
    let q0 = w[q];
    let q1 = w[q + 1u];
    let q2 = w[q + 2u];
    let q3 = w[q + 3u];
    return array<vec4<f32>, 8>(
        nibbles4(q0, 0u) * dm.x + dm.y, nibbles4(q1, 0u) * dm.x + dm.y, nibbles4(q2, 0u) * dm.x + dm.y, nibbles4(q3, 0u) * dm.x + dm.y,
        nibbles4(q0, 4u) * dm.x + dm.y, nibbles4(q1, 4u) * dm.x + dm.y, nibbles4(q2, 4u) * dm.x + dm.y, nibbles4(q3, 4u) * dm.x + dm.y,
    );
}
