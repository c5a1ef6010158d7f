// Q4_0 block (GGUF: d: f16, qs: 16 bytes of nibble pairs), from a planar row
// (runtime/src/quant/layout.rs): qs at 16·group, d at 2·group after the row's quants.
// x[j] = (lo(qs[j]) - 8) * d, x[j+16] = (hi - 8) * d: quad k < 4 is word k's low nibbles,
// quad k + 4 its high nibbles, taken as 16 × hi (see `byte_lanes`): (16 hi - 128) * (d / 16) is
// the same product, rounded the same.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let q = (row_byte >> 2u) + group * 4u;
    let d = load_f16_at(row_byte + row_len() / 2u + group * 2u);
    let d16 = d / 16.0;
    let b0 = byte_lanes(w[q]);
    let b1 = byte_lanes(w[q + 1u]);
    let b2 = byte_lanes(w[q + 2u]);
    let b3 = byte_lanes(w[q + 3u]);
    return array<vec4<f32>, 8>(
        (low_nibbles(b0) - 8.0) * d, (low_nibbles(b1) - 8.0) * d, (low_nibbles(b2) - 8.0) * d, (low_nibbles(b3) - 8.0) * d,
        (high_nibbles16(b0) - 128.0) * d16, (high_nibbles16(b1) - 128.0) * d16, (high_nibbles16(b2) - 128.0) * d16, (high_nibbles16(b3) - 128.0) * d16,
    );
}
