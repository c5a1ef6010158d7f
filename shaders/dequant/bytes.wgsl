// Fields of quantized blocks (not always 4-byte aligned in GGUF) taken out of whole words
// (the weights `w` come from shaders/weights/u32.wgsl or vec4.wgsl).

// Signed byte k (0..3) of a word.
fn i8_of(word: u32, k: u32) -> f32 {
    return f32(bitcast<i32>(word << (24u - 8u * k)) >> 24u);
}

// Unsigned byte k (0..3) of a word.
fn u8_of(word: u32, k: u32) -> u32 {
    return (word >> (8u * k)) & 0xffu;
}

// ggml's get_scale_min_k4 for Q4_K/Q5_K: (scale, min) of sub-block j (0..7) from the 12 packed
// scale bytes, given as words s0 (bytes 0-3), s1 (4-7), s2 (8-11).
fn scale_min_k4(s0: u32, s1: u32, s2: u32, j: u32) -> vec2<u32> {
    if (j < 4u) {
        return vec2<u32>(u8_of(s0, j) & 63u, u8_of(s1, j) & 63u);
    }
    let k = j - 4u;
    return vec2<u32>((u8_of(s2, k) & 0xfu) | ((u8_of(s0, k) >> 6u) << 4u), (u8_of(s2, k) >> 4u) | ((u8_of(s1, k) >> 6u) << 4u));
}
