// Y[t][r] (+)= dot(W[r], X[t]) for a quantized weight W [n_out rows of n_in] and f32 activations
// X [n_tok][n_in]: prefill's GEMM (decode's GEMV is matvec.wgsl / matvec_rows.wgsl). A workgroup
// covers 4 · BLOCKS · LANES rows × TOK tokens; each thread takes BLOCKS blocks of four rows
// (rows lid + LANES·r) and TOK token slots. Per 32-column group it dequantizes each of its rows'
// blocks once (`dequant32` from shaders/dequant/<type>.wgsl: 8 quads of columns), and each quad
// of a token's x then serves all of the thread's rows: `x · M` per block, M's columns being four
// rows' weights.
//
// On CPU-emulated adapters a load is paid per lane, so loads per multiply-add set the speed; and
// arrays must be indexed by constants only (see shaders/dequant/bytes.wgsl), hence the literal
// calls below instead of loops, and the lines over token slots marked `// for each s < TOK`,
// unrolled when compiled (kernels/unroll.rs). How a thread gets each quad of x (a load per quad,
// or a load per lane shared across a subgroup) comes from shaders/share_x/. Where each thread
// loads its own x on a CPU adapter (SwiftShader), 16 rows per thread (BLOCKS = 4) make each load
// serve four times the multiply-adds: about 1.7x the GEMM's speed there (kernels::Tuning).

// Which rows a thread takes and what it writes come from shaders/epilogue/gemm_plain.wgsl
// (`thread_rows`, `outputs_per_workgroup`, `write_outputs`), or where the tuning compiles a GLU
// epilogue from shaders/epilogue/gemm_glu.wgsl: with params.glu > 0 there, W is [gate; up]
// (n_out = 2 n_ff rows) and y is act(gate · x) · (up · x) [n_tok][n_ff] (prefill's gate/up GEMM
// without the [gate | up] activations and the GLU pass over them).
//
// Params, w and y come from shaders/matmul_params.wgsl.
// x (binding 2) and xq come from shaders/activations/{vec4,scalar}.wgsl.
// Invocation, lane_quad and quad come from shaders/share_x/{direct,subgroup}.wgsl.

const BLOCKS: u32 = ROW_BLOCKS; // blocks of four rows per thread: 1 or 4 (kernels::Tuning)
const LANES: u32 = GEMM_LANES;   // threads per workgroup (Tuning::gemm_rows / (4 · BLOCKS))
const TOK: u32 = GEMM_TOKENS;    // token slots per workgroup (Tuning::gemm_tokens)

// The workgroup's first token.
var<private> tile_tok0: u32;
// acc_b[s][j]: token slot s's dot product with the thread's row 4b + j (block b's row j).
var<private> acc0: array<vec4<f32>, TOK>;
var<private> acc1: array<vec4<f32>, TOK>;
var<private> acc2: array<vec4<f32>, TOK>;
var<private> acc3: array<vec4<f32>, TOK>;
// This lane's share of the current group's x, per token slot (see shaders/share_x/).
var<private> lane_x: array<vec4<f32>, TOK>;

// The token in slot s (0..TOK) of this workgroup; slots past the last token repeat it (their
// results are not written).
fn token(s: u32) -> u32 {
    return min(tile_tok0 + s, params.n_tok - 1u);
}

// Loads this lane's share of group g for every token slot (nothing without subgroups: see
// shaders/share_x/).
fn load_group(inv: Invocation, g: u32) {
    lane_x[s] = lane_quad(inv, token(s), g); // for each s < TOK
}

// The group g of a block of four rows (byte offsets `rows`), dequantized: quad k of the columns
// in element k, a row per matrix column.
fn block_quads(rows: vec4<u32>, g: u32, n_valid: u32) -> array<mat4x4<f32>, 8> {
    let r0 = dequant32(rows.x, g, n_valid);
    let r1 = dequant32(rows.y, g, n_valid);
    let r2 = dequant32(rows.z, g, n_valid);
    let r3 = dequant32(rows.w, g, n_valid);
    return array<mat4x4<f32>, 8>(
        mat4x4<f32>(r0[0], r1[0], r2[0], r3[0]), mat4x4<f32>(r0[1], r1[1], r2[1], r3[1]),
        mat4x4<f32>(r0[2], r1[2], r2[2], r3[2]), mat4x4<f32>(r0[3], r1[3], r2[3], r3[3]),
        mat4x4<f32>(r0[4], r1[4], r2[4], r3[4]), mat4x4<f32>(r0[5], r1[5], r2[5], r3[5]),
        mat4x4<f32>(r0[6], r1[6], r2[6], r3[6]), mat4x4<f32>(r0[7], r1[7], r2[7], r3[7]),
    );
}

// Token slot s's quad k of x times quad k of each block's rows (m0..m3; m0 only when BLOCKS
// is 1).
fn mac_slot(s: u32, xq: vec4<f32>, m0: mat4x4<f32>, m1: mat4x4<f32>, m2: mat4x4<f32>, m3: mat4x4<f32>) {
    acc0[s] += xq * m0;
    if (BLOCKS > 1u) {
        acc1[s] += xq * m1;
        acc2[s] += xq * m2;
        acc3[s] += xq * m3;
    }
}

// Quad k of group g (its columns 32g + 4k ..), for every token slot, times quad k of each
// block's rows.
fn mac_quad(g: u32, k: u32, m0: mat4x4<f32>, m1: mat4x4<f32>, m2: mat4x4<f32>, m3: mat4x4<f32>) {
    mac_slot(s, quad(lane_x[s], token(s), g, k), m0, m1, m2, m3); // for each s < TOK
}

// Writes token slot s's results (rows first + LANES·r that exist).
fn write_slot(s: u32, first: u32) {
    let t = tile_tok0 + s;
    if (t >= params.n_tok) {
        return;
    }
    for (var r = 0u; r < 4u * BLOCKS; r++) {
        let row = first + r * LANES;
        if (row < params.n_out) {
            let i = t * params.y_stride + params.y_row0 + row;
            let prev = select(0.0, y[i], params.accumulate == 1u);
            var a = acc0[s];
            switch (r / 4u) {
                case 1u: { a = acc1[s]; }
                case 2u: { a = acc2[s]; }
                case 3u: { a = acc3[s]; }
                default: {}
            }
            y[i] = prev + a[r % 4u];
        }
    }
}

// W's rows for a thread's slots when each slot is a row of its own: slot i of a thread whose
// first row is `first` is row first + LANES·i (rows past the end repeat the last one).
fn plain_rows(slots: vec4<u32>, first: u32) -> vec4<u32> {
    return min(vec4<u32>(first) + slots * LANES, vec4<u32>(params.n_out - 1u));
}

// The byte offsets of block b's rows (rows past the end repeat the last one; with a GLU
// epilogue `thread_rows` says which rows a thread's slots are).
fn block_rows(b: u32, first: u32) -> vec4<u32> {
    let rows = thread_rows(vec4<u32>(0u, 1u, 2u, 3u) + 4u * b, first);
    return (vec4<u32>(params.first_row) + rows) * params.row_bytes;
}

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) wg: vec3<u32>, inv: Invocation) {
    let first = wg.x * outputs_per_workgroup() + inv.lid;
    tile_tok0 = wg.y * TOK;
    // Rows past the end repeat the last one; no thread returns early, so a subgroup stays whole.
    // With BLOCKS = 1 only block 0 is read (m1..m3 stay copies of m0 that mac_slot skips).
    let rows0 = block_rows(0u, first);
    let rows1 = block_rows(1u, first);
    let rows2 = block_rows(2u, first);
    let rows3 = block_rows(3u, first);
    let n_groups = (params.n_in + 31u) / 32u;
    for (var g = 0u; g < n_groups; g++) {
        // A float row's last group may be partial: its missing weights are 0.
        let n_valid = min(32u, params.n_in - g * 32u);
        let m0 = block_quads(rows0, g, n_valid);
        var m1 = m0;
        var m2 = m0;
        var m3 = m0;
        if (BLOCKS > 1u) {
            m1 = block_quads(rows1, g, n_valid);
            m2 = block_quads(rows2, g, n_valid);
            m3 = block_quads(rows3, g, n_valid);
        }
        load_group(inv, g);
        mac_quad(g, 0u, m0[0], m1[0], m2[0], m3[0]);
        mac_quad(g, 1u, m0[1], m1[1], m2[1], m3[1]);
        mac_quad(g, 2u, m0[2], m1[2], m2[2], m3[2]);
        mac_quad(g, 3u, m0[3], m1[3], m2[3], m3[3]);
        mac_quad(g, 4u, m0[4], m1[4], m2[4], m3[4]);
        mac_quad(g, 5u, m0[5], m1[5], m2[5], m3[5]);
        mac_quad(g, 6u, m0[6], m1[6], m2[6], m3[6]);
        mac_quad(g, 7u, m0[7], m1[7], m2[7], m3[7]);
    }
    write_outputs(first);
}
