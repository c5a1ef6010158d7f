// Rotary position embedding, in place on x [n_tok][n_heads][head_dim] at positions pos0 + t.
// Pair i (of n_rot / 2) rotates by angle pos * inv_freqs[i] (base^(-2i / n_rot), from the CPU).
// mode 0 ("norm", GGUF llama): pairs are adjacent (2i, 2i+1); mode 1 ("neox"): (i, i + n_rot/2).
// Dimensions from n_rot to head_dim stay as they are (partial rotary). sin_cos: rope/sin_cos.wgsl.

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
    let pos = f32(params.pos0 + t);
    let sc = sin_cos(pos * inv_freqs[i]);
    let s = sc.x;
    let c = sc.y;
    let base = (t * params.n_heads + head) * params.head_dim;
    var a = base + 2u * i;
    var b = a + 1u;
    if (params.mode == 1u) {
        a = base + i;
        b = a + half_rot;
    }
    let x0 = x[a];
    let x1 = x[b];
    x[a] = x0 * c - x1 * s;
    x[b] = x0 * s + x1 * c;
}
