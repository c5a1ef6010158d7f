// Rotary position embedding, in place on x [n_tok][n_heads][head_dim] at positions pos0 + t, a
// thread per pair (rope/pair.wgsl). sin_cos: rope/sin_cos.wgsl.

struct Params {
    n_tok: u32,
    n_heads: u32,
    head_dim: u32,
    n_rot: u32,
    pos0: u32,
    mode: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> inv_freqs: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let half_rot = params.n_rot / 2u;
    let pairs_per_token = params.n_heads * half_rot;
    let idx = gid.x + gid.y * 65535u * 64u;
    if (idx >= params.n_tok * pairs_per_token) {
        return;
    }
    let t = idx / pairs_per_token;
    let head = (idx % pairs_per_token) / half_rot;
    let i = idx % half_rot;
    let sc = sin_cos(f32(params.pos0 + t) * inv_freqs[i]);
    let at = (t * params.n_heads + head) * params.head_dim + rope_dims(i, params.n_rot, params.mode);
    let r = rotated(vec2<f32>(x[at.x], x[at.y]), sc);
    x[at.x] = r.x;
    x[at.y] = r.y;
}
