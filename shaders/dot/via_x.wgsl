// For types whose dot is written over a group's 32 activations held in registers (`dot32_x`):
// the group's x as those dots read it, prepared once per group and shared by a thread's rows,
// and `dot32` (one row, as matvec.wgsl calls it) in terms of `dot32_x`.

// The group's activations: the quads (x[4k..4k + 4] in q[k]); quads 4..7 divided by 16, for the
// nibble types, which take a high nibble as byte & 0xf0 (16 × the nibble: a shift less per
// value); and the sums of the group's two halves and of the whole group, for offsets
// (Σ (q - 8) x = Σ q x - 8 Σ x; Q6_K's halves have scales of their own) and minimums. On
// SwiftShader, where the GEMV is bound by its arithmetic, this made Q4_0's 25% faster. A type
// that does not read a field leaves it to the compiler to drop.
struct XGroup {
    q: array<vec4<f32>, 8>,
    hi16: array<vec4<f32>, 4>,
    halves: vec2<f32>,
    sum: f32,
}

fn x_group(q: array<vec4<f32>, 8>) -> XGroup {
    let k = 1.0 / 16.0;
    let one = vec4<f32>(1.0);
    let halves = vec2<f32>(dot((q[0] + q[1]) + (q[2] + q[3]), one), dot((q[4] + q[5]) + (q[6] + q[7]), one));
    return XGroup(q, array<vec4<f32>, 4>(q[4] * k, q[5] * k, q[6] * k, q[7] * k), halves, halves.x + halves.y);
}

fn x32(xb: u32) -> XGroup {
    return x_group(array<vec4<f32>, 8>(x4(xb), x4(xb + 4u), x4(xb + 8u), x4(xb + 12u), x4(xb + 16u), x4(xb + 20u), x4(xb + 24u), x4(xb + 28u)));
}

fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    return dot32_x(row_byte, group, x32(xb));
}
