// Rotary position embedding, in place on x [n_tok][n_heads][head_dim] at positions pos0 + t.
// Pair i (of n_rot / 2) rotates by angle pos * inv_freqs[i] (base^(-2i / n_rot), from the CPU).
// mode 0 ("norm", GGUF llama): pairs are adjacent (2i, 2i+1); mode 1 ("neox"): (i, i + n_rot/2).
// Dimensions from n_rot to head_dim stay as they are (partial rotary).

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

// sin and cos of any angle to ~1e-7: built-in sin/cos are only loosely specified (WGSL promises
// 2^-11 on [-π, π], nothing beyond; SwiftShader is off by 1e-4) and rotary angles reach
// thousands of radians at long contexts. theta = k·π/2 + r with π/2 split in three parts
// (Cody–Waite; k · HALF_PI_A is exact for |k| < 2^16), then Taylor polynomials on |r| ≤ π/4.
const HALF_PI_A: f32 = 1.5703125;
const HALF_PI_B: f32 = 4.8382679233e-4;
const HALF_PI_C: f32 = 2.5632829193e-12;

fn sin_cos(theta: f32) -> vec2<f32> {
    let k = round(theta * 0.63661977);
    let r = ((theta - k * HALF_PI_A) - k * HALF_PI_B) - k * HALF_PI_C;
    let r2 = r * r;
    let s = r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0)))));
    let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0)))));
    switch ((i32(k) % 4 + 4) % 4) {
        case 0: { return vec2<f32>(s, c); }
        case 1: { return vec2<f32>(c, -s); }
        case 2: { return vec2<f32>(-s, -c); }
        default: { return vec2<f32>(-c, s); }
    }
}

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
