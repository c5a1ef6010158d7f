// RoPE and the KV-cache write in one pass over qkv = [n_tok][q | k | v], tokens at positions
// pos0 + t: q's heads rotate into q_out [n_tok][q_dim], k's heads rotate into k_cache[pos0 + t]
// and v is copied into v_cache[pos0 + t] (rope.wgsl twice and two copies would be four
// dispatches). One invocation per pair of values: n_tok tokens of (n_head + 2 n_kv_head) heads
// of head_dim / 2 pairs, a row of workgroups per head. (An invocation per token and pair index
// looping over the heads, to compute each angle once, took 4-5x as long on lavapipe, where each
// load in a loop is a loop over the lanes.) Pairs as in rope.wgsl; pairs past n_rot / 2 hold
// the unrotated dimensions (2j, 2j + 1) in either mode, and v's pairs turn by nothing.

struct Params {
    n_head: u32,
    n_kv_head: u32,
    head_dim: u32,
    n_rot: u32,
    pos0: u32,
    mode: u32,
    n_tok: u32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> inv_freqs: array<f32>;
// The caches hold `kv_float` (f16 or f32: kernels::Tuning::kv_f16).
@group(0) @binding(3) var<storage, read_write> k_cache: array<kv_float>;
@group(0) @binding(4) var<storage, read_write> v_cache: array<kv_float>;
@group(0) @binding(5) var<storage, read_write> q_out: array<f32>;

// (x0, x1) rotated by the angle whose (sin, cos) is sc.
fn rotate(x0: f32, x1: f32, sc: vec2<f32>) -> vec2<f32> {
    return vec2<f32>(x0 * sc.y - x1 * sc.x, x0 * sc.x + x1 * sc.y);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    // x: a token's pair (t, j); y: the head, the same in every lane of a workgroup, so that
    // each workgroup takes one of the branches below (CPU adapters run every branch that any
    // lane of a SIMD group takes).
    let hd = params.head_dim;
    let half_dim = hd / 2u;
    let half_rot = params.n_rot / 2u;
    let idx = gid.x;
    let head = gid.y;
    if (idx >= params.n_tok * half_dim) {
        return;
    }
    let t = idx / half_dim;
    let j = idx % half_dim;
    var a = 2u * j;
    var b = a + 1u;
    if (params.mode == 1u && j < half_rot) {
        a = j;
        b = j + half_rot;
    }
    var sc = vec2<f32>(0.0, 1.0); // (sin, cos) of no turn
    if (j < half_rot && head < params.n_head + params.n_kv_head) {
        sc = sin_cos(f32(params.pos0 + t) * inv_freqs[j]);
    }
    let q_dim = params.n_head * hd;
    let kv_dim = params.n_kv_head * hd;
    let at = t * (q_dim + 2u * kv_dim) + head * hd;
    let r = rotate(qkv[at + a], qkv[at + b], sc);
    let cache_row = (params.pos0 + t) * kv_dim;
    if (head < params.n_head) {
        q_out[t * q_dim + head * hd + a] = r.x;
        q_out[t * q_dim + head * hd + b] = r.y;
    } else if (head < params.n_head + params.n_kv_head) {
        let c = cache_row + (head - params.n_head) * hd;
        k_cache[c + a] = kv_float(r.x);
        k_cache[c + b] = kv_float(r.y);
    } else {
        let c = cache_row + (head - params.n_head - params.n_kv_head) * hd;
        v_cache[c + a] = kv_float(r.x);
        v_cache[c + b] = kv_float(r.y);
    }
}
