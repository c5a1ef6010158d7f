// Y[t][r] (+)= dot(W[r], X[t]) for a quantized weight W [n_out rows of n_in] and f32 activations
// X [n_tok][n_in]: prefill's GEMM (decode's GEMV is matvec.wgsl). A workgroup covers ROWS rows ×
// TOK tokens; each thread dequantizes a 32-value block of its row once (`dequant32` from
// shaders/dequant/<type>.wgsl, into `wv`) and multiplies it with all TOK tokens, so the
// dequantization cost is shared by the tile instead of paid per token.

// Params, w and y come from shaders/matmul_params.wgsl.

var<private> wv: array<f32, 32>;

const ROWS: u32 = 64u; // rows per workgroup, one thread each
const TOK: u32 = 8u;   // tokens per workgroup: two vec4 accumulators

// x (binding 2), x4 and x1 come from shaders/activations/{vec4,scalar}.wgsl.

// Four consecutive activations of token t, from column i.
fn xt4(t: u32, i: u32) -> vec4<f32> {
    return x4((t - params.tok_base) * params.n_in + i);
}

@compute @workgroup_size(ROWS)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let row = wg.x * ROWS + lid;
    let tok0 = params.tok_base + wg.y * TOK;
    if (row >= params.n_out) {
        return;
    }
    // Tokens past the end repeat the last one (their results are not written).
    let last = params.n_tok - 1u;
    let t_lo = min(vec4<u32>(tok0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(last));
    let t_hi = min(vec4<u32>(tok0) + vec4<u32>(4u, 5u, 6u, 7u), vec4<u32>(last));
    let row_byte = (params.first_row + row) * params.row_bytes;
    let n_groups = (params.n_in + 31u) / 32u;
    var acc_lo = vec4<f32>(0.0);
    var acc_hi = vec4<f32>(0.0);
    for (var g = 0u; g < n_groups; g++) {
        let n_valid = min(32u, params.n_in - g * 32u);
        dequant32(row_byte, g, n_valid);
        if (n_valid == 32u) {
            // A whole block: a constant trip count lets the compiler keep `wv` in registers.
            for (var k = 0u; k < 8u; k++) {
                let wk = vec4<f32>(wv[4u * k], wv[4u * k + 1u], wv[4u * k + 2u], wv[4u * k + 3u]);
                let i = g * 32u + 4u * k;
                acc_lo += vec4<f32>(dot(wk, xt4(t_lo.x, i)), dot(wk, xt4(t_lo.y, i)), dot(wk, xt4(t_lo.z, i)), dot(wk, xt4(t_lo.w, i)));
                acc_hi += vec4<f32>(dot(wk, xt4(t_hi.x, i)), dot(wk, xt4(t_hi.y, i)), dot(wk, xt4(t_hi.z, i)), dot(wk, xt4(t_hi.w, i)));
            }
        } else {
            // A float row's last, partial group.
            for (var i = 0u; i < n_valid; i++) {
                let c = g * 32u + i;
                let n = params.n_in;
                let lo = (t_lo - vec4<u32>(params.tok_base)) * n + c;
                let hi = (t_hi - vec4<u32>(params.tok_base)) * n + c;
                let xs_lo = vec4<f32>(x1(lo.x), x1(lo.y), x1(lo.z), x1(lo.w));
                let xs_hi = vec4<f32>(x1(hi.x), x1(hi.y), x1(hi.z), x1(hi.w));
                acc_lo += wv[i] * xs_lo;
                acc_hi += wv[i] * xs_hi;
            }
        }
    }
    for (var t = 0u; t < TOK; t++) {
        if (tok0 + t > last) {
            break;
        }
        let i = (tok0 + t) * params.y_stride + params.y_row0 + row;
        let prev = select(0.0, y[i], params.accumulate == 1u);
        y[i] = prev + select(acc_hi[t - 4u], acc_lo[t], t < 4u);
    }
}
