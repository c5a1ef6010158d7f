// Reading GGUF blocks, whose fields are not always 4-byte aligned, from a u32 storage array `w`.

// The 4 bytes starting at any byte offset.
fn load_u32_at(byte: u32) -> u32 {
    let i = byte >> 2u;
    let shift = (byte & 3u) * 8u;
    if (shift == 0u) {
        return w[i];
    }
    return (w[i] >> shift) | (w[i + 1u] << (32u - shift));
}

// An f16 at an even byte offset, widened to f32.
fn load_f16_at(byte: u32) -> f32 {
    let word = w[byte >> 2u] >> ((byte & 2u) * 8u);
    return unpack2x16float(word & 0xffffu).x;
}

// For a 2-byte aligned block read as whole words: the word starting 2 bytes into `a` when `odd`
// (`a`'s high half, `b`'s low half), else `b`.
fn realign(a: u32, b: u32, odd: bool) -> u32 {
    return select((a >> 16u) | (b << 16u), b, odd);
}

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
