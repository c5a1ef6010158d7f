// Causal grouped-query attention over the KV cache, one workgroup per (token, head).
// Query t sits at position p = pos0 + t and sees keys max(0, p - window + 1) ..= p.
// Keys are visited in tiles of 64 with an online softmax, so any context length works.

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
@group(0) @binding(1) var<storage, read> q: array<f32>;       // [n_tok][n_head][head_dim]
@group(0) @binding(2) var<storage, read> k_cache: array<f32>; // [pos][n_kv_head][head_dim]
@group(0) @binding(3) var<storage, read> v_cache: array<f32>; // [pos][n_kv_head][head_dim]
@group(0) @binding(4) var<storage, read_write> out: array<f32>; // [n_tok][n_head][head_dim]

const WG: u32 = 64u;
const MAX_DIMS_PER_THREAD: u32 = 4u; // head_dim ≤ 256
const NEG_BIG: f32 = -3.0e38;
var<workgroup> probs: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let head = wg.x;
    let t = wg.y;
    let p = params.pos0 + t;
    let kv_head = head / (params.n_head / params.n_kv_head);
    let hd = params.head_dim;
    let q_base = (t * params.n_head + head) * hd;
    let kv_stride = params.n_kv_head * hd;
    var first = 0u;
    if (params.window > 0u && p + 1u > params.window) {
        first = p + 1u - params.window;
    }

    var acc: array<f32, MAX_DIMS_PER_THREAD>;
    var running_max = NEG_BIG;
    var running_sum = 0.0;
    for (var k0 = first; k0 <= p; k0 += WG) {
        // Score of this thread's key.
        let j = k0 + lid;
        var score = NEG_BIG;
        if (j <= p) {
            let k_base = j * kv_stride + kv_head * hd;
            var dot = 0.0;
            for (var d = 0u; d < hd; d++) {
                dot += q[q_base + d] * k_cache[k_base + d];
            }
            score = dot * params.scale;
        }
        probs[lid] = score;
        workgroupBarrier();
        var tile_max = NEG_BIG;
        for (var i = 0u; i < WG; i++) {
            tile_max = max(tile_max, probs[i]);
        }
        workgroupBarrier();
        let new_max = max(running_max, tile_max);
        let correction = exp(running_max - new_max);
        probs[lid] = select(0.0, exp(score - new_max), j <= p);
        workgroupBarrier();
        var tile_sum = 0.0;
        for (var i = 0u; i < WG; i++) {
            tile_sum += probs[i];
        }
        running_sum = running_sum * correction + tile_sum;
        running_max = new_max;
        let n_keys = min(WG, p + 1u - k0);
        for (var m = 0u; m < MAX_DIMS_PER_THREAD; m++) {
            let d = lid + m * WG;
            if (d < hd) {
                var s = 0.0;
                for (var i = 0u; i < n_keys; i++) {
                    s += probs[i] * v_cache[(k0 + i) * kv_stride + kv_head * hd + d];
                }
                acc[m] = acc[m] * correction + s;
            }
        }
        workgroupBarrier();
    }
    for (var m = 0u; m < MAX_DIMS_PER_THREAD; m++) {
        let d = lid + m * WG;
        if (d < hd) {
            out[q_base + d] = acc[m] / running_sum;
        }
    }
}
