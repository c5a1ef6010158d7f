// y[t][r] (+)= dot(W[r], x[t]) for a quantized weight W [n_out rows of n_in] and f32 activations
// x [n_tok][n_in]. Decode (n_tok = 1) and prefill share it: each lane dequantizes a 32-value
// group of its row once into registers and applies it to up to TOK tokens.
// `dequant32` comes from shaders/dequant/<type>.wgsl, prepended by the runtime.

struct Params {
    n_in: u32,
    n_out: u32,
    n_tok: u32,
    row_bytes: u32,
    accumulate: u32, // 1: add into y (residual connection), 0: overwrite
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> w: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const LANES: u32 = 32u;  // lanes per row
const ROWS: u32 = 8u;    // rows per workgroup
const TOK: u32 = 8u;     // tokens per workgroup
var<private> wv: array<f32, 32>;
var<workgroup> partial: array<f32, 2048>; // 256 threads × TOK

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let lane = lid % LANES;
    let row = wg.x * ROWS + lid / LANES;
    let tok0 = wg.y * TOK;
    let n_tok_here = min(TOK, params.n_tok - tok0);
    var acc: array<f32, TOK>;
    if (row < params.n_out) {
        let n_groups = (params.n_in + 31u) / 32u;
        for (var g = lane; g < n_groups; g += LANES) {
            let n_valid = min(32u, params.n_in - g * 32u);
            dequant32(row * params.row_bytes, g, n_valid);
            for (var t = 0u; t < n_tok_here; t++) {
                let xb = (tok0 + t) * params.n_in + g * 32u;
                var s = 0.0;
                for (var i = 0u; i < n_valid; i++) {
                    s += wv[i] * x[xb + i];
                }
                acc[t] += s;
            }
        }
    }
    for (var t = 0u; t < TOK; t++) {
        partial[lid * TOK + t] = acc[t];
    }
    workgroupBarrier();
    for (var stride = LANES / 2u; stride > 0u; stride >>= 1u) {
        if (lane < stride) {
            for (var t = 0u; t < TOK; t++) {
                partial[lid * TOK + t] += partial[(lid + stride) * TOK + t];
            }
        }
        workgroupBarrier();
    }
    if (lane == 0u && row < params.n_out) {
        for (var t = 0u; t < n_tok_here; t++) {
            let i = (tok0 + t) * params.n_out + row;
            let prev = select(0.0, y[i], params.accumulate == 1u);
            y[i] = prev + partial[lid * TOK + t];
        }
    }
}
