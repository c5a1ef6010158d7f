// Y[t][r] (+)= dot(W[r], X[t]) for a quantized weight W [n_out rows of n_in] and f32 activations
// X [n_tok][n_in]: prefill's GEMM (decode's GEMV is matvec.wgsl / matvec_rows.wgsl). A workgroup
// covers 4 × LANES rows × TOK tokens; each thread takes four rows (lid + LANES·k) and TOK tokens.
// Per 32-column group it dequantizes each of its rows' blocks once (`dequant32` from
// shaders/dequant/<type>.wgsl, into `wv`), and each 4-column load of a token's x then serves
// four rows: `x · M`, M's columns being the four rows' weights. On CPU-emulated adapters every
// load is paid per lane, so loads per multiply-add is what sets the speed (a quarter of the
// one-row-per-thread form's).

// Params, w and y come from shaders/matmul_params.wgsl.
// x (binding 2), x4 and x1 come from shaders/activations/{uniform,vec4,scalar}.wgsl.

var<private> wv: array<f32, 32>;

const LANES: u32 = 64u; // threads per workgroup
const TOK: u32 = 8u;    // tokens per workgroup

// Four consecutive activations of token t, from column i.
fn xt4(t: u32, i: u32) -> vec4<f32> {
    return x4((t - params.tok_base) * params.n_in + i);
}

// One activation of token t at column c.
fn xt1(t: u32, c: u32) -> f32 {
    return x1((t - params.tok_base) * params.n_in + c);
}

// Columns i..i+4 of the four dequantized rows, as the columns of a matrix.
fn rows4(w0: ptr<function, array<f32, 32>>, w1: ptr<function, array<f32, 32>>, w2: ptr<function, array<f32, 32>>, w3: ptr<function, array<f32, 32>>, i: u32) -> mat4x4<f32> {
    return mat4x4<f32>(
        vec4<f32>((*w0)[i], (*w0)[i + 1u], (*w0)[i + 2u], (*w0)[i + 3u]),
        vec4<f32>((*w1)[i], (*w1)[i + 1u], (*w1)[i + 2u], (*w1)[i + 3u]),
        vec4<f32>((*w2)[i], (*w2)[i + 1u], (*w2)[i + 2u], (*w2)[i + 3u]),
        vec4<f32>((*w3)[i], (*w3)[i + 1u], (*w3)[i + 2u], (*w3)[i + 3u]),
    );
}

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let first = wg.x * 4u * LANES + lid;
    let tok0 = params.tok_base + wg.y * TOK;
    if (first >= params.n_out) {
        return;
    }
    // Rows and tokens past the end repeat the last one (their results are not written).
    let rows = min(vec4<u32>(first) + vec4<u32>(0u, 1u, 2u, 3u) * LANES, vec4<u32>(params.n_out - 1u));
    let row_bytes = (vec4<u32>(params.first_row) + rows) * params.row_bytes;
    let last = params.n_tok - 1u;
    let t_lo = min(vec4<u32>(tok0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(last));
    let t_hi = min(vec4<u32>(tok0) + vec4<u32>(4u, 5u, 6u, 7u), vec4<u32>(last));
    // acc_t[k]: token t's dot product with row k.
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    var acc4 = vec4<f32>(0.0);
    var acc5 = vec4<f32>(0.0);
    var acc6 = vec4<f32>(0.0);
    var acc7 = vec4<f32>(0.0);
    var w0: array<f32, 32>;
    var w1: array<f32, 32>;
    var w2: array<f32, 32>;
    var w3: array<f32, 32>;
    let n_groups = (params.n_in + 31u) / 32u;
    for (var g = 0u; g < n_groups; g++) {
        let n_valid = min(32u, params.n_in - g * 32u);
        dequant32(row_bytes.x, g, n_valid);
        w0 = wv;
        dequant32(row_bytes.y, g, n_valid);
        w1 = wv;
        dequant32(row_bytes.z, g, n_valid);
        w2 = wv;
        dequant32(row_bytes.w, g, n_valid);
        w3 = wv;
        if (n_valid == 32u) {
            // A whole block: a constant trip count lets the compiler keep the rows in registers.
            for (var k = 0u; k < 8u; k++) {
                let m = rows4(&w0, &w1, &w2, &w3, 4u * k);
                let i = g * 32u + 4u * k;
                acc0 += xt4(t_lo.x, i) * m;
                acc1 += xt4(t_lo.y, i) * m;
                acc2 += xt4(t_lo.z, i) * m;
                acc3 += xt4(t_lo.w, i) * m;
                acc4 += xt4(t_hi.x, i) * m;
                acc5 += xt4(t_hi.y, i) * m;
                acc6 += xt4(t_hi.z, i) * m;
                acc7 += xt4(t_hi.w, i) * m;
            }
        } else {
            // A float row's last, partial group.
            for (var i = 0u; i < n_valid; i++) {
                let wr = vec4<f32>(w0[i], w1[i], w2[i], w3[i]);
                let c = g * 32u + i;
                acc0 += xt1(t_lo.x, c) * wr;
                acc1 += xt1(t_lo.y, c) * wr;
                acc2 += xt1(t_lo.z, c) * wr;
                acc3 += xt1(t_lo.w, c) * wr;
                acc4 += xt1(t_hi.x, c) * wr;
                acc5 += xt1(t_hi.y, c) * wr;
                acc6 += xt1(t_hi.z, c) * wr;
                acc7 += xt1(t_hi.w, c) * wr;
            }
        }
    }
    let acc = array<vec4<f32>, 8>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
    for (var t = 0u; t < TOK; t++) {
        if (tok0 + t > last) {
            break;
        }
        for (var k = 0u; k < 4u; k++) {
            let row = first + k * LANES;
            if (row < params.n_out) {
                let i = (tok0 + t) * params.y_stride + params.y_row0 + row;
                let prev = select(0.0, y[i], params.accumulate == 1u);
                y[i] = prev + acc[t][k];
            }
        }
    }
}
