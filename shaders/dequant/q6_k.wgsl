// Q6_K super-block (256 values) as the GPU holds it (runtime/src/quant/layout.rs, 224 bytes =
// 56 words): words 4s..4s + 3 hold sub-block s's low nibbles (byte l: value l low, value l + 16
// high), words 32 + 2s and 33 + 2s its high bits (values 0..15 and 16..31, value l at bits 2l),
// words 48..51 the 16 i8 scales (sub-block s: scales 2s for values 0..15, 2s + 1 for 16..31),
// word 52 the f16 d. x = (d * scale) * (low | high << 4 - 32), ggml's values and order.
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let b = (row_byte >> 2u) + (group / 8u) * 56u;
    let s = group % 8u;
    let d = unpack2x16float(w[b + 52u]).x;
    let sc = w[b + 48u + s / 2u];
    let d_lo = d * i8_of(sc, 2u * (s % 2u));
    let d_hi = d * i8_of(sc, 2u * (s % 2u) + 1u);
    let q = b + 4u * s;
    let h_lo = w[b + 32u + 2u * s];
    let h_hi = w[b + 33u + 2u * s];
    return array<vec4<f32>, 8>(
        d_lo * q6_k_quad(w[q], 0u, h_lo), d_lo * q6_k_quad(w[q + 1u], 0u, h_lo >> 8u),
        d_lo * q6_k_quad(w[q + 2u], 0u, h_lo >> 16u), d_lo * q6_k_quad(w[q + 3u], 0u, h_lo >> 24u),
        d_hi * q6_k_quad(w[q], 4u, h_hi), d_hi * q6_k_quad(w[q + 1u], 4u, h_hi >> 8u),
        d_hi * q6_k_quad(w[q + 2u], 4u, h_hi >> 16u), d_hi * q6_k_quad(w[q + 3u], 4u, h_hi >> 24u),
    );
}
