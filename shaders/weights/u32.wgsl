// The weights as 4-byte words: for ops that read GGUF blocks (or planar rows, see
// runtime/src/quant/layout.rs) word by word, whatever their alignment.
@group(0) @binding(1) var<storage, read> w: array<u32>;

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
