// Merges attention.wgsl's per-chunk results of each (query, head): with M = max_c m_c,
//     out = Σ_c o_c · e^(m_c - M)  /  Σ_c l_c · e^(m_c - M)
// One thread per (query, head, 4 dimensions of the head).

// Params and D4 come from shaders/attention_params.wgsl.

@group(0) @binding(1) var<storage, read> parts: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>; // [n_tok][n_head][head_dim]

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let d = gid.x % D4;
    let query_head = gid.x / D4; // t * n_head + head
    if (query_head >= params.n_tok * params.n_head) {
        return;
    }
    let first = query_head * params.n_chunks * (D4 + 1u);
    var m = -3.0e38;
    for (var c = 0u; c < params.n_chunks; c++) {
        m = max(m, parts[first + c * (D4 + 1u) + D4].x);
    }
    var o = vec4<f32>(0.0);
    var l = 0.0;
    for (var c = 0u; c < params.n_chunks; c++) {
        let part = first + c * (D4 + 1u);
        let ml = parts[part + D4];
        let weight = exp(ml.x - m);
        o += parts[part + d] * weight;
        l += ml.y * weight;
    }
    out[query_head * D4 + d] = o / l;
}
