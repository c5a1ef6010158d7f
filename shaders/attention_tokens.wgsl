// Causal grouped-query attention for a prompt: one thread per (query token, head), walking the
// keys one at a time with an online softmax (running max m, running sum l):
//     s = q·k_j · scale;  m' = max(m, s);  l = l·e^(m - m') + e^(s - m');  o = o·e^(m - m') + e^(s - m')·v_j
// and o / l at the end. Query t sits at position p = pos0 + t and sees keys
// max(0, p - window + 1) ..= p. The lanes of a workgroup are consecutive queries of one head, so
// they read the same k_j and v_j. No workgroup memory and no barriers: on CPU-emulated adapters
// those, and the per-lane reloads of q and of the probabilities in attention.wgsl's
// one-workgroup-per-query form, cost more than the arithmetic. attention.wgsl stays for decode,
// where one query's keys are spread over a workgroup's threads.
//
// HEAD_DIM4 (head_dim / 4) is replaced when compiled, so q and o live in registers (constant
// trip counts, constant indices).

struct Params {
    n_tok: u32,
    n_head: u32,
    n_kv_head: u32,
    head_dim: u32,
    pos0: u32,
    window: u32, // 0: unlimited
    scale: f32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;       // [n_tok][n_head][head_dim]
@group(0) @binding(2) var<storage, read> k_cache: array<vec4<f32>>; // [pos][n_kv_head][head_dim]
@group(0) @binding(3) var<storage, read> v_cache: array<vec4<f32>>; // [pos][n_kv_head][head_dim]
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>; // [n_tok][n_head][head_dim]

const D4: u32 = HEAD_DIM4;
const LANES: u32 = 32u;
const NEG_BIG: f32 = -3.0e38;

@compute @workgroup_size(LANES)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let t = gid.x;
    let head = gid.y;
    if (t >= params.n_tok) {
        return;
    }
    let p = params.pos0 + t;
    let kv_head = head / (params.n_head / params.n_kv_head);
    let q_base = (t * params.n_head + head) * D4;
    let kv_stride = params.n_kv_head * D4;
    var first = 0u;
    if (params.window > 0u && p + 1u > params.window) {
        first = p + 1u - params.window;
    }

    var qs: array<vec4<f32>, D4>;
    var o: array<vec4<f32>, D4>;
    for (var d = 0u; d < D4; d++) {
        qs[d] = q[q_base + d] * params.scale;
        o[d] = vec4<f32>(0.0);
    }
    var m = NEG_BIG;
    var l = 0.0;
    for (var j = first; j <= p; j++) {
        let kv = j * kv_stride + kv_head * D4;
        var s = 0.0;
        for (var d = 0u; d < D4; d++) {
            s += dot(qs[d], k_cache[kv + d]);
        }
        let m_new = max(m, s);
        let correction = exp(m - m_new);
        let weight = exp(s - m_new);
        l = l * correction + weight;
        for (var d = 0u; d < D4; d++) {
            o[d] = o[d] * correction + weight * v_cache[kv + d];
        }
        m = m_new;
    }
    for (var d = 0u; d < D4; d++) {
        out[q_base + d] = o[d] / l;
    }
}
