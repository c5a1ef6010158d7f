// For types whose dot is written over a group's 32 activations held in registers (`dot32_x`):
// the group's x as those dots read it, prepared once per group and shared by a thread's rows,
// and `dot32` (one row, as matvec.wgsl calls it) in terms of `dot32_x`.

// The group's activations: the quads (x[4k..4k + 4] in q[k]); the quads prescaled for values
// taken where they lie in their words (`bytes_at`, `nibbles_dot` in dequant/bytes.wgsl: byte j
// of a word masked in place is 256^j times its value, so x[4k + j] is divided by 256^j, exactly;
// a high nibble's by 16 · 256^j);
// and the sums of the group's two halves and of the whole group, for offsets
// (Σ (q - 8) x = Σ q x - 8 Σ x; Q6_K's halves have scales of their own) and minimums. On
// SwiftShader, where the GEMV is bound by its arithmetic, the sums made Q4_0's 25% faster, and
// values in place (no shifts, which it emulates lane by lane) Q8_0's 1.9x and Q4_1's ~12%. A
// type that does not read a field leaves it to the compiler to drop.
struct XGroup {
    q: array<vec4<f32>, 8>,
    // For byte values (Q8_0, the 5- and 6-bit types): x · PER_BYTE.
    at_byte: array<vec4<f32>, 8>,
    // For the high nibbles of quads 4..7: x · PER_HIGH_NIBBLE (the low ones of quads 0..3 use
    // at_byte's).
    nib_hi: array<vec4<f32>, 4>,
    halves: vec2<f32>,
    sum: f32,
}

fn x_group(q: array<vec4<f32>, 8>) -> XGroup {
    let one = vec4<f32>(1.0);
    let halves = vec2<f32>(dot((q[0] + q[1]) + (q[2] + q[3]), one), dot((q[4] + q[5]) + (q[6] + q[7]), one));
    let b = PER_BYTE;
    let hi = PER_HIGH_NIBBLE;
    return XGroup(
        q,
        array<vec4<f32>, 8>(q[0] * b, q[1] * b, q[2] * b, q[3] * b, q[4] * b, q[5] * b, q[6] * b, q[7] * b),
        array<vec4<f32>, 4>(q[4] * hi, q[5] * hi, q[6] * hi, q[7] * hi),
        halves,
        halves.x + halves.y,
    );
}

fn x32(xb: u32) -> XGroup {
    return x_group(array<vec4<f32>, 8>(x4(xb), x4(xb + 4u), x4(xb + 8u), x4(xb + 12u), x4(xb + 16u), x4(xb + 20u), x4(xb + 24u), x4(xb + 28u)));
}

fn dot32(row_byte: u32, group: u32, xb: u32, n_valid: u32) -> f32 {
    return dot32_x(row_byte, group, x32(xb));
}
