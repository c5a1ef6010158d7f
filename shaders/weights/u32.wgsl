// The weights as 4-byte words: for the types whose rows are not whole 16-byte words (the float
// types; 16-bit floats at any even offset through `load_f16_at`).
@group(0) @binding(1) var<storage, read> w: array<u32>;

// An f16 at an even byte offset, widened to f32.
fn load_f16_at(byte: u32) -> f32 {
    let word = w[byte >> 2u] >> ((byte & 2u) * 8u);
    return unpack2x16float(word & 0xffffu).x;
}
