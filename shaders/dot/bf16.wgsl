// BF16 row group · x over the n_valid values of group `group` (rows may be ragged and start at any
// even byte): a whole group takes two values per word.
fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    let base = row_byte + group * 64u;
    var s = 0.0;
    if (n_valid == 32u && (base & 2u) == 0u) {
        for (var k = 0u; k < 8u; k++) {
            let a = w[(base >> 2u) + 2u * k];
            let c = w[(base >> 2u) + 2u * k + 1u];
            let v = bitcast<vec4<f32>>(vec4<u32>(a << 16u, a & 0xffff0000u, c << 16u, c & 0xffff0000u));
            s += dot(v, x4(xb + 4u * k));
        }
        return s;
    }
    for (var i = 0u; i < n_valid; i++) {
        let byte = base + 2u * i;
        s += bitcast<f32>((w[byte >> 2u] >> ((byte & 2u) * 8u)) << 16u) * x1(xb + i);
    }
    return s;
}
