// Decode's merge of a query's key chunks (shaders/attention.wgsl and attention_decode.wgsl):
// each chunk has left its (o, m, l) per head in `parts`, and the workgroup, which holds all the
// chunks of its heads, merges them after one barrier. LANES, HG, D4, NEG_BIG, params, parts and
// out come from the kernel that includes this.

// Where head's chunk c keeps its (o, m, l) in `parts`.
fn part_of(head: u32, c: u32) -> u32 {
    return (head * params.n_chunks + c) * (D4 + 1u);
}

// Decode's merge of the chunks of one query (n_tok = 1) of heads head0 .. head0 + HG: each
// chunk c has left its (o, m, l) per head in `parts`; after the barrier lane d of the workgroup
// merges dimensions 4d .. 4d + 3 (and 4(d + LANES) .., for heads over 4 · LANES) of each head:
//     with M = max_c m_c:  out = Σ_c o_c · e^(m_c - M)  /  Σ_c l_c · e^(m_c - M)
fn merge_chunks(lane: u32, head0: u32) {
    storageBarrier();
    for (var head = head0; head < head0 + HG; head++) {
        var m = NEG_BIG;
        for (var c = 0u; c < params.n_chunks; c++) {
            m = max(m, parts[part_of(head, c) + D4].x);
        }
        for (var d = lane; d < D4; d += LANES) {
            var o = vec4<f32>(0.0);
            var l = 0.0;
            for (var c = 0u; c < params.n_chunks; c++) {
                let ml = parts[part_of(head, c) + D4];
                let weight = exp(ml.x - m);
                o += parts[part_of(head, c) + d] * weight;
                l += ml.y * weight;
            }
            out[head * D4 + d] = o / l;
        }
    }
}
