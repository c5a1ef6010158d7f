// For types whose dot is written over 32 activations held in registers (`dot32_x`): the group's
// x, loaded once, and `dot32` (one row, as matvec.wgsl calls it) in terms of `dot32_x`.
fn x32(xb: u32) -> array<vec4<f32>, 8> {
    return array<vec4<f32>, 8>(x4(xb), x4(xb + 4u), x4(xb + 8u), x4(xb + 12u), x4(xb + 16u), x4(xb + 20u), x4(xb + 24u), x4(xb + 28u));
}

fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    return dot32_x(row_byte, group, x32(xb));
}
