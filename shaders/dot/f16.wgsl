// F16 row group · x over the n_valid values of group `group` (rows may be ragged, and rows of
// odd length start at half-word offsets). A whole group at a word boundary takes two values per
// load (16 loads instead of 32: a load is the costly part on CPU adapters).
fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    let base = row_byte + group * 64u;
    var s = 0.0;
    if (n_valid == 32u && (base & 2u) == 0u) {
        let word = base >> 2u;
        for (var k = 0u; k < 8u; k++) {
            let v = vec4<f32>(unpack2x16float(w[word + 2u * k]), unpack2x16float(w[word + 2u * k + 1u]));
            s += dot(v, x4(xb + 4u * k));
        }
        return s;
    }
    for (var i = 0u; i < n_valid; i++) {
        s += load_f16_at(base + 2u * i) * x1(xb + i);
    }
    return s;
}
