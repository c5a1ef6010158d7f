// Fields of quantized blocks (not always 4-byte aligned in GGUF) taken out of whole words
// (the weights `w` come from shaders/weights/u32.wgsl or vec4.wgsl).
//
// `dequant32` (shaders/dequant/<type>.wgsl) returns a group of 32 values as 8 quads, each quad
// built by one call with constant arguments: CPU compilers (llvmpipe, SwiftShader) keep arrays
// indexed by constants in registers, but an array indexed by a loop counter becomes a per-lane
// gather, which made the GEMM 2.5x slower on lavapipe.

// Signed byte k (0..3) of a word.
fn i8_of(word: u32, k: u32) -> f32 {
    return f32(bitcast<i32>(word << (24u - 8u * k)) >> 24u);
}

// (scale, min) of sub-block j (0..7) of a Q4_K/Q5_K super-block, from its 12 scale bytes as the
// GPU holds them (runtime/src/quant/layout.rs, `k_scales`): the low 4 bits in nibble j of
// `low_sc` and `low_m`, the high 2 bits at bits 2j and 16 + 2j of `high`. No branch on j.
fn scale_min_k4(low_sc: u32, low_m: u32, high: u32, j: u32) -> vec2<f32> {
    let low = (vec2<u32>(low_sc, low_m) >> vec2<u32>(4u * j)) & vec2<u32>(0xfu);
    let top = (vec2<u32>(high) >> vec2<u32>(2u * j, 16u + 2u * j)) & vec2<u32>(3u);
    return vec2<f32>(bitcast<vec2<i32>>(low | (top << vec2<u32>(4u))));
}

// Values taken where they lie in their word: byte j of a word masked in place (`word & 0xff00`)
// is 256^j times its value, a nibble 16^k times its, and a multiply by the inverse power of two
// (exact), folded into a scale the value is multiplied by anyway (a block's d, or x in a dot),
// undoes it. SwiftShader emulates a vector shift one lane at a time (extract, shift, insert), a
// mask and a conversion are one instruction each: Q8_0's GEMV, which shifted every byte twice to
// sign-extend it, ran 1.9x faster with its bytes taken in place.

// The place values of a word's four bytes and of their high nibbles, and their inverses.
const BYTE_PLACE = vec4<f32>(1.0, 256.0, 65536.0, 16777216.0);
const PER_BYTE = vec4<f32>(1.0, 1.0 / 256.0, 1.0 / 65536.0, 1.0 / 16777216.0);
const PER_HIGH_NIBBLE = PER_BYTE / 16.0;

// Four masked fields of a word as floats, in place: the first three converted as signed (x86's
// SIMD converts only signed integers; SwiftShader emulates the unsigned conversion), the top one,
// which may pass 2^31, as unsigned.
fn in_place(a: u32, b: u32, c: u32, top: u32) -> vec4<f32> {
    return vec4<f32>(vec3<f32>(bitcast<vec3<i32>>(vec3<u32>(a, b, c))), f32(top));
}

// A word's four bytes, each PLACE times its value (BYTE_PLACE).
fn bytes_at(word: u32) -> vec4<f32> {
    return in_place(word & 0xffu, word & 0xff00u, word & 0xff0000u, word & 0xff000000u);
}

// A word's four low nibbles (BYTE_PLACE times each) and high nibbles (16 × BYTE_PLACE).
fn low_nibbles_at(word: u32) -> vec4<f32> {
    return in_place(word & 0xfu, word & 0xf00u, word & 0xf0000u, word & 0xf000000u);
}

fn high_nibbles_at(word: u32) -> vec4<f32> {
    return in_place(word & 0xf0u, word & 0xf000u, word & 0xf00000u, word & 0xf0000000u);
}

// A word's four bytes as floats (values a word was assembled into: q5_bytes, q6_k_bytes).
fn byte_values(word: u32) -> vec4<f32> {
    return bytes_at(word) * PER_BYTE;
}

// Four bytes of nibbles · x: the low nibbles with `x_lo` = x · PER_BYTE, the high ones with
// `x_hi` = x · PER_HIGH_NIBBLE (`XGroup::at_byte`, `XGroup::nib_hi`).
fn nibbles_dot(q: u32, x_lo: vec4<f32>, x_hi: vec4<f32>) -> f32 {
    return dot(low_nibbles_at(q), x_lo) + dot(high_nibbles_at(q), x_hi);
}

// The four 6-bit values (0..63) of a Q6_K quad as the bytes of a word: the nibbles at `shift` of
// a word's bytes, each with 2 high bits from the low byte of `high` (bits 2l, 2l + 1 for value
// l) moved to bits 4-5 of byte l by two multiplies, values 0 and 2 then 1 and 3: the copies of
// each masked byte do not overlap, so no carry reaches a kept bit. Scalar work on the whole
// word instead of per value.
fn q6_k_bytes(word: u32, shift: u32, high: u32) -> u32 {
    let even = ((high & 0x33u) * 0x00010010u) & 0x00300030u;
    let odd = ((high & 0xccu) * 0x00400400u) & 0x30003000u;
    return ((word >> shift) & 0x0f0f0f0fu) | even | odd;
}

// The same four values as floats (dot/q6_k.wgsl takes the 32 off per half, from x's sums).
fn q6_k_values(word: u32, shift: u32, high: u32) -> vec4<f32> {
    return byte_values(q6_k_bytes(word, shift, high));
}

// The four values minus 32, ggml's signed values (exact: small integers).
fn q6_k_quad(word: u32, shift: u32, high: u32) -> vec4<f32> {
    return q6_k_values(word, shift, high) - 32.0;
}

// The four signed bytes of a word times d: each byte plus 128 (the word ^ 0x80808080) is
// unsigned, so no sign extension (two shifts a byte), taken in place.
fn i8x4_times(word: u32, d: f32) -> vec4<f32> {
    return (bytes_at(word ^ 0x80808080u) - 128.0 * BYTE_PLACE) * (d * PER_BYTE);
}

// The four 5-bit values of a Q5_0/Q5_1 quad as the bytes of a word: the nibbles at `shift` of
// the bytes of `q` (a word of the block's quants), each with its fifth bit from bits first ..
// first + 3 of `qh`, moved to bit 4 of each byte by one multiply (bit j goes up 7j places, and
// no two of the four copies of a bit meet).
fn q5_bytes(q: u32, shift: u32, qh: u32, first: u32) -> u32 {
    let fifth = (((qh >> first) & 0xfu) * 0x00204081u) & 0x01010101u;
    return ((q >> shift) & 0x0f0f0f0fu) | (fifth << 4u);
}

// The same four values as floats.
fn q5_values(q: u32, shift: u32, qh: u32, first: u32) -> vec4<f32> {
    return byte_values(q5_bytes(q, shift, qh, first));
}

// Σ q x over a Q5_0/Q5_1 block or a Q5_K sub-block: its 16 bytes of nibbles `q` (value l in the
// low nibble of byte l, value l + 16 in the high one), its fifth bits `qh` (bit l: value l), x's
// quads prescaled for bytes taken in place in `x` (`XGroup::at_byte`).
fn q5_dot(q: vec4<u32>, qh: u32, x: array<vec4<f32>, 8>) -> f32 {
    return dot(bytes_at(q5_bytes(q.x, 0u, qh, 0u)), x[0]) + dot(bytes_at(q5_bytes(q.y, 0u, qh, 4u)), x[1])
        + dot(bytes_at(q5_bytes(q.z, 0u, qh, 8u)), x[2]) + dot(bytes_at(q5_bytes(q.w, 0u, qh, 12u)), x[3])
        + dot(bytes_at(q5_bytes(q.x, 4u, qh, 16u)), x[4]) + dot(bytes_at(q5_bytes(q.y, 4u, qh, 20u)), x[5])
        + dot(bytes_at(q5_bytes(q.z, 4u, qh, 24u)), x[6]) + dot(bytes_at(q5_bytes(q.w, 4u, qh, 28u)), x[7]);
}

// Which of the values 4j .. 4j + 3 of a group lie before `n_valid` (a float row's ragged tail).
fn valid4(j: u32, n_valid: u32) -> vec4<bool> {
    return vec4<u32>(4u * j) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(n_valid);
}
