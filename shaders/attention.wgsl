// Causal grouped-query attention over the KV cache. Query t sits at position p = pos0 + t and
// sees keys max(0, p - window + 1) ..= p. A thread walks its keys one at a time with an online
// softmax (running max m, running sum l):
//     s = q·k_j · scale;  m' = max(m, s);  l = l·e^(m - m') + e^(s - m');  o = o·e^(m - m') + e^(s - m')·v_j
// A prompt has a thread per (query, head), which writes o / l: lanes are consecutive queries of
// one head, which read the same keys. Decode's one query splits its keys into chunks (so that
// long contexts still spread over many threads), a lane each, and the head's workgroup merges
// them after one barrier (`attend_split`). No other workgroup memory or barriers: on
// CPU-emulated adapters those cost more than the arithmetic.
//
// HEAD_DIM4 (head_dim / 4) is replaced when compiled. The loops over a head's quads are lines
// marked `// for each d < D4`, expanded into loops or, where the adapter's compiler would not
// unroll them itself (`Tuning::unroll_heads`), unrolled so that q and o stay in registers
// (runtime/src/kernels/unroll.rs).
//
// How the keys and values are read (each thread its own, or shared across a subgroup of queries)
// comes from shaders/share_kv/.

// Params come from shaders/attention_params.wgsl.

@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;       // [n_tok][n_head][head_dim]
@group(0) @binding(2) var<storage, read> k_cache: array<vec4<f32>>; // [pos][n_kv_head][head_dim]
@group(0) @binding(3) var<storage, read> v_cache: array<vec4<f32>>; // [pos][n_kv_head][head_dim]
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>; // [n_tok][n_head][head_dim]
// Decode's per-chunk results, [n_head][n_chunks][o: D4 | (m, l, 0, 0)].
@group(0) @binding(5) var<storage, read_write> parts: array<vec4<f32>>;

// Threads per workgroup; also the most chunks a decode step splits its keys into
// (kernels::ATTENTION_MAX_CHUNKS).
const LANES: u32 = 32u;
const NEG_BIG: f32 = -3.0e38;

// The online softmax's state after a run of keys: o unnormalised, m the largest score, l the
// sum of e^(s - m).
struct Attended {
    o: array<vec4<f32>, D4>,
    m: f32,
    l: f32,
}

// The first key that the query at position p sees.
fn first_key(p: u32) -> u32 {
    if (params.window > 0u && p + 1u > params.window) {
        return p + 1u - params.window;
    }
    return 0u;
}

// Query t of `head` over keys first ..= last (none when last < first).
fn attend(lane: Lane, t: u32, head: u32, first: u32, last: u32) -> Attended {
    let kv_head = head / (params.n_head / params.n_kv_head);
    let q_base = (t * params.n_head + head) * D4;
    let kv_stride = params.n_kv_head * D4;
    var qs: array<vec4<f32>, D4>;
    var o: array<vec4<f32>, D4>;
    qs[d] = q[q_base + d] * params.scale; // for each d < D4
    var m = NEG_BIG;
    var l = 0.0;
    let keys = walk(first, last);
    for (var j = keys.x; j <= keys.y; j++) {
        let kv = j * kv_stride + kv_head * D4;
        let ks = k_share(lane, kv);
        var s = 0.0;
        s += dot(qs[d], k_quad(ks, kv, d)); // for each d < D4
        // A key outside this thread's range (walked for the rest of its subgroup) changes nothing.
        let mine = j >= first && j <= last;
        let m_new = select(m, max(m, s), mine);
        let correction = exp(m - m_new);
        let weight = select(0.0, exp(s - m_new), mine);
        l = l * correction + weight;
        let vs = v_share(lane, kv);
        o[d] = o[d] * correction + weight * v_quad(vs, kv, d); // for each d < D4
        m = m_new;
    }
    return Attended(o, m, l);
}

// One query (decode, n_tok = 1) of `head`, its keys in n_chunks ≤ LANES chunks of chunk_len:
// lane c walks chunk c and leaves (o, m, l) in `parts`; after the barrier lane d merges
// dimensions 4d .. 4d + 3 (and 4(d + LANES) .., for heads over 128):
//     with M = max_c m_c:  out = Σ_c o_c · e^(m_c - M)  /  Σ_c l_c · e^(m_c - M)
fn attend_split(chunk: u32, head: u32, lane: Lane) {
    let p = params.pos0;
    let first = first_key(p) + chunk * params.chunk_len;
    // Lanes past the last chunk walk no keys.
    let a = attend(lane, 0u, head, first, min(p, first + params.chunk_len - 1u));
    let parts0 = head * params.n_chunks * (D4 + 1u);
    if (chunk < params.n_chunks) {
        let part = parts0 + chunk * (D4 + 1u);
        parts[part + d] = a.o[d]; // for each d < D4
        parts[part + D4] = vec4<f32>(a.m, a.l, 0.0, 0.0);
    }
    storageBarrier();
    var m = NEG_BIG;
    for (var c = 0u; c < params.n_chunks; c++) {
        m = max(m, parts[parts0 + c * (D4 + 1u) + D4].x);
    }
    for (var d = chunk; d < D4; d += LANES) {
        var o = vec4<f32>(0.0);
        var l = 0.0;
        for (var c = 0u; c < params.n_chunks; c++) {
            let part = parts0 + c * (D4 + 1u);
            let ml = parts[part + D4];
            let weight = exp(ml.x - m);
            o += parts[part + d] * weight;
            l += ml.y * weight;
        }
        out[head * D4 + d] = o / l;
    }
}

@compute @workgroup_size(LANES)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, lane: Lane) {
    let head = gid.y;
    if (params.n_chunks > 1u) {
        attend_split(gid.x, head, lane);
        return;
    }
    let query = gid.x;
    // Threads past the last query have nothing to do. Where lanes share their loads they
    // compute the last query's instead (and write nothing), so that the subgroup stays whole.
    if (query >= params.n_tok && !SHARED) {
        return;
    }
    let t = min(query, params.n_tok - 1u);
    let p = params.pos0 + t;
    let a = attend(lane, t, head, first_key(p), p);
    if (query >= params.n_tok) {
        return;
    }
    let q_base = (t * params.n_head + head) * D4;
    out[q_base + d] = a.o[d] / a.l; // for each d < D4
}
