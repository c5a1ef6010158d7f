// F16 row group · x over the n_valid values of group `group` (rows may be ragged).
fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    let base = row_byte + group * 64u;
    var s = 0.0;
    for (var i = 0u; i < n_valid; i++) {
        s += load_f16_at(base + 2u * i) * x1(xb + i);
    }
    return s;
}
