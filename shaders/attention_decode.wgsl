// Decode's attention (one query at position pos0) where subgroups are always 8 lanes (lavapipe;
// kernels::Tuning::subgroup_x): a subgroup walks one chunk of the keys together, a key at a time,
// lane l holding quads l, l + 8, .. of the query and of o for each of its HG heads of one KV
// group. A key's score is the subgroup's sum of its lanes' parts, the same in every lane, and
// the online softmax (see attention.wgsl) runs on it:
//     s = q·k_j · scale;  m' = max(m, s);  l = l·e^(m - m') + e^(s - m');  o = o·e^(m - m') + e^(s - m')·v_j
// Every private array is indexed by constants only (the lines marked `// for each i < PER` and
// `// for each h < HG` are unrolled when compiled), so it stays in registers; and each quad of a
// key or value is loaded once, by one lane, for the HG heads. attention.wgsl's decode gives each
// lane a chunk of its own, which on lavapipe kept each lane's q and o in memory (arrays indexed by
// the loop over a head's quads) and loaded every key and value once per head.
// The workgroup's SUBGROUPS subgroups take a chunk each and merge them (`merge_chunks`).
//
// HEAD_DIM4 (head_dim / 4, a multiple of 8) and HEADS_PER_THREAD are replaced when compiled.
// Params come from shaders/attention_params.wgsl, `merge_chunks` from attention_merge.wgsl, the
// caches (bindings 2 and 3, read through `key_quad` and `value_quad`) from shaders/kv_read/;
// arithmetic is f32.

@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;       // [n_head][head_dim]
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>; // [n_head][head_dim]
// Per-chunk results, [n_head][n_chunks][o: D4 | (m, l, 0, 0)].
@group(0) @binding(5) var<storage, read_write> parts: array<vec4<f32>>;

// Subgroups of 8 per workgroup, a chunk each: the most chunks a step splits its keys into
// (kernels::ATTENTION_DECODE_CHUNKS).
const SUBGROUPS: u32 = 4u;
const LANES: u32 = 8u * SUBGROUPS;
const PER: u32 = D4 / 8u; // quads of a head per lane
const HG: u32 = HEADS_PER_THREAD;
const NEG_BIG: f32 = -3.0e38;

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(subgroup_invocation_id) lane: u32) {
    let head0 = wg.y * HG;
    let kv_head = head0 / (params.n_head / params.n_kv_head);
    // The subgroups are the workgroup's lanes 8c .. 8c + 7 (lavapipe's), chunk c.
    let chunk = lid / 8u;
    let p = params.pos0;
    let first = first_key(p) + chunk * params.chunk_len;
    let last = min(p, first + params.chunk_len - 1u); // before `first` for chunks past the end
    var qs: array<array<vec4<f32>, PER>, HG>;
    qs[h][i] = q[(head0 + h) * D4 + lane + 8u * i] * params.scale; // for each i < PER // for each h < HG
    var o: array<array<vec4<f32>, PER>, HG>;
    var m: array<f32, HG>;
    var l: array<f32, HG>;
    var s: array<f32, HG>;
    var m_new: array<f32, HG>;
    var correction: array<f32, HG>;
    var weight: array<f32, HG>;
    m[h] = NEG_BIG; // for each h < HG
    // This lane's first quad of the KV head's in a position's row.
    let col = kv_head * D4 + lane;
    var ks: array<vec4<f32>, PER>;
    var vs: array<vec4<f32>, PER>;
    for (var j = first; j <= last; j++) {
        ks[i] = key_quad(j, col + 8u * i); // for each i < PER
        s[h] = 0.0; // for each h < HG
        s[h] += dot(qs[h][i], ks[i]); // for each i < PER // for each h < HG
        s[h] = subgroupAdd(s[h]); // for each h < HG
        m_new[h] = max(m[h], s[h]); // for each h < HG
        correction[h] = exp(m[h] - m_new[h]); // for each h < HG
        weight[h] = exp(s[h] - m_new[h]); // for each h < HG
        l[h] = l[h] * correction[h] + weight[h]; // for each h < HG
        m[h] = m_new[h]; // for each h < HG
        vs[i] = value_quad(j, col + 8u * i); // for each i < PER
        o[h][i] = o[h][i] * correction[h] + weight[h] * vs[i]; // for each i < PER // for each h < HG
    }
    if (chunk < params.n_chunks) {
        parts[part_of(head0 + h, chunk) + lane + 8u * i] = o[h][i]; // for each i < PER // for each h < HG
        if (lane == 0u) {
            parts[part_of(head0 + h, chunk) + D4] = vec4<f32>(m[h], l[h], 0.0, 0.0); // for each h < HG
        }
    }
    merge_chunks(lid, head0);
}
