// y[r] (+)= dot(W[r], x) for one token (decode), 4 · BLOCKS consecutive rows per thread. On
// CPU-emulated adapters (lavapipe, SwiftShader) an activation load inside a loop is paid per lane
// even when every lane reads the same x, so sharing each load of x between a thread's rows is
// what cuts the work per weight (about 2x less CPU time per GEMV on lavapipe at four rows). The
// rows are consecutive so that a subgroup reads one contiguous stretch of memory: with rows
// lid + 64k, lavapipe read SmolLM2's short rows (576 values) from DRAM at half the rate, and
// decoded 20% slower. On SwiftShader every load from a buffer is a gather, a scalar load per lane
// and per float (with robust buffer access it has no vector path), so at four rows a thread's 32
// floats of x per group cost more than its rows' 16 words of weights: BLOCKS = 4 there.
// On GPUs SPLIT threads (consecutive invocations) share a thread's rows instead, each taking
// every SPLIT-th group, so that a warp's loads of a row are consecutive 16-byte words, and add up
// their sums at the end (shaders/share_x/split.wgsl).
// Same bindings and parameters as matvec.wgsl; `dot32_x` comes from shaders/dot/<type>.wgsl
// (`x_group`, what it reads of a group's x, from shaders/dot/via_x.wgsl),
// how a thread gets the group's x (its own loads, or one load per lane shared across a
// subgroup) and the sums of its rows from shaders/share_x/, and where its results go
// (`store_pair`: into y, or for decode's Q/K/V rotated into y and the KV cache) from
// shaders/epilogue/.

// Params, w and y come from shaders/matmul_params.wgsl.
// x (binding 2), xq and x_scale come from shaders/activations/uniform*.wgsl.

// Threads per workgroup, blocks of four rows per thread and threads per such run of rows:
// GEMV_LANES, GEMV_BLOCKS and GEMV_SPLIT are replaced when compiled (kernels::Tuning::gemv_rows
// · gemv_split / (4 · gemv_blocks), gemv_blocks, gemv_split).
const LANES: u32 = GEMV_LANES;
const BLOCKS: u32 = GEMV_BLOCKS; // 1, 2 or 4
const SPLIT: u32 = GEMV_SPLIT; // 1, or the threads that split each run of rows' groups

// The byte offsets of the thread's rows 4b .. 4b + 3 from `first` (rows past the end repeat the
// last one: their results are not written).
fn block_rows(b: u32, first: u32) -> vec4<u32> {
    let rows = min(vec4<u32>(first + 4u * b) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.n_out - 1u));
    return (vec4<u32>(params.first_row) + rows) * params.row_bytes;
}

// The group's dots with the four rows at byte offsets `rows`.
fn block_dots(rows: vec4<u32>, g: u32, xs: XGroup) -> vec4<f32> {
    return vec4<f32>(dot32_x(rows.x, g, xs), dot32_x(rows.y, g, xs), dot32_x(rows.z, g, xs), dot32_x(rows.w, g, xs));
}

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) wg: vec3<u32>, inv: Invocation) {
    let part = inv.lid % SPLIT; // this thread's groups: part, part + SPLIT, ...
    let first = (wg.x * (LANES / SPLIT) + inv.lid / SPLIT) * 4u * BLOCKS;
    // No thread returns early, so a subgroup stays whole. Blocks past BLOCKS are never read.
    let rows0 = block_rows(0u, first);
    let rows1 = block_rows(1u, first);
    let rows2 = block_rows(2u, first);
    let rows3 = block_rows(3u, first);
    let n_groups = params.n_in / 32u;
    // Separate variables, not an array: arrays indexed by a variable live in memory on
    // SwiftShader (see shaders/dequant/bytes.wgsl).
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    for (var g = part; g < n_groups; g += SPLIT) {
        // One token: t = 0.
        let mine = lane_quad(inv, 0u, g);
        let xs = x_group(array<vec4<f32>, 8>(quad(mine, 0u, g, 0u), quad(mine, 0u, g, 1u), quad(mine, 0u, g, 2u), quad(mine, 0u, g, 3u),
                                             quad(mine, 0u, g, 4u), quad(mine, 0u, g, 5u), quad(mine, 0u, g, 6u), quad(mine, 0u, g, 7u)));
        acc0 += block_dots(rows0, g, xs);
        if (BLOCKS > 1u) {
            acc1 += block_dots(rows1, g, xs);
        }
        if (BLOCKS > 2u) {
            acc2 += block_dots(rows2, g, xs);
            acc3 += block_dots(rows3, g, xs);
        }
    }
    acc0 = row_total(inv, acc0);
    if (BLOCKS > 1u) {
        acc1 = row_total(inv, acc1);
    }
    if (BLOCKS > 2u) {
        acc2 = row_total(inv, acc2);
        acc3 = row_total(inv, acc3);
    }
    let scale = x_scale(inv);
    // The rows' results two at a time (rows first + k, first + k + 1), to the epilogue.
    for (var k = 0u; k < 4u * BLOCKS; k += 2u) {
        if (part == 0u && first + k < params.n_out) {
            var a = acc0;
            switch (k / 4u) {
                case 1u: { a = acc1; }
                case 2u: { a = acc2; }
                case 3u: { a = acc3; }
                default: {}
            }
            store_pair(first + k, select(a.xy, a.zw, k % 4u == 2u) * scale);
        }
    }
}
