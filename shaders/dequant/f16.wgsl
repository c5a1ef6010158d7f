// F16: 32 consecutive half floats; `n_valid` < 32 on a ragged tail (rows need not be multiples of 32).
fn dequant32(row_byte: u32, group: u32, n_valid: u32) -> array<vec4<f32>, 8> {
    let base = row_byte + group * 64u;
    return array<vec4<f32>, 8>(
        f16_quad(base, 0u, n_valid), f16_quad(base, 1u, n_valid), f16_quad(base, 2u, n_valid), f16_quad(base, 3u, n_valid),
        f16_quad(base, 4u, n_valid), f16_quad(base, 5u, n_valid), f16_quad(base, 6u, n_valid), f16_quad(base, 7u, n_valid),
    );
}

fn f16_quad(base: u32, j: u32, n_valid: u32) -> vec4<f32> {
    let b = base + 8u * j;
    // At a word boundary two loads of two values each; rows of odd length start mid-word.
    var v = vec4<f32>(unpack2x16float(w[b >> 2u]), unpack2x16float(w[(b >> 2u) + 1u]));
    if ((b & 2u) != 0u) {
        v = vec4<f32>(load_f16_at(b), load_f16_at(b + 2u), load_f16_at(b + 4u), load_f16_at(b + 6u));
    }
    return select(vec4<f32>(0.0), v, valid4(j, n_valid));
}
