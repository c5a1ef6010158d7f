// The prefill GEMM with a GLU epilogue (see shaders/matmul.wgsl), for the tunings that have it
// (kernels::Tuning::gemm_glu). Without params.glu, the plain GEMM (as gemm_plain.wgsl). With it,
// W is [gate; up]: a thread's first GLU_ROWS slots are gate rows, the rest the up rows of the
// same outputs, and it writes act(gate) · up only. silu and gelu_tanh come from shaders/act.wgsl.

const GLU_ROWS: u32 = 2u * BLOCKS; // GLU outputs per thread: half its rows

// W's rows for a thread's slots (rows past the end of a half repeat its last one).
fn thread_rows(slots: vec4<u32>, first: u32) -> vec4<u32> {
    if (params.glu == 0u) {
        return plain_rows(slots, first);
    }
    let n_ff = params.n_out / 2u;
    let up = slots >= vec4<u32>(GLU_ROWS);
    let rows = vec4<u32>(first) + select(slots, slots - vec4<u32>(GLU_ROWS), up) * LANES;
    return min(rows, vec4<u32>(n_ff - 1u)) + select(vec4<u32>(0u), vec4<u32>(n_ff), up);
}

// Outputs per workgroup: with the GLU half its rows (each output is two).
fn outputs_per_workgroup() -> u32 {
    return select(4u, 2u, params.glu != 0u) * BLOCKS * LANES;
}

// Every token slot's results.
fn write_outputs(first: u32) {
    if (params.glu != 0u) {
        write_glu_slot(s, first); // for each s < TOK
    } else {
        write_slot(s, first); // for each s < TOK
    }
}

// act(gate) · up for four outputs, by params.glu.
fn glu(gate: vec4<f32>, up: vec4<f32>) -> vec4<f32> {
    if (params.glu == 2u) {
        return gelu_tanh(gate) * up;
    }
    return silu(gate) * up;
}

// Writes token slot s's GLU outputs: rows first + LANES·j (j < GLU_ROWS) that exist.
fn write_glu_slot(s: u32, first: u32) {
    let t = tile_tok0 + s;
    if (t >= params.n_tok) {
        return;
    }
    // Block b's rows are the thread's slots 4b .. 4b + 3: gate in the first half, up in the second.
    var y0: vec4<f32>;
    var y1 = vec4<f32>(0.0);
    if (BLOCKS == 1u) {
        y0 = glu(vec4<f32>(acc0[s].xy, 0.0, 0.0), vec4<f32>(acc0[s].zw, 0.0, 0.0));
    } else {
        y0 = glu(acc0[s], acc2[s]);
        y1 = glu(acc1[s], acc3[s]);
    }
    let n_ff = params.n_out / 2u;
    for (var j = 0u; j < GLU_ROWS; j++) {
        let row = first + j * LANES;
        if (row < n_ff) {
            y[t * params.y_stride + params.y_row0 + row] = select(y0[j % 4u], y1[j % 4u], j >= 4u);
        }
    }
}
