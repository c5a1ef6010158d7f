// y[t][r] (+)= dot(W[r], x[t]) for a quantized weight W [n_out rows of n_in] and f32 activations
// x [n_tok][n_in]. Decode (n_tok = 1) and prefill share it; a workgroup covers ROWS rows × TOK tokens.
// `dot32` comes from shaders/dot/<type>.wgsl, prepended by the runtime.

struct Params {
    n_in: u32,
    n_out: u32,
    n_tok: u32,
    row_bytes: u32,
    accumulate: u32, // 1: add into y (residual connection), 0: overwrite
    first_row: u32,  // W's rows start here in the binding (a row view, e.g. phi3's fused attn_qkv)
    y_stride: u32,   // y's row length: n_out, or the whole tensor's rows when W is one part of it
    y_row0: u32,     // where this part's outputs start in a row of y
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> w: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

// Four consecutive activations.
fn x4(i: u32) -> vec4<f32> {
    return vec4<f32>(x[i], x[i + 1u], x[i + 2u], x[i + 3u]);
}

const ROWS: u32 = 64u; // rows per workgroup, one thread each
const TOK: u32 = 8u;   // tokens per workgroup

// One thread per output row: on CPU-emulated adapters (lavapipe, SwiftShader) this beat splitting
// rows across lanes with a workgroup reduction by 3-4x. Real GPUs want coalesced loads and
// subgroup reductions instead: see the speed issue.
@compute @workgroup_size(ROWS)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let row = wg.x * ROWS + lid;
    let tok0 = wg.y * TOK;
    if (row >= params.n_out) {
        return;
    }
    let n_tok_here = min(TOK, params.n_tok - tok0);
    let n_groups = (params.n_in + 31u) / 32u;
    var acc: array<f32, TOK>;
    for (var g = 0u; g < n_groups; g++) {
        let n_valid = min(32u, params.n_in - g * 32u);
        for (var t = 0u; t < n_tok_here; t++) {
            acc[t] += dot32((params.first_row + row) * params.row_bytes, g, (tok0 + t) * params.n_in + g * 32u, n_valid);
        }
    }
    for (var t = 0u; t < n_tok_here; t++) {
        let i = (tok0 + t) * params.y_stride + params.y_row0 + row;
        let prev = select(0.0, y[i], params.accumulate == 1u);
        y[i] = prev + acc[t];
    }
}
