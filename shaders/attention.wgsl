// Causal grouped-query attention over the KV cache. Query t sits at position p = pos0 + t and
// sees keys max(0, p - window + 1) ..= p. A thread walks its keys one at a time with an online
// softmax (running max m, running sum l), for each of its HG heads:
//     s = q·k_j · scale;  m' = max(m, s);  l = l·e^(m - m') + e^(s - m');  o = o·e^(m - m') + e^(s - m')·v_j
// A thread takes HG heads of one KV group, which read the same keys and values (1, or where the
// loops are unrolled as many as `Tuning::heads_per_thread` gives), so that each key and value it
// loads serves HG heads. A prompt has a thread per (query, HG heads), which writes o / l: lanes
// are consecutive queries, which read the same keys. Decode's one query splits its keys into
// chunks (so that long contexts still spread over many threads), a lane each, and the workgroup
// merges them after one barrier (`merge_chunks`; where subgroups are always 8 lanes, decode
// runs attention_decode.wgsl instead). No other workgroup memory or barriers: on
// CPU-emulated adapters those cost more than the arithmetic.
//
// HEAD_DIM4 (head_dim / 4) and HEADS_PER_THREAD are replaced when compiled. The loops over a
// head's quads are lines marked `// for each d < D4`, expanded into loops or, where the adapter's
// compiler would not unroll them itself (`Tuning::unroll_heads`), unrolled so that q and o stay
// in registers; lines marked `// for each h < HG` are always unrolled, before the quads'
// (runtime/src/kernels/unroll.rs).
//
// How the keys and values are read (each thread its own, or shared across a subgroup of queries)
// comes from shaders/share_kv/, the caches (bindings 2 and 3: buffers, or for the shared reads
// texture copies where kernels::Tuning::kv_texture) from shaders/kv_read/.

// Params come from shaders/attention_params.wgsl, `merge_chunks` from
// shaders/attention_merge.wgsl. The caches hold `kv_float` (f16 or f32: kernels::Tuning::kv_f16);
// q, out and all arithmetic are f32.

@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;       // [n_tok][n_head][head_dim]
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>; // [n_tok][n_head][head_dim]
// Decode's per-chunk results, [n_head][n_chunks][o: D4 | (m, l, 0, 0)].
@group(0) @binding(5) var<storage, read_write> parts: array<vec4<f32>>;

// Threads per workgroup; also the most chunks a decode step splits its keys into: 32, or
// kernels::Tuning::attention_lanes for the kernel that reads each thread's keys itself.
const LANES: u32 = WORKGROUP_LANES;
const NEG_BIG: f32 = -3.0e38;

// Heads per thread: consecutive heads of one KV group.
const HG: u32 = HEADS_PER_THREAD;

// The online softmax's state after a run of keys, per head: o unnormalised, m the largest
// score, l the sum of e^(s - m).
struct Attended {
    o: array<array<vec4<f32>, D4>, HG>,
    m: array<f32, HG>,
    l: array<f32, HG>,
}

// Query t of heads head0 .. head0 + HG over keys first ..= last (none when last < first).
fn attend(lane: Lane, t: u32, head0: u32, first: u32, last: u32) -> Attended {
    let kv_head = head0 / (params.n_head / params.n_kv_head);
    let q_base = (t * params.n_head + head0) * D4;
    let kv_stride = params.n_kv_head * D4;
    var qs: array<array<vec4<f32>, D4>, HG>;
    qs[h][d] = q[q_base + h * D4 + d] * params.scale; // for each d < D4 // for each h < HG
    var a: Attended;
    a.m[h] = NEG_BIG; // for each h < HG
    var s: array<f32, HG>; // the key's score per head
    var m_new: array<f32, HG>;
    var correction: array<f32, HG>;
    var weight: array<f32, HG>;
    let keys = walk(first, last);
    for (var j = keys.x; j <= keys.y; j++) {
        let kv = j * kv_stride + kv_head * D4;
        // The thread's heads read the same quads of the key and the value: where the loops are
        // unrolled, the compiler loads each once (loading them into arrays first made lavapipe's
        // looped prompt attention 30% slower).
        let ks = k_share(lane, j, kv_head * D4);
        // Zeroed here, not by declaring `var s` in the loop: WGSL zeroes such a variable at each
        // iteration, but in Chromium it was zeroed once (the scores ran on across keys; naga had
        // the same bug, gfx-rs/wgpu#9489).
        s[h] = 0.0; // for each h < HG
        s[h] += dot(qs[h][d], k_quad(ks, kv, d)); // for each d < D4 // for each h < HG
        // A key outside this thread's range (walked for the rest of its subgroup) changes nothing.
        let mine = j >= first && j <= last;
        m_new[h] = select(a.m[h], max(a.m[h], s[h]), mine); // for each h < HG
        correction[h] = exp(a.m[h] - m_new[h]); // for each h < HG
        weight[h] = select(0.0, exp(s[h] - m_new[h]), mine); // for each h < HG
        a.l[h] = a.l[h] * correction[h] + weight[h]; // for each h < HG
        a.m[h] = m_new[h]; // for each h < HG
        let vs = v_share(lane, j, kv_head * D4);
        a.o[h][d] = a.o[h][d] * correction[h] + weight[h] * v_quad(vs, kv, d); // for each d < D4 // for each h < HG
    }
    return a;
}

// A prompt's threads are (query gid.x, heads gid.y · HG ..); decode's one query splits its keys
// into n_chunks ≤ LANES chunks of chunk_len, lane gid.x walking chunk gid.x (lanes past the last
// chunk walk none). `attend` is called once, so that its unrolled body is compiled once.
@compute @workgroup_size(LANES)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, lane: Lane) {
    let head0 = gid.y * HG;
    let split = params.n_chunks > 1u;
    // Threads past the last query take the last query and write nothing: where lanes share
    // their loads they walk its keys, so that the subgroup stays whole; otherwise none.
    let t = select(min(gid.x, params.n_tok - 1u), 0u, split);
    let p = params.pos0 + t;
    var first = first_key(p);
    var last = p;
    if (split) {
        first += gid.x * params.chunk_len;
        last = min(p, first + params.chunk_len - 1u);
    } else if (gid.x >= params.n_tok && !SHARED) {
        first = p + 1u; // none
    }
    let a = attend(lane, t, head0, first, last);
    if (split) {
        if (gid.x < params.n_chunks) {
            parts[part_of(head0 + h, gid.x) + d] = a.o[h][d]; // for each d < D4 // for each h < HG
            parts[part_of(head0 + h, gid.x) + D4] = vec4<f32>(a.m[h], a.l[h], 0.0, 0.0); // for each h < HG
        }
        merge_chunks(gid.x, head0);
    } else if (gid.x < params.n_tok) {
        let q_base = (t * params.n_head + head0) * D4;
        out[q_base + h * D4 + d] = a.o[h][d] / a.l[h]; // for each d < D4 // for each h < HG
    }
}
