// cache[dst_offset..] = src[..n_vec4] in the cache's type (`kv_float`, f16 or f32, from
// kernels::Tuning::kv_f16): how a prompt writes its keys and values into the KV cache. Same
// parameters as copy.wgsl; offsets in quads of values.

struct Params {
    n_vec4: u32,
    dst_offset: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> cache: array<vec4<kv_float>>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * 65535u * 256u;
    if (i >= params.n_vec4) {
        return;
    }
    cache[params.dst_offset + i] = vec4<kv_float>(src[i]);
}
