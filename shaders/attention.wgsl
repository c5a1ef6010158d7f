// Causal grouped-query attention over the KV cache. Query t sits at position p = pos0 + t and
// sees keys max(0, p - window + 1) ..= p. One thread per (query, head, chunk of keys) walks its
// keys one at a time with an online softmax (running max m, running sum l):
//     s = q·k_j · scale;  m' = max(m, s);  l = l·e^(m - m') + e^(s - m');  o = o·e^(m - m') + e^(s - m')·v_j
// With one chunk (a prompt: a thread per query is parallel enough) it writes o / l; with several
// (decode: one query, its keys split so that long contexts still spread over many threads) it
// writes (o, m, l) for attention_combine.wgsl to merge. Lanes are consecutive chunks, or
// consecutive queries of one head, which read the same keys. No workgroup memory, no barriers:
// on CPU-emulated adapters those cost more than the arithmetic.
//
// HEAD_DIM4 (head_dim / 4) is replaced when compiled, so q and o live in registers (constant
// trip counts, constant indices).
//
// How the keys and values are read (each thread its own, or shared across a subgroup of queries)
// comes from shaders/share_kv/.

// Params come from shaders/attention_params.wgsl.

@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;       // [n_tok][n_head][head_dim]
@group(0) @binding(2) var<storage, read> k_cache: array<vec4<f32>>; // [pos][n_kv_head][head_dim]
@group(0) @binding(3) var<storage, read> v_cache: array<vec4<f32>>; // [pos][n_kv_head][head_dim]
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>; // [n_tok][n_head][head_dim]
// [n_tok][n_head][n_chunks][o: D4 | (m, l, 0, 0)], written when n_chunks > 1.
@group(0) @binding(5) var<storage, read_write> parts: array<vec4<f32>>;

const LANES: u32 = 32u;
const NEG_BIG: f32 = -3.0e38;

@compute @workgroup_size(LANES)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, lane: Lane) {
    let query = gid.x / params.n_chunks;
    // Threads past the last query have nothing to do. Where lanes share their loads they
    // compute the last query's instead (and write nothing), so that the subgroup stays whole.
    if (query >= params.n_tok && !SHARED) {
        return;
    }
    let t = min(query, params.n_tok - 1u);
    let chunk = gid.x % params.n_chunks;
    let head = gid.y;
    let p = params.pos0 + t;
    let kv_head = head / (params.n_head / params.n_kv_head);
    let q_base = (t * params.n_head + head) * D4;
    let kv_stride = params.n_kv_head * D4;
    var first = 0u;
    if (params.window > 0u && p + 1u > params.window) {
        first = p + 1u - params.window;
    }
    first += chunk * params.chunk_len;
    let last = min(p, first + params.chunk_len - 1u); // may end before `first`: no keys

    var qs: array<vec4<f32>, D4>;
    var o: array<vec4<f32>, D4>;
    for (var d = 0u; d < D4; d++) {
        qs[d] = q[q_base + d] * params.scale;
        o[d] = vec4<f32>(0.0);
    }
    var m = NEG_BIG;
    var l = 0.0;
    let keys = walk(first, last);
    for (var j = keys.x; j <= keys.y; j++) {
        let kv = j * kv_stride + kv_head * D4;
        let ks = k_share(lane, kv);
        var s = 0.0;
        for (var d = 0u; d < D4; d++) {
            s += dot(qs[d], k_quad(ks, kv, d));
        }
        // A key outside this thread's range (walked for the rest of its subgroup) changes nothing.
        let mine = j >= first && j <= last;
        let m_new = select(m, max(m, s), mine);
        let correction = exp(m - m_new);
        let weight = select(0.0, exp(s - m_new), mine);
        l = l * correction + weight;
        let vs = v_share(lane, kv);
        for (var d = 0u; d < D4; d++) {
            o[d] = o[d] * correction + weight * v_quad(vs, kv, d);
        }
        m = m_new;
    }
    if (query >= params.n_tok) {
        return;
    }
    if (params.n_chunks == 1u) {
        for (var d = 0u; d < D4; d++) {
            out[q_base + d] = o[d] / l;
        }
    } else {
        let part = ((t * params.n_head + head) * params.n_chunks + chunk) * (D4 + 1u);
        for (var d = 0u; d < D4; d++) {
            parts[part + d] = o[d];
        }
        parts[part + D4] = vec4<f32>(m, l, 0.0, 0.0);
    }
}
