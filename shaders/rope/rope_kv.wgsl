// One decode step's RoPE and KV-cache write in a single pass over qkv = [q | k | v] of one token
// at position pos: q's heads rotate in place, k's heads rotate into k_cache[pos] and v is copied
// into v_cache[pos] (rope.wgsl then two copies would be three dispatches). One invocation per
// pair of values: (n_head + 2 n_kv_head) heads of head_dim / 2 pairs. Pairs as in rope.wgsl;
// pairs past n_rot / 2 hold the unrotated dimensions (2j, 2j + 1) in either mode.

struct Params {
    n_head: u32,
    n_kv_head: u32,
    head_dim: u32,
    n_rot: u32,
    pos: u32,
    mode: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> inv_freqs: array<f32>;
// The caches hold `kv_float` (f16 or f32: kernels::Tuning::kv_f16).
@group(0) @binding(3) var<storage, read_write> k_cache: array<kv_float>;
@group(0) @binding(4) var<storage, read_write> v_cache: array<kv_float>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let half_dim = params.head_dim / 2u;
    let half_rot = params.n_rot / 2u;
    let idx = gid.x + gid.y * 65535u * 64u;
    if (idx >= (params.n_head + 2u * params.n_kv_head) * half_dim) {
        return;
    }
    let head = idx / half_dim;
    let j = idx % half_dim;
    var a = 2u * j;
    var b = a + 1u;
    if (params.mode == 1u && j < half_rot) {
        a = j;
        b = j + half_rot;
    }
    let base = head * params.head_dim; // this head's start in qkv
    var x0 = qkv[base + a];
    var x1 = qkv[base + b];
    if (head < params.n_head + params.n_kv_head && j < half_rot) {
        let sc = sin_cos(f32(params.pos) * inv_freqs[j]);
        let r0 = x0 * sc.y - x1 * sc.x;
        let r1 = x0 * sc.x + x1 * sc.y;
        x0 = r0;
        x1 = r1;
    }
    let kv_dim = params.n_kv_head * params.head_dim;
    if (head < params.n_head) {
        qkv[base + a] = x0;
        qkv[base + b] = x1;
    } else if (head < params.n_head + params.n_kv_head) {
        let at = params.pos * kv_dim + (head - params.n_head) * params.head_dim;
        k_cache[at + a] = kv_float(x0);
        k_cache[at + b] = kv_float(x1);
    } else {
        let at = params.pos * kv_dim + (head - params.n_head - params.n_kv_head) * params.head_dim;
        v_cache[at + a] = kv_float(x0);
        v_cache[at + b] = kv_float(x1);
    }
}
