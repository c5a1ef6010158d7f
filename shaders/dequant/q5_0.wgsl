// Q5_0 block (GGUF: d: f16, qh: u32 of fifth bits, qs: 16 bytes of nibble pairs), from a planar
// row (runtime/src/quant/layout.rs) read as 16-byte words: qs is the row's word `group`, then
// after the row's quants 8 bytes per block: d, two zero bytes, qh (half a word). x[j] =
// (q_j - 16) · d with q_j = nibble | fifth bit << 4: quad k < 4 is word k's low nibbles
// (values 4k ..), quad k + 4 its high ones (values 16 + 4k ..).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let row = row_byte >> 4u;
    let q = wq(row + group);
    let head = wq(row + row_len() / 32u + group / 2u);
    let dh = select(head.xy, head.zw, group % 2u == 1u);
    let d = unpack2x16float(dh.x).x;
    let qh = dh.y;
    return array<vec4<f32>, 8>(
        (q5_values(q.x, 0u, qh, 0u) - 16.0) * d, (q5_values(q.y, 0u, qh, 4u) - 16.0) * d,
        (q5_values(q.z, 0u, qh, 8u) - 16.0) * d, (q5_values(q.w, 0u, qh, 12u) - 16.0) * d,
        (q5_values(q.x, 4u, qh, 16u) - 16.0) * d, (q5_values(q.y, 4u, qh, 20u) - 16.0) * d,
        (q5_values(q.z, 4u, qh, 24u) - 16.0) * d, (q5_values(q.w, 4u, qh, 28u) - 16.0) * d,
    );
}
