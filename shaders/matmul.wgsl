// Y[t][r] (+)= dot(W[r], X[t]) for a quantized weight W [n_out rows of n_in] and f32 activations
// X [n_tok][n_in]: prefill's GEMM (decode's GEMV is matvec.wgsl / matvec_rows.wgsl). A workgroup
// covers 4 × LANES rows × TOK tokens; each thread takes four rows (lid + LANES·k) and TOK token
// slots. Per 32-column group it dequantizes each of its rows' blocks once (`dequant32` from
// shaders/dequant/<type>.wgsl: 8 quads of columns), and each quad of a token's x then serves four
// rows: `x · M`, M's columns being the four rows' weights.
//
// On CPU-emulated adapters a load is paid per lane, so loads per multiply-add set the speed; and
// arrays must be indexed by constants only (see shaders/dequant/bytes.wgsl), hence the eight
// literal calls below instead of loops. How a thread gets each quad of x (a load per quad, or a
// load per lane shared across a subgroup) comes from shaders/share_x/.

// Params, w and y come from shaders/matmul_params.wgsl.
// x (binding 2), x4 and x1 come from shaders/activations/{uniform,vec4,scalar}.wgsl.
// Invocation, lane_quad and quad come from shaders/share_x/{direct,subgroup}.wgsl.

const LANES: u32 = 64u; // threads per workgroup
const TOK: u32 = 8u;    // token slots per workgroup

// The workgroup's first token.
var<private> tile_tok0: u32;
// acc[s][k]: token slot s's dot product with the thread's row k.
var<private> acc: array<vec4<f32>, TOK>;
// This lane's share of the current group's x, per token slot (see shaders/share_x/).
var<private> lane_x: array<vec4<f32>, TOK>;

// The token in slot s (0..TOK) of this workgroup; slots past the last token repeat it (their
// results are not written).
fn token(s: u32) -> u32 {
    return min(tile_tok0 + s, params.n_tok - 1u);
}

// Where the group at column `col` starts in x, for the token in slot s.
fn x_base(s: u32, col: u32) -> u32 {
    return (token(s) - params.tok_base) * params.n_in + col;
}

// Loads this lane's share of the group at column `col` for every token slot (nothing without
// subgroups: see shaders/share_x/).
fn load_group(inv: Invocation, col: u32) {
    lane_x[0] = lane_quad(inv, x_base(0u, col));
    lane_x[1] = lane_quad(inv, x_base(1u, col));
    lane_x[2] = lane_quad(inv, x_base(2u, col));
    lane_x[3] = lane_quad(inv, x_base(3u, col));
    lane_x[4] = lane_quad(inv, x_base(4u, col));
    lane_x[5] = lane_quad(inv, x_base(5u, col));
    lane_x[6] = lane_quad(inv, x_base(6u, col));
    lane_x[7] = lane_quad(inv, x_base(7u, col));
}

// Quad k of the group at column `col` (its columns col + 4k ..), for every token slot, times
// the four rows' weights there (the columns of m).
fn mac_quad(col: u32, k: u32, m: mat4x4<f32>) {
    acc[0] += quad(lane_x[0], x_base(0u, col), k) * m;
    acc[1] += quad(lane_x[1], x_base(1u, col), k) * m;
    acc[2] += quad(lane_x[2], x_base(2u, col), k) * m;
    acc[3] += quad(lane_x[3], x_base(3u, col), k) * m;
    acc[4] += quad(lane_x[4], x_base(4u, col), k) * m;
    acc[5] += quad(lane_x[5], x_base(5u, col), k) * m;
    acc[6] += quad(lane_x[6], x_base(6u, col), k) * m;
    acc[7] += quad(lane_x[7], x_base(7u, col), k) * m;
}

// Writes token slot s's four results (rows first + LANES·k that exist).
fn write_slot(s: u32, first: u32) {
    let t = tile_tok0 + s;
    if (t >= params.n_tok) {
        return;
    }
    for (var k = 0u; k < 4u; k++) {
        let row = first + k * LANES;
        if (row < params.n_out) {
            let i = t * params.y_stride + params.y_row0 + row;
            let prev = select(0.0, y[i], params.accumulate == 1u);
            y[i] = prev + acc[s][k];
        }
    }
}

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) wg: vec3<u32>, inv: Invocation) {
    let first = wg.x * 4u * LANES + inv.lid;
    tile_tok0 = params.tok_base + wg.y * TOK;
    // Rows past the end repeat the last one; no thread returns early, so a subgroup stays whole.
    let rows = min(vec4<u32>(first) + vec4<u32>(0u, 1u, 2u, 3u) * LANES, vec4<u32>(params.n_out - 1u));
    let row_bytes = (vec4<u32>(params.first_row) + rows) * params.row_bytes;
    let n_groups = (params.n_in + 31u) / 32u;
    for (var g = 0u; g < n_groups; g++) {
        // A float row's last group may be partial: its missing weights are 0.
        let n_valid = min(32u, params.n_in - g * 32u);
        let r0 = dequant32(row_bytes.x, g, n_valid);
        let r1 = dequant32(row_bytes.y, g, n_valid);
        let r2 = dequant32(row_bytes.z, g, n_valid);
        let r3 = dequant32(row_bytes.w, g, n_valid);
        let col = g * 32u;
        load_group(inv, col);
        mac_quad(col, 0u, mat4x4<f32>(r0[0], r1[0], r2[0], r3[0]));
        mac_quad(col, 1u, mat4x4<f32>(r0[1], r1[1], r2[1], r3[1]));
        mac_quad(col, 2u, mat4x4<f32>(r0[2], r1[2], r2[2], r3[2]));
        mac_quad(col, 3u, mat4x4<f32>(r0[3], r1[3], r2[3], r3[3]));
        mac_quad(col, 4u, mat4x4<f32>(r0[4], r1[4], r2[4], r3[4]));
        mac_quad(col, 5u, mat4x4<f32>(r0[5], r1[5], r2[5], r3[5]));
        mac_quad(col, 6u, mat4x4<f32>(r0[6], r1[6], r2[6], r3[6]));
        mac_quad(col, 7u, mat4x4<f32>(r0[7], r1[7], r2[7], r3[7]));
    }
    write_slot(0u, first);
    write_slot(1u, first);
    write_slot(2u, first);
    write_slot(3u, first);
    write_slot(4u, first);
    write_slot(5u, first);
    write_slot(6u, first);
    write_slot(7u, first);
}
