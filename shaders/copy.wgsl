// dst[dst_offset..] = src[..n_vec4] as `kv_float`, a quad of floats per invocation. With f32
// (kernels::Kernels::copy) it is the plain copy whose bandwidth is the adapter's practical limit
// for a memory-bound kernel (the roofline the matmul benchmarks are measured against); with the
// KV cache's type (kernels::Tuning::kv_f16) it is how a prompt writes its keys and values into
// the cache (Kernels::store_kv).

struct Params {
    n_vec4: u32,
    dst_offset: u32, // in vec4s
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4<kv_float>>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * 65535u * 256u;
    if (i >= params.n_vec4) {
        return;
    }
    dst[params.dst_offset + i] = vec4<kv_float>(src[i]);
}
