// The weights as 16-byte words, for types whose blocks are 16-byte aligned (planar rows, see
// runtime/src/quant/layout.rs, and the K-quants' super-blocks), in every op. One load per 16 bytes: on
// CPU adapters every storage load is a loop over the lanes, so this is a quarter of the loops
// of reading 4-byte words; a GPU makes one 128-bit load per lane.
@group(0) @binding(1) var<storage, read> w: array<vec4<u32>>;

// Word i of the weights.
fn wq(i: u32) -> vec4<u32> {
    return w[i];
}
