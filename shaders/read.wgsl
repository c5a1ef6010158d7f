// dst[256 c + l] = XOR of the source's 16-byte words 4096 c + l + 256 k (k < WORDS), for
// workgroup c and thread l: every word read once, a sixteenth as much written, nothing computed.
// The roofline's read ceiling (runtime/src/roofline.rs): a GEMV reads its weights and writes
// almost nothing, so this, not the copy, is the most its loads allow on an adapter. The source
// is read as the weights are (`wq` from shaders/weights/: a buffer, or a texture where the
// tuning keeps weights in textures).

struct Params {
    n_vec4: u32, // words of the source: WORDS · 256 per workgroup (kernels::READ_CHUNK bytes)
    w_word0: u32, // 0: the source's first word (shaders/weights/texture.wgsl)
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4<u32>>;

const WORDS: u32 = 16u;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let c = wg.x + wg.y * 65535u;
    let first = c * 256u * WORDS + lid;
    if (first >= params.n_vec4) {
        return;
    }
    var acc = vec4<u32>(0u);
    for (var k = 0u; k < WORDS; k++) {
        acc ^= wq(first + 256u * k);
    }
    dst[c * 256u + lid] = acc;
}
